"""Relief-scheme registration: the fee receipt and the registration in one transaction,
Aadhaar kept only masked, and every refusal writing nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.scheme import SchemeRequest, quote_for, register_scheme
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import (
    AADHAAR,
    AADHAAR_BAD_CHECK,
    OPERATOR,
    FixedClock,
    cache,
    cash,
    count,
    database_bytes,
    db_state,
    events,
    refused_by,
    row,
    upi,
)

FEE = 2_000_00


def scheme_request(**changes: Any) -> SchemeRequest:
    data: dict[str, Any] = {
        "discom": "MVVNL",
        "account_no": ACCOUNT,
        "option": "lump_sum",
        "id_proof_type": "aadhaar",
        "id_proof_number": AADHAAR,
        "mobile": "9876543210",
        "operator_id": OPERATOR,
    }
    return SchemeRequest(**(data | changes))


def fee_by_cash() -> PaymentRequest:
    # The amount, account and operator are set by the service; only the mode counts here.
    return cash(1, tendered=FEE, account_no="0000000000", operator_id="ignored")


def refused(
    counter: Counter,
    request: SchemeRequest,
    error: type[Exception] = InvalidInput,
    field: str | None = None,
    fee: PaymentRequest | None = None,
) -> Exception:
    payment = fee or fee_by_cash()
    return refused_by(counter, lambda: register_scheme(counter, request, payment), error, field)


def test_an_eligible_consumer_registers_with_the_fee_in_one_transaction(
    counter: Counter, consumer: str, wakes: list[datetime]
) -> None:
    result = register_scheme(counter, scheme_request(), fee_by_cash())

    assert result.local_no == "CSC-0001-R20260110-0001"
    assert result.option.option == "lump_sum"
    # Phase 2 (January 2026): 20% off the principal (current Rs 1,500 + arrears Rs 20,000),
    # the Rs 10,000 surcharge waived in full.
    assert result.option.rebate_percent == Decimal("20")
    assert result.option.payable_paise == 17_200_00
    assert result.option.registration_fee_paise == FEE

    receipt = result.fee_receipt
    assert receipt is not None
    assert receipt.receipt_no == "CSC-0001-20260110-00001"
    assert (receipt.amount_paise, receipt.change_paise, receipt.mode) == (FEE, 0, "cash")
    payment = row(counter, "SELECT * FROM payments")
    assert (payment["purpose"], payment["amount_paise"]) == ("scheme_fee", FEE)
    assert (payment["account_no"], payment["operator_id"]) == (ACCOUNT, OPERATOR)

    registration = row(counter, "SELECT * FROM scheme_registrations")
    assert registration["local_no"] == result.local_no
    assert registration["event_id"] == result.event_id
    assert registration["fee_receipt_no"] == receipt.receipt_no
    assert (registration["scheme_code"], registration["case_type"]) == ("BBRY-2025-26", "normal")
    assert (registration["option"], registration["fee_paise"]) == ("lump_sum", FEE)
    assert registration["payable_paise"] == 17_200_00
    assert registration["registered_on"] == "2026-01-10"
    assert registration["id_proof_type"] == "aadhaar"
    assert registration["id_proof_ref"] == "XXXX XXXX 9056"

    kinds = [e["type"] for e in events(counter)]
    assert kinds == ["payment.recorded", "scheme.registered"]
    [fee_event, registered] = events(counter)
    assert fee_event["payload"]["purpose"] == "scheme_fee"
    assert fee_event["event_id"] == receipt.event_id
    assert registered["event_id"] == result.event_id
    assert registered["payload"]["registration_no"] == result.local_no
    assert registered["payload"]["id_proof_ref"] == "XXXX XXXX 9056"
    assert registered["payload"]["payable_paise"] == 17_200_00
    actions = [r[0] for r in counter.conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["payment.scheme_fee", "scheme.registered"]
    assert wakes == [counter.now()]  # one commit for both


def test_the_fee_may_be_paid_by_upi(counter: Counter, consumer: str) -> None:
    result = register_scheme(counter, scheme_request(), upi(1, utr="998877665544"))
    assert result.fee_receipt is not None
    assert result.fee_receipt.mode == "upi"
    assert row(counter, "SELECT reference FROM payments")["reference"] == "998877665544"


def test_an_instalment_option_is_registered(counter: Counter, consumer: str) -> None:
    result = register_scheme(counter, scheme_request(option="emi_750"), fee_by_cash())
    assert result.option.option == "emi_750"
    assert result.option.monthly_instalment_paise == 750_00
    assert row(counter, "SELECT option FROM scheme_registrations")["option"] == "emi_750"


def test_the_fee_does_not_count_as_a_second_bill_payment(counter: Counter, consumer: str) -> None:
    record_payment(counter, cash(1_000_00))
    register_scheme(counter, scheme_request(), fee_by_cash())
    assert count(counter, "payments") == 2


def test_a_failure_inside_the_transaction_undoes_the_fee_too(
    counter: Counter, consumer: str, monkeypatch: pytest.MonkeyPatch, wakes: list[datetime]
) -> None:
    before = db_state(counter)

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr("kiosk.services.scheme.audit", broken)
        with pytest.raises(RuntimeError):
            register_scheme(counter, scheme_request(), fee_by_cash())
    assert db_state(counter) == before
    assert wakes == []
    result = register_scheme(counter, scheme_request(), fee_by_cash())
    assert result.fee_receipt is not None
    assert result.fee_receipt.receipt_no == "CSC-0001-20260110-00001"
    assert result.local_no == "CSC-0001-R20260110-0001"


@pytest.mark.parametrize("typed", [AADHAAR, "8745 1236 9056", "8745-1236-9056"])
def test_aadhaar_is_stored_only_masked(counter: Counter, consumer: str, typed: str) -> None:
    register_scheme(counter, scheme_request(id_proof_number=typed), fee_by_cash())
    counter.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    on_disk = database_bytes(counter)
    assert b"XXXX XXXX 9056" in on_disk
    for form in (AADHAAR, "8745 1236 9056", "8745-1236-9056", "87451236", "8745 1236"):
        assert form.encode() not in on_disk
    assert AADHAAR not in json.dumps(events(counter))


def test_aadhaar_is_absent_even_before_a_checkpoint(counter: Counter, consumer: str) -> None:
    register_scheme(counter, scheme_request(), fee_by_cash())
    assert AADHAAR.encode() not in database_bytes(counter)  # main file + WAL as written


def test_a_voter_id_is_stored_as_typed_but_tidied(counter: Counter, consumer: str) -> None:
    register_scheme(
        counter,
        scheme_request(id_proof_type="Voter_ID", id_proof_number="abc 1234567"),
        fee_by_cash(),
    )
    stored = row(counter, "SELECT id_proof_type, id_proof_ref FROM scheme_registrations")
    assert stored == {"id_proof_type": "voter_id", "id_proof_ref": "ABC1234567"}


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", [AADHAAR_BAD_CHECK, "12345", "", "8745123690a6", "0874512369056"]
)
def test_an_invalid_aadhaar_is_refused(counter: Counter, consumer: str, number: str) -> None:
    error = refused(counter, scheme_request(id_proof_number=number), field="aadhaar")
    if number:
        assert number not in str(error)


@pytest.mark.parametrize(
    ("kind", "number", "field"),
    [
        ("voter_id", "AB1234567", "voter id"),
        ("driving_licence", "12345", "driving licence"),
        ("pan", "ABCDE1234F", "id proof"),
        ("", AADHAAR, "id proof"),
    ],
)
def test_a_bad_id_proof_is_refused(
    counter: Counter, consumer: str, kind: str, number: str, field: str
) -> None:
    refused(counter, scheme_request(id_proof_type=kind, id_proof_number=number), field=field)


@pytest.mark.parametrize(
    ("category", "load"),
    [("lmv1-rural", "5"), ("lmv1-urban", "2.5"), ("lmv2-urban", "3"), ("lmv2-rural", "1.5")],
)
def test_an_ineligible_consumer_is_refused(counter: Counter, category: str, load: str) -> None:
    cache(counter, make_snapshot(category=category, load_kw=Decimal(load)))
    error = refused(counter, scheme_request(), field="eligibility")
    assert "kW" in str(error)


@pytest.mark.parametrize(("category", "load"), [("lmv2-urban", "1"), ("lmv1-urban", "1")])
def test_the_largest_eligible_loads_may_register(
    counter: Counter, category: str, load: str
) -> None:
    cache(counter, make_snapshot(category=category, load_kw=Decimal(load)))
    assert register_scheme(counter, scheme_request(), fee_by_cash()).local_no


def test_a_consumer_without_arrears_is_refused(counter: Counter) -> None:
    cache(counter, make_snapshot(bill=False))
    refused(counter, scheme_request(), field="eligibility")


@pytest.mark.parametrize(
    "when",
    [datetime(2025, 11, 30, 12, 0, tzinfo=UTC), datetime(2026, 3, 1, 6, 0, tzinfo=UTC)],
    ids=["before", "after"],
)
def test_registration_outside_the_scheme_dates_is_refused(
    counter: Counter, consumer: str, clock: FixedClock, when: datetime
) -> None:
    clock.set(when)
    refused(counter, scheme_request(), field="eligibility")


def test_the_phase_is_taken_by_the_day_in_india(
    counter: Counter, consumer: str, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 11, 30, 18, 30, tzinfo=UTC))  # midnight, 1 Dec 2025 in India
    result = register_scheme(counter, scheme_request(), fee_by_cash())
    assert result.option.rebate_percent == Decimal("25")
    assert result.local_no == "CSC-0001-R20251201-0001"


@pytest.mark.parametrize("option", ["emi_1000", "", "LUMP_SUM", "lump sum"])
def test_an_unknown_option_is_refused(counter: Counter, consumer: str, option: str) -> None:
    refused(counter, scheme_request(option=option), field="option")


@pytest.mark.parametrize("case", ["theft", "rc"])
@pytest.mark.parametrize("notice", [None, "", "   "])
def test_theft_and_rc_cases_need_the_notice_number(
    counter: Counter, consumer: str, case: str, notice: str | None
) -> None:
    # A theft case is quoted on the notice's assessment; an RC case may use the bill.
    assessment = 50_000_00 if case == "theft" else None
    request = scheme_request(case=case, notice_no=notice, principal_paise=assessment)
    refused(counter, request, field="notice number")


def test_a_theft_case_with_its_notice_registers(counter: Counter, consumer: str) -> None:
    result = register_scheme(
        counter,
        scheme_request(
            case="theft",
            notice_no=" TH/2025/118 ",
            principal_paise=50_000_00,
            surcharge_paise=0,
            compounding_fee_paise=5_000_00,
        ),
        cash(1),
    )
    # Theft: the fee is the higher of Rs 2,000 and 10% of the assessment.
    assert result.fee_receipt is not None
    assert result.fee_receipt.amount_paise == 5_000_00
    stored = row(counter, "SELECT case_type, notice_no, fee_paise FROM scheme_registrations")
    assert stored == {"case_type": "theft", "notice_no": "TH/2025/118", "fee_paise": 5_000_00}


def test_an_unknown_case_is_refused(counter: Counter, consumer: str) -> None:
    refused(counter, scheme_request(case="fraud"), field="case")


def test_a_consumer_not_in_the_cache_is_not_found(counter: Counter) -> None:
    refused(counter, scheme_request(), NotFound)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mobile": "12345"}, "mobile"),
        ({"mobile": ""}, "mobile"),
        ({"discom": "PVVNL"}, "discom"),
        ({"account_no": "12"}, "account number"),
        ({"operator_id": "x y"}, "operator"),
    ],
)
def test_bad_registration_details_are_refused(
    counter: Counter, consumer: str, changes: dict[str, Any], field: str
) -> None:
    refused(counter, scheme_request(**changes), field=field)


def test_a_bad_fee_payment_refuses_the_whole_registration(counter: Counter, consumer: str) -> None:
    refused(counter, scheme_request(), field="UPI reference", fee=upi(1, utr="123"))
    refused(counter, scheme_request(), field="tendered", fee=cash(1, tendered=1_999_99))
    refused(counter, scheme_request(), field="mode", fee=cash(1, mode="barter"))


def test_the_quote_is_computed_without_writing(counter: Counter, consumer: str) -> None:
    before = db_state(counter)
    quote = quote_for(counter, scheme_request(), now=counter.now())
    assert quote.eligible
    assert quote.phase == 2
    assert [o.option for o in quote.options] == ["lump_sum", "emi_750", "emi_500"]
    assert db_state(counter) == before


def test_the_quote_uses_the_notice_figures_when_given(counter: Counter, consumer: str) -> None:
    quote = quote_for(
        counter,
        scheme_request(principal_paise=10_000_00, surcharge_paise=5_000_00),
        now=datetime(2026, 2, 10, 6, 0, tzinfo=UTC),
    )
    lump = quote.options[0]
    assert quote.registered_on == date(2026, 2, 10)
    assert (lump.rebate_paise, lump.waived_paise, lump.payable_paise) == (
        1_500_00,
        5_000_00,
        8_500_00,
    )


def test_a_consumer_already_registered_is_not_registered_again(
    counter: Counter, consumer: str
) -> None:
    first = register_scheme(counter, scheme_request(), fee_by_cash())
    error = refused(counter, scheme_request(option="emi_750"), field="account number")
    assert first.local_no in str(error)


def test_payments_since_the_bill_are_not_rebated_again(counter: Counter, consumer: str) -> None:
    before = quote_for(counter, scheme_request(), now=counter.now())
    record_payment(counter, upi(5_000_00, utr="112233445566"))
    after = quote_for(counter, scheme_request(), now=counter.now())
    [lump_before, *_] = before.options
    [lump_after, *_] = after.options
    assert lump_after.principal_paise == lump_before.principal_paise - 5_000_00
