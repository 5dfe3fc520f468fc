"""A fake central on loopback that answers badly on purpose, to test the kiosk's defences.

    with HostileCentral() as central:
        central.reply = "drip"          # a byte a second, never finishing in time
        engine = SyncEngine(base_url=central.url, ...)

Each reply in :data:`REPLIES` is one way a broken proxy, a captive portal or a hostile
peer can answer: wrong types, missing fields, a huge body, a slow drip, invalid JSON, the
wrong content type, a redirect to another host. ``requests`` records every request seen
(method, path, Host header) so a test can check that nothing was followed elsewhere.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

HUGE_BYTES = 50 * 1024 * 1024
_NOW = "2026-01-15T06:30:00+00:00"


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _json(handler: BaseHTTPRequestHandler, status: int, value: object) -> None:
    _send(handler, status, json.dumps(value).encode())


def _wrong_types(handler: BaseHTTPRequestHandler) -> None:
    """Every field present, every one of the wrong type."""
    _json(
        handler,
        200,
        {
            "server_time": 12,
            "results": "accepted",
            "records": {"a": 1},
            "next_cursor": None,
            "has_more": "yes",
            "status": ["paid"],
            "consumer": 7,
        },
    )


def _wrong_result_types(handler: BaseHTTPRequestHandler) -> None:
    """A batch reply whose results name the sent events but with badly typed fields."""
    try:
        events = json.loads(getattr(handler, "body", b""))["events"]
    except (ValueError, KeyError, TypeError):
        events = []
    results = [
        {"event_id": e.get("event_id"), "status": "accepted", "refs": {"receipt_no": 5}}
        for e in events
    ]
    _json(handler, 200, {"server_time": _NOW, "results": results})


def _missing_fields(handler: BaseHTTPRequestHandler) -> None:
    _json(handler, 200, {})


def _huge(handler: BaseHTTPRequestHandler) -> None:
    """50 MB that start like JSON and never become it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(HUGE_BYTES))
    handler.end_headers()
    chunk = b"[" * 65536
    for _ in range(HUGE_BYTES // len(chunk)):
        handler.wfile.write(chunk)


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then a byte of a valid-looking reply every 0.4 s for a minute."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "150")
    handler.end_headers()
    handler.wfile.flush()
    for _ in range(150):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.4)


def _slow_but_steady(handler: BaseHTTPRequestHandler) -> None:
    """Not hostile: a real, empty changes page over a poor link (2 kB every 0.1 s, 1.6 s)."""
    page = json.dumps(
        {"server_time": _NOW, "records": [], "next_cursor": "c-42", "has_more": False}
    ).encode()
    body = b" " * 30_000 + page
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for start in range(0, len(body), 2000):
        handler.wfile.write(body[start : start + 2000])
        handler.wfile.flush()
        time.sleep(0.1)


def _busy_then_short(handler: BaseHTTPRequestHandler) -> None:
    """Not hostile: a busy central, headers after 0.6 s and a short page 0.5 s later."""
    page = json.dumps(
        {"server_time": _NOW, "records": [], "next_cursor": "c-43", "has_more": False}
    ).encode()
    time.sleep(0.6)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(page)))
    handler.end_headers()
    handler.wfile.flush()
    time.sleep(0.5)
    handler.wfile.write(page)


def _invalid_json(handler: BaseHTTPRequestHandler) -> None:
    _send(handler, 200, b'{"server_time": "2026-01-15T06:30:00+00:00", "results": [')


def _html(handler: BaseHTTPRequestHandler) -> None:
    """A captive portal's login page, with a 200."""
    _send(handler, 200, b"<html><body>Please log in to the Wi-Fi</body></html>", "text/html")


def _wrong_content_type(handler: BaseHTTPRequestHandler) -> None:
    """A valid-looking JSON body labelled as something else."""
    _send(handler, 200, json.dumps({"server_time": _NOW, "results": []}).encode(), "text/plain")


def _html_422(handler: BaseHTTPRequestHandler) -> None:
    """A proxy's 422 that is not the central's own Problem reply."""
    _send(handler, 422, b"<html>Unprocessable</html>", "text/html")


def _redirect(handler: BaseHTTPRequestHandler) -> None:
    assert isinstance(handler.server, _Server)
    target = handler.server.redirect_to or "http://127.0.0.2:9"
    _send(handler, 307, b"", headers={"Location": target + handler.path})


REPLIES: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
    "wrong types": _wrong_types,
    "wrong result types": _wrong_result_types,
    "missing fields": _missing_fields,
    "huge": _huge,
    "drip": _drip,
    "slow but steady": _slow_but_steady,
    "busy then short": _busy_then_short,
    "invalid json": _invalid_json,
    "html": _html,
    "wrong content type": _wrong_content_type,
    "html 422": _html_422,
    "redirect": _redirect,
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    reply = "missing fields"
    redirect_to: str | None = None
    requests: list[tuple[str, str, str]]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        assert isinstance(self.server, _Server)
        self.server.requests.append((self.command, self.path, self.headers.get("Host", "")))
        # Read the request first: closing on an unread body resets the connection, and the
        # test would see a reset instead of the reply it set up.
        self.body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # A broken pipe: the kiosk gave up on the reply, as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            REPLIES[self.server.reply](self)
        self.close_connection = True

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: test output is not the place for a request log."""


class HostileCentral:
    """The fake central in a daemon thread on 127.0.0.1 (a free port)."""

    def __init__(self, reply: str = "missing fields") -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.requests = []
        self.reply = reply
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def reply(self) -> str:
        return self._server.reply

    @reply.setter
    def reply(self, name: str) -> None:
        if name not in REPLIES:
            raise KeyError(name)
        self._server.reply = name

    @property
    def redirect_to(self) -> str | None:
        return self._server.redirect_to

    @redirect_to.setter
    def redirect_to(self, url: str | None) -> None:
        self._server.redirect_to = url

    @property
    def requests(self) -> list[tuple[str, str, str]]:
        return self._server.requests

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
