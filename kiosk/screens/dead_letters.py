"""F9: the records the central refused, with its reason, for a supervisor to sort out.

Nothing refused is ever dropped: it waits here until a supervisor has the cause fixed (with
the office) and sends it again with R. An operator who opens the screen is told plainly
that only a supervisor can see these, and sees none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from kiosk.i18n import catalogue
from kiosk.screens.base import GLOBAL_KEYS, CounterScreen
from kiosk.screens.role_check import signed_in_role
from kiosk.services import dead_letters
from kiosk.services.counter import IST
from kiosk.services.dead_letters import DeadLetterLine
from kiosk.services.roles import may
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.text import Plain, PlainTable, TLabel, tr

COLUMNS = ("when", "kind_col", "ref", "reason")


def kind_text(node: object, kind: str) -> str:
    """The event type in plain words ("payment.recorded" -> "Payment"); unknown as stored."""
    key = f"dead_letters.kind.{kind.replace('.', '_')}"
    language = node.app.tr.language  # type: ignore[attr-defined]
    return tr(node, key) if key in catalogue(language) else kind


class DeadLettersScreen(CounterScreen):
    TITLE_KEY = "dead_letters.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("R", "dead_letters.retry_key"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("r,R", "retry", show=False),
    ]
    DEFAULT_CSS = """
    DeadLettersScreen #dead-list {
        height: 1fr;
        border: solid $secondary;
    }
    DeadLettersScreen #dead-list:focus {
        border: solid $accent;
    }
    DeadLettersScreen #dead-reason {
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[DeadLetterLine] = []

    def key_list(self) -> list[tuple[str, str]]:
        return [*self.KEYS, *GLOBAL_KEYS]

    def compose_body(self) -> ComposeResult:
        yield TLabel("dead_letters.explain", id="dead-explain", classes="hint")
        table: DataTable[str | Text] = PlainTable(id="dead-list", cursor_type="row")
        yield table
        yield Plain(id="dead-reason")

    @property
    def allowed(self) -> bool:
        return may(signed_in_role(self), "dead_letter.view")

    async def on_mount(self) -> None:
        if not self.allowed:
            # The service refuses too; saying it here keeps the screen from even asking.
            self.query_one("#dead-explain").display = False
            self.query_one("#dead-list").display = False
            self.say(self.tr("dead_letters.only_supervisor"), "error")
            return
        self.query_one("#dead-list", DataTable).focus()
        self._fill()
        await self.reload()

    def localise(self) -> None:
        self._fill()
        for bar in self.query(KeyBar):
            bar.localise()

    async def reload(self) -> None:
        outcome = await self.attempt(dead_letters.list_dead_letters, self.desk.operator.operator_id)
        if outcome.ok and outcome.value is not None:
            self.lines = outcome.value
        self._fill()

    # ----------------------------------------------------------------- drawing

    def _fill(self) -> None:
        if not self.allowed:
            return
        table: DataTable[str | Text] = self.query_one("#dead-list", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(self.tr(f"dead_letters.{column}"), key=column)
        for line in self.lines:
            table.add_row(
                f"{line.dead_at.astimezone(IST):%d-%m-%Y %H:%M}",
                kind_text(self, line.kind),
                line.ref or self.tr("dead_letters.no_ref"),
                line.reason,
                key=line.event_id,
            )
        if self.lines:
            table.move_cursor(row=min(keep, len(self.lines) - 1), animate=False)
        self._show_reason()

    def _show_reason(self) -> None:
        line = self.selected()
        if not self.lines:
            text = self.tr("dead_letters.none")
        elif line is None:
            text = ""
        else:
            text = self.tr("dead_letters.full_reason", reason=line.reason)
        self.query_one("#dead-reason", Static).update(text)

    def on_data_table_row_highlighted(self) -> None:
        self._show_reason()

    def selected(self) -> DeadLetterLine | None:
        table: DataTable[str | Text] = self.query_one("#dead-list", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < len(self.lines):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((line for line in self.lines if line.event_id == key), None)

    # ----------------------------------------------------------------- keys

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_retry(self) -> None:
        if not self.allowed:
            self.say(self.tr("dead_letters.only_supervisor"), "error")
            return
        line = self.selected()
        if line is None:
            self.say(self.tr("dead_letters.nothing_selected"), "warning")
            return

        def question() -> str:
            kind = kind_text(self, line.kind)
            ref = line.ref or self.tr("dead_letters.no_ref")
            return self.tr("dead_letters.confirm", kind=kind, ref=ref)

        self.app.push_screen(ConfirmScreen(question), partial(self._confirmed, line))

    async def _confirmed(self, line: DeadLetterLine, yes: bool | None) -> None:
        self.query_one("#dead-list", DataTable).focus()
        if not yes:
            return
        outcome = await self.attempt(
            dead_letters.retry_dead_letter,
            line.event_id,
            supervisor_id=self.desk.operator.operator_id,
        )
        if not outcome.ok:
            return
        if outcome.value:
            self.desk.station.sync_now()
            kind = kind_text(self, line.kind)
            ref = line.ref or self.tr("dead_letters.no_ref")
            self.say(self.tr("dead_letters.retried", kind=kind, ref=ref), "ok")
        else:
            self.say(self.tr("dead_letters.gone"), "warning")
        await self.reload()


class ConfirmScreen(ModalScreen[bool]):
    """One yes/no question: Enter (or Y) says yes, Esc (or N) says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y,Y", "answer(True)", show=False),
        Binding("escape,n,N", "answer(False)", show=False),
    ]

    def __init__(self, question: Callable[[], str]) -> None:
        super().__init__()
        self.question = question  # asked again on a language switch

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Plain(id="question", classes="screen-title")
            yield TLabel("dead_letters.confirm_keys", classes="hint")

    def on_mount(self) -> None:
        self.localise()

    def localise(self) -> None:
        self.query_one("#question", Static).update(self.question())

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
