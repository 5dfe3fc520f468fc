"""Choosing by one key: what the mode, preset, ID-proof and category choosers share.

Each chooser binds its own keys and draws its own line; this base says what a pick and
an Enter mean to the screen: ``Chosen`` (with the value, and ``forward`` when the pick
should also go on to the next field) and ``Forward`` (Enter: the operator wants the next
field). Both carry the chooser as ``control``, so ``@on(..., "#id")`` selects one chooser.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget


class KeyChooser(Widget, can_focus=True):
    """Options picked by their key; Enter asks for the next field."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "forward", show=False)]

    class Chosen(Message):
        """An option was picked; ``forward`` when the operator wants the next field."""

        def __init__(self, chooser: KeyChooser, value: Any, forward: bool = False) -> None:
            super().__init__()
            self.chooser = chooser
            self.value = value
            self.forward = forward

        @property
        def control(self) -> KeyChooser:
            return self.chooser

    class Forward(Message):
        """Enter on the chooser."""

        def __init__(self, chooser: KeyChooser) -> None:
            super().__init__()
            self.chooser = chooser

        @property
        def control(self) -> KeyChooser:
            return self.chooser

    def choose(self, value: Any, *, forward: bool = False) -> None:
        self.post_message(self.Chosen(self, value, forward))

    def action_choose(self, value: Any) -> None:
        self.choose(value)

    def action_forward(self) -> None:
        self.post_message(self.Forward(self))

    def localise(self) -> None:
        self.refresh(layout=True)
