"""The shift: X report (running totals), Z close with the counted cash, reconcile, export.

Opens on the X report of the open shift: totals by mode, count, cancelled receipts, the
receipts range and the cash expected in the drawer. P prints it. Z starts the close: the
operator types the cash counted in the drawer and Enter shows expected against counted
and the variance in a confirm dialog; Enter there closes the shift, records the variance
and prints the Z report, which the screen then shows. The next payment opens a new shift.
R compares the day with the central's figures (when online), E writes the day's payments
to a CSV file for the office. Esc goes back (from the count, back to the X report).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Literal

from rich.console import Console, ConsoleRenderable
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import format_inr, parse_amount
from kiosk.printer.documents import ShiftReportDoc
from kiosk.screens.base import GLOBAL_KEYS, CounterScreen
from kiosk.screens.role_check import refuse_unless
from kiosk.services import printing
from kiosk.services.counter import IST
from kiosk.services.day_export import ExportResult, export_day
from kiosk.services.reconcile import Reconciliation, reconcile_day
from kiosk.services.shifts import (
    ShiftView,
    close_shift,
    open_shift_view,
    print_x_report,
    report_print_state,
)
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.text import Plain, TLabel, literal, tr

State = Literal["x", "count", "z"]
PRINT_POLL_S = 0.5
_PRINTER_DOWN = ("offline", "error")
_KNOWN_MODES = ("cash", "upi", "cheque", "card")

KEYS_BY_STATE: dict[State, tuple[tuple[str, str], ...]] = {
    "x": (
        ("P", "shift.keys.print_x"),
        ("Z", "shift.keys.close"),
        ("R", "shift.keys.reconcile"),
        ("E", "shift.keys.export"),
        ("Esc", "keys.back"),
    ),
    "count": (
        ("Enter", "shift.keys.check"),
        ("Esc", "shift.keys.cancel_close"),
    ),
    "z": (
        ("P", "shift.keys.print_z"),
        ("R", "shift.keys.reconcile"),
        ("E", "shift.keys.export"),
        ("Esc", "keys.back"),
    ),
}


def mode_name(node: object, mode: str) -> str:
    return tr(node, f"receipts.mode.{mode}") if mode in _KNOWN_MODES else mode


def when_text(moment: object) -> str:
    return f"{moment.astimezone(IST):%d-%m-%Y %H:%M} IST"  # type: ignore[attr-defined]


def variance_text(node: object, variance: int) -> Text:
    """Counted minus expected: below zero the drawer is short, above it is over."""
    if variance < 0:
        return Text(tr(node, "shift.variance.short", amount=format_inr(-variance)), "bold red")
    if variance > 0:
        return Text(tr(node, "shift.variance.over", amount=format_inr(variance)), "bold yellow")
    return Text(tr(node, "shift.variance.none"), "bold green")


def report_table(node: object, doc: ShiftReportDoc) -> Table:
    """The figures of an X or Z report, as on the slip: mode lines, total, cancelled,
    receipts range, expected cash (and for Z counted cash and the variance)."""
    table = Table(box=None, padding=(0, 2), show_edge=False, pad_edge=False)
    table.add_column(tr(node, "shift.col.item"), no_wrap=True)
    table.add_column(tr(node, "shift.col.count"), justify="right", no_wrap=True)
    table.add_column(tr(node, "shift.col.amount"), justify="right", no_wrap=True)
    for total in doc.totals:
        table.add_row(mode_name(node, total.mode), str(total.count), format_inr(total.amount_paise))
    count = sum(t.count for t in doc.totals)
    paise = sum(t.amount_paise for t in doc.totals)
    table.add_row(
        Text(tr(node, "shift.row.total"), "bold"),
        Text(str(count), "bold"),
        Text(format_inr(paise), "bold"),
        end_section=True,
    )
    table.add_row(
        tr(node, "shift.row.cancelled"), str(doc.cancelled_count), format_inr(doc.cancelled_paise)
    )
    table.add_row(tr(node, "shift.row.first"), "", literal(doc.first_receipt or "-"))
    table.add_row(
        tr(node, "shift.row.last"), "", literal(doc.last_receipt or "-"), end_section=True
    )
    table.add_row(
        Text(tr(node, "shift.row.expected"), "bold"),
        "",
        Text(format_inr(doc.expected_cash_paise), "bold"),
    )
    if doc.counted_cash_paise is not None:
        table.add_row(tr(node, "shift.row.counted"), "", format_inr(doc.counted_cash_paise))
    if doc.variance_paise is not None:
        table.add_row(
            Text(tr(node, "shift.row.variance"), "bold"),
            "",
            variance_text(node, doc.variance_paise),
        )
    return table


@dataclass(frozen=True, slots=True)
class CloseSummary:
    """What the operator checks before the shift closes."""

    shift_id: int | None  # None: no shift is open, the Z is a zero report
    expected_paise: int
    counted_paise: int

    @property
    def variance_paise(self) -> int:
        return self.counted_paise - self.expected_paise


class ConfirmClose(ModalScreen[bool]):
    """Expected against counted and the variance; Enter closes the shift, Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "close_shift", show=False),
        Binding("escape", "back", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmClose #close-figures {
        height: auto;
        margin: 1 0;
    }
    ConfirmClose #close-warning {
        height: auto;
        color: $text-warning;
        margin-bottom: 1;
    }
    """

    def __init__(self, summary: CloseSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="close-dialog"):
            yield Plain(id="close-title", classes="screen-title")
            yield Plain(id="close-figures")
            yield TLabel("shift.confirm.warning", id="close-warning")
            yield TLabel("shift.confirm.keys", classes="hint")

    def on_mount(self) -> None:
        self.localise()

    def localise(self) -> None:
        s = self.summary
        title = (
            tr(self, "shift.confirm.title", shift=s.shift_id)
            if s.shift_id is not None
            else tr(self, "shift.confirm.title_empty")
        )
        self.query_one("#close-title", Static).update(title)
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_row(tr(self, "shift.row.expected"), format_inr(s.expected_paise))
        table.add_row(tr(self, "shift.row.counted"), format_inr(s.counted_paise))
        table.add_row(
            Text(tr(self, "shift.row.variance"), "bold"), variance_text(self, s.variance_paise)
        )
        self.query_one("#close-figures", Static).update(table)

    @property
    def text(self) -> str:
        """Everything the dialog says (for tests)."""
        return "\n".join(plain(node.content) for node in self.query(Static))

    def action_close_shift(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


def plain(renderable: object) -> str:
    """A renderable as the plain text it draws (for tests and for reading it out)."""
    console = Console(file=io.StringIO(), width=160, color_system=None, legacy_windows=False)
    with console.capture() as captured:
        shown = renderable if isinstance(renderable, ConsoleRenderable) else Text(str(renderable))
        console.print(shown)
    return "\n".join(line.rstrip() for line in captured.get().splitlines())


class ShiftScreen(CounterScreen):
    TITLE_KEY = "shift.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("p,P", "print_report", show=False),
        Binding("z,Z", "start_close", show=False),
        Binding("r,R", "reconcile", show=False),
        Binding("e,E", "export", show=False),
    ]
    DEFAULT_CSS = """
    ShiftScreen #shift-body {
        height: 1fr;
        padding: 0 1;
    }
    ShiftScreen #shift-head {
        height: auto;
        text-style: bold;
        margin-bottom: 1;
    }
    ShiftScreen #shift-report {
        height: auto;
        width: auto;
        border-top: solid $secondary;
        border-bottom: solid $secondary;
    }
    ShiftScreen #shift-report.-closed {
        border-top: solid $success;
        border-bottom: solid $success;
    }
    ShiftScreen #shift-cancelled, ShiftScreen #shift-closed, ShiftScreen #shift-print {
        height: auto;
    }
    ShiftScreen #shift-print.-warning {
        color: $text-warning;
        text-style: bold;
    }
    ShiftScreen #count-box {
        height: auto;
        max-width: 60;
    }
    ShiftScreen #count-box .field-label, ShiftScreen #count-box .hint {
        padding: 0;
    }
    ShiftScreen #reconcile {
        height: auto;
        margin-top: 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.state: State = "x"
        self.view: ShiftView | None = None  # the X report shown, or the Z just made
        self.loaded = False
        self.reconciliation: Reconciliation | None = None
        self.print_state: str | None = None  # the shown report's slip, once printed
        self._poll: Timer | None = None
        self._busy = False

    # ----------------------------------------------------------------- layout

    def key_list(self) -> list[tuple[str, str]]:
        """This screen's keys first: the key bar is one line and cuts off what does not fit."""
        return [*KEYS_BY_STATE[self.state], *GLOBAL_KEYS]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="shift-body"):
            yield Plain(id="shift-head")
            yield Plain(id="shift-report")
            yield Plain(id="shift-cancelled")
            yield Plain(id="shift-closed")
            yield Plain(id="shift-print")
            with Vertical(id="count-box"):
                yield TLabel("shift.count.label", classes="field-label")
                yield Input(id="counted", max_length=20)
                yield TLabel("shift.count.hint", classes="hint")
            yield Plain(id="reconcile")

    def on_mount(self) -> None:
        self.query_one("#count-box").display = False
        self.localise()
        self.reload()

    @property
    def operator_id(self) -> str:
        return str(self.desk.operator.operator_id)

    @property
    def shown(self) -> ShiftReportDoc | None:
        return None if self.view is None else self.view.doc

    # ----------------------------------------------------------------- drawing

    def localise(self) -> None:
        self.query_one("#counted", Input).placeholder = self.tr("shift.count.placeholder")
        self._draw_report()
        self._draw_print()
        self._draw_reconcile()
        bar = self.query_one(KeyBar)
        bar.set_keys(self.key_list())

    def _draw_report(self) -> None:
        head = self.query_one("#shift-head", Static)
        report = self.query_one("#shift-report", Static)
        cancelled = self.query_one("#shift-cancelled", Static)
        closed = self.query_one("#shift-closed", Static)
        doc = self.shown
        report.set_class(self.state == "z", "-closed")
        closed.display = self.state == "z"
        if not self.loaded:
            head.update(self.tr("shift.loading"))
            report.display = cancelled.display = False
            return
        if doc is None:
            head.update(self.tr("shift.no_shift"))
            report.display = cancelled.display = False
            return
        report.display = True
        if self.state == "z" and doc.closed_at is not None:
            head.update(
                self.tr("shift.head_z", shift=doc.shift_id, closed=when_text(doc.closed_at))
            )
            closed.update(self.tr("shift.done.closed", shift=doc.shift_id))
        else:
            head.update(
                self.tr("shift.head_x", shift=doc.shift_id, opened=when_text(doc.opened_at))
            )
        report.update(report_table(self, doc))
        numbers = self.view.cancelled_receipts if self.view is not None else ()
        cancelled.display = bool(numbers)
        cancelled.update(self.tr("shift.cancelled_list", receipts=", ".join(numbers)))

    def _draw_print(self) -> None:
        line = self.query_one("#shift-print", Static)
        line.display = self.state == "z"
        if self.state != "z":
            return
        state = self.print_state
        warning = state == "failed" or (state != "printed" and self._printer_down)
        line.set_class(warning, "-warning")
        if state == "printed":
            line.update(self.tr("shift.done.printed"))
        elif state == "failed":
            line.update(self.tr("shift.done.print_failed", detail=self._printer_detail))
        elif self._printer_down:
            line.update(self.tr("shift.done.print_waits", detail=self._printer_detail))
        else:
            line.update(self.tr("shift.done.printing"))

    @property
    def _printer_down(self) -> bool:
        return str(getattr(self.app.status, "printer", "")) in _PRINTER_DOWN  # type: ignore[attr-defined]

    @property
    def _printer_detail(self) -> str:
        status = self.app.status  # type: ignore[attr-defined]
        return str(getattr(status, "printer_detail", "") or getattr(status, "printer", ""))

    def _draw_reconcile(self) -> None:
        panel = self.query_one("#reconcile", Static)
        found = self.reconciliation
        panel.display = found is not None
        if found is None:
            return
        panel.update(reconcile_text(self, found))

    @property
    def report_text(self) -> str:
        """What the report area says, as plain text (for tests)."""
        selectors = ("#shift-head", "#shift-report", "#shift-cancelled", "#shift-closed")
        shown = [self.query_one(s, Static) for s in (*selectors, "#shift-print")]
        return "\n".join(plain(widget.content) for widget in shown if widget.display)

    @property
    def reconcile_words(self) -> str:
        """What the reconcile panel says, as plain text (for tests)."""
        panel = self.query_one("#reconcile", Static)
        return plain(panel.content) if panel.display else ""

    # ----------------------------------------------------------------- loading

    def reload(self) -> None:
        self.run_worker(self._load(), group="shift-load", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        outcome = await self.attempt(open_shift_view, self.operator_id)
        if not outcome.ok or self.state == "z":
            return
        self.view = outcome.value
        self.loaded = True
        self._draw_report()

    def _set_state(self, state: State) -> None:
        self.state = state
        self.query_one("#count-box").display = state == "count"
        self.query_one(KeyBar).set_keys(self.key_list())
        self._draw_report()
        self._draw_print()

    # ----------------------------------------------------------------- X report

    async def action_print_report(self) -> None:
        if self.state == "count" or self._busy:
            return
        if self.state == "z":
            await self._reprint_z()
            return
        outcome = await self.attempt(open_shift_view, self.operator_id)
        if not outcome.ok:
            return
        self.view = outcome.value
        self.loaded = True
        self._draw_report()
        if self.view is None:
            self.say(self.tr("shift.x.nothing"), "warning")
            return
        printed = await self.attempt(print_x_report, self.operator_id)
        if not printed.ok:
            return
        self.desk.station.wake_printer()
        if self._printer_down:
            self.say(self.tr("shift.x.queued", detail=self._printer_detail), "warning")
        else:
            self.say(self.tr("shift.x.printed"), "ok")

    async def _reprint_z(self) -> None:
        doc = self.shown
        if doc is None:
            return
        outcome = await self.attempt(printing.reprint, f"shift-{doc.shift_id}-Z", self.operator_id)
        if not outcome.ok:
            return
        self.desk.station.wake_printer()
        self.say(self.tr("shift.done.duplicate"), "ok")

    # ----------------------------------------------------------------- Z close

    def action_start_close(self) -> None:
        if self.state == "z":
            doc = self.shown
            closed = when_text(doc.closed_at) if doc and doc.closed_at else ""
            self.say(self.tr("shift.done.already_closed", time=closed), "error")
            return
        if self.state == "count":
            return
        self._set_state("count")
        counted = self.query_one("#counted", Input)
        counted.value = ""
        counted.focus()
        self.query_one("#message").clear()  # type: ignore[attr-defined]

    @on(Input.Submitted, "#counted")
    async def _counted_entered(self) -> None:
        if self.state != "count" or self._busy or self.app.screen is not self:
            return
        counted_input = self.query_one("#counted", Input)
        try:
            counted = parse_amount(counted_input.value, "counted cash")
        except InvalidInput as exc:
            self.say(self.tr("shift.count.bad", reason=exc.message), "error")
            counted_input.focus()
            return
        self._busy = True
        outcome = await self.attempt(open_shift_view, self.operator_id)
        if not outcome.ok:
            self._busy = False
            return
        self.view = outcome.value
        self.loaded = True
        self._draw_report()
        doc = self.shown
        summary = CloseSummary(
            shift_id=None if doc is None else doc.shift_id,
            expected_paise=0 if doc is None else doc.expected_cash_paise,
            counted_paise=counted,
        )
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        self.app.push_screen(ConfirmClose(summary), partial(self._confirmed, summary))

    async def _confirmed(self, summary: CloseSummary, go: bool | None) -> None:
        if not go:
            self._busy = False
            self.query_one("#counted", Input).focus()
            return
        try:
            outcome = await self.attempt(
                close_shift, self.operator_id, summary.counted_paise, shift_id=summary.shift_id
            )
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            self.query_one("#counted", Input).focus()
            return
        self.view = outcome.value
        self.print_state = "pending"
        self.query_one("#counted", Input).value = ""
        self._set_state("z")
        self.query_one("#shift-body").focus()
        self.desk.station.wake_printer()
        variance = variance_text(self, outcome.value.doc.variance_paise or 0).plain
        self.say(self.tr("shift.done.message", variance=variance), "ok")
        self._poll = self.set_interval(PRINT_POLL_S, self.check_print, name="shift-z-print")
        self.call_after_refresh(self.check_print)

    async def check_print(self) -> None:
        """Follow the Z slip until it has printed (the printer may be off)."""
        doc = self.shown
        if doc is None or self.state != "z":
            return
        try:
            state = await self.desk.station.call(report_print_state, doc.shift_id, "Z")
        except Exception:  # a status line must not fail the screen
            return
        if state != self.print_state:
            self.print_state = state
            self._draw_print()
        if state == "printed" and self._poll is not None:
            self._poll.stop()

    # ----------------------------------------------------------------- day: reconcile, export

    async def action_reconcile(self) -> None:
        if self.state == "count" or self._busy:
            return
        self.say(self.tr("shift.reconcile.asking"), "info")
        self._busy = True
        try:
            outcome = await self.attempt(
                reconcile_day, self.operator_id, central=self.desk.station.central
            )
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            return
        found = outcome.value
        self.reconciliation = found
        self._draw_reconcile()
        self.call_after_refresh(self.query_one("#reconcile").scroll_visible, animate=False)
        if not found.compared:
            self.say(self.tr(f"shift.reconcile.{found.unreachable}"), "warning")
        elif found.all_match:
            self.say(self.tr("shift.reconcile.match_short"), "ok")
        else:
            self.say(self.tr("shift.reconcile.differs"), "warning")

    async def action_export(self) -> None:
        if self.state == "count" or self._busy:
            return
        if not refuse_unless(self, "day.export"):
            return
        outcome = await self.attempt(export_day, self.operator_id)
        if not outcome.ok or outcome.value is None:
            return
        result: ExportResult = outcome.value
        key = "shift.export.done" if result.rows else "shift.export.empty"
        self.say(
            self.tr(key, rows=result.rows, day=f"{result.day:%d-%m-%Y}", path=str(result.path)),
            "ok",
        )

    # ----------------------------------------------------------------- back

    def action_back(self) -> None:
        if self.state == "count":
            self._set_state("x")
            self.query_one("#message").clear()  # type: ignore[attr-defined]
            self.query_one("#shift-body").focus()
            return
        self.app.pop_screen()


def reconcile_text(node: object, found: Reconciliation) -> Text | Table:
    """The comparison in words: by mode, the cancelled count, each receipt that stands
    differently at the central, and any difference those receipts do not explain."""
    day = f"{found.day:%d-%m-%Y}"
    if not found.compared:
        return Text(tr(node, f"shift.reconcile.{found.unreachable}"), "bold yellow")
    table = Table(
        title=tr(node, "shift.reconcile.title", day=day),
        title_justify="left",
        title_style="bold",
        box=None,
        padding=(0, 2),
        show_edge=False,
        pad_edge=False,
    )
    table.add_column(tr(node, "shift.col.item"), no_wrap=True)
    table.add_column(tr(node, "shift.reconcile.here"), justify="right", no_wrap=True)
    table.add_column(tr(node, "shift.reconcile.central"), justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for mode in found.modes:
        table.add_row(
            mode_name(node, mode.mode),
            f"{mode.local_count} / {format_inr(mode.local_paise)}",
            f"{mode.central_count} / {format_inr(mode.central_paise)}",
            _mark(node, mode.matches),
        )
    table.add_row(
        tr(node, "shift.row.cancelled"),
        str(found.local_cancelled),
        str(found.central_cancelled),
        _mark(node, found.local_cancelled == found.central_cancelled),
    )
    lines = Table.grid()
    lines.add_column()
    lines.add_row(table)
    if found.all_match:
        text = tr(
            node,
            "shift.reconcile.all_match",
            count=found.local_count,
            amount=format_inr(found.local_paise),
        )
        lines.add_row(Text(text, "bold green"))
        return lines
    for receipt in found.receipts:
        reason = tr(node, f"shift.reconcile.reason.{receipt.reason}")
        lines.add_row(
            Text(
                tr(
                    node,
                    "shift.reconcile.receipt",
                    receipt=receipt.receipt_no,
                    amount=format_inr(receipt.amount_paise),
                    mode=mode_name(node, receipt.mode),
                    reason=reason,
                ),
                "yellow",
            )
        )
    for mode in found.unexplained:
        lines.add_row(
            Text(
                tr(
                    node,
                    "shift.reconcile.unexplained",
                    mode=mode_name(node, mode.mode),
                    central=f"{mode.central_count} / {format_inr(mode.central_paise)}",
                    sent=f"{mode.expected_count} / {format_inr(mode.expected_paise)}",
                ),
                "bold red",
            )
        )
    if found.expected_cancelled != found.central_cancelled:
        lines.add_row(
            Text(
                tr(
                    node,
                    "shift.reconcile.unexplained_cancelled",
                    central=found.central_cancelled,
                    sent=found.expected_cancelled,
                ),
                "bold red",
            )
        )
    return lines


def _mark(node: object, ok: bool) -> Text:
    return (
        Text(tr(node, "shift.reconcile.ok"), "green")
        if ok
        else Text(tr(node, "shift.reconcile.differ"), "bold red")
    )
