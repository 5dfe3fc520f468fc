"""The central API served by uvicorn in a background (daemon) thread of this process.

``kiosk --demo`` runs the reference central next to the counter this way, and the tests
use it as a real peer over loopback::

    with BackgroundCentral(db_path, {"CSC-DEMO-01": CounterAuth("CSC-DEMO-01", token)}) as c:
        httpx.get(c.url + "/v1/health")
        c.stop()     # down: connections to c.url are refused
        c.start()    # up again on the SAME port and database

Port 0 (the default) means a free port picked by the system; after the first start the
port is kept, so a restart answers on the same address. uvicorn leaves the process's
logging configuration alone (its records go to the root logger's handlers, if any, and
never straight to stderr), because a terminal app must not get server lines written
over its screen.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from central.auth import CounterAuth
from central.clock import Clock, utc_now

if TYPE_CHECKING:
    import httpx
    import uvicorn

LOOPBACK = "127.0.0.1"
_UVICORN_LOG = logging.getLogger("uvicorn")


class CentralStartError(RuntimeError):
    """The central could not be started; the message says why in one sentence."""


class BackgroundCentral:
    """The real central app (FastAPI + uvicorn) in a daemon thread on a local port.

    ``tokens`` (counter id -> :class:`CounterAuth`) is read at every ``start()``, so a
    counter added to it takes effect at the next start. Importing this module is cheap:
    uvicorn and the app are imported by ``start()``.
    """

    def __init__(
        self,
        db_path: Path,
        tokens: Mapping[str, CounterAuth],
        *,
        host: str = LOOPBACK,
        port: int = 0,
        clock: Clock = utc_now,
        start_timeout: float = 10.0,
        ssl_certfile: Path | None = None,
        ssl_keyfile: Path | None = None,
    ) -> None:
        """``ssl_certfile`` (with ``ssl_keyfile``, unless the key is in the same PEM file)
        serves HTTPS, as a real central does: the tests of the counter's TLS checks."""
        self.db_path = Path(db_path)
        self.tokens: dict[str, CounterAuth] = dict(tokens)
        self.host = host
        self.port = port
        self.clock = clock
        self.start_timeout = start_timeout
        self.ssl_certfile = ssl_certfile
        self.ssl_keyfile = ssl_keyfile
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("the central has not been started yet")
        scheme = "https" if self.ssl_certfile else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- life cycle -------------------------------------------------------------------

    def _socket(self) -> socket.socket:
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets it knows are TCP,
        # and without it every reply waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A restart on the same port may find it busy for a moment while the old one closes.
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                sock.bind((self.host, self.port))
                break
            except OSError as exc:
                if self.port == 0 or time.monotonic() > deadline:
                    sock.close()
                    raise CentralStartError(
                        f"the central cannot listen on {self.host}:{self.port}: "
                        f"{exc.strerror or exc}"
                    ) from None
                time.sleep(0.05)
        self.port = sock.getsockname()[1]
        return sock

    def start(self) -> Self:
        """Start serving; returns once the central answers its health check.

        Raises :class:`CentralStartError` when the port cannot be had or the central does
        not answer within ``start_timeout`` seconds.
        """
        if self.running:
            return self
        import uvicorn

        from central.app import create_app

        if not any(isinstance(h, logging.NullHandler) for h in _UVICORN_LOG.handlers):
            # Without any handler Python would print uvicorn's errors to stderr (over a
            # terminal app's screen); records still reach the root logger's handlers.
            _UVICORN_LOG.addHandler(logging.NullHandler())

        app = create_app(self.db_path, dict(self.tokens), clock=self.clock)
        sock = self._socket()
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=2,
            ssl_certfile=self.ssl_certfile,
            ssl_keyfile=self.ssl_keyfile,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name=f"central-{self.port}",
            daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()
        try:
            self._wait_until_up(sock)
        except BaseException:
            self.stop()
            sock.close()
            raise
        return self

    def _wait_until_up(self, sock: socket.socket) -> None:
        import httpx

        deadline = time.monotonic() + self.start_timeout
        # trust_env=False: a proxy from the environment must not stand between us and
        # our own loopback server.
        with httpx.Client(trust_env=False, timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self._thread is not None and not self._thread.is_alive():
                    raise CentralStartError(
                        f"the central on {self.url} stopped while starting (see the log)"
                    )
                if self._answers(client):
                    return
                time.sleep(0.02)
        raise CentralStartError(
            f"the central did not answer on {self.url} within {self.start_timeout:g} s"
        )

    def _answers(self, client: httpx.Client) -> bool:
        if self.ssl_certfile:
            # Whom to trust is the client's business: over TLS, uvicorn's own word will do.
            return self._server is not None and self._server.started
        import httpx

        try:
            return client.get(f"{self.url}/v1/health").status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        """Stop serving: afterwards connections to ``url`` are refused. Safe to repeat."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout=self.start_timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=self.start_timeout)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.port else "not started"
        return f"<BackgroundCentral {where} db={self.db_path}>"
