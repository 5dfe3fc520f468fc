"""Reconciling the day with the central's day summary, against the real reference central
on loopback: all match once synced; a payment or a cancellation not synced yet, or refused,
is listed receipt by receipt; payments the central has that this counter does not are a
difference of their own; offline nothing is compared and the result says why."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.services.counter import Counter
from kiosk.services.day_export import DayPayment, export_day
from kiosk.services.payments import PaymentRequest, cancel_receipt, record_payment
from kiosk.services.reconcile import compare, reconcile_day
from kiosk.services.runtime import Wiring, open_counter, wire_sync
from tests.services.support import (
    START,
    SUPERVISOR,
    CountingEntropy,
    FixedClock,
    add_staff,
    cash,
    db_state,
    upi,
)
from tests.support.live_central import LiveCentral
from tests.sync.conftest import settings_for

DAY = date(2026, 1, 10)
OPERATOR = "OP1"
Made = tuple[Counter, Wiring]


@pytest.fixture
def make_counter(tmp_path: Path, live_central: LiveCentral) -> Iterator[Callable[..., Made]]:
    """A counter synced to the live central (its clock frozen on 10 Jan 2026, 11:30 IST)."""
    made: list[Made] = []

    def make(name: str = "a", *, url: str | None = None) -> Made:
        settings = settings_for(
            tmp_path / name, url or live_central.url, live_central.token, live_central.counter_id
        )
        counter = open_counter(settings, clock=FixedClock(START), entropy=CountingEntropy())
        add_staff(counter, SUPERVISOR, "supervisor")
        wiring = wire_sync(counter)
        made.append((counter, wiring))
        return counter, wiring

    yield make
    for counter, wiring in made:
        wiring.close()
        counter.conn.close()


def pay(counter: Counter, request: PaymentRequest) -> str:
    return record_payment(counter, request, confirm_second=True).receipt_no


def sync(wiring: Wiring) -> None:
    assert wiring.engine is not None
    assert wiring.engine.sync_once(force=True).error is None


def figures(found: object) -> list[tuple[str, int, int, int, int]]:
    return [
        (m.mode, m.local_count, m.local_paise, m.central_count, m.central_paise)
        for m in found.modes  # type: ignore[attr-defined]
    ]


def test_once_everything_is_synced_all_match(make_counter: Callable[..., Made]) -> None:
    counter, wiring = make_counter()
    pay(counter, cash(500_00))
    pay(counter, upi(1_234_50, account_no="2345678901"))
    pay(counter, cash(250_50, account_no="3456789012"))
    sync(wiring)
    found = reconcile_day(counter, OPERATOR, central=wiring.central)
    assert found.compared and found.all_match and found.day == DAY
    assert figures(found) == [("cash", 2, 750_50, 2, 750_50), ("upi", 1, 1_234_50, 1, 1_234_50)]
    assert found.receipts == () and found.unexplained == ()
    assert (found.local_count, found.local_paise) == (3, 1_985_00)


def test_a_payment_not_synced_yet_is_listed_and_explains_the_difference(
    make_counter: Callable[..., Made],
) -> None:
    counter, wiring = make_counter()
    pay(counter, cash(500_00))
    sync(wiring)
    waiting = pay(counter, upi(300_00, account_no="2345678901"))
    before = db_state(counter)
    found = reconcile_day(counter, OPERATOR, central=wiring.central)
    assert db_state(counter) == before  # reconciling writes nothing
    assert not found.all_match
    assert figures(found) == [("cash", 1, 500_00, 1, 500_00), ("upi", 1, 300_00, 0, 0)]
    assert [(r.receipt_no, r.mode, r.amount_paise, r.reason) for r in found.receipts] == [
        (waiting, "upi", 300_00, "not_synced")
    ]
    assert found.unexplained == ()  # the unsynced receipt is the whole difference


def test_a_cancellation_not_synced_yet_leaves_the_payment_valid_at_the_central(
    make_counter: Callable[..., Made],
) -> None:
    counter, wiring = make_counter()
    kept = pay(counter, cash(500_00))
    wrong = pay(counter, cash(200_00, account_no="2345678901"))
    sync(wiring)
    cancel_receipt(counter, wrong, reason="wrong account", supervisor_id=SUPERVISOR)
    found = reconcile_day(counter, OPERATOR, central=wiring.central)
    assert figures(found) == [("cash", 1, 500_00, 2, 700_00)]
    assert [(r.receipt_no, r.reason) for r in found.receipts] == [(wrong, "cancel_not_synced")]
    assert (found.local_cancelled, found.central_cancelled) == (1, 0)
    assert found.unexplained == () and found.expected_cancelled == found.central_cancelled
    sync(wiring)
    found = reconcile_day(counter, OPERATOR, central=wiring.central)
    assert found.all_match and (found.local_cancelled, found.central_cancelled) == (1, 1)
    assert kept not in [r.receipt_no for r in found.receipts]


def test_a_refused_payment_and_payments_unknown_here_are_both_shown(
    make_counter: Callable[..., Made],
) -> None:
    """A copy of this counter's database (same counter id, same clock) sent a different
    payment under the same event id first: the central refuses ours and counts its own."""
    counter, wiring = make_counter("a")
    other, other_wiring = make_counter("copy")
    ours = pay(counter, cash(500_00))
    pay(other, cash(300_00, account_no="2345678901"))
    sync(other_wiring)
    assert wiring.engine is not None
    assert wiring.engine.sync_once(force=True).rejected == 1
    found = reconcile_day(counter, OPERATOR, central=wiring.central)
    assert figures(found) == [("cash", 1, 500_00, 1, 300_00)]
    assert [(r.receipt_no, r.reason) for r in found.receipts] == [(ours, "refused")]
    (unknown,) = found.unexplained
    assert (unknown.unexplained_count, unknown.unexplained_paise) == (1, 300_00)


def test_offline_nothing_is_compared_and_the_reason_is_given(
    make_counter: Callable[..., Made], live_central: LiveCentral, tmp_path: Path
) -> None:
    counter, wiring = make_counter()
    pay(counter, cash(500_00))
    live_central.stop()
    assert reconcile_day(counter, OPERATOR, central=wiring.central).unreachable == "no_answer"
    assert wiring.engine is not None
    wiring.engine.check()  # the engine now knows the central is down
    found = reconcile_day(counter, OPERATOR, central=wiring.central)
    assert (found.compared, found.unreachable, found.all_match) == (False, "offline", False)
    assert reconcile_day(counter, OPERATOR, central=None).unreachable == "no_central"


def test_the_export_after_a_sync_carries_the_centrals_reference(
    make_counter: Callable[..., Made],
) -> None:
    counter, wiring = make_counter()
    synced = pay(counter, cash(500_00))
    sync(wiring)
    waiting = pay(counter, cash(250_00, account_no="2345678901"))
    path = export_day(counter, SUPERVISOR).path  # the day is exported by a supervisor
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["receipt_no"]: row for row in csv.DictReader(handle)}
    assert rows[synced]["sync"] == "synced"
    assert rows[synced]["central_ref"].startswith("MVVNL-PAY-")
    assert (rows[waiting]["sync"], rows[waiting]["central_ref"]) == ("pending", "")


def test_a_central_lacking_payments_it_confirmed_is_an_unexplained_difference() -> None:
    """The comparison alone (the reference central never loses what it accepted)."""
    paid = DayPayment(
        receipt_no="CSC-0001-20260110-00001",
        recorded_at=START,
        discom="MVVNL",
        account_no="1234567890",
        consumer_name="",
        consumer_name_hi="",
        purpose="bill",
        mode="cash",
        reference=None,
        amount_paise=500_00,
        status="active",
        cancelled_at=None,
        cancel_reason=None,
        cancelled_by=None,
        operator_id=OPERATOR,
        shift_id=1,
        sync="synced",
        central_ref="MVVNL-PAY-000000001",
        cancel_sync=None,
    )
    found = compare(DAY, [paid], {}, 0)
    assert found.receipts == () and not found.all_match
    (missing,) = found.unexplained
    assert (missing.mode, missing.unexplained_count, missing.unexplained_paise) == (
        "cash",
        -1,
        -500_00,
    )
