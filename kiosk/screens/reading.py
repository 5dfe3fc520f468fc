"""A self meter reading handed in at the counter: the reading, the day it was read, and
optionally a photo of the meter (a file on this PC; only its fingerprint travels).

A reading below the last one this counter knows is almost always a typing slip, unless
the meter was replaced: the screen then asks, and only an explicit Y records it as a meter
change. The acknowledgement shows here and prints after the save; the office verifies the
reading before a bill is made from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from kiosk.domain.dates import parse_day
from kiosk.screens.ack_common import AcknowledgedScreen, ConfirmWithY
from kiosk.screens.base import CounterScreen
from kiosk.services.counter import IST
from kiosk.services.lookup import Lookup
from kiosk.services.readings import KnownReading, ReadingResult, last_known, record_reading
from kiosk.widgets.text import Plain, TLabel

FIELDS = ("reading", "read-on", "photo")
FIELD_INPUTS = {"reading": "reading", "reading date": "read-on", "photo": "photo"}
MAX_DIGITS = 8  # the domain's limit is 99,999,999 kWh


@dataclass(frozen=True, slots=True)
class ReadingEntry:
    """What the operator typed, read into values the service takes."""

    reading_kwh: int
    read_on: date
    photo: Path | None


class ReadingScreen(CounterScreen):
    """Reading, date, photo; Enter on the last field saves (Y first for a meter change)."""

    TITLE_KEY = "reading.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("Enter", "keys.next"), ("Esc", "keys.back"))
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]
    DEFAULT_CSS = """
    ReadingScreen #reading-form {
        height: 1fr;
        max-width: 90;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
    }
    ReadingScreen #reading-consumer {
        text-style: bold;
        padding: 0 1;
        height: auto;
    }
    ReadingScreen #reading-last {
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, lookup: Lookup) -> None:
        super().__init__()
        self.lookup = lookup
        self.consumer = lookup.snapshot.consumer
        self.last: KnownReading | None = None
        self._busy = False
        self.saved = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="reading-form"):
            yield Plain(id="reading-consumer")
            yield Plain(id="reading-last")
            yield TLabel("reading.reading", classes="field-label")
            yield Input(id="reading", restrict=r"[0-9]*", max_length=MAX_DIGITS)
            yield TLabel("reading.read_on", classes="field-label")
            yield Input(id="read-on", restrict=r"[0-9./\-]*", max_length=10)
            yield TLabel("reading.photo", classes="field-label")
            yield Input(id="photo", max_length=260)

    async def on_mount(self) -> None:
        today = self.desk.station.clock()
        self.input("read-on").value = today.astimezone(IST).strftime("%d-%m-%Y")
        self.input("reading").focus()
        await self.refresh_last()

    async def refresh_last(self) -> None:
        outcome = await self.attempt(last_known, self.consumer.discom, self.consumer.account_no)
        if outcome.ok:
            self.last = outcome.value
        self.localise()

    def localise(self) -> None:
        c = self.consumer
        name = c.name_hi if self.desk.tr.language == "hi" and c.name_hi else c.name
        self.query_one("#reading-consumer", Static).update(
            self.tr("reading.consumer", name=name, discom=c.discom, account=c.account_no)
        )
        last = self.last
        self.query_one("#reading-last", Static).update(
            self.tr("reading.last_none")
            if last is None
            else self.tr(
                "reading.last", reading=last.reading_kwh, date=last.read_on.strftime("%d-%m-%Y")
            )
        )

    def input(self, widget_id: str) -> Input:
        return self.query_one(f"#{widget_id}", Input)

    @on(Input.Submitted)
    async def _field_entered(self, event: Input.Submitted) -> None:
        current = event.input.id or ""
        if current in FIELDS and current != FIELDS[-1]:
            self.input(FIELDS[FIELDS.index(current) + 1]).focus()
            return
        await self.submit()

    def action_back(self) -> None:
        self.app.pop_screen()

    # ----------------------------------------------------------------- save

    def refuse(self, widget_id: str, text: str) -> None:
        self.say(text, "error")
        self.input(widget_id).focus()

    def collect(self) -> ReadingEntry | None:
        typed = self.input("reading").value.strip()
        if not typed:
            self.refuse("reading", self.tr("reading.need_reading"))
            return None
        day = parse_day(self.input("read-on").value)
        if day is None:
            self.refuse("read-on", self.tr("reading.bad_date"))
            return None
        photo_text = self.input("photo").value.strip().strip('"')
        return ReadingEntry(int(typed), day, Path(photo_text) if photo_text else None)

    async def submit(self) -> None:
        if self._busy or self.saved or self.app.screen is not self:
            return
        entry = self.collect()
        if entry is None:
            return
        self._busy = True
        try:
            await self.refresh_last()  # another reading may have been taken meanwhile
        finally:
            self._busy = False
        last = self.last
        if last is not None and entry.reading_kwh < last.reading_kwh:
            self._busy = True  # until the operator answers Y or N
            self.app.push_screen(
                ConfirmWithY(
                    "reading.change_title",
                    "reading.change_explain",
                    reading=entry.reading_kwh,
                    last=last.reading_kwh,
                ),
                partial(self._change_answered, entry),
            )
            return
        await self.save(entry, meter_change=False)

    async def _change_answered(self, entry: ReadingEntry, yes: bool | None) -> None:
        self._busy = False
        if yes:
            await self.save(entry, meter_change=True)
            return
        last = self.last.reading_kwh if self.last else 0
        self.refuse("reading", self.tr("reading.below", reading=entry.reading_kwh, last=last))

    async def save(self, entry: ReadingEntry, *, meter_change: bool) -> None:
        if self._busy or self.saved:
            return
        self._busy = True
        try:
            outcome = await self.attempt(
                record_reading,
                discom=self.consumer.discom,
                account_no=self.consumer.account_no,
                reading_kwh=entry.reading_kwh,
                read_on=entry.read_on,
                operator_id=self.desk.operator.operator_id,
                photo=entry.photo,
                meter_change=meter_change,
            )
        finally:
            self._busy = False
        if not outcome.ok or outcome.value is None:
            target = FIELD_INPUTS.get(outcome.error.partition(":")[0].strip())
            if target is not None:
                self.input(target).focus()
            return
        self.saved = True
        self.app.switch_screen(ReadingDoneScreen(outcome.value, entry, meter_change))


class ReadingDoneScreen(AcknowledgedScreen):
    TITLE_KEY = "reading.done_title"
    NUMBER_KEY = "reading.done_number"

    def __init__(self, result: ReadingResult, entry: ReadingEntry, meter_change: bool) -> None:
        super().__init__(result.local_no)
        self.result = result
        self.entry = entry
        self.meter_change = meter_change

    def detail_lines(self) -> list[str]:
        entry = self.entry
        lines = [
            self.tr(
                "reading.done_reading",
                reading=entry.reading_kwh,
                date=entry.read_on.strftime("%d-%m-%Y"),
            )
        ]
        previous = self.result.previous_kwh
        if previous is not None:
            lines.append(self.tr("reading.done_previous", reading=previous))
        if self.meter_change:
            lines.append(self.tr("reading.done_meter_change"))
        if entry.photo is not None:
            lines.append(self.tr("reading.done_photo"))
        lines.append(self.tr("reading.done_verify"))
        return lines
