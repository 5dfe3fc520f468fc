"""Which SQLite errors the sync engine words for the operator, from real SQLite refusals.

A full disk and a read-only file become a sentence and a kind; a programming error
(no such table, a broken constraint) stays an error with its traceback. The outbox's own
transactions surface the cause even when SQLite has already rolled back, and the sync
thread names the cause behind an application's own error when it cannot connect.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from offline_queue import outbox
from offline_queue.engine import SyncEngine
from offline_queue.local_db import unwritable


def _error(conn: sqlite3.Connection, sql: str) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        conn.execute(sql)
    return caught.value


def _fill_up(conn: sqlite3.Connection) -> sqlite3.Error:
    """Pin the file to its size and write until SQLite says the disk is full."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as caught:
        for _ in range(10_000):
            conn.execute("INSERT INTO payments (receipt) VALUES (?)", ("x" * 500,))
    return caught.value


def test_a_full_disk_is_named_in_plain_words(conn: sqlite3.Connection) -> None:
    reason = unwritable(_fill_up(conn))
    assert reason is not None
    assert reason.kind == "disk_full"
    assert reason.message == "cannot write to the local database: the disk is full"


def test_a_read_only_database_is_named_in_plain_words(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA query_only = ON")
    reason = unwritable(_error(conn, "INSERT INTO payments (receipt) VALUES ('r')"))
    assert reason is not None and reason.kind == "read_only"
    assert reason.message.startswith("cannot write to the local database: it is read-only")


@pytest.mark.parametrize(
    "sql",
    ["INSERT INTO no_such_table VALUES (1)", "INSERT INTO payments (id) VALUES (1), (1)"],
)
def test_a_programming_error_is_not_taken_for_the_disk(conn: sqlite3.Connection, sql: str) -> None:
    assert unwritable(_error(conn, sql)) is None


def test_the_outbox_surfaces_a_full_disk_and_leaves_no_transaction_open(
    conn: sqlite3.Connection,
) -> None:
    conn.execute("BEGIN IMMEDIATE")
    for n in range(30):
        outbox.enqueue(conn, {"event_id": f"e{n}", "type": "payment"}, now=1.0)
    conn.execute("COMMIT")
    events = outbox.claim(conn, limit=30, now=2.0)
    _fill_up(conn)
    long_error = "e" * 500  # each row grows: the pinned file has no room for that
    with pytest.raises(sqlite3.OperationalError) as caught:
        outbox.release(conn, [e.event_id for e in events], error=long_error, retry_at=3.0)
    assert unwritable(caught.value) is not None
    assert not conn.in_transaction
    assert outbox.stats(conn, now=4.0).pending == 30  # nothing lost, nothing half-written
    assert {row[0] for row in conn.execute("SELECT last_error FROM outbox")} == {None}


class _AppError(Exception):
    """An application's own exception around SQLite's (as kiosk's StoreError is)."""


def test_the_thread_names_a_database_the_application_cannot_open_for_writing(
    conn: sqlite3.Connection, db_path: Path
) -> None:
    """A read-only mount found when the sync thread connects: named, backed off, alive."""

    def read_only_connect() -> sqlite3.Connection:
        opened = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            opened.execute("PRAGMA user_version = 1")  # the application's set-up write
        except sqlite3.OperationalError as exc:  # SQLite's own refusal: read-only
            opened.close()
            raise _AppError("the counter database is read-only") from exc
        return opened

    engine = SyncEngine(
        connect=read_only_connect,
        base_url="http://127.0.0.1:9",
        token=None,
        backoff_base_s=0.05,
        backoff_cap_s=0.1,
    )
    try:
        engine.start()
        deadline = time.monotonic() + 5
        while engine.state.storage_problem is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # a few more rounds against it
        assert engine.state.storage_problem == "read_only"
        assert (engine.state.last_error or "").startswith("cannot write to the local database")
        assert engine.state.syncing is False and engine.state.next_retry_at is not None
        assert any(thread.name == "kiosk-sync" for thread in threading.enumerate())
    finally:
        engine.close()
