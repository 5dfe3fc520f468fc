"""The counter's fast path, counted: account number, Enter, Enter (amount due), cash,
tendered, Enter (confirm), Enter (commit). No mouse, no other key."""

from __future__ import annotations

from pathlib import Path

from kiosk.domain.money import format_inr
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import text_of
from kiosk.screens.lookup import LookupScreen
from kiosk.screens.receipt_done import ReceiptDoneScreen
from tests.services.factories import ACCOUNT, DUE
from tests.ui.support import build_app, sign_in

# The README states these counts; change both together.
FAST_PATH_EXACT_CASH = 15  # 10 digits + Enter + Enter + C + Enter + Enter
TENDERED = "40000"


def fast_path(tendered: str = "") -> list[str]:
    return [*ACCOUNT, "enter", "enter", "c", *tendered, "enter", "enter"]


async def _pay_by_keys(tmp_path: Path, keys: list[str]) -> tuple[object, DummyConnection]:
    printer = DummyConnection()
    app = build_app(tmp_path, printer=printer)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, LookupScreen)
        for key in keys:
            await pilot.press(key)
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, ReceiptDoneScreen) and printer.jobs:
                break
        screen = app.screen
        assert isinstance(screen, ReceiptDoneScreen)
        screen.change_text = str(screen.query_one("#change").render())  # type: ignore[attr-defined]
        await pilot.press("enter")  # one key to the next consumer
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
    return screen, printer


async def test_exact_cash_takes_fifteen_keys_from_lookup_to_printed_receipt(
    tmp_path: Path,
) -> None:
    keys = fast_path()
    assert len(keys) == FAST_PATH_EXACT_CASH
    screen, printer = await _pay_by_keys(tmp_path, keys)
    slip = text_of(printer.jobs[0])
    assert screen.result.receipt_no in slip  # type: ignore[attr-defined]
    assert screen.result.amount_paise == DUE  # type: ignore[attr-defined]
    assert screen.result.mode == "cash"  # type: ignore[attr-defined]


async def test_cash_with_change_adds_only_the_tendered_digits(tmp_path: Path) -> None:
    keys = fast_path(TENDERED)
    assert len(keys) == FAST_PATH_EXACT_CASH + len(TENDERED)
    screen, _ = await _pay_by_keys(tmp_path, keys)
    change = 40000_00 - DUE
    assert format_inr(change) in screen.change_text  # type: ignore[attr-defined]
