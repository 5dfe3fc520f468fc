"""The counter's disk fills up (or its database turns read-only) in the middle of a sync.

The worst moment: the real central has committed a batch and the engine is about to
write the results back. The engine must not raise out of its cycle or its thread, must
name the problem in plain words, back off, and once there is room again settle every
event exactly once (the resend is answered as a duplicate). The same for a page of
consumer changes: nothing of it stored, and the cursor not moved past it.

When: a test-only httpx transport (the real one underneath, the real central over
loopback) fires the fault right after the central's reply arrives (so the central has
committed) and before the engine writes anything back. It runs on the engine's own
thread, so it can set pragmas on the engine's open connection (the fault proxy cannot: it
runs in another thread, and a SQLite connection belongs to one). Every connection the
engine opens while the fault lasts gets it too; lifting it is "room again".

How, by real SQLite where it can be made deterministic:

- read-only: ``PRAGMA query_only`` (SQLITE_READONLY on every write), real;
- disk full for a page of consumer changes: ``PRAGMA max_page_count`` pinned to the
  file's size (the technique of tests/chaos/test_disk_full_and_read_only.py), real: a
  page of snapshots needs new pages, so SQLite fails it with SQLITE_FULL;
- disk full for the results of a batch: settling rewrites rows in place and often fits
  in the pages the file has, so a pinned size does not reliably refuse it (on a real
  disk it may not fail either). There a small wrapper around the engine's real
  connection raises SQLite's own full-disk error (SQLITE_FULL, "database or disk is
  full") for every INSERT / UPDATE / DELETE while the fault lasts; all else is SQLite.

Runs in about 4 s.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.services.runtime import (
    apply_consumer_changes,
    database_path,
    record_central_numbers,
)
from kiosk.store.db import connect
from offline_queue import outbox
from offline_queue.engine import CURSOR_KEY, SyncEngine
from tests.sync.conftest import Rig
from tests.sync.test_delivery import _wait_for

WORDS = {"disk_full": "the disk is full", "read_only": "read-only"}
PRAGMAS = {
    "max_page_count": "PRAGMA max_page_count = {pages}",
    "query_only": "PRAGMA query_only = ON",
}
# How each kind of fault is made at each step (see the module's docstring).
AT_SETTLE = {"disk_full": "refuse_writes", "read_only": "query_only"}
AT_PULL = {"disk_full": "max_page_count", "read_only": "query_only"}


@dataclass
class Fault:
    """Fires on the first reply to ``path``; lasts until :meth:`lift` ("room again")."""

    kind: str  # "disk_full" or "read_only": what the engine must report
    how: str  # "max_page_count", "query_only" or "refuse_writes"
    path: str
    network_down: bool = False  # the request fails too, after the disk filled
    active: bool = False
    fired: int = 0
    conn: sqlite3.Connection | None = None  # the engine's open connection
    opened: list[sqlite3.Connection] = field(default_factory=list)

    def apply(self, conn: sqlite3.Connection) -> None:
        if self.how in PRAGMAS:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(PRAGMAS[self.how].format(pages=pages))

    def fire(self) -> None:
        assert self.conn is not None
        self.active = True
        self.fired += 1
        self.apply(self.conn)

    def lift(self) -> None:
        self.active = False


class FaultAfterReply(httpx.HTTPTransport):
    """The real transport; the fault fires once the central's reply is in."""

    def __init__(self, fault: Fault) -> None:
        super().__init__()
        self.fault = fault

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.fault.network_down and request.url.path == self.fault.path:
            if not self.fault.fired:
                self.fault.fire()
            raise httpx.ConnectError("no network", request=request)
        response = super().handle_request(request)
        if request.url.path == self.fault.path and not self.fault.active and not self.fault.fired:
            self.fault.fire()  # the central has committed: its reply is here
        return response


class RefusesWrites:
    """The engine's real connection, on a disk with no room left for any write."""

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

    def __init__(self, conn: sqlite3.Connection, fault: Fault) -> None:
        self._conn = conn
        self._fault = fault

    def _check(self, sql: str) -> None:
        if self._fault.active and sql.lstrip().upper().startswith(self.WRITES):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = sqlite3.SQLITE_FULL  # as SQLite's own error carries
            raise error

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        self._check(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: object) -> sqlite3.Cursor:
        self._check(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


def faulty_engine(rig: Rig, fault: Fault) -> SyncEngine:
    """The kiosk's own engine wiring (as wire_sync), with the fault's connection and transport."""
    path = database_path(rig.counter.settings)

    def open_connection() -> sqlite3.Connection:
        conn = connect(path)
        fault.conn = conn
        if fault.active:
            fault.apply(conn)
        if fault.how == "refuse_writes":
            return RefusesWrites(conn, fault)  # type: ignore[return-value]
        return conn

    return SyncEngine(
        connect=open_connection,
        base_url=rig.central.url,
        token=rig.central.token,
        batch_size=20,
        read_timeout_s=5.0,
        backoff_base_s=0.05,
        backoff_cap_s=0.2,
        apply_changes=apply_consumer_changes,
        record_model=ConsumerSnapshot,
        on_synced=record_central_numbers,
        transport=FaultAfterReply(fault),
    )


@pytest.fixture
def engine_for(rig_factory) -> Iterator[Callable[[Fault], tuple[Rig, SyncEngine]]]:
    engines: list[SyncEngine] = []

    def make(fault: Fault) -> tuple[Rig, SyncEngine]:
        rig: Rig = rig_factory()
        engine = faulty_engine(rig, fault)
        engines.append(engine)
        return rig, engine

    yield make
    for engine in engines:
        engine.close()


def outbox_rows(rig: Rig) -> list[tuple[str, str]]:
    return rig.counter.conn.execute("SELECT event_id, status FROM outbox ORDER BY seq").fetchall()


def assert_plain(message: str | None, words: str) -> None:
    assert message is not None and words in message, message
    assert message.startswith("cannot write to the local database")
    assert "sqlite" not in message.lower() and "attempt to" not in message


@pytest.mark.parametrize("kind", AT_SETTLE)
def test_a_batch_the_central_committed_settles_once_when_the_disk_has_room_again(
    engine_for, kind: str
) -> None:
    fault = Fault(kind, AT_SETTLE[kind], "/v1/events/batch")
    rig, engine = engine_for(fault)
    payments = rig.pay(8)
    words = WORDS[kind]

    report = engine.sync_once()  # no exception escapes
    assert fault.fired == 1
    assert_plain(report.error, words)
    assert_plain(engine.state.last_error, words)
    assert engine.state.storage_problem == kind
    assert engine.state.next_retry_at is not None  # backing off, as after a network failure
    assert engine.state.online is True  # the central did answer
    assert report.remaining == 8
    assert rig.central_totals() == (8, 8 * 50_000)  # the central committed the batch
    assert [status for _, status in outbox_rows(rig)] == ["pending"] * 8

    waiting = engine.sync_once()  # the timer has not run out: nothing is tried
    assert waiting.sent == 0 and waiting.remaining == 8

    still = engine.sync_once(force=True)  # the operator presses F5: still no room
    assert_plain(still.error, words)
    assert still.remaining == 8

    fault.lift()
    done = engine.sync_once(force=True)
    assert done.delivered_all, done
    assert (done.duplicate, done.accepted) == (8, 0)  # the central's stored results
    assert engine.state.last_error is None and engine.state.storage_problem is None
    rows = outbox_rows(rig)
    assert sorted(event_id for event_id, _ in rows) == sorted(p.event_id for p in payments)
    assert {status for _, status in rows} == {"synced"}
    assert outbox.stats(rig.counter.conn, now=time.time()).pending == 0
    assert rig.central_totals() == rig.local_totals() == (8, 8 * 50_000)


def test_events_whose_lease_could_not_be_given_back_go_at_the_next_timed_round(
    engine_for,
) -> None:
    """The network drops and the disk is full: the engine cannot give its lease back.

    The next round after the pause sends them (not only a forced sync, and not only once
    the two-minute lease runs out).
    """
    fault = Fault("disk_full", "refuse_writes", "/v1/events/batch", network_down=True)
    rig, engine = engine_for(fault)
    rig.pay(4)

    report = engine.sync_once()
    assert fault.fired == 1
    assert_plain(report.error, "the disk is full")  # the one the operator can fix
    assert engine.state.online is False
    assert report.remaining == 4
    assert rig.central_totals() == (0, 0)

    fault.lift()
    fault.network_down = False
    retry_at = engine.state.next_retry_at
    assert retry_at is not None
    assert _wait_for(lambda: time.time() >= retry_at)
    done = engine.sync_once()  # a timed round, as the thread runs it
    assert done.delivered_all, done
    assert done.accepted == 4
    assert rig.central_totals() == rig.local_totals() == (4, 4 * 50_000)


def test_the_sync_thread_survives_a_full_disk_and_drains_after(engine_for) -> None:
    fault = Fault("disk_full", "refuse_writes", "/v1/events/batch")
    rig, engine = engine_for(fault)
    rig.pay(5)
    seen: list[str | None] = []
    engine.subscribe(lambda state: seen.append(state.storage_problem))
    engine.start()
    assert _wait_for(lambda: engine.state.storage_problem == "disk_full")
    time.sleep(0.3)  # a few backoff rounds against the full disk
    assert any(t.name == "kiosk-sync" for t in threading.enumerate())
    assert engine.state.pending == 5
    assert_plain(engine.state.last_error, "the disk is full")

    fault.lift()
    engine.wake()
    assert _wait_for(lambda: engine.state.pending == 0 and engine.state.last_error is None)
    assert "disk_full" in seen and seen[-1] is None
    assert {status for _, status in outbox_rows(rig)} == {"synced"}
    assert rig.central_totals() == rig.local_totals() == (5, 5 * 50_000)


@pytest.mark.parametrize("kind", AT_PULL)
def test_a_page_of_consumer_changes_is_not_half_stored_and_the_cursor_stays(
    engine_for, kind: str
) -> None:
    fault = Fault(kind, AT_PULL[kind], "/v1/consumers/changes")
    rig, engine = engine_for(fault)
    conn = rig.counter.conn
    cached = conn.execute("SELECT count(*) FROM consumers").fetchone()[0]
    cursor = outbox.get_meta(conn, CURSOR_KEY)

    report = engine.sync_once()
    assert fault.fired == 1
    assert_plain(report.error, WORDS[kind])
    assert engine.state.storage_problem == kind
    assert report.pulled == 0
    assert conn.execute("SELECT count(*) FROM consumers").fetchone()[0] == cached
    assert outbox.get_meta(conn, CURSOR_KEY) == cursor  # not past what was not written

    fault.lift()
    done = engine.sync_once(force=True)
    assert done.error is None, done
    with rig.central.client() as central:
        total = 0
        page_cursor = ""
        while True:
            page = central.get(
                "/v1/consumers/changes", params={"cursor": page_cursor, "limit": 1000}
            ).json()
            total += len(page["records"])
            page_cursor = page["next_cursor"]
            if not page["has_more"]:
                break
    assert done.pulled == total > 0
    assert conn.execute("SELECT count(*) FROM consumers").fetchone()[0] == cached + total
    assert outbox.get_meta(conn, CURSOR_KEY) == page_cursor
