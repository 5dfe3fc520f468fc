"""The relief-scheme registration form: ID proof, mobile, the notice number, then the fee.

The ID proof's kind is one key (A Aadhaar, V voter ID, D driving licence). An Aadhaar
number is typed into a hidden field and only its masked form (last 4 digits) is shown;
the service keeps only that. The mobile is prefilled from the consumer's record and is
required. Theft and RC cases also need the notice number.

Enter on the last field runs every rule of the registration (nothing is written); a
refusal names the field and puts the cursor on it. Then the fee is taken on the payment
screen by any mode, and the registration and its fee receipt are saved in one
transaction. With no fee, Enter saves at once.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Input, Static

from kiosk.domain.money import format_inr
from kiosk.domain.relief import OptionQuote
from kiosk.screens.base import GLOBAL_KEYS, CounterScreen
from kiosk.screens.payment import PaymentPurpose, PaymentScreen
from kiosk.screens.scheme import case_label, instalments_text, option_label
from kiosk.screens.scheme_done import SchemeDoneScreen
from kiosk.services.counter import Counter
from kiosk.services.lookup import Lookup
from kiosk.services.payments import PaymentRequest
from kiosk.services.scheme import SchemeRequest, SchemeResult, check_registration, register_scheme
from kiosk.widgets.key_chooser import KeyChooser
from kiosk.widgets.text import Plain, TLabel, tr

PROOFS: tuple[tuple[str, str], ...] = (
    ("A", "aadhaar"),
    ("V", "voter_id"),
    ("D", "driving_licence"),
)
NOTICE_CASES = ("theft", "rc")
# Which field a service's refusal is about (InvalidInput.field -> widget id).
FIELD_WIDGETS: dict[str, str] = {
    "id proof": "id-kind",
    "aadhaar": "id-number",
    "voter id": "id-number",
    "driving licence": "id-number",
    "mobile": "mobile",
    "notice number": "notice-no",
}


def masked_aadhaar(typed: str) -> str:
    """What the screen shows of a typed Aadhaar: never more than the last 4 digits."""
    digits = re.sub(r"\D", "", typed)
    if len(digits) < 4:
        return ""
    return f"XXXX XXXX {digits[-4:]}"


class ProofChooser(KeyChooser):
    """One key per ID proof (A Aadhaar, V voter ID, D driving licence)."""

    DEFAULT_CSS = """
    ProofChooser {
        height: auto;
        padding: 0 1;
    }
    ProofChooser:focus {
        background: $boost;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a,A", "choose('aadhaar')", show=False),
        Binding("v,V", "choose('voter_id')", show=False),
        Binding("d,D", "choose('driving_licence')", show=False),
    ]

    kind: reactive[str] = reactive("aadhaar")

    def render(self) -> Text:
        text = Text(tr(self, "scheme.proof_label") + ":  ")
        for key, kind in PROOFS:
            chosen = kind == self.kind
            text.append(">" if chosen else " ", style="bold")
            text.append(f" {key} ", style="reverse bold")
            text.append(
                f" {tr(self, f'scheme.proof.{kind}')}", style="bold underline" if chosen else ""
            )
            text.append("   ")
        return text

    def action_choose(self, kind: str) -> None:
        self.kind = kind
        self.choose(kind)


class SchemeRegisterScreen(CounterScreen):
    """ID proof, mobile and notice number for the chosen option; Enter goes on to the fee."""

    TITLE_KEY = "scheme.register_title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "keys.next"),
        ("A/V/D", "scheme.keys.proof"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]
    CSS_PATH = "../styles/scheme.tcss"

    def __init__(self, lookup: Lookup, request: SchemeRequest, option: OptionQuote) -> None:
        super().__init__()
        self.lookup = lookup
        self.consumer = lookup.snapshot.consumer
        self.base = request
        self.option = option
        self._busy = False
        self.saved = False

    def key_list(self) -> list[tuple[str, str]]:
        return [*self.KEYS, *GLOBAL_KEYS]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="reg-body"):
            yield Plain(id="reg-consumer", classes="reg-line")
            yield Plain(id="reg-option", classes="reg-line")
            yield Plain(id="reg-fee", classes="reg-line")
            yield ProofChooser(id="id-kind")
            with Horizontal(classes="reg-row"):
                yield TLabel("scheme.id_number", classes="reg-label", id="id-number-label")
                yield Input(id="id-number", password=True, max_length=20)
                yield Plain(id="id-masked")
            with Horizontal(classes="reg-row"):
                yield TLabel("scheme.mobile", classes="reg-label")
                yield Input(id="mobile", restrict=r"[0-9+ ]*", max_length=14)
            with Horizontal(classes="reg-row", id="notice-row"):
                yield TLabel("scheme.notice_no", classes="reg-label")
                yield Input(id="notice-no", max_length=40)
            yield TLabel("scheme.register_hint", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#notice-row").display = self.needs_notice
        self.input("mobile").value = self.consumer.mobile or ""
        self.query_one(ProofChooser).focus()
        self._proof_changed("aadhaar")
        self.localise()

    @property
    def needs_notice(self) -> bool:
        return self.base.case in NOTICE_CASES

    def input(self, widget_id: str) -> Input:
        return self.query_one(f"#{widget_id}", Input)

    def localise(self) -> None:
        consumer = self.consumer
        language = self.desk.tr.language
        name = consumer.name_hi if language == "hi" and consumer.name_hi else consumer.name
        self.query_one("#reg-consumer", Static).update(
            self.tr(
                "scheme.register_consumer",
                name=name,
                discom=consumer.discom,
                account=consumer.account_no,
                case=case_label(self, self.base.case),
            )
        )
        option = self.option
        self.query_one("#reg-option", Static).update(
            self.tr(
                "scheme.register_option",
                option=option_label(self, option.option),
                payable=format_inr(option.payable_paise),
                terms=instalments_text(self, option),
            )
        )
        fee = option.registration_fee_paise
        self.query_one("#reg-fee", Static).update(
            self.tr("scheme.register_fee", amount=format_inr(fee))
            if fee
            else self.tr("scheme.register_no_fee")
        )
        self._show_masked()

    # ----------------------------------------------------------------- fields

    @on(ProofChooser.Chosen)
    def _chosen(self, message: ProofChooser.Chosen) -> None:
        self._proof_changed(message.value)
        self.input("id-number").focus()

    @on(ProofChooser.Forward)
    def _chooser_enter(self) -> None:
        self.input("id-number").focus()

    def _proof_changed(self, kind: str) -> None:
        """Aadhaar is typed hidden (only the masked form shows); the others as typed."""
        number = self.input("id-number")
        if number.password != (kind == "aadhaar"):
            number.value = ""
        number.password = kind == "aadhaar"
        number.restrict = r"[0-9 \-]*" if kind == "aadhaar" else r"[0-9A-Za-z \-]*"
        self.query_one("#id-number-label", TLabel).set_key(f"scheme.id_number_{kind}")
        self._show_masked()

    @on(Input.Changed, "#id-number")
    def _show_masked(self) -> None:
        kind = self.query_one(ProofChooser).kind
        typed = self.input("id-number").value
        masked = self.query_one("#id-masked", Static)
        shown = masked_aadhaar(typed) if kind == "aadhaar" else ""
        masked.display = bool(shown)
        masked.update(shown)

    @on(Input.Submitted)
    async def _field_entered(self, event: Input.Submitted) -> None:
        order = ["id-number", "mobile", *(["notice-no"] if self.needs_notice else [])]
        current = event.input.id or ""
        if current in order and current != order[-1]:
            self.input(order[order.index(current) + 1]).focus()
            return
        await self.submit()

    def action_back(self) -> None:
        """Esc: from a field back to the ID proof; from there back to the quote."""
        if isinstance(self.focused, Input):
            self.query_one(ProofChooser).focus()
            return
        self.app.pop_screen()

    # ----------------------------------------------------------------- check and go on

    def request(self) -> SchemeRequest:
        return dataclasses.replace(
            self.base,
            option=self.option.option,
            id_proof_type=self.query_one(ProofChooser).kind,
            id_proof_number=self.input("id-number").value,
            mobile=self.input("mobile").value,
            notice_no=self.input("notice-no").value if self.needs_notice else None,
            operator_id=self.desk.operator.operator_id,
        )

    def _focus_refused(self, error: str) -> None:
        field = error.partition(":")[0].strip()
        target = FIELD_WIDGETS.get(field)
        if target is not None:
            self.query_one(f"#{target}").focus()

    async def submit(self) -> None:
        """Every rule first (nothing written); then the fee, or the save when there is none."""
        if self._busy or self.saved or self.app.screen is not self:
            return
        request = self.request()
        self._busy = True
        try:
            outcome = await self.attempt(check_registration, request)
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            self._focus_refused(outcome.error)
            return
        chosen: OptionQuote = outcome.value
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        if chosen.registration_fee_paise > 0:
            self.app.push_screen(
                PaymentScreen(self.lookup, purpose=self.fee_purpose(request, chosen))
            )
            return
        self._busy = True
        try:
            saved = await self.attempt(register_scheme, request, None)
        finally:
            self._busy = False
        if saved.ok and saved.value is not None:
            self.saved = True
            self.input("id-number").value = ""
            self.app.switch_screen(SchemeDoneScreen(saved.value, self.lookup))
        else:
            self._focus_refused(saved.error)

    def fee_purpose(self, request: SchemeRequest, chosen: OptionQuote) -> PaymentPurpose:
        """The fee on the payment screen: its own amount, rules, save and done screen."""
        lookup = self.lookup

        def check(counter: Counter, payment: PaymentRequest) -> object:
            return check_registration(counter, request, payment)

        def commit(counter: Counter, payment: PaymentRequest, _second: bool) -> SchemeResult:
            return register_scheme(counter, request, payment)

        def done(result: Any) -> SchemeDoneScreen:
            self.saved = True
            self.input("id-number").value = ""  # the full Aadhaar does not linger on the stack
            return SchemeDoneScreen(result, lookup)

        return PaymentPurpose(
            title_key="scheme.fee_title",
            label_key="scheme.fee_label",
            amount_paise=chosen.registration_fee_paise,
            fixed_amount=True,
            check=check,
            commit=commit,
            done=done,
        )
