"""Cancelling a receipt: only a supervisor, only with a reason, only once; it is an event."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed, NotFound
from kiosk.services.payments import PaymentResult, cancel_receipt, record_payment
from tests.services.support import (
    OPERATOR,
    add_staff,
    cash,
    count,
    disable_staff,
    events,
    refused_by,
    row,
)


@pytest.fixture
def paid(counter: Counter) -> PaymentResult:
    return record_payment(counter, cash(1_500_00, tendered=2_000_00))


def refused(
    counter: Counter, error: type[Exception], field: str | None = None, **kwargs: Any
) -> Exception:
    args = {"reason": "typed the wrong account", "supervisor_id": "SUP1"} | kwargs
    receipt_no = args.pop("receipt_no")
    return refused_by(counter, lambda: cancel_receipt(counter, receipt_no, **args), error, field)


def test_a_supervisor_cancels_a_receipt_with_an_event_and_an_audit_row(
    counter: Counter, paid: PaymentResult, supervisor: str, wakes: list[datetime]
) -> None:
    wakes.clear()
    result = cancel_receipt(
        counter, paid.receipt_no, reason="  typed the   wrong account ", supervisor_id=supervisor
    )
    assert (result.receipt_no, result.amount_paise) == (paid.receipt_no, 1_500_00)

    payment = row(counter, "SELECT * FROM payments")
    assert payment["status"] == "cancelled"
    assert payment["cancel_reason"] == "typed the wrong account"
    assert payment["cancelled_by"] == supervisor
    assert payment["cancel_event_id"] == result.event_id
    assert payment["cancelled_at"] == counter.now().isoformat()
    # The money columns are untouched.
    assert (payment["amount_paise"], payment["change_paise"]) == (1_500_00, 500_00)

    [event] = events(counter, "receipt.cancelled")
    assert event["event_id"] == result.event_id
    assert event["operator_id"] == supervisor
    assert event["payload"]["receipt_no"] == paid.receipt_no
    assert event["payload"]["reason"] == "typed the wrong account"
    assert event["payload"]["supervisor_id"] == supervisor
    audit = row(counter, "SELECT * FROM audit_log WHERE action = 'receipt.cancelled'")
    assert (audit["ref"], audit["operator_id"]) == (paid.receipt_no, supervisor)
    # The reason (free text) stays out of the audit row, which is never purged.
    assert json.loads(audit["detail"]) == {"event_id": result.event_id}
    assert count(counter, "payments") == 1  # cancelled, never deleted
    assert wakes == [counter.now()]


def test_an_admin_may_cancel_too(counter: Counter, paid: PaymentResult) -> None:
    add_staff(counter, "ADM1", "admin")
    cancel_receipt(counter, paid.receipt_no, reason="duplicate entry", supervisor_id="ADM1")
    assert row(counter, "SELECT status FROM payments")["status"] == "cancelled"


def test_cancelling_does_not_spend_a_receipt_number(
    counter: Counter, paid: PaymentResult, supervisor: str
) -> None:
    cancel_receipt(counter, paid.receipt_no, reason="wrong amount", supervisor_id=supervisor)
    again = record_payment(counter, cash(1_000_00))
    assert again.receipt_no == "CSC-0001-20260110-00002"


def test_an_operator_may_not_cancel(counter: Counter, paid: PaymentResult) -> None:
    add_staff(counter, "OP2", "operator")
    refused(counter, NotAllowed, receipt_no=paid.receipt_no, supervisor_id="OP2")


def test_an_unknown_supervisor_may_not_cancel(counter: Counter, paid: PaymentResult) -> None:
    refused(counter, NotAllowed, receipt_no=paid.receipt_no, supervisor_id="NOBODY")
    # the operator who took the money is not a supervisor either
    refused(counter, NotAllowed, receipt_no=paid.receipt_no, supervisor_id=OPERATOR)


def test_a_disabled_supervisor_may_not_cancel(
    counter: Counter, paid: PaymentResult, supervisor: str
) -> None:
    disable_staff(counter, supervisor)
    refused(counter, NotAllowed, receipt_no=paid.receipt_no, supervisor_id=supervisor)


@pytest.mark.parametrize("supervisor_id", ["", "SUP 1", "x" * 21])
def test_a_malformed_supervisor_id_is_refused(
    counter: Counter, paid: PaymentResult, supervisor_id: str
) -> None:
    refused(
        counter, InvalidInput, "supervisor", receipt_no=paid.receipt_no, supervisor_id=supervisor_id
    )


@pytest.mark.parametrize("reason", ["", "    ", "oops", "a    b", None, "x" * 201])
def test_a_cancellation_needs_a_real_reason(
    counter: Counter, paid: PaymentResult, supervisor: str, reason: Any
) -> None:
    refused(counter, InvalidInput, "reason", receipt_no=paid.receipt_no, reason=reason)


def test_the_shortest_and_longest_reasons_are_accepted(counter: Counter, supervisor: str) -> None:
    a = record_payment(counter, cash(500_00, account_no="1111111111"))
    b = record_payment(counter, cash(500_00, account_no="2222222222"))
    cancel_receipt(counter, a.receipt_no, reason="typo!", supervisor_id=supervisor)
    cancel_receipt(counter, b.receipt_no, reason="y" * 200, supervisor_id=supervisor)
    assert count(counter, "payments", "status = 'cancelled'") == 2


@pytest.mark.parametrize("receipt_no", ["CSC-0001-20260110-00099", "", "CSC-0002-20260110-00001"])
def test_an_unknown_receipt_is_not_found(
    counter: Counter, paid: PaymentResult, supervisor: str, receipt_no: str
) -> None:
    refused(counter, NotFound, receipt_no=receipt_no)


def test_a_receipt_cannot_be_cancelled_twice(
    counter: Counter, paid: PaymentResult, supervisor: str
) -> None:
    cancel_receipt(counter, paid.receipt_no, reason="wrong account", supervisor_id=supervisor)
    error = refused(counter, InvalidInput, "receipt", receipt_no=paid.receipt_no)
    assert "already cancelled" in str(error)
    assert len(events(counter, "receipt.cancelled")) == 1


def test_the_receipt_number_may_carry_surrounding_spaces(
    counter: Counter, paid: PaymentResult, supervisor: str
) -> None:
    cancel_receipt(counter, f"  {paid.receipt_no} ", reason="wrong account", supervisor_id="SUP1")
    assert row(counter, "SELECT status FROM payments")["status"] == "cancelled"
