"""The idle lock: a PIN over whatever the operator was doing, which stays as it was."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from kiosk.screens.base import plain_error
from kiosk.screens.login import PIN_INPUT
from kiosk.services import auth
from kiosk.services.errors import ServiceError
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.message_line import MessageLine
from kiosk.widgets.text import TLabel


class LockScreen(ModalScreen[None]):
    """Only the signed-in operator's PIN (or signing out) gets past this."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+x", "sign_out", show=False, priority=True)
    ]

    def compose(self) -> ComposeResult:
        operator = self.app.operator  # type: ignore[attr-defined]
        with Vertical(classes="dialog"):
            yield TLabel("lock.title", classes="screen-title")
            yield TLabel(
                "lock.who", values={"operator": f"{operator.name} ({operator.operator_id})"}
            )
            yield TLabel("login.pin", classes="field-label")
            yield Input(id="pin", **PIN_INPUT)  # type: ignore[arg-type]
            yield MessageLine(id="message")
            yield KeyBar([("Enter", "keys.unlock"), ("Ctrl+X", "keys.sign_out")])

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    async def _unlock(self) -> None:
        pin = self.query_one("#pin", Input)
        operator_id = self.app.operator.operator_id  # type: ignore[attr-defined]
        station = self.app.station  # type: ignore[attr-defined]
        try:
            await station.call(auth.check_pin, operator_id, pin.value)
        except (ServiceError, ValueError) as exc:
            pin.value = ""
            self.query_one("#message", MessageLine).show(plain_error(exc), "error")
            return
        self.dismiss(None)

    def action_sign_out(self) -> None:
        self.app.sign_out()  # type: ignore[attr-defined]

    def localise(self) -> None:
        self.query_one(KeyBar).localise()
