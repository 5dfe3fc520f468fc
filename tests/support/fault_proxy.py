"""A loopback HTTP proxy that breaks on purpose, between a counter and the real central.

Each request takes the next fault from a script (or passes through when the script is
empty). The faults are the ones that hurt real point-of-sale sync:

- ``lose_reply``: forward to the central (which commits), then close the connection before
  any byte of the reply reaches the counter;
- ``reset``: answer with a real TCP reset (RST, a close with SO_LINGER 0) without forwarding;
- ``reset_after_commit``: forward (the central commits), then a TCP reset instead of the reply;
- ``black_hole``: do not forward and send nothing until the counter gives up (its read
  timeout) and hangs up: a request lost on the way, like a dropped packet;
- ``late_reply``: forward (the central commits), then hold the reply until the counter
  gives up: a reply lost on the way back;
- ``truncate``: forward, then send only half of the reply's body;
- ``status:500`` / ``status:503``: answer with that status without forwarding;
- ``retry_after:N``: answer 429 with ``Retry-After: N`` without forwarding;
- ``html:N``: answer status N with an HTML page (a captive portal or a broken proxy);
- ``delay:S``: wait S seconds, then forward normally.

Only requests whose path starts with ``fault_paths`` take faults (default: event pushes).
``script(faults, path=...)`` gives one path prefix a script of its own (say, the consumer
changes feed apart from the event pushes); other faulted paths share the default script.
``page_limit`` caps the ``limit`` of consumer-changes requests, as a central with small pages
would: a few hundred changes then come in many pages, so faults and kills land mid-feed.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
_CHANGES_PATH = "/v1/consumers/changes"
HOLD_MAX_S = 10.0  # a held request lets go after this even if the counter never hangs up


class FaultProxy:
    def __init__(self, upstream: str, *, fault_paths: tuple[str, ...] = ("/v1/events",)) -> None:
        self.upstream = upstream.rstrip("/")
        self.fault_paths = fault_paths
        self.faults: deque[str] = deque()
        self.path_faults: dict[str, deque[str]] = {}
        self.page_limit: int | None = None
        self.seen: list[tuple[str, str, str]] = []  # (method, path, fault applied)
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes: without this, Nagle and the
            # client's delayed ACK hold every reply back ~40 ms.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                proxy._serve(self)

            do_GET = _handle
            do_POST = _handle

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a counter killed or timed out mid-reply is what these tests do

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll: stop() waits for the serving loop's next look, 0.5 s by default.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._client = httpx.Client(base_url=self.upstream, timeout=30)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, faults: Iterable[str], *, path: str = "") -> None:
        """Queue faults for the next requests (of the paths starting with ``path``, if given)."""
        with self.lock:
            queue = self.path_faults.setdefault(path, deque()) if path else self.faults
            queue.extend(faults)

    def clear(self) -> None:
        """No more faults: the network is healthy again."""
        with self.lock:
            self.faults.clear()
            for queue in self.path_faults.values():
                queue.clear()

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()

    def _next_fault(self, path: str) -> str:
        if not path.startswith(self.fault_paths):
            return ""
        with self.lock:
            queue = next(
                (q for prefix, q in self.path_faults.items() if path.startswith(prefix)),
                self.faults,
            )
            return queue.popleft() if queue else ""

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        fault = self._next_fault(handler.path)
        self.seen.append((handler.command, handler.path, fault))
        if fault == "reset":
            _reset(handler)
            return
        if fault == "black_hole":
            _hold(handler)
            return
        if fault.startswith("status:"):
            _reply(handler, int(fault.split(":")[1]), b'{"code":"fault","detail":"injected"}')
            return
        if fault.startswith("html:"):
            page = b"<html><body>Please log in to the Wi-Fi</body></html>"
            _reply(handler, int(fault.split(":")[1]), page, {"Content-Type": "text/html"})
            return
        if fault.startswith("retry_after:"):
            seconds = fault.split(":")[1]
            _reply(handler, 429, b'{"code":"busy","detail":"injected"}', {"Retry-After": seconds})
            return
        if fault.startswith("delay:"):
            time.sleep(float(fault.split(":")[1]))
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_HEADERS}
        try:
            upstream = self._client.request(
                handler.command, self._capped(handler.path), content=body, headers=headers
            )
        except httpx.HTTPError:
            _reply(handler, 502, b'{"code":"bad_gateway","detail":"central down"}')
            return
        if fault == "lose_reply":
            _cut(handler)
            return
        if fault == "reset_after_commit":
            _reset(handler)
            return
        if fault == "late_reply":
            _hold(handler)
            return
        content = upstream.content
        extra = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_HEADERS}
        if fault == "truncate":
            _reply(handler, upstream.status_code, content, extra, send=len(content) // 2)
            return
        _reply(handler, upstream.status_code, content, extra)

    def _capped(self, path: str) -> str:
        """The path with a changes request's ``limit`` capped at ``page_limit``."""
        parts = urlsplit(path)
        if self.page_limit is None or parts.path != _CHANGES_PATH:
            return path
        query = [
            (k, str(min(int(v), self.page_limit)) if k == "limit" and v.isdigit() else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return f"{parts.path}?{urlencode(query)}"


def _reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    *,
    send: int | None = None,
) -> None:
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    if "content-type" not in {k.lower() for k in (headers or {})}:
        handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body if send is None else body[:send])
    handler.wfile.flush()
    if send is not None:
        _cut(handler)


def _cut(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.shutdown(socket.SHUT_RDWR)


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with SO_LINGER 0: the kernel sends RST, the counter reads "connection reset".

    The socket's file descriptor is closed here, at once: the server's own tidy close
    afterwards (shutdown, then close) would send a FIN first.
    """
    handler.close_connection = True
    sock = handler.connection
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(sock.detach())


def _hold(handler: BaseHTTPRequestHandler) -> None:
    """Send nothing until the counter hangs up (it timed out or was killed), then close."""
    handler.close_connection = True
    sock = handler.connection
    with contextlib.suppress(OSError, ValueError):
        # Readable means the counter closed its side (or, against HTTP/1.1, sent more).
        select.select([sock], [], [], HOLD_MAX_S)
    _cut(handler)
