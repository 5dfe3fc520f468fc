"""Pictures of the main screens, in English and Hindi, on an old 80x24 monitor and a
120x40 one (pytest-textual-snapshot). The first run records; a change fails until the new
SVGs are reviewed and accepted with ``--snapshot-update``.

The clock is frozen, the cursor does not blink and no central is set, so the pictures
only change when the screens do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.app import KioskApp
from tests.services.factories import ACCOUNT
from tests.ui.support import Navigate, build_app, sign_in

pytestmark = pytest.mark.usefixtures("still_cursor")  # tests/ui/conftest.py


async def _login(pilot: Any) -> None:
    await pilot.pause()


async def _lookup(pilot: Any) -> None:
    await sign_in(pilot)
    await pilot.press(*ACCOUNT[:4])


async def _card(pilot: Any) -> None:
    await sign_in(pilot)
    await pilot.press(*ACCOUNT, "enter")
    await pilot.pause()


async def _confirm(pilot: Any) -> None:
    await _card(pilot)
    await pilot.press("enter", "c")
    await pilot.pause()
    await pilot.press("enter")  # exact cash: nothing typed in "tendered"
    await pilot.pause()


async def _done(pilot: Any) -> None:
    await _confirm(pilot)
    await pilot.press("enter")
    app: KioskApp = pilot.app
    for _ in range(200):  # the receipt has printed, and both the bar and the screen say so
        await pilot.pause(0.05)
        printed = getattr(app.screen, "print_state", None) == "printed"
        if printed and app.status.printer == "ready":
            break
    await pilot.pause()


SCREENS: dict[str, Navigate] = {
    "login": _login,
    "lookup": _lookup,
    "consumer_card": _card,
    "payment_confirm": _confirm,
    "receipt_done": _done,
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(
    snap_compare: Any, tmp_path: Path, screen: str, language: str, size: tuple[int, int]
) -> None:
    app = build_app(tmp_path, language=language)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
