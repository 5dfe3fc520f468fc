"""Printing as the counter sees it: the slip context from config, the spool, reprints.

Services queue a slip with :func:`queue_slip` inside the action's transaction; the app or
the CLI then runs the spool after the commit (commit first, then print).
"""

from __future__ import annotations

from datetime import datetime

from kiosk.config import KioskSettings, PrinterSettings
from kiosk.datafiles import load_discoms
from kiosk.domain.errors import InvalidInput
from kiosk.printer import shaping
from kiosk.printer.connections import Connection, open_connection
from kiosk.printer.documents import Document, PrinterTestDoc
from kiosk.printer.layout import Paper, paper_for
from kiosk.printer.render import Rendered, render
from kiosk.printer.spool import Spool, add_job, add_reprint, find_original
from kiosk.printer.templates import SlipContext, printer_test_page
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.recording import audit, operator_action
from kiosk.services.roles import require_role


def slip_context(settings: KioskSettings, *, hindi: bool | None = None) -> SlipContext:
    """Hindi is printed whenever it can be shaped here, unless ``hindi`` says otherwise."""
    receipt = settings.receipt
    upi = settings.upi
    return SlipContext(
        counter_id=settings.counter.id,
        counter_name=settings.counter.name,
        header_lines=tuple(receipt.header_lines),
        footer_lines=tuple(receipt.footer_lines),
        discoms=load_discoms(settings.data.discoms_file),
        upi_payee_vpa=upi.payee_vpa,
        upi_payee_name=upi.payee_name,
        hindi=shaping.shaping_available()
        if hindi is None
        else hindi and shaping.shaping_available(),
    )


def paper_of(settings: PrinterSettings) -> Paper:
    return paper_for(settings.paper_mm)


def open_spool(counter: Counter, printer: Connection | None = None) -> Spool:
    """The spool on the counter's own connection and configured printer."""
    settings = counter.settings
    return Spool(
        counter.conn,
        printer or open_connection(settings.printer),
        paper=paper_of(settings.printer),
        context=slip_context(settings),
        clock=counter.now,
    )


def queue_slip(counter: Counter, doc: Document, *, now: datetime) -> int:
    """Inside the action's transaction: the slip commits with its record or not at all."""
    return add_job(counter.conn, doc, now=now)


def reprint(counter: Counter, ref: str, operator_id: str) -> int:
    """Queue a DUPLICATE of a receipt or acknowledgement; the reprint is audited."""
    operator = require_role(counter, operator_id, "receipt.reprint")
    wanted = (ref or "").strip()
    if not wanted:
        raise InvalidInput("receipt number", "is required")
    original = find_original(counter.conn, wanted)
    if original is None:
        raise NotFound(f"no printed slip with number {wanted} at this counter")
    now = counter.now()
    with operator_action(counter):
        job = add_reprint(counter.conn, original, now=now)
        audit(
            counter,
            now=now,
            operator_id=operator,
            action="slip.reprinted",
            ref=wanted,
            detail={"job": job, "kind": original.kind},
        )
    return job


def printer_test_bytes(
    settings: KioskSettings, printer: PrinterSettings, now: datetime
) -> Rendered:
    paper = paper_of(printer)
    describe = open_connection(printer).describe()
    doc = PrinterTestDoc(printed_at=now, printer=describe)
    return render(printer_test_page(doc, slip_context(settings), paper), paper)


def slip_print_state(counter: Counter, ref: str) -> str | None:
    """The paper state of the newest slip with this number: printed, pending or failed
    (None when nothing was queued for it), for a done screen to follow."""
    row = counter.conn.execute(
        "SELECT status FROM print_jobs WHERE ref = ? ORDER BY id DESC LIMIT 1",
        ((ref or "").strip(),),
    ).fetchone()
    return None if row is None else str(row[0])
