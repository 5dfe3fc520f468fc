"""The line at the bottom of every screen: the keys that work here, in the screen's language.

Textual's Footer cannot follow a run-time language switch, and hides F-keys behind
terminal-specific glyphs, so the counter draws its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from kiosk.widgets.text import tr


class KeyBar(Static):
    """Shows ``(key, catalogue key)`` pairs such as ``("F2", "keys.lookup")``."""

    DEFAULT_CLASSES = "key-bar"

    def __init__(self, keys: Sequence[tuple[str, str]] = (), **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.keys = list(keys)

    def set_keys(self, keys: Sequence[tuple[str, str]]) -> None:
        self.keys = list(keys)
        self.refresh()

    def localise(self) -> None:
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (key, label) in enumerate(self.keys):
            if index:
                text.append("  ")
            text.append(f" {key} ", style="reverse bold")
            text.append(f" {tr(self, label)}")
        return text
