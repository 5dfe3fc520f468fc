"""New-connection applications: a local number, Aadhaar masked, bad fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from kiosk.printer.documents import ConnectionDoc, load
from kiosk.services.connections import ConnectionApplication, request_connection
from kiosk.services.counter import Counter
from tests.services.support import (
    AADHAAR,
    AADHAAR_BAD_CHECK,
    OPERATOR,
    database_bytes,
    events,
    refused_by,
    row,
)


def application(**changes: Any) -> ConnectionApplication:
    data: dict[str, Any] = {
        "applicant_name": "  Sita   Devi ",
        "mobile": "09876543210",
        "address": "House 12, Gram Rampur Kalan,\nHardoi",
        "pincode": "241001",
        "category": "LMV1-Rural",
        "load_kw": "1",
        "id_proof_type": "aadhaar",
        "id_proof_number": AADHAAR,
        "operator_id": OPERATOR,
    }
    return ConnectionApplication(**(data | changes))


def refused(counter: Counter, app: ConnectionApplication, field: str) -> Exception:
    return refused_by(counter, lambda: request_connection(counter, app), field=field)


def test_an_application_is_recorded_with_the_aadhaar_masked(
    counter: Counter, wakes: list[datetime]
) -> None:
    result = request_connection(counter, application())
    assert result.local_no == "CSC-0001-N20260110-0001"
    stored = row(counter, "SELECT * FROM connection_requests")
    assert stored["event_id"] == result.event_id
    assert stored["applicant_name"] == "Sita Devi"
    assert stored["address"] == "House 12, Gram Rampur Kalan, Hardoi"
    assert (stored["mobile"], stored["pincode"]) == ("9876543210", "241001")
    assert (stored["category"], stored["load_kw"]) == ("lmv1-rural", "1")
    assert (stored["id_proof_type"], stored["id_proof_ref"]) == ("aadhaar", "XXXX XXXX 9056")

    [event] = events(counter)
    assert event["type"] == "connection.requested"
    assert event["payload"]["id_proof_ref"] == "XXXX XXXX 9056"
    assert row(counter, "SELECT action FROM audit_log")["action"] == "connection.requested"
    assert AADHAAR.encode() not in database_bytes(counter)
    assert wakes == [counter.now()]


def test_a_driving_licence_is_accepted_as_proof(counter: Counter) -> None:
    request_connection(
        counter, application(id_proof_type="driving_licence", id_proof_number="up32 20190012345")
    )
    assert row(counter, "SELECT id_proof_ref FROM connection_requests") == {
        "id_proof_ref": "UP3220190012345"
    }


def test_numbers_follow_on_within_the_day(counter: Counter) -> None:
    first = request_connection(counter, application()).local_no
    second = request_connection(counter, application(load_kw="2.5")).local_no
    assert (first, second) == ("CSC-0001-N20260110-0001", "CSC-0001-N20260110-0002")


@pytest.mark.parametrize("pincode", ["", "012345", "2260", "2260011", "22600A", "226 00 1 x"])
def test_a_bad_pincode_is_refused(counter: Counter, pincode: str) -> None:
    refused(counter, application(pincode=pincode), "pincode")


@pytest.mark.parametrize("mobile", ["", "12345", "1234567890", "+91 12345 67890", "98765-4321"])
def test_a_bad_mobile_is_refused(counter: Counter, mobile: str) -> None:
    refused(counter, application(mobile=mobile), "mobile")


@pytest.mark.parametrize(
    "load", ["0", "0.05", "-1", "abc", "1e3", "1_5", "1001", "", True, "2.5555"]
)
def test_a_bad_load_is_refused(counter: Counter, load: Any) -> None:
    refused(counter, application(load_kw=load), "load")


@pytest.mark.parametrize("category", ["", "lmv3", "domestic", "lmv1"])
def test_a_bad_category_is_refused(counter: Counter, category: str) -> None:
    refused(counter, application(category=category), "category")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant_name": "   "}, "applicant_name"),
        ({"applicant_name": "x" * 201}, "applicant_name"),
        ({"address": ""}, "address"),
        ({"id_proof_number": AADHAAR_BAD_CHECK}, "aadhaar"),
        ({"id_proof_type": "ration_card"}, "id proof"),
        ({"operator_id": "a b"}, "operator"),
    ],
)
def test_other_bad_fields_are_refused(
    counter: Counter, changes: dict[str, Any], field: str
) -> None:
    refused(counter, application(**changes), field)


def test_an_application_queues_its_acknowledgement_with_the_id_masked(counter: Counter) -> None:
    result = request_connection(counter, application())
    body = row(counter, "SELECT kind, ref, body FROM print_jobs")
    assert (body["kind"], body["ref"]) == ("connection", result.local_no)
    doc = load(body["body"])
    assert isinstance(doc, ConnectionDoc)
    assert doc.id_proof_masked == "XXXX XXXX 9056"
    assert doc.mobile_masked == "XXXXXX3210"
    assert (doc.applicant_name, doc.category, doc.load_kw) == ("Sita Devi", "lmv1-rural", "1")


def test_a_voter_id_goes_on_paper_as_its_last_four(counter: Counter) -> None:
    request_connection(counter, application(id_proof_type="voter_id", id_proof_number="abc1234567"))
    doc = load(row(counter, "SELECT body FROM print_jobs")["body"])
    assert isinstance(doc, ConnectionDoc)
    assert doc.id_proof_masked == "XXXXXX4567"
