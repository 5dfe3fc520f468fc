"""Complaints: a local number at once, refusals that write nothing, status offline."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.complaints import ComplaintRequest, complaint_status, log_complaint
from kiosk.services.counter import Counter
from kiosk.services.errors import NeedsConfirmation, NotFound
from kiosk.services.payments import record_payment
from tests.services.factories import ACCOUNT
from tests.services.support import (
    OPERATOR,
    FixedClock,
    cash,
    count,
    events,
    refused_by,
    row,
)


def request(**changes: Any) -> ComplaintRequest:
    data: dict[str, Any] = {
        "category": "no_supply",
        "description": "No power in the village since last night",
        "mobile": "+91 98765 43210",
        "operator_id": OPERATOR,
        "discom": "MVVNL",
        "account_no": ACCOUNT,
    }
    return ComplaintRequest(**(data | changes))


def refused(
    counter: Counter,
    complaint: ComplaintRequest,
    error: type[Exception] = InvalidInput,
    field: str | None = None,
    **options: Any,
) -> Exception:
    return refused_by(counter, lambda: log_complaint(counter, complaint, **options), error, field)


def test_a_complaint_gets_a_local_number_an_event_and_an_audit_row(
    counter: Counter, wakes: list[datetime]
) -> None:
    result = log_complaint(counter, request())
    assert result.local_no == "CSC-0001-C20260110-0001"
    assert result.recorded_at == counter.now()

    stored = row(counter, "SELECT * FROM complaints")
    assert stored["local_no"] == result.local_no
    assert stored["event_id"] == result.event_id
    assert (stored["discom"], stored["account_no"]) == ("MVVNL", ACCOUNT)
    assert (stored["category"], stored["status"]) == ("no_supply", "open")
    assert stored["mobile"] == "9876543210"
    assert stored["operator_id"] == OPERATOR

    [event] = events(counter)
    assert event["type"] == "complaint.logged"
    assert event["event_id"] == result.event_id
    assert event["payload"]["complaint_no"] == result.local_no
    assert event["payload"]["category"] == "no_supply"
    assert event["payload"]["mobile"] == "9876543210"
    audit = row(counter, "SELECT * FROM audit_log")
    assert (audit["action"], audit["ref"]) == ("complaint.logged", result.local_no)
    assert json.loads(audit["detail"]) == {"category": "no_supply"}
    assert wakes == [counter.now()]


def test_complaint_numbers_run_per_day_apart_from_receipts(
    counter: Counter, clock: FixedClock
) -> None:
    first = log_complaint(counter, request()).local_no
    record_payment(counter, cash(500_00))
    second = log_complaint(counter, request(category="voltage")).local_no
    clock.set(datetime(2026, 1, 10, 20, 0, tzinfo=UTC))  # 01:30 on 11 Jan in India
    third = log_complaint(counter, request()).local_no
    assert [first, second, third] == [
        "CSC-0001-C20260110-0001",
        "CSC-0001-C20260110-0002",
        "CSC-0001-C20260111-0001",
    ]


def test_category_and_description_are_tidied(counter: Counter) -> None:
    log_complaint(counter, request(category="  Meter_Fault ", description="meter\n  burnt   out"))
    stored = row(counter, "SELECT category, description FROM complaints")
    assert stored == {"category": "meter_fault", "description": "meter burnt out"}


def test_a_complaint_without_an_account_goes_to_the_discom_named(counter: Counter) -> None:
    result = log_complaint(counter, request(account_no=None, discom="dvvnl"))
    stored = row(counter, "SELECT discom, account_no FROM complaints")
    assert stored == {"discom": "DVVNL", "account_no": None}
    assert events(counter)[0]["payload"]["account_no"] is None
    assert result.local_no.endswith("-0001")


def test_a_complaint_without_an_account_on_a_one_discom_counter(counter_with: Any) -> None:
    single = counter_with(counter={"id": "CSC-0002", "name": "One discom", "discoms": ["DVVNL"]})
    log_complaint(single, request(account_no=None, discom=None))
    assert row(single, "SELECT discom FROM complaints")["discom"] == "DVVNL"


def test_a_complaint_without_an_account_uses_the_default_discom(counter_with: Any) -> None:
    both = counter_with(
        counter={
            "id": "CSC-0003",
            "name": "Two discoms",
            "discoms": ["MVVNL", "DVVNL"],
            "default_discom": "DVVNL",
        }
    )
    log_complaint(both, request(account_no=None, discom=""))
    assert row(both, "SELECT discom FROM complaints")["discom"] == "DVVNL"


def test_without_account_or_discom_a_two_discom_counter_asks_which(counter: Counter) -> None:
    refused(counter, request(account_no=None, discom=None), field="discom")


def test_a_complaint_for_an_unserved_discom_is_refused(counter: Counter) -> None:
    refused(counter, request(account_no=None, discom="PVVNL"), field="discom")
    refused(counter, request(discom="PVVNL"), field="discom")


@pytest.mark.parametrize("category", ["", "fire", "no supply", "DISCONNECT"])
def test_a_bad_category_is_refused(counter: Counter, category: str) -> None:
    refused(counter, request(category=category), field="category")


@pytest.mark.parametrize("mobile", ["", "12345", "5876543210", "98765432101", "98765abcde"])
def test_a_bad_mobile_is_refused(counter: Counter, mobile: str) -> None:
    error = refused(counter, request(mobile=mobile), field="mobile")
    if mobile.isdigit():
        assert mobile not in str(error)  # a typed number stays out of the message


@pytest.mark.parametrize("description", ["", "  ", "ab", " a   ", "x" * 1001, None])
def test_a_bad_description_is_refused(counter: Counter, description: Any) -> None:
    refused(counter, request(description=description), field="description")


@pytest.mark.parametrize("field", ["location", "landmark"])
def test_an_overlong_location_is_refused(counter: Counter, field: str) -> None:
    refused(counter, request(**{field: "x" * 201}), field=field)


def test_a_bad_account_number_is_refused(counter: Counter) -> None:
    refused(counter, request(account_no="12345"), field="account number")


def test_a_disconnection_request_needs_the_account_number(counter: Counter) -> None:
    refused(
        counter,
        request(category="disconnection_request", account_no=None),
        field="account number",
        confirm_disconnection=True,
    )


def test_a_disconnection_request_needs_confirmation(counter: Counter) -> None:
    refused(counter, request(category="disconnection_request"), NeedsConfirmation)
    result = log_complaint(
        counter, request(category="disconnection_request"), confirm_disconnection=True
    )
    assert row(counter, "SELECT category FROM complaints")["category"] == "disconnection_request"
    assert result.local_no == "CSC-0001-C20260110-0001"


def test_a_bad_operator_is_refused(counter: Counter) -> None:
    refused(counter, request(operator_id="no one"), field="operator")


# --- status -----------------------------------------------------------------------------


def test_status_is_found_offline_by_the_local_number(counter: Counter) -> None:
    result = log_complaint(counter, request(category="transformer"))
    status = complaint_status(counter, f"  {result.local_no} ")
    assert status.source == "local"
    assert (status.local_no, status.central_no) == (result.local_no, None)
    assert (status.status, status.category) == ("open", "transformer")


def test_status_shows_the_central_number_once_the_event_synced(counter: Counter) -> None:
    result = log_complaint(counter, request())
    counter.conn.execute(
        "UPDATE outbox SET status = 'synced', refs = ? WHERE event_id = ?",
        (json.dumps({"complaint_no": "MV2601100042"}), result.event_id),
    )
    status = complaint_status(counter, result.local_no)
    assert (status.local_no, status.central_no, status.source) == (
        result.local_no,
        "MV2601100042",
        "local",
    )


def test_status_is_never_asked_of_an_offline_central(counter: Counter) -> None:
    class Unreachable:
        def complaint(self, number: str) -> dict[str, Any]:
            raise AssertionError("an offline counter must not call the central")

    result = log_complaint(counter, request())
    status = complaint_status(counter, result.local_no, central=Unreachable())  # type: ignore[arg-type]
    assert status.source == "local"


def test_an_unknown_complaint_is_not_found(counter: Counter) -> None:
    log_complaint(counter, request())
    with pytest.raises(NotFound):
        complaint_status(counter, "CSC-0001-C20260110-0002")


@pytest.mark.parametrize("number", ["", "   ", "x" * 41])
def test_a_bad_complaint_number_is_refused(counter: Counter, number: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        complaint_status(counter, number)
    assert caught.value.field == "complaint number"
    assert count(counter, "complaints") == 0


def test_a_disconnection_request_asks_only_once_every_field_is_right(counter: Counter) -> None:
    """A "yes" from the consumer must not be followed by a refusal of the mobile."""
    refused(counter, request(category="disconnection_request", mobile="12345"), field="mobile")
    refused(counter, request(category="disconnection_request", description=""), field="description")
    refused(counter, request(category="disconnection_request"), NeedsConfirmation)


def test_a_logged_complaint_queues_its_acknowledgement(counter: Counter) -> None:
    result = log_complaint(counter, request())
    kind, ref, body = counter.conn.execute("SELECT kind, ref, body FROM print_jobs").fetchone()
    assert (kind, ref) == ("complaint", result.local_no)
    doc = json.loads(body)
    assert doc["mobile_masked"] == "XXXXXX3210"
    assert "9876543210" not in body.decode()


def test_status_tells_when_and_where_it_was_logged(counter: Counter) -> None:
    result = log_complaint(counter, request())
    status = complaint_status(counter, result.local_no)
    assert status.recorded_at == counter.now() == status.updated_at
    assert status.account_no == ACCOUNT
    assert status.logged_here


def test_status_from_the_central_keeps_its_times(counter: Counter) -> None:
    result = log_complaint(counter, request())

    class Central:
        def complaint(self, number: str) -> dict[str, Any]:
            assert number == result.local_no
            return {
                "complaint_no": "MVVNL-CMP-00000007",
                "local_no": result.local_no,
                "status": "in_progress",
                "category": "no_supply",
                "account_no": ACCOUNT,
                "logged_at": "2026-01-10T06:00:00Z",
                "updated_at": "2026-01-10T07:15:00+00:00",
            }

    counter.is_online = lambda: True
    status = complaint_status(counter, result.local_no, central=Central())  # type: ignore[arg-type]
    assert (status.source, status.central_no, status.status) == (
        "central",
        "MVVNL-CMP-00000007",
        "in_progress",
    )
    assert status.recorded_at == datetime(2026, 1, 10, 6, 0, tzinfo=UTC)
    assert status.updated_at == datetime(2026, 1, 10, 7, 15, tzinfo=UTC)
    assert status.logged_here
