"""Events the central rejected: the supervisor sees why, and sends one again once fixed.

A rejected event is never dropped: the outbox keeps it as a dead letter with the central's
reason. Only a supervisor (or admin) sees the list and retries, and a retry is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.recording import audit, operator_action
from kiosk.services.roles import require_role
from offline_queue import outbox

# The payload fields that carry the counter's number for the record an event reports.
_REF_KEYS = ("receipt_no", "complaint_no", "registration_no")
# Events whose payload carries no number: the local record keeps it, by event id.
_REF_TABLES = {
    "reading.recorded": "SELECT local_no FROM meter_readings WHERE event_id = ?",
    "connection.requested": "SELECT local_no FROM connection_requests WHERE event_id = ?",
}


@dataclass(frozen=True)
class DeadLetterLine:
    event_id: str
    kind: str  # the event type, e.g. "payment.recorded"
    ref: str | None  # the receipt / complaint / registration number it reports
    reason: str  # the central's reason for rejecting it
    dead_at: datetime


def list_dead_letters(
    counter: Counter, operator_id: str, *, limit: int = 500
) -> list[DeadLetterLine]:
    """The rejected events, oldest first (supervisor or admin only: NotAllowed otherwise)."""
    require_role(counter, operator_id, "dead_letter.view")
    return [
        DeadLetterLine(
            event_id=dead.event_id,
            kind=dead.type,
            ref=_ref_of(counter, dead.type, dead.event_id, dead.body),
            reason=dead.reason or dead.code,
            dead_at=datetime.fromtimestamp(dead.dead_at, UTC),
        )
        for dead in outbox.dead_letters(counter.conn, limit=limit)
    ]


def retry_dead_letter(counter: Counter, event_id: str, *, supervisor_id: str) -> bool:
    """Send a rejected event again (after the central's side was fixed); audited.

    False when there is no such dead letter (already retried, or never rejected): nothing
    is written then.
    """
    supervisor = require_role(counter, supervisor_id, "dead_letter.retry", field="supervisor")
    wanted = (event_id or "").strip()
    if not wanted:
        raise InvalidInput("event", "is required")
    dead = _dead_letter(counter, wanted)
    if dead is None:
        return False
    now = counter.now()
    with operator_action(counter):
        if not outbox.requeue_dead(counter.conn, wanted):
            return False  # retried by someone else in the meantime: nothing was written
        audit(
            counter,
            now=now,
            operator_id=supervisor,
            action="event.requeued",
            ref=wanted,
            detail={
                "type": dead.type,
                "ref": _ref_of(counter, dead.type, dead.event_id, dead.body),
                # The code, not the central's free text (which may quote personal data):
                # an audit row is never rewritten (kiosk.services.purge).
                "code": dead.code,
            },
        )
    return True


def _dead_letter(counter: Counter, event_id: str) -> outbox.DeadLetter | None:
    found = outbox.result_of(counter.conn, event_id)
    if found is None or found[0] != "dead":
        return None
    # Dead letters are few: read them all through the outbox rather than its table.
    total = outbox.stats(counter.conn, now=counter.now().timestamp()).dead_lettered
    every = outbox.dead_letters(counter.conn, limit=max(1, total))
    return next((dead for dead in every if dead.event_id == event_id), None)


def _ref_of(counter: Counter, kind: str, event_id: str, body: dict[str, Any]) -> str | None:
    payload = body.get("payload")
    if isinstance(payload, dict):
        for key in _REF_KEYS:
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    sql = _REF_TABLES.get(kind)
    if sql is not None:
        row = counter.conn.execute(sql, (event_id,)).fetchone()
        if row is not None:
            return str(row[0])
    return None
