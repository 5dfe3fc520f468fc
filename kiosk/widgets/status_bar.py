"""The line at the top of every screen: who, where, online or not, what waits, the printer.

It only draws a :class:`StatusView`; the app builds that from the sync engine's and the
spool's callbacks, so the bar never queries anything and input never waits on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from kiosk.services.counter import IST
from kiosk.widgets.text import tr

SKEW_WARNING_S = 120.0
# The sync engine's ``storage_problem`` (the counter's own database refuses writes).
STORAGE_PROBLEMS = {
    "disk_full": "status.storage_disk_full",
    "read_only": "status.storage_read_only",
    "disk_error": "status.storage_disk_error",
}

Translate = Callable[..., str]


@dataclass(frozen=True, slots=True)
class StatusView:
    counter_id: str = ""
    operator: str = ""
    online: bool | None = None
    has_central: bool = True
    pending: int = 0
    dead_lettered: int = 0
    last_sync_at: datetime | None = None
    printer: str = "unknown"  # a PrinterState value
    printer_detail: str = ""
    clock_skew_s: float | None = None
    now: datetime | None = None
    # SyncState.storage_problem: "disk_full", "read_only" or "disk_error"; None when fine.
    storage_problem: str | None = None


def relative_time(then: datetime | None, now: datetime, t: Translate) -> str:
    """``never``, ``just now``, ``5 min ago``, ``3 h ago``, ``2 days ago``."""
    if then is None:
        return t("status.never")
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return t("status.just_now")
    if seconds < 3600:
        return t("status.minutes_ago", n=seconds // 60)
    if seconds < 86400:
        return t("status.hours_ago", n=seconds // 3600)
    return t("status.days_ago", n=seconds // 86400)


def status_segments(view: StatusView, t: Translate) -> list[tuple[str, str]]:
    """(text, style) pieces of the bar, left to right; style names are CSS-free Rich styles."""
    parts: list[tuple[str, str]] = [(view.counter_id, "bold")]
    if view.operator:
        parts.append((view.operator, ""))
    if not view.has_central:
        parts.append((t("status.no_central"), "bold yellow"))
    elif view.online:
        parts.append((t("status.online"), "bold green"))
    elif view.online is None:
        parts.append((t("status.connecting"), "yellow"))
    else:
        parts.append((t("status.offline"), "bold white on red"))
    parts.append((t("status.waiting", n=view.pending), "bold yellow" if view.pending else ""))
    if view.storage_problem:
        # Nothing syncs, and no payment can be saved, until someone frees the disk.
        key = STORAGE_PROBLEMS.get(view.storage_problem, "status.storage_disk_error")
        parts.append((t(key), "bold white on red"))
    if view.dead_lettered:
        parts.append((t("status.dead", n=view.dead_lettered), "bold white on red"))
    if view.has_central and view.now is not None:
        parts.append(
            (t("status.last_sync", when=relative_time(view.last_sync_at, view.now, t)), "")
        )
    printer_style = {"ready": "green", "unknown": ""}.get(view.printer, "bold white on red")
    parts.append((t(f"status.printer_{view.printer}"), printer_style))
    skew = view.clock_skew_s
    if skew is not None and abs(skew) >= SKEW_WARNING_S:
        parts.append(
            (t("status.clock_skew", minutes=round(abs(skew) / 60)), "bold black on yellow")
        )
    if view.now is not None:
        parts.append((f"{view.now.astimezone(IST):%H:%M}", ""))
    return parts


class StatusBar(Static):
    """Always at the top; redraws when the app's ``status`` or ``language`` changes."""

    DEFAULT_CLASSES = "status-bar"
    view: reactive[StatusView] = reactive(StatusView, always_update=True)

    def on_mount(self) -> None:
        app = self.app
        self.watch(app, "status", self._follow, init=True)
        self.watch(app, "language", lambda _: self.localise(), init=False)

    def _follow(self, view: StatusView) -> None:
        self.view = view

    def localise(self) -> None:
        self.refresh()

    def watch_view(self, _view: StatusView) -> None:
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (piece, style) in enumerate(status_segments(self.view, self._t)):
            if index:
                text.append(" | ", style="dim")
            text.append(f" {piece} " if "on " in style else piece, style=style)
        return text

    def _t(self, key: str, /, **values: object) -> str:
        return tr(self, key, **values)
