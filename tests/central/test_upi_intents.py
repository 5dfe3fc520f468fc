"""UPI collection requests on the real central over loopback: a counter registers the
``tr`` of the QR it shows, the PSP stand-in marks it paid, the counter reads the UTR back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from central.db import CentralDB
from tests.central.conftest import OTHER_TOKEN, TOKEN
from tests.central.factories import COUNTER
from tests.support.live_central import LiveCentral

REFERENCE = "CSC-LKO-0001-260110-0001-K7Q2XM"
INTENT = {
    "reference": REFERENCE,
    "discom": "MVVNL",
    "account_no": "1234567890",
    "amount_paise": 1_234_50,
}
UTR = "412345678901"


def intent(**changes: Any) -> dict[str, Any]:
    return INTENT | changes


def problem(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "detail", "server_time"}
    assert body["code"] == code
    assert "X-Server-Time" in response.headers
    return str(body["detail"])


def paid(http: httpx.Client, utr: str = UTR, reference: str = REFERENCE) -> httpx.Response:
    return http.post(f"/v1/upi/intents/{reference}/paid", json={"utr": utr})


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """One central for the tests that only send refused requests (no demo consumers)."""
    central = LiveCentral(tmp_path_factory.mktemp("upi") / "c.db", counter_id=COUNTER, token=TOKEN)
    with central, central.client() as client:
        client.post("/v1/upi/intents", json=INTENT).raise_for_status()
        yield client


@pytest.fixture
def other(live_central: LiveCentral) -> Iterator[httpx.Client]:
    """The second counter (DVVNL only), with its own token."""
    headers = {"Authorization": f"Bearer {OTHER_TOKEN}"}
    with httpx.Client(base_url=live_central.url, headers=headers) as client:
        yield client


def test_a_registered_request_is_pending_until_the_bank_reports_it_paid(http):
    registered = http.post("/v1/upi/intents", json=INTENT)
    assert registered.status_code == 200
    pending = {
        "reference": REFERENCE,
        "amount_paise": 1_234_50,
        "status": "pending",
        "utr": None,
        "paid_at": None,
    }
    assert registered.json() == pending
    assert http.get(f"/v1/upi/intents/{REFERENCE}").json() == pending

    marked = paid(http)
    assert marked.status_code == 200
    body = marked.json()
    assert (body["status"], body["utr"]) == ("paid", UTR)
    paid_at = datetime.fromisoformat(body["paid_at"])
    assert abs(paid_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert http.get(f"/v1/upi/intents/{REFERENCE}").json() == body


def test_registering_again_is_idempotent_and_answers_the_stored_state(http):
    first = http.post("/v1/upi/intents", json=INTENT).json()
    # The discom's spelling and spaces around the account do not make it another request.
    again = http.post("/v1/upi/intents", json=intent(discom="mvvnl", account_no=" 1234567890"))
    assert again.status_code == 200
    assert again.json() == first
    paid(http)
    after = http.post("/v1/upi/intents", json=INTENT)
    assert after.status_code == 200
    assert (after.json()["status"], after.json()["utr"]) == ("paid", UTR)


@pytest.mark.parametrize(
    "changes",
    [{"amount_paise": 1_234_51}, {"account_no": "1234567891"}, {"discom": "DVVNL"}],
)
def test_the_same_reference_for_another_payment_is_a_422_conflict(http, changes):
    http.post("/v1/upi/intents", json=INTENT)
    detail = problem(
        http.post("/v1/upi/intents", json=intent(**changes)), 422, "reference_conflict"
    )
    assert detail.startswith("reference: ")
    assert http.get(f"/v1/upi/intents/{REFERENCE}").json()["amount_paise"] == 1_234_50


def test_another_counter_can_neither_read_nor_mark_nor_reuse_a_request(http, other):
    http.post("/v1/upi/intents", json=INTENT)
    problem(other.get(f"/v1/upi/intents/{REFERENCE}"), 404, "not_found")
    problem(paid(other), 404, "not_found")
    # Even for its own discom, the reference is taken: the answer does not say by whom.
    reused = other.post("/v1/upi/intents", json=intent(discom="DVVNL"))
    problem(reused, 422, "reference_conflict")
    assert http.get(f"/v1/upi/intents/{REFERENCE}").json()["status"] == "pending"


def test_an_unknown_reference_is_404(http):
    detail = problem(http.get("/v1/upi/intents/NO-SUCH-REF"), 404, "not_found")
    assert detail.startswith("reference: ")
    problem(paid(http, reference="NO-SUCH-REF"), 404, "not_found")


def test_the_callback_repeated_with_the_same_utr_answers_the_same_result(http):
    http.post("/v1/upi/intents", json=INTENT)
    first = paid(http).json()
    again = paid(http)
    assert again.status_code == 200
    assert again.json() == first


def test_a_paid_request_keeps_its_first_utr(http):
    http.post("/v1/upi/intents", json=INTENT)
    first = paid(http).json()
    detail = problem(paid(http, "412345678902"), 422, "already_paid")
    assert detail.startswith("utr: ")
    assert http.get(f"/v1/upi/intents/{REFERENCE}").json() == first


def test_one_utr_pays_one_request_only(http):
    http.post("/v1/upi/intents", json=INTENT)
    http.post("/v1/upi/intents", json=intent(reference="CSC-LKO-0001-260110-0002-AB12CD"))
    paid(http)
    second = paid(http, reference="CSC-LKO-0001-260110-0002-AB12CD")
    problem(second, 422, "utr_conflict")
    after = http.get("/v1/upi/intents/CSC-LKO-0001-260110-0002-AB12CD").json()
    assert after["status"] == "pending"


@pytest.mark.parametrize(
    "utr",
    [
        "41234567890",
        "4123456789012",
        "41234567890a",
        "",
        " 412345678901",
        "४१२३४५६७८९०१",
        412345678901,
        None,
    ],
)
def test_a_bad_utr_is_a_422_naming_the_field(shared, utr):
    detail = problem(paid(shared, utr), 422, "invalid_request")
    assert detail.startswith("utr: ")
    assert shared.get(f"/v1/upi/intents/{REFERENCE}").json()["status"] == "pending"


def test_the_callback_body_is_checked(shared):
    extra = shared.post(f"/v1/upi/intents/{REFERENCE}/paid", json={"utr": UTR, "amount": 1})
    problem(extra, 422, "invalid_request")
    problem(shared.post(f"/v1/upi/intents/{REFERENCE}/paid", json={}), 422, "invalid_request")


@pytest.mark.parametrize("amount", [0, -100, 1.5, 100.0, "100", True, None, 99_99_99_999 + 1])
def test_a_bad_amount_is_a_422_naming_the_field_and_stores_nothing(shared, amount):
    reference = "CSC-LKO-0001-260110-0009-BADAMT"
    body = intent(reference=reference, amount_paise=amount)
    detail = problem(shared.post("/v1/upi/intents", json=body), 422, "invalid_request")
    assert detail.startswith("amount_paise: ")
    problem(shared.get(f"/v1/upi/intents/{reference}"), 404, "not_found")


def test_the_largest_amount_is_accepted(http):
    response = http.post("/v1/upi/intents", json=intent(amount_paise=99_99_99_999))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "reference", ["", "has space", "with/slash", "x" * 36, "tr=1&am=2", "संदर्भ", 12345]
)
def test_a_bad_reference_is_a_422_naming_the_field(shared, reference):
    detail = problem(
        shared.post("/v1/upi/intents", json=intent(reference=reference)), 422, "invalid_request"
    )
    assert detail.startswith("reference: ")


def test_a_reference_of_the_longest_length_is_accepted(http):
    assert http.post("/v1/upi/intents", json=intent(reference="A_-9" * 8 + "xyz")).is_success


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"discom": "XXVNL"}, 422, "discom"),
        ({"account_no": "12345"}, 422, "account_no"),
        ({"account_no": None}, 422, "account_no"),
        ({"extra": "field"}, 422, "extra"),
    ],
)
def test_a_bad_consumer_is_a_422_naming_the_field(shared, changes, status, field):
    detail = problem(
        shared.post("/v1/upi/intents", json=intent(**changes)), status, "invalid_request"
    )
    assert detail.startswith(f"{field}: ")


def test_a_counter_may_collect_only_for_its_discoms(other):
    detail = problem(other.post("/v1/upi/intents", json=INTENT), 403, "forbidden")
    assert detail.startswith("discom: ")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/upi/intents", INTENT),
        ("GET", f"/v1/upi/intents/{REFERENCE}", None),
        ("POST", f"/v1/upi/intents/{REFERENCE}/paid", {"utr": UTR}),
        ("POST", f"/v1/upi/intents/{REFERENCE}/paid", {"utr": "bad"}),
    ],
)
def test_every_upi_route_needs_a_counter_token(shared, method, path, body):
    response = httpx.request(method, f"{shared.base_url}{path}", json=body)
    problem(response, 401, "unauthorized")


def test_an_older_database_gains_the_table_when_opened(tmp_path):
    path = tmp_path / "old.db"
    CentralDB(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE upi_intents")
    db = CentralDB(path)
    row = db.put_upi_intent(
        reference=REFERENCE,
        counter_id="CSC-LKO-0001",
        discom="MVVNL",
        account_no="1234567890",
        amount_paise=100,
        created_at="2026-01-10T06:00:00Z",
    )
    assert row is not None and row["utr"] is None
    assert db.mark_upi_paid(REFERENCE, "CSC-LKO-0001", UTR, "2026-01-10T06:01:00Z")[0] == "paid"
