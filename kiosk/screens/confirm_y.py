"""A question only an explicit Y answers yes.

Used where a habitual Enter must not do something that cannot be taken back: a second
payment of the same bill today, a disconnection request, a reading below the last one (a
meter change). N or Esc answer no; Enter only shows, in the warning's colour, that Y is
needed. The dialog is a typed modal (``ModalScreen[bool]``): the caller pushes it with a
callback and learns True or False.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.widgets.text import TLabel


class YesOnlyDialog(ModalScreen[bool]):
    """Title, explanation, the keys, and the "press Y" line Enter shows.

    Subclasses name the widgets' ids (their styles hang on them) and the keys' and the
    reminder's catalogue keys.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,Y", "yes", show=False),
        Binding("n,N,escape", "no", show=False),
        Binding("enter", "ask", show=False),
    ]
    DIALOG_ID: ClassVar[str]
    EXPLAIN_ID: ClassVar[str]
    ASK_ID: ClassVar[str]
    KEYS_KEY: ClassVar[str]
    NEED_Y_KEY: ClassVar[str]

    def __init__(
        self, title_key: str, explain_key: str, values: Mapping[str, object] | None = None
    ) -> None:
        super().__init__()
        self.title_key = title_key
        self.explain_key = explain_key
        self.values = dict(values or {})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id=self.DIALOG_ID):
            yield TLabel(self.title_key, classes="screen-title")
            yield TLabel(self.explain_key, values=self.values, id=self.EXPLAIN_ID)
            yield TLabel(self.KEYS_KEY, classes="hint")
            yield TLabel(self.NEED_Y_KEY, id=self.ASK_ID, classes="message-line -warning")

    def on_mount(self) -> None:
        self.query_one(f"#{self.ASK_ID}").display = False

    @property
    def text(self) -> str:
        return "\n".join(str(node.render()) for node in self.query(Static) if node.display)

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)

    def action_ask(self) -> None:
        self.query_one(f"#{self.ASK_ID}").display = True
