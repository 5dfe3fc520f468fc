"""Sign in with operator id and PIN; on the very first start, create the first supervisor."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from kiosk.screens.base import CounterScreen
from kiosk.services import auth
from kiosk.widgets.text import TLabel

PIN_INPUT = {"password": True, "restrict": r"[0-9]*", "max_length": 8}


class LoginScreen(CounterScreen):
    TITLE_KEY = "login.title"
    SHOW_GLOBAL_KEYS = False
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "keys.sign_in"),
        ("F10", "keys.language"),
        ("F1", "keys.help"),
    )

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="form narrow"):
            yield TLabel("login.counter", values={"name": self._counter_name()}, id="counter")
            yield TLabel("login.operator", classes="field-label")
            yield Input(id="operator", max_length=20)
            yield TLabel("login.pin", classes="field-label")
            yield Input(id="pin", **PIN_INPUT)  # type: ignore[arg-type]
            demo = self.desk.demo
            if demo is not None:
                yield TLabel(
                    "login.demo_hint",
                    values={
                        "operator": demo.operator_id,
                        "pin": demo.pin,
                        "supervisor": demo.supervisor_id,
                        "supervisor_pin": demo.supervisor_pin,
                    },
                    id="demo-hint",
                    classes="hint",
                )

    def _counter_name(self) -> str:
        basics = self.desk.basics
        return f"{basics.counter_name} ({basics.counter_id})"

    def on_mount(self) -> None:
        operator = self.query_one("#operator", Input)
        operator.value = self.desk.basics.default_operator_id
        if self.desk.demo is not None and not operator.value:
            operator.value = self.desk.demo.operator_id
        (self.query_one("#pin", Input) if operator.value else operator).focus()
        # After the first paint: at a counter the database opens behind this screen.
        self.call_after_refresh(self._check_first_supervisor)

    async def _check_first_supervisor(self) -> None:
        outcome = await self.attempt(auth.needs_first_supervisor)
        if outcome.ok and outcome.value:
            self.app.push_screen(FirstSupervisorScreen(), self._first_supervisor_made)

    def _first_supervisor_made(self, operator: object) -> None:
        if operator is not None:
            self.app.signed_in(operator)  # type: ignore[attr-defined]

    @on(Input.Submitted, "#operator")
    def _to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    async def _sign_in(self) -> None:
        operator_id = self.query_one("#operator", Input).value
        pin = self.query_one("#pin", Input)
        if not operator_id.strip():
            self.say(self.tr("login.need_operator"), "error")
            self.query_one("#operator", Input).focus()
            return
        if not pin.value:  # an empty PIN would count as a wrong try
            self.say(self.tr("login.need_pin"), "error")
            pin.focus()
            return
        outcome = await self.attempt(auth.login, operator_id, pin.value)
        pin.value = ""
        if outcome.ok:
            self.app.signed_in(outcome.value)  # type: ignore[attr-defined]
        else:
            pin.focus()


class FirstSupervisorScreen(CounterScreen):
    """No supervisor has a PIN yet: the person setting the counter up becomes one."""

    TITLE_KEY = "first.title"
    SHOW_GLOBAL_KEYS = False
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("Enter", "keys.next"), ("F10", "keys.language"))

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="form narrow"):
            yield TLabel("first.explain", classes="hint")
            yield TLabel("first.operator", classes="field-label")
            yield Input(id="operator", max_length=20)
            yield TLabel("first.name", classes="field-label")
            yield Input(id="name", max_length=60)
            yield TLabel("first.pin", classes="field-label")
            yield Input(id="pin", **PIN_INPUT)  # type: ignore[arg-type]
            yield TLabel("first.pin_again", classes="field-label")
            yield Input(id="pin2", **PIN_INPUT)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query_one("#operator", Input).value = self.desk.basics.default_operator_id
        self.query_one("#operator", Input).focus()

    @on(Input.Submitted)
    async def _next(self, event: Input.Submitted) -> None:
        order = ["operator", "name", "pin", "pin2"]
        current = event.input.id or ""
        if current != "pin2":
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
            return
        values = {name: self.query_one(f"#{name}", Input).value for name in order}
        if values["pin"] != values["pin2"]:
            self.say(self.tr("first.pins_differ"), "error")
            self.query_one("#pin2", Input).value = ""
            self.query_one("#pin2", Input).focus()
            return
        outcome = await self.attempt(
            auth.create_first_supervisor, values["operator"], values["name"], values["pin"]
        )
        if outcome.ok:
            self.dismiss(outcome.value)
