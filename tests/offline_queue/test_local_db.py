"""Which SQLite errors the sync engine words for the operator, from real SQLite refusals.

A full disk and a read-only file become a sentence and a kind; a programming error
(no such table, a broken constraint) stays an error with its traceback. The outbox's own
transactions surface the cause even when SQLite has already rolled back.
"""

from __future__ import annotations

import sqlite3

import pytest

from offline_queue import outbox
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
