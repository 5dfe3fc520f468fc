"""Logging a complaint at the counter: category by one key, description, mobile, and the
place when it is not the consumer's own connection.

The counter gives the complaint its own number at once (the central assigns its number
when the event reaches it) and prints the acknowledgement after the save. A disconnection
request is a category like the others, but cuts the consumer's supply: it needs the
account number and an explicit Y after every other field is right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from kiosk.screens.ack_common import AcknowledgedScreen, Choices, ConfirmWithY
from kiosk.screens.base import CounterScreen
from kiosk.services.complaints import ComplaintRequest, ComplaintResult, log_complaint
from kiosk.services.counter import Counter
from kiosk.services.errors import NeedsConfirmation
from kiosk.services.lookup import Lookup
from kiosk.services.preferences import current_discom
from kiosk.widgets.text import Plain, TLabel

DISCONNECTION = "disconnection_request"
# DOMAIN.md's list, most frequent first; one key each (the keypad's digits, D apart).
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("1", "no_supply"),
    ("2", "meter_fault"),
    ("3", "billing"),
    ("4", "bill_not_received"),
    ("5", "voltage"),
    ("6", "transformer"),
    ("7", "line_breakdown"),
    ("8", "theft_report"),
    ("9", "payment_not_credited"),
    ("0", "other"),
    ("d", DISCONNECTION),
)
# The form's fields in Enter order (the account only when no consumer was looked up).
FIELDS = ("account", "description", "mobile", "location", "landmark")
# Which input a service's refusal is about (InvalidInput.field -> widget id).
FIELD_INPUTS = {
    "category": "category",
    "account number": "account",
    "discom": "account",
    "description": "description",
    "mobile": "mobile",
    "location": "location",
    "landmark": "landmark",
}
_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]{1,15})\s*:\s*(.*)$")


def category_key(category: str) -> str:
    return f"complaint.cat.{category}"


def log_or_ask(
    counter: Counter, request: ComplaintRequest, confirm: bool
) -> ComplaintResult | NeedsConfirmation:
    """Save the complaint, or hand back the disconnection question as a value."""
    try:
        return log_complaint(counter, request, confirm_disconnection=confirm)
    except NeedsConfirmation as question:
        return question


@dataclass(frozen=True, slots=True)
class ComplaintSummary:
    """What the done view repeats: the category, whose, and the mobile (masked)."""

    category: str
    discom: str | None
    account_no: str | None
    mobile_tail: str


class ComplaintScreen(CounterScreen):
    """Category, then the fields; Enter on the last field saves."""

    TITLE_KEY = "complaint.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("Enter", "keys.next"), ("Esc", "keys.back"))
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]
    DEFAULT_CSS = """
    ComplaintScreen #complaint-body {
        height: 1fr;
    }
    ComplaintScreen #complaint-side {
        width: 38;
        height: auto;
        max-height: 100%;
        overflow-y: auto;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
    }
    ComplaintScreen #complaint-form {
        width: 1fr;
        max-width: 80;
        height: 100%;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
    }
    ComplaintScreen #complaint-consumer {
        text-style: bold;
        padding: 0 1;
        height: auto;
    }
    ComplaintScreen #disconnect-warning {
        display: none;
        color: $text-warning;
        text-style: bold;
        padding: 0 1;
        margin-top: 1;
        height: auto;
    }
    """

    def __init__(self, lookup: Lookup | None = None) -> None:
        super().__init__()
        self.lookup = lookup
        self.discom = lookup.snapshot.consumer.discom if lookup else ""
        self._busy = False
        self.saved = False

    # ----------------------------------------------------------------- layout

    @property
    def fields(self) -> tuple[str, ...]:
        return FIELDS[1:] if self.lookup is not None else FIELDS

    def compose_body(self) -> ComposeResult:
        yield Plain(id="complaint-consumer")
        with Horizontal(id="complaint-body"):
            with Vertical(id="complaint-side"):
                yield TLabel("complaint.category", classes="field-label")
                yield Choices(
                    [(key, value, category_key(value)) for key, value in CATEGORIES],
                    id="category",
                )
                yield TLabel("complaint.disconnect_warning", id="disconnect-warning")
            with VerticalScroll(id="complaint-form"):
                if self.lookup is None:
                    yield Plain(id="account-label", classes="field-label")
                    yield Input(id="account", max_length=24)
                yield TLabel("complaint.description", classes="field-label")
                yield Input(id="description", max_length=1000)
                yield TLabel("complaint.mobile", classes="field-label")
                yield Input(id="mobile", restrict=r"[0-9+ \-]*", max_length=16)
                yield TLabel("complaint.location", classes="field-label")
                yield Input(id="location", max_length=200)
                yield TLabel("complaint.landmark", classes="field-label")
                yield Input(id="landmark", max_length=200)

    async def on_mount(self) -> None:
        if self.lookup is not None:
            mobile = self.lookup.snapshot.consumer.mobile
            self.input("mobile").value = mobile or ""
        else:
            outcome = await self.attempt(current_discom)
            if outcome.ok and outcome.value:
                self.discom = outcome.value
        self.query_one("#category", Choices).focus()
        self.localise()

    def localise(self) -> None:
        consumer = self.query_one("#complaint-consumer", Static)
        if self.lookup is not None:
            c = self.lookup.snapshot.consumer
            name = c.name_hi if self.desk.tr.language == "hi" and c.name_hi else c.name
            consumer.update(
                self.tr("complaint.consumer", name=name, discom=c.discom, account=c.account_no)
            )
        else:
            consumer.update(self.tr("complaint.no_consumer"))
            self.query_one("#account-label", Static).update(
                self.tr("complaint.account", discom=self.discom or "-")
            )

    def input(self, widget_id: str) -> Input:
        return self.query_one(f"#{widget_id}", Input)

    # ----------------------------------------------------------------- moving around

    @on(Choices.Chosen, "#category")
    def _chosen(self, message: Choices.Chosen) -> None:
        self.query_one("#disconnect-warning").display = message.value == DISCONNECTION
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        if message.forward:
            self.input(self.fields[0]).focus()

    @on(Choices.Forward, "#category")
    def _category_enter(self) -> None:
        if self.category is None:
            self.say(self.tr("complaint.need_category"), "error")
            return
        self.input(self.fields[0]).focus()

    @on(Input.Submitted)
    async def _field_entered(self, event: Input.Submitted) -> None:
        current = event.input.id or ""
        if current in self.fields and current != self.fields[-1]:
            self.input(self.fields[self.fields.index(current) + 1]).focus()
            return
        await self.submit()

    def action_back(self) -> None:
        self.app.pop_screen()

    @property
    def category(self) -> str | None:
        return self.query_one("#category", Choices).value

    # ----------------------------------------------------------------- save

    def collect(self) -> ComplaintRequest | None:
        category = self.category
        if category is None:
            self.say(self.tr("complaint.need_category"), "error")
            self.query_one("#category").focus()
            return None
        if self.lookup is not None:
            discom: str | None = self.lookup.snapshot.consumer.discom
            account: str | None = self.lookup.snapshot.consumer.account_no
        else:
            discom, account = self._typed_account()
        return ComplaintRequest(
            category=category,
            description=self.input("description").value,
            mobile=self.input("mobile").value,
            operator_id=self.desk.operator.operator_id,
            discom=discom,
            account_no=account,
            location=self.input("location").value.strip(),
            landmark=self.input("landmark").value.strip(),
        )

    def _typed_account(self) -> tuple[str | None, str | None]:
        """``1234567890`` in the counter's discom, or ``DVVNL:1234567890``; empty: none."""
        text = self.input("account").value.strip()
        match = _PREFIX.match(text)
        if match is not None:
            return match.group(1).upper(), match.group(2).strip() or None
        return self.discom or None, text or None

    def _focus_refused(self, error: str) -> None:
        target = FIELD_INPUTS.get(error.partition(":")[0].strip())
        if target == "category":
            self.query_one("#category").focus()
        elif target is not None and self.query(f"#{target}"):
            self.input(target).focus()

    async def submit(self, *, confirm: bool = False) -> None:
        """Save (the service checks every field); a disconnection request asks for Y."""
        if self._busy or self.saved or self.app.screen is not self:
            return
        request = self.collect()
        if request is None:
            return
        self._busy = True
        try:
            outcome = await self.attempt(log_or_ask, request, confirm)
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            self._focus_refused(outcome.error)
            return
        value = outcome.value
        if isinstance(value, NeedsConfirmation):
            account = f"{request.discom} {request.account_no}"
            self._busy = True  # until the operator answers Y or N
            self.app.push_screen(
                ConfirmWithY(
                    "complaint.disconnect_title", "complaint.disconnect_explain", account=account
                ),
                self._disconnection_answered,
            )
            return
        self.saved = True
        summary = ComplaintSummary(
            category=request.category,
            discom=request.discom,
            account_no=request.account_no,
            mobile_tail=request.mobile.strip()[-4:],
        )
        self.app.switch_screen(ComplaintDoneScreen(value, summary))

    async def _disconnection_answered(self, yes: bool | None) -> None:
        self._busy = False
        if yes:
            await self.submit(confirm=True)
        else:
            self.say(self.tr("complaint.disconnect_not_confirmed"), "warning")
            self.query_one("#category").focus()


class ComplaintDoneScreen(AcknowledgedScreen):
    """The complaint's number (this counter's until the central assigns one) and its slip."""

    TITLE_KEY = "complaint.done_title"
    NUMBER_KEY = "complaint.done_number"

    def __init__(self, result: ComplaintResult, summary: ComplaintSummary) -> None:
        super().__init__(result.local_no)
        self.result = result
        self.summary = summary

    def detail_lines(self) -> list[str]:
        s = self.summary
        lines = [self.tr("complaint.done_category", category=self.tr(category_key(s.category)))]
        if s.account_no:
            lines.append(self.tr("complaint.done_account", discom=s.discom, account=s.account_no))
        lines.append(self.tr("complaint.done_mobile", tail=s.mobile_tail))
        lines.append(self.tr("complaint.done_local"))
        lines.append(self.tr("complaint.helpline"))
        return lines
