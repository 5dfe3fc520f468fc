"""One line under a form for what just went wrong (or right), in plain words."""

from __future__ import annotations

from typing import Literal

from textual.widgets import Static

Tone = Literal["error", "info", "warning", "ok"]


class MessageLine(Static):
    """Shows one message; the tone sets its colour (and a word, for monochrome screens)."""

    DEFAULT_CLASSES = "message-line"

    def show(self, text: str, tone: Tone = "info") -> None:
        for other in ("error", "info", "warning", "ok"):
            self.set_class(other == tone, f"-{other}")
        self.update(text)

    def clear(self) -> None:
        self.show("", "info")

    @property
    def text(self) -> str:
        return str(self.render())
