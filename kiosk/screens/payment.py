"""Taking the money for one consumer: amount, mode, the mode's details, confirm, save.

The fast path is the common case at a counter and is kept to the fewest keys: the screen
opens with the amount due filled in and the mode chooser focused, so "C, Enter, Enter"
(cash, exact amount, confirm) saves a payment. Every check the service makes runs before
the confirm dialog, so a refusal (the 2-lakh cash rule, a part payment below the minimum,
a bad UTR) shows on the message line naming the field, and nothing is written. A second
payment for the same consumer today needs an explicit Y in its own dialog.

For UPI the screen draws the dynamic QR, prints the same request on a slip when the printer
answers, and, when the central knows the request, asks it every 2 s whether it was paid
and fills in the UTR itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from kiosk.domain.dates import parse_day
from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import format_inr, parse_amount, to_decimal
from kiosk.screens.base import GLOBAL_KEYS, CounterScreen, plain_error
from kiosk.screens.confirm_payment import ConfirmPayment, ConfirmSecondPayment, PaymentSummary
from kiosk.screens.receipt_done import ReceiptDoneScreen
from kiosk.services.counter import Counter
from kiosk.services.errors import NeedsConfirmation, ServiceError
from kiosk.services.lookup import Lookup
from kiosk.services.payments import (
    PaymentRequest,
    PaymentResult,
    prepare_payment,
    record_payment,
)
from kiosk.services.upi import UpiRequest, upi_confirmation, upi_request
from kiosk.services.upi_slip import print_upi_slip
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.key_chooser import KeyChooser
from kiosk.widgets.text import Plain, TLabel, tr
from kiosk.widgets.upi_qr import UpiQr

log = logging.getLogger(__name__)

UPI_POLL_S = 2.0
MODES: tuple[str, ...] = ("cash", "upi", "cheque", "card")
MODE_KEYS: dict[str, str] = {"cash": "C", "upi": "U", "cheque": "Q", "card": "K"}
# The first field of each mode, then the rest in Enter order.
MODE_FIELDS: dict[str, tuple[str, ...]] = {
    "cash": ("tendered",),
    "upi": ("utr",),
    "cheque": ("cheque-no", "bank", "cheque-date"),
    "card": ("pos-ref",),
}
# Which input a service's refusal is about (InvalidInput.field -> widget id).
FIELD_INPUTS: dict[str, str] = {
    "amount": "amount",
    "tendered": "tendered",
    "UPI reference": "utr",
    "cheque number": "cheque-no",
    "bank": "bank",
    "cheque date": "cheque-date",
    "card reference": "pos-ref",
}
AMOUNT_CHARS = r"[0-9.,]*"


def amount_text(paise: int) -> str:
    """The amount as the operator would type it: ``31500`` or ``1234.50``."""
    value = to_decimal(paise)
    return f"{value:.0f}" if paise % 100 == 0 else f"{value:.2f}"


def check_payment(counter: Counter, request: PaymentRequest) -> None:
    """Every rule of the payment, without writing (runs on the database thread)."""
    prepare_payment(counter, request, now=counter.now(), purpose="bill")


def record_or_ask(
    counter: Counter, request: PaymentRequest, confirm_second: bool
) -> PaymentResult | NeedsConfirmation:
    """Save the payment, or hand back the second-payment question as a value."""
    try:
        return record_payment(counter, request, confirm_second=confirm_second)
    except NeedsConfirmation as question:
        return question


@dataclass(frozen=True, slots=True)
class PaymentPurpose:
    """What the money is for: the bill unless a task says otherwise.

    A relief-scheme fee or a prepaid recharge is taken on the same screen, by the same
    modes and the same confirm step, but with its own amount, its own rules (``check``,
    run before the confirm dialog), its own save (``commit``, one transaction on the
    database thread) and its own screen afterwards (``done``).
    """

    title_key: str = "payment.title"
    # Shown above the amount and on the confirm dialog ("Relief scheme fee"); "" = the bill.
    label_key: str = ""
    amount_paise: int | None = None  # None: the consumer's outstanding amount
    fixed_amount: bool = False  # the amount is set by the task (a fee): not editable
    check: Callable[[Counter, PaymentRequest], object] | None = None
    commit: Callable[[Counter, PaymentRequest, bool], object] | None = None
    done: Callable[[Any], Screen[Any]] | None = None


BILL = PaymentPurpose()


class AmountKeyChooser(KeyChooser):
    """A chooser on a money screen: its own keys pick, A goes to the amount box."""

    DEFAULT_CSS = """
    AmountKeyChooser {
        height: auto;
        margin: 1 1 0 1;
    }
    AmountKeyChooser:focus {
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("a,A", "amount", show=False)]

    class AmountWanted(Message):
        pass

    def localise(self) -> None:
        self.refresh()

    def action_amount(self) -> None:
        self.post_message(self.AmountWanted())


class ModeChooser(AmountKeyChooser):
    """One key per mode (C/1 cash, U/2 UPI, Q/3 cheque, K/4 card); A goes to the amount."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c,C,1", "choose('cash')", show=False),
        Binding("u,U,2", "choose('upi')", show=False),
        Binding("q,Q,3", "choose('cheque')", show=False),
        Binding("k,K,4", "choose('card')", show=False),
    ]

    mode: reactive[str] = reactive("")

    def render(self) -> Text:
        text = Text()
        text.append(tr(self, "payment.mode_label") + " ")
        for index, mode in enumerate(MODES, start=1):
            chosen = mode == self.mode
            text.append(f" {MODE_KEYS[mode]}/{index} ", style="reverse bold")
            label = f" {tr(self, f'payment.modes.{mode}')} "
            text.append(label, style="bold underline" if chosen else "")
            text.append(" ")
        return text


class PaymentScreen(CounterScreen):
    """Amount, mode, the mode's fields; Enter on the last field opens the confirm dialog."""

    TITLE_KEY = "payment.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("Enter", "keys.next"), ("Esc", "keys.back"))
    UPI_KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("Ctrl+P", "payment.keys.print_qr"),)
    DEMO_KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("F8", "payment.keys.demo_pay"),)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("ctrl+p", "print_qr", show=False),
        Binding("f8", "demo_pay", show=False),
    ]
    DEFAULT_CSS = """
    PaymentScreen #pay-body {
        height: 1fr;
    }
    PaymentScreen #pay-form {
        width: 1fr;
        height: auto;
        max-height: 100%;
        overflow-y: auto;
        padding: 0 1;
    }
    PaymentScreen #pay-consumer {
        text-style: bold;
        padding: 0 1;
    }
    PaymentScreen #pay-due {
        padding: 0 1;
    }
    PaymentScreen .mode-fields {
        display: none;
        height: auto;
    }
    PaymentScreen .pay-label {
        padding: 0 1;
        height: auto;
    }
    PaymentScreen #change, PaymentScreen #upi-state {
        padding: 0 1;
        height: auto;
    }
    PaymentScreen #change {
        text-style: bold;
    }
    PaymentScreen #pay-qr {
        display: none;
        width: auto;
        height: auto;
        padding: 0 1 0 0;
    }
    PaymentScreen #qr-caption {
        width: auto;
        text-style: bold;
    }
    PaymentScreen #slip-state {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    PaymentScreen #slip-state.-warning {
        color: $text-warning;
        text-style: bold;
    }
    """

    def __init__(self, lookup: Lookup, purpose: PaymentPurpose = BILL) -> None:
        super().__init__()
        self.lookup = lookup
        self.purpose = purpose
        self.consumer = lookup.snapshot.consumer
        self.mode = ""
        self.upi: UpiRequest | None = None
        self._upi_state: tuple[str, dict[str, object]] = ("", {})
        self._slip_state: tuple[str, dict[str, object]] = ("", {})
        self._upi_timer: Timer | None = None
        self._polling = False
        self._busy = False  # a check or a save is running, or the confirm dialog is up
        self.saved = False

    # ----------------------------------------------------------------- layout

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="pay-body"):
            # The code comes first on its rows: text to its left in Devanagari could be
            # drawn wider or narrower than Rich measures it and shift the code apart.
            with Vertical(id="pay-qr"):
                yield UpiQr(id="qr")
                yield Plain(id="qr-caption")
            with Vertical(id="pay-form"):
                yield Plain(id="pay-consumer")
                yield Plain(id="pay-due")
                yield TLabel("payment.amount", classes="field-label")
                yield Input(id="amount", restrict=AMOUNT_CHARS, max_length=16)
                yield ModeChooser(id="mode")
                yield TLabel("payment.mode_hint", classes="hint", id="mode-hint")
                with Vertical(id="fields-cash", classes="mode-fields"):
                    yield TLabel("payment.tendered", classes="pay-label")
                    yield Input(id="tendered", restrict=AMOUNT_CHARS, max_length=16)
                    yield Plain(id="change")
                with Vertical(id="fields-upi", classes="mode-fields"):
                    yield TLabel("payment.utr", classes="pay-label")
                    yield Input(id="utr", restrict=r"[0-9]*", max_length=12)
                    yield Plain(id="upi-state")
                    yield Plain(id="slip-state")
                with Vertical(id="fields-cheque", classes="mode-fields"):
                    yield TLabel("payment.cheque_no", classes="pay-label")
                    yield Input(id="cheque-no", restrict=r"[0-9]*", max_length=6)
                    yield TLabel("payment.bank", classes="pay-label")
                    yield Input(id="bank", max_length=60)
                    yield TLabel("payment.cheque_date", classes="pay-label")
                    yield Input(id="cheque-date", restrict=r"[0-9./\-]*", max_length=10)
                with Vertical(id="fields-card", classes="mode-fields"):
                    yield TLabel("payment.pos_ref", classes="pay-label")
                    yield Input(id="pos-ref", restrict=r"[A-Za-z0-9\-]*", max_length=32)

    def on_mount(self) -> None:
        if self.purpose.title_key != self.TITLE_KEY:
            self.query_one(".screen-title", TLabel).set_key(self.purpose.title_key)
        amount = self.query_one("#amount", Input)
        if self.purpose.amount_paise is not None:
            amount.value = amount_text(self.purpose.amount_paise)
            amount.disabled = self.purpose.fixed_amount
            self.query_one(ModeChooser).focus()
            self.localise()
            return
        due = self.lookup.outstanding_paise
        if self.prepaid or due <= 0:
            amount.value = ""
            amount.focus()
        else:
            amount.value = amount_text(due)
            self.query_one(ModeChooser).focus()
        self.localise()

    def key_list(self) -> list[tuple[str, str]]:
        """Ctrl+P (print the QR slip again) only while UPI is the mode."""
        if getattr(self, "mode", "") != "upi":
            return super().key_list()
        demo = self.DEMO_KEYS if self._customer_phone() is not None else ()
        return [*self.KEYS, *self.UPI_KEYS, *demo, *GLOBAL_KEYS]

    def _customer_phone(self) -> Callable[[str], str] | None:
        """kiosk --demo only: plays the customer's phone paying the QR (reference -> UTR)."""
        return getattr(self.desk.demo, "customer_pays_upi", None)

    @property
    def prepaid(self) -> bool:
        return self.consumer.meter_type == "prepaid"

    def localise(self) -> None:
        language = self.desk.tr.language
        name = self.consumer.name_hi if language == "hi" and self.consumer.name_hi else None
        self.query_one("#pay-consumer", Static).update(
            self.tr(
                "payment.consumer",
                name=name or self.consumer.name,
                discom=self.consumer.discom,
                account=self.consumer.account_no,
            )
        )
        self.query_one("#pay-due", Static).update(self._due_line())
        self._show_change()
        for widget_id, (key, values) in (
            ("upi-state", self._upi_state),
            ("slip-state", self._slip_state),
        ):
            self.query_one(f"#{widget_id}", Static).update(self.tr(key, **values) if key else "")
        caption = ""
        if self.upi is not None:
            caption = self.tr("payment.scan", amount=format_inr(self.upi.amount_paise))
        self.query_one("#qr-caption", Static).update(caption)

    def _due_line(self) -> str:
        purpose = self.purpose
        if purpose.label_key:
            amount = purpose.amount_paise
            return self.tr(
                "payment.purpose",
                purpose=self.tr(purpose.label_key),
                amount=format_inr(amount) if amount is not None else "-",
            )
        if self.prepaid:
            return self.tr("payment.due_prepaid")
        return self.tr("payment.due", amount=format_inr(self.lookup.outstanding_paise))

    # ----------------------------------------------------------------- moving around

    def input(self, widget_id: str) -> Input:
        return self.query_one(f"#{widget_id}", Input)

    def _amount(self, *, quiet: bool = False) -> int | None:
        try:
            return parse_amount(self.input("amount").value, "amount")
        except InvalidInput as exc:
            if not quiet:
                self.say(plain_error(exc), "error")
                self.input("amount").focus()
            return None

    @on(ModeChooser.AmountWanted)
    def _edit_amount(self) -> None:
        if self.purpose.fixed_amount:
            self.say(self.tr("payment.amount_fixed"), "info")
            return
        self.input("amount").focus()

    @on(ModeChooser.Forward)
    def _chooser_enter(self) -> None:
        if self.mode:
            self.input(MODE_FIELDS[self.mode][0]).focus()
        else:
            self.say(self.tr("payment.choose_mode"), "warning")

    @on(ModeChooser.Chosen)
    async def _mode_chosen(self, message: ModeChooser.Chosen) -> None:
        await self.choose(message.value)

    async def choose(self, mode: str) -> None:
        """Show the mode's fields, focus the first; UPI also draws (and prints) the QR."""
        self.mode = mode
        self.query_one(ModeChooser).mode = mode
        for name in MODES:
            self.query_one(f"#fields-{name}").display = name == mode
        self.query_one("#pay-qr").display = mode == "upi" and self.upi is not None
        if mode != "upi":
            self._stop_polling()
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        self.query_one(KeyBar).set_keys(self.key_list())
        self._show_change()
        self.input(MODE_FIELDS[mode][0]).focus()
        if mode == "upi":
            await self.ensure_upi()

    @on(Input.Submitted, "#amount")
    async def _amount_entered(self) -> None:
        if self._amount() is None:
            return
        if not self.mode:
            self.query_one(ModeChooser).focus()
            return
        self.input(MODE_FIELDS[self.mode][0]).focus()
        if self.mode == "upi":
            await self.ensure_upi()

    @on(Input.Submitted, ".mode-fields Input")
    async def _field_entered(self, event: Input.Submitted) -> None:
        fields = MODE_FIELDS.get(self.mode, ())
        current = event.input.id or ""
        if current in fields and current != fields[-1]:
            self.input(fields[fields.index(current) + 1]).focus()
            return
        await self.submit()

    @on(Input.Changed, "#amount, #tendered")
    def _amounts_changed(self) -> None:
        self._show_change()

    def _show_change(self) -> None:
        """Cash: the change to give back, worked out as the tendered amount is typed."""
        label = self.query_one("#change", Static)
        amount = self._amount(quiet=True)
        if self.mode != "cash" or amount is None:
            label.update("")
            return
        typed = self.input("tendered").value
        try:
            tendered = parse_amount(typed, "tendered") if typed.strip() else amount
        except InvalidInput:
            label.update("")
            return
        if tendered < amount:
            label.update(self.tr("payment.short", amount=format_inr(amount - tendered)))
        else:
            label.update(self.tr("payment.change", amount=format_inr(tendered - amount)))

    def action_back(self) -> None:
        """Esc: from a mode's field back to the chooser; from there back to the card."""
        focused = self.focused
        if focused is not None and any(
            "mode-fields" in ancestor.classes for ancestor in focused.ancestors_with_self
        ):
            self.query_one(ModeChooser).focus()
            return
        self._stop_polling()
        self.app.pop_screen()

    # ----------------------------------------------------------------- UPI

    async def ensure_upi(self) -> None:
        """A QR for the amount on screen: a new request whenever the amount changed."""
        amount = self._amount()
        if amount is None:
            self.say(self.tr("payment.amount_first"), "error")
            return
        if self.upi is not None and self.upi.amount_paise == amount:
            self.query_one("#pay-qr").display = True
            self._start_polling()
            return
        changed = self.upi is not None
        station = self.desk.station
        outcome = await self.attempt(
            upi_request,
            self.consumer.discom,
            self.consumer.account_no,
            amount,
            central=station.central,
        )
        if not outcome.ok or outcome.value is None:
            self.upi = None
            self.query_one("#qr", UpiQr).show("")
            self.query_one("#pay-qr").display = False
            self._set_upi_state("payment.upi_no_qr", reason=outcome.error)
            return
        self.upi = outcome.value
        self.query_one("#qr", UpiQr).show(self.upi.link)
        self.query_one("#pay-qr").display = self.mode == "upi"
        self.input("utr").value = ""
        online = self.upi.registered and station.central is not None
        waiting = "payment.upi_waiting_demo" if self._customer_phone() else "payment.upi_waiting"
        self._set_upi_state(waiting if online else "payment.upi_offline")
        if changed:
            self.say(self.tr("payment.upi_new_qr", amount=format_inr(amount)), "warning")
        self._start_polling()
        self.print_upi_slip(self.upi)

    def _set_upi_state(self, key: str, **values: object) -> None:
        self._upi_state = (key, values)
        self.localise()

    def _start_polling(self) -> None:
        """While the central knows the request, ask it every 2 s whether it was paid."""
        self._stop_polling()
        if self.upi is not None and self.upi.registered and self.desk.station.central:
            self._upi_timer = self.set_interval(UPI_POLL_S, self.poll_upi, name="upi-poll")

    def _stop_polling(self) -> None:
        if self._upi_timer is not None:
            self._upi_timer.stop()
            self._upi_timer = None

    async def poll_upi(self) -> None:
        request = self.upi
        station = self.desk.station
        if request is None or self._polling or self._busy or self.mode != "upi":
            return  # not while the operator is confirming what is on the form
        self._polling = True
        try:
            utr = await station.call(upi_confirmation, request.reference, central=station.central)
        except Exception:  # never let a status check break the form
            log.exception("UPI confirmation check failed")
            return
        finally:
            self._polling = False
        if not utr or self.upi is not request or self.mode != "upi":
            return
        self._stop_polling()
        utr_input = self.input("utr")
        utr_input.value = utr
        utr_input.focus()
        self._set_upi_state("payment.upi_paid", utr=utr)
        self.say(self.tr("payment.upi_paid", utr=utr), "ok")

    @work(thread=True, exclusive=True, group="upi-slip", exit_on_error=False, name="upi-slip")
    def print_upi_slip(self, request: UpiRequest) -> None:
        """Print the QR slip beside the screen's code (a thread: printers can be slow)."""
        station = self.desk.station
        try:
            print_upi_slip(
                station.settings,
                station.printer,
                request,
                discom=self.consumer.discom,
                account_no=self.consumer.account_no,
            )
        except ServiceError as exc:
            self.app.call_from_thread(self._slip_said, "payment.upi_print_failed", exc.message)
        else:
            self.app.call_from_thread(self._slip_said, "payment.upi_printed")

    def _slip_said(self, key: str, reason: str = "") -> None:
        """The slip's fate goes under the code, not on the message line (which may be
        saying something that matters more, such as a new QR for a changed amount)."""
        self._slip_state = (key, {"reason": reason} if reason else {})
        self.query_one("#slip-state").set_class(key == "payment.upi_print_failed", "-warning")
        self.localise()

    def action_print_qr(self) -> None:
        if self.mode == "upi" and self.upi is not None:
            self.print_upi_slip(self.upi)

    def action_demo_pay(self) -> None:
        pay = self._customer_phone()
        if pay is not None and self.mode == "upi" and self.upi is not None:
            self.demo_customer_pays(pay, self.upi.reference)

    @work(thread=True, exclusive=True, group="demo-pay", exit_on_error=False, name="demo-pay")
    def demo_customer_pays(self, pay: Callable[[str], str], reference: str) -> None:
        """The demo's customer pays; the central's confirmation then fills the UTR in."""
        try:
            pay(reference)
        except Exception as exc:  # the demo central may be stopped: say so, go on
            self.app.call_from_thread(
                self.say, self.tr("payment.demo_pay_failed", detail=type(exc).__name__), "warning"
            )

    # ----------------------------------------------------------------- confirm and save

    def collect(self) -> tuple[PaymentRequest, PaymentSummary] | None:
        """The request from the form; None (and a message) when a field cannot be read."""
        amount = self._amount()
        if amount is None:
            return None
        mode = self.mode
        fields: dict[str, object] = {}
        reference: str | None = None
        if mode == "cash":
            typed = self.input("tendered").value
            if typed.strip():
                try:
                    fields["tendered_paise"] = parse_amount(typed, "tendered")
                except InvalidInput as exc:
                    self.say(plain_error(exc), "error")
                    self.input("tendered").focus()
                    return None
        elif mode == "upi":
            reference = fields["utr"] = self.input("utr").value.strip()
        elif mode == "cheque":
            typed_date = self.input("cheque-date").value
            when = parse_day(typed_date) if typed_date.strip() else None
            if typed_date.strip() and when is None:
                self.say(self.tr("payment.bad_date"), "error")
                self.input("cheque-date").focus()
                return None
            reference = fields["cheque_no"] = self.input("cheque-no").value.strip()
            fields["bank"] = self.input("bank").value
            fields["cheque_date"] = when
        elif mode == "card":
            reference = fields["pos_reference"] = self.input("pos-ref").value.strip()
        else:
            self.say(self.tr("payment.choose_mode"), "warning")
            self.query_one(ModeChooser).focus()
            return None
        request = PaymentRequest(
            discom=self.consumer.discom,
            account_no=self.consumer.account_no,
            amount_paise=amount,
            mode=mode,
            operator_id=self.desk.operator.operator_id,
            **fields,  # type: ignore[arg-type]
        )
        summary = PaymentSummary(
            name=self.consumer.name,
            name_hi=self.consumer.name_hi,
            discom=self.consumer.discom,
            account_no=self.consumer.account_no,
            amount_paise=amount,
            mode=mode,
            reference=reference,
            tendered_paise=request.tendered_paise,
            purpose_key=self.purpose.label_key,
        )
        return request, summary

    def _focus_refused(self, error: str) -> None:
        field = error.partition(":")[0].strip()
        target = FIELD_INPUTS.get(field)
        if target is not None and self.query_one(f"#{target}").display:
            self.input(target).focus()

    async def submit(self) -> None:
        """Check everything, then ask for confirmation (Enter saves, Esc edits).

        An Enter typed ahead while a check runs or the dialog opens is ignored here, so
        quick fingers never open a second dialog (or a second payment).
        """
        if self._busy or self.saved or self.app.screen is not self:
            return
        if self.mode == "upi" and self.upi is not None:
            amount = self._amount()
            if amount is None:
                return
            if amount != self.upi.amount_paise:  # the customer must scan the right amount
                await self.ensure_upi()
                return
        collected = self.collect()
        if collected is None:
            return
        request, summary = collected
        self._busy = True
        try:
            outcome = await self.attempt(self.purpose.check or check_payment, request)
        finally:
            self._busy = False
        if not outcome.ok:
            self._focus_refused(outcome.error)
            return
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        self._busy = True  # until the dialog answers
        self.app.push_screen(ConfirmPayment(summary), partial(self._confirmed, request))

    async def _confirmed(self, request: PaymentRequest, go: bool | None) -> None:
        self._busy = False
        if go:
            await self.commit(request, confirm_second=False)

    async def _second_answered(self, request: PaymentRequest, yes: bool | None) -> None:
        self._busy = False
        if yes:
            await self.commit(request, confirm_second=True)

    async def commit(self, request: PaymentRequest, *, confirm_second: bool) -> None:
        if self._busy or self.saved:
            return
        self._busy = True
        try:
            outcome = await self.attempt(
                self.purpose.commit or record_or_ask, request, confirm_second
            )
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            self._focus_refused(outcome.error)
            return
        value = outcome.value
        if isinstance(value, NeedsConfirmation):
            self._busy = True  # until the operator answers Y or N
            self.app.push_screen(
                ConfirmSecondPayment(value.earlier), partial(self._second_answered, request)
            )
            return
        self.saved = True
        self._stop_polling()
        done = self.purpose.done or ReceiptDoneScreen
        self.app.switch_screen(done(value))
