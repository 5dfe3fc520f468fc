"""The one parser for dates typed at the counter (cheque dates, reading dates)."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.dates import parse_day


@pytest.mark.parametrize(
    "typed", ["10-01-2026", "2026-01-10", "10/01/2026", "10.01.2026", " 10-01-2026 "]
)
def test_day_first_and_iso_forms_read_as_the_same_day(typed: str) -> None:
    assert parse_day(typed) == date(2026, 1, 10)


@pytest.mark.parametrize("typed", ["", "31-02-2026", "01-13-2026", "10-01-26", "tomorrow"])
def test_what_is_not_a_day_reads_as_none(typed: str) -> None:
    assert parse_day(typed) is None
