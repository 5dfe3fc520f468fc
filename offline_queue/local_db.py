"""The local database refused a write (a full disk, a read-only file): in plain words.

The sync engine writes the central's results, its leases and the pulled changes to the
application's SQLite file. When the disk is full or the file became read-only, SQLite
raises ``sqlite3.OperationalError`` with its own wording; the engine turns that into a
sentence the operator can act on, waits as it does after a network failure, and tries
again, so nothing is lost and nothing is written twice (the central answers a resend by
``event_id``). Any other SQLite error is a programming error and keeps its traceback.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass

# (SQLite primary result code, a fallback needle in its message, kind, words)
_REASONS = (
    (sqlite3.SQLITE_FULL, "disk is full", "disk_full", "the disk is full"),
    (
        sqlite3.SQLITE_READONLY,
        "readonly",
        "read_only",
        "it is read-only (check the file's permissions and the disk)",
    ),
    (sqlite3.SQLITE_IOERR, "disk i/o error", "disk_error", "the disk reported an error"),
)
# Every ``Unwritable.kind``: a status line needs words for each.
KINDS = tuple(kind for _, _, kind, _ in _REASONS)


@dataclass(frozen=True, slots=True)
class Unwritable:
    """Why the local database cannot be written: a short ``kind`` and a sentence."""

    kind: str  # "disk_full", "read_only" or "disk_error": for a translated status line
    message: str


def unwritable(exc: BaseException) -> Unwritable | None:
    """The plain reason when ``exc`` is SQLite refusing a write; None for anything else."""
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    for number, needle, kind, words in _REASONS:
        if primary == number or needle in text:
            return Unwritable(kind, f"cannot write to the local database: {words}")
    return None


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back if SQLite has not already (it may after a full disk); never hide the cause."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
