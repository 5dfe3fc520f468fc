"""Pictures of the screens an operator sees after each issue-6 task is saved (complaint,
reading, connection, recharge, relief-scheme registration) and of the F7 task menu, in
English and Hindi, at 80x24 and 120x40. Each is taken once its slip has printed, so the
print line is settled; the clock is frozen and the cursor does not blink."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.screens.recharge import RechargeScreen
from kiosk.screens.scheme import SchemeScreen
from kiosk.services.lookup import find_account
from tests.services.factories import make_snapshot
from tests.services.support import AADHAAR
from tests.ui.support import Navigate, build_app, sign_in, until
from tests.ui.test_recharge import PREPAID, pay_cash, prepaid
from tests.ui.test_snapshots_complaints import _complaint, _connection, _reading

pytestmark = pytest.mark.usefixtures("still_cursor")  # tests/ui/conftest.py


async def _settled(pilot: Any, done_type: str) -> None:
    """The done screen is up, its slip printed, and the status bar says so."""
    app = pilot.app
    await until(pilot, lambda: type(app.screen).__name__ == done_type, 10.0)
    for _ in range(200):
        if getattr(app.screen, "print_state", None) == "printed" and (
            app.status.printer == "ready"
        ):
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def _menu(pilot: Any) -> None:
    await sign_in(pilot)
    await pilot.press("f7")
    await pilot.pause()


async def _complaint_done(pilot: Any) -> None:
    await _complaint(pilot)
    await pilot.press("enter", "enter", "enter")  # mobile (the card's), location, landmark
    await _settled(pilot, "ComplaintDoneScreen")


async def _reading_done(pilot: Any) -> None:
    await _reading(pilot)
    await pilot.press("enter", "enter", "enter")  # reading, date, no photo
    await _settled(pilot, "ReadingDoneScreen")


async def _connection_done(pilot: Any) -> None:
    await _connection(pilot)
    await pilot.press("enter")
    await _settled(pilot, "ConnectionDoneScreen")


async def _recharge_done(pilot: Any) -> None:
    await sign_in(pilot)
    lookup = await pilot.app.station.call(find_account, "MVVNL", PREPAID)
    pilot.app.push_screen(RechargeScreen(lookup))
    await pilot.pause()
    await pilot.press("2", "enter")  # Rs 500
    await pay_cash(pilot)
    await _settled(pilot, "RechargeDoneScreen")


async def _scheme_done(pilot: Any) -> None:
    await sign_in(pilot)
    lookup = await pilot.app.station.call(
        find_account, "MVVNL", make_snapshot().consumer.account_no
    )
    screen = SchemeScreen(lookup)
    pilot.app.push_screen(screen)
    await until(pilot, lambda: screen.view is not None)
    await pilot.press("2", "enter")  # Rs 750 a month, register
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "SchemeRegisterScreen")
    await pilot.press("a", *AADHAAR, "enter", "enter")  # Aadhaar, the card's mobile
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "PaymentScreen")
    await pilot.press("c", "enter")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmPayment")
    await pilot.press("enter")
    await _settled(pilot, "SchemeDoneScreen")


SCREENS: dict[str, Navigate] = {
    "menu": _menu,
    "complaint_done": _complaint_done,
    "reading_done": _reading_done,
    "connection_done": _connection_done,
    "recharge_done": _recharge_done,
    "scheme_done": _scheme_done,
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(
    snap_compare: Any, tmp_path: Path, screen: str, language: str, size: tuple[int, int]
) -> None:
    app = build_app(tmp_path, language=language, consumers=[make_snapshot(), prepaid()])
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
