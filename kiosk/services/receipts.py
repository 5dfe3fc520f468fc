"""Receipts as the counter screen lists them: the open shift's or a day's, and one in full.

Read only: nothing here writes. Each line joins the payment with what the operator needs to
see beside it: the consumer's name as the receipt printed it, whether its event reached
the central, and whether its slip came out of the printer.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.roles import require_role

ReceiptStatus = Literal["valid", "cancelled"]
PrintState = Literal["printed", "pending", "failed"]

MAX_LIMIT = 1000

# The slips that are the receipt itself (a cancellation slip shares the receipt number).
_RECEIPT_SLIPS = "('payment', 'recharge')"

# The consumer's name is the one printed on the receipt: it is saved with the print job in
# the payment's own commit and never changes. The consumer cache is only the fallback (the
# consumer was not cached when the money was taken); it may have changed or gone since.
# A receipt's paper state: printed if any copy came out, else its latest job's state.
# An event missing from the outbox was synced and then purged (only synced ones are).
_LINES = f"""
SELECT
    p.id,
    p.receipt_no,
    p.recorded_at,
    p.discom,
    p.account_no,
    COALESCE(
        NULLIF((
            SELECT json_extract(CAST(j.body AS TEXT), '$.consumer_name') FROM print_jobs j
            WHERE j.ref = p.receipt_no AND j.kind IN {_RECEIPT_SLIPS}
            ORDER BY j.id LIMIT 1
        ), ''),
        c.name,
        ''
    ) AS consumer_name,
    p.amount_paise,
    p.mode,
    p.reference,
    p.operator_id,
    p.status,
    COALESCE(o.status, 'synced') = 'synced' AS synced,
    (
        SELECT j.status FROM print_jobs j
        WHERE j.ref = p.receipt_no AND j.kind IN {_RECEIPT_SLIPS}
        ORDER BY j.status = 'printed' DESC, j.id DESC LIMIT 1
    ) AS printed
FROM payments p
LEFT JOIN consumers c ON c.discom = p.discom AND c.account_no = p.account_no
LEFT JOIN outbox o ON o.event_id = p.event_id
"""

# Case-insensitive substring search with instr(): the query is a bound parameter and
# instr() has no wildcards, so quotes, %, _ and the like are matched as typed. SQLite's
# lower() folds ASCII letters only; applied to both sides it stays consistent.
_MATCHES = """
    :query = ''
    OR instr(lower(r.receipt_no), lower(:query)) > 0
    OR instr(lower(r.account_no), lower(:query)) > 0
    OR instr(lower(r.consumer_name), lower(:query)) > 0
    OR instr(lower(COALESCE(r.reference, '')), lower(:query)) > 0
"""


@dataclass(frozen=True)
class ReceiptLine:
    receipt_no: str
    recorded_at: datetime
    discom: str
    account_no: str
    consumer_name: str
    amount_paise: int
    mode: str
    reference: str | None  # UTR, cheque number or POS reference; None for cash
    operator_id: str
    status: ReceiptStatus
    synced: bool  # the payment's event reached the central
    printed: PrintState | None  # None: no slip was queued for it


def shift_receipts(
    counter: Counter,
    operator_id: str,
    *,
    query: str = "",
    day: date | None = None,
    limit: int = 200,
) -> list[ReceiptLine]:
    """The open shift's receipts, or with ``day`` every receipt of the counter that day;
    newest first, at most ``limit``.

    ``query`` keeps the receipts whose number, account number, consumer name or reference
    contains it (ignoring case). No open shift (no payment yet) gives an empty list.
    """
    require_role(counter, operator_id, "receipt.list")
    limit = _check_limit(limit)
    params: dict[str, Any] = {"query": (query or "").strip(), "limit": limit}
    if day is None:
        shift = counter.conn.execute(
            "SELECT id FROM shifts WHERE counter_id = ? AND status = 'open'"
            " ORDER BY id DESC LIMIT 1",
            (counter.counter_id,),
        ).fetchone()
        if shift is None:
            return []
        scope = "p.shift_id = :shift"
        params["shift"] = int(shift[0])
    else:
        # A day's receipt numbers share the prefix {counter_id}-{YYYYMMDD}-, so the unique
        # index on receipt_no finds them without a scan ("." sorts right after "-").
        scope = (
            "p.counter_id = :counter AND p.day = :day"
            " AND p.receipt_no >= :first AND p.receipt_no < :after"
        )
        prefix = f"{counter.counter_id}-{day:%Y%m%d}"
        params |= {
            "counter": counter.counter_id,
            "day": day.isoformat(),
            "first": f"{prefix}-",
            "after": f"{prefix}.",
        }
    sql = (
        f"SELECT * FROM ({_LINES} WHERE {scope}) AS r WHERE {_MATCHES}"
        " ORDER BY r.id DESC LIMIT :limit"
    )
    return [_line(row) for row in counter.conn.execute(sql, params)]


def receipt_detail(counter: Counter, receipt_no: str) -> ReceiptLine:
    """One receipt issued at this counter; NotFound when there is none with that number."""
    wanted = (receipt_no or "").strip()
    if not wanted:
        raise InvalidInput("receipt number", "is required")
    row = counter.conn.execute(f"{_LINES} WHERE p.receipt_no = ?", (wanted,)).fetchone()
    if row is None:
        raise NotFound(f"receipt {wanted} was not issued at this counter")
    return _line(row)


def _check_limit(limit: object) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return limit


def _line(row: sqlite3.Row | tuple[Any, ...]) -> ReceiptLine:
    (
        _id,
        receipt_no,
        recorded_at,
        discom,
        account_no,
        name,
        amount,
        mode,
        reference,
        operator_id,
        status,
        synced,
        printed,
    ) = row
    return ReceiptLine(
        receipt_no=receipt_no,
        recorded_at=datetime.fromisoformat(recorded_at),
        discom=discom,
        account_no=account_no,
        consumer_name=name,
        amount_paise=int(amount),
        mode=mode,
        reference=reference,
        operator_id=operator_id,
        status="cancelled" if status == "cancelled" else "valid",
        synced=bool(synced),
        printed=printed,
    )
