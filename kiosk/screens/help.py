"""F1: every key that works on the screen below, and the ones that work everywhere."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.screens.base import GLOBAL_KEYS, CounterScreen
from kiosk.widgets.text import Plain, TLabel, tr

# Keys the app binds everywhere but does not show on every key bar.
MORE_KEYS: tuple[tuple[str, str], ...] = (
    ("F5", "keys.sync_now"),
    ("F9", "keys.dead_letters"),
    ("Ctrl+T", "keys.language"),
    ("Esc", "keys.back"),
    ("Tab", "keys.next_field"),
    ("Ctrl+Q", "keys.quit"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,enter", "close", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield TLabel("help.title", classes="screen-title")
            yield Plain(id="help-keys")
            yield TLabel("help.close", classes="hint")

    def on_mount(self) -> None:
        self.localise()

    def rows(self) -> list[tuple[str, str]]:
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        screen_keys = below.key_list() if isinstance(below, CounterScreen) else []
        keys: list[tuple[str, str]] = []
        for key, label in [*screen_keys, *GLOBAL_KEYS, *MORE_KEYS]:
            if (key, label) not in keys:
                keys.append((key, label))
        if getattr(self.app, "demo", None) is not None:
            keys.append(("Ctrl+O", "keys.outage"))
        return keys

    def localise(self) -> None:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold reverse", no_wrap=True)
        table.add_column()
        for key, label in self.rows():
            table.add_row(f" {key} ", tr(self, label))
        self.query_one("#help-keys", Static).update(table)

    def action_close(self) -> None:
        self.dismiss(None)
