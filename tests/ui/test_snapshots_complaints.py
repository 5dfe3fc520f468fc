"""Pictures of the complaint, complaint tracking, self meter reading and new-connection
screens, in English and Hindi, at 80x24 and 120x40 (pytest-textual-snapshot). The first run
records; a change fails until the new SVGs are reviewed and accepted with
``--snapshot-update``.

Each form is shown part filled, the way an operator sees it half-way through, and the
tracking screen with a complaint found in this counter's own record (no central is set).
The clock is frozen and the cursor does not blink, so the pictures only change when the
screens do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kiosk.screens.complaint import ComplaintScreen
from kiosk.screens.complaint_track import ComplaintTrackScreen
from kiosk.screens.new_connection import NewConnectionScreen
from kiosk.screens.reading import ReadingScreen
from kiosk.services.complaints import ComplaintRequest, log_complaint
from kiosk.services.lookup import find_account
from kiosk.services.printing import slip_print_state
from kiosk.services.readings import record_reading
from tests.services.factories import ACCOUNT
from tests.services.support import AADHAAR, TODAY
from tests.ui.support import OPERATOR, Navigate, build_app, sign_in

pytestmark = pytest.mark.usefixtures("still_cursor")  # tests/ui/conftest.py


async def _open(pilot: Any, screen: Any) -> None:
    pilot.app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()


async def _printed(pilot: Any, number: str) -> None:
    """The slip has printed and the status bar says the printer is ready (no race)."""
    app = pilot.app
    for _ in range(200):
        state = await app.station.call(slip_print_state, number)
        if state == "printed" and app.status.printer == "ready":
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def _consumer(pilot: Any) -> Any:
    await sign_in(pilot)
    return await pilot.app.station.call(find_account, "MVVNL", ACCOUNT)


async def _complaint(pilot: Any) -> None:
    await _open(pilot, ComplaintScreen(await _consumer(pilot)))
    await pilot.press("5", *"Voltage very low", "enter")
    await pilot.pause()


async def _track(pilot: Any) -> None:
    await sign_in(pilot)
    request = ComplaintRequest(
        category="transformer",
        description="Transformer humming",
        mobile="9876543210",
        operator_id=OPERATOR,
        discom="MVVNL",
        account_no=ACCOUNT,
    )
    result = await pilot.app.station.call(log_complaint, request)
    await _printed(pilot, result.local_no)
    await _open(pilot, ComplaintTrackScreen(result.local_no))
    await pilot.pause()


async def _reading(pilot: Any) -> None:
    lookup = await _consumer(pilot)
    result = await pilot.app.station.call(
        record_reading,
        discom="MVVNL",
        account_no=ACCOUNT,
        reading_kwh=4512,
        read_on=TODAY,
        operator_id=OPERATOR,
    )
    await _printed(pilot, result.local_no)
    await _open(pilot, ReadingScreen(lookup))
    await pilot.press(*"4700")
    await pilot.pause()


async def _connection(pilot: Any) -> None:
    await sign_in(pilot)
    await _open(pilot, NewConnectionScreen())
    screen = pilot.app.screen
    for widget_id, text in (
        ("applicant", "Sita Devi"),
        ("mobile", "9876543210"),
        ("address", "House 12, Rampur"),
        ("pincode", "241001"),
        ("load", "2"),
    ):
        screen.query_one(f"#{widget_id}", Input).value = text
    screen.query_one("#category").focus()
    await pilot.press("1", "enter", "1")  # LMV-1 rural, past the load, Aadhaar
    screen.query_one("#id-number", Input).value = AADHAAR
    await pilot.pause()


SCREENS: dict[str, Navigate] = {
    "complaint": _complaint,
    "complaint_track": _track,
    "reading": _reading,
    "new_connection": _connection,
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(
    snap_compare: Any, tmp_path: Path, screen: str, language: str, size: tuple[int, int]
) -> None:
    app = build_app(tmp_path, language=language)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
