"""The slip a customer scans to pay by UPI, printed while the operator waits for the UTR.

Unlike a receipt, this slip is not a record: nothing is owed to it if it never prints (the
same code is on the screen), and a slip printed an hour later, when the printer is back,
would show a code for a payment already made or abandoned. So it does not go through the
print spool: it is sent straight away when the printer answers, or not at all, and the
operator is told which. Call it from a worker thread (a printer may take seconds), never
from the database thread.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from kiosk.config import KioskSettings
from kiosk.domain.errors import InvalidInput
from kiosk.printer.connections import Connection, PrinterState, PrinterUnavailable
from kiosk.printer.render import render
from kiosk.printer.templates import upi_request
from kiosk.services.errors import ServiceError
from kiosk.services.printing import paper_of, slip_context


class UpiSlipRequest(Protocol):
    """What the slip needs of a UPI payment request (kiosk.services.upi.UpiRequest)."""

    @property
    def reference(self) -> str: ...
    @property
    def amount_paise(self) -> int: ...
    @property
    def payee_vpa(self) -> str: ...
    @property
    def payee_name(self) -> str: ...


def upi_slip_bytes(
    settings: KioskSettings, request: UpiSlipRequest, *, discom: str, account_no: str
) -> bytes:
    """The ESC/POS bytes of the slip; its QR pays the same payee, amount and reference."""
    context = replace(
        slip_context(settings), upi_payee_vpa=request.payee_vpa, upi_payee_name=request.payee_name
    )
    paper = paper_of(settings.printer)
    layout = upi_request(
        context,
        paise=request.amount_paise,
        reference=request.reference,
        discom=discom,
        account_no=account_no,
    )
    return render(layout, paper, shaped=None if context.hindi else False).escpos


def print_upi_slip(
    settings: KioskSettings,
    printer: Connection,
    request: UpiSlipRequest,
    *,
    discom: str,
    account_no: str,
) -> None:
    """Print the slip now, or raise ServiceError saying why not (the screen still shows it).

    The message completes "UPI slip ...": "not printed (printer is offline): ...".
    """
    status = printer.status()
    if status.state in (PrinterState.OFFLINE, PrinterState.ERROR):
        raise ServiceError(
            f"not printed ({status.detail or status.state}): "
            "the customer can scan the code on the screen"
        )
    try:
        data = upi_slip_bytes(settings, request, discom=discom, account_no=account_no)
    except InvalidInput as exc:
        raise ServiceError(f"cannot be made ({exc.field}: {exc.message})") from None
    try:
        printer.send(data)
    except PrinterUnavailable as exc:
        raise ServiceError(
            f"not printed ({exc.message}): the customer can scan the code on the screen"
        ) from None
