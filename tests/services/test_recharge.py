"""Prepaid recharge: a payment for the recharge and the meter-credit event, together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed
from kiosk.services.payments import PaymentRequest
from kiosk.services.recharge import recharge
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import (
    add_staff,
    cache,
    cash,
    count,
    db_state,
    disable_staff,
    events,
    refused_by,
    row,
    upi,
)


@pytest.fixture
def prepaid(counter: Counter) -> str:
    cache(counter, make_snapshot(ACCOUNT, meter_type="prepaid", bill=False))
    return ACCOUNT


def refused(
    counter: Counter,
    payment: PaymentRequest,
    error: type[Exception] = InvalidInput,
    field: str | None = None,
    **options: Any,
) -> Exception:
    return refused_by(counter, lambda: recharge(counter, payment, **options), error, field)


def test_a_prepaid_recharge_is_a_payment_and_a_recharge_event(
    counter: Counter, prepaid: str, wakes: list[datetime]
) -> None:
    result = recharge(
        counter, cash(500_00, tendered=1_000_00, discom="mvvnl"), meter_no=" SM12345 "
    )

    assert result.payment.receipt_no == "CSC-0001-20260110-00001"
    assert result.payment.change_paise == 500_00
    payment = row(counter, "SELECT * FROM payments")
    assert (payment["purpose"], payment["discom"], payment["amount_paise"]) == (
        "recharge",
        "MVVNL",
        500_00,
    )
    stored = row(counter, "SELECT * FROM recharges")
    assert stored["receipt_no"] == result.payment.receipt_no
    assert stored["event_id"] == result.event_id
    assert (stored["meter_no"], stored["amount_paise"]) == ("SM12345", 500_00)

    kinds = [e["type"] for e in events(counter)]
    assert kinds == ["payment.recorded", "recharge.recorded"]
    paid, credited = events(counter)
    assert paid["payload"]["purpose"] == "recharge"
    assert credited["event_id"] == result.event_id
    assert credited["payload"]["receipt_no"] == result.payment.receipt_no
    assert credited["payload"]["amount_paise"] == 500_00
    assert credited["payload"]["meter_no"] == "SM12345"
    actions = [r[0] for r in counter.conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["payment.recharge", "recharge.recorded"]
    assert wakes == [counter.now()]


def test_recharges_need_no_second_payment_confirmation(counter: Counter, prepaid: str) -> None:
    recharge(counter, cash(100_00))
    recharge(counter, upi(100_00))
    assert count(counter, "recharges") == 2


def test_a_postpaid_consumer_is_refused(counter: Counter, consumer: str) -> None:
    error = refused(counter, cash(500_00), field="account number")
    assert "postpaid" in str(error)


def test_a_recharge_for_a_consumer_not_in_the_cache_is_taken(counter: Counter) -> None:
    recharge(counter, cash(500_00))
    assert count(counter, "recharges") == 1


@pytest.mark.parametrize("meter", ["SM-12345", "x" * 21, "SM 12", "मीटर1"])
def test_a_bad_meter_number_is_refused(counter: Counter, prepaid: str, meter: str) -> None:
    refused(counter, cash(500_00), field="meter number", meter_no=meter)


@pytest.mark.parametrize(
    ("payment", "field"),
    [
        (cash(0), "amount"),
        (cash(100.0), "amount"),
        (upi(True), "amount"),  # no part-payment minimum here to catch a bool
        (upi(1.0), "amount"),
        (cash(500_00, tendered=100_00), "tendered"),
        (cash(500_00, discom="KESCO"), "discom"),
        (cash(500_00, account_no="99"), "account number"),
        (upi(500_00, utr="12"), "UPI reference"),
        (cash(500_00, mode="voucher"), "mode"),
        (cash(500_00, operator_id=""), "operator"),
        (cash(2_00_000_00), "amount"),
    ],
)
def test_a_bad_recharge_payment_is_refused(
    counter: Counter, prepaid: str, payment: PaymentRequest, field: str
) -> None:
    refused(counter, payment, field=field)


def test_a_disabled_operator_may_not_recharge(counter: Counter, prepaid: str) -> None:
    add_staff(counter, "OP7")
    disable_staff(counter, "OP7")
    refused(counter, cash(500_00, operator_id="OP7"), NotAllowed)


def test_a_failure_inside_the_transaction_undoes_the_payment_too(
    counter: Counter, prepaid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = db_state(counter)

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr("kiosk.services.recharge.audit", broken)
        with pytest.raises(RuntimeError):
            recharge(counter, cash(500_00))
    assert db_state(counter) == before
    assert recharge(counter, cash(500_00)).payment.receipt_no.endswith("-00001")
