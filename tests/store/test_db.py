"""Opening the counter database: private file, durable pragmas, migrations, plain errors."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from kiosk.store import db as store_db
from kiosk.store import migrations
from kiosk.store.db import connect, open_database, transaction
from kiosk.store.errors import SchemaTooNew, StoreError

POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@POSIX
def test_new_database_file_is_owner_only(db_path):
    database = open_database(db_path)
    database.conn.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
    assert mode_of(db_path) == 0o600
    # SQLite gives the WAL the database file's mode, so it is private too.
    assert mode_of(db_path.with_name(db_path.name + "-wal")) == 0o600
    database.close()


@POSIX
def test_existing_database_file_is_tightened(db_path):
    open_database(db_path).close()
    os.chmod(db_path, 0o644)
    open_database(db_path).close()
    assert mode_of(db_path) == 0o600


def test_missing_parent_folders_are_created(tmp_path):
    path = tmp_path / "a" / "b" / "counter.db"
    open_database(path).close()
    assert path.is_file()


def test_pragmas_make_writes_durable_and_checked(conn):
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.isolation_level is None  # transactions are explicit


def test_second_connection_gets_the_same_pragmas(db, db_path):
    other = connect(db_path)
    assert other.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert other.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert other.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    other.close()


def test_migration_reaches_the_latest_version(conn):
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert {"consumers", "payments", "number_sequences", "outbox", "audit_log"} <= tables


def test_migrating_twice_changes_nothing(db_path):
    database = open_database(db_path)
    before = database.conn.execute("SELECT type, name, sql FROM sqlite_schema").fetchall()
    assert migrations.migrate(database.conn) == migrations.LATEST
    database.close()
    database = open_database(db_path)
    after = database.conn.execute("SELECT type, name, sql FROM sqlite_schema").fetchall()
    database.close()
    assert after == before


def test_migration_versions_run_one_to_latest_without_gaps():
    versions = [m.version for m in migrations.MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))


def test_failed_migration_leaves_the_previous_version(db_path, monkeypatch):
    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.Migration(1, "broken", broken),))
    with pytest.raises(RuntimeError):
        open_database(db_path)
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0
    raw.close()
    monkeypatch.undo()
    open_database(db_path).close()  # the real migrations still apply afterwards


def test_database_from_a_newer_kiosk_is_refused_naming_both_versions(db_path):
    open_database(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA user_version = 7")
    raw.close()
    with pytest.raises(SchemaTooNew) as caught:
        open_database(db_path)
    assert str(caught.value) == (
        f"the counter database {db_path.resolve()} was made by a newer kiosk (schema 7, "
        f"this kiosk knows up to {migrations.LATEST}); update kiosk before opening it"
    )
    assert (caught.value.found, caught.value.known) == (7, migrations.LATEST)
    with pytest.raises(SchemaTooNew):
        connect(db_path)


def test_garbage_file_is_not_a_kiosk_database(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"receipt text, not a database\n" * 200)
    with pytest.raises(StoreError, match="is not a kiosk database") as caught:
        open_database(db_path)
    assert not isinstance(caught.value.__cause__, StoreError)
    assert str(db_path) in str(caught.value)


def test_another_programs_sqlite_file_is_not_touched(db_path):
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="is not a kiosk database"):
        open_database(db_path)
    raw = sqlite3.connect(db_path)
    assert [r[0] for r in raw.execute("SELECT name FROM sqlite_schema")] == ["contacts"]
    raw.close()


@pytest.mark.parametrize(
    ("sqlite_message", "plain"),
    [
        ("database or disk is full", "the disk is full"),
        ("attempt to write a readonly database", "is read-only"),
        ("disk I/O error", "the disk reported an error"),
    ],
)
def test_sqlite_failures_at_open_become_plain_store_errors(
    db_path, monkeypatch, sqlite_message, plain
):
    def failing(conn):
        raise sqlite3.OperationalError(sqlite_message)

    monkeypatch.setattr(store_db, "migrate", failing)
    with pytest.raises(StoreError, match=plain) as caught:
        open_database(db_path)
    assert str(db_path) in str(caught.value)


@POSIX
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_read_only_file_is_a_plain_store_error(db_path):
    open_database(db_path).close()
    os.chmod(db_path, 0o400)
    with pytest.raises(StoreError, match="cannot be opened"):
        open_database(db_path)


def test_connect_never_creates_a_database(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="does not exist"):
        connect(missing)
    assert not missing.exists()


def test_connect_refuses_an_unmigrated_database(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")  # an empty file is a valid, empty SQLite database
    with pytest.raises(StoreError, match="open_database"):
        connect(path)


def test_transaction_commits_on_success(conn, db_path):
    with transaction(conn):
        conn.execute("INSERT INTO settings (key, value) VALUES ('printer', 'usb')")
    other = connect(db_path)
    assert other.execute("SELECT value FROM settings").fetchall() == [("usb",)]
    other.close()


def test_transaction_rolls_back_everything_on_exception(conn):
    with pytest.raises(ZeroDivisionError), transaction(conn):
        conn.execute("INSERT INTO settings (key, value) VALUES ('printer', 'usb')")
        conn.execute("INSERT INTO settings (key, value) VALUES ('paper', '58')")
        _ = 1 / 0
    assert not conn.in_transaction
    assert conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def test_transaction_rolls_back_sqlite_utils_writes_too(db):
    with pytest.raises(RuntimeError), transaction(db.conn):
        db["settings"].insert({"key": "printer", "value": "usb"})
        raise RuntimeError("printer exploded")
    assert db["settings"].count == 0


def test_transaction_takes_the_write_lock_up_front(conn, db_path):
    other = connect(db_path)
    other.execute("PRAGMA busy_timeout = 0")
    with transaction(conn), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.close()


def test_nested_transactions_are_refused(conn):
    with transaction(conn):
        with pytest.raises(StoreError, match="already open"), transaction(conn):
            pass
        conn.execute("INSERT INTO settings (key, value) VALUES ('still', 'fine')")
    assert conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 1


def test_busy_database_is_a_plain_error(conn, db_path):
    other = connect(db_path)
    other.execute("PRAGMA busy_timeout = 0")
    with transaction(conn), pytest.raises(StoreError, match="busy"), transaction(other):
        pass
    other.close()


def test_readers_see_committed_data_while_a_writer_holds_the_lock(conn, db_path):
    with transaction(conn):
        conn.execute("INSERT INTO settings (key, value) VALUES ('before', '1')")
    reader = connect(db_path)
    seen: list[object] = []
    with transaction(conn):
        conn.execute("INSERT INTO settings (key, value) VALUES ('during', '2')")

        def read() -> None:
            try:
                seen.extend(r[0] for r in reader.execute("SELECT key FROM settings"))
            except sqlite3.Error as exc:  # pragma: no cover - the failure being tested for
                seen.append(exc)

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=2)
        assert not thread.is_alive()
    assert seen == ["before"]
    assert [r[0] for r in reader.execute("SELECT key FROM settings ORDER BY key")] == [
        "before",
        "during",
    ]
    reader.close()
