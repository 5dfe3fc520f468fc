"""The Z report: closing the shift with the counted cash, the variance recorded on the
shift and in the audit trail, the Z slip queued in the same transaction, a second Z of the
same shift refused, a zero report when nothing was taken, and a new shift afterwards."""

from __future__ import annotations

import json

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import MAX_PAISE
from kiosk.printer.connections import DummyConnection
from kiosk.printer.documents import load
from kiosk.printer.escpos_decode import text_of
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.payments import cancel_receipt, record_payment
from kiosk.services.printing import open_spool
from kiosk.services.shifts import (
    ShiftAlreadyClosed,
    close_shift,
    open_shift_view,
    print_x_report,
    report_print_state,
)
from tests.services.support import (
    OPERATOR,
    FixedClock,
    cash,
    count,
    refused_by,
    row,
    upi,
)


@pytest.fixture
def taken(counter: Counter, consumer: str, supervisor: str) -> list[str]:
    """Cash Rs 500 and Rs 250, UPI Rs 1,234.50, and a cancelled cash Rs 200."""
    numbers = [
        record_payment(counter, cash(500_00)).receipt_no,
        record_payment(counter, upi(1_234_50), confirm_second=True).receipt_no,
        record_payment(counter, cash(200_00), confirm_second=True).receipt_no,
        record_payment(counter, cash(250_00), confirm_second=True).receipt_no,
    ]
    cancel_receipt(counter, numbers[2], reason="wrong account", supervisor_id=supervisor)
    return numbers


def shift_row(counter: Counter, shift_id: int) -> dict[str, object]:
    return row(
        counter,
        "SELECT status, closed_at, expected_cash_paise, counted_cash_paise, variance_paise"
        " FROM shifts WHERE id = ?",
        shift_id,
    )


@pytest.mark.parametrize(
    ("counted", "variance"),
    [(750_00, 0), (740_50, -9_50), (800_00, 50_00)],
    ids=["equal", "short", "over"],
)
def test_z_records_expected_counted_and_the_variance_on_the_shift_and_in_the_audit(
    counter: Counter, taken: list[str], counted: int, variance: int
) -> None:
    view = close_shift(counter, OPERATOR, counted)
    doc = view.doc
    assert (doc.report, doc.expected_cash_paise) == ("Z", 750_00)
    assert (doc.counted_cash_paise, doc.variance_paise) == (counted, variance)
    assert [(t.mode, t.count, t.amount_paise) for t in doc.totals] == [
        ("cash", 2, 750_00),
        ("upi", 1, 1_234_50),
    ]
    assert (doc.cancelled_count, doc.cancelled_paise) == (1, 200_00)
    assert view.cancelled_receipts == (taken[2],)
    assert (doc.first_receipt, doc.last_receipt) == (taken[0], taken[3])
    assert doc.closed_at == counter.now()
    assert shift_row(counter, doc.shift_id) == {
        "status": "closed",
        "closed_at": counter.now().isoformat(),
        "expected_cash_paise": 750_00,
        "counted_cash_paise": counted,
        "variance_paise": variance,
    }
    audit = row(counter, "SELECT * FROM audit_log WHERE action = 'shift.z_report'")
    assert (audit["operator_id"], audit["ref"]) == (OPERATOR, str(doc.shift_id))
    detail = json.loads(str(audit["detail"]))
    assert detail["variance_paise"] == variance and detail["counted_cash_paise"] == counted
    assert detail["expected_cash_paise"] == 750_00 and detail["payments"] == 3


def test_the_z_slip_is_queued_in_the_same_commit_and_prints_after_it(
    counter: Counter, taken: list[str], wakes: list[object]
) -> None:
    before = len(wakes)
    doc = close_shift(counter, OPERATOR, 740_50).doc
    assert len(wakes) == before + 1  # one action, one commit
    queued = row(counter, "SELECT kind, ref, body FROM print_jobs WHERE ref LIKE 'shift-%'")
    assert (queued["kind"], queued["ref"]) == ("shift_report", f"shift-{doc.shift_id}-Z")
    assert load(queued["body"]) == doc  # type: ignore[arg-type]
    assert report_print_state(counter, doc.shift_id, "Z") == "pending"
    printer = DummyConnection()
    open_spool(counter, printer).print_pending()
    paper = " ".join(text_of(printer.jobs[-1]).split())
    assert "Z REPORT (SHIFT CLOSED)" in paper
    assert "Seven hundred and forty rupees and fifty paise only" in paper  # counted cash
    assert report_print_state(counter, doc.shift_id, "Z") == "printed"


def test_a_second_z_of_the_same_shift_is_refused_in_plain_words_and_writes_nothing(
    counter: Counter, taken: list[str]
) -> None:
    first = close_shift(counter, OPERATOR, 750_00).doc
    refusal = refused_by(
        counter,
        lambda: close_shift(counter, OPERATOR, 750_00, shift_id=first.shift_id),
        ShiftAlreadyClosed,
    )
    assert str(refusal) == (
        f"shift {first.shift_id} is already closed: its Z report was made at 11:30 IST on"
        " 10-01-2026. A new shift opens with the next payment."
    )


def test_after_z_no_shift_is_open_and_the_next_payment_opens_a_new_one(
    counter: Counter, taken: list[str], clock: FixedClock
) -> None:
    closed = close_shift(counter, OPERATOR, 750_00).doc
    assert open_shift_view(counter, OPERATOR) is None
    with pytest.raises(NotFound, match="no shift is open"):
        print_x_report(counter, OPERATOR)
    clock.advance(minutes=5)
    later = record_payment(counter, cash(300_00), confirm_second=True)
    view = open_shift_view(counter, OPERATOR)
    assert view is not None and view.doc.shift_id == closed.shift_id + 1
    assert view.doc.opened_at == clock()
    assert [(t.mode, t.count, t.amount_paise) for t in view.doc.totals] == [("cash", 1, 300_00)]
    assert (view.doc.first_receipt, view.doc.last_receipt) == (later.receipt_no,) * 2
    assert view.cancelled_receipts == () and view.doc.expected_cash_paise == 300_00


def test_closing_with_nothing_taken_gives_a_zero_report(counter: Counter) -> None:
    view = close_shift(counter, OPERATOR, 0)
    doc = view.doc
    assert doc.totals == () and doc.expected_cash_paise == 0
    assert (doc.counted_cash_paise, doc.variance_paise) == (0, 0)
    assert doc.first_receipt is None and view.cancelled_receipts == ()
    assert shift_row(counter, doc.shift_id)["status"] == "closed"
    assert count(counter, "shifts", "status = 'open'") == 0
    assert report_print_state(counter, doc.shift_id, "Z") == "pending"


def test_cash_found_in_a_drawer_with_nothing_taken_is_an_over_variance(counter: Counter) -> None:
    assert close_shift(counter, OPERATOR, 100_00).doc.variance_paise == 100_00


@pytest.mark.parametrize(
    ("counted", "rule"),
    [
        (-1, "must not be negative"),
        ("750", "whole number of paise"),
        (750.5, "whole number of paise"),
        (True, "whole number of paise"),
        (MAX_PAISE + 1, "at most"),
    ],
    ids=["negative", "text", "float", "bool", "too-big"],
)
def test_bad_counted_cash_is_refused_naming_the_field(
    counter: Counter, taken: list[str], counted: object, rule: str
) -> None:
    refusal = refused_by(
        counter, lambda: close_shift(counter, OPERATOR, counted), field="counted cash"
    )
    assert isinstance(refusal, InvalidInput) and rule in refusal.message


def test_an_unknown_shift_is_not_found_and_writes_nothing(counter: Counter) -> None:
    refused_by(counter, lambda: close_shift(counter, OPERATOR, 0, shift_id=99), NotFound)


def test_the_x_report_after_a_cancellation_lists_the_cancelled_receipt(
    counter: Counter, taken: list[str]
) -> None:
    view = open_shift_view(counter, OPERATOR)
    assert view is not None and view.cancelled_receipts == (taken[2],)
    assert view.payments == 3 and view.total_paise == 1_984_50
    assert count(counter, "shifts", "status = 'open'") == 1  # reading changed nothing


def test_a_shifts_payments_are_found_by_the_index_not_a_scan(counter: Counter) -> None:
    plan = counter.conn.execute(
        "EXPLAIN QUERY PLAN SELECT mode, COUNT(*) FROM payments"
        " WHERE shift_id = ? AND status = 'active' GROUP BY mode",
        (1,),
    ).fetchall()
    assert any("USING INDEX payments_by_shift" in str(step) for step in plan), plan
