"""Removing the personal data of old, synced records (DPDP Act 2023: keep it no longer than
the purpose needs), while the money, the numbers and the audit chain stay whole.

What is personal, and what goes:

- complaints: description, mobile, location, landmark;
- scheme_registrations: mobile; the ID proof number unless it is an Aadhaar (stored only
  masked to its last four digits, which the schema's CHECK requires to stay in that form);
- connection_requests: applicant name, mobile, address, pincode; the ID proof as above;
- print_jobs of those records, of old synced payments and meter readings, and bill
  estimates printed before the cutoff: the slip's names, address, description and masked
  mobile / ID become :data:`REMOVED`, so a reprint still prints (amounts, receipt numbers,
  dates) and says plainly what it no longer shows;
- the outbox bodies of those records' synced events: the same fields in the payload.

What stays: amounts, receipt and application numbers, dates, account numbers (a payment's
account is part of the money record and may not change), UPI / cheque / card references,
a cancellation's reason, meter readings (a number and a photo digest, no photo), and the
audit log (its rows hold no names, mobiles or ID numbers; they do hold account numbers and
free-text reasons, and are never rewritten: that would break the hash chain). The consumer
cache is the central's current master data, refreshed by every sync: not a record of this
counter, not purged here.

A record is purged only once its own event is synced (the central has it) and it was
recorded more than ``older_than_days`` ago. A record whose event is pending, dead or no
longer in the outbox is never touched. Everything happens in one transaction with one
``records.purged`` audit row holding the counts; a run that finds nothing writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.recording import audit, operator_action
from kiosk.services.roles import require_role
from kiosk.store.db import utc_text

REMOVED = "(removed after retention)"
MIN_DAYS = 30
MAX_DAYS = 3650

# Per table: the personal columns, emptied. id_proof_ref is handled on its own (Aadhaar).
_PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "complaints": ("description", "mobile", "location", "landmark"),
    "scheme_registrations": ("mobile",),
    "connection_requests": ("applicant_name", "mobile", "address", "pincode"),
}
_HAS_ID_PROOF = ("scheme_registrations", "connection_requests")
# The same data as it appears in an event's payload.
_PAYLOAD_KEYS = frozenset(
    {"description", "mobile", "location", "landmark", "applicant_name", "address", "pincode"}
)
# The same data on a printed slip (see kiosk.printer.documents).
_SLIP_FIELDS = frozenset(
    {
        "consumer_name",
        "consumer_name_hi",
        "description",
        "mobile_masked",
        "applicant_name",
        "address",
        "pincode",
        "id_proof_masked",
        "location",
        "landmark",
    }
)


@dataclass(frozen=True)
class PurgeResult:
    older_than_days: int
    cutoff: datetime
    records: dict[str, int] = field(default_factory=dict)
    payment_slips: int = 0
    slips: int = 0
    events: int = 0

    @property
    def total(self) -> int:
        return sum(self.records.values()) + self.payment_slips + self.slips + self.events


def check_days(days: object) -> int:
    """The retention period in whole days, MIN_DAYS..MAX_DAYS."""
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise InvalidInput(
            "older than", f"must be a whole number of days from {MIN_DAYS} to {MAX_DAYS}"
        )
    return days


def _synced(counter: Counter, event_id: str) -> bool:
    row = counter.conn.execute(
        "SELECT status FROM outbox WHERE event_id = ?", (event_id,)
    ).fetchone()
    return row is not None and row[0] == "synced"


def _old(recorded_at: str, cutoff: datetime) -> bool:
    return datetime.fromisoformat(recorded_at) < cutoff


def _personal_left(table: str, row: dict[str, Any]) -> bool:
    if any(row[c] for c in _PERSONAL_COLUMNS[table]):
        return True
    return (
        table in _HAS_ID_PROOF and row["id_proof_type"] != "aadhaar" and bool(row["id_proof_ref"])
    )


def _purge_table(
    counter: Counter, table: str, cutoff: datetime
) -> tuple[int, list[str], list[str]]:
    """Empty the personal columns of old synced rows; (rows, their numbers, their events)."""
    conn = counter.conn
    columns = _PERSONAL_COLUMNS[table]
    extra = ", id_proof_type, id_proof_ref" if table in _HAS_ID_PROOF else ""
    names = ("id", "local_no", "event_id", "recorded_at", *columns)
    select = f"SELECT {', '.join(names)}{extra} FROM {table}"
    keys = names + (("id_proof_type", "id_proof_ref") if extra else ())
    purged, refs, events = 0, [], []
    for values in conn.execute(select).fetchall():
        row = dict(zip(keys, values, strict=True))
        if not _old(row["recorded_at"], cutoff) or not _synced(counter, row["event_id"]):
            continue
        refs.append(row["local_no"])
        events.append(row["event_id"])
        if not _personal_left(table, row):
            continue
        assignments = ", ".join(f"{c} = ''" for c in columns)
        if table in _HAS_ID_PROOF:
            assignments += (
                ", id_proof_ref = CASE WHEN id_proof_type = 'aadhaar' THEN id_proof_ref ELSE '' END"
            )
        conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (row["id"],))
        purged += 1
    return purged, refs, events


def _old_synced(counter: Counter, rows: list[tuple[str, str, str]], cutoff: datetime) -> list[str]:
    """The numbers of (number, event id, recorded at) rows that are old and synced."""
    return [r[0] for r in rows if _old(r[2], cutoff) and _synced(counter, r[1])]


def _jobs_for(counter: Counter, refs: list[str]) -> list[tuple[int, bytes]]:
    jobs: list[tuple[int, bytes]] = []
    for ref in refs:
        jobs += counter.conn.execute("SELECT id, body FROM print_jobs WHERE ref = ?", (ref,))
    return jobs


def _scrub_slips(counter: Counter, jobs: list[tuple[int, bytes]]) -> int:
    """Replace the personal fields of these slips' documents with REMOVED."""
    changed = 0
    for job_id, body in jobs:
        doc = json.loads(bytes(body))
        if not isinstance(doc, dict):
            continue
        hits = [k for k in _SLIP_FIELDS if doc.get(k) not in (None, "", REMOVED)]
        if not hits:
            continue
        doc |= dict.fromkeys(hits, REMOVED)
        counter.conn.execute(
            "UPDATE print_jobs SET body = ? WHERE id = ?",
            (json.dumps(doc, ensure_ascii=False).encode(), job_id),
        )
        changed += 1
    return changed


def _scrub_events(counter: Counter, event_ids: list[str]) -> int:
    changed = 0
    for event_id in event_ids:
        row = counter.conn.execute(
            "SELECT body FROM outbox WHERE event_id = ? AND status = 'synced'", (event_id,)
        ).fetchone()
        if row is None:
            continue
        event = json.loads(row[0])
        payload = event.get("payload") if isinstance(event, dict) else None
        if not isinstance(payload, dict):
            continue
        hits = [k for k in _PAYLOAD_KEYS if payload.get(k)]
        proof = payload.get("id_proof_type") not in (None, "aadhaar") and payload.get(
            "id_proof_ref"
        )
        if not hits and not proof:
            continue
        payload |= dict.fromkeys(hits, "")
        if proof:
            payload["id_proof_ref"] = ""
        counter.conn.execute(
            "UPDATE outbox SET body = ? WHERE event_id = ?",
            (
                json.dumps(event, separators=(",", ":"), ensure_ascii=False, sort_keys=True),
                event_id,
            ),
        )
        changed += 1
    return changed


def purge_personal_data(counter: Counter, older_than_days: int, operator_id: str) -> PurgeResult:
    """Remove the personal data of synced records older than ``older_than_days`` (a
    admin's action, :mod:`kiosk.services.roles`); amounts, numbers, dates and the audit
    chain stay."""
    days = check_days(older_than_days)
    operator = require_role(counter, operator_id, "purge")
    now = counter.now()
    cutoff = now - timedelta(days=days)
    with operator_action(counter):
        records: dict[str, int] = {}
        refs: list[str] = []
        events: list[str] = []
        for table in _PERSONAL_COLUMNS:
            records[table], table_refs, table_events = _purge_table(counter, table, cutoff)
            refs += table_refs
            events += table_events
        conn = counter.conn
        receipts = conn.execute("SELECT receipt_no, event_id, recorded_at FROM payments")
        payment_slips = _scrub_slips(
            counter, _jobs_for(counter, _old_synced(counter, receipts.fetchall(), cutoff))
        )
        readings = conn.execute("SELECT local_no, event_id, recorded_at FROM meter_readings")
        refs += _old_synced(counter, readings.fetchall(), cutoff)
        # A bill estimate is no record and sends no event: its slip goes by its age alone.
        estimates = conn.execute(
            "SELECT id, body FROM print_jobs WHERE kind = 'bill_estimate' AND created_at < ?",
            (utc_text(cutoff),),
        ).fetchall()
        result = PurgeResult(
            older_than_days=days,
            cutoff=cutoff,
            records=records,
            payment_slips=payment_slips,
            slips=_scrub_slips(counter, _jobs_for(counter, refs) + estimates),
            events=_scrub_events(counter, events),
        )
        if result.total:
            audit(
                counter,
                now=now,
                operator_id=operator,
                action="records.purged",
                ref=cutoff.date().isoformat(),
                detail={
                    "older_than_days": days,
                    **records,
                    "payment_slips": payment_slips,
                    "slips": result.slips,
                    "events": result.events,
                },
            )
    return result
