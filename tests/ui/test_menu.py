"""F7: the task menu opens every task by one digit (or arrows and Enter), and Esc goes back
to where the operator was; the consumer card opens the tasks about its consumer by one
letter, with the consumer already known."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from textual.screen import Screen

from kiosk.app import KioskApp
from kiosk.screens.dead_letters import DeadLettersScreen
from kiosk.screens.lookup import LookupScreen
from kiosk.screens.menu import TASKS, MenuScreen
from kiosk.screens.receipts import ReceiptsScreen
from tests.services.factories import ACCOUNT, make_snapshot
from tests.ui.support import SUPERVISOR, SUPERVISOR_PIN, build_app, sign_in

SIZE = (100, 30)


PREPAID = "2345678901"


@pytest.fixture
def app(tmp_path: Path) -> KioskApp:
    consumers = [make_snapshot(), make_snapshot(PREPAID, bill=False, meter_type="prepaid")]
    return build_app(tmp_path, consumers=consumers)


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
        await sign_in(pilot, SUPERVISOR, SUPERVISOR_PIN)  # the last task is a supervisor's
        await pilot.press("f7", "end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DeadLettersScreen)


async def test_the_menu_is_not_reachable_before_sign_in(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert not isinstance(app.screen, MenuScreen)


@pytest.mark.parametrize("task", TASKS, ids=[t.screen for t in TASKS])
def test_every_task_names_a_screen_that_exists(task):
    screen_type = getattr(importlib.import_module(task.module), task.screen)
    assert issubclass(screen_type, Screen)


async def open_card(pilot, account: str = ACCOUNT):
    await sign_in(pilot)
    await pilot.press(*account, "enter")
    await pilot.pause()
    return pilot.app.screen


@pytest.mark.parametrize(
    ("key", "module", "screen"),
    [
        ("s", "kiosk.screens.scheme", "SchemeScreen"),
        ("c", "kiosk.screens.complaint", "ComplaintScreen"),
        ("m", "kiosk.screens.reading", "ReadingScreen"),
        ("b", "kiosk.screens.bill_calculator", "BillCalculatorScreen"),
        ("enter", "kiosk.screens.payment", "PaymentScreen"),
    ],
)
async def test_a_letter_on_the_card_opens_the_task_for_that_consumer(app, key, module, screen):
    expected = getattr(importlib.import_module(module), screen)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert type(app.screen) is expected
        assert app.screen.lookup is card.lookup
        await pilot.press("escape")
        await pilot.pause()
        if app.screen is not card:  # a form's Esc may step back field by field first
            await pilot.press("escape")
            await pilot.pause()
        assert app.screen is card


async def test_enter_on_a_prepaid_card_opens_the_recharge_not_a_bill_payment(app):
    from kiosk.screens.recharge import RechargeScreen

    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, PREPAID)
        assert ("Enter/F3", "consumer.key_recharge") in card.key_list()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RechargeScreen)


async def test_recharge_and_scheme_keys_refuse_the_wrong_kind_of_meter(app):
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is card
        assert "postpaid" in str(card.query_one("#message").render())
        await pilot.press("f2", *PREPAID, "enter")
        await pilot.pause()
        prepaid_card = app.screen
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is prepaid_card
        assert "prepaid meter" in str(prepaid_card.query_one("#message").render())
