"""One line under a form for what just went wrong (or right), in plain words."""

from __future__ import annotations

from typing import Literal

from kiosk.widgets.text import Plain

Tone = Literal["error", "info", "warning", "ok"]


class MessageLine(Plain):
    """Shows one message; the tone sets its colour (and a word, for monochrome screens).

    Literal text (markup off): messages echo what the operator typed and what the central
    replied, where ``[/]`` is data, not a tag."""

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
