"""Outbox tests use real SQLite files opened the way the app opens them."""

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from offline_queue import outbox
from tests.offline_queue.sqlite_helpers import open_db


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "counter.db"


@pytest.fixture
def connect(db_path: Path) -> Iterator[Callable[[], sqlite3.Connection]]:
    """Open (more) connections to the same file, each with the outbox installed."""
    opened: list[sqlite3.Connection] = []

    def _connect() -> sqlite3.Connection:
        conn = open_db(db_path)
        outbox.install(conn)
        conn.execute("CREATE TABLE IF NOT EXISTS payments (id INTEGER PRIMARY KEY, receipt TEXT)")
        opened.append(conn)
        return conn

    yield _connect
    for conn in opened:
        conn.close()


@pytest.fixture
def conn(connect: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    return connect()
