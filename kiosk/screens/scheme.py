"""The relief scheme (Bijli Bill Rahat Yojana 2025-26) for the consumer on the card.

One look tells the operator whether the consumer can register and, if not, every reason
why (not only the first): category, load, the scheme's dates, nothing owed, the case type.
The options stand side by side (lump sum, Rs 750 and Rs 500 a month) with what each
waives, rebates and asks for; 1/2/3 picks one, Enter goes on to the registration form.

Theft and RC cases follow their own terms: C cycles the case (normal, theft, RC) and, for
those two, D opens the notice's figures (the theft assessment, an RC notice's dues),
which replace the bill's. A bill far above the normative units is reassessed and said so;
when last month was not billed, the provisional bill is shown. A consumer already
registered sees the registration (the central's number once synced) and P reprints its
acknowledgement.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import format_inr, parse_amount
from kiosk.domain.relief import OptionQuote
from kiosk.printer.connections import PrinterState
from kiosk.screens.base import GLOBAL_KEYS, CounterScreen, plain_error
from kiosk.services.lookup import Lookup
from kiosk.services.scheme import (
    CASE_CHOICES,
    Registration,
    SchemeRequest,
    SchemeView,
    reprint_acknowledgement,
    scheme_view,
)
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.text import Plain, TLabel

OPTION_KEYS: dict[str, str] = {"1": "lump_sum", "2": "emi_750", "3": "emi_500"}
NOTICE_CASES = ("theft", "rc")
AMOUNT_CHARS = r"[0-9.,]*"
# The notice's figures: input id -> (catalogue key, InvalidInput field name).
NOTICE_FIELDS: dict[str, tuple[str, str]] = {
    "notice-principal": ("scheme.notice_principal", "notice dues"),
    "notice-surcharge": ("scheme.notice_surcharge", "notice surcharge"),
    "notice-compounding": ("scheme.notice_compounding", "compounding fee"),
}


def option_label(node: CounterScreen, option: str) -> str:
    return node.tr(f"scheme.option.{option}")


def case_label(node: CounterScreen, case: str) -> str:
    return node.tr(f"scheme.case.{case}")


def month_text(node: CounterScreen, day: date) -> str:
    """``December 2025`` in the screen's language (the card's month names)."""
    return f"{node.tr(f'consumer.month_{day.month}')} {day.year}"


def instalments_text(node: CounterScreen, option: OptionQuote) -> str:
    if option.instalments:
        return node.tr(
            "scheme.n_times",
            n=option.instalments,
            amount=format_inr(option.monthly_instalment_paise or 0),
        )
    if option.due_by is not None:
        return node.tr("scheme.pay_by", date=f"{option.due_by:%d.%m.%Y}")
    return "-"


def say_reprinted(screen: CounterScreen, registration: Registration) -> None:
    """Wake the printer and say whether the DUPLICATE is on its way or waits."""
    station = screen.desk.station
    station.wake_printer()
    status = station.printer_status
    number = registration.number
    if status is not None and status.state in (PrinterState.OFFLINE, PrinterState.ERROR):
        screen.say(screen.tr("scheme.duplicate_waits", number=number), "warning")
    else:
        screen.say(screen.tr("scheme.duplicate_sent", number=number), "ok")


class SchemeScreen(CounterScreen):
    """Eligibility, phase, dues and the options side by side; 1/2/3, C, D, Enter, P."""

    TITLE_KEY = "scheme.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose('lump_sum')", show=False),
        Binding("2", "choose('emi_750')", show=False),
        Binding("3", "choose('emi_500')", show=False),
        Binding("c,C", "next_case", show=False),
        Binding("d,D", "notice", show=False),
        Binding("p,P", "reprint", show=False),
        Binding("enter", "register", show=False),
        Binding("escape", "back", show=False),
    ]
    CSS_PATH = "../styles/scheme.tcss"

    def __init__(self, lookup: Lookup) -> None:
        super().__init__()
        self.lookup = lookup
        self.consumer = lookup.snapshot.consumer
        self.case = "rc" if self.consumer.status == "rc" else "normal"
        self.option: str | None = None
        self.view: SchemeView | None = None
        # The notice's figures (theft assessment, RC dues), typed on this screen.
        self.notice: dict[str, int | None] = dict.fromkeys(NOTICE_FIELDS)

    # ----------------------------------------------------------------- layout

    def key_list(self) -> list[tuple[str, str]]:
        """This screen's keys first (the key bar is one line and cuts off the rest)."""
        view = getattr(self, "view", None)
        if view is not None and view.registration is not None:
            keys = [("P", "scheme.keys.reprint"), ("Esc", "keys.back")]
        else:
            keys = [("1/2/3", "scheme.keys.option"), ("Enter", "scheme.keys.register")]
            keys.append(("C", "scheme.keys.case"))
            if getattr(self, "case", "normal") in NOTICE_CASES:
                keys.append(("D", "scheme.keys.notice"))
            keys.append(("Esc", "keys.back"))
        return [*keys, *GLOBAL_KEYS]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="scheme-body"):
            yield Plain(id="scheme-consumer", classes="scheme-line")
            yield Plain(id="scheme-case", classes="scheme-line")
            yield Plain(id="scheme-eligibility", classes="scheme-line")
            yield Plain(id="scheme-dues", classes="scheme-line")
            yield Plain(id="scheme-overbill", classes="scheme-line")
            yield Plain(id="scheme-provisional", classes="scheme-line")
            with Vertical(id="scheme-notice"):
                yield TLabel("scheme.notice_hint", classes="hint")
                with Horizontal(id="notice-fields"):
                    for input_id, (key, _field) in NOTICE_FIELDS.items():
                        with Vertical(classes="notice-field", id=f"row-{input_id}"):
                            yield TLabel(key, classes="notice-label")
                            yield Input(id=input_id, restrict=AMOUNT_CHARS, max_length=16)
            yield Plain(id="scheme-options")
            yield Plain(id="scheme-registered")
            yield Plain(id="scheme-notes", classes="scheme-line")

    async def on_mount(self) -> None:
        self.body.focus()
        self._show_notice_fields()
        await self.reload()

    async def on_screen_resume(self) -> None:
        """Back from the form: the consumer may have registered meanwhile."""
        if self.view is not None:
            await self.reload()

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#scheme-body", VerticalScroll)

    # ----------------------------------------------------------------- the quote

    def request(self) -> SchemeRequest:
        """What the quote is for: this consumer, the case and the notice's figures."""
        notice = self.case in NOTICE_CASES
        return SchemeRequest(
            discom=self.consumer.discom,
            account_no=self.consumer.account_no,
            option=self.option or "",
            id_proof_type="",
            id_proof_number="",
            mobile="",
            operator_id=self.desk.operator.operator_id,
            case=self.case,
            principal_paise=self.notice["notice-principal"] if notice else None,
            surcharge_paise=self.notice["notice-surcharge"] if notice else None,
            compounding_fee_paise=(
                self.notice["notice-compounding"] or 0 if self.case == "theft" else 0
            ),
        )

    async def reload(self) -> None:
        outcome = await self.attempt(scheme_view, self.request())
        if not outcome.ok or outcome.value is None:
            return
        self.view = outcome.value
        offered = {o.option for o in self.view.quote.options}
        if self.option not in offered:
            self.option = None
        self.query_one(KeyBar).set_keys(self.key_list())
        self.localise()

    # ----------------------------------------------------------------- words

    def localise(self) -> None:
        view = self.view
        consumer = self.consumer
        language = self.desk.tr.language
        name = consumer.name_hi if language == "hi" and consumer.name_hi else consumer.name
        self._update(
            "scheme-consumer",
            self.tr(
                "scheme.consumer",
                name=name,
                discom=consumer.discom,
                account=consumer.account_no,
                category=self.tr(f"consumer.category_{consumer.category.replace('-', '_')}"),
                load=f"{consumer.load_kw.normalize():f}",
            ),
        )
        self.query_one("#scheme-case", Static).update(self._case_line())
        if view is None:
            return
        registered = view.registration
        self._eligibility(view)
        self._update("scheme-dues", self._dues_line(view) if registered is None else "")
        self._update("scheme-overbill", self._over_bill_text(view) if registered is None else "")
        self._update("scheme-provisional", self._provisional_text(view))
        options = self.query_one("#scheme-options", Static)
        options.display = registered is None and bool(view.quote.options)
        options.update(self.options_table(view) if options.display else "")
        box = self.query_one("#scheme-registered", Static)
        box.display = registered is not None
        box.update(self._registered_text(registered) if registered else "")
        notes = [self.tr(f"scheme.note.{n.code}", **n.values) for n in view.notes]
        self._update("scheme-notes", "\n".join(f"- {n}" for n in notes) if not registered else "")

    def _update(self, widget_id: str, text: str) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        widget.display = bool(text)
        widget.update(text)

    def _case_line(self) -> Text:
        text = Text(self.tr("scheme.case_label") + " ")
        text.append(" C ", style="reverse bold")
        for case in CASE_CHOICES:
            chosen = case == self.case
            text.append("  ")
            text.append(case_label(self, case), style="bold underline" if chosen else "dim")
        shown = self.view.quote.case if self.view is not None else self.case
        if shown not in CASE_CHOICES:  # a disconnected connection's normal case
            text.append("  (" + case_label(self, shown) + ")")
        return text

    def _eligibility(self, view: SchemeView) -> None:
        line = self.query_one("#scheme-eligibility", Static)
        quote = view.quote
        registered = view.registration is not None
        line.set_class(not quote.eligible and not registered, "-no")
        line.set_class(quote.eligible and not registered, "-yes")
        if registered:
            line.update(self.tr("scheme.already_registered"))
        elif quote.eligible:
            ends = f"{quote.phase_ends:%d.%m.%Y}" if quote.phase_ends else ""
            line.update(self.tr("scheme.eligible", phase=quote.phase or "", until=ends))
        else:
            reasons = [self.tr(f"scheme.reason.{r.code}", **r.values) for r in view.reasons]
            if not reasons:
                reasons = list(quote.reasons)
            line.update("\n".join([self.tr("scheme.not_eligible"), *(f"- {r}" for r in reasons)]))

    def _dues_line(self, view: SchemeView) -> str:
        dues = view.dues
        key = "scheme.dues_notice" if dues.source == "notice" else "scheme.dues_bill"
        text = self.tr(
            key,
            principal=format_inr(dues.principal_paise),
            surcharge=format_inr(dues.surcharge_paise),
        )
        if dues.compounding_fee_paise:
            text += "  " + self.tr(
                "scheme.dues_compounding", amount=format_inr(dues.compounding_fee_paise)
            )
        return text

    def _over_bill_text(self, view: SchemeView) -> str:
        over = view.over_bill
        if over is None:
            return ""
        return self.tr(
            "scheme.over_bill",
            month=month_text(self, over.bill_month),
            units=over.units,
            ratio=f"{over.ratio:f}",
            normal=over.normative_units,
            billed=format_inr(over.billed_paise),
            reassessed=format_inr(over.reassessed_paise),
            principal=format_inr(view.dues.principal_paise),
            before=format_inr(view.dues.billed_principal_paise),
        )

    def _provisional_text(self, view: SchemeView) -> str:
        provisional = view.provisional
        if provisional is None:
            return ""
        values = {
            "amount": format_inr(provisional.amount_paise),
            "area": self.tr(f"scheme.area.{provisional.area}"),
        }
        if provisional.last_bill_month is None:
            return self.tr("scheme.provisional_no_bill", **values)
        return self.tr(
            "scheme.provisional", month=month_text(self, provisional.last_bill_month), **values
        )

    def options_table(self, view: SchemeView) -> Table:
        """The options side by side: one column each, the chosen one highlighted."""
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
        table.add_column("", no_wrap=True)
        keys = {option: key for key, option in OPTION_KEYS.items()}
        for option in view.quote.options:
            chosen = option.option == self.option
            header = Text()
            header.append(f" {keys.get(option.option, '?')} ", style="reverse bold")
            header.append(" " + option_label(self, option.option) + " ")
            if chosen:  # the whole heading lit, its figures bold
                header.stylize("reverse bold")
            table.add_column(
                header, justify="right", no_wrap=True, style="bold" if chosen else None
            )
        options = view.quote.options
        rows: list[tuple[str, list[str]]] = [
            ("scheme.row.waived", [format_inr(o.waived_paise) for o in options]),
            (
                "scheme.row.rebate",
                [f"{format_inr(o.rebate_paise)} ({o.rebate_percent:f}%)" for o in options],
            ),
        ]
        if any(o.compounding_fee_paise for o in options):
            rows.append(
                ("scheme.row.compounding", [format_inr(o.compounding_fee_paise) for o in options])
            )
        rows += [
            ("scheme.row.fee", [format_inr(o.registration_fee_paise) for o in options]),
            ("scheme.row.payable", [format_inr(o.payable_paise) for o in options]),
            ("scheme.row.instalments", [instalments_text(self, o) for o in options]),
            (
                "scheme.row.last",
                [
                    format_inr(o.last_instalment_paise) if o.last_instalment_paise else "-"
                    for o in options
                ],
            ),
        ]
        for key, cells in rows:
            bold = key == "scheme.row.payable"
            table.add_row(
                Text(self.tr(key), style="bold" if bold else ""),
                *(Text(cell, style="bold" if bold else "") for cell in cells),
            )
        return table

    def _registered_text(self, registration: Registration) -> str:
        lines = []
        if registration.central_no:
            lines.append(
                self.tr(
                    "scheme.registered_central",
                    number=registration.central_no,
                    local=registration.local_no,
                )
            )
        else:
            lines.append(self.tr("scheme.registered_local", number=registration.local_no))
        lines.append(
            self.tr(
                "scheme.registered_terms",
                date=f"{registration.registered_on:%d.%m.%Y}",
                option=option_label(self, registration.option),
                case=case_label(self, registration.case),
                payable=format_inr(registration.payable_paise),
            )
        )
        if registration.fee_receipt_no:
            lines.append(
                self.tr(
                    "scheme.registered_fee",
                    amount=format_inr(registration.fee_paise),
                    receipt=registration.fee_receipt_no,
                )
            )
        lines.append(self.tr(f"scheme.ack.{registration.printed or 'none'}"))
        return "\n".join(lines)

    # ----------------------------------------------------------------- keys

    def _registered(self) -> bool:
        if self.view is not None and self.view.registration is not None:
            self.say(self.tr("scheme.already_registered"), "warning")
            return True
        return False

    async def action_choose(self, option: str) -> None:
        if self.view is None or self._registered():
            return
        offered = {o.option for o in self.view.quote.options}
        if not offered:
            self.say(self.tr("scheme.cannot_choose"), "error")
            return
        if option not in offered:
            self.say(self.tr("scheme.not_offered", option=option_label(self, option)), "warning")
            return
        self.option = option
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        self.localise()

    async def action_next_case(self) -> None:
        if self._registered():
            return
        index = CASE_CHOICES.index(self.case) if self.case in CASE_CHOICES else -1
        self.case = CASE_CHOICES[(index + 1) % len(CASE_CHOICES)]
        self._show_notice_fields()
        self.say(self.tr("scheme.case_now", case=case_label(self, self.case)), "info")
        await self.reload()

    def _show_notice_fields(self) -> None:
        self.query_one("#scheme-notice").display = self.case in NOTICE_CASES
        self.query_one("#row-notice-compounding").display = self.case == "theft"
        label = "scheme.notice_assessment" if self.case == "theft" else "scheme.notice_principal"
        self.query_one("#row-notice-principal TLabel", TLabel).set_key(label)

    def action_notice(self) -> None:
        if self.case in NOTICE_CASES:
            self.query_one("#notice-principal", Input).focus()

    @on(Input.Submitted, "#scheme-notice Input")
    async def _notice_entered(self, event: Input.Submitted) -> None:
        """Enter on a figure reads it, then the next one; the last goes back to the quote."""
        if not self._read_notice():
            return
        visible = [i for i in NOTICE_FIELDS if self.query_one(f"#row-{i}").display]
        current = event.input.id or ""
        if current in visible and current != visible[-1]:
            self.query_one(f"#{visible[visible.index(current) + 1]}", Input).focus()
        else:
            self.body.focus()
        await self.reload()

    def _read_notice(self) -> bool:
        """The typed figures, or False (and the field named) when one cannot be read."""
        read: dict[str, int | None] = {}
        for input_id, (_key, field) in NOTICE_FIELDS.items():
            widget = self.query_one(f"#{input_id}", Input)
            typed = widget.value.strip()
            try:
                read[input_id] = parse_amount(typed, field) if typed else None
            except InvalidInput as exc:
                self.say(plain_error(exc), "error")
                widget.focus()
                return False
        self.notice = read
        return True

    async def action_register(self) -> None:
        """Enter: the registration form for the chosen option."""
        if self.view is None or self._registered():
            return
        if not self.view.quote.eligible:
            self.say(self.tr("scheme.cannot_register"), "error")
            return
        chosen = next((o for o in self.view.quote.options if o.option == self.option), None)
        if chosen is None:
            self.say(self.tr("scheme.choose_first"), "warning")
            return
        from kiosk.screens.scheme_register import SchemeRegisterScreen

        self.app.push_screen(SchemeRegisterScreen(self.lookup, self.request(), chosen))

    async def action_reprint(self) -> None:
        registration = self.view.registration if self.view is not None else None
        if registration is None:
            return
        outcome = await self.attempt(
            reprint_acknowledgement, registration.local_no, self.desk.operator.operator_id
        )
        if not outcome.ok or outcome.value is None:
            return
        say_reprinted(self, outcome.value)
        await self.reload()

    def action_back(self) -> None:
        """Esc: from a notice figure back to the quote; from the quote back to the card."""
        focused = self.focused
        if isinstance(focused, Input):
            self.body.focus()
            return
        self.app.pop_screen()
