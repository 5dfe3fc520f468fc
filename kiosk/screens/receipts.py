"""F4: the receipts of this shift (or of the whole counter today), searched as the operator
types; view one in full, print a DUPLICATE, or have a supervisor cancel it.

Focus starts in the search box, where every key types; Down or Enter moves to the list,
where the letter keys act on the selected receipt (P reprint, X cancel, D shift / day) and
/ goes back to the search. Times are the station clock's, shown in India's time.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from kiosk.domain.money import format_inr
from kiosk.printer.connections import PrinterState
from kiosk.screens.base import GLOBAL_KEYS, CounterScreen
from kiosk.screens.cancel_receipt import CancelReceiptScreen
from kiosk.services import printing, receipts
from kiosk.services.counter import IST
from kiosk.services.payments import CancelResult
from kiosk.services.receipts import ReceiptLine
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.text import Plain, PlainTable, TLabel, literal, tr

DEBOUNCE_S = 0.25
LIMIT = 500  # a busy shift has a few hundred; search finds older ones
NAME_WIDTH = 20  # longer names are cut in the list; the detail (Enter) shows them whole
COLUMNS = ("time", "receipt", "account", "name", "amount", "mode", "status", "synced", "printed")
PRINTER_DOWN = (PrinterState.OFFLINE, PrinterState.ERROR)


def mode_text(node: object, mode: str) -> str:
    """The payment mode in the screen's language (an unknown one as stored)."""
    known = ("cash", "upi", "cheque", "card")
    return tr(node, f"receipts.mode.{mode}") if mode in known else mode


def print_text(node: object, printed: str | None) -> str:
    return tr(node, f"receipts.print.{printed or 'none'}")


def yes_no(node: object, flag: bool) -> str:
    return tr(node, "receipts.yes" if flag else "receipts.no")


class ReceiptsScreen(CounterScreen):
    TITLE_KEY = "receipts.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "receipts.keys.detail"),
        ("P", "receipts.keys.reprint"),
        ("X", "receipts.keys.cancel"),
        ("D", "receipts.keys.scope"),
        ("/", "receipts.keys.search"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("p,P", "reprint", show=False),
        Binding("x,X", "cancel", show=False),
        Binding("d,D", "toggle_scope", show=False),
        Binding("slash,f3", "search", show=False),
        Binding("down", "to_list", show=False),
    ]
    DEFAULT_CSS = """
    ReceiptsScreen #receipts-list {
        height: 1fr;
        border: solid $secondary;
    }
    ReceiptsScreen #receipts-list:focus {
        border: solid $accent;
    }
    ReceiptsScreen #scope {
        padding: 0 1;
        text-style: italic;
    }
    ReceiptsScreen #totals {
        padding: 0 1;
        height: auto;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[ReceiptLine] = []
        self.whole_day = False
        self._debounce: Timer | None = None
        self._generation = 0

    # ----------------------------------------------------------------- layout

    def key_list(self) -> list[tuple[str, str]]:
        """This screen's keys first: the key bar is one line and cuts off what does not fit."""
        return [*self.KEYS, *GLOBAL_KEYS]

    def compose_body(self) -> ComposeResult:
        yield TLabel("receipts.scope_shift", id="scope")
        yield TLabel("receipts.search", classes="field-label")
        yield Input(id="search", max_length=60)
        table: DataTable[str | Text] = PlainTable(id="receipts-list", cursor_type="row")
        table.zebra_stripes = True
        yield table
        yield Plain(id="totals")

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self.localise()
        self.reload()

    def localise(self) -> None:
        self.query_one("#search", Input).placeholder = self.tr("receipts.search_placeholder")
        self._scope_label()
        self._fill()
        for bar in self.query(KeyBar):
            bar.localise()

    def _scope_label(self) -> None:
        label = self.query_one("#scope", TLabel)
        if self.whole_day:
            label.set_key("receipts.scope_day", day=f"{self._today():%d-%m-%Y}")
        else:
            label.set_key("receipts.scope_shift")

    def _today(self) -> date:
        return self.desk.station.clock().astimezone(IST).date()

    # ----------------------------------------------------------------- loading

    @property
    def query_text(self) -> str:
        return self.query_one("#search", Input).value

    def reload(self) -> None:
        """Read the list again (the newest request wins; older answers are dropped)."""
        self.run_worker(self._load(), group="receipts-load", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        self._generation += 1
        generation = self._generation
        operator = self.desk.operator
        if operator is None:
            return
        day = self._today() if self.whole_day else None
        outcome = await self.attempt(
            receipts.shift_receipts,
            operator.operator_id,
            query=self.query_text,
            day=day,
            limit=LIMIT,
        )
        if generation != self._generation or not outcome.ok or outcome.value is None:
            return
        self.lines = outcome.value
        self._fill()

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, self.reload, name="receipts-search")

    @on(Input.Submitted, "#search")
    def _search_now(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.reload()
        self.action_to_list()

    # ----------------------------------------------------------------- drawing

    def _fill(self) -> None:
        table: DataTable[str | Text] = self.query_one("#receipts-list", DataTable)
        keep = self._cursor_key()
        table.clear(columns=True)
        for column in COLUMNS:
            justify = "right" if column == "amount" else "left"
            label = Text(self.tr(f"receipts.col.{column}"), justify=justify)
            width = self._name_width(label) if column == "name" else None
            table.add_column(label, key=column, width=width)
        for line in self.lines:
            table.add_row(*self._cells(line), key=line.receipt_no)
        if keep is not None:
            index = next((i for i, line in enumerate(self.lines) if line.receipt_no == keep), 0)
            table.move_cursor(row=index, animate=False)
        self._totals()

    def _name_width(self, label: Text) -> int:
        """As wide as the longest name, up to NAME_WIDTH: the other columns stay in view."""
        longest = max((cell_len(line.consumer_name) for line in self.lines), default=1)
        return max(label.cell_len, min(longest, NAME_WIDTH))

    def _cells(self, line: ReceiptLine) -> list[str | Text]:
        cancelled = line.status == "cancelled"
        status_style = "bold red" if cancelled else ""
        printed_style = "bold red" if line.printed == "failed" else ""
        return [
            f"{line.recorded_at.astimezone(IST):%H:%M}",
            Text(line.receipt_no, style="strike" if cancelled else ""),
            line.account_no,
            line.consumer_name or "-",
            Text(format_inr(line.amount_paise), justify="right"),
            mode_text(self, line.mode),
            Text(self.tr(f"receipts.status.{line.status}"), style=status_style),
            yes_no(self, line.synced),
            Text(print_text(self, line.printed), style=printed_style),
        ]

    def _totals(self) -> None:
        valid = [line for line in self.lines if line.status == "valid"]
        cancelled = len(self.lines) - len(valid)
        if not self.lines:
            query = self.query_text.strip()
            text = (
                self.tr("receipts.none_found", query=query) if query else self.tr("receipts.none")
            )
        else:
            key = "receipts.totals_cancelled" if cancelled else "receipts.totals"
            amount = format_inr(sum(line.amount_paise for line in valid))
            text = self.tr(key, count=len(valid), amount=amount, cancelled=cancelled)
            if len(self.lines) >= LIMIT:
                text = f"{text}  {self.tr('receipts.truncated', n=LIMIT)}"
        self.query_one("#totals", Static).update(text)

    def _cursor_key(self) -> str | None:
        """The receipt number of the row under the cursor, as the table shows it now."""
        table: DataTable[str | Text] = self.query_one("#receipts-list", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected(self) -> ReceiptLine | None:
        """The receipt under the list's cursor (None when the list is empty)."""
        key = self._cursor_key()
        return next((line for line in self.lines if line.receipt_no == key), None)

    def _chosen(self) -> ReceiptLine | None:
        line = self.selected()
        if line is None:
            self.say(self.tr("receipts.nothing_selected"), "warning")
        return line

    # ----------------------------------------------------------------- keys

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_to_list(self) -> None:
        self.query_one("#receipts-list", DataTable).focus()

    def action_toggle_scope(self) -> None:
        self.whole_day = not self.whole_day
        self._scope_label()
        self.reload()

    @on(DataTable.RowSelected, "#receipts-list")
    async def _view(self) -> None:
        line = self._chosen()
        if line is None:
            return
        outcome = await self.attempt(receipts.receipt_detail, line.receipt_no)
        if outcome.ok and outcome.value is not None:
            self.app.push_screen(ReceiptDetailScreen(outcome.value), self._after_detail)

    async def _after_detail(self, wanted: str | None) -> None:
        if wanted == "reprint":
            await self.action_reprint()
        elif wanted == "cancel":
            self.action_cancel()

    async def action_reprint(self) -> None:
        line = self._chosen()
        if line is None:
            return
        if line.status == "cancelled":
            # A duplicate of a cancelled receipt would read as proof of a payment that no
            # longer stands: the cancellation slip is what the consumer gets.
            self.say(self.tr("receipts.no_duplicate_cancelled", receipt=line.receipt_no), "error")
            return
        operator = self.desk.operator.operator_id
        outcome = await self.attempt(printing.reprint, line.receipt_no, operator)
        if not outcome.ok:
            return
        station = self.desk.station
        station.wake_printer()
        status = station.printer_status
        if status.state in PRINTER_DOWN:
            detail = status.detail or str(status.state)
            self.say(
                self.tr("receipts.duplicate_waits", receipt=line.receipt_no, detail=detail),
                "warning",
            )
        else:
            self.say(self.tr("receipts.duplicate_sent", receipt=line.receipt_no), "ok")
        self.reload()

    def action_cancel(self) -> None:
        line = self._chosen()
        if line is None:
            return
        if line.status == "cancelled":
            self.say(self.tr("receipts.already_cancelled", receipt=line.receipt_no), "error")
            return
        self.app.push_screen(
            CancelReceiptScreen(line, mode_text(self, line.mode)), self._after_cancel
        )

    def _after_cancel(self, result: CancelResult | None) -> None:
        self.action_to_list()
        if result is None:
            return
        self.desk.station.wake_printer()
        amount = format_inr(result.amount_paise)
        self.say(self.tr("receipts.cancelled", receipt=result.receipt_no, amount=amount), "ok")
        self.reload()


class ReceiptDetailScreen(ModalScreen[str | None]):
    """Every field of one receipt; P or X act on it from here too (the list does the work)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", show=False),
        Binding("p,P", "choose('reprint')", show=False),
        Binding("x,X", "choose('cancel')", show=False),
    ]

    def __init__(self, line: ReceiptLine) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="receipt-detail"):
            yield TLabel(
                "receipts.detail.title",
                values={"receipt": self.line.receipt_no},
                classes="screen-title",
            )
            yield Plain(id="detail-fields")
            yield TLabel("receipts.detail.close", classes="hint")
            yield KeyBar(
                [
                    ("P", "receipts.keys.reprint"),
                    ("X", "receipts.keys.cancel"),
                    ("Esc", "receipts.keys.close"),
                ]
            )

    def on_mount(self) -> None:
        self.localise()

    def rows(self) -> list[tuple[str, str]]:
        """(catalogue key of the label, value) for every field, in the slip's order."""
        line = self.line
        when = line.recorded_at.astimezone(IST)
        return [
            ("receipts.detail.receipt", line.receipt_no),
            ("receipts.detail.when", f"{when:%d-%m-%Y %H:%M} IST"),
            ("receipts.detail.discom", line.discom),
            ("receipts.detail.account", line.account_no),
            ("receipts.detail.name", line.consumer_name or "-"),
            ("receipts.detail.amount", format_inr(line.amount_paise)),
            ("receipts.detail.mode", mode_text(self, line.mode)),
            ("receipts.detail.reference", line.reference or "-"),
            ("receipts.detail.operator", line.operator_id),
            ("receipts.detail.status", tr(self, f"receipts.status.{line.status}")),
            ("receipts.detail.synced", yes_no(self, line.synced)),
            ("receipts.detail.printed", print_text(self, line.printed)),
        ]

    def localise(self) -> None:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, value in self.rows():
            table.add_row(literal(tr(self, key)), literal(value))  # data: never markup
        self.query_one("#detail-fields", Static).update(table)
        self.query_one(KeyBar).localise()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self, wanted: str) -> None:
        self.dismiss(wanted)
