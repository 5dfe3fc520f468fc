"""The real central server (uvicorn) in a background thread on a loopback port, for tests.

    with LiveCentral(tmp_path / "central.db", seed=50) as central:
        httpx.get(central.url + "/v1/health")
        central.stop()     # the central is down: connections are refused
        central.start()    # up again on the SAME port and database

``url``, ``db_path``, ``token``, ``counter_id`` and ``headers`` are what a client needs;
``add_counter()`` gives another counter its own token (before ``start()``). The serving
itself is the product's :class:`central.server.BackgroundCentral` (what ``kiosk --demo``
runs); this adds a seeded database and a test counter with its token.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx

from central.auth import CounterAuth
from central.clock import Clock, utc_now
from central.db import CentralDB
from central.demo_data import generate_snapshots, seed_database
from central.server import LOOPBACK, BackgroundCentral

HOST = LOOPBACK
DEMO_NOW = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
DEFAULT_COUNTER = "CSC-LKO-0001"


class LiveCentral(BackgroundCentral):
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
        ssl_certfile: Path | None = None,
    ) -> None:
        self.counter_id = counter_id
        self.token = token or f"test-{secrets.token_urlsafe(24)}"
        super().__init__(
            db_path,
            {counter_id: CounterAuth(counter_id, self.token, tuple(discoms))},
            host=HOST,
            port=port,
            clock=clock,
            start_timeout=start_timeout,
            ssl_certfile=ssl_certfile,
        )
        self.seed = seed
        self.random_seed = random_seed
        self.seed_now = seed_now
        db = CentralDB(self.db_path)
        if seed and db.consumer_count() == 0:
            seed_database(db, seed, random_seed, seed_now)

    # --- what clients need ------------------------------------------------------------

    @property
    def counters(self) -> dict[str, CounterAuth]:
        return self.tokens

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

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
        self.tokens[counter_id] = counter
        return counter

    def demo_snapshots(self, count: int | None = None) -> list:
        """The demo consumers this central was seeded with (same seed, same data)."""
        return list(
            generate_snapshots(
                self.seed if count is None else count, seed=self.random_seed, now=self.seed_now
            )
        )
