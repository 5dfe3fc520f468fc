"""A day's payments at this counter, read once for the office's CSV and for reconciling.

The CSV is for the sub-division office: every payment of the day, cancelled ones too,
with its receipt number, time in India, consumer, mode and reference, the amount in
rupees written exactly from paise (``1234.50``), its status and whether the central has
it (with the central's reference). It is written as UTF-8 with a byte-order mark so a
spreadsheet shows Hindi names, under ``<data_dir>/exports/`` unless another path is
given, and an existing file is never overwritten: the default name gets ``-2``, ``-3``...
and a given path that exists is refused. The export is audited (it carries personal
data out of the counter's database).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import to_decimal
from kiosk.services.counter import IST, Counter
from kiosk.services.recording import audit, operator_action
from kiosk.services.roles import require_role

SyncState = Literal["synced", "pending", "refused"]
EXPORTS_FOLDER = "exports"
MAX_NUMBERED = 999  # day-2026-01-10-999.csv, then the folder wants tidying

# A spreadsheet runs a cell that starts with one of these as a formula: such text is
# written with a leading apostrophe (OWASP's advice for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_RECEIPT_SLIPS = "('payment', 'recharge')"
# Created only if absent (never replacing a file); binary on Windows (no newline rewriting).
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)

# The names are the ones printed on the receipt (saved with its print job in the
# payment's commit); the consumer cache is the fallback. An event missing from the outbox
# was synced and then purged (only synced events are purged).
_DAY_PAYMENTS = f"""
SELECT
    p.receipt_no,
    p.recorded_at,
    p.discom,
    p.account_no,
    COALESCE(NULLIF(json_extract(CAST(j.body AS TEXT), '$.consumer_name'), ''), c.name, ''),
    COALESCE(NULLIF(json_extract(CAST(j.body AS TEXT), '$.consumer_name_hi'), ''),
        c.name_hi, ''),
    p.purpose,
    p.mode,
    p.reference,
    p.amount_paise,
    p.status,
    p.cancelled_at,
    p.cancel_reason,
    p.cancelled_by,
    p.operator_id,
    p.shift_id,
    COALESCE(o.status, 'synced'),
    json_extract(o.refs, '$.central_ref'),
    CASE WHEN p.cancel_event_id IS NULL THEN NULL ELSE COALESCE(x.status, 'synced') END
FROM payments p
LEFT JOIN print_jobs j ON j.id = (
    SELECT MIN(id) FROM print_jobs WHERE ref = p.receipt_no AND kind IN {_RECEIPT_SLIPS}
)
LEFT JOIN consumers c ON c.discom = p.discom AND c.account_no = p.account_no
LEFT JOIN outbox o ON o.event_id = p.event_id
LEFT JOIN outbox x ON x.event_id = p.cancel_event_id
WHERE p.counter_id = :counter AND p.day = :day
    AND p.receipt_no >= :first AND p.receipt_no < :after
ORDER BY p.id
"""

COLUMNS = (
    "receipt_no",
    "date",
    "time_ist",
    "discom",
    "account_no",
    "consumer_name",
    "consumer_name_hi",
    "purpose",
    "mode",
    "reference",
    "amount_rupees",
    "status",
    "cancelled_at_ist",
    "cancel_reason",
    "cancelled_by",
    "operator_id",
    "shift",
    "sync",
    "central_ref",
    "cancel_sync",
)


@dataclass(frozen=True, slots=True)
class DayPayment:
    receipt_no: str
    recorded_at: datetime
    discom: str
    account_no: str
    consumer_name: str
    consumer_name_hi: str
    purpose: str
    mode: str
    reference: str | None
    amount_paise: int
    status: Literal["active", "cancelled"]
    cancelled_at: datetime | None
    cancel_reason: str | None
    cancelled_by: str | None
    operator_id: str
    shift_id: int | None
    sync: SyncState  # the payment's own event
    central_ref: str | None  # the central's reference once synced (None if purged)
    cancel_sync: SyncState | None  # the cancellation's event, for a cancelled payment


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    day: date
    rows: int
    valid_paise: int
    cancelled: int


def _sync_state(status: str) -> SyncState:
    return {"pending": "pending", "dead": "refused"}.get(status, "synced")  # type: ignore[return-value]


def check_day(counter: Counter, day: date | None) -> date:
    """The counter's business day by default; a future day has nothing to show."""
    today = counter.today()
    if day is None:
        return today
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidInput("date", "must be a calendar day such as 2026-01-10")
    if day > today:
        raise InvalidInput("date", f"{day:%Y-%m-%d} is in the future (today is {today:%Y-%m-%d})")
    return day


def day_payments(counter: Counter, day: date) -> list[DayPayment]:
    """Every payment of ``day`` at this counter, cancelled ones too, oldest first.

    The day's receipt numbers share the prefix ``{counter_id}-{YYYYMMDD}-``, so the
    unique index on receipt_no finds them without reading other days ("." sorts right
    after "-").
    """
    prefix = f"{counter.counter_id}-{day:%Y%m%d}"
    params = {
        "counter": counter.counter_id,
        "day": day.isoformat(),
        "first": f"{prefix}-",
        "after": f"{prefix}.",
    }
    found = []
    for row in counter.conn.execute(_DAY_PAYMENTS, params):
        (receipt_no, recorded_at, discom, account_no, name, name_hi, purpose, mode) = row[:8]
        (reference, amount, status, cancelled_at, reason, cancelled_by, operator) = row[8:15]
        (shift_id, sync, central_ref, cancel_sync) = row[15:]
        found.append(
            DayPayment(
                receipt_no=receipt_no,
                recorded_at=datetime.fromisoformat(recorded_at),
                discom=discom,
                account_no=account_no,
                consumer_name=name or "",
                consumer_name_hi=name_hi or "",
                purpose=purpose,
                mode=mode,
                reference=reference,
                amount_paise=int(amount),
                status="cancelled" if status == "cancelled" else "active",
                cancelled_at=datetime.fromisoformat(cancelled_at) if cancelled_at else None,
                cancel_reason=reason,
                cancelled_by=cancelled_by,
                operator_id=operator,
                shift_id=None if shift_id is None else int(shift_id),
                sync=_sync_state(sync),
                central_ref=central_ref,
                cancel_sync=None if cancel_sync is None else _sync_state(cancel_sync),
            )
        )
    return found


def rupees_text(amount_paise: int) -> str:
    """``123450`` -> ``1234.50``: exact (Decimal), no grouping commas, for spreadsheets."""
    return f"{to_decimal(amount_paise):.2f}"


def _cell(text: str | None) -> str:
    value = text or ""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _ist(moment: datetime | None, pattern: str) -> str:
    return "" if moment is None else moment.astimezone(IST).strftime(pattern)


def csv_rows(payments: Iterable[DayPayment]) -> list[list[str]]:
    rows = [list(COLUMNS)]
    for p in payments:
        rows.append(
            [
                p.receipt_no,
                _ist(p.recorded_at, "%Y-%m-%d"),
                _ist(p.recorded_at, "%H:%M:%S"),
                p.discom,
                p.account_no,
                _cell(p.consumer_name),
                _cell(p.consumer_name_hi),
                p.purpose,
                p.mode,
                _cell(p.reference),
                rupees_text(p.amount_paise),
                p.status,
                _ist(p.cancelled_at, "%Y-%m-%d %H:%M:%S"),
                _cell(p.cancel_reason),
                p.cancelled_by or "",
                p.operator_id,
                "" if p.shift_id is None else str(p.shift_id),
                p.sync,
                p.central_ref or "",
                p.cancel_sync or "",
            ]
        )
    return rows


def default_export_path(counter: Counter, day: date) -> Path:
    """``<data_dir>/exports/day-YYYY-MM-DD.csv``, or the first ``-N`` name that is free."""
    folder = Path(counter.settings.storage.data_dir) / EXPORTS_FOLDER
    base = f"day-{day:%Y-%m-%d}"
    for n in range(1, MAX_NUMBERED + 1):
        candidate = folder / (f"{base}.csv" if n == 1 else f"{base}-{n}.csv")
        if not candidate.exists():
            return candidate
    raise InvalidInput("out", f"{folder} already holds {MAX_NUMBERED} exports of {day}: tidy it")


def export_day(
    counter: Counter,
    operator_id: str,
    *,
    day: date | None = None,
    out: Path | None = None,
) -> ExportResult:
    """Write the day's payments to a new CSV file; refuse to overwrite one that exists.

    One audited action: the rows are read and the file written inside the audit row's
    transaction, and a file written for an action that then fails is removed.
    """
    operator = require_role(counter, operator_id, "day.export")
    wanted = check_day(counter, day)
    target = Path(out).expanduser() if out is not None else default_export_path(counter, wanted)
    if target.exists():
        raise InvalidInput("out", f"{target} already exists: choose another file name")
    if target.parent.exists() and not target.parent.is_dir():
        raise InvalidInput("out", f"{target.parent} is not a folder")
    now = counter.now()
    written = False
    try:
        with operator_action(counter):
            payments = day_payments(counter, wanted)
            body = _csv_bytes(csv_rows(payments))
            _write_new(target, body)
            written = True
            valid = [p for p in payments if p.status == "active"]
            result = ExportResult(
                path=target,
                day=wanted,
                rows=len(payments),
                valid_paise=sum(p.amount_paise for p in valid),
                cancelled=len(payments) - len(valid),
            )
            audit(
                counter,
                now=now,
                operator_id=operator,
                action="day.exported",
                ref=wanted.isoformat(),
                detail={"path": str(target), "rows": result.rows},
            )
    except BaseException:
        if written:
            target.unlink(missing_ok=True)
        raise
    return result


def _csv_bytes(rows: list[list[str]]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def _write_new(target: Path, body: bytes) -> None:
    """Create ``target`` (never replacing a file), readable by this user only."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(
            target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
        )
    except FileExistsError:
        raise InvalidInput("out", f"{target} already exists: choose another file name") from None
    except OSError as exc:
        raise InvalidInput("out", f"{target} cannot be written: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
