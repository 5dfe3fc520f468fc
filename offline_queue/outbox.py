"""A durable outbox in the application's own SQLite database.

The application writes its record and calls :func:`enqueue` in the SAME open transaction,
so the record and the event that reports it commit together or not at all. A sync engine
later claims events in order, and marks each one synced (with the central's references),
dead (rejected as malformed, with the reason: never dropped silently) or due again after a
backoff. Synced events are kept for a retention period, then purged.

Times are Unix seconds (``float``) passed in by the caller, so the queue stays testable.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from offline_queue.local_db import rollback

SCHEMA_VERSION = 1

# ``seq`` is the rowid (no AUTOINCREMENT: that would write sqlite_sequence on every
# enqueue). A new event always gets a seq above every event still in the table; a purged
# event's seq may be handed out again, which is harmless because nothing outside this
# table keeps seqs (events are known to the central by ``event_id``).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'synced', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at REAL NOT NULL DEFAULT 0,
    claimed_until REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    synced_at REAL,
    refs TEXT,
    server_received_at TEXT,
    dead_code TEXT,
    dead_reason TEXT,
    dead_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS outbox_synced ON outbox (synced_at) WHERE status = 'synced';
CREATE TABLE IF NOT EXISTS outbox_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class OutboxError(Exception):
    """A misuse of the outbox (a programming error, not a network condition)."""


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    seq: int
    event_id: str
    type: str
    body_json: str  # the event as enqueued: compact JSON, sent as it is
    attempts: int

    @property
    def body(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body_json)
        return parsed


@dataclass(frozen=True, slots=True)
class DeadLetter:
    seq: int
    event_id: str
    type: str
    body: dict[str, Any]
    code: str
    reason: str
    dead_at: float


@dataclass(frozen=True, slots=True)
class OutboxStats:
    pending: int
    oldest_pending_age_s: float | None
    dead_lettered: int
    synced: int
    last_success_at: float | None


def install(conn: sqlite3.Connection) -> None:
    """Create the outbox tables if they are missing (idempotent)."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(
        "INSERT OR IGNORE INTO outbox_meta (key, value) VALUES ('schema_version', ?)",
        (str(SCHEMA_VERSION),),
    )


def _require_transaction(conn: sqlite3.Connection, what: str) -> None:
    if not conn.in_transaction:
        raise OutboxError(f"{what} must run inside the caller's open transaction")


def enqueue(conn: sqlite3.Connection, event: Mapping[str, Any], *, now: float) -> int:
    """Append ``event`` (a JSON-able mapping with ``event_id`` and ``type``); returns its seq.

    Refuses to run outside a transaction: an event written on its own could commit while
    the record it reports rolls back, or the other way round.
    """
    _require_transaction(conn, "enqueue")
    event_id = event.get("event_id")
    kind = event.get("type")
    if not isinstance(event_id, str) or not event_id:
        raise OutboxError("event needs a non-empty string event_id")
    if not isinstance(kind, str) or not kind:
        raise OutboxError("event needs a non-empty string type")
    body = json.dumps(event, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    cursor = conn.execute(
        "INSERT INTO outbox (event_id, type, body, created_at) VALUES (?, ?, ?, ?)",
        (event_id, kind, body, now),
    )
    return int(cursor.lastrowid or 0)


def claim(
    conn: sqlite3.Connection, *, limit: int, now: float, lease_s: float = 60.0
) -> list[OutboxEvent]:
    """Take up to ``limit`` due pending events, oldest first, and lease them.

    The lease keeps a second syncing process (the counter app and ``kiosk sync`` at once)
    from sending the same events concurrently; an expired lease (a process killed
    mid-sync) makes them claimable again.
    """
    if limit < 1:
        raise OutboxError("limit must be at least 1")
    with _writing(conn):
        rows = conn.execute(
            "SELECT seq, event_id, type, body, attempts FROM outbox"
            " WHERE status = 'pending' AND next_attempt_at <= ? AND claimed_until <= ?"
            " ORDER BY seq LIMIT ?",
            (now, now, limit),
        ).fetchall()
        conn.executemany(
            "UPDATE outbox SET claimed_until = ? WHERE seq = ?",
            [(now + lease_s, row[0]) for row in rows],
        )
    return [OutboxEvent(r[0], r[1], r[2], r[3], r[4]) for r in rows]


@dataclass(frozen=True, slots=True)
class Synced:
    event_id: str
    refs: Mapping[str, str]
    received_at: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    event_id: str
    code: str
    reason: str


@contextmanager
def _writing(conn: sqlite3.Connection) -> Iterator[None]:
    """Join the caller's transaction, or run in one of our own (``BEGIN IMMEDIATE``)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk): the cause must still surface.
        rollback(conn)
        raise


def settle(
    conn: sqlite3.Connection,
    *,
    synced: Iterable[Synced] = (),
    rejected: Iterable[Rejected] = (),
    now: float,
) -> None:
    """Record the central's verdicts in one transaction; a success also stamps last success."""
    synced = list(synced)
    rejected = list(rejected)
    with _writing(conn):
        conn.executemany(
            "UPDATE outbox SET status = 'synced', synced_at = ?, refs = ?,"
            " server_received_at = ?, claimed_until = 0, last_error = NULL"
            " WHERE event_id = ? AND status = 'pending'",
            [
                (now, json.dumps(dict(s.refs), sort_keys=True), s.received_at, s.event_id)
                for s in synced
            ],
        )
        conn.executemany(
            "UPDATE outbox SET status = 'dead', dead_code = ?, dead_reason = ?, dead_at = ?,"
            " claimed_until = 0 WHERE event_id = ? AND status = 'pending'",
            [(r.code, r.reason[:500], now, r.event_id) for r in rejected],
        )
        if synced or rejected:
            _set_meta(conn, "last_success_at", repr(now))


def release(
    conn: sqlite3.Connection, event_ids: Sequence[str], *, error: str, retry_at: float
) -> None:
    """Give claimed events back after a failed attempt, due again at ``retry_at``."""
    with _writing(conn):
        conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, claimed_until = 0,"
            " last_error = ? WHERE event_id = ? AND status = 'pending'",
            [(retry_at, error[:500], event_id) for event_id in event_ids],
        )


def make_due(conn: sqlite3.Connection) -> int:
    """Make every pending event due now, leases included (the operator asked to sync).

    Clearing a lease that a live process still holds at worst sends an event twice at
    once, which the central answers with the same result; a lease left by a killed
    process would otherwise hold its events back until it expires.
    """
    cursor = conn.execute(
        "UPDATE outbox SET next_attempt_at = 0, claimed_until = 0"
        " WHERE status = 'pending' AND (next_attempt_at > 0 OR claimed_until > 0)"
    )
    return cursor.rowcount


def next_due_at(conn: sqlite3.Connection) -> float | None:
    """When the earliest pending event becomes due (None when nothing is pending)."""
    row = conn.execute(
        "SELECT MIN(MAX(next_attempt_at, claimed_until)) FROM outbox WHERE status = 'pending'"
    ).fetchone()
    return None if row[0] is None else float(row[0])


def dead_letters(conn: sqlite3.Connection, *, limit: int = 100) -> list[DeadLetter]:
    rows = conn.execute(
        "SELECT seq, event_id, type, body, dead_code, dead_reason, dead_at FROM outbox"
        " WHERE status = 'dead' ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        DeadLetter(r[0], r[1], r[2], json.loads(r[3]), r[4] or "", r[5] or "", r[6] or 0.0)
        for r in rows
    ]


def requeue_dead(conn: sqlite3.Connection, event_id: str) -> bool:
    """Send a dead-lettered event again (after the central's side was fixed)."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = 0,"
        " dead_code = NULL, dead_reason = NULL, dead_at = NULL"
        " WHERE event_id = ? AND status = 'dead'",
        (event_id,),
    )
    return cursor.rowcount == 1


def result_of(conn: sqlite3.Connection, event_id: str) -> tuple[str, dict[str, str]] | None:
    """The status and central references of one event (None when unknown)."""
    row = conn.execute("SELECT status, refs FROM outbox WHERE event_id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    return row[0], (json.loads(row[1]) if row[1] else {})


def stats(conn: sqlite3.Connection, *, now: float) -> OutboxStats:
    pending, oldest = conn.execute(
        "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'"
    ).fetchone()
    dead = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").fetchone()[0]
    synced = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'synced'").fetchone()[0]
    last = get_meta(conn, "last_success_at")
    return OutboxStats(
        pending=pending,
        oldest_pending_age_s=None if oldest is None else max(0.0, now - oldest),
        dead_lettered=dead,
        synced=synced,
        last_success_at=None if last is None else float(last),
    )


def purge_synced(conn: sqlite3.Connection, *, older_than_s: float, now: float) -> int:
    """Delete synced events older than the retention period; pending and dead stay."""
    if older_than_s < 0:
        raise OutboxError("older_than_s must not be negative")
    cursor = conn.execute(
        "DELETE FROM outbox WHERE status = 'synced' AND synced_at < ?", (now - older_than_s,)
    )
    return cursor.rowcount


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM outbox_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO outbox_meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Store a small piece of sync state (a pull cursor) with the caller's transaction."""
    _set_meta(conn, key, value)
