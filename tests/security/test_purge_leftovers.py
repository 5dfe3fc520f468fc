"""``kiosk purge`` leaves no copy behind: not in the database files (secure_delete and a
WAL checkpoint), not in a cancellation's free-text reason, not in the day CSV files; a
dead letter and the consumer cache keep theirs, and the audit chain stays verifiable.

Records are synced for real, to the live central on loopback."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.services.audit_chain import verify_audit_chain
from kiosk.services.complaints import log_complaint
from kiosk.services.counter import Counter
from kiosk.services.day_export import export_day
from kiosk.services.payments import cancel_receipt, record_payment
from kiosk.services.purge import REMOVED, purge_personal_data
from kiosk.services.runtime import database_path
from offline_queue import outbox
from tests.security.conftest import CONSUMER_MOBILE, LiveCounter
from tests.security.test_purge import OLD_MOBILE, PURGE_AT, RETENTION, _complaint
from tests.services.support import ADMIN, START, SUPERVISOR, upi

REASON = "Consumer Shanti Verma paid twice, call 9988776655"
DEAD_MOBILE = "9456780123"


@pytest.fixture
def leftovers(live_counter: LiveCounter) -> tuple[Counter, dict[str, str]]:
    """On 10 Jan 2026: a payment cancelled with a reason naming the consumer, a complaint,
    the day exported; a complaint the central refused (a dead letter). A recent day exported
    too. All synced but the dead letter; the clock ends 300 days after the first."""
    counter, clock = live_counter.counter, live_counter.clock
    made: dict[str, str] = {}
    paid = record_payment(counter, upi(500_00), confirm_second=True)
    made["receipt"] = paid.receipt_no
    made["cancel_event"] = cancel_receipt(
        counter, paid.receipt_no, reason=REASON, supervisor_id=SUPERVISOR
    ).event_id
    made["complaint"] = log_complaint(counter, _complaint(OLD_MOBILE)).local_no
    dead = log_complaint(counter, _complaint(DEAD_MOBILE))
    made["dead"] = dead.local_no
    outbox.settle(  # refused, as the sync engine records the central's verdict
        counter.conn,
        rejected=[outbox.Rejected(dead.event_id, "malformed", "no such feeder")],
        now=counter.now().timestamp(),
    )
    made["old_export"] = str(export_day(counter, SUPERVISOR, day=START.date()).path)
    clock.set(START + timedelta(days=250))
    made["recent_export"] = str(export_day(counter, SUPERVISOR).path)
    live_counter.sync()
    clock.set(PURGE_AT)
    return counter, made


def _file_bytes(counter: Counter) -> dict[str, bytes]:
    """The raw bytes of the database and its -wal / -journal files, as they are now."""
    path = database_path(counter.settings)
    names = (path.name, f"{path.name}-wal", f"{path.name}-journal")
    return {n: (path.parent / n).read_bytes() for n in names if (path.parent / n).exists()}


def test_no_copy_of_purged_data_stays_in_the_database_files(
    leftovers: tuple[Counter, dict[str, str]],
) -> None:
    counter, _made = leftovers
    before = _file_bytes(counter)
    # As on a build where it is off by default (Debian's SQLite has it on): the purge
    # turns it on for itself.
    counter.conn.execute("PRAGMA secure_delete = 0")
    assert any(OLD_MOBILE.encode() in raw for raw in before.values())

    result = purge_personal_data(counter, RETENTION, ADMIN)

    assert result.checkpointed
    # The connection's own setting is back: the payment path pays nothing for it.
    assert counter.conn.execute("PRAGMA secure_delete").fetchone() == (0,)
    files = _file_bytes(counter)  # the connection is still open
    assert files, "the database file is where the settings say"
    for gone in (OLD_MOBILE, REASON, "Shanti Verma", "9988776655"):
        assert all(gone.encode() not in raw for raw in files.values()), gone
    # The search can find what stays: the dead letter's mobile and the cache's.
    for kept in (DEAD_MOBILE, CONSUMER_MOBILE):
        assert any(kept.encode() in raw for raw in files.values()), kept


def test_a_cancellation_reason_goes_and_the_audit_chain_stays(
    leftovers: tuple[Counter, dict[str, str]],
) -> None:
    counter, made = leftovers
    conn = counter.conn
    (audited,) = conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'receipt.cancelled'"
    ).fetchone()
    assert json.loads(audited) == {"event_id": made["cancel_event"]}  # no free text

    result = purge_personal_data(counter, RETENTION, ADMIN)

    assert result.cancellations == 1
    status, reason, amount = conn.execute(
        "SELECT status, cancel_reason, amount_paise FROM payments WHERE receipt_no = ?",
        (made["receipt"],),
    ).fetchone()
    assert (status, reason, amount) == ("cancelled", REMOVED, 500_00)
    (slip,) = conn.execute(
        "SELECT body FROM print_jobs WHERE kind = 'cancellation' AND ref = ?", (made["receipt"],)
    ).fetchone()
    assert json.loads(slip)["reason"] == REMOVED
    (event,) = conn.execute(
        "SELECT body FROM outbox WHERE event_id = ?", (made["cancel_event"],)
    ).fetchone()
    assert json.loads(event)["payload"]["reason"] == REMOVED
    assert verify_audit_chain(conn).ok


def test_dead_letters_and_the_cache_keep_theirs_old_exports_go(
    leftovers: tuple[Counter, dict[str, str]],
) -> None:
    counter, made = leftovers
    conn = counter.conn
    assert REASON in Path(made["old_export"]).read_text(encoding="utf-8-sig")

    result = purge_personal_data(counter, RETENTION, ADMIN)

    assert result.exports == 1
    assert not Path(made["old_export"]).exists()
    assert Path(made["recent_export"]).exists()
    (dead,) = conn.execute(
        "SELECT mobile FROM complaints WHERE local_no = ?", (made["dead"],)
    ).fetchone()
    assert dead == DEAD_MOBILE  # not synced: the counter holds the only copy
    (cached,) = conn.execute("SELECT count(*) FROM consumers WHERE mobile = ?", (CONSUMER_MOBILE,))
    assert cached == (1,)
    (row,) = conn.execute("SELECT detail FROM audit_log WHERE action = 'records.purged'")
    assert json.loads(row[0])["exports"] == 1
    assert purge_personal_data(counter, RETENTION, ADMIN).total == 0
