"""Records and events refuse bad data, naming the field."""

import os
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kiosk.domain.events import (
    Envelope,
    ReceiptCancelled,
    make_envelope,
    new_event_id,
    read_payload,
)
from kiosk.domain.models import (
    COMPLAINT_CATEGORIES,
    Bill,
    Complaint,
    ConnectionRequest,
    Consumer,
    MeterReading,
    Payment,
    Recharge,
    SchemeRegistration,
)

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=IST)


def payment(**changes):
    data = {
        "receipt_no": "CSC-LKO-0001-20261122-00001",
        "account_no": "1234567890",
        "discom": "MVVNL",
        "amount_paise": 123450,
        "details": {"mode": "cash", "tendered_paise": 200000},
        "recorded_at": NOW,
        "operator_id": "op1",
    }
    return Payment(**{**data, **changes})


def errors_of(call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}


@pytest.mark.parametrize(
    ("details", "change"),
    [
        ({"mode": "cash", "tendered_paise": 200000}, 76550),
        ({"mode": "upi", "utr": "412345678901"}, 0),
        ({"mode": "cheque", "cheque_no": "004521", "bank": "SBI", "cheque_date": "2026-11-20"}, 0),
        ({"mode": "card", "pos_reference": "POS-88812"}, 0),
    ],
)
def test_payment_takes_each_mode_with_its_own_fields(details, change):
    p = payment(details=details)
    assert p.details.mode == details["mode"]
    assert p.change_paise == change


def test_payment_mode_fields_are_checked():
    errs = errors_of(payment, details={"mode": "upi", "utr": "12345"})
    assert errs == {"details.upi.utr": "must be 12 digits, got 5"}
    errs = errors_of(payment, details={"mode": "cheque", "cheque_no": "12", "bank": "SBI",
                                       "cheque_date": "2026-11-20"})  # fmt: skip
    assert errs == {"details.cheque.cheque_no": "must be 6 digits, got 2"}
    assert "details" in errors_of(payment, details={"mode": "barter"})


def test_cash_tendered_must_cover_the_amount():
    errs = errors_of(payment, details={"mode": "cash", "tendered_paise": 100000})
    assert list(errs.values()) == ["details.tendered_paise: cash tendered is less than the amount"]


@pytest.mark.parametrize("bad", [1234.5, "123450", 0, -100, True])
def test_money_fields_take_only_positive_whole_paise(bad):
    assert "amount_paise" in errors_of(payment, amount_paise=bad)


def test_payment_time_must_carry_a_timezone():
    assert "recorded_at" in errors_of(payment, recorded_at=datetime(2026, 11, 22, 10, 30))


def test_consumer_checks_identifiers_by_field():
    errs = errors_of(
        Consumer,
        account_no="12AB",
        discom="MVVNL",
        name="Ram Lal",
        address="Chinhat",
        mobile="12345",
        category="lmv3",
        load_kw=0,
        meter_type="postpaid",
    )
    assert set(errs) == {"account_no", "mobile", "category", "load_kw"}
    assert errs["mobile"] == "must be 10 digits, got 5"


def test_bill_due_date_and_total():
    bill = Bill(account_no="1234567890", bill_no="B1", month=date(2026, 10, 1), units=120,
                current_paise=90000, arrears_paise=5000, surcharge_paise=100,
                issued_on=date(2026, 11, 1), due_on=date(2026, 11, 15))  # fmt: skip
    assert bill.due_paise == 95100
    with pytest.raises(ValidationError, match="due_on: must not be before issued_on"):
        Bill.model_validate({**bill.model_dump(), "due_on": date(2026, 10, 1)})


def registration(**changes):
    data = {
        "account_no": "1234567890",
        "scheme_code": "BBRY-2025-26",
        "case": "normal",
        "option": "lump_sum",
        "id_proof_type": "aadhaar",
        "id_proof_ref": "XXXX XXXX 2346",
        "mobile": "9876543210",
        "registration_fee_paise": 200000,
        "payable_paise": 1500000,
        "registered_on": date(2025, 12, 15),
    }
    return SchemeRegistration(**{**data, **changes})


def test_registration_never_holds_a_full_aadhaar():
    assert registration().id_proof_ref == "XXXX XXXX 2346"
    with pytest.raises(ValidationError, match="store Aadhaar only as XXXX XXXX 1234"):
        registration(id_proof_ref="234123412346")
    assert registration(id_proof_type="voter_id", id_proof_ref="ABC1234567")


def test_theft_and_rc_registrations_need_the_notice():
    with pytest.raises(ValidationError, match="notice_no: is required"):
        registration(case="theft")
    assert registration(case="rc", notice_no="RC/2025/118").notice_no == "RC/2025/118"


def test_registration_needs_a_mobile():
    assert "mobile" in errors_of(registration, mobile="")


def test_connection_request_masks_aadhaar_and_checks_pincode():
    good = {
        "applicant_name": "Sita Devi", "mobile": "9876543210", "address": "Village Rampur",
        "pincode": "226028", "category": "lmv1-rural", "load_kw": 1,
        "id_proof_type": "aadhaar", "id_proof_ref": "XXXX XXXX 2346", "recorded_at": NOW,
    }  # fmt: skip
    assert ConnectionRequest(**good).pincode == "226028"
    assert "pincode" in errors_of(ConnectionRequest, **{**good, "pincode": "026028"})
    with pytest.raises(ValidationError, match="XXXX XXXX 1234"):
        ConnectionRequest(**{**good, "id_proof_ref": "234123412346"})


def test_complaint_categories_and_fields():
    assert "no_supply" in COMPLAINT_CATEGORIES and "meter_fault" in COMPLAINT_CATEGORIES
    c = Complaint(category="voltage", description="Low voltage every evening",
                  mobile="+91 98765 43210", recorded_at=NOW)  # fmt: skip
    assert c.mobile == "9876543210" and c.status == "open"
    assert set(errors_of(Complaint, category="aliens", description="x", mobile="1",
                         recorded_at=NOW)) == {"category", "description", "mobile"}  # fmt: skip


def test_reading_and_recharge_limits():
    assert "reading_kwh" in errors_of(MeterReading, account_no="1234567890", reading_kwh=-1,
                                      read_on=date(2026, 11, 1), recorded_at=NOW)  # fmt: skip
    assert "photo_sha256" in errors_of(MeterReading, account_no="1234567890", reading_kwh=5,
                                       read_on=date(2026, 11, 1), recorded_at=NOW,
                                       photo_sha256="nothex")  # fmt: skip
    assert "amount_paise" in errors_of(Recharge, account_no="1234567890", amount_paise=0,
                                       receipt_no="R1", recorded_at=NOW)  # fmt: skip


def test_event_envelope_round_trips_its_payload():
    p = payment()
    env = make_envelope(p, now=NOW, entropy=os.urandom(10), counter_id="CSC-1", operator_id="op1")
    assert env.type == "payment.recorded"
    wire = Envelope.model_validate_json(env.model_dump_json())
    assert read_payload(wire) == p
    cancel = ReceiptCancelled(receipt_no=p.receipt_no, reason="wrong account",
                              supervisor_id="sup1", cancelled_at=NOW)  # fmt: skip
    env2 = make_envelope(cancel, now=NOW, entropy=os.urandom(10), counter_id="C", operator_id="s")
    assert env2.type == "receipt.cancelled"


def test_envelope_refuses_unknown_types_and_bad_payloads():
    env = make_envelope(payment(), now=NOW, entropy=bytes(10), counter_id="C", operator_id="o")
    with pytest.raises(ValueError, match="unknown event type"):
        read_payload(env.model_copy(update={"type": "payment.teleported"}))
    broken = env.model_copy(update={"payload": {**env.payload, "amount_paise": "lots"}})
    with pytest.raises(ValidationError, match="amount_paise"):
        read_payload(broken)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                 timezones=st.just(UTC)),
    st.binary(min_size=10, max_size=10),
    st.binary(min_size=10, max_size=10),
)  # fmt: skip
def test_event_ids_are_uuid7_and_sort_by_time(moment, entropy_a, entropy_b):
    a = new_event_id(moment, entropy_a)
    later = new_event_id(moment + timedelta(milliseconds=1), entropy_b)
    assert a.version == 7 and a.variant == "specified in RFC 4122"
    assert a < later
    assert int(a.hex[:12], 16) == int(moment.timestamp() * 1000)


def test_event_id_needs_an_aware_time_and_entropy():
    with pytest.raises(ValueError, match="timezone-aware"):
        new_event_id(datetime(2026, 1, 1), bytes(10))
    with pytest.raises(ValueError, match="10 bytes"):
        new_event_id(NOW, b"short")


def test_validation_errors_never_carry_the_full_aadhaar():
    full = "234123412346"
    with pytest.raises(ValidationError) as caught:
        registration(id_proof_ref=full)
    assert full not in str(caught.value)
    # errors() still holds the input for code that asks: log only errors(include_input=False)
    assert all(full not in repr(e) for e in caught.value.errors(include_input=False))
