"""Taking in a batch of events: validate each alone, deduplicate, apply the business rules.

Rules that protect money (ARCHITECTURE.md): a payment is ALWAYS accepted; facts the
central notices (bill already paid, consumer unknown) come back as flags in ``refs``
(``"1"`` when set). Only a payment with purpose ``bill`` can be a ``credit``; only it
appears in the consumer's ``recent_payments``.
Only malformed events are rejected. A repeat of a stored event returns the stored result
as ``duplicate``; the same event_id with other content is rejected ``event_id_conflict``.

Reason codes of ``rejected`` results: ``malformed``, ``unknown_type``, ``invalid_payload``,
``counter_mismatch``, ``event_id_conflict``. Reasons never carry input values.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pydantic_core
from pydantic import BaseModel, ValidationError

from central.auth import CounterAuth
from central.clock import ist_day, wire_time
from central.db import CentralDB, dumps
from central.discoms import canonical_discom
from kiosk.domain.events import EVENT_TYPES, Envelope, ReceiptCancelled, read_payload
from kiosk.domain.models import (
    Complaint,
    ConnectionRequest,
    MeterReading,
    Payment,
    Recharge,
    SchemeRegistration,
)
from offline_queue.protocol import EventResult

REJECT_CODES = (
    "malformed",
    "unknown_type",
    "invalid_payload",
    "counter_mismatch",
    "event_id_conflict",
)
RECENT_PAYMENTS = 10
_MAX_REASONS = 8
_MAX_REASON_LENGTH = 500
# Domain messages may end in ", got '<what was typed>'": cut that off, it may be personal data.
_ECHO = re.compile(r",? got ['\"].*$", re.DOTALL)


def scrub(message: str) -> str:
    """A validation message without the quoted input some domain messages end with."""
    return _ECHO.sub("", message)


def describe_errors(exc: ValidationError, prefix: str = "") -> str:
    """``field.path: message; ...`` from a ValidationError, without any input values."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:_MAX_REASONS]:
        path = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
        message = scrub(str(error["msg"]))
        parts.append(f"{path}: {message}" if path else message)
    extra = len(exc.errors()) - _MAX_REASONS
    if extra > 0:
        parts.append(f"and {extra} more")
    return "; ".join(parts)[:_MAX_REASON_LENGTH]


def event_hash(raw: dict[str, Any]) -> str:
    """sha256 of the canonical JSON (sorted keys, compact) of the whole event as sent."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Checked:
    """One event after validation, before it meets the database."""

    raw: dict[str, Any]
    event_id: str  # as the counter sent it: results echo it so the counter can match them
    key: str = ""  # the canonical UUID the events table is keyed by
    envelope: Envelope | None = None
    payload: BaseModel | None = None
    code: str | None = None
    reason: str | None = None


def check_event(raw: dict[str, Any], counter: CounterAuth) -> Checked:
    """Validate one event alone; never raises for bad input."""
    raw_id = raw.get("event_id")
    shown_id = raw_id[:100] if isinstance(raw_id, str) else ""
    try:
        envelope = Envelope.model_validate(raw)
    except ValidationError as exc:
        return Checked(raw, shown_id, code="malformed", reason=describe_errors(exc))
    key = str(envelope.event_id)
    if envelope.counter_id != counter.counter_id:
        return Checked(
            raw,
            shown_id,
            key,
            envelope,
            code="counter_mismatch",
            reason="counter_id: is not the counter this token belongs to",
        )
    if envelope.type not in EVENT_TYPES:
        known = ", ".join(EVENT_TYPES)
        reason = f"type: must be one of {known}"
        return Checked(raw, shown_id, key, envelope, code="unknown_type", reason=reason)
    try:
        payload = read_payload(envelope)
    except ValidationError as exc:
        reason = describe_errors(exc, prefix="payload")
        return Checked(raw, shown_id, key, envelope, code="invalid_payload", reason=reason)
    return Checked(raw, shown_id, key, envelope, payload)


@dataclass
class BatchOutcome:
    results: list[EventResult]
    conflict: bool


def ingest_batch(
    db: CentralDB, events: Sequence[dict[str, Any]], counter: CounterAuth, received_at: datetime
) -> BatchOutcome:
    """Validate every event, then apply them all in ONE transaction (all or nothing)."""
    with _cyclic_gc_paused():
        return _ingest(db, events, counter, received_at)


def _ingest(
    db: CentralDB, events: Sequence[dict[str, Any]], counter: CounterAuth, received_at: datetime
) -> BatchOutcome:
    checked = [check_event(raw, counter) for raw in events]
    results: list[EventResult] = []
    conflict = False
    with db.write() as conn:
        applier = _Applier(db, conn, counter, received_at)
        applier.look_ahead(checked)
        for item in checked:
            result = applier.apply(item)
            conflict = conflict or result.code == "event_id_conflict"
            results.append(result)
        applier.finish()
    return BatchOutcome(results, conflict)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is checked and applied (tens of ms).

    A batch of 500 keeps thousands of small objects alive to its end, which made full
    collections walk the whole heap mid-batch; they hold no reference cycles and go by
    reference counting when :func:`_ingest` returns, before the collector resumes, as it
    was (it stays off if something else turned it off; with concurrent batches it is
    back on when the first one ends).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rejected(event_id: str, code: str, reason: str, received_at: datetime) -> EventResult:
    return EventResult(
        event_id=event_id, status="rejected", code=code, reason=reason, received_at=received_at
    )


class _Applier:
    """Applies checked events inside one open write transaction, then :meth:`finish`.

    The sequences a batch takes are counted in memory: each is read once and stored
    once, by :meth:`finish`, before the transaction commits. :meth:`look_ahead` notes
    which of the batch's event ids and receipt numbers the database already has, so the
    per-event lookups run only where they can find something.
    """

    def __init__(
        self, db: CentralDB, conn: sqlite3.Connection, counter: CounterAuth, received_at: datetime
    ) -> None:
        self.db = db
        self.conn = conn
        self.counter = counter
        self.received_at = received_at
        self.received_text = wire_time(received_at)
        self._sequences: dict[str, int] = {}
        # Supersets, kept up to date as the batch goes: the event ids stored, this
        # counter's receipt numbers with a payment, and those with a cancellation that
        # waits for its payment. Not in the set: the lookup would find nothing.
        self._known_events: set[str] = set()
        self._paid_receipts: set[str] = set()
        self._pending_cancellations: set[str] = set()
        self.handlers: dict[type[BaseModel], Callable[[Any], dict[str, str]]] = {
            Payment: self._payment,
            ReceiptCancelled: self._cancellation,
            Complaint: self._complaint,
            SchemeRegistration: self._registration,
            Recharge: self._recharge,
            MeterReading: self._reading,
            ConnectionRequest: self._connection,
        }

    def look_ahead(self, checked: Sequence[Checked]) -> None:
        """One query each for the batch: which event ids and receipts are known."""
        keys = [item.key for item in checked if item.key]
        receipts = [
            item.payload.receipt_no for item in checked if isinstance(item.payload, Payment)
        ]
        self._known_events = self._found(
            "SELECT event_id FROM events WHERE event_id IN (SELECT value FROM json_each(?))",
            keys,
        )
        if not receipts:
            return
        self._paid_receipts = self._found(
            "SELECT receipt_no FROM payments"
            " WHERE receipt_no IN (SELECT value FROM json_each(?)) AND counter_id = ?",
            receipts,
            self.counter.counter_id,
        )
        self._pending_cancellations = self._found(
            "SELECT receipt_no FROM cancellations"
            " WHERE receipt_no IN (SELECT value FROM json_each(?)) AND counter_id = ?"
            " AND payment_ref IS NULL",
            receipts,
            self.counter.counter_id,
        )

    def _found(self, sql: str, values: list[str], *params: str) -> set[str]:
        """The first column of ``sql`` run with ``values`` as a JSON array, then ``params``."""
        if not values:
            return set()
        return {str(row[0]) for row in self.conn.execute(sql, (dumps(values), *params))}

    def apply(self, item: Checked) -> EventResult:
        envelope = item.envelope
        if envelope is None or item.code == "counter_mismatch":
            return _rejected(
                item.event_id, item.code or "malformed", item.reason or "", self.received_at
            )
        digest = event_hash(item.raw)
        stored = None
        if item.key in self._known_events:
            stored = self.conn.execute(
                "SELECT payload_sha256, result FROM events WHERE event_id = ?", (item.key,)
            ).fetchone()
        if stored is not None:
            if stored["payload_sha256"] != digest:
                return _rejected(
                    item.event_id,
                    "event_id_conflict",
                    "event_id: was already used for an event with different content",
                    self.received_at,
                )
            first = EventResult.model_validate_json(stored["result"])
            return first.model_copy(update={"status": "duplicate"})
        if item.code is not None or item.payload is None:
            return _rejected(
                item.event_id, item.code or "malformed", item.reason or "", self.received_at
            )
        refs = self.handlers[type(item.payload)](_Event(envelope, item.payload))
        result = EventResult(
            event_id=item.event_id, status="accepted", refs=refs, received_at=self.received_at
        )
        self.conn.execute(
            "INSERT INTO events (event_id, payload_sha256, type, counter_id, operator_id,"
            " recorded_at, received_at, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.key,
                digest,
                envelope.type,
                envelope.counter_id,
                envelope.operator_id,
                wire_time(envelope.recorded_at),
                self.received_text,
                result.model_dump_json(),
            ),
        )
        self._known_events.add(item.key)
        return result

    # --- helpers -----------------------------------------------------------------------

    def _next(self, name: str) -> int:
        value = self._sequences.get(name)
        if value is None:
            row = self.conn.execute("SELECT value FROM sequences WHERE name = ?", (name,))
            found = row.fetchone()
            if found is None:
                raise KeyError(f"no sequence {name!r}")
            value = int(found[0])
        self._sequences[name] = value + 1
        return value + 1

    def finish(self) -> None:
        """Store the sequences this batch took."""
        self.conn.executemany(
            "UPDATE sequences SET value = ? WHERE name = ?",
            [(value, name) for name, value in self._sequences.items()],
        )

    def _consumer(self, discom: str | None, account_no: str) -> dict[str, Any] | None:
        """The stored snapshot; without a discom, the account's (this counter's discoms first)."""
        if discom is not None:
            row = self.conn.execute(
                "SELECT snapshot FROM consumers WHERE discom = ? AND account_no = ?",
                (discom, account_no),
            ).fetchone()
            return None if row is None else _loads(row[0])
        rows = self.conn.execute(
            "SELECT discom, snapshot FROM consumers WHERE account_no = ? ORDER BY discom",
            (account_no,),
        ).fetchall()
        mine = [row for row in rows if self.counter.may_read(row["discom"])]
        chosen = (mine or rows or [None])[0]
        return None if chosen is None else _loads(chosen["snapshot"])

    def _prefix(self, snapshot: dict[str, Any] | None) -> str:
        if snapshot is not None:
            return str(snapshot["consumer"]["discom"])
        if len(self.counter.discoms) == 1:
            return self.counter.discoms[0]
        return "UP"

    def _save(self, snapshot: dict[str, Any]) -> None:
        snapshot["updated_at"] = self.received_text
        self.db.update_snapshot(self.conn, snapshot, self._next("consumer"))

    # --- one handler per event type ----------------------------------------------------

    def _payment(self, event: _Event) -> dict[str, str]:
        payment: Payment = event.payload
        discom = canonical_discom(payment.discom)
        snapshot = None if discom is None else self._consumer(discom, payment.account_no)
        central_ref = f"{discom or 'UP'}-PAY-{self._next('payment'):09d}"
        refs = {"central_ref": central_ref}
        day = ist_day(payment.recorded_at).isoformat()
        counter_id = event.envelope.counter_id
        if (
            payment.receipt_no in self._paid_receipts
            and self.conn.execute(
                "SELECT 1 FROM payments WHERE receipt_no = ? AND counter_id = ?",
                (payment.receipt_no, counter_id),
            ).fetchone()
        ):
            refs["duplicate_receipt"] = "1"
        # Only a bill payment can overpay: a scheme fee or a recharge is never a credit.
        for_bill = payment.purpose == "bill"
        if snapshot is None:
            refs["unknown_consumer"] = "1"
            if for_bill:
                refs["credit"] = "1"
        elif for_bill and self._bill_already_paid(snapshot):
            refs["credit"] = "1"
        pending = None
        if payment.receipt_no in self._pending_cancellations:
            pending = self.conn.execute(
                "SELECT id FROM cancellations WHERE receipt_no = ? AND counter_id = ?"
                " AND payment_ref IS NULL ORDER BY id LIMIT 1",
                (payment.receipt_no, counter_id),
            ).fetchone()
        if pending is not None:
            refs["cancelled"] = "1"
            self.conn.execute(
                "UPDATE cancellations SET payment_ref = ? WHERE id = ?", (central_ref, pending[0])
            )
        self.conn.execute(
            "INSERT INTO payments (central_ref, event_id, receipt_no, counter_id, operator_id,"
            " discom, account_no, bill_no, amount_paise, mode, purpose, recorded_at, day,"
            " credit, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                central_ref,
                str(event.envelope.event_id),
                payment.receipt_no,
                counter_id,
                payment.operator_id,
                discom or payment.discom,
                payment.account_no,
                payment.bill_no,
                payment.amount_paise,
                payment.details.mode,
                payment.purpose,
                wire_time(payment.recorded_at),
                day,
                int("credit" in refs),
                int(pending is not None),
            ),
        )
        self._paid_receipts.add(payment.receipt_no)
        if snapshot is not None and pending is None and for_bill:
            entry = {
                "receipt_no": payment.receipt_no,
                "paid_on": day,
                "amount_paise": payment.amount_paise,
                "mode": payment.details.mode,
            }
            snapshot["recent_payments"] = [entry, *snapshot.get("recent_payments", [])][
                :RECENT_PAYMENTS
            ]
            self._save(snapshot)
        return refs

    def _bill_already_paid(self, snapshot: dict[str, Any]) -> bool:
        """True when nothing is due: no bill, or earlier payments cover the current bill."""
        bill = snapshot.get("bill")
        if not bill:
            return True
        due = bill["current_paise"] + bill["arrears_paise"] + bill["surcharge_paise"]
        consumer = snapshot["consumer"]
        paid = self.conn.execute(
            "SELECT coalesce(sum(amount_paise), 0) FROM payments"
            " WHERE discom = ? AND account_no = ? AND cancelled = 0 AND purpose = 'bill'"
            " AND (day >= ? OR bill_no = ?)",
            (consumer["discom"], consumer["account_no"], bill["issued_on"], bill["bill_no"]),
        ).fetchone()[0]
        return int(paid) >= due

    def _cancellation(self, event: _Event) -> dict[str, str]:
        cancel: ReceiptCancelled = event.payload
        counter_id = event.envelope.counter_id
        payment = self.conn.execute(
            "SELECT id, central_ref, discom, account_no, cancelled FROM payments"
            " WHERE receipt_no = ? AND counter_id = ? ORDER BY cancelled, id LIMIT 1",
            (cancel.receipt_no, counter_id),
        ).fetchone()
        known = canonical_discom(payment["discom"]) if payment is not None else None
        central_ref = f"{known or 'UP'}-CAN-{self._next('cancellation'):09d}"
        refs = {"central_ref": central_ref}
        if payment is None:
            refs["unknown_receipt"] = "1"
        else:
            refs["payment_ref"] = payment["central_ref"]
            if payment["cancelled"]:
                refs["already_cancelled"] = "1"
            else:
                self.conn.execute("UPDATE payments SET cancelled = 1 WHERE id = ?", (payment[0],))
                self._forget_payment(payment["discom"], payment["account_no"], cancel.receipt_no)
        self.conn.execute(
            "INSERT INTO cancellations (central_ref, event_id, receipt_no, counter_id,"
            " supervisor_id, reason, cancelled_at, payment_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                central_ref,
                str(event.envelope.event_id),
                cancel.receipt_no,
                counter_id,
                cancel.supervisor_id,
                cancel.reason,
                wire_time(cancel.cancelled_at),
                None if payment is None else payment["central_ref"],
            ),
        )
        if payment is None:
            self._pending_cancellations.add(cancel.receipt_no)
        return refs

    def _forget_payment(self, discom: str, account_no: str, receipt_no: str) -> None:
        snapshot = self._consumer(discom, account_no)
        if snapshot is None:
            return
        recent = snapshot.get("recent_payments", [])
        kept = [entry for entry in recent if entry["receipt_no"] != receipt_no]
        if len(kept) != len(recent):
            snapshot["recent_payments"] = kept
            self._save(snapshot)

    def _complaint(self, event: _Event) -> dict[str, str]:
        complaint: Complaint = event.payload
        snapshot = None
        if complaint.account_no is not None:
            snapshot = self._consumer(None, complaint.account_no)
        number = f"{self._prefix(snapshot)}-CMP-{self._next('complaint'):08d}"
        self.conn.execute(
            "INSERT INTO complaints (complaint_no, local_no, event_id, counter_id, account_no,"
            " category, status, logged_at, updated_at, payload)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                complaint.complaint_no,
                str(event.envelope.event_id),
                event.envelope.counter_id,
                complaint.account_no,
                complaint.category,
                complaint.status,
                wire_time(complaint.recorded_at),
                self.received_text,
                complaint.model_dump_json(),
            ),
        )
        return {"complaint_no": number}

    def _registration(self, event: _Event) -> dict[str, str]:
        registration: SchemeRegistration = event.payload
        number = f"BBRY-{self._next('registration'):08d}"
        self.conn.execute(
            "INSERT INTO registrations (registration_no, event_id, counter_id, account_no,"
            " scheme_code, case_type, option, registered_on, registration_fee_paise,"
            " payable_paise, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                str(event.envelope.event_id),
                event.envelope.counter_id,
                registration.account_no,
                registration.scheme_code,
                str(registration.case),
                registration.option,
                registration.registered_on.isoformat(),
                registration.registration_fee_paise,
                registration.payable_paise,
                registration.model_dump_json(),
            ),
        )
        return {"registration_no": number}

    def _recharge(self, event: _Event) -> dict[str, str]:
        recharge: Recharge = event.payload
        snapshot = self._consumer(None, recharge.account_no)
        central_ref = f"{self._prefix(snapshot)}-RCH-{self._next('recharge'):09d}"
        refs = {"central_ref": central_ref}
        if snapshot is None:
            refs["unknown_consumer"] = "1"
        elif snapshot["consumer"]["meter_type"] != "prepaid":
            refs["not_prepaid"] = "1"
        else:
            balance = snapshot.get("prepaid_balance_paise") or 0
            snapshot["prepaid_balance_paise"] = balance + recharge.amount_paise
            self._save(snapshot)
        self.conn.execute(
            "INSERT INTO recharges (central_ref, event_id, counter_id, discom, account_no,"
            " receipt_no, amount_paise, recorded_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                central_ref,
                str(event.envelope.event_id),
                event.envelope.counter_id,
                None if snapshot is None else snapshot["consumer"]["discom"],
                recharge.account_no,
                recharge.receipt_no,
                recharge.amount_paise,
                wire_time(recharge.recorded_at),
                ist_day(recharge.recorded_at).isoformat(),
            ),
        )
        return refs

    def _reading(self, event: _Event) -> dict[str, str]:
        reading: MeterReading = event.payload
        snapshot = self._consumer(None, reading.account_no)
        central_ref = f"{self._prefix(snapshot)}-RDG-{self._next('reading'):09d}"
        refs = {"central_ref": central_ref}
        if snapshot is None:
            refs["unknown_consumer"] = "1"
        self.conn.execute(
            "INSERT INTO readings (central_ref, event_id, counter_id, discom, account_no,"
            " reading_kwh, read_on, photo_sha256, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                central_ref,
                str(event.envelope.event_id),
                event.envelope.counter_id,
                None if snapshot is None else snapshot["consumer"]["discom"],
                reading.account_no,
                reading.reading_kwh,
                reading.read_on.isoformat(),
                reading.photo_sha256,
                wire_time(reading.recorded_at),
            ),
        )
        return refs

    def _connection(self, event: _Event) -> dict[str, str]:
        request: ConnectionRequest = event.payload
        number = f"NC-{self._next('connection'):08d}"
        self.conn.execute(
            "INSERT INTO connection_requests (application_no, event_id, counter_id, category,"
            " pincode, recorded_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                str(event.envelope.event_id),
                event.envelope.counter_id,
                request.category,
                request.pincode,
                wire_time(request.recorded_at),
                dumps(request.model_dump(mode="json")),
            ),
        )
        return {"application_no": number}


def _loads(snapshot_json: str) -> dict[str, Any]:
    loaded: dict[str, Any] = pydantic_core.from_json(snapshot_json)
    return loaded


@dataclass(frozen=True)
class _Event:
    envelope: Envelope
    payload: Any
