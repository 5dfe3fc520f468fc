"""F4 receipts: the shift's list searched as one types, a receipt in full, a DUPLICATE on
paper, and a cancellation only a supervisor's PIN lets through, on the real database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import text_of
from kiosk.screens.cancel_receipt import CancelReceiptScreen
from kiosk.screens.receipts import DEBOUNCE_S, ReceiptDetailScreen, ReceiptsScreen
from kiosk.services.counter import Counter
from kiosk.services.payments import PaymentRequest, PaymentResult, record_payment
from kiosk.services.receipts import ReceiptLine, receipt_detail
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import START, FixedClock, cash, events, upi
from tests.ui.support import (
    OPERATOR,
    OPERATOR_PIN,
    SUPERVISOR,
    SUPERVISOR_PIN,
    build_app,
    sign_in,
)

OTHER = "2345678901"
UTR = "509876543210"
SIZE = (110, 34)


@pytest.fixture
def printer() -> DummyConnection:
    return DummyConnection()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def app(tmp_path: Path, printer: DummyConnection, clock: FixedClock) -> KioskApp:
    consumers = [make_snapshot(), make_snapshot(OTHER, name="Sita Devi", name_hi="सीता देवी")]
    return build_app(tmp_path, printer=printer, clock=clock, consumers=consumers)


# --- helpers ------------------------------------------------------------------------------


async def pay(app: KioskApp, request: PaymentRequest) -> PaymentResult:
    """A payment through the service, as the payment screen takes it."""
    return await app.station.call(record_payment, request, confirm_second=True)


async def settle(pilot: Any) -> None:
    """Past the search's debounce, and every list read finished and drawn."""
    await pilot.pause(DEBOUNCE_S + 0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_receipts(pilot: Any, operator: str = OPERATOR, pin: str = OPERATOR_PIN) -> Any:
    await sign_in(pilot, operator, pin)
    await pilot.press("f4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReceiptsScreen)
    return screen


async def search(pilot: Any, text: str) -> None:
    """Type into the search box (emptied first), by keys, and let the list follow."""
    box = pilot.app.screen.query_one("#search", Input)
    box.value = ""
    box.focus()
    await pilot.press(*text)
    await settle(pilot)


def listed(screen: ReceiptsScreen) -> list[str]:
    table = screen.query_one("#receipts-list", DataTable)
    return [str(row.key.value) for row in table.ordered_rows]


def cells(screen: ReceiptsScreen, receipt_no: str) -> list[str]:
    table = screen.query_one("#receipts-list", DataTable)
    return [str(cell) for cell in table.get_row(receipt_no)]


def totals(screen: ReceiptsScreen) -> str:
    return str(screen.query_one("#totals", Static).render())


def message(screen: Any) -> str:
    return str(screen.query_one("#message").render())


async def select(pilot: Any, receipt_no: str) -> None:
    """Move the list's cursor to a receipt with Down, as an operator would."""
    screen = pilot.app.screen
    table = screen.query_one("#receipts-list", DataTable)
    if screen.focused is not table:
        await pilot.press("enter")  # from the search box to the list
        await settle(pilot)
    assert screen.focused is table
    target = listed(screen).index(receipt_no)
    while table.cursor_row < target:
        await pilot.press("down")
    assert screen.selected().receipt_no == receipt_no


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Wait for the print spool's thread (it prints in the background)."""
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting for the printer")


def slips(printer: DummyConnection) -> list[str]:
    return [text_of(job) for job in printer.jobs]


async def table_rows(app: KioskApp, table: str) -> list[tuple[Any, ...]]:
    def read(counter: Counter) -> list[tuple[Any, ...]]:
        return counter.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()

    return await app.station.call(read)


async def records(app: KioskApp) -> dict[str, list[tuple[Any, ...]]]:
    """What a cancellation writes: a refused one must leave all of it as it was."""
    return {name: await table_rows(app, name) for name in ("payments", "outbox", "print_jobs")}


async def detail(app: KioskApp, receipt_no: str) -> ReceiptLine:
    return await app.station.call(receipt_detail, receipt_no)


# --- the list -----------------------------------------------------------------------------


async def test_the_shift_receipts_are_listed_newest_first_with_their_totals(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await pay(app, cash(1_000_00))
        second = await pay(app, upi(500_50, UTR, account_no=OTHER))
        await until(lambda: len(printer.jobs) == 2)
        screen = await open_receipts(pilot)
        assert listed(screen) == [second.receipt_no, first.receipt_no]
        assert cells(screen, first.receipt_no) == [
            "11:30",  # 06:00 UTC on the station clock, in India
            first.receipt_no,
            ACCOUNT,
            "Ram Kumar",
            "₹1,000.00",
            "Cash",
            "valid",
            "no",  # no central here: nothing synced
            "printed",
        ]
        assert cells(screen, second.receipt_no)[3:6] == ["Sita Devi", "₹500.50", "UPI"]
        assert totals(screen) == "2 valid receipts, total ₹1,500.50"


async def test_no_payment_yet_says_so(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_receipts(pilot)
        assert listed(screen) == []
        assert totals(screen) == "No receipts yet."


async def test_search_by_receipt_account_name_or_utr_narrows_the_list(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await pay(app, cash(1_000_00))
        second = await pay(app, upi(500_00, UTR, account_no=OTHER))
        third = await pay(app, cash(200_00))
        screen = await open_receipts(pilot)
        assert len(listed(screen)) == 3

        await search(pilot, second.receipt_no)
        assert listed(screen) == [second.receipt_no]
        await search(pilot, ACCOUNT)
        assert listed(screen) == [third.receipt_no, first.receipt_no]
        await search(pilot, UTR[-6:])
        assert listed(screen) == [second.receipt_no]
        await search(pilot, "sita")
        assert listed(screen) == [second.receipt_no]
        assert totals(screen) == "1 valid receipts, total ₹500.00"
        await search(pilot, "")
        assert len(listed(screen)) == 3


@pytest.mark.parametrize("typed", ["'", "%", "_", '"', "' OR '1'='1", "%_%", "\\"])
async def test_quotes_and_wildcards_are_searched_as_typed(app: KioskApp, typed: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pay(app, cash(1_000_00))
        screen = await open_receipts(pilot)
        await search(pilot, typed)
        assert listed(screen) == []
        assert totals(screen) == f'No receipt matches "{typed}".'
        assert message(screen) == ""


async def test_d_switches_between_the_shift_and_the_whole_counter_today(
    app: KioskApp, clock: FixedClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        clock.set(START - timedelta(days=1))
        yesterday = await pay(app, cash(300_00))  # the shift opened yesterday is still open
        clock.set(START)
        today = await pay(app, cash(1_000_00))
        screen = await open_receipts(pilot)
        assert listed(screen) == [today.receipt_no, yesterday.receipt_no]
        assert "This shift" in str(screen.query_one("#scope").render())

        await pilot.press("enter", "d")  # Enter: from the search box to the list
        await settle(pilot)
        assert listed(screen) == [today.receipt_no]
        assert "10-01-2026" in str(screen.query_one("#scope").render())

        await pilot.press("d")
        await settle(pilot)
        assert listed(screen) == [today.receipt_no, yesterday.receipt_no]


async def test_letters_typed_in_the_search_box_are_text_not_commands(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pay(app, cash(1_000_00))
        screen = await open_receipts(pilot)
        await search(pilot, "pxd")
        assert screen.query_one("#search", Input).value == "pxd"
        assert not screen.whole_day
        assert isinstance(pilot.app.screen, ReceiptsScreen)


async def test_enter_shows_every_field_of_the_selected_receipt(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pay(app, cash(1_000_00))
        paid = await pay(app, upi(500_00, UTR, account_no=OTHER))
        await open_receipts(pilot)
        await select(pilot, paid.receipt_no)
        await pilot.press("enter")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ReceiptDetailScreen)
        shown = plain(modal.query_one("#detail-fields", Static).content)
        for expected in (paid.receipt_no, "10-01-2026 11:30 IST", OTHER, "Sita Devi", UTR):
            assert expected in shown
        assert "₹500.00" in shown and "OP1" in shown and "MVVNL" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReceiptsScreen)


async def test_x_in_the_detail_opens_the_cancel_form_for_that_receipt(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        await pay(app, cash(200_00))
        await open_receipts(pilot)
        await select(pilot, paid.receipt_no)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, CancelReceiptScreen)
        assert modal.line.receipt_no == paid.receipt_no


async def test_the_selection_stays_on_its_receipt_while_the_search_narrows(
    app: KioskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await pay(app, cash(1_000_00))
        await pay(app, upi(500_00, UTR, account_no=OTHER))
        third = await pay(app, cash(200_00))
        screen = await open_receipts(pilot)
        await select(pilot, first.receipt_no)  # the last of three rows
        await search(pilot, ACCOUNT)
        assert listed(screen) == [third.receipt_no, first.receipt_no]
        assert screen.selected().receipt_no == first.receipt_no


async def test_escape_goes_back_to_where_f4_was_pressed(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        before = type(pilot.app.screen)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert type(pilot.app.screen) is before


# --- reprint ------------------------------------------------------------------------------


async def test_p_sends_a_duplicate_with_the_receipt_number_to_the_printer(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await pay(app, cash(1_000_00))
        await pay(app, cash(200_00))
        await until(lambda: len(printer.jobs) == 2)
        assert not any("DUPLICATE" in text for text in slips(printer))
        screen = await open_receipts(pilot)
        await select(pilot, first.receipt_no)
        await pilot.press("p")
        await until(lambda: len(printer.jobs) == 3)
        duplicate = slips(printer)[-1]
        assert "DUPLICATE" in duplicate
        assert first.receipt_no in duplicate
        assert message(screen) == f"Duplicate of {first.receipt_no} sent to the printer."


async def test_a_reprint_with_the_printer_off_warns_and_waits(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        await until(lambda: len(printer.jobs) == 1)
        printer.simulate("offline", "printer cable out")
        screen = await open_receipts(pilot)
        await select(pilot, paid.receipt_no)
        await pilot.press("p")  # the spool finds the printer off
        await until(lambda: str(app.station.printer_status.state) == "offline")
        await pilot.press("p")  # now the screen knows it is off
        await settle(pilot)
        assert "not ready (printer cable out)" in message(screen)
        assert len(printer.jobs) == 1
        printer.simulate("ready")
        app.station.wake_printer()
        await until(lambda: len(printer.jobs) == 3)
        assert all("DUPLICATE" in text for text in slips(printer)[1:])


# --- cancel -------------------------------------------------------------------------------


async def fill_cancel(pilot: Any, reason: str, supervisor: str | None, pin: str) -> None:
    """Type the cancel form by keys: reason, (supervisor id,) PIN, each with Enter."""
    await pilot.press(*reason, "enter")
    if supervisor is not None:
        await pilot.press(*supervisor, "enter")
    await pilot.press(*pin, "enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_cancel(pilot: Any, receipt_no: str) -> CancelReceiptScreen:
    await select(pilot, receipt_no)
    await pilot.press("x")
    await pilot.pause()
    modal = pilot.app.screen
    assert isinstance(modal, CancelReceiptScreen)
    return modal


async def test_an_operator_cancels_with_a_supervisors_id_pin_and_reason(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        kept = await pay(app, cash(200_00))
        await until(lambda: len(printer.jobs) == 2)
        screen = await open_receipts(pilot)
        await open_cancel(pilot, paid.receipt_no)
        await fill_cancel(pilot, "Wrong account typed", SUPERVISOR, SUPERVISOR_PIN)
        await settle(pilot)

        assert pilot.app.screen is screen
        assert (await detail(app, paid.receipt_no)).status == "cancelled"
        assert (await detail(app, kept.receipt_no)).status == "valid"
        [event] = await app.station.call(events, "receipt.cancelled")
        assert event["payload"]["receipt_no"] == paid.receipt_no
        assert event["payload"]["reason"] == "Wrong account typed"
        assert event["payload"]["supervisor_id"] == SUPERVISOR
        await until(lambda: len(printer.jobs) == 3)
        slip = slips(printer)[-1]
        assert "RECEIPT CANCELLED" in slip and paid.receipt_no in slip
        assert message(screen) == (
            f"Receipt {paid.receipt_no} (₹1,000.00) is cancelled."
            " The cancellation slip is being printed."
        )
        assert cells(screen, paid.receipt_no)[6] == "CANCELLED"
        assert totals(screen) == "1 valid receipts, total ₹200.00  (1 cancelled, not counted)"


async def test_a_signed_in_supervisor_gives_only_their_pin_again(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        await open_receipts(pilot, SUPERVISOR, SUPERVISOR_PIN)
        modal = await open_cancel(pilot, paid.receipt_no)
        assert not modal.query("#supervisor")
        await fill_cancel(pilot, "Consumer paid twice by mistake", None, SUPERVISOR_PIN)
        assert (await detail(app, paid.receipt_no)).status == "cancelled"


async def test_a_wrong_supervisor_pin_changes_nothing(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        await open_receipts(pilot)
        before = await records(app)
        modal = await open_cancel(pilot, paid.receipt_no)
        await fill_cancel(pilot, "Wrong account typed", SUPERVISOR, "9371")
        assert pilot.app.screen is modal
        assert "operator id or PIN is wrong" in message_of(modal)
        assert modal.query_one("#pin", Input).value == ""
        assert await records(app) == before


async def test_an_operator_standing_in_for_a_supervisor_is_refused(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        await open_receipts(pilot)
        before = await records(app)
        modal = await open_cancel(pilot, paid.receipt_no)
        await fill_cancel(pilot, "Wrong account typed", OPERATOR, OPERATOR_PIN)
        assert pilot.app.screen is modal
        assert message_of(modal) == (
            "OP1 is not a supervisor: only a supervisor can cancel a receipt. Nothing was changed."
        )
        assert await records(app) == before


@pytest.mark.parametrize("reason", ["", "   ", "typo"])
async def test_a_missing_or_too_short_reason_is_refused(app: KioskApp, reason: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        await open_receipts(pilot)
        before = await records(app)
        modal = await open_cancel(pilot, paid.receipt_no)
        await pilot.press(*reason, "enter")
        await pilot.pause()
        assert message_of(modal) == (
            "Reason: say why the receipt is cancelled (at least 5 characters)."
        )
        assert modal.focused is modal.query_one("#reason")
        # Even straight from the PIN box (Tab past the reason) nothing is cancelled.
        modal.query_one("#supervisor", Input).value = SUPERVISOR
        modal.query_one("#pin", Input).focus()
        await pilot.press(*SUPERVISOR_PIN, "enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        assert pilot.app.screen is modal
        assert await records(app) == before


async def test_escape_leaves_the_cancel_form_without_cancelling(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        screen = await open_receipts(pilot)
        before = await records(app)
        await open_cancel(pilot, paid.receipt_no)
        await pilot.press(*"Wrong account", "escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert await records(app) == before


async def test_a_cancelled_receipt_is_neither_cancelled_again_nor_reprinted(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        screen = await open_receipts(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await open_cancel(pilot, paid.receipt_no)
        await fill_cancel(pilot, "Wrong account typed", None, SUPERVISOR_PIN)
        await settle(pilot)
        await until(lambda: len(printer.jobs) == 2)
        before = await records(app)

        await select(pilot, paid.receipt_no)
        await pilot.press("x")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert message(screen) == f"Receipt {paid.receipt_no} is already cancelled."
        await pilot.press("p")
        await pilot.pause()
        assert "no duplicate is printed" in message(screen)
        assert await records(app) == before


# --- language -----------------------------------------------------------------------------


async def test_f10_shows_the_list_in_hindi(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await pay(app, cash(1_000_00))
        screen = await open_receipts(pilot)
        await pilot.press("f10")
        await pilot.pause()
        table = screen.query_one("#receipts-list", DataTable)
        labels = [str(column.label) for column in table.ordered_columns]
        assert labels[:2] == ["समय", "रसीद संख्या"]
        assert cells(screen, paid.receipt_no)[5:7] == ["नकद", "मान्य"]
        assert str(screen.query_one(".screen-title").render()) == "रसीदें"
        assert totals(screen) == "1 मान्य रसीदें, कुल ₹1,000.00"
        assert "इस पाली" in str(screen.query_one("#scope").render())


def plain(renderable: Any) -> str:
    """What a Rich renderable shows, as text."""
    console = Console(width=100, color_system=None)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def message_of(modal: CancelReceiptScreen) -> str:
    return str(modal.query_one("#cancel-message").render())
