"""BackgroundCentral: the product's in-process central (what kiosk --demo runs)."""

from __future__ import annotations

import socket

import httpx
import pytest

from central.auth import CounterAuth
from central.server import BackgroundCentral, CentralStartError

TOKEN = "background-central-test-token"


def test_serves_on_a_free_loopback_port_until_stopped(tmp_path):
    central = BackgroundCentral(tmp_path / "c.db", {"CSC-X-01": CounterAuth("CSC-X-01", TOKEN)})
    with pytest.raises(RuntimeError, match="not been started"):
        _ = central.url
    with central:
        assert central.running and central.url.startswith("http://127.0.0.1:")
        reply = httpx.get(
            f"{central.url}/v1/consumers/changes", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert reply.status_code == 200
    assert not central.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{central.url}/v1/health", timeout=2)
    central.stop()  # again: nothing to do


def test_a_busy_port_is_a_plain_error(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        central = BackgroundCentral(tmp_path / "c.db", {}, port=port, start_timeout=0.3)
        with pytest.raises(CentralStartError, match=rf"cannot listen on 127\.0\.0\.1:{port}"):
            central.start()
        assert not central.running
