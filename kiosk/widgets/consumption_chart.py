"""Twelve months of units as horizontal bars, one line per month, labelled ``MM/YY``.

Bars go across so each month keeps its number beside it (a consumer asking "why is
this bill high?" wants the figures), and the labels are digits so the columns line up in
Hindi too. Only block characters every console font has (full and half block).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from kiosk.domain.snapshot import MonthUnits
from kiosk.widgets.text import tr

MONTHS = 12
FULL, HALF = "█", "▌"
LABEL_WIDTH = 6  # "12/25 "


def month_window(
    readings: Sequence[MonthUnits], months: int = MONTHS
) -> list[tuple[str, int | None]]:
    """The last ``months`` calendar months up to the newest reading, oldest first.

    A month without a reading is ``None`` (shown as a gap, not as zero units).
    """
    if not readings:
        return []
    units = {r.month: r.units for r in readings}
    newest = max(units)
    year, month = (int(part) for part in newest.split("-"))
    window = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        key = f"{y:04d}-{m + 1:02d}"
        window.append((key, units.get(key)))
    return window


def bar(units: int, most: int, width: int) -> str:
    """A bar ``width`` cells long for the largest month, in half cells."""
    if most <= 0 or width <= 0:
        return ""
    halves = round(units * width * 2 / most)
    if units > 0 and halves == 0:
        halves = 1  # a little use still shows
    return FULL * (halves // 2) + (HALF if halves % 2 else "")


def chart_lines(window: Sequence[tuple[str, int | None]], width: int) -> Text:
    """The bars for ``window`` in ``width`` cells (labels, bars and figures).

    A month without a reading shows ``-`` where the figure goes: no bar, and no zero.
    """
    text = Text(no_wrap=True, overflow="crop")
    known = [u for _, u in window if u is not None]
    most = max(known, default=0)
    figures = max((len(str(u)) for u in known), default=1)
    bar_width = max(4, width - LABEL_WIDTH - figures - 2)
    for index, (month, units) in enumerate(window):
        if index:
            text.append("\n")
        label = f"{month[5:7]}/{month[2:4]}"
        text.append(f"{label} ", style="dim")
        drawn = "" if units is None else bar(units, most, bar_width)
        text.append(f"{drawn:<{bar_width}}", style="bold" if units == most else "")
        figure = "-" if units is None else str(units)
        text.append(f"  {figure:>{figures}}", style="dim" if units is None else "")
    return text


class ConsumptionChart(Static):
    """Monthly units of one consumer; redraws on resize and language switch."""

    DEFAULT_CLASSES = "consumption-chart"

    def __init__(self, readings: Sequence[MonthUnits] = (), **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.readings = list(readings)

    def set_readings(self, readings: Sequence[MonthUnits]) -> None:
        self.readings = list(readings)
        self.refresh(layout=True)

    def localise(self) -> None:
        self.refresh(layout=True)

    @property
    def window(self) -> list[tuple[str, int | None]]:
        return month_window(self.readings)

    def render(self) -> Text:
        window = self.window
        if not window:
            return Text(tr(self, "consumer.no_consumption"), style="dim")
        width = self.content_size.width or 40
        return chart_lines(window, width)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return max(1, len(self.window))
