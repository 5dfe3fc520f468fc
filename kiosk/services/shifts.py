"""Shifts: every payment belongs to the counter's open shift; one opens on first use.

The X report reads the open shift's totals and changes nothing. The Z report closes it:
the operator counts the cash drawer, the counter records expected, counted and the
variance on the shift, audits it and queues the Z slip, all in one transaction. The next
payment then opens a new shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import MAX_PAISE, format_inr
from kiosk.printer.documents import ModeTotal, ShiftReportDoc
from kiosk.services.counter import IST, Counter
from kiosk.services.errors import NotFound, ServiceError
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, operator_action
from kiosk.services.roles import require_role

_SHIFT_COLUMNS = "id, operator_id, opened_at, closed_at, status"
ShiftRow = tuple[int, str, str, str | None, str]


class ShiftAlreadyClosed(ServiceError):
    """A Z report was asked for a shift that has one already (a second Z is refused)."""

    def __init__(self, shift_id: int, closed_at: datetime) -> None:
        when = closed_at.astimezone(IST)
        super().__init__(
            f"shift {shift_id} is already closed: its Z report was made at"
            f" {when:%H:%M} IST on {when:%d-%m-%Y}. A new shift opens with the next payment."
        )
        self.shift_id = shift_id
        self.closed_at = closed_at


@dataclass(frozen=True, slots=True)
class ShiftView:
    """A shift's report as the screen shows it: the slip's figures and the numbers of
    the receipts cancelled in it (the slip has only their count and amount)."""

    doc: ShiftReportDoc
    cancelled_receipts: tuple[str, ...]

    @property
    def payments(self) -> int:
        return sum(t.count for t in self.doc.totals)

    @property
    def total_paise(self) -> int:
        return sum(t.amount_paise for t in self.doc.totals)


def open_shift_id(counter: Counter, operator_id: str, now: datetime) -> int:
    """The counter's open shift, opened now if there is none (inside the action)."""
    row = _open_shift(counter)
    if row is not None:
        return int(row[0])
    cursor = counter.conn.execute(
        "INSERT INTO shifts (counter_id, operator_id, opened_at, status) VALUES (?, ?, ?, 'open')",
        (counter.counter_id, operator_id, now.isoformat()),
    )
    return int(cursor.lastrowid or 0)


def shift_report(counter: Counter, operator_id: str) -> ShiftReportDoc:
    """The X report: the open shift's totals by mode so far; it changes nothing."""
    view = open_shift_view(counter, operator_id)
    if view is None:
        raise NotFound("no shift is open at this counter (one opens with the first payment)")
    return view.doc


def open_shift_view(counter: Counter, operator_id: str) -> ShiftView | None:
    """The open shift's X report with its cancelled receipts; None when no shift is open
    (nothing was taken since the last Z)."""
    operator = require_role(counter, operator_id, "shift.report")
    row = _open_shift(counter)
    if row is None:
        return None
    return _view(counter, row, report="X", operator_id=operator, printed_at=counter.now())


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


def close_shift(
    counter: Counter,
    operator_id: str,
    counted_cash_paise: int,
    *,
    shift_id: int | None = None,
) -> ShiftView:
    """The Z report: close the open shift with the cash the operator counted.

    ``shift_id`` is the shift whose X report the operator was looking at (the screen
    passes it): when that shift is already closed the Z is refused with
    :class:`ShiftAlreadyClosed`, so a repeated key never closes a second, empty shift by
    mistake. Without it the open shift is closed; with no shift open (nothing taken since
    the last Z) an empty shift is opened and closed at once: a zero report.

    Expected cash, counted cash and the variance (counted minus expected: below zero the
    drawer is short) are stored on the shift and in the audit trail, and the Z slip is
    queued, in the same transaction. No event goes to the central: the event schema has
    no shift event. Returns the Z report (``.doc``, as printed) with the receipts
    cancelled in the shift.
    """
    operator = require_role(counter, operator_id, "shift.close")
    counted = check_counted_cash(counted_cash_paise)
    if shift_id is not None and (not isinstance(shift_id, int) or isinstance(shift_id, bool)):
        raise InvalidInput("shift", "must be a shift number")
    now = counter.now()
    with operator_action(counter):
        row = _target_shift(counter, operator, shift_id, now)
        view = _view(counter, row, report="Z", operator_id=operator, printed_at=now)
        expected = view.doc.expected_cash_paise
        variance = counted - expected
        updated = counter.conn.execute(
            "UPDATE shifts SET status = 'closed', closed_at = ?, expected_cash_paise = ?,"
            " counted_cash_paise = ?, variance_paise = ? WHERE id = ? AND status = 'open'",
            (now.isoformat(), expected, counted, variance, view.doc.shift_id),
        )
        if updated.rowcount != 1:  # closed by another process between the read and here
            raise ShiftAlreadyClosed(view.doc.shift_id, now)
        doc = view.doc.model_copy(
            update={
                "closed_at": now,
                "counted_cash_paise": counted,
                "variance_paise": variance,
            }
        )
        queue_slip(counter, doc, now=now)
        audit(
            counter,
            now=now,
            operator_id=operator,
            action="shift.z_report",
            ref=str(doc.shift_id),
            detail={
                "expected_cash_paise": expected,
                "counted_cash_paise": counted,
                "variance_paise": variance,
                "payments": view.payments,
                "total_paise": view.total_paise,
                "cancelled": doc.cancelled_count,
                "first_receipt": doc.first_receipt,
                "last_receipt": doc.last_receipt,
            },
        )
    return ShiftView(doc=doc, cancelled_receipts=view.cancelled_receipts)


def check_counted_cash(amount: object) -> int:
    """Whole paise from 0 (an empty drawer) up to the largest amount the counter takes."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise InvalidInput("counted cash", "must be a whole number of paise")
    if amount < 0:
        raise InvalidInput("counted cash", "must not be negative: count the notes and coins")
    if amount > MAX_PAISE:
        raise InvalidInput("counted cash", f"must be at most {format_inr(MAX_PAISE)}")
    return amount


def report_print_state(counter: Counter, shift_id: int, report: str) -> str | None:
    """Whether the shift's X or Z slip came out: printed, pending or failed (None when
    none was queued), for the screen to follow the paper."""
    row = counter.conn.execute(
        "SELECT status FROM print_jobs WHERE ref = ?"
        " ORDER BY status = 'printed' DESC, id DESC LIMIT 1",
        (f"shift-{shift_id}-{report}",),
    ).fetchone()
    return None if row is None else str(row[0])


# --- reading shifts ---------------------------------------------------------------------


def _open_shift(counter: Counter) -> ShiftRow | None:
    row = counter.conn.execute(
        f"SELECT {_SHIFT_COLUMNS} FROM shifts WHERE counter_id = ? AND status = 'open'"
        " ORDER BY id DESC LIMIT 1",
        (counter.counter_id,),
    ).fetchone()
    return None if row is None else (int(row[0]), row[1], row[2], row[3], row[4])


def _shift(counter: Counter, shift_id: int) -> ShiftRow | None:
    row = counter.conn.execute(
        f"SELECT {_SHIFT_COLUMNS} FROM shifts WHERE id = ? AND counter_id = ?",
        (shift_id, counter.counter_id),
    ).fetchone()
    return None if row is None else (int(row[0]), row[1], row[2], row[3], row[4])


def _target_shift(
    counter: Counter, operator_id: str, shift_id: int | None, now: datetime
) -> ShiftRow:
    """Inside the Z's transaction: the shift to close (see :func:`close_shift`)."""
    if shift_id is not None:
        row = _shift(counter, shift_id)
        if row is None:
            raise NotFound(f"shift {shift_id} does not exist at this counter")
        if row[4] == "closed":
            raise ShiftAlreadyClosed(shift_id, datetime.fromisoformat(row[3] or row[2]))
        return row
    row = _open_shift(counter)
    if row is None:
        created = open_shift_id(counter, operator_id, now)
        row = _shift(counter, created)
    assert row is not None
    return row


def _view(
    counter: Counter,
    row: ShiftRow,
    *,
    report: str,
    operator_id: str,
    printed_at: datetime,
) -> ShiftView:
    """The shift's figures from its payments (payments_by_shift finds them)."""
    shift_id = row[0]
    conn = counter.conn
    totals = tuple(
        ModeTotal(mode=mode, count=int(n), amount_paise=int(paise))
        for mode, n, paise in conn.execute(
            "SELECT mode, COUNT(*), SUM(amount_paise) FROM payments"
            " WHERE shift_id = ? AND status = 'active' GROUP BY mode ORDER BY mode",
            (shift_id,),
        )
    )
    cancelled = tuple(
        str(number)
        for (number,) in conn.execute(
            "SELECT receipt_no FROM payments WHERE shift_id = ? AND status = 'cancelled'"
            " ORDER BY id",
            (shift_id,),
        )
    )
    cancelled_paise, first, last = conn.execute(
        "SELECT COALESCE(SUM(CASE WHEN status = 'cancelled' THEN amount_paise END), 0),"
        " MIN(receipt_no), MAX(receipt_no) FROM payments WHERE shift_id = ?",
        (shift_id,),
    ).fetchone()
    doc = ShiftReportDoc(
        report="Z" if report == "Z" else "X",
        shift_id=shift_id,
        operator_id=operator_id,
        opened_at=datetime.fromisoformat(row[2]),
        printed_at=printed_at,
        totals=totals,
        cancelled_count=len(cancelled),
        cancelled_paise=int(cancelled_paise),
        expected_cash_paise=sum(t.amount_paise for t in totals if t.mode == "cash"),
        first_receipt=first,
        last_receipt=last,
    )
    return ShiftView(doc=doc, cancelled_receipts=cancelled)
