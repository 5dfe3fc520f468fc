"""The screens refuse an operator, in plain words and their language, the tasks that are a
supervisor's (kiosk.services.roles): F7's refused events and the shift screen's export. The
real app, database and argon2 PINs; nothing is opened or written for the refused key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app import KioskApp
from kiosk.screens.dead_letters import DeadLettersScreen
from kiosk.screens.menu import MenuScreen
from kiosk.screens.shift import ShiftScreen
from kiosk.services.payments import record_payment
from tests.services.support import START, FixedClock, cash
from tests.ui.support import SUPERVISOR, SUPERVISOR_PIN, build_app, message, rows, sign_in, until

SIZE = (100, 30)


@pytest.fixture
def app(tmp_path: Path) -> KioskApp:
    return build_app(tmp_path, clock=FixedClock(START))


async def test_an_operator_is_refused_the_refused_events_task_and_stays_on_the_menu(
    app: KioskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f7", "7")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        assert message(app.screen) == (
            "OP1 is an operator: seeing refused events is for a supervisor or an admin only."
            " Nothing was changed."
        )
        await pilot.press("f10", "7")  # the same refusal in Hindi
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        assert message(app.screen).startswith(
            "OP1 ऑपरेटर हैं: अस्वीकृत घटनाएँ देखना केवल पर्यवेक्षक या एडमिन कर सकते हैं"
        )


async def test_a_supervisor_opens_the_refused_events_from_the_menu(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await pilot.press("f7", "7")
        await pilot.pause()
        assert isinstance(app.screen, DeadLettersScreen)


async def test_an_operator_is_refused_the_days_export_and_nothing_is_written(
    app: KioskApp, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await app.station.call(record_payment, cash(500_00))
        await sign_in(pilot)
        await app.push_screen(ShiftScreen())
        await until(pilot, lambda: isinstance(app.screen, ShiftScreen) and app.screen.loaded)
        before = await rows(app, "SELECT action FROM audit_log ORDER BY id")
        await pilot.press("e")
        await pilot.pause()
        assert message(app.screen) == (
            "OP1 is an operator: exporting the day's payments is for a supervisor or an admin"
            " only. Nothing was changed."
        )
        await pilot.press("f10", "e")  # the screen says it in its language, before the service
        await pilot.pause()
        assert message(app.screen).startswith(
            "OP1 ऑपरेटर हैं: दिन के भुगतानों का निर्यात केवल पर्यवेक्षक या एडमिन कर सकते हैं"
        )
        assert not (tmp_path / "exports").exists()
        assert await rows(app, "SELECT action FROM audit_log ORDER BY id") == before
