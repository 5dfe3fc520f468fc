"""After the payment is saved: the receipt number, the change to give, and the paper.

The payment is saved before anything prints, so a printer that is off is a warning here,
never an error: the receipt waits in the print queue and comes out when the printer is
back. The screen follows the printer's state (the app's status signal) and the receipt's
own print job, and says which of "printed", "printing", "queued" or "failed" is true.
Enter (or F2) goes to the next consumer.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from kiosk.domain.money import format_inr
from kiosk.screens.base import CounterScreen
from kiosk.services.payments import PaymentResult
from kiosk.services.receipts import receipt_detail
from kiosk.widgets.message_line import Tone
from kiosk.widgets.text import TLabel

PRINT_POLL_S = 0.5
_PRINTER_DOWN = ("offline", "error")


class ReceiptDoneScreen(CounterScreen):
    TITLE_KEY = "done.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("Enter", "done.keys.next"),)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "next_consumer", show=False),
    ]
    DEFAULT_CSS = """
    ReceiptDoneScreen #done-box {
        height: auto;
        padding: 1 2;
    }
    ReceiptDoneScreen #done-receipt {
        width: auto;
        height: auto;
        border: solid $success;
        padding: 1 4;
        text-style: bold;
    }
    ReceiptDoneScreen #change {
        text-style: bold;
        margin-top: 1;
        height: auto;
    }
    ReceiptDoneScreen #done-print {
        margin-top: 1;
        height: auto;
    }
    ReceiptDoneScreen #done-print.-warning {
        color: $text-warning;
        text-style: bold;
    }
    ReceiptDoneScreen #done-print.-ok {
        color: $text-success;
    }
    """

    def __init__(self, result: PaymentResult) -> None:
        super().__init__()
        self.result = result
        self.print_state: str | None = "pending"  # the receipt's job: printed/pending/failed
        self.print_detail = ""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="done-box"):
            yield TLabel("done.receipt", classes="field-label")
            yield Static(self.result.receipt_no, id="done-receipt")
            yield Static(id="done-amount")
            yield Static(id="change")
            yield Static(id="done-print")
            yield TLabel("done.next", classes="hint")

    def on_mount(self) -> None:
        self.localise()
        self.watch(self.app, "status", self._printer_changed, init=False)
        self._poll = self.set_interval(PRINT_POLL_S, self.check_print, name="receipt-print")
        self.call_after_refresh(self.check_print)

    def _printer_changed(self, _status: object) -> None:
        self.localise()

    @property
    def printer_state(self) -> str:
        return str(getattr(self.app.status, "printer", "unknown"))  # type: ignore[attr-defined]

    async def check_print(self) -> None:
        """Read the receipt's print job; stop looking once it has printed."""
        try:
            line = await self.desk.station.call(receipt_detail, self.result.receipt_no)
        except Exception:  # the screen must not fail over a status line
            return
        if line.printed != self.print_state:
            self.print_state = line.printed
            self.localise()
        if line.printed == "printed":
            self._poll.stop()

    def print_message(self) -> tuple[str, Tone]:
        state = self.print_state
        if state == "printed":
            return self.tr("done.printed"), "ok"
        if state == "failed":
            detail = getattr(self.app.status, "printer_detail", "")  # type: ignore[attr-defined]
            return self.tr("done.failed", detail=detail or self.printer_state), "warning"
        if self.printer_state in _PRINTER_DOWN:
            return self.tr("done.queued_off"), "warning"
        return self.tr("done.printing"), "info"

    def localise(self) -> None:
        result = self.result
        mode = self.tr(f"payment.modes.{result.mode}")
        self.query_one("#done-amount", Static).update(
            self.tr("done.amount", amount=format_inr(result.amount_paise), mode=mode)
        )
        change = self.query_one("#change", Static)
        change.display = result.mode == "cash"
        change.update(
            self.tr("done.change", amount=format_inr(result.change_paise))
            if result.change_paise
            else self.tr("done.no_change")
        )
        text, tone = self.print_message()
        line = self.query_one("#done-print", Static)
        for other in ("ok", "info", "warning", "error"):
            line.set_class(other == tone, f"-{other}")
        line.update(text)

    @property
    def print_text(self) -> str:
        return str(self.query_one("#done-print", Static).render())

    def action_next_consumer(self) -> None:
        self.desk.go_home()
