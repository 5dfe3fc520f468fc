"""``kiosk-central``: the reference central API server's command.

The server itself (FastAPI, ``serve --host --port --db``) comes with the sync engine;
until then the command says so plainly instead of pretending to serve.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiosk-central", description="Reference central API server for kiosk counters."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the central API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8787)
    serve.add_argument("--db", default="central.db")
    parser.parse_args(argv)
    sys.stderr.write("kiosk-central: the central server is not built yet (planned with sync)\n")
    return 1
