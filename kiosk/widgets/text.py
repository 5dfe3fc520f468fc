"""Labels whose words come from the catalogue and follow the language switch."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static


def tr(node: Any, key: str, /, **values: object) -> str:
    """The text for ``key`` in the app's current language (any widget or screen)."""
    return node.app.tr(key, **values)


class TLabel(Static):
    """A static line showing catalogue text ``key``; re-read when the language changes."""

    def __init__(self, key: str, /, *, values: dict[str, object] | None = None, **kwargs: Any):
        super().__init__("", **kwargs)
        self.key = key
        self.values = values or {}

    def on_mount(self) -> None:
        self.localise()

    def set_key(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        self.localise()

    def localise(self) -> None:
        self.update(tr(self, self.key, **self.values))
