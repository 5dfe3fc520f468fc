"""Cancelling a receipt: a reason, then a supervisor's id and PIN (or a supervisor's own PIN
again), checked before anything is written.

The PIN is checked first so that a wrong PIN or an operator standing in for a supervisor
changes nothing; only then does the service cancel the receipt, queue its event for the
central and its cancellation slip for the printer, in one transaction.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from kiosk.domain.money import format_inr
from kiosk.screens.base import refusal
from kiosk.screens.login import PIN_INPUT
from kiosk.services import auth, payments
from kiosk.services.receipts import ReceiptLine
from kiosk.services.roles import may
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.message_line import MessageLine, Tone
from kiosk.widgets.text import TLabel

log = logging.getLogger(__name__)

# kiosk.services.payments.cancel_receipt refuses a shorter reason; checking it here first
# spares the supervisor a PIN check (and an audit row) that could not lead anywhere.
MIN_REASON = 5
MAX_REASON = 200


def is_supervisor(operator: Any) -> bool:
    """True for one whose role may approve a cancellation (kiosk.services.roles), who
    approves with their own PIN."""
    return may(getattr(operator, "role", None), "receipt.cancel")


class CancelReceiptScreen(ModalScreen[payments.CancelResult | None]):
    """Dismisses with the service's CancelResult, or None when the operator goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]
    DEFAULT_CSS = """
    CancelReceiptScreen #cancel-summary {
        padding: 0 1;
        text-style: bold;
    }
    """

    def __init__(self, line: ReceiptLine, mode_text: str) -> None:
        super().__init__()
        self.line = line
        self.mode_text = mode_text

    # ----------------------------------------------------------------- layout

    @property
    def operator(self) -> Any:
        return self.app.operator  # type: ignore[attr-defined]

    @property
    def self_approves(self) -> bool:
        return is_supervisor(self.operator)

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog wide", id="cancel-receipt"):
            yield TLabel(
                "cancel_receipt.title", values={"receipt": line.receipt_no}, classes="screen-title"
            )
            yield TLabel(
                "cancel_receipt.summary",
                values={
                    "amount": format_inr(line.amount_paise),
                    "name": line.consumer_name or "-",
                    "account": line.account_no,
                    "mode": self.mode_text,
                },
                id="cancel-summary",
            )
            yield TLabel("cancel_receipt.explain", classes="hint")
            yield TLabel("cancel_receipt.reason", values={"n": MIN_REASON}, classes="field-label")
            yield Input(id="reason", max_length=MAX_REASON)
            if self.self_approves:
                yield TLabel(
                    "cancel_receipt.own_pin",
                    values={"operator": self.operator.operator_id},
                    classes="field-label",
                )
            else:
                yield TLabel("cancel_receipt.supervisor", classes="field-label")
                yield Input(id="supervisor", max_length=20)
                yield TLabel("cancel_receipt.pin", classes="field-label")
            yield Input(id="pin", **PIN_INPUT)  # type: ignore[arg-type]
            yield MessageLine(id="cancel-message")
            yield KeyBar([("Enter", "cancel_receipt.enter_key"), ("Esc", "keys.back")])

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def say(self, text: str, tone: Tone = "error") -> None:
        self.query_one("#cancel-message", MessageLine).show(text, tone)

    def tr(self, key: str, /, **values: object) -> str:
        return self.app.tr(key, **values)  # type: ignore[attr-defined,no-any-return]

    def localise(self) -> None:
        self.query_one(KeyBar).localise()

    # ----------------------------------------------------------------- keys

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#reason")
    def _after_reason(self) -> None:
        if self._reason_ok():
            self.say("", "info")
            following = "#pin" if self.self_approves else "#supervisor"
            self.query_one(following, Input).focus()

    @on(Input.Submitted, "#supervisor")
    def _after_supervisor(self) -> None:
        if self._supervisor_id():
            self.say("", "info")
            self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    async def _confirm(self) -> None:
        if not self._reason_ok():
            return
        supervisor_id = self._supervisor_id()
        if not supervisor_id:
            return
        pin = self.query_one("#pin", Input)
        if not pin.value:
            self.say(self.tr("cancel_receipt.need_pin"))
            pin.focus()
            return
        approver = await self._call(auth.check_pin, supervisor_id, pin.value)
        pin.value = ""
        if approver is None:
            pin.focus()
            return
        if not is_supervisor(approver):
            self.say(self.tr("cancel_receipt.not_supervisor", operator=approver.operator_id))
            if not self.self_approves:
                self.query_one("#supervisor", Input).focus()
            return
        result = await self._call(
            payments.cancel_receipt,
            self.line.receipt_no,
            reason=self._reason(),
            supervisor_id=approver.operator_id,
        )
        if result is not None:
            self.dismiss(result)

    # ----------------------------------------------------------------- checks

    def _reason(self) -> str:
        return " ".join(self.query_one("#reason", Input).value.split())

    def _reason_ok(self) -> bool:
        if len(self._reason()) >= MIN_REASON:
            return True
        self.say(self.tr("cancel_receipt.need_reason", n=MIN_REASON))
        self.query_one("#reason", Input).focus()
        return False

    def _supervisor_id(self) -> str:
        if self.self_approves:
            return str(self.operator.operator_id)
        field = self.query_one("#supervisor", Input)
        value = field.value.strip()
        if not value:
            self.say(self.tr("cancel_receipt.need_supervisor"))
            field.focus()
        return value

    async def _call(self, fn: Any, /, *args: object, **kwargs: object) -> Any:
        """A service call on the database thread; a refusal is shown here, never raised."""
        station = self.app.station  # type: ignore[attr-defined]
        try:
            return await station.call(fn, *args, **kwargs)
        except Exception as exc:  # a refusal, a full disk or a bug: say so, keep the screen
            message = refusal(self.app.tr, exc)  # type: ignore[attr-defined]
            if message is None:
                log.exception("service call %s failed", getattr(fn, "__name__", fn))
                message = self.tr("errors.unexpected", detail=type(exc).__name__)
            self.say(message)
        return None
