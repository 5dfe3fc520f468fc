"""Open SQLite files the way the app will."""

import sqlite3
from pathlib import Path


def open_db(path: Path | str) -> sqlite3.Connection:
    """Autocommit (explicit transactions only), WAL, synchronous=FULL: as the app opens it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn
