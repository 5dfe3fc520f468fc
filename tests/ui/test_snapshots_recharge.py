"""Pictures of the recharge screen (a prepaid meter on a negative balance, the counter's
copy) and the bill calculator (opened for a consumer, worked out), in English and Hindi,
on an 80x24 and a 120x40 terminal. The first run records; review changed SVGs before
accepting them with ``--snapshot-update``.

The clock is frozen, the cursor does not blink and no central is set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.screens.bill_calculator import BillCalculatorScreen
from kiosk.screens.recharge import RechargeScreen
from kiosk.services.lookup import find_account
from tests.services.factories import ACCOUNT, make_snapshot
from tests.ui.support import Navigate, build_app, sign_in

pytestmark = pytest.mark.usefixtures("still_cursor")  # tests/ui/conftest.py
PREPAID = "2345678901"


async def _settle(pilot: Any, ready: Callable[[], bool]) -> None:
    for _ in range(100):
        if ready():
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def _recharge(pilot: Any) -> None:
    app = pilot.app
    await sign_in(pilot)
    lookup = await app.station.call(find_account, "MVVNL", PREPAID)
    screen = RechargeScreen(lookup)
    await app.push_screen(screen)
    await _settle(pilot, lambda: screen.status is not None)


async def _calculator(pilot: Any) -> None:
    app = pilot.app
    await sign_in(pilot)
    lookup = await app.station.call(find_account, "MVVNL", ACCOUNT)
    screen = BillCalculatorScreen(lookup)
    await app.push_screen(screen)
    await _settle(pilot, lambda: screen.estimate is not None)


SCREENS: dict[str, Navigate] = {"recharge": _recharge, "bill_calculator": _calculator}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(
    snap_compare: Any, tmp_path: Path, screen: str, language: str, size: tuple[int, int]
) -> None:
    negative = make_snapshot(PREPAID, bill=False, meter_type="prepaid").model_copy(
        update={"prepaid_balance_paise": -75_00}
    )
    app = build_app(tmp_path, language=language, consumers=[make_snapshot(), negative])
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
