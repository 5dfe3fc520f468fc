"""A fresh, migrated counter database per test."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.store.db import open_database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "counter.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def conn(db: sqlite_utils.Database) -> sqlite3.Connection:
    return db.conn
