"""After the registration is saved: the number to keep, the fee receipt, the schedule and
the acknowledgement's paper.

The counter's number is provisional until the registration's event reaches the central,
which assigns its own; the screen follows the registration and shows the central's number
as soon as the sync brings it (a reprint then carries it too). The acknowledgement is
saved with the registration and prints after the commit, so a printer that is off is a
warning here, never an error. P prints a DUPLICATE; Enter goes to the next consumer.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.domain.money import format_inr
from kiosk.screens.base import GLOBAL_KEYS
from kiosk.screens.scheme import case_label, month_text, option_label, say_reprinted
from kiosk.screens.slip_done import PrintWords, SlipDoneScreen
from kiosk.services.lookup import Lookup
from kiosk.services.scheme import (
    Registration,
    SchemeResult,
    registration_status,
    reprint_acknowledgement,
)
from kiosk.widgets.text import Plain, TLabel


def grouped(schedule: tuple[tuple[date, int], ...]) -> list[tuple[date, date, int, int]]:
    """Runs of equal instalments: (first month, last month, count, amount)."""
    runs: list[tuple[date, date, int, int]] = []
    for month, amount in schedule:
        if runs and runs[-1][3] == amount:
            first, _last, count, _ = runs[-1]
            runs[-1] = (first, month, count + 1, amount)
        else:
            runs.append((month, month, 1, amount))
    return runs


class SchemeDoneScreen(SlipDoneScreen):
    TITLE_KEY = "scheme.done_title"
    PRINT_WORDS = PrintWords(
        printed="scheme.ack.printed",
        failed="scheme.ack_failed",
        queued_off="scheme.ack_queued_off",
        printing="scheme.ack.pending",
    )
    PRINT_LINE = "sd-print"
    POLL_NAME = "scheme-done"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "done.keys.next"),
        ("P", "scheme.keys.reprint"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "next_consumer", show=False),
        Binding("p,P", "reprint", show=False),
    ]
    CSS_PATH = "../styles/scheme.tcss"

    def __init__(self, result: SchemeResult, lookup: Lookup | None = None) -> None:
        super().__init__()
        self.result = result
        self.lookup = lookup
        self.registration: Registration | None = None

    def key_list(self) -> list[tuple[str, str]]:
        return [*self.KEYS, *GLOBAL_KEYS]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="sd-box"):
            yield TLabel("scheme.done_number", classes="field-label")
            yield Plain(self.result.local_no, id="sd-number")
            yield Plain(id="sd-central", classes="sd-line")
            yield Plain(id="sd-terms", classes="sd-line")
            yield Plain(id="sd-fee", classes="sd-line")
            yield Plain(id="sd-schedule", classes="sd-line")
            yield Plain(id="sd-print")
            yield TLabel("scheme.done_next", classes="hint")

    @property
    def central_no(self) -> str | None:
        return self.registration.central_no if self.registration else None

    async def check_print(self) -> None:
        """The acknowledgement's paper and the central's number; stop once both are in."""
        try:
            found = await self.desk.station.call(registration_status, self.result.local_no)
        except Exception:  # the screen must not fail over a status line
            return
        changed = found != self.registration
        self.registration = found
        self.print_state = found.printed
        if changed:
            self.localise()
        if found.printed == "printed" and found.central_no:
            self._poll.pause()

    # ----------------------------------------------------------------- words

    def localise(self) -> None:
        result = self.result
        option = result.option
        central = self.query_one("#sd-central", Static)
        central.update(
            self.tr("scheme.done_central", number=self.central_no)
            if self.central_no
            else self.tr("scheme.done_provisional")
        )
        case = self.registration.case if self.registration else ""
        terms = self.tr(
            "scheme.done_terms",
            option=option_label(self, option.option),
            payable=format_inr(option.payable_paise),
        )
        if case:
            terms += "  |  " + case_label(self, case)
        self.query_one("#sd-terms", Static).update(terms)
        receipt = result.fee_receipt
        self.query_one("#sd-fee", Static).update(
            self.tr(
                "scheme.done_fee",
                amount=format_inr(receipt.amount_paise),
                receipt=receipt.receipt_no,
                mode=self.tr(f"payment.modes.{receipt.mode}"),
            )
            if receipt is not None
            else self.tr("scheme.register_no_fee")
        )
        self.query_one("#sd-schedule", Static).update(self.schedule_text())
        self.show_print_state()

    def schedule_text(self) -> str:
        option = self.result.option
        if not self.result.schedule:
            due = f"{option.due_by:%d.%m.%Y}" if option.due_by else "-"
            return self.tr(
                "scheme.done_lump_sum",
                amount=format_inr(option.balance_after_fee_paise),
                date=due,
            )
        lines = [
            self.tr(
                "scheme.done_schedule",
                n=len(self.result.schedule),
                amount=format_inr(option.balance_after_fee_paise),
            )
        ]
        for first, last, count, amount in grouped(self.result.schedule):
            months = month_text(self, first)
            if last != first:
                months += " - " + month_text(self, last)
            lines.append(
                "  " + self.tr("scheme.done_run", months=months, n=count, amount=format_inr(amount))
            )
        return "\n".join(lines)

    # ----------------------------------------------------------------- keys

    async def action_reprint(self) -> None:
        outcome = await self.attempt(
            reprint_acknowledgement, self.result.local_no, self.desk.operator.operator_id
        )
        if not outcome.ok or outcome.value is None:
            return
        say_reprinted(self, outcome.value)
        self._poll.resume()

    def action_next_consumer(self) -> None:
        self.desk.go_home()
