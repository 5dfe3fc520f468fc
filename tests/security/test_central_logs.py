"""The reference central as its operator runs it (``kiosk-central serve``, log level debug):
its access log names each request but shows no mobile number from a lookup's query and
no counter token, accepted or refused."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
KIOSK_CENTRAL = Path(sys.executable).parent / "kiosk-central"
TOKEN = "change-me-headquarters-secret"  # central/tokens.example.toml's HQ-TEST-0001
REFUSED = "not-a-counter-token-Yp4q"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_access_log_shows_no_mobile_and_no_token(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            *(str(KIOSK_CENTRAL), "serve", "--port", str(port), "--db", str(tmp_path / "c.db")),
            *("--tokens", str(ROOT / "central" / "tokens.example.toml"), "--seed", "5"),
            *("--log-level", "debug"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                changes = httpx.get(f"{base}/v1/consumers/changes", headers=headers, timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline
                time.sleep(0.1)
        mobiles = [r["consumer"]["mobile"] for r in changes.json()["records"]]
        mobile = next(m for m in mobiles if m)
        found = httpx.get(f"{base}/v1/consumers", params={"mobile": mobile}, headers=headers)
        assert found.status_code == 200 and found.json()
        refused = httpx.get(
            f"{base}/v1/consumers",
            params={"mobile": mobile},
            headers={"Authorization": f"Bearer {REFUSED}"},
        )
        assert refused.status_code == 401
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    logged = out + err
    assert "GET /v1/consumers" in logged  # the access log is on: the check means something
    assert mobile not in logged
    assert TOKEN not in logged and REFUSED not in logged
