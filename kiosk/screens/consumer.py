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

from kiosk.screens.base import CounterScreen
from kiosk.services.consumer_card import card_details
from kiosk.services.lookup import Lookup
from kiosk.widgets.consumer_card import ConsumerCard


class ConsumerScreen(CounterScreen):
    TITLE_KEY = "consumer.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter/F3", "consumer.key_pay"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,f3", "pay", show=False),
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

    def action_pay(self) -> None:
        from kiosk.screens.payment import PaymentScreen

        self.app.push_screen(PaymentScreen(self.lookup))

    def action_back(self) -> None:
        self.dismiss(None)
