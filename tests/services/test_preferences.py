"""The lookup's discom: the configured default first, then the last one used, kept across
restarts in the counter's own database."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.preferences import current_discom, remember_discom
from kiosk.services.runtime import open_counter
from tests.services.support import START, CountingEntropy, FixedClock, make_settings

TWO = {"id": "CSC-0001", "name": "Test counter", "discoms": ["MVVNL", "DVVNL"]}


def reopen(folder: Path, **counter: object) -> Counter:
    settings = make_settings(folder, counter=TWO | counter)
    return open_counter(settings, clock=FixedClock(START), entropy=CountingEntropy())


def test_a_new_counter_starts_with_its_first_discom(counter: Counter) -> None:
    assert current_discom(counter) == "MVVNL"


def test_the_configured_default_comes_before_the_first(tmp_path: Path) -> None:
    counter = reopen(tmp_path, default_discom="DVVNL")
    try:
        assert current_discom(counter) == "DVVNL"
    finally:
        counter.conn.close()


def test_the_last_discom_used_is_remembered_across_a_restart(tmp_path: Path) -> None:
    first = reopen(tmp_path)
    assert remember_discom(first, "dvvnl") == "DVVNL"  # spelt as the config spells it
    first.conn.close()
    again = reopen(tmp_path)
    try:
        assert current_discom(again) == "DVVNL"
    finally:
        again.conn.close()


def test_a_remembered_discom_the_counter_no_longer_serves_is_ignored(tmp_path: Path) -> None:
    first = reopen(tmp_path)
    remember_discom(first, "DVVNL")
    first.conn.close()
    settings = make_settings(tmp_path, counter=TWO | {"discoms": ["MVVNL", "PVVNL"]})
    again = open_counter(settings, clock=FixedClock(START), entropy=CountingEntropy())
    try:
        assert current_discom(again) == "MVVNL"
    finally:
        again.conn.close()


def test_a_discom_the_counter_does_not_serve_is_refused_and_not_stored(counter: Counter) -> None:
    with pytest.raises(InvalidInput) as refused:
        remember_discom(counter, "KESCO")
    assert refused.value.field == "discom"
    assert current_discom(counter) == "MVVNL"
    assert counter.conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
