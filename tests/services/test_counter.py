"""The counter's wiring: discom and account checks, the Indian day, the database it opens,
its status, and who may act."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskSettings
from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed
from kiosk.services.operators import add_operator, require_operator, require_supervisor
from kiosk.services.payments import record_payment
from kiosk.services.runtime import counter_status, database_path, open_counter, wire_sync
from tests.services.factories import ACCOUNT
from tests.services.support import (
    CountingEntropy,
    FixedClock,
    add_staff,
    cash,
    count,
    db_state,
    disable_staff,
    pin_hash_required,
    row,
)

# --- discom and account -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "served"),
    [("mvvnl", "MVVNL"), ("MVVNL", "MVVNL"), (" Dvvnl ", "DVVNL"), ("dVvNl", "DVVNL")],
)
def test_check_account_normalises_the_discom(counter: Counter, typed: str, served: str) -> None:
    assert counter.check_account(typed, ACCOUNT) == (served, ACCOUNT)


def test_check_discom_answers_the_served_spelling(counter: Counter) -> None:
    assert counter.check_discom(" dvvnl") == "DVVNL"
    with pytest.raises(InvalidInput) as caught:
        counter.check_discom("KESCO")
    assert caught.value.field == "discom"


def test_check_account_tidies_the_account_number(counter: Counter) -> None:
    assert counter.check_account("MVVNL", " 12345-67890 ") == ("MVVNL", ACCOUNT)


@pytest.mark.parametrize("discom", ["PVVNL", "", "MV VNL", "MVVNLX", None])
def test_check_account_refuses_a_discom_not_served(counter: Counter, discom: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        counter.check_account(discom, ACCOUNT)
    assert caught.value.field == "discom"
    assert "MVVNL, DVVNL" in caught.value.message


@pytest.mark.parametrize("account", ["123456789012", "123456789", "12345678901", "", None])
def test_check_account_uses_the_discoms_lengths(counter: Counter, account: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        counter.check_account("MVVNL", account)
    assert caught.value.field == "account number"


# --- time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 1, 10, 18, 29, tzinfo=UTC), date(2026, 1, 10)),
        (datetime(2026, 1, 10, 18, 30, tzinfo=UTC), date(2026, 1, 11)),
        (
            datetime(2026, 1, 11, 0, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            date(2026, 1, 11),
        ),
        (datetime(2026, 1, 10, 23, 0, tzinfo=timezone(timedelta(hours=-8))), date(2026, 1, 11)),
    ],
)
def test_the_business_day_is_the_date_in_india(
    counter: Counter, clock: FixedClock, moment: datetime, day: date
) -> None:
    clock.set(moment)
    assert counter.today() == day
    assert counter.now().tzinfo is UTC


def test_a_naive_clock_is_refused(counter: Counter, clock: FixedClock) -> None:
    clock.now = datetime(2026, 1, 10, 12, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        counter.now()


# --- the database -----------------------------------------------------------------------


def test_open_counter_makes_a_private_database_in_the_data_dir(
    counter: Counter, settings: KioskSettings
) -> None:
    path = database_path(settings)
    assert path == Path(settings.storage.data_dir) / "kiosk.db"
    assert path.is_file()
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert counter.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert counter.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_records_survive_reopening_the_counter(
    counter: Counter, settings: KioskSettings, clock: FixedClock, entropy: CountingEntropy
) -> None:
    result = record_payment(counter, cash(500_00))
    counter.conn.close()
    again = open_counter(settings, clock=clock, entropy=entropy)
    try:
        assert row(again, "SELECT receipt_no FROM payments")["receipt_no"] == result.receipt_no
        assert record_payment(again, cash(500_00, account_no="2222222222")).receipt_no.endswith(
            "-00002"
        )
    finally:
        again.conn.close()


def test_the_status_counts_events_waiting(counter: Counter, clock: FixedClock) -> None:
    record_payment(counter, cash(500_00))
    clock.advance(minutes=2)
    record_payment(counter, cash(500_00, account_no="2222222222"))
    clock.advance(minutes=1)
    status = counter_status(counter, None)
    assert (status.counter_id, status.pending, status.dead_lettered) == ("CSC-0001", 2, 0)
    assert status.oldest_pending_age_s == pytest.approx(180.0)
    assert status.online is None and status.last_sync_at is None
    assert status.as_dict()["pending"] == 2


def test_without_a_central_there_is_no_sync_engine(counter: Counter) -> None:
    wiring = wire_sync(counter)
    assert (wiring.engine, wiring.central) == (None, None)
    assert counter.is_online() is False
    wiring.close()


# --- who may act ------------------------------------------------------------------------


def test_an_operator_id_is_trimmed(counter: Counter) -> None:
    assert require_operator(counter, "  OP1 ") == "OP1"


def test_a_disabled_operator_is_not_allowed(counter: Counter) -> None:
    add_staff(counter, "OP5")
    assert require_operator(counter, "OP5") == "OP5"
    disable_staff(counter, "OP5")
    with pytest.raises(NotAllowed):
        require_operator(counter, "OP5")


def test_only_active_supervisors_and_admins_supervise(counter: Counter) -> None:
    add_staff(counter, "OP5", "operator")
    add_staff(counter, "SUP5", "supervisor")
    add_staff(counter, "ADM5", "admin")
    assert require_supervisor(counter, "SUP5") == "SUP5"
    assert require_supervisor(counter, "ADM5") == "ADM5"
    for who in ("OP5", "NOBODY"):
        with pytest.raises(NotAllowed):
            require_supervisor(counter, who)
    disable_staff(counter, "SUP5")
    with pytest.raises(NotAllowed):
        require_supervisor(counter, "SUP5")


def test_add_operator_records_the_operator_and_an_audit_row(counter: Counter) -> None:
    if pin_hash_required(counter):
        pytest.skip("operators.pin_hash is still NOT NULL in the store schema")
    assert add_operator(counter, " SUP9 ", "  Asha   Verma ", "supervisor") == "SUP9"
    stored = row(counter, "SELECT name, role, active FROM operators WHERE operator_id = 'SUP9'")
    assert stored == {"name": "Asha Verma", "role": "supervisor", "active": 1}
    audit = row(counter, "SELECT action, ref FROM audit_log")
    assert audit == {"action": "operator.added", "ref": "SUP9"}
    assert count(counter, "outbox") == 0  # staff changes are local, not events


@pytest.mark.parametrize(
    ("operator_id", "name", "role", "field"),
    [
        ("OP6", "Asha", "cashier", "role"),
        ("OP6", "", "operator", "name"),
        ("OP6", "   ", "operator", "name"),
        ("OP6", "x" * 61, "operator", "name"),
        ("OP 6", "Asha", "operator", "operator"),
        ("", "Asha", "operator", "operator"),
    ],
)
def test_add_operator_refuses_bad_details(
    counter: Counter, operator_id: str, name: str, role: str, field: str
) -> None:
    before = db_state(counter)
    with pytest.raises(InvalidInput) as caught:
        add_operator(counter, operator_id, name, role)
    assert caught.value.field == field
    assert db_state(counter) == before
    assert count(counter, "operators") == 0


def test_add_operator_refuses_an_existing_id(counter: Counter) -> None:
    add_staff(counter, "OP6")
    before = db_state(counter)
    with pytest.raises(InvalidInput) as caught:
        add_operator(counter, "OP6", "Someone Else")
    assert caught.value.field == "operator"
    assert db_state(counter) == before
