"""Shifts: every payment belongs to the counter's open shift; one opens on first use."""

from __future__ import annotations

from datetime import datetime

from kiosk.printer.documents import ModeTotal, ShiftReportDoc
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.operators import require_operator
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, operator_action


def open_shift_id(counter: Counter, operator_id: str, now: datetime) -> int:
    """The counter's open shift, opened now if there is none (inside the action)."""
    row = counter.conn.execute(
        "SELECT id FROM shifts WHERE counter_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
        (counter.counter_id,),
    ).fetchone()
    if row is not None:
        return int(row[0])
    cursor = counter.conn.execute(
        "INSERT INTO shifts (counter_id, operator_id, opened_at, status) VALUES (?, ?, ?, 'open')",
        (counter.counter_id, operator_id, now.isoformat()),
    )
    return int(cursor.lastrowid or 0)


def shift_report(counter: Counter, operator_id: str) -> ShiftReportDoc:
    """The X report: the open shift's totals by mode so far; it changes nothing."""
    operator = require_operator(counter, operator_id)
    shift = counter.conn.execute(
        "SELECT id, operator_id, opened_at FROM shifts WHERE counter_id = ? AND status = 'open'"
        " ORDER BY id DESC LIMIT 1",
        (counter.counter_id,),
    ).fetchone()
    if shift is None:
        raise NotFound("no shift is open at this counter (one opens with the first payment)")
    shift_id = int(shift[0])
    totals = tuple(
        ModeTotal(mode=mode, count=int(n), amount_paise=int(paise))
        for mode, n, paise in counter.conn.execute(
            "SELECT mode, COUNT(*), SUM(amount_paise) FROM payments"
            " WHERE shift_id = ? AND status = 'active' GROUP BY mode ORDER BY mode",
            (shift_id,),
        )
    )
    cancelled, cancelled_paise, first, last = counter.conn.execute(
        "SELECT COALESCE(SUM(status = 'cancelled'), 0),"
        " COALESCE(SUM(CASE WHEN status = 'cancelled' THEN amount_paise END), 0),"
        " MIN(receipt_no), MAX(receipt_no) FROM payments WHERE shift_id = ?",
        (shift_id,),
    ).fetchone()
    cash = sum(t.amount_paise for t in totals if t.mode == "cash")
    return ShiftReportDoc(
        report="X",
        shift_id=shift_id,
        operator_id=operator,
        opened_at=datetime.fromisoformat(shift[2]),
        printed_at=counter.now(),
        totals=totals,
        cancelled_count=int(cancelled),
        cancelled_paise=int(cancelled_paise),
        expected_cash_paise=cash,
        first_receipt=first,
        last_receipt=last,
    )


def print_x_report(counter: Counter, operator_id: str) -> ShiftReportDoc:
    """Queue the X report for printing (an audited action; the shift stays open)."""
    doc = shift_report(counter, operator_id)
    with operator_action(counter):
        queue_slip(counter, doc, now=doc.printed_at)
        audit(
            counter,
            now=doc.printed_at,
            operator_id=doc.operator_id,
            action="shift.x_report",
            ref=str(doc.shift_id),
            detail={"expected_cash_paise": doc.expected_cash_paise},
        )
    return doc
