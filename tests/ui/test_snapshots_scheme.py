"""Pictures of the relief-scheme screens, in English and Hindi, at 80x24 and 120x40.

The quote is the factory's consumer (eligible, phase 2) with the Rs 750 option chosen;
the form has an Aadhaar typed, so the picture shows it hidden with only its masked form.
The clock is frozen, the cursor does not blink and no central is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.screens.scheme import SchemeScreen
from kiosk.services.lookup import find_account
from tests.services.factories import ACCOUNT
from tests.services.support import AADHAAR
from tests.ui.support import Navigate, build_app, sign_in

pytestmark = pytest.mark.usefixtures("still_cursor")  # tests/ui/conftest.py


async def _scheme(pilot: Any) -> None:
    app = pilot.app
    await sign_in(pilot)
    lookup = await app.station.call(find_account, "MVVNL", ACCOUNT)
    screen = SchemeScreen(lookup)
    await app.push_screen(screen)
    for _ in range(100):
        await pilot.pause(0.02)
        if screen.view is not None:
            break
    await pilot.press("2")
    await pilot.pause()


async def _form(pilot: Any) -> None:
    await _scheme(pilot)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("a", *AADHAAR)
    await pilot.pause()


SCREENS: dict[str, Navigate] = {"scheme": _scheme, "scheme_register": _form}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_scheme_snapshot(
    snap_compare: Any, tmp_path: Path, screen: str, language: str, size: tuple[int, int]
) -> None:
    app = build_app(tmp_path, language=language)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
