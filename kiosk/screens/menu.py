"""F7: the counter's other tasks, one digit each, for work that does not start from a card.

Tasks about one consumer (relief scheme, recharge, meter reading) start from the consumer
card instead, where the account is already known; the menu says which keys those are.
Screens are imported when chosen, so the menu costs nothing at start-up.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kiosk.screens.base import CounterScreen
from kiosk.screens.role_check import refuse_unless
from kiosk.widgets.text import TLabel


@dataclass(frozen=True, slots=True)
class Task:
    key: str
    label_key: str
    module: str
    screen: str
    action: str | None = None  # kiosk.services.roles: who may open it (None: everyone)

    def open(self) -> Screen[Any]:
        screen_type = getattr(importlib.import_module(self.module), self.screen)
        return screen_type()


TASKS: tuple[Task, ...] = (
    Task("1", "menu.complaint", "kiosk.screens.complaint", "ComplaintScreen"),
    Task("2", "menu.complaint_track", "kiosk.screens.complaint_track", "ComplaintTrackScreen"),
    Task("3", "menu.new_connection", "kiosk.screens.new_connection", "NewConnectionScreen"),
    Task("4", "menu.bill_calculator", "kiosk.screens.bill_calculator", "BillCalculatorScreen"),
    Task("5", "menu.shift", "kiosk.screens.shift", "ShiftScreen"),
    Task("6", "menu.receipts", "kiosk.screens.receipts", "ReceiptsScreen"),
    Task(
        "7",
        "menu.dead_letters",
        "kiosk.screens.dead_letters",
        "DeadLettersScreen",
        "dead_letter.view",
    ),
)


class MenuScreen(CounterScreen):
    TITLE_KEY = "menu.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("1-7", "menu.keys.open"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(task.key, f"open('{task.key}')", show=False) for task in TASKS),
        Binding("escape,f7", "back", show=False),
    ]
    DEFAULT_CSS = """
    MenuScreen #tasks {
        height: auto;
        max-height: 1fr;
        margin: 1 1 0 1;
        border: solid $primary;
    }
    MenuScreen #card-tasks {
        margin: 1 1 0 1;
    }
    """

    def compose_body(self) -> ComposeResult:
        yield OptionList(id="tasks")
        yield TLabel("menu.card_tasks", id="card-tasks", classes="hint")

    def on_mount(self) -> None:
        self.localise()
        self.query_one("#tasks", OptionList).focus()

    def localise(self) -> None:
        tasks = self.query_one("#tasks", OptionList)
        highlighted = tasks.highlighted
        tasks.clear_options()
        tasks.add_options(
            Option(f" {task.key}  {self.tr(task.label_key)}", id=task.key) for task in TASKS
        )
        tasks.highlighted = highlighted if highlighted is not None else 0

    @on(OptionList.OptionSelected, "#tasks")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open(event.option.id or "")

    def action_open(self, key: str) -> None:
        task = next((t for t in TASKS if t.key == key), None)
        if task is None:
            return
        if task.action is not None and not refuse_unless(self, task.action):
            return  # said on the menu's message line; the menu stays
        self.app.switch_screen(task.open())

    def action_back(self) -> None:
        self.dismiss(None)
