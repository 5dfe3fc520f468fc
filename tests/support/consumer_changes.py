"""Consumers changing at the reference central while a counter syncs, and the check after.

The central records a change the way it does for real ones: a new or changed snapshot takes
the next value of its ``consumer`` sequence (``CentralDB.put_snapshots`` /
``update_snapshot``), so the changes feed sends it again. Each change carries a newer
``updated_at`` than anything before it: the counter keeps the newer of two snapshots.

``cache_digest`` summarises a consumer cache, the central's or a counter's, as the count
and a SHA-256 of every snapshot as the counter stores it (``ConsumerSnapshot`` dumped).
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

from central.clock import wire_time
from central.db import CentralDB
from central.demo_data import generate_records
from kiosk.domain.snapshot import ConsumerSnapshot


class ConsumerChurn:
    """Adds and changes consumers at a central, a few per call, from one seed."""

    def __init__(self, db_path: Path, *, seed: int, after: datetime) -> None:
        self._db = CentralDB(db_path)
        self._rng = random.Random(seed)
        self._moment = after
        self._records = generate_records(10**7, seed=seed, now=after)  # lazy: taken as needed
        self.changes = 0

    def _stamp(self) -> str:
        self._moment += timedelta(seconds=1)
        return wire_time(self._moment)

    def publish(self, *, new: int, changed: int) -> None:
        """``new`` consumers added and ``changed`` existing ones given a new mobile number
        and arrears, each as one change of the feed."""
        fresh = list(islice(self._records, new))
        for record in fresh:
            record["updated_at"] = self._stamp()
        with self._db.write() as conn:
            self._db.put_snapshots(conn, fresh)
            keys = conn.execute("SELECT discom, account_no FROM consumers ORDER BY seq").fetchall()
            for discom, account_no in self._rng.sample(keys, min(changed, len(keys))):
                row = conn.execute(
                    "SELECT snapshot FROM consumers WHERE discom = ? AND account_no = ?",
                    (discom, account_no),
                ).fetchone()
                snapshot = json.loads(row[0])
                snapshot["consumer"]["mobile"] = f"9{self._rng.randrange(10**9):09d}"
                if snapshot.get("bill"):
                    snapshot["bill"]["arrears_paise"] = self._rng.randrange(1, 500_000)
                snapshot["updated_at"] = self._stamp()
                self._db.update_snapshot(conn, snapshot)
        self.changes += len(fresh) + min(changed, len(keys))


def cache_digest(snapshots: list[str]) -> tuple[int, str]:
    """(count, SHA-256) of snapshot JSON texts, each read and dumped as the counter does."""
    dumped = sorted(
        ConsumerSnapshot.model_validate_json(text).model_dump_json() for text in snapshots
    )
    return len(dumped), hashlib.sha256("\n".join(dumped).encode()).hexdigest()


@contextmanager
def read_only(db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a SQLite file (the test only looks), closed after."""
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        yield conn


def central_cache(db: Path) -> tuple[tuple[int, str], str]:
    """The central's consumers as a digest, and the last seq of its changes feed."""
    with read_only(db) as conn:
        texts = [row[0] for row in conn.execute("SELECT snapshot FROM consumers")]
        last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM consumers").fetchone()[0]
    return cache_digest(texts), str(last)


def counter_cache(db: Path, cursor_key: str) -> tuple[tuple[int, str], str]:
    """A counter's consumer cache as a digest, and its changes cursor."""
    with read_only(db) as conn:
        texts = [row[0] for row in conn.execute("SELECT snapshot FROM consumers")]
        row = conn.execute("SELECT value FROM outbox_meta WHERE key = ?", (cursor_key,)).fetchone()
    return cache_digest(texts), "" if row is None else str(row[0])
