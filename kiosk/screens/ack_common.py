"""What the complaint, reading and new-connection screens share: a chooser worked by keys,
a question only an explicit Y answers, and the "done" view that shows the counter's number
and follows the acknowledgement slip through the printer.

The record is saved before anything prints, so a printer that is off is a warning on the
done view, never an error: the slip waits in the print queue. P prints a DUPLICATE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from kiosk.printer.connections import PrinterState
from kiosk.screens.base import CounterScreen
from kiosk.screens.confirm_y import YesOnlyDialog
from kiosk.screens.slip_done import PrintWords, SlipDoneScreen
from kiosk.services import printing
from kiosk.services.counter import IST
from kiosk.widgets.key_chooser import KeyChooser
from kiosk.widgets.text import Plain, TLabel, tr

PRINTER_DOWN = (PrinterState.OFFLINE, PrinterState.ERROR)


def when_text(moment: datetime) -> str:
    """A moment as the counter reads it: India's time, day first."""
    return moment.astimezone(IST).strftime("%d-%m-%Y %H:%M")


def age_text(node: object, age: timedelta) -> str:
    """``3 h ago`` in the screen's language (the status bar's words)."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 1:
        return tr(node, "status.just_now")
    if minutes < 60:
        return tr(node, "status.minutes_ago", n=minutes)
    hours = minutes // 60
    if hours < 48:
        return tr(node, "status.hours_ago", n=hours)
    return tr(node, "status.days_ago", n=hours // 24)


class Choices(KeyChooser):
    """Options picked by their key (a digit or a letter) or moved through with Up/Down.

    A key picks the option and goes on to the next field; Up/Down only move the choice,
    and Enter then goes on. ``options`` are (key, value, catalogue key) triples.
    """

    DEFAULT_CSS = """
    Choices {
        height: auto;
        padding: 0 1;
    }
    Choices:focus {
        background: $boost;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    value: reactive[str | None] = reactive(None)

    def __init__(
        self,
        options: Sequence[tuple[str, str, str]],
        *,
        inline: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.inline = inline

    @property
    def values(self) -> list[str]:
        return [value for _, value, _ in self.options]

    def render(self) -> Text:
        text = Text()
        for index, (key, value, label) in enumerate(self.options):
            chosen = value == self.value
            if index and self.inline:
                text.append("   ")
            elif index:
                text.append("\n")
            text.append(">" if chosen else " ", style="bold")
            text.append(f" {key.upper()} ", style="reverse bold")
            text.append(f" {tr(self, label)}", style="bold underline" if chosen else "")
        return text

    def choose(self, value: str, *, forward: bool = False) -> None:
        self.value = value
        super().choose(value, forward=forward)

    def on_key(self, event: events.Key) -> None:
        typed = (event.character or "").lower()
        for key, value, _ in self.options:
            if typed and typed == key.lower():
                event.stop()
                event.prevent_default()
                self.choose(value, forward=True)
                return

    def action_move(self, step: int) -> None:
        values = self.values
        if self.value not in values:
            index = 0 if step > 0 else len(values) - 1
        else:
            index = (values.index(self.value) + step) % len(values)
        self.choose(values[index])

    def watch_value(self) -> None:
        self.refresh(layout=True)


class ConfirmWithY(YesOnlyDialog):
    """A question only Y answers yes; N or Esc answer no, Enter only repeats the question.

    Used where a habitual Enter must not do something that cannot be taken back: a
    disconnection request, a reading below the last one (a meter change).
    """

    DEFAULT_CSS = """
    ConfirmWithY #confirm-y {
        border: solid $warning;
    }
    """
    DIALOG_ID = "confirm-y"
    EXPLAIN_ID = "confirm-y-explain"
    ASK_ID = "confirm-y-ask"
    KEYS_KEY = "ack.yn_keys"
    NEED_Y_KEY = "ack.need_y"

    def __init__(self, title_key: str, explain_key: str, **values: object) -> None:
        super().__init__(title_key, explain_key, values)


class AcknowledgedScreen(SlipDoneScreen):
    """The number to quote, what was recorded, and where its slip is; Enter: next consumer.

    Subclasses set the title and the number's label and say what was recorded.
    """

    TITLE_KEY = "ack.title"
    NUMBER_KEY = "ack.number"
    PRINT_WORDS = PrintWords(
        printed="ack.printed",
        failed="ack.failed",
        queued_off="ack.queued_off",
        printing="ack.printing",
        not_queued="ack.not_queued",
    )
    PRINT_LINE = "ack-print"
    POLL_NAME = "ack-print"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "ack.keys.next"),
        ("P", "ack.keys.reprint"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "next_consumer", show=False),
        Binding("p,P,ctrl+p", "reprint", show=False),
    ]
    DEFAULT_CSS = """
    AcknowledgedScreen #ack-box {
        height: 1fr;
        padding: 0 1;
    }
    AcknowledgedScreen #ack-number {
        width: auto;
        height: auto;
        border: solid $success;
        padding: 0 3;
        margin: 0 1;
        text-style: bold;
    }
    AcknowledgedScreen .ack-line {
        height: auto;
        padding: 0 1;
    }
    AcknowledgedScreen #ack-print {
        margin-top: 1;
        padding: 0 1;
        height: auto;
    }
    AcknowledgedScreen #ack-print.-warning {
        color: $text-warning;
        text-style: bold;
    }
    AcknowledgedScreen #ack-print.-ok {
        color: $text-success;
    }
    """

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="ack-box"):
            yield TLabel(self.NUMBER_KEY, classes="field-label")
            yield Plain(self.number, id="ack-number")
            yield Plain(id="ack-details", classes="ack-line")
            yield Plain(id="ack-print")
            yield TLabel("ack.next", classes="hint")

    def detail_lines(self) -> list[str]:
        """What was recorded, in the screen's language (override)."""
        return []

    async def read_print_state(self) -> str | None:
        return await self.desk.station.call(printing.slip_print_state, self.number)

    def localise(self) -> None:
        self.query_one("#ack-details", Static).update("\n".join(self.detail_lines()))
        self.show_print_state()

    @property
    def details_text(self) -> str:
        return str(self.query_one("#ack-details", Static).render())

    async def action_reprint(self) -> None:
        outcome = await self.attempt(printing.reprint, self.number, self.desk.operator.operator_id)
        if not outcome.ok:
            return
        await say_reprinted(self, self.number)
        self.print_state = "pending"
        self._poll.resume()
        self.localise()

    def action_next_consumer(self) -> None:
        self.desk.go_home()


async def say_reprinted(screen: CounterScreen, number: str) -> None:
    """Wake the printer and say whether the DUPLICATE is on its way or waits."""
    station = screen.desk.station
    station.wake_printer()
    status = station.printer_status
    if status is not None and status.state in PRINTER_DOWN:
        detail = status.detail or str(status.state)
        screen.say(screen.tr("ack.duplicate_waits", number=number, detail=detail), "warning")
    else:
        screen.say(screen.tr("ack.duplicate_sent", number=number), "ok")
