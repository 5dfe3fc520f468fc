"""A realistic counter session against the live central with every logger at DEBUG: no
Aadhaar number, no full mobile number and no bearer token in any log record.

The flow: a mobile lookup that goes to the central, a UPI payment with its QR request and
confirmation check, a complaint with a mobile, a scheme registration with an Aadhaar, the
slips printed (dummy printer), a full sync (push and pull) with the counter's token, and a
sync against a central that refuses the token.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.services.complaints import ComplaintRequest, log_complaint
from kiosk.services.lookup import find_mobile
from kiosk.services.payments import record_payment
from kiosk.services.printing import open_spool
from kiosk.services.runtime import open_counter, wire_sync
from kiosk.services.upi import upi_confirmation, upi_request
from tests.security.conftest import CONSUMER_MOBILE, LiveCounter, register_with_aadhaar
from tests.services.factories import ACCOUNT
from tests.services.support import AADHAAR, OPERATOR, cash, upi
from tests.support.live_central import LiveCentral
from tests.sync.conftest import settings_for

COMPLAINT_MOBILE = "9123456780"
SCHEME_MOBILE = "8765432109"


def _everything_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    """Root and every logger known so far at DEBUG (caplog restores them afterwards)."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


def _secrets_in(caplog: pytest.LogCaptureFixture, secrets: dict[str, str]) -> list[str]:
    texts = [caplog.text] + [record.getMessage() for record in caplog.records]
    texts += [str(record.__dict__) for record in caplog.records]
    found = []
    for what, value in secrets.items():
        spaced = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        if any(value in text or spaced in text for text in texts):
            found.append(what)
    return found


def test_no_aadhaar_mobile_or_token_in_any_log_record(
    tmp_path: Path,
    live_counter: LiveCounter,
    live_central: LiveCentral,
    caplog: pytest.LogCaptureFixture,
) -> None:
    counter, wiring = live_counter.counter, live_counter.wiring
    central = wiring.central
    assert wiring.engine is not None and central is not None
    _everything_at_debug(caplog)

    assert find_mobile(counter, CONSUMER_MOBILE, central=central)
    request = upi_request(counter, "MVVNL", ACCOUNT, 500_00, central=central)
    upi_confirmation(counter, request.reference, central=central)
    record_payment(counter, upi(500_00, utr="412345678901"), confirm_second=True)
    log_complaint(
        counter,
        ComplaintRequest(
            category="no_supply",
            description="No power since last night",
            mobile=f"+91 {COMPLAINT_MOBILE}",
            operator_id=OPERATOR,
            discom="MVVNL",
            account_no=ACCOUNT,
        ),
    )
    register_with_aadhaar(counter, SCHEME_MOBILE)
    spool = open_spool(counter)
    try:
        spool.print_pending()
    finally:
        spool.printer.close()
    live_counter.sync()
    assert (
        counter.conn.execute("SELECT count(*) FROM outbox WHERE status = 'synced'").fetchone()[0]
        >= 3
    )

    # A counter whose token the central refuses: the refusal is logged, the token is not.
    refused_token = "refused-token-Zq8sW2x"
    other = open_counter(
        settings_for(tmp_path / "other", live_central.url, refused_token, live_central.counter_id)
    )
    other_wiring = wire_sync(other)
    try:
        with other.conn:
            other.conn.execute("SELECT 1")
        record_payment(other, cash(100_00, operator_id=OPERATOR), confirm_second=True)
        assert other_wiring.engine is not None
        assert other_wiring.engine.sync_once(force=True).error is not None
    finally:
        other_wiring.close()
        other.conn.close()

    assert caplog.records, "nothing was logged: the check would prove nothing"
    assert (
        _secrets_in(
            caplog,
            {
                "Aadhaar": AADHAAR,
                "consumer mobile": CONSUMER_MOBILE,
                "complaint mobile": COMPLAINT_MOBILE,
                "scheme mobile": SCHEME_MOBILE,
                "token": live_central.token,
                "refused token": refused_token,
            },
        )
        == []
    )
