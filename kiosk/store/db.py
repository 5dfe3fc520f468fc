"""Opening the counter database safely, and the one way to write: an explicit transaction.

Connections run in autocommit mode (``isolation_level=None``) so that Python never opens or
commits a transaction behind the code's back: every operator action is one
``BEGIN IMMEDIATE`` ... ``COMMIT`` (see :func:`transaction`). WAL with ``synchronous=FULL``
keeps a committed payment through a power cut.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


from kiosk.store.errors import SchemaTooNew, StoreError
from kiosk.store.migrations import LATEST, migrate, schema_version

__all__ = [
    "SchemaTooNew",
    "StoreError",
    "connect",
    "open_database",
    "transaction",
    "utc_text",
]

BUSY_TIMEOUT_MS = 5000
# After a bulk load the WAL file is truncated back to this size at checkpoints.
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024

_PLAIN_REASONS = (
    ("file is not a database", "is not a kiosk database"),
    ("readonly", "is read-only: check the file's permissions and the disk"),
    ("disk is full", "cannot be written: the disk is full"),
    ("disk i/o error", "cannot be read or written: the disk reported an error"),
    ("locked", "is locked by another program: close it and try again"),
    ("unable to open", "cannot be opened: check the folder exists and is writable"),
)


def utc_text(moment: datetime) -> str:
    """A timestamp as the store keeps it: ISO 8601 in UTC, microseconds, so text sorts by time."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _plain(path: Path, exc: sqlite3.Error | OSError) -> StoreError:
    """Turn a sqlite3 or OS error at open into a sentence naming the file."""
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return StoreError(f"the counter database {path} cannot be opened: {reason}")
    text = str(exc).lower()
    for needle, sentence in _PLAIN_REASONS:
        if needle in text:
            return StoreError(f"the counter database {path} {sentence}")
    return StoreError(f"the counter database {path} cannot be used: {exc}")


def _create_private(path: Path) -> None:
    """Create the file owner-only before SQLite touches it; tighten an existing file too.

    SQLite gives its -wal and -shm files the database file's permissions, so they follow.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    if os.name != "nt":
        os.chmod(path, 0o600)


def _connect(path: Path) -> sqlite3.Connection:
    """Connect without ever creating the file (mode=rw) and set the per-connection pragmas."""
    uri = path.resolve().as_uri() + "?mode=rw"
    conn = sqlite3.connect(
        uri,
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(
                f"the counter database {path} cannot use write-ahead logging "
                f"(journal mode stays {mode}): keep it on a local disk"
            )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # REPLACE deletions then fire delete triggers, which keeps the search index right.
        conn.execute("PRAGMA recursive_triggers = ON")
        conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
    except BaseException:
        conn.close()
        raise
    return conn


def open_database(path: Path) -> sqlite_utils.Database:
    """:func:`open_migrated`, wrapped in sqlite-utils for tools and tests."""
    import sqlite_utils

    return sqlite_utils.Database(open_migrated(path), execute_plugins=False)


def open_migrated(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the counter database at ``path`` and migrate it.

    The counter itself uses the plain connection: loading sqlite-utils (and click,
    dateutil, pluggy behind it) would cost the login screen a fifth of a second.

    Raises :class:`StoreError` with a plain sentence for anything an operator can fix
    (wrong file, read-only, disk full) and :class:`SchemaTooNew` for a newer kiosk's file.
    """
    path = Path(path)
    try:
        _create_private(path)
        conn = _connect(path)
    except (sqlite3.Error, OSError) as exc:
        raise _plain(path, exc) from exc
    try:
        migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise _plain(path, exc) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def connect(path: Path) -> sqlite3.Connection:
    """Another connection to an existing, migrated database (e.g. for a sync thread).

    Never creates or migrates: that is :func:`open_database`'s job, done once at start-up.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"the counter database {path} does not exist: open it first")
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise _plain(path, exc) from exc
    try:
        version = schema_version(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise _plain(path, exc) from exc
    except BaseException:
        conn.close()
        raise
    if version != LATEST:
        conn.close()
        raise StoreError(
            f"the counter database {path} is at schema {version}, not {LATEST}: "
            "open it with open_database() first to migrate it"
        )
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; ``ROLLBACK`` and re-raise on any exception.

    IMMEDIATE takes the write lock up front, so two writers queue (busy_timeout) instead
    of failing halfway through an operator's action. Nesting is refused: an inner block
    that "commits" but is later rolled back would lie about money. A write SQLite refuses
    for a reason the operator can fix (disk full, read-only file) becomes a
    :class:`StoreError` sentence; a programming error stays as it is.
    """
    if conn.in_transaction:
        raise StoreError("a transaction is already open on this connection: do not nest them")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if _reason(exc) is None or "locked" in str(exc).lower():
            raise StoreError(f"the counter database is busy, nothing was written: {exc}") from exc
        raise _unwritable(exc) from exc
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        _rollback(conn)
        if _reason(exc) is None:
            raise  # a programming error (no such table...), not the operator's to fix
        raise _unwritable(exc) from exc
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise StoreError(
            f"the counter database could not save, nothing was written: {exc}"
        ) from exc


def _unwritable(exc: sqlite3.OperationalError) -> StoreError:
    """A write refused by SQLite (disk full, read-only file) as a sentence for the operator.

    The action's transaction was rolled back, so the sentence can promise nothing was written.
    """
    return StoreError(f"the counter database {_reason(exc)}; nothing was written")


def _reason(exc: sqlite3.Error) -> str | None:
    text = str(exc).lower()
    return next((sentence for needle, sentence in _PLAIN_REASONS if needle in text), None)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if SQLite has not already; never hide the error that caused it."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
