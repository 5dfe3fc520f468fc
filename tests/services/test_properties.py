"""Properties over many amounts and typed strings: money is kept exactly, numbering stays
gap-free, the cash limit holds, and odd input is refused by field, never with a crash."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import CASH_LIMIT_269ST, MAX_PAISE
from kiosk.services.complaints import ComplaintRequest, log_complaint
from kiosk.services.payments import cancel_receipt, record_payment
from tests.services.support import (
    OPERATOR,
    SUPERVISOR,
    add_staff,
    cash,
    db_state,
    fresh_counter,
    row,
    upi,
)

MINIMUM = 100_00
few = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
amounts = st.integers(min_value=1, max_value=MAX_PAISE)


@few
@given(amount=amounts)
def test_any_whole_amount_is_kept_to_the_paisa_or_refused_below_the_minimum(amount: int) -> None:
    with fresh_counter() as counter:
        if amount < MINIMUM:
            before = db_state(counter)
            with pytest.raises(InvalidInput) as caught:
                record_payment(counter, upi(amount))
            assert caught.value.field == "amount"
            assert db_state(counter) == before
        else:
            result = record_payment(counter, upi(amount))
            assert result.amount_paise == amount
            stored = row(counter, "SELECT amount_paise, typeof(amount_paise) AS t FROM payments")
            assert stored == {"amount_paise": amount, "t": "integer"}


@few
@given(
    amount=st.integers(min_value=MINIMUM, max_value=CASH_LIMIT_269ST - 1),
    extra=st.integers(min_value=0, max_value=10_000_00),
)
def test_change_is_exactly_tendered_less_amount(amount: int, extra: int) -> None:
    with fresh_counter() as counter:
        result = record_payment(counter, cash(amount, tendered=amount + extra))
        assert result.change_paise == extra
        stored = row(counter, "SELECT tendered_paise, change_paise FROM payments")
        assert stored == {"tendered_paise": amount + extra, "change_paise": extra}


@few
@given(
    amount=st.integers(min_value=MINIMUM + 1, max_value=CASH_LIMIT_269ST - 1),
    short=st.integers(min_value=1, max_value=MINIMUM),
)
def test_cash_short_of_the_amount_is_always_refused(amount: int, short: int) -> None:
    with fresh_counter() as counter:
        with pytest.raises(InvalidInput) as caught:
            record_payment(counter, cash(amount, tendered=amount - short))
        assert caught.value.field == "tendered"


not_paise = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.booleans(),
    st.none(),
    st.integers(max_value=0),
    st.integers(min_value=MAX_PAISE + 1),
)


@few
@given(amount=not_paise)
def test_anything_but_positive_whole_paise_is_refused(amount: Any) -> None:
    with fresh_counter() as counter:
        before = db_state(counter)
        with pytest.raises(InvalidInput) as caught:
            record_payment(counter, upi(amount))
        assert caught.value.field == "amount"
        assert db_state(counter) == before


@few
@given(st.lists(st.integers(min_value=MINIMUM, max_value=1_20_000_00), min_size=1, max_size=6))
def test_one_consumers_cash_in_a_day_stays_below_the_legal_limit(amounts: list[int]) -> None:
    with fresh_counter() as counter:
        taken = 0
        for amount in amounts:
            if taken + amount >= CASH_LIMIT_269ST:
                with pytest.raises(InvalidInput) as caught:
                    record_payment(counter, cash(amount), confirm_second=True)
                assert "269ST" in str(caught.value)
            else:
                record_payment(counter, cash(amount), confirm_second=True)
                taken += amount
        total = row(counter, "SELECT COALESCE(SUM(amount_paise), 0) AS s FROM payments")["s"]
        assert total == taken < CASH_LIMIT_269ST


actions = st.lists(
    st.sampled_from(["pay", "bad amount", "bad utr", "cancel", "pay cash"]), min_size=1, max_size=12
)


@few
@given(actions)
def test_receipt_numbers_stay_gap_free_whatever_is_refused_or_cancelled(steps: list[str]) -> None:
    with fresh_counter() as counter:
        add_staff(counter, SUPERVISOR, "supervisor")
        issued: list[str] = []
        cancelled: set[str] = set()
        for n, step in enumerate(steps):
            account = f"{1_000_000_000 + n}"
            if step == "pay":
                request = upi(MINIMUM, utr=f"{n:012d}", account_no=account)
                issued.append(record_payment(counter, request).receipt_no)
            elif step == "pay cash":
                issued.append(record_payment(counter, cash(MINIMUM, account_no=account)).receipt_no)
            elif step == "cancel" and issued and issued[-1] not in cancelled:
                cancel_receipt(counter, issued[-1], reason="test cancel", supervisor_id=SUPERVISOR)
                cancelled.add(issued[-1])
            elif step.startswith("bad"):
                bad = upi(0) if step == "bad amount" else upi(MINIMUM, utr="1")
                with pytest.raises(InvalidInput):
                    record_payment(counter, bad)
        assert issued == [f"CSC-0001-20260110-{i:05d}" for i in range(1, len(issued) + 1)]


typed = st.text(st.characters(codec="utf-8"), max_size=30)


@few
@given(account=typed, utr=typed, mode=st.sampled_from(["cash", "upi", "cheque", "card"]))
def test_typed_identifiers_are_accepted_or_refused_by_field_never_crash(
    account: str, utr: str, mode: str
) -> None:
    with fresh_counter() as counter:
        request = upi(
            MINIMUM * 2,
            utr=utr,
            account_no=account,
            mode=mode,
            cheque_no=utr,
            bank=utr,
            pos_reference=utr,
        )
        before = db_state(counter)
        try:
            record_payment(counter, request)
        except InvalidInput as exc:
            assert exc.field in {
                "account number",
                "UPI reference",
                "cheque number",
                "bank",
                "card reference",
                "cheque date",
            }
            assert db_state(counter) == before


@few
@given(description=typed, mobile=typed, category=st.one_of(typed, st.just("billing")))
def test_typed_complaints_are_logged_or_refused_by_field(
    description: str, mobile: str, category: str
) -> None:
    with fresh_counter() as counter:
        request = ComplaintRequest(category, description, mobile, OPERATOR, discom="MVVNL")
        before = db_state(counter)
        try:
            log_complaint(counter, request)
        except InvalidInput as exc:
            assert exc.field in {"category", "description", "mobile"}
            assert db_state(counter) == before
        else:
            assert row(counter, "SELECT count(*) AS n FROM complaints") == {"n": 1}


@few
@given(reason=typed)
def test_any_cancel_reason_is_taken_or_refused_by_field(reason: str) -> None:
    with fresh_counter() as counter:
        add_staff(counter, SUPERVISOR, "supervisor")
        paid = record_payment(counter, upi(MINIMUM))
        tidy = " ".join(reason.split())
        if 5 <= len(tidy) <= 200:
            cancel_receipt(counter, paid.receipt_no, reason=reason, supervisor_id=SUPERVISOR)
            stored = row(counter, "SELECT cancel_reason FROM payments")["cancel_reason"]
            assert stored == tidy
        else:
            with pytest.raises(InvalidInput) as caught:
                cancel_receipt(counter, paid.receipt_no, reason=reason, supervisor_id=SUPERVISOR)
            assert caught.value.field == "reason"


def test_decimal_rupees_are_not_paise() -> None:
    with fresh_counter() as counter, pytest.raises(InvalidInput):
        record_payment(counter, upi(Decimal("500.00")))
