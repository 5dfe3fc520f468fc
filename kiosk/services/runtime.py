"""Building a working counter from settings: its database, the sync engine, the client.

The CLI, the app and the tests all start a counter through here, so they cannot differ.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import KioskSettings
from kiosk.services.counter import Counter, utc_now
from kiosk.store.db import connect, open_migrated
from offline_queue import outbox

if TYPE_CHECKING:  # httpx and the engine load with the sync, not with the login screen
    import httpx

    from kiosk.domain.snapshot import ConsumerSnapshot
    from kiosk.services.central_client import CentralClient
    from offline_queue.engine import SyncEngine

DATABASE_NAME = "kiosk.db"


def database_path(settings: KioskSettings) -> Path:
    return Path(settings.storage.data_dir) / DATABASE_NAME


def open_counter(
    settings: KioskSettings,
    *,
    clock: Callable[[], datetime] = utc_now,
    entropy: Callable[[int], bytes] = os.urandom,
) -> Counter:
    """Open (create, migrate) the counter database and wrap it for the services."""
    conn = open_migrated(database_path(settings))
    return Counter(conn=conn, settings=settings, clock=clock, entropy=entropy)


def apply_consumer_changes(conn: sqlite3.Connection, records: list[ConsumerSnapshot]) -> None:
    """Store a page of the central's consumer changes (the engine validated each record,
    skipping a bad one)."""
    from kiosk.store.consumers import upsert_snapshots

    upsert_snapshots(conn, records, cached_at=datetime.now(UTC))


# Which reference of a synced event is the central's number for which local record.
_CENTRAL_NUMBERS = (
    ("complaints", "complaint_no"),
    ("scheme_registrations", "registration_no"),
    ("connection_requests", "application_no"),
)


def record_central_numbers(conn: sqlite3.Connection, synced: list[outbox.Synced]) -> None:
    """Copy the central's complaint / registration / application numbers onto the local
    records (in the sync's own transaction), so they can be found and reprinted offline."""
    for table, key in _CENTRAL_NUMBERS:
        rows = [(s.refs[key], s.event_id) for s in synced if s.refs.get(key)]
        if rows:
            conn.executemany(
                f"UPDATE {table} SET central_no = ? WHERE event_id = ? AND central_no IS NULL",
                rows,
            )


@dataclass
class Wiring:
    """What a running counter holds besides its database."""

    engine: SyncEngine | None
    central: CentralClient | None

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
        if self.central is not None:
            self.central.close()


def wire_sync(
    counter: Counter,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.time,
    backoff_base_s: float = 2.0,
    backoff_cap_s: float = 300.0,
) -> Wiring:
    """The sync engine and the lookup client for a counter; both None without a central."""
    from kiosk.domain.snapshot import ConsumerSnapshot
    from kiosk.services.central_client import CentralClient
    from offline_queue.engine import SyncEngine
    from offline_queue.tls import client_context

    settings = counter.settings
    central = settings.central
    if not central.url:
        return Wiring(engine=None, central=None)
    token = central.resolved_token()
    path = database_path(settings)
    # One trust for both clients: the discom's own CA when ca_file names it.
    verify = client_context(central.ca_file)
    engine = SyncEngine(
        connect=lambda: connect(path),
        base_url=central.url,
        token=token,
        batch_size=central.batch_size,
        max_batch_size=central.max_batch_size,
        interval_s=central.sync_interval_s,
        connect_timeout_s=central.connect_timeout_s,
        read_timeout_s=central.read_timeout_s,
        backoff_base_s=backoff_base_s,
        backoff_cap_s=backoff_cap_s,
        apply_changes=apply_consumer_changes,
        record_model=ConsumerSnapshot,
        on_synced=record_central_numbers,
        transport=transport,
        verify=verify,
        clock=clock,
    )
    client = CentralClient(central.url, token, transport=transport, verify=verify)
    counter.on_committed = engine.wake
    counter.is_online = lambda: engine.state.online is not False
    return Wiring(engine=engine, central=client)


@dataclass(frozen=True, slots=True)
class CounterStatus:
    counter_id: str
    online: bool | None
    pending: int
    dead_lettered: int
    oldest_pending_age_s: float | None
    last_sync_at: str | None
    clock_skew_s: float | None
    last_error: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "counter_id": self.counter_id,
            "online": self.online,
            "pending": self.pending,
            "dead_lettered": self.dead_lettered,
            "oldest_pending_age_s": self.oldest_pending_age_s,
            "last_sync_at": self.last_sync_at,
            "clock_skew_s": self.clock_skew_s,
            "last_error": self.last_error,
        }


def counter_status(counter: Counter, engine: SyncEngine | None) -> CounterStatus:
    """The queue's numbers, and the central's reachability as the engine last saw it."""
    numbers = outbox.stats(counter.conn, now=counter.now().timestamp())
    state = engine.state if engine is not None else None
    last = numbers.last_success_at
    return CounterStatus(
        counter_id=counter.counter_id,
        online=state.online if state else None,
        pending=numbers.pending,
        dead_lettered=numbers.dead_lettered,
        oldest_pending_age_s=numbers.oldest_pending_age_s,
        last_sync_at=None if last is None else datetime.fromtimestamp(last, UTC).isoformat(),
        clock_skew_s=state.clock_skew_s if state else None,
        last_error=state.last_error if state else None,
    )
