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
from kiosk.screens.slip_done import PrintWords, SlipDoneScreen
from kiosk.services.payments import PaymentResult
from kiosk.services.receipts import receipt_detail
from kiosk.widgets.text import Plain, TLabel


class ReceiptDoneScreen(SlipDoneScreen):
    TITLE_KEY = "done.title"
    PRINT_WORDS = PrintWords(
        printed="done.printed",
        failed="done.failed",
        queued_off="done.queued_off",
        printing="done.printing",
    )
    PRINT_LINE = "done-print"
    POLL_NAME = "receipt-print"
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

    def compose_body(self) -> ComposeResult:
        with Vertical(id="done-box"):
            yield TLabel("done.receipt", classes="field-label")
            yield Plain(self.result.receipt_no, id="done-receipt")
            yield Plain(id="done-amount")
            yield Plain(id="change")
            yield Plain(id="done-print")
            yield TLabel("done.next", classes="hint")

    async def read_print_state(self) -> str | None:
        line = await self.desk.station.call(receipt_detail, self.result.receipt_no)
        return line.printed

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
        self.show_print_state()

    def action_next_consumer(self) -> None:
        self.desk.go_home()
