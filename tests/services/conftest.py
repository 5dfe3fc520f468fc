"""A real counter on a temporary SQLite file, with a clock and randomness the tests control.

Every service test goes through :func:`kiosk.services.runtime.open_counter`, the same way
the app and the CLI build a counter, so the schema, pragmas and data files are the real ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskSettings
from kiosk.services.counter import Counter
from kiosk.services.runtime import open_counter
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import (
    START,
    SUPERVISOR,
    CountingEntropy,
    FixedClock,
    add_staff,
    cache,
    make_settings,
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def entropy() -> CountingEntropy:
    return CountingEntropy()


@pytest.fixture
def settings(tmp_path: Path) -> KioskSettings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def wakes() -> list[datetime]:
    """When the counter woke the sync engine (once per committed action)."""
    return []


@pytest.fixture
def counter(
    settings: KioskSettings, clock: FixedClock, entropy: CountingEntropy, wakes: list[datetime]
) -> Iterator[Counter]:
    opened = open_counter(settings, clock=clock, entropy=entropy)
    opened.on_committed = lambda: wakes.append(clock())
    yield opened
    opened.conn.close()


@pytest.fixture
def counter_with(
    tmp_path: Path, clock: FixedClock, entropy: CountingEntropy
) -> Iterator[Callable[..., Counter]]:
    """A counter with other settings sections, e.g. ``counter_with(payments={...})``."""
    opened: list[Counter] = []

    def build(**sections: Any) -> Counter:
        made = open_counter(
            make_settings(tmp_path / f"data{len(opened)}", **sections),
            clock=clock,
            entropy=entropy,
        )
        opened.append(made)
        return made

    yield build
    for made in opened:
        made.conn.close()


@pytest.fixture
def supervisor(counter: Counter) -> str:
    add_staff(counter, SUPERVISOR, "supervisor")
    return SUPERVISOR


@pytest.fixture
def consumer(counter: Counter) -> str:
    """The factory's consumer (MVVNL, LMV-1 rural 2 kW, postpaid, a bill with arrears)."""
    cache(counter, make_snapshot(ACCOUNT))
    return ACCOUNT
