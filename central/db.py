"""The central's SQLite storage: consumers (with the changes feed), events and their records.

Child rows reference their event (deferred: the event row is written last, with its
result); each such column is indexed so the foreign-key check never scans a table.

One short-lived connection per request (cheap for SQLite) keeps the server safe under
uvicorn's thread pool; writers also take one process-wide lock and ``BEGIN IMMEDIATE``,
so a batch is one transaction: a crash never stores half an event.

Every insert or update of a consumer takes the next value of the global ``consumer``
sequence; the changes feed is "rows with seq > cursor, in seq order".

The schema is ``CREATE ... IF NOT EXISTS`` run at every open, so a database made by an
older version gains a new table (e.g. ``upi_intents``) the first time a newer one opens it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydantic_core

SEQUENCES = (
    "consumer",
    "payment",
    "cancellation",
    "complaint",
    "registration",
    "recharge",
    "reading",
    "connection",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sequences (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS consumers (
    discom TEXT NOT NULL,
    account_no TEXT NOT NULL,
    mobile TEXT,
    snapshot TEXT NOT NULL,
    seq INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (discom, account_no)
) STRICT;

CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    payload_sha256 TEXT NOT NULL,
    type TEXT NOT NULL,
    counter_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    result TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS payments (
    id INTEGER PRIMARY KEY,
    central_ref TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES events (event_id) DEFERRABLE INITIALLY DEFERRED,
    receipt_no TEXT NOT NULL,
    counter_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    discom TEXT NOT NULL,
    account_no TEXT NOT NULL,
    bill_no TEXT,
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    mode TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT 'bill',
    recorded_at TEXT NOT NULL,
    day TEXT NOT NULL,
    credit INTEGER NOT NULL DEFAULT 0 CHECK (credit IN (0, 1)),
    cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
) STRICT;
CREATE INDEX IF NOT EXISTS payments_event ON payments (event_id);
CREATE INDEX IF NOT EXISTS payments_counter_day ON payments (counter_id, day);
CREATE INDEX IF NOT EXISTS payments_consumer ON payments (discom, account_no, day);
CREATE INDEX IF NOT EXISTS payments_receipt ON payments (receipt_no, counter_id);

CREATE TABLE IF NOT EXISTS cancellations (
    id INTEGER PRIMARY KEY,
    central_ref TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES events (event_id) DEFERRABLE INITIALLY DEFERRED,
    receipt_no TEXT NOT NULL,
    counter_id TEXT NOT NULL,
    supervisor_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    cancelled_at TEXT NOT NULL,
    payment_ref TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS cancellations_event ON cancellations (event_id);
CREATE INDEX IF NOT EXISTS cancellations_receipt ON cancellations (receipt_no, counter_id);

CREATE TABLE IF NOT EXISTS complaints (
    id INTEGER PRIMARY KEY,
    complaint_no TEXT NOT NULL UNIQUE,
    local_no TEXT,
    event_id TEXT NOT NULL REFERENCES events (event_id) DEFERRABLE INITIALLY DEFERRED,
    counter_id TEXT NOT NULL,
    account_no TEXT,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    logged_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    payload TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS complaints_event ON complaints (event_id);
CREATE INDEX IF NOT EXISTS complaints_local ON complaints (local_no);

CREATE TABLE IF NOT EXISTS registrations (
    id INTEGER PRIMARY KEY,
    registration_no TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES events (event_id) DEFERRABLE INITIALLY DEFERRED,
    counter_id TEXT NOT NULL,
    account_no TEXT NOT NULL,
    scheme_code TEXT NOT NULL,
    case_type TEXT NOT NULL,
    option TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    registration_fee_paise INTEGER NOT NULL,
    payable_paise INTEGER NOT NULL,
    payload TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS registrations_event ON registrations (event_id);

CREATE TABLE IF NOT EXISTS recharges (
    id INTEGER PRIMARY KEY,
    central_ref TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES events (event_id) DEFERRABLE INITIALLY DEFERRED,
    counter_id TEXT NOT NULL,
    discom TEXT,
    account_no TEXT NOT NULL,
    receipt_no TEXT NOT NULL,
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    recorded_at TEXT NOT NULL,
    day TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS recharges_event ON recharges (event_id);

CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY,
    central_ref TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES events (event_id) DEFERRABLE INITIALLY DEFERRED,
    counter_id TEXT NOT NULL,
    discom TEXT,
    account_no TEXT NOT NULL,
    reading_kwh INTEGER NOT NULL,
    read_on TEXT NOT NULL,
    photo_sha256 TEXT,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS readings_event ON readings (event_id);

CREATE TABLE IF NOT EXISTS connection_requests (
    id INTEGER PRIMARY KEY,
    application_no TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL REFERENCES events (event_id) DEFERRABLE INITIALLY DEFERRED,
    counter_id TEXT NOT NULL,
    category TEXT NOT NULL,
    pincode TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    payload TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS connection_requests_event ON connection_requests (event_id);

-- UPI payments a counter expects (the tr of the QR it shows); utr and paid_at arrive
-- together from the PSP's callback. A bank reference pays one request only.
CREATE TABLE IF NOT EXISTS upi_intents (
    reference TEXT PRIMARY KEY,
    counter_id TEXT NOT NULL,
    discom TEXT NOT NULL,
    account_no TEXT NOT NULL,
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    created_at TEXT NOT NULL,
    utr TEXT,
    paid_at TEXT,
    CHECK ((utr IS NULL) = (paid_at IS NULL))
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS upi_intents_utr ON upi_intents (utr) WHERE utr IS NOT NULL;
"""


_INDEXES = (
    "CREATE INDEX IF NOT EXISTS consumers_account ON consumers (account_no)",
    "CREATE INDEX IF NOT EXISTS consumers_mobile ON consumers (mobile) WHERE mobile IS NOT NULL",
)


def dumps(value: Any) -> str:
    """Compact JSON as stored and sent (UTF-8 text, no ASCII escaping)."""
    return pydantic_core.to_json(value).decode()


class CentralDB:
    """The central's database file. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._write_lock = threading.Lock()
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            for statement in _INDEXES:
                conn.execute(statement)
            conn.executemany(
                "INSERT OR IGNORE INTO sequences (name, value) VALUES (?, 0)",
                [(name,) for name in SEQUENCES],
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (WAL: readers never wait for the writer)."""
        with self._connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with self._write_lock, self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # --- sequences -------------------------------------------------------------------

    @staticmethod
    def next_value(conn: sqlite3.Connection, name: str, count: int = 1) -> int:
        """Take ``count`` values of a sequence; returns the LAST one taken."""
        row = conn.execute(
            "UPDATE sequences SET value = value + ? WHERE name = ? RETURNING value", (count, name)
        ).fetchone()
        if row is None:
            raise KeyError(f"no sequence {name!r}")
        return int(row[0])

    # --- consumers -------------------------------------------------------------------

    def put_snapshots(self, conn: sqlite3.Connection, records: Iterable[dict[str, Any]]) -> int:
        """Insert or replace consumer snapshots (JSON-mode dicts); each takes the next seq."""
        rows = [
            (
                record["consumer"]["discom"],
                record["consumer"]["account_no"],
                record["consumer"].get("mobile"),
                dumps(record),
            )
            for record in records
        ]
        if not rows:
            return 0
        last = self.next_value(conn, "consumer", len(rows))
        first = last - len(rows) + 1
        conn.executemany(
            "INSERT INTO consumers (discom, account_no, mobile, snapshot, seq)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (discom, account_no) DO UPDATE SET"
            " mobile = excluded.mobile, snapshot = excluded.snapshot, seq = excluded.seq",
            [(*row, first + index) for index, row in enumerate(rows)],
        )
        return len(rows)

    def bulk_load(self, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Load many snapshots in one transaction; an empty table gets its indexes after."""
        added = 0
        with self.write() as conn:
            empty = conn.execute("SELECT 1 FROM consumers LIMIT 1").fetchone() is None
            if empty:
                conn.execute("DROP INDEX IF EXISTS consumers_account")
                conn.execute("DROP INDEX IF EXISTS consumers_mobile")
            for batch in batches:
                added += self.put_snapshots(conn, batch)
            for statement in _INDEXES:
                conn.execute(statement)
        return added

    def update_snapshot(
        self, conn: sqlite3.Connection, snapshot: dict[str, Any], seq: int | None = None
    ) -> int:
        """Store a changed snapshot under a new seq (so the changes feed sends it again):
        ``seq``, taken by the caller from the ``consumer`` sequence, or the next one."""
        if seq is None:
            seq = self.next_value(conn, "consumer")
        consumer = snapshot["consumer"]
        conn.execute(
            "UPDATE consumers SET snapshot = ?, mobile = ?, seq = ?"
            " WHERE discom = ? AND account_no = ?",
            (
                dumps(snapshot),
                consumer.get("mobile"),
                seq,
                consumer["discom"],
                consumer["account_no"],
            ),
        )
        return seq

    def consumer_count(self) -> int:
        with self.read() as conn:
            return int(conn.execute("SELECT count(*) FROM consumers").fetchone()[0])

    def get_snapshot_json(self, discom: str, account_no: str) -> str | None:
        with self.read() as conn:
            row = conn.execute(
                "SELECT snapshot FROM consumers WHERE discom = ? AND account_no = ?",
                (discom, account_no),
            ).fetchone()
        return None if row is None else str(row[0])

    def find_by_mobile(self, mobile: str, discoms: Sequence[str], limit: int = 50) -> list[str]:
        where, params = _discom_filter(discoms)
        with self.read() as conn:
            rows = conn.execute(
                f"SELECT snapshot FROM consumers WHERE mobile = ?{where}"
                " ORDER BY discom, account_no LIMIT ?",
                (mobile, *params, limit),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def changes(self, after: int, limit: int, discoms: Sequence[str]) -> list[tuple[int, str]]:
        """Up to ``limit`` (seq, snapshot JSON) with seq > after, in seq order."""
        where, params = _discom_filter(discoms)
        with self.read() as conn:
            rows = conn.execute(
                f"SELECT seq, snapshot FROM consumers WHERE seq > ?{where} ORDER BY seq LIMIT ?",
                (after, *params, limit),
            ).fetchall()
        return [(int(row[0]), str(row[1])) for row in rows]

    # --- complaints and day summaries --------------------------------------------------

    def find_complaint(self, number: str, counter_id: str) -> sqlite3.Row | None:
        """By the central number, else by a counter's local number (this counter's first)."""
        with self.read() as conn:
            row = conn.execute(
                "SELECT * FROM complaints WHERE complaint_no = ?", (number,)
            ).fetchone()
            if row is None:
                row = conn.execute(
                    "SELECT * FROM complaints WHERE local_no = ?"
                    " ORDER BY counter_id = ? DESC, id LIMIT 1",
                    (number, counter_id),
                ).fetchone()
        return row

    def day_payments(self, counter_id: str, day: str) -> list[sqlite3.Row]:
        with self.read() as conn:
            return conn.execute(
                "SELECT mode, cancelled, count(*) AS n, sum(amount_paise) AS amount"
                " FROM payments WHERE counter_id = ? AND day = ? GROUP BY mode, cancelled"
                " ORDER BY mode",
                (counter_id, day),
            ).fetchall()

    # --- UPI collection requests -------------------------------------------------------

    def put_upi_intent(
        self,
        *,
        reference: str,
        counter_id: str,
        discom: str,
        account_no: str,
        amount_paise: int,
        created_at: str,
    ) -> sqlite3.Row | None:
        """Register an expected UPI payment, or find the same one registered before.

        None when ``reference`` is already taken by a different request (another counter,
        consumer or amount): a reference names exactly one payment.
        """
        wanted = (counter_id, discom, account_no, amount_paise)
        with self.write() as conn:
            conn.execute(
                "INSERT INTO upi_intents"
                " (reference, counter_id, discom, account_no, amount_paise, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reference) DO NOTHING",
                (reference, *wanted, created_at),
            )
            row = conn.execute(
                "SELECT * FROM upi_intents WHERE reference = ?", (reference,)
            ).fetchone()
        stored = (row["counter_id"], row["discom"], row["account_no"], row["amount_paise"])
        return row if stored == wanted else None

    def upi_intent(self, reference: str, counter_id: str) -> sqlite3.Row | None:
        """A counter's own UPI request (another counter's is not found)."""
        with self.read() as conn:
            return conn.execute(
                "SELECT * FROM upi_intents WHERE reference = ? AND counter_id = ?",
                (reference, counter_id),
            ).fetchone()

    def mark_upi_paid(
        self, reference: str, counter_id: str, utr: str, paid_at: str
    ) -> tuple[str, sqlite3.Row | None]:
        """Record the bank's report that a counter's UPI request was paid.

        Returns ``(outcome, row)``: ``"paid"`` (now or before, with this same UTR),
        ``"not_found"``, ``"already_paid"`` (paid before with another UTR; unchanged) or
        ``"utr_conflict"`` (that UTR already paid another request; unchanged).
        """
        with self.write() as conn:
            row = conn.execute(
                "SELECT * FROM upi_intents WHERE reference = ? AND counter_id = ?",
                (reference, counter_id),
            ).fetchone()
            if row is None:
                return "not_found", None
            if row["utr"] is not None:
                return ("paid" if row["utr"] == utr else "already_paid"), row
            if conn.execute("SELECT 1 FROM upi_intents WHERE utr = ?", (utr,)).fetchone():
                return "utr_conflict", row
            row = conn.execute(
                "UPDATE upi_intents SET utr = ?, paid_at = ? WHERE reference = ? RETURNING *",
                (utr, paid_at, reference),
            ).fetchone()
        return "paid", row


def _discom_filter(discoms: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    if not discoms:
        return "", ()
    marks = ", ".join("?" for _ in discoms)
    return f" AND discom IN ({marks})", tuple(discoms)
