"""Recharging a prepaid smart meter: the balance first, then the amount, then the money.

The screen opens on the consumer's balance as the counter has it and at once asks the
central (through :func:`recharge_status`); offline it says the figure is the counter's copy
and how old it is. A negative balance is a warning in its own box: the meter may cut the
supply by itself. The amount is one key for the usual figures (1/2/3 = Rs 100/500/1000)
or typed after A; Enter takes it to the payment screen, where any mode takes the money and
the recharge service saves the payment, the recharge event and the receipt together.
A postpaid consumer gets one plain sentence and nothing to fill in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Input, Static

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import format_inr
from kiosk.screens.base import CounterScreen, plain_error
from kiosk.screens.payment import AmountKeyChooser, PaymentPurpose, PaymentScreen, amount_text
from kiosk.screens.receipt_done import ReceiptDoneScreen
from kiosk.services.counter import IST, Counter
from kiosk.services.lookup import Lookup
from kiosk.services.payments import PaymentRequest
from kiosk.services.recharge import (
    PRESETS_PAISE,
    RechargeResult,
    RechargeStatus,
    check_recharge,
    recharge,
    recharge_amount,
    recharge_status,
)
from kiosk.widgets.consumer_card import age_words
from kiosk.widgets.text import Plain, TLabel, tr


def commit_recharge(
    counter: Counter, request: PaymentRequest, confirm_second: bool
) -> RechargeResult:
    """The payment screen's save step for a recharge (a recharge needs no second-payment
    question: topping up twice in a day is normal)."""
    return recharge(counter, request)


class PresetChooser(AmountKeyChooser):
    """1/2/3 pick Rs 100/500/1000; A goes to the amount box; Enter goes on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(n), f"choose({paise})", show=False)
        for n, paise in enumerate(PRESETS_PAISE, start=1)
    ]

    chosen: reactive[int | None] = reactive(None)

    def render(self) -> Text:
        text = Text()
        for index, paise in enumerate(PRESETS_PAISE):
            text.append(f" {index + 1} ", style="reverse bold")
            style = "bold underline" if paise == self.chosen else ""
            text.append(f" {format_inr(paise)} ", style=style)
            text.append("  ")
        text.append(" A ", style="reverse bold")
        text.append(f" {tr(self, 'recharge.other_amount')}")
        return text


class RechargeDoneScreen(ReceiptDoneScreen):
    """The receipt-done screen, titled for a recharge, saying when the meter is credited."""

    TITLE_KEY = "recharge.done_title"

    def __init__(self, result: RechargeResult) -> None:
        super().__init__(result.payment)
        self.recharge = result

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield TLabel("recharge.done_note", classes="hint", id="done-note")


class RechargeScreen(CounterScreen):
    """Balance, last recharge, amount; Enter goes to the payment screen for the money."""

    TITLE_KEY = "recharge.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("1/2/3", "recharge.keys.presets"),
        ("A", "recharge.keys.amount"),
        ("Enter", "keys.next"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]
    DEFAULT_CSS = """
    RechargeScreen #rch-body {
        height: 1fr;
        padding: 0 1;
    }
    RechargeScreen #rch-consumer {
        text-style: bold;
        height: auto;
    }
    RechargeScreen #rch-balance {
        text-style: bold;
        height: auto;
        margin-top: 1;
    }
    RechargeScreen #rch-source, RechargeScreen #rch-last {
        height: auto;
    }
    RechargeScreen #rch-source.-stale {
        color: $text-warning;
    }
    RechargeScreen #rch-warning {
        display: none;
        height: auto;
        border: solid $error;
        color: $text-error;
        text-style: bold;
        padding: 0 1;
    }
    RechargeScreen #rch-warning.-shown {
        display: block;
    }
    RechargeScreen #rch-refused {
        display: none;
        height: auto;
        border: solid $warning;
        padding: 0 1;
        margin-top: 1;
    }
    RechargeScreen #rch-form {
        height: auto;
    }
    RechargeScreen #rch-form Input {
        max-width: 30;
    }
    """

    def __init__(self, lookup: Lookup) -> None:
        super().__init__()
        self.lookup = lookup
        self.consumer = lookup.snapshot.consumer
        self.status: RechargeStatus | None = None  # the service's answer, once it came

    @property
    def prepaid(self) -> bool:
        return self.consumer.meter_type == "prepaid"

    # ----------------------------------------------------------------- layout

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="rch-body"):
            yield Plain(id="rch-consumer")
            yield Plain(id="rch-refused")
            yield Plain(id="rch-balance")
            yield Plain(id="rch-source")
            yield Plain(id="rch-warning")
            yield Plain(id="rch-last")
            with Vertical(id="rch-form"):
                yield PresetChooser(id="presets")
                yield TLabel("recharge.amount", classes="field-label")
                yield Input(id="amount", max_length=16)
                yield TLabel("recharge.hint", classes="hint")

    def on_mount(self) -> None:
        if self.prepaid:
            self.query_one(PresetChooser).focus()
        else:
            self._refuse()
        self.localise()
        self.call_after_refresh(self.load_status)

    def _refuse(self) -> None:
        """Postpaid: one sentence, nothing to fill in."""
        self.query_one("#rch-form").display = False
        self.query_one("#rch-refused").display = True
        self.query_one("#rch-body").focus()

    async def load_status(self) -> None:
        """Balance and last recharge: the central's when it answers, else the cache's."""
        station = self.desk.station
        outcome = await self.attempt(
            recharge_status,
            self.consumer.discom,
            self.consumer.account_no,
            central=station.central,
        )
        if not outcome.ok or outcome.value is None:
            return
        self.status = outcome.value
        self.lookup = outcome.value.lookup
        self.consumer = self.lookup.snapshot.consumer
        if not self.prepaid:
            self._refuse()
        self.localise()

    def localise(self) -> None:
        c = self.consumer
        name = c.name_hi if self.desk.language == "hi" and c.name_hi else c.name
        self.query_one("#rch-consumer", Static).update(
            self.tr("recharge.consumer", name=name, discom=c.discom, account=c.account_no)
        )
        self.query_one("#rch-refused", Static).update(self.tr("recharge.postpaid"))
        for part in ("balance", "source", "last"):
            self.query_one(f"#rch-{part}").display = self.prepaid
        if not self.prepaid:
            self.query_one("#rch-warning").set_class(False, "-shown")
            return
        self._show_balance()
        self._show_last()

    def _show_balance(self) -> None:
        status = self.status
        lookup = status.lookup if status else self.lookup
        balance = status.balance_paise if status else lookup.snapshot.prepaid_balance_paise
        self.query_one("#rch-balance", Static).update(
            self.tr("recharge.balance", amount=format_inr(balance))
            if balance is not None
            else self.tr("recharge.balance_unknown")
        )
        source = self.query_one("#rch-source", Static)
        if status is None:
            source.update(self.tr("recharge.asking"))
            source.set_class(False, "-stale")
        elif status.live:
            source.update(self.tr("recharge.live"))
            source.set_class(False, "-stale")
        else:
            now = self.desk.station.clock()
            when = f"{lookup.as_of.astimezone(IST):%d.%m.%Y %H:%M}"
            age = age_words(lookup.age(now), self.tr)
            source.update(self.tr("recharge.offline", when=when, age=age))
            source.set_class(lookup.age(now) >= timedelta(hours=1), "-stale")
        warning = self.query_one("#rch-warning", Static)
        negative = balance is not None and balance < 0
        warning.set_class(negative, "-shown")
        warning.update(self.tr("recharge.negative", amount=format_inr(balance or 0)))

    def _show_last(self) -> None:
        last = self.status.last if self.status else None
        line = self.query_one("#rch-last", Static)
        if self.status is None:
            line.update("")
        elif last is None:
            line.update(self.tr("recharge.no_last"))
        else:
            when = f"{last.recorded_at.astimezone(IST):%d.%m.%Y %H:%M}"
            key = "recharge.last" if last.synced else "recharge.last_unsent"
            line.update(
                self.tr(
                    key, amount=format_inr(last.amount_paise), when=when, receipt=last.receipt_no
                )
            )

    # ----------------------------------------------------------------- keys

    @on(PresetChooser.Chosen)
    def _picked(self, message: PresetChooser.Chosen) -> None:
        self.query_one("#amount", Input).value = amount_text(message.value)
        self.query_one(PresetChooser).chosen = message.value
        self.query_one("#message").clear()  # type: ignore[attr-defined]

    @on(PresetChooser.AmountWanted)
    def _type_amount(self) -> None:
        self.query_one("#amount", Input).focus()

    @on(Input.Changed, "#amount")
    def _amount_changed(self, event: Input.Changed) -> None:
        chooser = self.query_one(PresetChooser)
        if chooser.chosen is not None and event.value != amount_text(chooser.chosen):
            chooser.chosen = None

    @on(PresetChooser.Forward)
    @on(Input.Submitted, "#amount")
    def _forward(self) -> None:
        self.go_to_payment()

    def go_to_payment(self) -> None:
        """Check the amount here (field named, nothing written), then take the money."""
        if not self.prepaid or self.app.screen is not self:
            return
        amount_input = self.query_one("#amount", Input)
        try:
            amount = recharge_amount(amount_input.value)
        except InvalidInput as exc:
            self.say(plain_error(exc), "error")
            amount_input.focus()
            return
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        purpose = PaymentPurpose(
            title_key="recharge.pay_title",
            label_key="recharge.purpose",
            amount_paise=amount,
            fixed_amount=True,
            check=check_recharge,
            commit=commit_recharge,
            done=RechargeDoneScreen,
        )
        self.app.push_screen(PaymentScreen(self.lookup, purpose=purpose))

    def action_back(self) -> None:
        """Esc: from the amount box back to the presets; from there back to the card."""
        if self.focused is self.query_one("#amount", Input):
            self.query_one(PresetChooser).focus()
            return
        self.app.pop_screen()
