"""The sync thread survives local failures, backs off, and never sticks on "syncing"."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from offline_queue.engine import SyncEngine


def _broken_connect() -> sqlite3.Connection:
    raise sqlite3.OperationalError("unable to open database file")


def test_a_database_that_cannot_open_neither_kills_the_thread_nor_spins(caplog) -> None:
    engine = SyncEngine(
        connect=_broken_connect,
        base_url="http://127.0.0.1:9",
        token="t",
        interval_s=60,
        backoff_base_s=0.4,
        backoff_cap_s=0.8,
    )
    with caplog.at_level(logging.ERROR, logger="offline_queue.sync"):
        engine.start()
        time.sleep(1.5)
        alive = engine._thread is not None and engine._thread.is_alive()
        engine.close()
    failures = [r for r in caplog.records if r.name == "offline_queue.sync"]
    assert alive
    assert 1 <= len(failures) <= 6  # backed off, not 30 tracebacks in 1.5 s
    assert engine.state.syncing is False
    assert engine.state.last_error is not None


def test_sync_once_does_not_stay_syncing_when_the_database_fails() -> None:
    engine = SyncEngine(connect=_broken_connect, base_url="http://127.0.0.1:9", token=None)
    with pytest.raises(sqlite3.OperationalError):
        engine.sync_once()
    assert engine.state.syncing is False
    engine.close()
