"""The consumer card: everything the operator needs before taking the money.

Enter (or F3) goes on to the payment, Esc back to the lookup with the search kept. The
counter's own records (payments taken here, the relief-scheme hint) are read when the
card opens and again whenever it comes back into view, so after a payment the card
shows the new outstanding amount.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from kiosk.screens.base import GLOBAL_KEYS, CounterScreen
from kiosk.services.consumer_card import card_details
from kiosk.services.lookup import Lookup
from kiosk.widgets.consumer_card import ConsumerCard


class ConsumerScreen(CounterScreen):
    TITLE_KEY = "consumer.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter/F3", "consumer.key_pay"),
        ("S", "consumer.key_scheme"),
        ("C", "consumer.key_complaint"),
        ("M", "consumer.key_reading"),
        ("B", "consumer.key_calculator"),
        ("Esc", "keys.back"),
    )
    PREPAID_KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter/F3", "consumer.key_recharge"),
        ("C", "consumer.key_complaint"),
        ("M", "consumer.key_reading"),
        ("B", "consumer.key_calculator"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,f3", "pay", show=False),
        Binding("r,R", "recharge", show=False),
        Binding("s,S", "task('scheme')", show=False),
        Binding("c,C", "task('complaint')", show=False),
        Binding("m,M", "task('reading')", show=False),
        Binding("b,B", "task('calculator')", show=False),
        Binding("escape", "back", show=False),
    ]
    CSS_PATH = "../styles/lookup.tcss"

    def __init__(self, lookup: Lookup) -> None:
        super().__init__()
        self.lookup = lookup

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="card-scroll"):
            yield ConsumerCard(self.lookup, now=self.desk.station.clock, id="card")

    def on_mount(self) -> None:
        self.query_one("#card-scroll").focus()

    async def on_screen_resume(self) -> None:
        """On opening, and on coming back from the payment."""
        await self.refresh_details()

    async def refresh_details(self) -> None:
        """Payments and dues from this counter's records, as they are now."""
        outcome = await self.attempt(card_details, self.lookup.snapshot)
        if outcome.ok and outcome.value is not None:
            self.query_one("#card", ConsumerCard).show_details(outcome.value)

    @property
    def card(self) -> ConsumerCard:
        return self.query_one("#card", ConsumerCard)

    @property
    def prepaid(self) -> bool:
        return self.lookup.snapshot.consumer.meter_type == "prepaid"

    def key_list(self) -> list[tuple[str, str]]:
        """A prepaid meter is recharged, not billed: Enter means recharge there."""
        if getattr(self, "lookup", None) is not None and self.prepaid:
            return [*self.PREPAID_KEYS, *GLOBAL_KEYS]
        return super().key_list()

    def action_pay(self) -> None:
        if self.prepaid:
            self.action_recharge()
            return
        from kiosk.screens.payment import PaymentScreen

        self.app.push_screen(PaymentScreen(self.lookup))

    def action_recharge(self) -> None:
        if not self.prepaid:
            self.say(self.tr("consumer.not_prepaid"), "warning")
            return
        from kiosk.screens.recharge import RechargeScreen

        self.app.push_screen(RechargeScreen(self.lookup))

    def action_task(self, task: str) -> None:
        """A task about this consumer, opened with the card's lookup."""
        if task == "scheme":
            if self.prepaid:
                self.say(self.tr("consumer.scheme_postpaid_only"), "warning")
                return
            from kiosk.screens.scheme import SchemeScreen

            self.app.push_screen(SchemeScreen(self.lookup))
        elif task == "complaint":
            from kiosk.screens.complaint import ComplaintScreen

            self.app.push_screen(ComplaintScreen(self.lookup))
        elif task == "reading":
            from kiosk.screens.reading import ReadingScreen

            self.app.push_screen(ReadingScreen(self.lookup))
        elif task == "calculator":
            from kiosk.screens.bill_calculator import BillCalculatorScreen

            self.app.push_screen(BillCalculatorScreen(self.lookup))

    def action_back(self) -> None:
        self.dismiss(None)
