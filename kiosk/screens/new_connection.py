"""A new-connection application taken at the counter: who applies, where, which category
and load, an ID proof, and a mobile number.

An Aadhaar number is typed into a hidden field and never shown, stored or printed whole:
after Enter the screen shows only its masked form (last 4 digits), as the database and the
slip keep it. The application gets the counter's number at once (the central assigns its
own when the event reaches it) and the acknowledgement prints after the save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from kiosk.domain.errors import InvalidInput
from kiosk.screens.ack_common import AcknowledgedScreen, Choices
from kiosk.screens.base import CounterScreen, plain_error
from kiosk.services.connections import (
    ConnectionApplication,
    ConnectionResult,
    paper_id,
    request_connection,
)
from kiosk.services.id_proof import id_proof_for_storage
from kiosk.widgets.text import Plain, TLabel

CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("1", "lmv1-rural", "consumer.category_lmv1_rural"),
    ("2", "lmv1-urban", "consumer.category_lmv1_urban"),
    ("3", "lmv1-bpl", "consumer.category_lmv1_bpl"),
    ("4", "lmv2-rural", "consumer.category_lmv2_rural"),
    ("5", "lmv2-urban", "consumer.category_lmv2_urban"),
)
ID_PROOFS: tuple[tuple[str, str, str], ...] = (
    ("1", "aadhaar", "connection.id_aadhaar"),
    ("2", "voter_id", "connection.id_voter"),
    ("3", "driving_licence", "connection.id_licence"),
)
# Enter order; the two choosers sit between the inputs.
FIELDS = ("applicant", "mobile", "address", "pincode", "category", "load", "id-type", "id-number")
FIELD_INPUTS = {
    "applicant_name": "applicant",
    "mobile": "mobile",
    "address": "address",
    "pincode": "pincode",
    "category": "category",
    "load": "load",
    "id proof": "id-type",
    "aadhaar": "id-number",
    "voter id": "id-number",
    "driving licence": "id-number",
}


def category_label_key(category: str) -> str:
    return next((label for _, value, label in CATEGORIES if value == category), category)


def proof_label_key(kind: str) -> str:
    return next((label for _, value, label in ID_PROOFS if value == kind), kind)


@dataclass(frozen=True, slots=True)
class ConnectionSummary:
    """What the done view repeats (the ID proof only as it may be shown)."""

    applicant: str
    category: str
    load_kw: str
    id_proof_type: str
    id_proof_shown: str


class NewConnectionScreen(CounterScreen):
    """The applicant's details; Enter on the ID number saves."""

    TITLE_KEY = "connection.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("Enter", "keys.next"), ("Esc", "keys.back"))
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]
    DEFAULT_CSS = """
    NewConnectionScreen #connection-form {
        height: 1fr;
        max-width: 90;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
    }
    NewConnectionScreen #id-shown {
        padding: 0 1;
        height: auto;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self.saved = False
        self.id_shown = ""  # the masked ID after it was checked

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="connection-form"):
            yield TLabel("connection.applicant", classes="field-label")
            yield Input(id="applicant", max_length=200)
            yield TLabel("connection.mobile", classes="field-label")
            yield Input(id="mobile", restrict=r"[0-9+ \-]*", max_length=16)
            yield TLabel("connection.address", classes="field-label")
            yield Input(id="address", max_length=200)
            yield TLabel("connection.pincode", classes="field-label")
            yield Input(id="pincode", restrict=r"[0-9 ]*", max_length=7)
            yield TLabel("connection.category", classes="field-label")
            yield Choices(CATEGORIES, id="category")
            yield TLabel("connection.load", classes="field-label")
            yield Input(id="load", restrict=r"[0-9.]*", max_length=8)
            yield TLabel("connection.id_type", classes="field-label")
            yield Choices(ID_PROOFS, inline=True, id="id-type")
            yield Plain(id="id-number-label", classes="field-label")
            yield Input(id="id-number", max_length=24)
            yield Plain(id="id-shown")

    def on_mount(self) -> None:
        self.input("applicant").focus()
        self.localise()

    def localise(self) -> None:
        kind = self.id_type or "none"
        self.query_one("#id-number-label", Static).update(
            self.tr(f"connection.id_number_{kind}")
            if kind != "none"
            else self.tr("connection.id_number")
        )
        self.query_one("#id-shown", Static).update(
            self.tr("connection.id_shown", shown=self.id_shown) if self.id_shown else ""
        )

    def input(self, widget_id: str) -> Input:
        return self.query_one(f"#{widget_id}", Input)

    @property
    def category(self) -> str | None:
        return self.query_one("#category", Choices).value

    @property
    def id_type(self) -> str | None:
        return self.query_one("#id-type", Choices).value

    # ----------------------------------------------------------------- moving around

    def focus_field(self, name: str) -> None:
        self.query_one(f"#{name}").focus()

    def forward_from(self, name: str) -> None:
        self.focus_field(FIELDS[FIELDS.index(name) + 1])

    @on(Choices.Chosen)
    def _chosen(self, message: Choices.Chosen) -> None:
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        if message.control.id == "id-type":
            number = self.input("id-number")
            number.password = message.value == "aadhaar"  # never on screen in full
            number.value = ""
            self.id_shown = ""
            self.localise()
        if message.forward:
            self.forward_from(message.control.id or "")

    @on(Choices.Forward)
    def _choices_enter(self, message: Choices.Forward) -> None:
        name = message.control.id or ""
        if message.control.value is None:
            self.say(self.tr(f"connection.need_{name.replace('-', '_')}"), "error")
            return
        self.forward_from(name)

    @on(Input.Submitted)
    async def _field_entered(self, event: Input.Submitted) -> None:
        current = event.input.id or ""
        if current != FIELDS[-1]:
            self.forward_from(current)
            return
        await self.submit()

    def action_back(self) -> None:
        self.app.pop_screen()

    # ----------------------------------------------------------------- save

    def refuse(self, name: str, text: str) -> None:
        self.say(text, "error")
        self.focus_field(name)

    def check_id(self) -> str | None:
        """The ID as it may be shown (Aadhaar masked), or None with the field named."""
        kind = self.id_type
        if kind is None:
            self.refuse("id-type", self.tr("connection.need_id_type"))
            return None
        try:
            _, stored = id_proof_for_storage(kind, self.input("id-number").value)
        except InvalidInput as exc:
            self.id_shown = ""
            self.localise()
            self.refuse("id-number", plain_error(exc))
            return None
        self.id_shown = paper_id(stored)
        self.localise()
        return self.id_shown

    async def submit(self) -> None:
        if self._busy or self.saved or self.app.screen is not self:
            return
        if self.category is None:
            self.refuse("category", self.tr("connection.need_category"))
            return
        shown = self.check_id()
        if shown is None:
            return
        kind = self.id_type or ""
        application = ConnectionApplication(
            applicant_name=self.input("applicant").value,
            mobile=self.input("mobile").value,
            address=self.input("address").value,
            pincode=self.input("pincode").value.replace(" ", ""),
            category=self.category,
            load_kw=self.input("load").value.strip(),
            id_proof_type=kind,
            id_proof_number=self.input("id-number").value,
            operator_id=self.desk.operator.operator_id,
        )
        self._busy = True
        try:
            outcome = await self.attempt(request_connection, application)
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            target = FIELD_INPUTS.get(outcome.error.partition(":")[0].strip())
            if target is not None:
                self.focus_field(target)
            return
        self.saved = True
        self.input("id-number").value = ""  # the full number leaves the screen's memory
        summary = ConnectionSummary(
            applicant=" ".join(application.applicant_name.split()),
            category=application.category,
            load_kw=application.load_kw,
            id_proof_type=kind,
            id_proof_shown=shown,
        )
        self.app.switch_screen(ConnectionDoneScreen(outcome.value, summary))


class ConnectionDoneScreen(AcknowledgedScreen):
    TITLE_KEY = "connection.done_title"
    NUMBER_KEY = "connection.done_number"

    def __init__(self, result: ConnectionResult, summary: ConnectionSummary) -> None:
        super().__init__(result.local_no)
        self.result = result
        self.summary = summary

    def detail_lines(self) -> list[str]:
        s = self.summary
        return [
            self.tr("connection.done_applicant", name=s.applicant),
            self.tr(
                "connection.done_category",
                category=self.tr(category_label_key(s.category)),
                load=s.load_kw,
            ),
            self.tr(
                "connection.done_id",
                kind=self.tr(proof_label_key(s.id_proof_type)),
                shown=s.id_proof_shown,
            ),
            self.tr("connection.done_local"),
            self.tr("connection.done_verify"),
        ]
