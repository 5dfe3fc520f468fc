"""What the recharge screen asks before the money: the balance and where it comes from,
this counter's last recharge, and the recharge rules checked without writing."""

from __future__ import annotations

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.payments import cancel_receipt
from kiosk.services.recharge import (
    MAX_RECHARGE_PAISE,
    check_recharge,
    recharge,
    recharge_amount,
    recharge_status,
)
from tests.services.factories import ACCOUNT, CACHED_AT, make_snapshot
from tests.services.support import (
    SUPERVISOR,
    add_staff,
    cache,
    cash,
    db_state,
    refused_by,
)


@pytest.fixture
def prepaid(counter: Counter) -> str:
    snapshot = make_snapshot(ACCOUNT, meter_type="prepaid", bill=False)
    cache(counter, snapshot.model_copy(update={"prepaid_balance_paise": -40_00}))
    return ACCOUNT


def test_offline_the_cached_balance_with_its_time_and_no_last_recharge(
    counter: Counter, prepaid: str
) -> None:
    status = recharge_status(counter, "mvvnl", prepaid)
    assert (status.balance_paise, status.live, status.negative) == (-40_00, False, True)
    assert status.lookup.as_of == CACHED_AT
    assert status.last is None
    assert status.prepaid


def test_the_last_recharge_is_the_latest_one_not_cancelled(
    counter: Counter, prepaid: str, clock
) -> None:
    first = recharge(counter, cash(100_00)).payment
    clock.advance(minutes=5)
    second = recharge(counter, cash(500_00)).payment
    status = recharge_status(counter, "MVVNL", prepaid)
    assert status.last is not None
    assert (status.last.receipt_no, status.last.amount_paise) == (second.receipt_no, 500_00)
    assert status.last.recorded_at == second.recorded_at
    assert not status.last.synced
    add_staff(counter, SUPERVISOR, "supervisor")
    cancel_receipt(
        counter, second.receipt_no, reason="typed the wrong amount", supervisor_id=SUPERVISOR
    )
    status = recharge_status(counter, "MVVNL", prepaid)
    assert status.last is not None and status.last.receipt_no == first.receipt_no


def test_an_unknown_consumer_is_not_found(counter: Counter) -> None:
    with pytest.raises(NotFound):
        recharge_status(counter, "MVVNL", "9999999999")


def test_a_bad_account_number_names_the_field(counter: Counter) -> None:
    with pytest.raises(InvalidInput) as caught:
        recharge_status(counter, "MVVNL", "12")
    assert caught.value.field == "account number"


@pytest.mark.parametrize(
    ("typed", "paise"), [("100", 100_00), ("1,000", 1000_00), ("₹ 250.50", 250_50)]
)
def test_a_typed_amount_becomes_paise(typed: str, paise: int) -> None:
    assert recharge_amount(typed) == paise


@pytest.mark.parametrize("typed", ["0", "0.00", "abc", "", "-100", "50000.01"])
def test_a_bad_typed_amount_names_the_amount(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        recharge_amount(typed)
    assert caught.value.field == "amount"


def test_the_cap_itself_is_allowed() -> None:
    assert recharge_amount("50,000") == MAX_RECHARGE_PAISE


def test_a_recharge_over_the_cap_is_refused_and_writes_nothing(
    counter: Counter, prepaid: str
) -> None:
    refused_by(counter, lambda: recharge(counter, cash(MAX_RECHARGE_PAISE + 1)), field="amount")


def test_check_recharge_refuses_what_recharge_refuses_and_writes_nothing(
    counter: Counter, prepaid: str
) -> None:
    before = db_state(counter)
    check_recharge(counter, cash(500_00))  # a good one passes
    refused_by(counter, lambda: check_recharge(counter, cash(0)), field="amount")
    refused_by(
        counter,
        lambda: check_recharge(counter, cash(500_00), meter_no="SM 1"),
        field="meter number",
    )
    assert db_state(counter) == before


def test_check_recharge_refuses_a_postpaid_consumer(counter: Counter) -> None:
    cache(counter, make_snapshot(ACCOUNT))
    error = refused_by(
        counter, lambda: check_recharge(counter, cash(500_00)), field="account number"
    )
    assert "postpaid" in str(error)
