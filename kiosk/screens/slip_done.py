"""What every "done" screen shares: following its slip through the printer.

The record is saved before anything prints, so a printer that is off is a warning on the
done view, never an error: the slip waits in the print queue. The screen watches the
printer's state (the app's status signal) and polls the slip's own print job until it has
printed, and says which of "printed", "printing", "queued" or "failed" is true. The payment
receipt, the complaint/reading/connection acknowledgement and the relief-scheme
registration each say it in their own words (``PrintWords``) on their own line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.widgets import Static

from kiosk.screens.base import CounterScreen
from kiosk.widgets.message_line import Tone

PRINT_POLL_S = 0.5
_PRINTER_DOWN = ("offline", "error")


@dataclass(frozen=True, slots=True)
class PrintWords:
    """Catalogue keys for each state of the slip; ``failed`` takes ``{detail}``."""

    printed: str
    failed: str
    queued_off: str  # the printer is off or in error: the slip waits
    printing: str
    not_queued: str | None = None  # no print job at all (None: say "printing")


class SlipDoneScreen(CounterScreen):
    """A done screen that follows one slip's print job (subclasses say which, and how).

    Subclasses set ``PRINT_WORDS``, ``PRINT_LINE`` (the id of the line the state shows on)
    and ``POLL_NAME``, compose a ``Static`` with that id, implement ``read_print_state``
    and call ``show_print_state()`` from their ``localise()``.
    """

    PRINT_WORDS: ClassVar[PrintWords]
    PRINT_LINE: ClassVar[str]
    POLL_NAME: ClassVar[str] = "slip-print"

    def __init__(self) -> None:
        super().__init__()
        self.print_state: str | None = "pending"  # the slip's job: printed/pending/failed

    def on_mount(self) -> None:
        self.localise()
        self.watch(self.app, "status", self._printer_changed, init=False)
        self._poll = self.set_interval(PRINT_POLL_S, self.check_print, name=self.POLL_NAME)
        self.call_after_refresh(self.check_print)

    def _printer_changed(self, _status: object) -> None:
        self.localise()

    @property
    def printer_state(self) -> str:
        return str(getattr(self.app.status, "printer", "unknown"))  # type: ignore[attr-defined]

    async def read_print_state(self) -> str | None:
        """The slip's print job state, read on the database thread (override)."""
        raise NotImplementedError

    async def check_print(self) -> None:
        """Read the slip's print job; stop looking once it has printed."""
        try:
            state = await self.read_print_state()
        except Exception:  # the screen must not fail over a status line
            return
        if state != self.print_state:
            self.print_state = state
            self.localise()
        if state == "printed":
            self._poll.pause()

    def print_message(self) -> tuple[str, Tone]:
        words = self.PRINT_WORDS
        state = self.print_state
        if state == "printed":
            return self.tr(words.printed), "ok"
        if state == "failed":
            detail = getattr(self.app.status, "printer_detail", "")  # type: ignore[attr-defined]
            return self.tr(words.failed, detail=detail or self.printer_state), "warning"
        if state is None and words.not_queued:
            return self.tr(words.not_queued), "warning"
        if self.printer_state in _PRINTER_DOWN:
            return self.tr(words.queued_off), "warning"
        return self.tr(words.printing), "info"

    def show_print_state(self) -> None:
        """Put the print state's words and tone on the screen's print line."""
        text, tone = self.print_message()
        line = self.query_one(f"#{self.PRINT_LINE}", Static)
        for other in ("ok", "info", "warning", "error"):
            line.set_class(other == tone, f"-{other}")
        line.update(text)

    @property
    def print_text(self) -> str:
        return str(self.query_one(f"#{self.PRINT_LINE}", Static).render())
