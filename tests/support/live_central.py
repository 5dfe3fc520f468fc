"""The real central server (uvicorn) in a background thread on a loopback port, for tests.

    with LiveCentral(tmp_path / "central.db", seed=50) as central:
        httpx.get(central.url + "/v1/health")
        central.stop()     # the central is down: connections are refused
        central.start()    # up again on the SAME port and database

``url``, ``db_path``, ``token``, ``counter_id`` and ``headers`` are what a client needs;
``add_counter()`` gives another counter its own token (before ``start()``).
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import httpx
import uvicorn

from central.app import create_app
from central.auth import CounterAuth
from central.clock import Clock, utc_now
from central.db import CentralDB
from central.demo_data import generate_snapshots, seed_database

HOST = "127.0.0.1"
DEMO_NOW = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
DEFAULT_COUNTER = "CSC-LKO-0001"


class LiveCentral:
    """A real central on 127.0.0.1 that a test can stop and start again."""

    def __init__(
        self,
        db_path: Path,
        *,
        counter_id: str = DEFAULT_COUNTER,
        token: str | None = None,
        discoms: Sequence[str] = (),
        seed: int = 0,
        random_seed: int = 2025,
        seed_now: datetime = DEMO_NOW,
        port: int = 0,
        clock: Clock = utc_now,
        start_timeout: float = 10.0,
    ) -> None:
        self.db_path = Path(db_path)
        self.counter_id = counter_id
        self.token = token or f"test-{secrets.token_urlsafe(24)}"
        self.counters: dict[str, CounterAuth] = {
            counter_id: CounterAuth(counter_id, self.token, tuple(discoms))
        }
        self.port = port
        self.clock = clock
        self.seed = seed
        self.random_seed = random_seed
        self.seed_now = seed_now
        self.start_timeout = start_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        db = CentralDB(self.db_path)
        if seed and db.consumer_count() == 0:
            seed_database(db, seed, random_seed, seed_now)

    # --- what clients need ------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("the central has not been started yet")
        return f"http://{HOST}:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def client(self, **kwargs: object) -> httpx.Client:
        """An httpx client for this central with this counter's token."""
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=10.0, **kwargs)  # type: ignore[arg-type]

    def add_counter(
        self, counter_id: str, token: str | None = None, discoms: Sequence[str] = ()
    ) -> CounterAuth:
        """Another counter with its own token; takes effect at the next ``start()``."""
        counter = CounterAuth(
            counter_id, token or f"test-{secrets.token_urlsafe(24)}", tuple(discoms)
        )
        self.counters[counter_id] = counter
        return counter

    def demo_snapshots(self, count: int | None = None) -> list:
        """The demo consumers this central was seeded with (same seed, same data)."""
        return list(
            generate_snapshots(
                self.seed if count is None else count, seed=self.random_seed, now=self.seed_now
            )
        )

    # --- life cycle -------------------------------------------------------------------

    def _socket(self) -> socket.socket:
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets it knows are TCP,
        # and without it every reply waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                sock.bind((HOST, self.port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    sock.close()
                    raise
                time.sleep(0.05)
        self.port = sock.getsockname()[1]
        return sock

    def start(self) -> LiveCentral:
        """Start serving (again, on the same port and database); returns when it answers."""
        if self.running:
            return self
        sock = self._socket()
        app = create_app(self.db_path, dict(self.counters), clock=self.clock)
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="live-central", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._thread is not None and not self._thread.is_alive():
                raise RuntimeError("the central server stopped while starting")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.02)
        self.stop()
        raise TimeoutError(f"the central did not answer on {self.url} in {self.start_timeout}s")

    def stop(self) -> None:
        """Stop serving: afterwards connections to ``url`` are refused."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout=self.start_timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=self.start_timeout)
        self._server = self._thread = None

    def __enter__(self) -> LiveCentral:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
