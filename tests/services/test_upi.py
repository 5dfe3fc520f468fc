"""UPI at the counter against the real central over loopback: the QR's link and reference,
registering it when online, and the central's confirmation (the UTR) once the PSP stand-in
reports it paid. Offline, or with the central down, nothing fails: the operator types the UTR."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.domain.upi import MAX_REFERENCE, parse_upi_link
from kiosk.services.central_client import CentralClient
from kiosk.services.counter import Counter
from kiosk.services.errors import ServiceError
from kiosk.services.payments import record_payment
from kiosk.services.upi import NO_PAYEE, UpiRequest, upi_confirmation, upi_request
from tests.services.factories import ACCOUNT
from tests.services.support import FixedClock, count, db_state, upi
from tests.support.live_central import LiveCentral

PAYEE = {"payee_vpa": "MVVNL.Counter@ExampleBank", "payee_name": "MVVNL  Bill Collection"}
UTR = "512345678901"
REFERENCE = re.compile(r"CSC-0001-260110-(\d{4})-([0-9A-HJKMNP-TV-Z]{6})")


@pytest.fixture
def counter(counter_with) -> Counter:
    """The test counter with a UPI payee, online (the central client decides the rest)."""
    made = counter_with(upi=PAYEE)
    made.is_online = lambda: True
    return made


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveCentral]:
    central = LiveCentral(tmp_path / "central.db", counter_id="CSC-0001")
    central.add_counter("CSC-0002", "token-of-the-other-counter-0002")
    with central:
        yield central


@pytest.fixture
def central(live: LiveCentral) -> Iterator[CentralClient]:
    client = CentralClient(live.url, live.token)
    yield client
    client.close()


def psp_reports_paid(live: LiveCentral, reference: str, utr: str = UTR) -> None:
    """The consumer pays: the central's PSP stand-in marks the request paid."""
    with live.client() as http:
        http.post(f"/v1/upi/intents/{reference}/paid", json={"utr": utr}).raise_for_status()


def central_state(live: LiveCentral, reference: str) -> httpx.Response:
    with live.client() as http:
        return http.get(f"/v1/upi/intents/{reference}")


# --- the QR ----------------------------------------------------------------------------


def test_the_link_asks_for_the_amount_to_the_configured_payee_under_the_reference(counter):
    request = upi_request(counter, "mvvnl", ACCOUNT, 1_234_50)
    assert isinstance(request, UpiRequest)
    assert REFERENCE.fullmatch(request.reference)
    assert (request.payee_vpa, request.payee_name) == (
        "mvvnl.counter@examplebank",
        "MVVNL Bill Collection",
    )
    assert request.amount_paise == 1_234_50
    assert request.registered is False
    asked = parse_upi_link(request.link)
    assert asked.payee_vpa == "mvvnl.counter@examplebank"
    assert asked.payee_name == "MVVNL Bill Collection"
    assert asked.amount_paise == 1_234_50
    assert asked.reference == request.reference
    assert asked.note == f"Electricity bill MVVNL {ACCOUNT}"
    assert "am=1234.50" in request.link


def test_references_are_unique_on_a_counter_and_follow_its_day(counter, clock: FixedClock):
    made = [upi_request(counter, "MVVNL", ACCOUNT, 100_00).reference for _ in range(20)]
    assert len(set(made)) == 20
    sequences = [int(REFERENCE.fullmatch(ref).group(1)) for ref in made]  # type: ignore[union-attr]
    assert sequences == list(range(1, 21))
    clock.advance(days=1)
    tomorrow = upi_request(counter, "MVVNL", ACCOUNT, 100_00).reference
    assert tomorrow.startswith("CSC-0001-260111-0001-")


def test_a_counter_database_made_again_still_makes_new_references(counter_with):
    first = counter_with(upi=PAYEE)
    again = counter_with(upi=PAYEE)  # same counter id, a fresh database, same day
    one = upi_request(first, "MVVNL", ACCOUNT, 100_00).reference
    two = upi_request(again, "MVVNL", ACCOUNT, 100_00).reference
    assert one[:21] == two[:21] == "CSC-0001-260110-0001-"
    assert one != two


def test_a_long_counter_id_still_fits_the_reference(counter_with):
    long_id = counter_with(
        counter={"id": "CSC-LUCKNOW-RURAL-01", "name": "Long", "discoms": ["MVVNL"]}, upi=PAYEE
    )
    reference = upi_request(long_id, "MVVNL", ACCOUNT, 100_00).reference
    assert len(reference) <= MAX_REFERENCE
    assert re.fullmatch(r"CSC-LUCKNOW-RURAL-01-260110-0001-[0-9A-Z]+", reference)


def test_no_payee_in_the_config_is_a_clear_refusal_that_writes_nothing(counter_with):
    bare = counter_with()
    before = db_state(bare)
    with pytest.raises(ServiceError, match=re.escape(NO_PAYEE)):
        upi_request(bare, "MVVNL", ACCOUNT, 100_00)
    assert NO_PAYEE == "UPI payee is not set in the config (upi.payee_vpa)"
    assert db_state(bare) == before


@pytest.mark.parametrize("amount", [0, -1, 1.5, "100", True, 99_99_99_999 + 1])
def test_a_bad_amount_is_refused_and_writes_nothing(counter, amount):
    before = db_state(counter)
    with pytest.raises(InvalidInput) as refused:
        upi_request(counter, "MVVNL", ACCOUNT, amount)
    assert refused.value.field == "amount"
    assert db_state(counter) == before
    # The refused number is handed to the next request: no holes.
    assert (
        REFERENCE.fullmatch(upi_request(counter, "MVVNL", ACCOUNT, 1).reference).group(1) == "0001"
    )  # type: ignore[union-attr]


@pytest.mark.parametrize(("discom", "account"), [("KESCO", ACCOUNT), ("MVVNL", "12345")])
def test_a_bad_discom_or_account_is_refused(counter, discom, account):
    before = db_state(counter)
    with pytest.raises(InvalidInput):
        upi_request(counter, discom, account, 100_00)
    assert db_state(counter) == before


# --- the central -----------------------------------------------------------------------


def test_online_the_request_is_registered_and_the_central_confirms_it_once_paid(
    counter, live, central
):
    request = upi_request(counter, "MVVNL", ACCOUNT, 1_234_50, central=central)
    assert request.registered is True
    state = central_state(live, request.reference).json()
    assert state == {
        "reference": request.reference,
        "amount_paise": 1_234_50,
        "status": "pending",
        "utr": None,
        "paid_at": None,
    }
    assert upi_confirmation(counter, request.reference, central=central) is None

    psp_reports_paid(live, request.reference)
    utr = upi_confirmation(counter, request.reference, central=central)
    assert utr == UTR

    # The confirmed UTR records the payment like a typed one.
    result = record_payment(counter, upi(1_234_50, utr=utr))
    assert result.mode == "upi"
    assert count(counter, "payments", "reference = ?", UTR) == 1


def test_offline_nothing_is_registered_and_nothing_confirmed(counter, live, central):
    counter.is_online = lambda: False
    request = upi_request(counter, "MVVNL", ACCOUNT, 500_00, central=central)
    assert request.registered is False
    assert central_state(live, request.reference).status_code == 404
    assert upi_confirmation(counter, request.reference, central=central) is None
    assert upi_confirmation(counter, request.reference) is None


def test_with_the_central_down_the_qr_still_works_and_confirmation_is_none(counter, live, central):
    registered = upi_request(counter, "MVVNL", ACCOUNT, 500_00, central=central)
    psp_reports_paid(live, registered.reference)
    live.stop()
    request = upi_request(counter, "MVVNL", ACCOUNT, 500_00, central=central)
    assert request.registered is False
    assert parse_upi_link(request.link).reference == request.reference
    assert upi_confirmation(counter, registered.reference, central=central) is None
    live.start()
    assert upi_confirmation(counter, registered.reference, central=central) == UTR


def test_a_refused_registration_is_not_an_error(counter_with, tmp_path):
    # The central lets this counter's token collect only for DVVNL.
    with LiveCentral(tmp_path / "c.db", counter_id="CSC-0001", discoms=["DVVNL"]) as live:
        client = CentralClient(live.url, live.token)
        made = counter_with(upi=PAYEE)
        made.is_online = lambda: True
        request = upi_request(made, "MVVNL", ACCOUNT, 500_00, central=client)
        assert request.registered is False
        assert upi_request(made, "DVVNL", ACCOUNT, 500_00, central=client).registered is True
        client.close()


def test_another_counter_never_sees_the_confirmation(counter, live, central):
    request = upi_request(counter, "MVVNL", ACCOUNT, 500_00, central=central)
    psp_reports_paid(live, request.reference)
    other = CentralClient(live.url, "token-of-the-other-counter-0002")
    try:
        assert upi_confirmation(counter, request.reference, central=other) is None
    finally:
        other.close()


@pytest.mark.parametrize("reference", ["CSC-0001-260110-9999-ZZZZZZ", "", "a/b", "x y", "..", "?"])
def test_an_unknown_or_odd_reference_is_none(counter, central, reference):
    assert upi_confirmation(counter, reference, central=central) is None


def test_a_reply_that_does_not_check_out_is_none(counter):
    replies = iter(
        [
            httpx.Response(200, json={"reference": "R-1", "status": "paid", "utr": "12"}),
            httpx.Response(200, json={"reference": "R-2", "status": "paid", "utr": UTR}),
            httpx.Response(200, json=["not", "an", "intent"]),
            httpx.Response(200, text="<html>captive portal</html>"),
            httpx.Response(503, json={"code": "down"}),
        ]
    )
    client = CentralClient(
        "http://central.invalid", "t", transport=httpx.MockTransport(lambda request: next(replies))
    )
    for _ in range(5):
        assert upi_confirmation(counter, "R-1", central=client) is None
