"""What the status bar says for each state, in both languages (pure: no app needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.i18n import LANGUAGES, Translator
from kiosk.printer.connections import PrinterState
from kiosk.widgets.status_bar import StatusView, relative_time, status_segments

NOW = datetime(2026, 1, 10, 6, 0, tzinfo=UTC)


def _text(view: StatusView, language: str = "en") -> str:
    tr = Translator(language, strict=True)  # type: ignore[arg-type]
    return " | ".join(piece for piece, _ in status_segments(view, tr))


def test_online_counter_shows_queue_sync_age_printer_and_india_time() -> None:
    view = StatusView(
        counter_id="CSC-0001",
        operator="OP1",
        online=True,
        pending=3,
        last_sync_at=NOW - timedelta(minutes=5),
        printer="ready",
        now=NOW,
    )
    assert _text(view) == (
        "CSC-0001 | OP1 | ONLINE | 3 waiting | synced 5 min ago | printer ready | 11:30"
    )


def test_offline_is_shouted_and_refused_events_and_skew_are_flagged() -> None:
    view = StatusView(
        counter_id="CSC-0001",
        online=False,
        dead_lettered=2,
        printer="offline",
        clock_skew_s=-600,
        now=NOW,
    )
    segments = dict(status_segments(view, Translator("en", strict=True)))
    assert "on red" in segments["OFFLINE"]
    assert "on red" in segments["2 refused"]
    assert "on red" in segments["PRINTER OFF"]
    assert "CLOCK OFF BY 10 MIN" in segments


def test_small_clock_skew_is_not_a_warning() -> None:
    view = StatusView(counter_id="C", online=True, clock_skew_s=30, now=NOW)
    assert "CLOCK" not in _text(view)


def test_a_counter_without_a_central_says_so_instead_of_offline() -> None:
    view = StatusView(counter_id="C", has_central=False, now=NOW)
    assert "NO CENTRAL SET" in _text(view)
    assert "OFFLINE" not in _text(view)
    assert "synced" not in _text(view)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", list(PrinterState))
def test_every_printer_state_has_words_in_both_languages(language: str, state: str) -> None:
    assert _text(StatusView(counter_id="C", printer=str(state)), language)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "never"),
        (10, "just now"),
        (61, "1 min ago"),
        (7300, "2 h ago"),
        (200000, "2 days ago"),
    ],
)
def test_relative_time(seconds: int | None, expected: str) -> None:
    then = None if seconds is None else NOW - timedelta(seconds=seconds)
    assert relative_time(then, NOW, Translator("en", strict=True)) == expected


def test_a_sync_time_in_the_future_reads_as_just_now() -> None:
    assert relative_time(NOW + timedelta(hours=1), NOW, Translator("en")) == "just now"


def test_hindi_status() -> None:
    view = StatusView(counter_id="CSC-0001", online=False, pending=1, now=NOW)
    text = _text(view, "hi")
    assert "ऑफ़लाइन" in text and "1 प्रतीक्षा में" in text
