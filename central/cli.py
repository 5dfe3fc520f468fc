"""``kiosk-central``: run the reference central API server, or print its OpenAPI document.

    kiosk-central serve --db central.db --tokens tokens.toml [--seed 5000]
    kiosk-central openapi > central/openapi.json

Bad arguments and unreadable files end with one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn, TextIO

from central.auth import CounterAuth, TokenFileError, load_tokens

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in ONE line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see --help)\n")


class _NoQueryInAccessLog(logging.Filter):
    """uvicorn's access log prints each path with its query, and a lookup by mobile carries
    the number there: keep the path, drop the query (whatever the log level)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                arg.split("?", 1)[0] if isinstance(arg, str) and arg.startswith("/") else arg
                for arg in record.args
            )
        return True


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0-65535, got {value}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _seed_value(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kiosk-central",
        description="Reference central API server for kiosk counters (FastAPI + SQLite).",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = commands.add_parser(
        "serve",
        help="serve the central API with uvicorn",
        description="Serve the central API. Needs --tokens: a TOML file of counter tokens "
        "(see central/tokens.example.toml).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8787, help="port to listen on (8787)")
    serve.add_argument(
        "--db", type=Path, default=Path("central.db"), help="SQLite file (central.db)"
    )
    serve.add_argument(
        "--seed",
        type=_count,
        default=0,
        metavar="N",
        help="if the database has no consumers yet, fill it with N generated demo consumers",
    )
    serve.add_argument(
        "--random-seed",
        type=_seed_value,
        default=2025,
        metavar="S",
        help="seed of the demo data generator: the same S gives the same consumers (2025)",
    )
    serve.add_argument(
        "--tokens",
        type=Path,
        metavar="FILE",
        help="TOML file of counter tokens: [counters.<id>] token = ..., discoms = [...]",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn log level (info)",
    )
    commands.add_parser(
        "openapi",
        help="print the OpenAPI document (JSON)",
        description="Print the OpenAPI document. Regenerate the committed copy with "
        "`uv run kiosk-central openapi > central/openapi.json`.",
    )
    return parser


def openapi_document() -> dict:
    """The OpenAPI document of the app (built over a throw-away database)."""
    from central.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        return create_app(Path(tmp) / "openapi.db", {}).openapi()


def openapi_text() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def _fail(message: str, err: TextIO) -> int:
    err.write(f"kiosk-central: {message}\n")
    return USAGE_ERROR


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.tokens is None:
        return _fail(
            "serve needs --tokens FILE (counter tokens; see central/tokens.example.toml)", err
        )
    try:
        tokens: dict[str, CounterAuth] = load_tokens(args.tokens)
    except TokenFileError as exc:
        return _fail(str(exc), err)
    db_path: Path = args.db
    if db_path.is_dir():
        return _fail(f"--db {db_path}: is a directory, not a database file", err)
    if not db_path.parent.is_dir():
        return _fail(f"--db {db_path}: folder {db_path.parent} does not exist", err)

    from central.app import create_app
    from central.db import CentralDB
    from central.demo_data import seed_database

    try:
        db = CentralDB(db_path)
        if args.seed and db.consumer_count() == 0:
            out.write(f"kiosk-central: generating {args.seed} demo consumers into {db_path}\n")
            seed_database(db, args.seed, args.random_seed, datetime.now(UTC))
        elif args.seed:
            out.write(f"kiosk-central: {db_path} already has consumers; --seed ignored\n")
        count = db.consumer_count()
        app = create_app(db_path, tokens)
    except sqlite3.DatabaseError as exc:
        return _fail(f"--db {db_path}: cannot be used as the central database ({exc})", err)
    except OSError as exc:
        return _fail(f"--db {db_path}: cannot be opened ({exc.strerror})", err)

    import uvicorn

    out.write(
        f"kiosk-central: serving http://{args.host}:{args.port} (db {db_path}, "
        f"{count} consumers, {len(tokens)} counters)\n"
    )
    out.flush()
    logging.getLogger("uvicorn.access").addFilter(_NoQueryInAccessLog())
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level)
    server = uvicorn.Server(config)
    try:
        server.run()
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port} ({exc.strerror})", err)
    except SystemExit:  # uvicorn logs why it could not start, then exits with status 1
        return _fail(f"could not start on {args.host}:{args.port} (see the log above)", err)
    except KeyboardInterrupt:
        return 0
    return 0


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "openapi":
        out.write(openapi_text())
        return 0
    return _serve(args, out, err)
