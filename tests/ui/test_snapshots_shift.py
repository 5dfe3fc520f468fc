"""Pictures of the shift screen: the X report, the Z confirm with a short drawer, and the
closed shift's Z report, in English and Hindi, at 80x24 and 120x40.

The clock is frozen, the cursor does not blink and no central is set. The first run
records; a change fails until the new SVGs are reviewed and accepted with
``--snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.app import KioskApp
from kiosk.screens.shift import ConfirmClose, ShiftScreen
from kiosk.services.payments import cancel_receipt, record_payment
from tests.services.factories import make_snapshot
from tests.services.support import cash, upi
from tests.ui.support import SUPERVISOR, Navigate, build_app, sign_in

pytestmark = pytest.mark.usefixtures("still_cursor")  # tests/ui/conftest.py
OTHER = "2345678901"


async def _settle(pilot: Any, done: Callable[[], bool]) -> None:
    """Until ``done`` and every slip has printed (the status bar shows the printer)."""
    app: KioskApp = pilot.app
    for _ in range(200):
        await pilot.pause(0.05)
        if done() and app.status.printer == "ready":
            break
    await pilot.pause()


async def _x_report(pilot: Any) -> None:
    app: KioskApp = pilot.app
    await sign_in(pilot)
    call = app.station.call
    await call(record_payment, cash(1_500_00))
    await call(record_payment, upi(2_345_50, account_no=OTHER), confirm_second=True)
    wrong = await call(record_payment, cash(200_00, account_no=OTHER), confirm_second=True)
    await call(record_payment, cash(750_00), confirm_second=True)
    await call(cancel_receipt, wrong.receipt_no, reason="wrong account", supervisor_id=SUPERVISOR)
    await app.push_screen(ShiftScreen())
    await _settle(pilot, lambda: isinstance(app.screen, ShiftScreen) and app.screen.loaded)


async def _z_confirm(pilot: Any) -> None:
    await _x_report(pilot)
    await pilot.press("z", *"2200", "enter")
    await _settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmClose))


async def _z_done(pilot: Any) -> None:
    await _z_confirm(pilot)
    await pilot.press("enter")
    app: KioskApp = pilot.app
    await _settle(pilot, lambda: getattr(app.screen, "print_state", None) == "printed")


SCREENS: dict[str, Navigate] = {
    "shift_x": _x_report,
    "shift_z_confirm": _z_confirm,
    "shift_z_done": _z_done,
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_shift_screen_snapshot(
    snap_compare: Any, tmp_path: Path, screen: str, language: str, size: tuple[int, int]
) -> None:
    consumers = [make_snapshot(), make_snapshot(OTHER, name="Sita Devi", name_hi="सीता देवी")]
    app = build_app(tmp_path, language=language, consumers=consumers)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
