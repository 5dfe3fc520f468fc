"""Taking money: every mode, the receipt numbering, and every refusal writing nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import MAX_PAISE
from kiosk.services.counter import Counter
from kiosk.services.errors import NeedsConfirmation, NotAllowed
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.recording import GENESIS_HASH, audit_hash
from tests.services.factories import ACCOUNT, DUE, make_bill, make_snapshot
from tests.services.support import (
    OPERATOR,
    TODAY,
    FixedClock,
    add_staff,
    cache,
    card,
    cash,
    cheque,
    count,
    db_state,
    disable_staff,
    events,
    refused_by,
    row,
    upi,
)


def refused(
    counter: Counter,
    request: PaymentRequest,
    error: type[Exception] = InvalidInput,
    field: str | None = None,
    **options: Any,
) -> Exception:
    """Assert the payment is refused with ``error`` (naming ``field``) and writes nothing."""
    return refused_by(counter, lambda: record_payment(counter, request, **options), error, field)


# --- each mode --------------------------------------------------------------------------


def test_cash_payment_writes_the_payment_its_event_and_its_audit_row(
    counter: Counter, consumer: str, wakes: list[datetime]
) -> None:
    result = record_payment(counter, cash(1_250_00, tendered=2_000_00))

    assert result.receipt_no == "CSC-0001-20260110-00001"
    assert result.change_paise == 750_00
    assert (result.mode, result.discom, result.account_no) == ("cash", "MVVNL", ACCOUNT)
    payment = row(counter, "SELECT * FROM payments")
    assert payment["receipt_no"] == result.receipt_no
    assert payment["event_id"] == result.event_id
    assert payment["amount_paise"] == 1_250_00
    assert (payment["tendered_paise"], payment["change_paise"]) == (2_000_00, 750_00)
    assert (payment["mode"], payment["purpose"], payment["status"]) == ("cash", "bill", "active")
    assert payment["day"] == "2026-01-10"
    assert payment["bill_no"] == f"B{ACCOUNT}-2512"  # taken from the cached bill
    assert payment["counter_id"] == "CSC-0001"
    assert payment["operator_id"] == OPERATOR
    assert payment["shift_id"] is not None

    [event] = events(counter)
    assert event["event_id"] == result.event_id
    assert event["type"] == "payment.recorded"
    assert (event["counter_id"], event["operator_id"]) == ("CSC-0001", OPERATOR)
    assert event["payload"]["receipt_no"] == result.receipt_no
    assert event["payload"]["amount_paise"] == 1_250_00
    assert event["payload"]["details"] == {"mode": "cash", "tendered_paise": 2_000_00}
    assert event["payload"]["purpose"] == "bill"

    audit = row(counter, "SELECT * FROM audit_log")
    assert (audit["action"], audit["ref"], audit["operator_id"]) == (
        "payment.bill",
        result.receipt_no,
        OPERATOR,
    )
    assert json.loads(audit["detail"]) == {"amount_paise": 1_250_00, "mode": "cash"}
    assert count(counter, "payments") == count(counter, "outbox") == 1
    assert wakes == [counter.now()]  # the sync engine is woken once, after the commit


def test_cash_without_a_tendered_amount_means_exact_money(counter: Counter) -> None:
    result = record_payment(counter, cash(500_00))
    assert result.change_paise == 0
    assert row(counter, "SELECT tendered_paise FROM payments")["tendered_paise"] == 500_00


def test_upi_payment_keeps_the_utr_as_its_reference(counter: Counter) -> None:
    result = record_payment(counter, upi(2_000_00, utr="4123 4567 8901"))
    payment = row(counter, "SELECT * FROM payments")
    assert (result.mode, result.change_paise) == ("upi", 0)
    assert payment["reference"] == "412345678901"
    assert payment["tendered_paise"] is None
    assert json.loads(payment["details"]) == {"mode": "upi", "utr": "412345678901"}
    assert events(counter)[0]["payload"]["details"] == {"mode": "upi", "utr": "412345678901"}


def test_cheque_payment_keeps_number_bank_and_date(counter: Counter) -> None:
    record_payment(counter, cheque(5_000_00, number="004512", bank="  Punjab   National Bank "))
    payment = row(counter, "SELECT * FROM payments")
    assert payment["mode"] == "cheque"
    assert payment["reference"] == "004512"
    assert json.loads(payment["details"]) == {
        "mode": "cheque",
        "cheque_no": "004512",
        "bank": "Punjab National Bank",
        "cheque_date": "2026-01-08",
    }


def test_card_payment_keeps_the_pos_reference(counter: Counter) -> None:
    record_payment(counter, card(3_000_00, ref="  AB12-9981 "))
    payment = row(counter, "SELECT * FROM payments")
    assert (payment["mode"], payment["reference"]) == ("card", "AB12-9981")
    assert json.loads(payment["details"]) == {"mode": "card", "pos_reference": "AB12-9981"}


def test_receipt_numbers_run_gap_free_across_modes_and_consumers(counter: Counter) -> None:
    requests = [
        cash(200_00),
        upi(300_00, utr="111111111111"),
        cheque(400_00, account_no="2222222222"),
        card(500_00, account_no="3333333333"),
        cash(600_00, discom="DVVNL"),
    ]
    numbers = [record_payment(counter, r, confirm_second=True).receipt_no for r in requests]
    assert numbers == [f"CSC-0001-20260110-{n:05d}" for n in range(1, 6)]
    stored = [r[0] for r in counter.conn.execute("SELECT receipt_no FROM payments ORDER BY id")]
    assert stored == numbers


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (datetime(2026, 1, 10, 18, 29, 59, tzinfo=UTC), "20260110"),  # 23:59:59 IST
        (datetime(2026, 1, 10, 18, 30, tzinfo=UTC), "20260111"),  # midnight IST
        (datetime(2026, 1, 10, 20, 0, tzinfo=UTC), "20260111"),  # 01:30 IST next day
        (datetime(2026, 1, 10, 1, 0, tzinfo=UTC), "20260110"),  # 06:30 IST
    ],
)
def test_the_receipt_day_is_the_day_in_india(
    counter: Counter, clock: FixedClock, utc: datetime, day: str
) -> None:
    clock.set(utc)
    result = record_payment(counter, cash(500_00))
    assert result.receipt_no == f"CSC-0001-{day}-00001"
    iso = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    assert row(counter, "SELECT day FROM payments")["day"] == iso


def test_a_clock_in_another_zone_still_numbers_by_the_indian_day(
    counter: Counter, clock: FixedClock
) -> None:
    from datetime import timezone

    new_york = timezone(timedelta(hours=-5))
    clock.set(datetime(2026, 1, 10, 15, 0, tzinfo=new_york))  # 20:00 UTC, 01:30 IST on the 11th
    assert record_payment(counter, cash(500_00)).receipt_no == "CSC-0001-20260111-00001"
    assert row(counter, "SELECT recorded_at FROM payments")["recorded_at"].endswith("+00:00")


def test_numbering_starts_again_each_indian_day(counter: Counter, clock: FixedClock) -> None:
    first = record_payment(counter, cash(500_00)).receipt_no
    second = record_payment(counter, cash(500_00, account_no="2222222222")).receipt_no
    clock.set(datetime(2026, 1, 10, 18, 30, tzinfo=UTC))
    third = record_payment(counter, cash(500_00, account_no="3333333333")).receipt_no
    assert [first, second, third] == [
        "CSC-0001-20260110-00001",
        "CSC-0001-20260110-00002",
        "CSC-0001-20260111-00001",
    ]


def test_audit_rows_form_a_hash_chain(counter: Counter) -> None:
    for n, account in enumerate(("1111111111", "2222222222", "3333333333"), start=1):
        record_payment(counter, cash(100_00 * n, account_no=account))
    rows = counter.conn.execute(
        "SELECT at, operator_id, action, ref, detail, prev_hash, hash FROM audit_log ORDER BY id"
    ).fetchall()
    assert len(rows) == 3
    prev = GENESIS_HASH
    for at, operator_id, action, ref, detail, prev_hash, digest in rows:
        assert prev_hash == prev
        assert digest == audit_hash(prev, at, operator_id, action, ref, detail)
        prev = digest


def test_every_event_id_is_unique_and_time_ordered(counter: Counter, clock: FixedClock) -> None:
    ids = []
    for account in ("1111111111", "2222222222", "3333333333"):
        ids.append(record_payment(counter, cash(100_00, account_no=account)).event_id)
        clock.advance(seconds=1)
    assert len(set(ids)) == 3
    assert ids == sorted(ids)


# --- refusals: amount -------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [0, -1, -500_00, 500.0, 500.5, True, False, MAX_PAISE + 1, "50000", None],
    ids=[
        "zero",
        "minus-1",
        "negative",
        "float",
        "float-fraction",
        "true",
        "false",
        "above-max",
        "text",
        "none",
    ],
)
def test_a_bad_amount_is_refused_and_nothing_is_written(counter: Counter, amount: Any) -> None:
    refused(counter, cash(amount), field="amount")
    refused(counter, upi(amount), field="amount")


def test_the_largest_amount_is_accepted_by_a_non_cash_mode(counter: Counter) -> None:
    assert record_payment(counter, upi(MAX_PAISE)).amount_paise == MAX_PAISE


@pytest.mark.parametrize("tendered", [499_99, 0, -1, 600.0, True, "1000", MAX_PAISE + 1], ids=str)
def test_bad_cash_tendered_is_refused(counter: Counter, tendered: Any) -> None:
    refused(counter, cash(500_00, tendered=tendered), field="tendered")


# --- refusals: who, where, which account ------------------------------------------------


@pytest.mark.parametrize("discom", ["PVVNL", "KESCO", "", "  ", "MVVNL-X"])
def test_a_discom_this_counter_does_not_serve_is_refused(counter: Counter, discom: str) -> None:
    refused(counter, cash(500_00, discom=discom), field="discom")


@pytest.mark.parametrize(
    "account", ["", "12345", "123456789012", "12345abcde", "１２３４５６７８９０", "12345678901"]
)
def test_a_bad_account_number_is_refused(counter: Counter, account: str) -> None:
    refused(counter, cash(500_00, account_no=account), field="account number")


@pytest.mark.parametrize("operator", ["", "  ", "bad id", "OP1!", "x" * 21, "-OP1", "ओपी"])
def test_a_malformed_operator_id_is_refused(counter: Counter, operator: str) -> None:
    refused(counter, cash(500_00, operator_id=operator), field="operator")


def test_a_disabled_operator_may_not_take_money(counter: Counter) -> None:
    add_staff(counter, "OP9")
    disable_staff(counter, "OP9")
    refused(counter, cash(500_00, operator_id="OP9"), NotAllowed)


@pytest.mark.parametrize("mode", ["bitcoin", "", "neft", "cash "])
def test_an_unknown_mode_is_refused(counter: Counter, mode: str) -> None:
    request = cash(500_00, mode=mode)
    if mode.strip() == "cash":  # surrounding spaces are forgiven
        assert record_payment(counter, request).mode == "cash"
    else:
        refused(counter, request, field="mode")


def test_mode_is_case_insensitive(counter: Counter) -> None:
    assert record_payment(counter, upi(500_00, mode="UPI")).mode == "upi"


# --- refusals: UPI ----------------------------------------------------------------------


@pytest.mark.parametrize("utr", ["", "12345", "1234567890123", "41234567890a", "४१२३४५६७८९०१"])
def test_a_bad_utr_is_refused(counter: Counter, utr: str) -> None:
    refused(counter, upi(500_00, utr=utr), field="UPI reference")


def test_a_missing_utr_is_refused(counter: Counter) -> None:
    refused(counter, upi(500_00, utr=None), field="UPI reference")  # type: ignore[arg-type]


def test_the_same_utr_twice_is_refused(counter: Counter) -> None:
    first = record_payment(counter, upi(500_00, utr="412345678901"))
    error = refused(
        counter,
        upi(500_00, utr="4123-4567-8901", account_no="2222222222"),
        field="UPI reference",
    )
    assert first.receipt_no in str(error)


# --- refusals: cheque -------------------------------------------------------------------


def test_a_post_dated_cheque_is_refused(counter: Counter) -> None:
    refused(counter, cheque(500_00, on=TODAY + timedelta(days=1)), field="cheque date")


def test_a_cheque_dated_today_in_india_is_not_post_dated(
    counter: Counter, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 1, 10, 20, 0, tzinfo=UTC))  # already 11 Jan in India
    record_payment(counter, cheque(500_00, on=date(2026, 1, 11)))


def test_a_stale_cheque_is_refused_and_one_at_the_limit_is_taken(counter: Counter) -> None:
    limit = counter.settings.payments.cheque_max_age_days
    refused(counter, cheque(500_00, on=TODAY - timedelta(days=limit + 1)), field="cheque date")
    record_payment(counter, cheque(500_00, on=TODAY - timedelta(days=limit)))


def test_a_shorter_configured_cheque_age_is_obeyed(counter_with: Any) -> None:
    counter = counter_with(payments={"cheque_max_age_days": 30})
    refused(counter, cheque(500_00, on=TODAY - timedelta(days=31)), field="cheque date")
    record_payment(counter, cheque(500_00, on=TODAY - timedelta(days=30)))


@pytest.mark.parametrize("bank", ["", "   ", None])
def test_a_cheque_without_a_bank_is_refused(counter: Counter, bank: Any) -> None:
    refused(counter, cheque(500_00, bank=bank), field="bank")


def test_a_cheque_without_a_date_is_refused(counter: Counter) -> None:
    refused(counter, cheque(500_00, on=None), field="cheque date")


@pytest.mark.parametrize("number", ["", "12", "1234567", "12a456"])
def test_a_bad_cheque_number_is_refused(counter: Counter, number: str) -> None:
    refused(counter, cheque(500_00, number=number), field="cheque number")


def test_cheques_are_refused_when_the_counter_does_not_take_them(counter_with: Any) -> None:
    counter = counter_with(payments={"cheques_accepted": False})
    refused(counter, cheque(500_00), field="mode")
    record_payment(counter, cash(500_00))  # other modes still work


def test_a_disconnected_consumer_may_not_pay_by_cheque(counter: Counter) -> None:
    cache(counter, make_snapshot(ACCOUNT, status="disconnected"))
    refused(counter, cheque(500_00), field="mode")
    assert record_payment(counter, cash(500_00)).mode == "cash"


# --- refusals: card ---------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["", "abc", "POS 1234", "POS#1234", "x" * 33, None])
def test_a_bad_card_reference_is_refused(counter: Counter, ref: Any) -> None:
    refused(counter, card(500_00, ref=ref), field="card reference")


# --- part payments ----------------------------------------------------------------------


def test_a_part_payment_below_the_minimum_is_refused(counter: Counter, consumer: str) -> None:
    error = refused(counter, cash(99_99), field="amount")
    assert "₹100.00" in str(error)
    record_payment(counter, cash(100_00))


def test_below_the_minimum_is_refused_for_a_consumer_not_in_the_cache(counter: Counter) -> None:
    refused(counter, upi(50_00), field="amount")


def test_paying_everything_due_below_the_minimum_is_allowed(counter: Counter) -> None:
    cache(
        counter,
        make_snapshot(
            ACCOUNT, bill=make_bill(current_paise=60_00, arrears_paise=0, surcharge_paise=0)
        ),
    )
    refused(counter, cash(59_99), field="amount")
    assert record_payment(counter, cash(60_00)).amount_paise == 60_00


def test_a_small_remainder_after_earlier_payments_may_be_cleared(counter: Counter) -> None:
    cache(counter, make_snapshot(ACCOUNT))
    record_payment(counter, upi(DUE - 40_00))
    record_payment(counter, cash(40_00), confirm_second=True)
    assert count(counter, "payments") == 2


def test_a_configured_minimum_is_obeyed(counter_with: Any) -> None:
    counter = counter_with(payments={"minimum_partial": "500"})
    refused(counter, cash(499_99), field="amount")
    record_payment(counter, cash(500_00))


# --- s.269ST ----------------------------------------------------------------------------


def test_cash_of_two_lakh_in_one_payment_is_refused(counter: Counter) -> None:
    error = refused(counter, cash(2_00_000_00), field="amount")
    assert "269ST" in str(error)
    record_payment(counter, cash(1_99_999_99))


def test_cash_adding_up_to_two_lakh_in_a_day_is_refused(counter: Counter) -> None:
    record_payment(counter, cash(1_50_000_00))
    refused(counter, cash(50_000_00), field="amount", confirm_second=True)
    record_payment(counter, cash(49_999_99), confirm_second=True)
    refused(counter, cash(1_00), field="amount", confirm_second=True)


def test_the_cash_limit_counts_per_consumer_and_per_indian_day(
    counter: Counter, clock: FixedClock
) -> None:
    record_payment(counter, cash(1_50_000_00))
    record_payment(counter, cash(1_50_000_00, account_no="2222222222"))
    record_payment(counter, cash(1_50_000_00, discom="DVVNL"))
    clock.set(datetime(2026, 1, 10, 18, 30, tzinfo=UTC))  # midnight in India
    record_payment(counter, cash(1_50_000_00))


@pytest.mark.parametrize("make", [upi, cheque, card])
def test_other_modes_are_not_limited_by_269st(counter: Counter, make: Any) -> None:
    record_payment(counter, cash(1_99_000_00))
    assert record_payment(counter, make(5_00_000_00), confirm_second=True).amount_paise


def test_cancelled_cash_does_not_count_towards_the_limit(counter: Counter, supervisor: str) -> None:
    from kiosk.services.payments import cancel_receipt

    first = record_payment(counter, cash(1_50_000_00))
    refused(counter, cash(1_00_000_00), field="amount", confirm_second=True)
    cancel_receipt(counter, first.receipt_no, reason="wrong account", supervisor_id=supervisor)
    record_payment(counter, cash(1_00_000_00))


def test_a_lower_configured_cash_limit_is_obeyed(counter_with: Any) -> None:
    counter = counter_with(payments={"cash_limit_per_day": "50,000"})
    refused(counter, cash(50_000_00), field="amount")
    record_payment(counter, cash(49_999_99))
    refused(counter, cash(1_00), field="amount", confirm_second=True)
    record_payment(counter, upi(50_000_00), confirm_second=True)


def test_the_cash_limit_counts_the_amount_not_the_notes_handed_over(counter: Counter) -> None:
    result = record_payment(counter, cash(1_99_999_00, tendered=2_00_500_00))
    assert result.change_paise == 501_00


# --- second payment the same day --------------------------------------------------------


def test_a_second_payment_the_same_day_needs_confirmation(counter: Counter) -> None:
    first = record_payment(counter, cash(500_00))
    error = refused(counter, upi(700_00), NeedsConfirmation)
    assert isinstance(error, NeedsConfirmation)
    assert error.earlier == (first.receipt_no,)
    assert first.receipt_no in error.message

    second = record_payment(counter, upi(700_00), confirm_second=True)
    assert second.receipt_no == "CSC-0001-20260110-00002"
    assert count(counter, "payments") == 2


def test_the_confirmation_lists_every_earlier_receipt(counter: Counter) -> None:
    a = record_payment(counter, cash(500_00))
    b = record_payment(counter, cash(500_00), confirm_second=True)
    error = refused(counter, cash(500_00), NeedsConfirmation)
    assert isinstance(error, NeedsConfirmation)
    assert error.earlier == (a.receipt_no, b.receipt_no)


def test_no_confirmation_for_another_consumer_or_another_day(
    counter: Counter, clock: FixedClock
) -> None:
    record_payment(counter, cash(500_00))
    record_payment(counter, cash(500_00, account_no="2222222222"))
    record_payment(counter, cash(500_00, discom="DVVNL"))  # same number, other discom
    clock.set(datetime(2026, 1, 10, 18, 30, tzinfo=UTC))
    record_payment(counter, cash(500_00))


def test_a_cancelled_payment_needs_no_confirmation(counter: Counter, supervisor: str) -> None:
    from kiosk.services.payments import cancel_receipt

    first = record_payment(counter, cash(500_00))
    cancel_receipt(counter, first.receipt_no, reason="wrong amount", supervisor_id=supervisor)
    record_payment(counter, cash(600_00))


def test_an_invalid_second_payment_is_refused_for_what_is_wrong(counter: Counter) -> None:
    record_payment(counter, cash(500_00))
    refused(counter, upi(500_00, utr="1"), field="UPI reference")


# --- one transaction --------------------------------------------------------------------


def test_a_failure_inside_the_transaction_undoes_everything(
    counter: Counter, monkeypatch: pytest.MonkeyPatch, wakes: list[datetime]
) -> None:
    kept = record_payment(counter, cash(500_00, account_no="1111111111"))
    wakes.clear()
    before = db_state(counter)

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("disk unplugged")

    with monkeypatch.context() as patch:
        patch.setattr("kiosk.services.payments.audit", broken)
        with pytest.raises(RuntimeError, match="disk unplugged"):
            record_payment(counter, cash(500_00))
    assert db_state(counter) == before
    assert wakes == []
    assert not counter.conn.in_transaction

    # The receipt number was not spent: the next payment takes it.
    assert kept.receipt_no.endswith("-00001")
    assert record_payment(counter, cash(500_00)).receipt_no == "CSC-0001-20260110-00002"


def test_a_failure_in_the_first_payment_leaves_no_shift_or_number(
    counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr("kiosk.services.payments.audit", broken)
        with pytest.raises(RuntimeError):
            record_payment(counter, cash(500_00))
    assert count(counter, "shifts") == count(counter, "number_sequences") == 0
    assert record_payment(counter, cash(500_00)).receipt_no == "CSC-0001-20260110-00001"


def test_payments_share_the_open_shift(counter: Counter) -> None:
    record_payment(counter, cash(500_00))
    record_payment(counter, cash(500_00, account_no="2222222222"))
    assert count(counter, "shifts") == 1
    assert count(counter, "payments", "shift_id = (SELECT id FROM shifts)") == 2


def test_a_naive_clock_is_refused_before_anything_is_written(
    counter: Counter, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 1, 10, 11, 30)
    before = db_state(counter)
    with pytest.raises(ValueError, match="timezone-aware"):
        record_payment(counter, cash(500_00))
    assert db_state(counter) == before
