"""The service entry points fed arbitrary strings and numbers: each records, or refuses with
InvalidInput naming a field (or a ServiceError saying why), and a refusal writes nothing.

tests/services/test_properties.py already fuzzes record_payment's amount and typed
identifiers and log_complaint's category, description and mobile; this adds every other
field of those two and the other entry points: record_reading, request_connection,
recharge and check_registration. Each example starts from a request that goes through and
spoils up to two of its fields with anything, so the checks deep in a service are reached,
not only the first one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidInput
from kiosk.services.complaints import ComplaintRequest, log_complaint
from kiosk.services.connections import ConnectionApplication, request_connection
from kiosk.services.counter import Counter
from kiosk.services.errors import ServiceError
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.readings import record_reading
from kiosk.services.recharge import recharge
from kiosk.services.scheme import SchemeRequest, check_registration
from tests.fuzz.profile import fuzz_settings
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import AADHAAR, OPERATOR, TODAY, cache, db_state, fresh_counter

text = st.text(st.characters(codec="utf-8"), max_size=24)
# Any value of the kind each field is declared with (a screen always passes text for a
# text field); the number fields also get text and None, the way a form could send them.
whole = st.integers(min_value=-(10**13), max_value=10**13)
number = st.one_of(whole, st.none(), text)
KINDS: dict[str, st.SearchStrategy[Any]] = {
    "amount_paise": number,
    "tendered_paise": number,
    "reading_kwh": number,
    # Declared int (the form parses them with parse_amount): text here is a programming
    # error the service does not promise to catch (a str surcharge raises TypeError).
    "principal_paise": st.one_of(whole, st.none()),
    "surcharge_paise": st.one_of(whole, st.none()),
    "compounding_fee_paise": whole,
    "load_kw": st.one_of(text, st.decimals()),
    "read_on": st.one_of(st.dates(), st.none()),
    "cheque_date": st.one_of(st.dates(), st.none()),
    "meter_change": st.booleans(),
    "notice_no": st.one_of(st.none(), text),
}


def spoiled(good: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``good`` with up to two of its fields replaced by any value of their kind."""
    bad = st.sampled_from(sorted(good)).flatmap(
        lambda name: st.tuples(st.just(name), KINDS.get(name, text))
    )
    return st.lists(bad, max_size=2).map(lambda pairs: good | dict(pairs))


def outcome(counter: Counter, action: Callable[[], Any]) -> Any:
    """``action()``, or None once its refusal is checked: a named field and nothing written."""
    before = db_state(counter)
    try:
        result = action()
    except InvalidInput as exc:
        assert exc.field.strip() and exc.message.strip(), repr(exc)
        event(f"refused: {exc.field}")  # --hypothesis-show-statistics shows the spread
    except ServiceError as exc:
        assert exc.message.strip()
        event(f"refused: {type(exc).__name__}")
    else:
        event("done")
        return result
    assert db_state(counter) == before
    return None


PAYMENT = {
    "discom": "MVVNL",
    "account_no": ACCOUNT,
    "amount_paise": 500_00,
    "mode": "upi",
    "operator_id": OPERATOR,
    "tendered_paise": None,
    "utr": "412345678901",
    "cheque_no": None,
    "bank": None,
    "cheque_date": None,
    "pos_reference": None,
    "bill_no": None,
}


@fuzz_settings(25)
@given(spoiled(PAYMENT))
def test_record_payment_any_field(fields: dict[str, Any]) -> None:
    with fresh_counter() as counter:
        result = outcome(counter, lambda: record_payment(counter, PaymentRequest(**fields)))
        if result is not None:
            assert result.amount_paise == fields["amount_paise"]


COMPLAINT = {
    "category": "billing",
    "description": "The bill shows twice the units",
    "mobile": "9876543210",
    "operator_id": OPERATOR,
    "discom": "MVVNL",
    "account_no": ACCOUNT,
    "location": "Hazratganj",
    "landmark": "near the post office",
}


@fuzz_settings(25)
@given(spoiled(COMPLAINT))
def test_log_complaint_any_field(fields: dict[str, Any]) -> None:
    with fresh_counter() as counter:
        outcome(counter, lambda: log_complaint(counter, ComplaintRequest(**fields)))


READING = {
    "discom": "MVVNL",
    "account_no": ACCOUNT,
    "reading_kwh": 1234,
    "read_on": TODAY - timedelta(days=1),
    "operator_id": OPERATOR,
    "meter_change": False,
}


@fuzz_settings(25)
@given(spoiled(READING))
def test_record_reading_any_field(fields: dict[str, Any]) -> None:
    with fresh_counter() as counter:
        result = outcome(counter, lambda: record_reading(counter, **fields))
        if result is not None:
            assert type(fields["reading_kwh"]) is int and fields["reading_kwh"] >= 0
            assert fields["read_on"] <= TODAY


CONNECTION = {
    "applicant_name": "Ram Kumar",
    "mobile": "9876543210",
    "address": "12 Hazratganj, Lucknow",
    "pincode": "226001",
    "category": "lmv1-urban",
    "load_kw": "2",
    "id_proof_type": "aadhaar",
    "id_proof_number": AADHAAR,
    "operator_id": OPERATOR,
}


@fuzz_settings(25)
@given(spoiled(CONNECTION))
def test_request_connection_any_field(fields: dict[str, Any]) -> None:
    with fresh_counter() as counter:
        application = ConnectionApplication(**fields)
        outcome(counter, lambda: request_connection(counter, application))


@fuzz_settings(25)
@given(spoiled(PAYMENT | {"meter_no": "SM12345"}))
def test_recharge_any_field(fields: dict[str, Any]) -> None:
    meter_no = fields.pop("meter_no")
    with fresh_counter() as counter:
        cache(counter, make_snapshot(ACCOUNT, meter_type="prepaid", bill=False))
        request = PaymentRequest(**fields)
        outcome(counter, lambda: recharge(counter, request, meter_no=meter_no))


SCHEME = {
    "discom": "MVVNL",
    "account_no": ACCOUNT,
    "option": "lump_sum",
    "id_proof_type": "aadhaar",
    "id_proof_number": AADHAAR,
    "mobile": "9876543210",
    "operator_id": OPERATOR,
    "case": "normal",
    "notice_no": None,
    "principal_paise": None,
    "surcharge_paise": None,
    "compounding_fee_paise": 0,
}


@fuzz_settings(25)
@given(spoiled(SCHEME))
def test_check_registration_any_field(fields: dict[str, Any]) -> None:
    with fresh_counter() as counter:
        cache(counter, make_snapshot(ACCOUNT))
        outcome(counter, lambda: check_registration(counter, SchemeRequest(**fields)))
