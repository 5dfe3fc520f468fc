"""The status bar names a counter database that refuses writes, in both languages.

The sync engine reports the kind (``SyncState.storage_problem``, from
:mod:`offline_queue.local_db`); the bar turns each kind into a red segment (pure: no app).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.i18n import LANGUAGES, Translator
from kiosk.widgets.status_bar import STORAGE_PROBLEMS, StatusView, status_segments
from offline_queue.local_db import KINDS

NOW = datetime(2026, 1, 10, 6, 0, tzinfo=UTC)
WORDS = {"disk_full": "DISK FULL", "read_only": "DATABASE READ-ONLY", "disk_error": "DISK ERROR"}


def _segments(view: StatusView, language: str) -> dict[str, str]:
    return dict(status_segments(view, Translator(language, strict=True)))  # type: ignore[arg-type]


def test_the_bar_has_words_for_every_kind_the_engine_reports() -> None:
    assert set(STORAGE_PROBLEMS) == set(KINDS) == set(WORDS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_storage_problem_is_shown_in_red(kind: str, language: str) -> None:
    fine = _segments(StatusView(counter_id="C", online=True, pending=4, now=NOW), language)
    shown = _segments(
        StatusView(counter_id="C", online=True, pending=4, now=NOW, storage_problem=kind), language
    )
    [(words, style)] = [(text, style) for text, style in shown.items() if text not in fine]
    assert "on red" in style
    if language == "en":
        assert words == WORDS[kind]


def test_an_unknown_kind_still_says_the_disk_is_at_fault() -> None:
    shown = _segments(StatusView(counter_id="C", storage_problem="something_new"), "en")
    assert "DISK ERROR" in shown
