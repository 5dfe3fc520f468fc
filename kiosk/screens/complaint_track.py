"""Tracking a complaint by its number: the counter's own number from the slip, or the
central's once it has assigned one.

When the central answers, its status is shown as live. When it cannot be asked (offline,
or no central set), the counter's own record is shown and the screen says so, with how old
it is: the status then is the one recorded here, and the office may have moved it on.
P reprints the acknowledgement; after the complaint has synced the DUPLICATE carries the
central's complaint number.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from kiosk.screens.ack_common import age_text, say_reprinted, when_text
from kiosk.screens.base import CounterScreen
from kiosk.screens.complaint import CATEGORIES, category_key
from kiosk.services import printing
from kiosk.services.complaints import ComplaintStatus, complaint_status
from kiosk.widgets.text import Plain, TLabel

STATUSES = ("open", "in_progress", "resolved", "closed")


class ComplaintTrackScreen(CounterScreen):
    """Type the number, Enter; P reprints the slip of a complaint logged here."""

    TITLE_KEY = "complaint_track.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "complaint_track.keys.find"),
        ("Ctrl+P", "complaint_track.keys.reprint"),
        ("Esc", "keys.back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("ctrl+p", "reprint", show=False),
    ]
    DEFAULT_CSS = """
    ComplaintTrackScreen #track-form {
        height: auto;
        max-width: 70;
    }
    ComplaintTrackScreen #track-result {
        display: none;
        height: auto;
        border-top: solid $secondary;
        padding: 0 1;
        margin: 1 1 0 1;
    }
    ComplaintTrackScreen #track-source {
        text-style: bold;
        height: auto;
    }
    ComplaintTrackScreen #track-source.-local {
        color: $text-warning;
    }
    ComplaintTrackScreen #track-lines {
        height: auto;
    }
    """

    def __init__(self, number: str = "") -> None:
        super().__init__()
        self.number = number.strip()
        self.found: ComplaintStatus | None = None
        self._busy = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll():
            with Vertical(id="track-form"):
                yield TLabel("complaint_track.number", classes="field-label")
                yield Input(self.number, id="number", max_length=40)
                yield TLabel("complaint_track.hint", classes="hint")
            with Vertical(id="track-result"):
                yield Plain(id="track-source")
                yield Plain(id="track-lines")

    async def on_mount(self) -> None:
        self.query_one("#number", Input).focus()
        if self.number:
            await self.find(self.number)

    @on(Input.Submitted, "#number")
    async def _submitted(self, event: Input.Submitted) -> None:
        await self.find(event.value)

    async def find(self, number: str) -> None:
        """Ask the central when it can be asked, else read this counter's record."""
        if self._busy:
            return
        wanted = number.strip()
        if not wanted:
            self.say(self.tr("complaint_track.need_number"), "error")
            return
        self._busy = True
        try:
            outcome = await self.attempt(
                complaint_status, wanted, central=self.desk.station.central
            )
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            self.found = None
            self.query_one("#track-result").display = False
            return
        self.found = outcome.value
        self.query_one("#message").clear()  # type: ignore[attr-defined]
        self.query_one("#track-result").display = True
        self.localise()

    def localise(self) -> None:
        found = self.found
        if found is None:
            return
        now = self.desk.station.clock()
        source = self.query_one("#track-source", Static)
        source.set_class(found.source != "central", "-local")
        if found.source == "central":
            source.update(self.tr("complaint_track.from_central"))
        else:
            logged = found.recorded_at
            age = age_text(self, now - logged) if logged else "-"
            key = (
                "complaint_track.from_local_unsent"
                if found.central_no is None
                else "complaint_track.from_local"
            )
            source.update(self.tr(key, age=age))
        status = found.status if found.status in STATUSES else "open"
        lines = [
            self.tr(
                "complaint_track.central_no",
                number=found.central_no or self.tr("complaint_track.not_assigned"),
            ),
            self.tr("complaint_track.local_no", number=found.local_no or "-"),
            self.tr("complaint_track.category", category=self._category(found.category)),
            self.tr("complaint_track.status", status=self.tr(f"complaint_track.state.{status}")),
        ]
        if found.account_no:
            lines.append(self.tr("complaint_track.account", account=found.account_no))
        if found.recorded_at:
            lines.append(
                self.tr(
                    "complaint_track.logged",
                    when=when_text(found.recorded_at),
                    age=age_text(self, now - found.recorded_at),
                )
            )
        if found.source == "central" and found.updated_at:
            lines.append(self.tr("complaint_track.updated", when=when_text(found.updated_at)))
        if not found.logged_here:
            lines.append(self.tr("complaint_track.elsewhere"))
        self.query_one("#track-lines", Static).update("\n".join(lines))

    def _category(self, category: str) -> str:
        known = {value for _, value in CATEGORIES}
        return self.tr(category_key(category)) if category in known else category

    @property
    def result_text(self) -> str:
        source = str(self.query_one("#track-source", Static).render())
        return source + "\n" + str(self.query_one("#track-lines", Static).render())

    async def action_reprint(self) -> None:
        found = self.found
        if found is None:
            self.say(self.tr("complaint_track.find_first"), "error")
            return
        if not found.logged_here or not found.local_no:
            self.say(self.tr("complaint_track.elsewhere"), "error")
            return
        outcome = await self.attempt(
            printing.reprint, found.local_no, self.desk.operator.operator_id
        )
        if outcome.ok:
            await say_reprinted(self, found.local_no)

    def action_back(self) -> None:
        self.app.pop_screen()
