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
- the outbox bodies of those records' synced events: the same fields in the payload;
- a cancellation's reason (free text a supervisor typed, which may name the consumer), once
  the cancellation is older than the cutoff and its event is synced: the payment's
  ``cancel_reason``, the cancellation slip's reason and the synced event's reason become
  :data:`REMOVED` (the payment row keeps its status, amounts, who cancelled and when);
- the day CSV files the counter wrote under ``<data_dir>/exports/`` (``day-YYYY-MM-DD*.csv``)
  for days before the cutoff: deleted. They are copies for the office, which keeps its own;
  the money stays in the database and a day can be exported again. A file exported to
  another path (``--out``) is not the counter's to find and stays.

The database files keep no copy: the purge runs with ``PRAGMA secure_delete = ON`` (freed
space is zeroed; only on the purge's connection, for the duration of the purge, so the
payment path pays nothing) and ends with ``PRAGMA wal_checkpoint(TRUNCATE)``, which moves
the write-ahead log into the database and empties it (:attr:`PurgeResult.checkpointed` is
False when another connection was reading at that moment: the old pages then leave the log
at the next checkpoint).

What stays: amounts, receipt and application numbers, dates, account numbers (a payment's
account is part of the money record and may not change), UPI / cheque / card references,
meter readings (a number and a photo digest, no photo), and:

- the audit log, never rewritten (that would break the hash chain). Its rows hold no names,
  mobiles or ID numbers. Rows written before this rule may hold a cancellation's reason or
  the central's reason for a refused event; since then a cancellation's audit row holds the
  cancellation event's id (the reason is in the payment and the event, purged as above)
  and a retried dead letter's row holds the central's code, not its free text;
- dead letters (events the central refused) and their records: not synced, so the counter
  holds the only copy, which the supervisor still has to sort out with the office; a record
  is purged only after its event is synced, also when the retry comes years later;
- the consumer cache (names, mobiles, addresses): the discom's master data, refreshed from
  the central by every sync and replaced as the central changes it, not a record of this
  counter's dealings; the counter needs it to take the next payment.

A record is purged only once its own event is synced (the central has it) and it was
recorded more than ``older_than_days`` ago. A record whose event is pending, dead or no
longer in the outbox is never touched. Everything happens in one transaction with one
``records.purged`` audit row holding the counts; a run that finds nothing writes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import IST, Counter
from kiosk.services.day_export import EXPORTS_FOLDER
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
    cancellations: int = 0  # cancellation reasons removed (payment, slip and event)
    exports: int = 0  # day CSV files deleted
    checkpointed: bool = True  # False: a reader kept old pages in the WAL for now

    @property
    def total(self) -> int:
        return (
            sum(self.records.values())
            + self.payment_slips
            + self.slips
            + self.events
            + self.cancellations
            + self.exports
        )


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


def _purge_cancellations(counter: Counter, cutoff: datetime) -> int:
    """Replace the reason of old, synced cancellations with REMOVED: in the payment, its
    cancellation slips and the synced event."""
    conn = counter.conn
    rows = conn.execute(
        "SELECT receipt_no, cancel_event_id, cancelled_at FROM payments"
        " WHERE status = 'cancelled' AND cancel_reason != ?",
        (REMOVED,),
    ).fetchall()
    purged = 0
    for receipt_no, event_id, cancelled_at in rows:
        if not _old(cancelled_at, cutoff) or not _synced(counter, event_id):
            continue
        conn.execute(
            "UPDATE payments SET cancel_reason = ? WHERE receipt_no = ?", (REMOVED, receipt_no)
        )
        slips = conn.execute(
            "SELECT id, body FROM print_jobs WHERE kind = 'cancellation' AND ref = ?",
            (receipt_no,),
        ).fetchall()
        for job_id, body in slips:
            doc = json.loads(bytes(body))
            if isinstance(doc, dict) and doc.get("reason") not in (None, REMOVED):
                doc["reason"] = REMOVED
                conn.execute(
                    "UPDATE print_jobs SET body = ? WHERE id = ?",
                    (json.dumps(doc, ensure_ascii=False).encode(), job_id),
                )
        (body,) = conn.execute("SELECT body FROM outbox WHERE event_id = ?", (event_id,)).fetchone()
        event = json.loads(body)
        payload = event.get("payload") if isinstance(event, dict) else None
        if isinstance(payload, dict) and "reason" in payload:
            payload["reason"] = REMOVED
            conn.execute(
                "UPDATE outbox SET body = ? WHERE event_id = ?",
                (
                    json.dumps(event, separators=(",", ":"), ensure_ascii=False, sort_keys=True),
                    event_id,
                ),
            )
        purged += 1
    return purged


_EXPORT_NAME = re.compile(r"day-(\d{4}-\d{2}-\d{2})(?:-\d+)?\.csv", re.ASCII)


def old_exports(counter: Counter, cutoff: datetime) -> list[Path]:
    """The counter's own day CSV files (``<data_dir>/exports``) for days before the cutoff."""
    folder = Path(counter.settings.storage.data_dir) / EXPORTS_FOLDER
    if not folder.is_dir():
        return []
    last_day = cutoff.astimezone(IST).date()
    found = []
    for path in sorted(folder.iterdir()):
        match = _EXPORT_NAME.fullmatch(path.name)
        if match is None or not path.is_file():
            continue
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            continue
        if day < last_day:
            found.append(path)
    return found


def purge_personal_data(counter: Counter, older_than_days: int, operator_id: str) -> PurgeResult:
    """Remove the personal data of synced records older than ``older_than_days`` (a
    admin's action, :mod:`kiosk.services.roles`); amounts, numbers, dates and the audit
    chain stay, and no copy stays in the database files (see the module)."""
    days = check_days(older_than_days)
    operator = require_role(counter, operator_id, "purge")
    now = counter.now()
    cutoff = now - timedelta(days=days)
    conn = counter.conn
    (secure,) = conn.execute("PRAGMA secure_delete").fetchone()
    conn.execute("PRAGMA secure_delete = ON")
    try:
        result = _purge(counter, operator, days, now, cutoff)
    finally:
        if secure == 0:  # back as it was (1 is on already, 2 is FAST)
            conn.execute("PRAGMA secure_delete = 0")
        elif secure == 2:
            conn.execute("PRAGMA secure_delete = 2")
    if not result.total:
        return result
    busy, _log, _moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return replace(result, checkpointed=busy == 0)


def _purge(
    counter: Counter, operator: str, days: int, now: datetime, cutoff: datetime
) -> PurgeResult:
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
            cancellations=_purge_cancellations(counter, cutoff),
        )
        exports = old_exports(counter, cutoff)
        for path in exports:
            path.unlink(missing_ok=True)  # past retention either way, if the rest rolls back
        result = replace(result, exports=len(exports))
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
                    "cancellations": result.cancellations,
                    "exports": result.exports,
                },
            )
    return result
