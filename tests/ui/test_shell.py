"""The shell an operator lives in: sign in, lockout, first start, idle lock, language, help,
and a status bar that follows the sync engine and the printer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input

from kiosk.app import PrinterChanged, SyncChanged
from kiosk.printer.connections import PrinterState, PrinterStatus
from kiosk.screens.help import HelpScreen
from kiosk.screens.lock import LockScreen
from kiosk.screens.login import FirstSupervisorScreen, LoginScreen
from kiosk.screens.lookup import LookupScreen
from kiosk.widgets.message_line import MessageLine
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.text import TLabel
from offline_queue.engine import SyncState
from tests.services.support import START, FixedClock
from tests.ui.support import OPERATOR, SUPERVISOR, SUPERVISOR_PIN, build_app, sign_in

SIZE = (100, 30)


def message(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#message", MessageLine).text


def bar(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(StatusBar).render())


async def test_operator_signs_in_by_keys_and_lands_on_the_lookup(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await sign_in(pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.operator.operator_id == OPERATOR
        assert "OP1" in bar(app)
        assert isinstance(app.focused, Input) and app.focused.id == "query"


async def test_a_wrong_pin_is_refused_and_says_how_many_tries_are_left(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, pin="9999")
        assert isinstance(app.screen, LoginScreen)
        assert "operator id or PIN is wrong" in message(app)
        assert "4 tries left" in message(app)
        assert app.screen.query_one("#pin", Input).value == ""  # never left on screen
        assert app.operator is None


async def test_an_empty_pin_is_not_sent_and_costs_no_try(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, pin="")
        assert "PIN: type your PIN" in message(app)
        await sign_in(pilot, pin="9999")
        assert "4 tries left" in message(app)


async def test_five_wrong_pins_lock_the_operator_even_against_the_right_pin(
    tmp_path: Path,
) -> None:
    clock = FixedClock(START)
    app = build_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await sign_in(pilot, pin="9999")
        assert "locked" in message(app)
        await sign_in(pilot)  # the right PIN, too soon
        assert isinstance(app.screen, LoginScreen)
        assert "locked" in message(app)
        clock.advance(minutes=6)
        await sign_in(pilot)
        assert isinstance(app.screen, LookupScreen)


async def test_first_start_makes_the_first_supervisor_then_signs_them_in(tmp_path: Path) -> None:
    app = build_app(tmp_path, staff=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FirstSupervisorScreen)
        await pilot.press(*"BOSS", "enter", *"Asha Singh", "enter")
        await pilot.press(*"4826", "enter", *"4827", "enter")
        assert "not the same" in message(app)
        await pilot.press(*"4826", "enter")  # only the second box was cleared
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        assert app.operator.operator_id == "BOSS" and app.operator.role == "supervisor"


async def test_first_start_refuses_an_easy_pin_with_the_rule(tmp_path: Path) -> None:
    app = build_app(tmp_path, staff=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*"BOSS", "enter", *"Asha Singh", "enter")
        await pilot.press(*"1234", "enter", *"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FirstSupervisorScreen)
        assert "PIN: must be 4 to 8 digits" in message(app)


async def test_idle_lock_keeps_the_work_on_screen_and_needs_the_pin(tmp_path: Path) -> None:
    app = build_app(tmp_path, idle_lock_s=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press(*"12345")
        await pilot.pause(1.6)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"9999", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "operator id or PIN is wrong" in app.screen.query_one(MessageLine).text
        await pilot.press(*"2580", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "12345"


async def test_f12_locks_at_once_and_ctrl_x_signs_out(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f2", "f4")  # nothing behind the lock opens
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.operator is None


async def test_language_switch_rewords_the_screen_and_the_bars(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = app.screen.query_one(".screen-title", TLabel)
        assert str(title.render()) == "Sign in"
        await pilot.press("f10")
        await pilot.pause()
        assert app.language == "hi"
        assert str(title.render()) == "लॉगिन"
        assert "प्रिंटर" in bar(app)
        await sign_in(pilot)
        assert "खोज" in str(app.screen.query_one("KeyBar").render())
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.language == "en"
        assert "Lookup" in str(app.screen.query_one("KeyBar").render())


async def test_help_lists_every_key_of_the_screen_below(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.rows())
        for key in ("F2", "F4", "F5", "F9", "F10", "F12", "Esc"):
            assert key in rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)


async def test_status_bar_follows_sync_and_printer_messages(tmp_path: Path) -> None:
    app = build_app(tmp_path, central={"url": "http://127.0.0.1:9", "token": "t" * 24})
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        app.post_message(SyncChanged(SyncState(online=False, pending=3, dead_lettered=1)))
        app.post_message(PrinterChanged(PrinterStatus(PrinterState.OFFLINE, "no answer")))
        await pilot.pause()
        text = bar(app)
        assert "OFFLINE" in text and "3 waiting" in text and "1 refused" in text
        assert "PRINTER OFF" in text
        app.post_message(SyncChanged(SyncState(online=True, pending=0)))
        await pilot.pause()
        assert "ONLINE" in bar(app) and "0 waiting" in bar(app)


async def test_status_bar_shouts_a_database_the_sync_cannot_write(tmp_path: Path) -> None:
    app = build_app(tmp_path, central={"url": "http://127.0.0.1:9", "token": "t" * 24})
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        full = SyncState(online=True, pending=2, storage_problem="disk_full", last_error="full")
        app.post_message(SyncChanged(full))
        await pilot.pause()
        assert "DISK FULL" in bar(app) and "2 waiting" in bar(app)
        app.post_message(SyncChanged(SyncState(online=True, pending=0)))
        await pilot.pause()
        assert "DISK FULL" not in bar(app)  # gone once a round writes again


async def test_supervisor_signs_in_too(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SUPERVISOR, SUPERVISOR_PIN)
        assert app.operator.role == "supervisor"


async def test_a_sync_cycle_with_nothing_to_send_still_counts_as_synced(tmp_path: Path) -> None:
    app = build_app(tmp_path, central={"url": "http://127.0.0.1:9", "token": "t" * 24})
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        attempted = START.timestamp() - 120  # two minutes before the (frozen) clock
        app.post_message(SyncChanged(SyncState(online=True, last_attempt_at=attempted)))
        await pilot.pause()
        assert "synced 2 min ago" in bar(app)
        app.post_message(SyncChanged(SyncState(online=False, last_error="down")))
        await pilot.pause()
        assert "synced 2 min ago" in bar(app)  # a failure does not erase the last contact


async def test_a_crash_leaves_no_personal_data_on_the_terminal(tmp_path: Path) -> None:
    """Textual's crash report prints every frame's local variables; kiosk's does not."""
    app = build_app(tmp_path)
    terminal = io.StringIO()
    app.error_console = Console(file=terminal, width=120)  # where the report is printed

    def fails_with_a_mobile_in_hand() -> None:
        mobile = "98765" + "01234"  # joined at run time: not in the source lines shown
        raise RuntimeError(f"broken for a {len(mobile)}-digit number")

    with pytest.raises(RuntimeError, match="10-digit"):
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot)
            app.call_later(fails_with_a_mobile_in_hand)
            await pilot.pause()
    report = terminal.getvalue()  # what the terminal shows once the app has gone
    assert "RuntimeError" in report and "fails_with_a_mobile_in_hand" in report
    assert "9876501234" not in report
