"""``kiosk purge``: personal data of synced records past the retention period goes; recent
and unsynced records keep theirs; amounts, receipt numbers, dates and the audit chain stay;
a second run changes nothing; a reprint still prints and says what it no longer shows.

Records are synced for real, to the live central on loopback."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.audit_chain import verify_audit_chain
from kiosk.services.bill_estimate import print_bill_estimate
from kiosk.services.complaints import ComplaintRequest, complaint_status, log_complaint
from kiosk.services.connections import request_connection
from kiosk.services.counter import Counter
from kiosk.services.errors import ServiceError
from kiosk.services.payments import record_payment
from kiosk.services.printing import open_spool, reprint
from kiosk.services.purge import REMOVED, purge_personal_data
from kiosk.services.readings import record_reading
from kiosk.services.scheme import registration_status
from tests.security.conftest import LiveCounter, register_with_aadhaar
from tests.services.factories import ACCOUNT
from tests.services.support import (
    ADMIN,
    OPERATOR,
    START,
    SUPERVISOR,
    FixedClock,
    db_state,
    upi,
)
from tests.services.test_connections import application
from tests.support.cli_staff import ADMIN as CLI_ADMIN
from tests.support.cli_staff import PIN, add_cli_staff, run_as
from tests.support.cli_staff import SUPERVISOR as CLI_SUPERVISOR

OLD_MOBILE = "9123456780"
RECENT_MOBILE = "9234567801"
PENDING_MOBILE = "9345678012"
RETENTION = 200
PURGE_AT = START + timedelta(days=300)


@pytest.fixture
def synced(live_counter: LiveCounter) -> tuple[Counter, FixedClock, dict]:
    """Old records (10 Jan 2026) and recent ones (250 days later), all synced; then an old
    record whose event never left the counter. The clock ends 300 days after the first."""
    counter, clock = live_counter.counter, live_counter.clock
    made: dict[str, Any] = {}
    made["payment"] = record_payment(counter, upi(500_00), confirm_second=True).receipt_no
    made["complaint"] = log_complaint(counter, _complaint(OLD_MOBILE)).local_no
    made["scheme"] = register_with_aadhaar(counter, OLD_MOBILE)
    made["connection"] = request_connection(counter, application(mobile=OLD_MOBILE)).local_no
    made["reading"] = record_reading(
        counter,
        discom="MVVNL",
        account_no=ACCOUNT,
        reading_kwh=4321,
        read_on=START.date(),
        operator_id=OPERATOR,
    ).local_no
    print_bill_estimate(
        counter,
        OPERATOR,
        "lmv1-rural",
        "2",
        "180",
        "2025-12",
        discom="MVVNL",
        account_no=ACCOUNT,
        consumer_name="Ram Kumar",
    )
    clock.set(START + timedelta(days=250))
    made["recent_complaint"] = log_complaint(counter, _complaint(RECENT_MOBILE)).local_no
    made["recent_connection"] = request_connection(
        counter,
        application(mobile=RECENT_MOBILE, id_proof_type="voter_id", id_proof_number="ABC1234567"),
    ).local_no
    live_counter.sync()
    assert _count(counter, "SELECT count(*) FROM outbox WHERE status != 'synced'") == 0
    clock.set(START)
    made["pending"] = log_complaint(counter, _complaint(PENDING_MOBILE)).local_no
    clock.set(PURGE_AT)
    return counter, clock, made


def _complaint(mobile: str) -> ComplaintRequest:
    return ComplaintRequest(
        category="no_supply",
        description="No power in the village since last night",
        mobile=mobile,
        operator_id=OPERATOR,
        discom="MVVNL",
        account_no=ACCOUNT,
        location="Near the temple",
    )


def _count(counter: Counter, sql: str, *args: Any) -> int:
    return int(counter.conn.execute(sql, args).fetchone()[0])


def _row(counter: Counter, table: str, local_no: str) -> dict[str, Any]:
    cursor = counter.conn.execute(f"SELECT * FROM {table} WHERE local_no = ?", (local_no,))
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def _everything(counter: Counter, table: str, local_no: str) -> str:
    """The record, its event and its slips, as one text to search for personal data."""
    record = _row(counter, table, local_no)
    event = counter.conn.execute(
        "SELECT body FROM outbox WHERE event_id = ?", (record["event_id"],)
    ).fetchone()[0]
    slips = counter.conn.execute("SELECT body FROM print_jobs WHERE ref = ?", (local_no,))
    return json.dumps(record) + event + "".join(bytes(b).decode() for (b,) in slips)


def test_old_synced_records_lose_their_personal_data_and_keep_the_rest(
    synced: tuple[Counter, FixedClock, dict],
) -> None:
    counter, _clock, made = synced
    payments_before = counter.conn.execute("SELECT * FROM payments ORDER BY id").fetchall()
    audit_rows = _count(counter, "SELECT count(*) FROM audit_log")

    result = purge_personal_data(counter, RETENTION, ADMIN)

    assert result.records == {
        "complaints": 1,
        "scheme_registrations": 1,
        "connection_requests": 1,
    }
    assert result.payment_slips == 2  # the UPI receipt and the scheme fee's receipt
    complaint = _row(counter, "complaints", made["complaint"])
    assert (complaint["description"], complaint["mobile"], complaint["location"]) == ("", "", "")
    assert (complaint["category"], complaint["recorded_at"]) == ("no_supply", START.isoformat())
    scheme = _row(counter, "scheme_registrations", made["scheme"])
    assert scheme["mobile"] == "" and scheme["id_proof_ref"] == "XXXX XXXX 9056"
    assert (scheme["fee_paise"], scheme["payable_paise"]) != (None, None)
    connection = _row(counter, "connection_requests", made["connection"])
    assert [connection[k] for k in ("applicant_name", "mobile", "address", "pincode")] == [""] * 4
    for table, key in (
        ("complaints", "complaint"),
        ("scheme_registrations", "scheme"),
        ("connection_requests", "connection"),
    ):
        text = _everything(counter, table, made[key])
        assert OLD_MOBILE not in text and OLD_MOBILE[-4:] not in text, table
        assert "Sita Devi" not in text and "Near the temple" not in text, table
    # The reading's and the estimate's slips lose the consumer's name, keep their figures.
    for kind in ("reading", "bill_estimate"):
        (body,) = counter.conn.execute("SELECT body FROM print_jobs WHERE kind = ?", (kind,))
        doc = json.loads(body[0])
        assert doc["consumer_name"] == REMOVED and "Ram Kumar" not in body[0].decode(), kind
    reading = _row(counter, "meter_readings", made["reading"])
    assert (reading["reading_kwh"], reading["read_on"]) == (4321, START.date().isoformat())
    # Money is untouched: every payment row (amounts, receipt numbers, dates) as it was.
    assert counter.conn.execute("SELECT * FROM payments ORDER BY id").fetchall() == payments_before
    # One audit row with the counts, and the chain still verifies.
    assert _count(counter, "SELECT count(*) FROM audit_log") == audit_rows + 1
    action, detail = counter.conn.execute(
        "SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert action == "records.purged"
    assert result.slips >= 3
    assert json.loads(detail) == {
        "older_than_days": RETENTION,
        "complaints": 1,
        "scheme_registrations": 1,
        "connection_requests": 1,
        "payment_slips": 2,
        "slips": result.slips,
        "events": 3,
        "cancellations": 0,
        "exports": 0,
    }
    check = verify_audit_chain(counter.conn)
    assert check.ok and check.rows == audit_rows + 1


def test_recent_and_unsynced_records_keep_everything(
    synced: tuple[Counter, FixedClock, dict],
) -> None:
    counter, _clock, made = synced
    before = {
        key: _everything(counter, table, made[key])
        for table, key in (
            ("complaints", "recent_complaint"),
            ("connection_requests", "recent_connection"),
            ("complaints", "pending"),
        )
    }
    purge_personal_data(counter, RETENTION, ADMIN)
    assert _row(counter, "complaints", made["recent_complaint"])["mobile"] == RECENT_MOBILE
    assert _row(counter, "connection_requests", made["recent_connection"])["id_proof_ref"]
    pending = _row(counter, "complaints", made["pending"])
    assert pending["mobile"] == PENDING_MOBILE and pending["recorded_at"] == START.isoformat()
    for table, key in (
        ("complaints", "recent_complaint"),
        ("connection_requests", "recent_connection"),
        ("complaints", "pending"),
    ):
        assert _everything(counter, table, made[key]) == before[key]
    # Even a retention that covers them all: the pending one is not synced, so it stays.
    purge_personal_data(counter, 30, ADMIN)
    assert _row(counter, "complaints", made["pending"])["mobile"] == PENDING_MOBILE
    assert _row(counter, "complaints", made["recent_complaint"])["mobile"] == ""


def test_running_it_again_changes_nothing(synced: tuple[Counter, FixedClock, dict]) -> None:
    counter, _clock, _made = synced
    assert purge_personal_data(counter, RETENTION, ADMIN).total > 0
    before = db_state(counter)
    again = purge_personal_data(counter, RETENTION, ADMIN)
    assert again.total == 0
    assert db_state(counter) == before  # not even an audit row


def test_a_reprint_after_the_purge_prints_the_money_and_says_what_is_gone(
    synced: tuple[Counter, FixedClock, dict],
) -> None:
    counter, _clock, made = synced
    purge_personal_data(counter, RETENTION, ADMIN)
    for ref in (made["payment"], made["complaint"], made["connection"], made["scheme"]):
        job = reprint(counter, ref, OPERATOR)
        body = json.loads(
            counter.conn.execute("SELECT body FROM print_jobs WHERE id = ?", (job,)).fetchone()[0]
        )
        text = json.dumps(body, ensure_ascii=False)
        assert REMOVED in text and OLD_MOBILE not in text and "Ram Kumar" not in text, ref
    receipt = json.loads(
        counter.conn.execute(
            "SELECT body FROM print_jobs WHERE ref = ? ORDER BY id DESC LIMIT 1",
            (made["payment"],),
        ).fetchone()[0]
    )
    assert (receipt["receipt_no"], receipt["amount_paise"]) == (made["payment"], 500_00)
    # The status views of a purged complaint and registration still answer (offline).
    assert complaint_status(counter, made["complaint"]).local_no == made["complaint"]
    status = registration_status(counter, made["scheme"])
    assert (status.local_no, status.id_proof_ref) == (made["scheme"], "XXXX XXXX 9056")
    # The spool renders the purged slips as it would any other.
    spool = open_spool(counter)
    try:
        report = spool.print_pending()
    finally:
        spool.printer.close()
    assert report.failed == 0 and report.waiting == 0


def test_only_an_admin_purges_and_the_period_is_checked(
    synced: tuple[Counter, FixedClock, dict],
) -> None:
    counter, _clock, _made = synced
    before = db_state(counter)
    for who in (OPERATOR, SUPERVISOR):
        with pytest.raises(ServiceError, match="for an admin only"):
            purge_personal_data(counter, RETENTION, who)
    for days in (0, 29, 3651, -1):
        with pytest.raises(InvalidInput, match="30 to 3650"):
            purge_personal_data(counter, days, ADMIN)
    assert db_state(counter) == before


def test_the_cli_purges_with_the_configured_period_and_refuses_a_bad_one(
    cli_config: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_cli_staff(cli_config)
    out = io.StringIO()
    assert run_as(monkeypatch, cli_config, CLI_ADMIN, "purge", out=out) == 0
    assert out.getvalue().startswith("nothing to purge: ")
    assert "(365 days)" in out.getvalue()
    assert run_as(monkeypatch, cli_config, CLI_ADMIN, "purge", "--older-than", "30") == 0
    with pytest.raises(SystemExit) as exit_:
        run_as(monkeypatch, cli_config, CLI_ADMIN, "purge", "--older-than", "7")
    assert exit_.value.code == 2
    assert "argument --older-than: must be a whole number of days from 30 to 3650" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("who", "pin", "said"),
    [
        ("nobody", PIN, "nobody is not known at this counter"),
        (CLI_SUPERVISOR, PIN, "sup1 is a supervisor"),
        (CLI_ADMIN, "9999", "operator id or PIN is wrong"),
    ],
)
def test_the_cli_refuses_anyone_but_an_admin_with_their_pin(
    cli_config: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    pin: str,
    said: str,
) -> None:
    add_cli_staff(cli_config)
    out = io.StringIO()
    assert run_as(monkeypatch, cli_config, who, "purge", pin=pin, out=out) == 2
    assert out.getvalue() == ""
    assert capsys.readouterr().err.startswith(f"kiosk purge: error: {said}")
