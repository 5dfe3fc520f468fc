"""F7: the task menu opens every task by one digit (or arrows and Enter), and Esc goes back
to where the operator was."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app import KioskApp
from kiosk.screens.dead_letters import DeadLettersScreen
from kiosk.screens.lookup import LookupScreen
from kiosk.screens.menu import TASKS, MenuScreen
from kiosk.screens.receipts import ReceiptsScreen
from tests.ui.support import build_app, sign_in

SIZE = (100, 30)


@pytest.fixture
def app(tmp_path: Path) -> KioskApp:
    return build_app(tmp_path)


async def test_f7_opens_the_menu_and_esc_goes_back_to_the_lookup(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        options = app.screen.query_one("#tasks")
        assert options.option_count == len(TASKS)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)


async def test_a_digit_opens_its_task_in_place_of_the_menu(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f7", "6")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)


async def test_arrows_and_enter_open_the_highlighted_task(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f7", "end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DeadLettersScreen)


async def test_the_menu_is_not_reachable_before_sign_in(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert not isinstance(app.screen, MenuScreen)
