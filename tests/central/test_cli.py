"""``kiosk-central``: one clear line and exit status 2 for every bad argument; a real serve."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from central.cli import main, openapi_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_TOKENS = ROOT / "central" / "tokens.example.toml"
KIOSK_CENTRAL = Path(sys.executable).parent / "kiosk-central"
GOOD_TOKEN = 'token = "a-long-enough-secret-01"'


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(argv, out=out, err=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def tokens_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tokens.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_serve_without_tokens_refuses_to_start(tmp_path):
    code, _, err = run(["serve", "--db", str(tmp_path / "c.db")])
    assert code == 2
    assert err.count("\n") == 1
    assert "--tokens" in err
    assert not (tmp_path / "c.db").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["serve", "--port", "99999"], "--port"),
        (["serve", "--port", "http"], "--port"),
        (["serve", "--seed", "-5"], "--seed"),
        (["serve", "--seed", "many"], "--seed"),
        (["serve", "--random-seed", "x"], "--random-seed"),
        (["serve", "--log-level", "loud"], "--log-level"),
        (["serve", "--what"], "--what"),
        (["dance"], "dance"),
        ([], "command"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(capsys, args, words):
    code, _, _ = run(args)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert words in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not = [toml", "not valid TOML"),
        ("", "no [counters.<id>]"),
        ("[counters.A]\n", "token: is missing"),
        ('[counters.A]\ntoken = "short"\n', "at least 16"),
        (f'[counters.A]\n{GOOD_TOKEN}\ndiscoms = ["NOPE"]\n', "unknown discom 'NOPE'"),
        (f'[counters.A]\n{GOOD_TOKEN}\ndiscoms = "MVVNL"\n', "discoms: must be a list"),
        (f"[counters.A]\n{GOOD_TOKEN}\ncolour = 1\n", "unknown key 'colour'"),
        (f"[counters.A]\n{GOOD_TOKEN}\n[counters.B]\n{GOOD_TOKEN}\n", "another counter"),
    ],
)
def test_bad_tokens_file_is_one_line_naming_the_file(tmp_path, text, words):
    path = tokens_file(tmp_path, text)
    code, _, err = run(["serve", "--db", str(tmp_path / "c.db"), "--tokens", str(path)])
    assert code == 2
    assert err.count("\n") == 1
    assert str(path) in err and words in err
    assert "a-long-enough-secret-01" not in err


def test_missing_tokens_file_and_missing_db_folder_are_one_line(tmp_path):
    code, _, err = run(["serve", "--tokens", str(tmp_path / "none.toml")])
    assert (code, err.count("\n")) == (2, 1)
    assert "not found" in err
    code, _, err = run(
        ["serve", "--tokens", str(EXAMPLE_TOKENS), "--db", str(tmp_path / "no" / "c.db")]
    )
    assert (code, err.count("\n")) == (2, 1)
    assert "does not exist" in err


def test_db_that_is_not_sqlite_is_one_line(tmp_path):
    db = tmp_path / "c.db"
    db.write_bytes(b"this is not a database at all" * 100)
    code, _, err = run(["serve", "--tokens", str(EXAMPLE_TOKENS), "--db", str(db)])
    assert (code, err.count("\n")) == (2, 1)
    assert "cannot be used" in err


def test_example_tokens_file_loads():
    from central.auth import load_tokens

    tokens = load_tokens(EXAMPLE_TOKENS)
    assert tokens["CSC-LKO-0001"].discoms == ("MVVNL",)
    assert tokens["HQ-TEST-0001"].discoms == ()


def test_help_explains_seed_and_tokens(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--seed N if the database has no consumers yet, fill it with N" in text
    assert "--tokens FILE" in text


def test_openapi_command_prints_the_document():
    code, out, _ = run(["openapi"])
    assert code == 0
    assert json.loads(out) == openapi_document()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_starts_seeds_and_answers_over_http(tmp_path):
    port = _free_port()
    db = tmp_path / "c.db"
    process = subprocess.Popen(
        [
            *(str(KIOSK_CENTRAL), "serve", "--port", str(port), "--db", str(db)),
            *("--tokens", str(EXAMPLE_TOKENS), "--seed", "25", "--log-level", "warning"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/v1/consumers/changes",
                    headers={"Authorization": "Bearer change-me-headquarters-secret"},
                    timeout=2,
                )
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.status_code == 200
        assert len(response.json()["records"]) == 25
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert "generating 25 demo consumers" in out
    assert "Traceback" not in err
