"""The bill calculator: a consumer asks why the bill is what it is, the operator shows it.

Category, load, units and the month (whose FPPAS percentage applies) go in; the tariff's
own calculator gives the bill line by line: each energy slab with its units and rate,
the fixed charge, the electricity duty and the FPPAS, each with what it is charged on.
Opened from a consumer, the fields start from the consumer's category, load and the last
bill's units and month, and the bill's current charges are shown beside the estimate.
Ctrl+P prints the same breakdown, marked as an estimate (never a receipt).

Each line puts the amount first, in a column of its own, and the words after it: Hindi
words are never followed by anything that has to line up (terminals disagree on how wide
Devanagari is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Input, Static

from kiosk.domain.money import format_inr
from kiosk.printer.documents import BillEstimateDoc, EstimateLine
from kiosk.screens.base import CounterScreen
from kiosk.services.bill_estimate import (
    bill_categories,
    estimate_bill,
    estimate_print_state,
    print_bill_estimate,
)
from kiosk.services.counter import IST
from kiosk.services.lookup import Lookup
from kiosk.widgets.text import Plain, TLabel

FIELDS: tuple[str, ...] = ("category", "load", "units", "month")
# A service's InvalidInput.field -> the input it is about.
FIELD_INPUTS = {"category": "category", "load": "load", "units": "units", "month": "month"}
AMOUNT_WIDTH = 12
PRINT_POLL_S = 0.5


def line_words(line: EstimateLine, t: Callable[..., str]) -> str:
    """What a line is, in the screen's language (the figures stay as calculated)."""
    if line.kind == "energy" and line.slab_from is not None:
        if line.slab_to is None:
            return t("calculator.line_energy_above", after=line.slab_from - 1)
        return t("calculator.line_energy", first=line.slab_from, last=line.slab_to)
    if line.kind == "fixed":
        return t("calculator.line_fixed")
    if line.kind == "duty":
        return t("calculator.line_duty")
    if line.kind == "fppas":
        return t("calculator.line_fppas", month=line.label.removeprefix("FPPAS").strip())
    return line.label


class BillCalculatorScreen(CounterScreen):
    """Four fields, Enter from one to the next; the last works the bill out."""

    TITLE_KEY = "calculator.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "calculator.keys.calculate"),
        ("Ctrl+P", "calculator.keys.print"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("ctrl+p", "print", show=False),
    ]
    DEFAULT_CSS = """
    BillCalculatorScreen #calc-body {
        height: 1fr;
        padding: 0 1;
    }
    BillCalculatorScreen #calc-fields {
        height: auto;
    }
    BillCalculatorScreen .calc-field {
        width: 1fr;
        height: auto;
    }
    BillCalculatorScreen .calc-label {
        height: auto;
        padding: 0 1;
    }
    BillCalculatorScreen #calc-categories, BillCalculatorScreen #calc-consumer {
        height: auto;
        color: $text-muted;
    }
    BillCalculatorScreen #calc-consumer {
        color: $text;
    }
    BillCalculatorScreen #calc-breakdown {
        height: auto;
        margin-top: 1;
    }
    BillCalculatorScreen #calc-print {
        height: auto;
    }
    BillCalculatorScreen #calc-print.-warning {
        color: $text-warning;
        text-style: bold;
    }
    """

    def __init__(self, lookup: Lookup | None = None) -> None:
        super().__init__()
        self.lookup = lookup
        self.estimate: BillEstimateDoc | None = None
        self.codes: list[str] = []
        self.print_job: int | None = None
        self.print_state: str | None = None
        self._poll: Timer | None = None
        self._busy = False

    # ----------------------------------------------------------------- layout

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="calc-body"):
            with Horizontal(id="calc-fields"):
                for name in FIELDS:
                    with Vertical(classes="calc-field"):
                        yield TLabel(f"calculator.{name}", classes="calc-label")
                        yield Input(id=name, max_length=12)
            yield Plain(id="calc-categories")
            yield Plain(id="calc-consumer")
            yield Plain(id="calc-breakdown")
            yield Plain(id="calc-print")

    async def on_mount(self) -> None:
        outcome = await self.attempt(bill_categories)
        categories = outcome.value or []
        self.codes = [c.code for c in categories]
        self.input("category").suggester = SuggestFromList(self.codes, case_sensitive=False)
        self._prefill()
        self.localise()
        if self.lookup is not None:
            # The units are what the operator changes to show "and with fewer units...".
            self.input("units").focus()
            await self.calculate()
        else:
            self.input("category").focus()

    def _prefill(self) -> None:
        """From the consumer: category, load, the last bill's units and month."""
        today = self.desk.station.clock().astimezone(IST)
        month = f"{today:%Y-%m}"
        if self.lookup is None:
            self.input("month").value = month
            return
        snapshot = self.lookup.snapshot
        consumer, bill = snapshot.consumer, snapshot.bill
        units: int | None = None
        if bill is not None:
            units, month = bill.units, f"{bill.month:%Y-%m}"
        elif snapshot.consumption:
            last = snapshot.consumption[-1]
            units, month = last.units, last.month
        self.input("category").value = consumer.category
        self.input("load").value = f"{consumer.load_kw.normalize():f}"
        self.input("units").value = "" if units is None else str(units)
        self.input("month").value = month

    def input(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)

    def localise(self) -> None:
        self.query_one("#calc-categories", Static).update(
            self.tr("calculator.categories", codes=", ".join(self.codes))
        )
        consumer = self.query_one("#calc-consumer", Static)
        consumer.display = self.lookup is not None
        consumer.update(self._consumer_text())
        self.query_one("#calc-breakdown", Static).update(self._breakdown())
        self._show_print_state()

    def _consumer_text(self) -> str:
        if self.lookup is None:
            return ""
        c, bill = self.lookup.snapshot.consumer, self.lookup.snapshot.bill
        name = c.name_hi if self.desk.language == "hi" and c.name_hi else c.name
        who = self.tr("calculator.consumer", name=name, discom=c.discom, account=c.account_no)
        if bill is None:
            return who
        said = self.tr(
            "calculator.bill",
            month=f"{bill.month:%Y-%m}",
            units=bill.units,
            amount=format_inr(bill.current_paise),
        )
        return f"{who}\n{said}"

    def _breakdown(self) -> Text:
        doc = self.estimate
        if doc is None:
            return Text(self.tr("calculator.empty"), style="dim")
        label = doc.category_label_hi if self.desk.language == "hi" else doc.category_label
        text = Text()
        text.append(
            self.tr(
                "calculator.summary",
                category=label or doc.category_label,
                load=doc.load_kw,
                units=doc.units,
                month=doc.month,
            ),
            style="bold",
        )
        for line in doc.lines:
            text.append("\n")
            text.append(format_inr(line.amount_paise).rjust(AMOUNT_WIDTH), style="bold")
            text.append(f"  {line_words(line, self.tr)}: {self._detail(line)}")
        text.append("\n" + "-" * AMOUNT_WIDTH)
        text.append("\n")
        text.append(format_inr(doc.total_paise).rjust(AMOUNT_WIDTH), style="bold reverse")
        text.append("  " + self.tr("calculator.total"), style="bold")
        text.append("\n" + self.tr("calculator.estimate_note"), style="italic")
        if doc.notes:
            text.append("\n" + self.tr("calculator.notes"), style="dim")
            for note in doc.notes:
                text.append(f"\n  - {note}", style="dim")
        return text

    def _detail(self, line: EstimateLine) -> str:
        """``100 kWh × Rs 5.50/kWh`` or ``5% on energy ₹2,050.00``."""
        if line.base_paise is None:
            return f"{line.quantity} × {line.rate}"
        parts = " + ".join(self.tr(f"calculator.base_{part}") for part in line.applies_to)
        return self.tr(
            "calculator.on_base", rate=line.rate, parts=parts, amount=format_inr(line.base_paise)
        )

    @property
    def breakdown_text(self) -> str:
        return str(self.query_one("#calc-breakdown", Static).render())

    # ----------------------------------------------------------------- keys

    @on(Input.Submitted)
    async def _entered(self, event: Input.Submitted) -> None:
        name = event.input.id or ""
        if name in FIELDS and name != FIELDS[-1]:
            self.input(FIELDS[FIELDS.index(name) + 1]).focus()
            return
        await self.calculate()

    def _typed(self) -> tuple[str, str, str, str]:
        return tuple(self.input(name).value for name in FIELDS)  # type: ignore[return-value]

    def _whose(self) -> dict[str, object]:
        if self.lookup is None:
            return {}
        c = self.lookup.snapshot.consumer
        return {"discom": c.discom, "account_no": c.account_no, "consumer_name": c.name}

    async def calculate(self) -> bool:
        """Work the bill out; a bad field is named, focused, and the old figures go."""
        outcome = await self.attempt(estimate_bill, *self._typed(), **self._whose())
        if not outcome.ok or outcome.value is None:
            self.estimate = None
            self.localise()
            self._focus_refused(outcome.error)
            return False
        self.estimate = outcome.value
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        self.localise()
        return True

    def _focus_refused(self, error: str) -> None:
        field = error.partition(":")[0].strip()
        target = FIELD_INPUTS.get(field)
        if target is not None:
            self.input(target).focus()

    async def action_print(self) -> None:
        """Work it out again from the fields (screen and paper agree), then queue the slip."""
        if self._busy:
            return
        self._busy = True
        try:
            if not await self.calculate():
                return
            outcome = await self.attempt(
                print_bill_estimate,
                self.desk.operator.operator_id,
                *self._typed(),
                **self._whose(),
            )
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            return
        self.print_job = outcome.value.job_id
        self.print_state = "pending"
        self.desk.station.wake_printer()
        self._show_print_state()
        if self._poll is not None:
            self._poll.stop()
        self._poll = self.set_interval(PRINT_POLL_S, self.check_print, name="estimate-print")

    async def check_print(self) -> None:
        if self.print_job is None:
            return
        try:
            state = await self.desk.station.call(estimate_print_state, self.print_job)
        except Exception:  # a status line must never break the screen
            return
        if state != self.print_state:
            self.print_state = state
            self._show_print_state()
        if state == "printed" and self._poll is not None:
            self._poll.stop()

    def _show_print_state(self) -> None:
        line = self.query_one("#calc-print", Static)
        state = self.print_state
        printer = str(getattr(getattr(self.app, "status", None), "printer", ""))
        if state is None:
            key = ""
        elif state == "printed":
            key = "calculator.printed"
        elif state == "failed":
            key = "calculator.print_failed"
        elif printer in ("offline", "error"):
            key = "calculator.print_waiting"
        else:
            key = "calculator.printing"
        line.set_class(key in ("calculator.print_failed", "calculator.print_waiting"), "-warning")
        line.update(self.tr(key) if key else "")

    def action_back(self) -> None:
        if self._poll is not None:
            self._poll.stop()
        self.app.pop_screen()
