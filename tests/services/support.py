"""Helpers for the service tests: a controllable clock and randomness, staff, cached
consumers, payment requests, and a view of the database to prove a refusal wrote nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskSettings
from kiosk.domain.errors import InvalidInput
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.services.counter import Counter
from kiosk.services.operators import add_operator
from kiosk.services.payments import PaymentRequest
from kiosk.services.runtime import database_path, open_counter
from kiosk.store.consumers import upsert_snapshots
from tests.services.factories import ACCOUNT, CACHED_AT

# 10 Jan 2026, 11:30 in India: inside phase 2 of the relief scheme, a week after the
# factory's bill was issued (3 Jan 2026).
START = datetime(2026, 1, 10, 6, 0, tzinfo=UTC)
TODAY = date(2026, 1, 10)

OPERATOR = "OP1"
SUPERVISOR = "SUP1"
ADMIN = "ADM1"
# A 12-digit number with a valid Verhoeff check digit, and the same with the last digit off.
AADHAAR = "874512369056"
AADHAAR_BAD_CHECK = "874512369057"

# Tables a refused action must leave exactly as they were (the consumer cache is not one:
# only lookups write it).
RECORD_TABLES = (
    "payments",
    "outbox",
    "audit_log",
    "number_sequences",
    "shifts",
    "complaints",
    "scheme_registrations",
    "recharges",
    "meter_readings",
    "connection_requests",
    "print_jobs",
)


class FixedClock:
    """Always answers the same aware UTC moment until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("give the test clock an aware datetime")
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class CountingEntropy:
    """Different, repeatable bytes on every call (event ids must stay unique)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, n: int) -> bytes:
        self.calls += 1
        out = b""
        block = 0
        while len(out) < n:
            out += hashlib.sha256(f"{self.calls}:{block}".encode()).digest()
            block += 1
        return out[:n]


def make_settings(data_dir: Path, **sections: Any) -> KioskSettings:
    base: dict[str, Any] = {
        "counter": {"id": "CSC-0001", "name": "Test counter", "discoms": ["MVVNL", "DVVNL"]},
        "storage": {"data_dir": data_dir},
    }
    return KioskSettings(**(base | sections))


@contextmanager
def fresh_counter(**sections: Any) -> Iterator[Counter]:
    """A counter of its own (for hypothesis, whose examples must not share a database)."""
    with tempfile.TemporaryDirectory() as folder:
        counter = open_counter(
            make_settings(Path(folder), **sections),
            clock=FixedClock(START),
            entropy=CountingEntropy(),
        )
        try:
            yield counter
        finally:
            counter.conn.close()


# --- staff ------------------------------------------------------------------------------


def add_staff(counter: Counter, operator_id: str, role: str = "operator") -> None:
    """Register an operator through the service; while the store schema still demands a
    PIN hash (``operators.pin_hash NOT NULL``), insert the row directly with a dummy hash."""
    try:
        add_operator(counter, operator_id, f"Staff {operator_id}", role)
    except sqlite3.IntegrityError as exc:
        if "pin_hash" not in str(exc):
            raise
        counter.conn.execute(
            "INSERT INTO operators (operator_id, name, role, pin_hash, active, created_at)"
            " VALUES (?, ?, ?, 'dummy-pin-hash', 1, ?)",
            (operator_id, f"Staff {operator_id}", role, counter.now().isoformat()),
        )


def disable_staff(counter: Counter, operator_id: str) -> None:
    counter.conn.execute("UPDATE operators SET active = 0 WHERE operator_id = ?", (operator_id,))


def pin_hash_required(counter: Counter) -> bool:
    columns = counter.conn.execute("PRAGMA table_info(operators)").fetchall()
    return any(col[1] == "pin_hash" and col[3] for col in columns)


# --- consumers --------------------------------------------------------------------------


def cache(counter: Counter, *snapshots: ConsumerSnapshot, cached_at: datetime = CACHED_AT) -> None:
    upsert_snapshots(counter.conn, list(snapshots), cached_at=cached_at)


# --- payment requests -------------------------------------------------------------------


def cash(amount: Any, *, tendered: Any = None, **changes: Any) -> PaymentRequest:
    data: dict[str, Any] = {
        "discom": "MVVNL",
        "account_no": ACCOUNT,
        "amount_paise": amount,
        "mode": "cash",
        "operator_id": OPERATOR,
        "tendered_paise": tendered,
    }
    return PaymentRequest(**(data | changes))


def upi(amount: Any, utr: str = "412345678901", **changes: Any) -> PaymentRequest:
    return cash(amount, **({"mode": "upi", "utr": utr} | changes))


def cheque(
    amount: Any,
    *,
    number: str = "004512",
    bank: str = "State Bank of India",
    on: date | None = date(2026, 1, 8),
    **changes: Any,
) -> PaymentRequest:
    fields = {"mode": "cheque", "cheque_no": number, "bank": bank, "cheque_date": on}
    return cash(amount, **(fields | changes))


def card(amount: Any, ref: str = "POS-778812", **changes: Any) -> PaymentRequest:
    return cash(amount, **({"mode": "card", "pos_reference": ref} | changes))


# --- what the database holds ------------------------------------------------------------


def db_state(counter: Counter) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every record table: a refusal must leave all of it unchanged."""
    return {
        table: counter.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in RECORD_TABLES
    }


def count(counter: Counter, table: str, where: str = "1", *args: Any) -> int:
    sql = f"SELECT count(*) FROM {table} WHERE {where}"
    return int(counter.conn.execute(sql, args).fetchone()[0])


def events(counter: Counter, kind: str | None = None) -> list[dict[str, Any]]:
    """The outbox's event bodies, oldest first (optionally of one type)."""
    rows = counter.conn.execute("SELECT type, body FROM outbox ORDER BY seq").fetchall()
    return [json.loads(body) for type_, body in rows if kind is None or type_ == kind]


def row(counter: Counter, sql: str, *args: Any) -> dict[str, Any]:
    cursor = counter.conn.execute(sql, args)
    found = cursor.fetchone()
    assert found is not None, f"no row for {sql} {args}"
    return dict(zip([d[0] for d in cursor.description], found, strict=True))


def database_bytes(counter: Counter) -> bytes:
    """The database as it sits on disk: the main file and its WAL / shared-memory files."""
    path = database_path(counter.settings)
    found = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            found += part.read_bytes()
    return found


def refused_by(
    counter: Counter,
    action: Callable[[], object],
    error: type[Exception] = InvalidInput,
    field: str | None = None,
) -> Exception:
    """Assert ``action`` is refused with ``error`` (naming ``field``) and writes nothing."""
    before = db_state(counter)
    with pytest.raises(error) as caught:
        action()
    if field is not None:
        assert isinstance(caught.value, InvalidInput)
        assert caught.value.field == field, caught.value
    assert db_state(counter) == before
    return caught.value
