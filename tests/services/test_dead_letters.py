"""Rejected events: a supervisor sees the central's reason and sends one again, audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.complaints import ComplaintRequest, log_complaint
from kiosk.services.counter import Counter
from kiosk.services.dead_letters import DeadLetterLine, list_dead_letters, retry_dead_letter
from kiosk.services.errors import NotAllowed
from kiosk.services.payments import PaymentResult, record_payment
from kiosk.services.readings import record_reading
from kiosk.store.db import transaction
from offline_queue import outbox
from tests.services.factories import ACCOUNT
from tests.services.support import (
    OPERATOR,
    START,
    TODAY,
    FixedClock,
    add_staff,
    cash,
    count,
    db_state,
    disable_staff,
    row,
)

REASON = "amount_paise: the bill belongs to another discom"


def reject(counter: Counter, event_id: str, reason: str = REASON, code: str = "malformed") -> None:
    """The central's verdict, recorded the way the sync engine records it."""
    outbox.settle(
        counter.conn,
        rejected=[outbox.Rejected(event_id, code, reason)],
        now=counter.now().timestamp(),
    )


@pytest.fixture
def rejected(counter: Counter, clock: FixedClock) -> PaymentResult:
    """A payment the central rejected ten minutes after it was taken."""
    paid = record_payment(counter, cash(1_000_00))
    clock.advance(minutes=10)
    reject(counter, paid.event_id)
    return paid


def test_the_supervisor_sees_a_rejected_payment_with_the_centrals_reason(
    counter: Counter, rejected: PaymentResult, supervisor: str
) -> None:
    assert list_dead_letters(counter, supervisor) == [
        DeadLetterLine(
            event_id=rejected.event_id,
            kind="payment.recorded",
            ref=rejected.receipt_no,
            reason=REASON,
            dead_at=START + timedelta(minutes=10),
        )
    ]


def test_each_kind_of_event_names_its_record(
    counter: Counter, clock: FixedClock, supervisor: str
) -> None:
    complaint = log_complaint(
        counter,
        ComplaintRequest(
            category="no_supply",
            description="No power in the village since last night",
            mobile="9876543210",
            operator_id=OPERATOR,
            discom="MVVNL",
            account_no=ACCOUNT,
        ),
    )
    reading = record_reading(
        counter,
        discom="MVVNL",
        account_no=ACCOUNT,
        reading_kwh=4_512,
        read_on=TODAY,
        operator_id=OPERATOR,
    )
    paid = record_payment(counter, cash(1_000_00))
    # Rejected out of order; the list keeps the order the events were made in.
    reject(counter, paid.event_id, "bad payment")
    reject(counter, complaint.event_id, "", code="unknown_category")
    reject(counter, reading.event_id, "reading_kwh: below the last reading")

    lines = list_dead_letters(counter, supervisor)
    assert [(line.kind, line.ref, line.reason) for line in lines] == [
        ("complaint.logged", complaint.local_no, "unknown_category"),  # no text: the code
        ("reading.recorded", reading.local_no, "reading_kwh: below the last reading"),
        ("payment.recorded", paid.receipt_no, "bad payment"),
    ]


def test_an_event_without_a_known_record_has_no_ref(counter: Counter, supervisor: str) -> None:
    event = {"event_id": "evt-odd", "type": "reading.recorded", "payload": {}}
    with transaction(counter.conn):
        outbox.enqueue(counter.conn, event, now=counter.now().timestamp())
    reject(counter, "evt-odd", "payload: empty")
    [line] = list_dead_letters(counter, supervisor)
    assert (line.kind, line.ref, line.reason) == ("reading.recorded", None, "payload: empty")


def test_an_admin_sees_them_too(counter: Counter, rejected: PaymentResult) -> None:
    add_staff(counter, "ADM1", "admin")
    assert [line.event_id for line in list_dead_letters(counter, "ADM1")] == [rejected.event_id]


def test_nothing_rejected_is_an_empty_list(counter: Counter, supervisor: str) -> None:
    record_payment(counter, cash(1_000_00))
    assert list_dead_letters(counter, supervisor) == []


@pytest.mark.parametrize("who", ["OP2", "NOBODY", "SUP9"])
def test_an_operator_may_not_see_dead_letters(
    counter: Counter, rejected: PaymentResult, who: str
) -> None:
    add_staff(counter, "OP2", "operator")
    add_staff(counter, "SUP9", "supervisor")
    disable_staff(counter, "SUP9")
    with pytest.raises(NotAllowed):
        list_dead_letters(counter, who)


# --- retry ------------------------------------------------------------------------------


def test_a_retry_sends_the_event_again_and_is_audited(
    counter: Counter,
    rejected: PaymentResult,
    supervisor: str,
    clock: FixedClock,
    wakes: list[datetime],
) -> None:
    clock.advance(hours=1)
    wakes.clear()
    assert retry_dead_letter(counter, f" {rejected.event_id} ", supervisor_id=supervisor) is True

    assert outbox.result_of(counter.conn, rejected.event_id) == ("pending", {})
    [due] = outbox.claim(counter.conn, limit=10, now=clock().timestamp())
    assert due.event_id == rejected.event_id
    assert list_dead_letters(counter, supervisor) == []
    audit = row(counter, "SELECT * FROM audit_log WHERE action = 'event.requeued'")
    assert (audit["ref"], audit["operator_id"], audit["at"]) == (
        rejected.event_id,
        supervisor,
        clock().isoformat(),
    )
    assert json.loads(audit["detail"]) == {
        "type": "payment.recorded",
        "ref": rejected.receipt_no,
        "code": "malformed",
    }  # not the central's free text: an audit row is never purged
    assert wakes == [clock()], "the sync engine is woken to send it"


def test_a_retried_event_rejected_again_shows_the_new_reason(
    counter: Counter, rejected: PaymentResult, supervisor: str, clock: FixedClock
) -> None:
    retry_dead_letter(counter, rejected.event_id, supervisor_id=supervisor)
    clock.advance(minutes=1)
    reject(counter, rejected.event_id, "still wrong")
    [line] = list_dead_letters(counter, supervisor)
    assert (line.reason, line.dead_at) == ("still wrong", clock().astimezone(UTC))


def test_retrying_what_is_not_a_dead_letter_writes_nothing(
    counter: Counter, rejected: PaymentResult, supervisor: str, wakes: list[datetime]
) -> None:
    retry_dead_letter(counter, rejected.event_id, supervisor_id=supervisor)
    pending = record_payment(counter, cash(1_000_00, account_no="2222222222"))
    wakes.clear()
    before = db_state(counter)
    for event_id in (rejected.event_id, pending.event_id, "no-such-event", "' OR 1=1 --"):
        assert retry_dead_letter(counter, event_id, supervisor_id=supervisor) is False
    assert db_state(counter) == before
    assert count(counter, "audit_log", "action = 'event.requeued'") == 1
    assert wakes == []


@pytest.mark.parametrize("who", ["OP2", "NOBODY", OPERATOR])
def test_an_operator_may_not_retry(counter: Counter, rejected: PaymentResult, who: str) -> None:
    add_staff(counter, "OP2", "operator")
    before = db_state(counter)
    with pytest.raises(NotAllowed):
        retry_dead_letter(counter, rejected.event_id, supervisor_id=who)
    assert db_state(counter) == before
    assert outbox.result_of(counter.conn, rejected.event_id) == ("dead", {})


def test_a_blank_event_id_is_refused(counter: Counter, supervisor: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        retry_dead_letter(counter, "  ", supervisor_id=supervisor)
    assert caught.value.field == "event"
