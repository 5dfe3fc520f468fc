"""The shift screen on the real database: the X report shown and printed, the Z close with
the counted cash (equal, short, over) shown, recorded and printed, bad counts refused,
a new shift after Z, reconcile offline and against a live central, and the CSV export."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest

from kiosk.app import KioskApp
from kiosk.printer.connections import DummyConnection
from kiosk.printer.documents import load
from kiosk.printer.escpos_decode import text_of
from kiosk.screens.shift import ConfirmClose, ShiftScreen
from kiosk.services.payments import PaymentRequest, PaymentResult, record_payment
from tests.services.factories import make_snapshot
from tests.services.support import START, FixedClock, cash, upi
from tests.support.live_central import LiveCentral
from tests.ui.support import (
    SUPERVISOR,
    SUPERVISOR_PIN,
    build_app,
    message,
    rows,
    sign_in,
    until,
)

SIZE = (100, 30)
OTHER = "2345678901"


@pytest.fixture
def app(tmp_path: Path, printer: DummyConnection) -> KioskApp:
    consumers = [make_snapshot(), make_snapshot(OTHER, name="Sita Devi", name_hi="सीता देवी")]
    return build_app(tmp_path, printer=printer, clock=FixedClock(START), consumers=consumers)


# --- helpers ------------------------------------------------------------------------------


async def pay(app: KioskApp, request: PaymentRequest) -> PaymentResult:
    return await app.station.call(record_payment, request, confirm_second=True)


async def open_shift(pilot: Any) -> ShiftScreen:
    app: KioskApp = pilot.app
    if app.operator is None:
        await sign_in(pilot)
    await app.push_screen(ShiftScreen())
    await until(pilot, lambda: isinstance(app.screen, ShiftScreen) and app.screen.loaded)
    await pilot.pause()
    return app.screen  # type: ignore[return-value]


async def written(app: KioskApp) -> dict[str, list[tuple[Any, ...]]]:
    """What a Z writes: a refused one must leave all of it as it was."""
    tables = ("shifts", "audit_log", "print_jobs", "outbox")
    return {t: await rows(app, f"SELECT * FROM {t} ORDER BY 1") for t in tables}


def lines_with(text: str, start: str) -> list[list[str]]:
    """The words of the report's lines that start with ``start``."""
    return [line.split() for line in text.splitlines() if line.strip().startswith(start)]


async def count_and_confirm(pilot: Any, counted: str) -> ConfirmClose:
    await pilot.press("z", *counted, "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmClose))
    return pilot.app.screen  # type: ignore[no-any-return]


async def slip(pilot: Any, printer: DummyConnection, title: str) -> str:
    """The text of the printed slip with ``title``, its wrapped lines joined by spaces."""
    await until(pilot, lambda: any(title in text_of(job) for job in printer.jobs))
    return " ".join(next(text_of(j) for j in printer.jobs if title in text_of(j)).split())


# --- X report -----------------------------------------------------------------------------


async def test_the_x_report_shows_running_totals_and_p_prints_it(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await pay(app, cash(500_00))
        await pay(app, upi(1_234_50, account_no=OTHER))
        last = await pay(app, cash(250_00, account_no=OTHER))
        screen = await open_shift(pilot)
        text = screen.report_text
        assert "Shift 1, open since 10-01-2026 11:30 IST" in text
        assert lines_with(text, "Cash") == [
            ["Cash", "2", "₹750.00"],
            ["Cash", "expected", "in", "the", "drawer", "₹750.00"],
        ]
        assert lines_with(text, "UPI") == [["UPI", "1", "₹1,234.50"]]
        assert lines_with(text, "Total taken") == [["Total", "taken", "3", "₹1,984.50"]]
        assert first.receipt_no in text and last.receipt_no in text
        jobs_before = len(printer.jobs)
        await until(pilot, lambda: len(printer.jobs) == 3)  # the receipts came out first
        await pilot.press("p")
        assert "X report sent to the printer" in message(screen)
        x_slip = await slip(pilot, printer, "X REPORT")
        assert "Seven hundred and fifty rupees only" in x_slip  # the expected cash, in words
        assert len(printer.jobs) > jobs_before
        (shift,) = await rows(app, "SELECT status FROM shifts")
        assert shift == ("open",)  # the X report changes nothing
        await pilot.press("f10")  # the words follow the language switch
        await pilot.pause()
        assert lines_with(screen.report_text, "नकद") == [["नकद", "2", "₹750.00"]]


async def test_with_no_shift_open_the_screen_says_so_and_p_prints_nothing(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_shift(pilot)
        assert "No shift is open" in screen.report_text
        before = await written(app)
        await pilot.press("p")
        await pilot.pause()
        assert "Nothing to print" in message(screen)
        assert await written(app) == before


# --- Z close ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counted", "variance", "words", "in_words"),
    [
        ("750", 0, "none: the cash matches", "Seven hundred and fifty rupees only"),
        ("740.50", -9_50, "₹9.50 SHORT", "Seven hundred and forty rupees and fifty paise only"),
        ("1,000", 250_00, "₹250.00 OVER", "One thousand rupees only"),
    ],
    ids=["equal", "short", "over"],
)
async def test_z_with_the_counted_cash_shows_records_and_prints_the_variance(
    app: KioskApp,
    printer: DummyConnection,
    counted: str,
    variance: int,
    words: str,
    in_words: str,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pay(app, cash(500_00))
        await pay(app, upi(1_234_50, account_no=OTHER))
        await pay(app, cash(250_00, account_no=OTHER))
        screen = await open_shift(pilot)
        dialog = await count_and_confirm(pilot, counted)
        assert "Close shift 1 with a Z report?" in dialog.text
        assert "₹750.00" in dialog.text and words in dialog.text
        await pilot.press("enter")
        await until(pilot, lambda: screen.state == "z")
        assert app.screen is screen
        text = screen.report_text
        assert "Shift 1 closed at 10-01-2026 11:30 IST" in text
        assert words in text and "₹750.00" in text
        assert f"Variance: {words}" in message(screen)
        (shift,) = await rows(
            app,
            "SELECT status, expected_cash_paise, counted_cash_paise, variance_paise FROM shifts",
        )
        counted_paise = 750_00 + variance
        assert shift == ("closed", 750_00, counted_paise, variance)
        (audit_detail,) = await rows(
            app, "SELECT detail FROM audit_log WHERE action = 'shift.z_report'"
        )
        assert f'"variance_paise": {variance}' in audit_detail[0]
        z_slip = await slip(pilot, printer, "Z REPORT")
        assert in_words in z_slip  # the counted cash, in words, on paper
        (body,) = await rows(app, "SELECT body FROM print_jobs WHERE ref = 'shift-1-Z'")
        assert load(body[0]).variance_paise == variance
        await until(pilot, lambda: screen.print_state == "printed")
        assert "Z report: printed." in screen.report_text


async def test_bad_counted_cash_names_the_field_and_writes_nothing(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pay(app, cash(500_00))
        screen = await open_shift(pilot)
        before = await written(app)
        await pilot.press("z")
        counted = screen.query_one("#counted")
        for typed, rule in [
            ("abc", "is not an amount in rupees"),
            ("-50", "must not be negative"),
            ("", "is empty"),
            ("12.345", "more than 2 decimal places"),
        ]:
            counted.value = ""  # type: ignore[attr-defined]
            await pilot.press(*typed, "enter")
            await pilot.pause()
            assert app.screen is screen and screen.state == "count", typed
            assert message(screen).startswith("Cash counted:"), typed
            assert rule in message(screen), typed
        assert await written(app) == before


async def test_esc_in_the_confirm_goes_back_to_the_count_and_esc_again_to_the_x_report(
    app: KioskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pay(app, cash(500_00))
        screen = await open_shift(pilot)
        before = await written(app)
        await count_and_confirm(pilot, "500")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.state == "count"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.state == "x"
        assert await written(app) == before


async def test_after_z_a_second_z_is_refused_and_the_next_payment_opens_a_new_shift(
    app: KioskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        old = await pay(app, cash(500_00))
        screen = await open_shift(pilot)
        await count_and_confirm(pilot, "500")
        await pilot.press("enter")
        await until(pilot, lambda: screen.state == "z")
        before = await written(app)
        await pilot.press("z")
        await pilot.pause()
        assert message(screen) == (
            "This shift is already closed: its Z report was made at 10-01-2026 11:30 IST."
            " The next payment opens a new shift."
        )
        assert not isinstance(app.screen, ConfirmClose)
        assert await written(app) == before
        await pilot.press("escape")
        new = await pay(app, upi(300_00, account_no=OTHER))
        screen = await open_shift(pilot)
        text = screen.report_text
        assert "Shift 2, open since" in text
        assert new.receipt_no in text and old.receipt_no not in text
        assert "₹300.00" in text and "₹500.00" not in text
        assert await rows(app, "SELECT receipt_no, shift_id FROM payments ORDER BY id") == [
            (old.receipt_no, 1),
            (new.receipt_no, 2),
        ]


async def test_closing_with_nothing_taken_gives_a_zero_report(
    app: KioskApp, printer: DummyConnection
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_shift(pilot)
        dialog = await count_and_confirm(pilot, "0")
        assert "zero Z report" in dialog.text
        await pilot.press("enter")
        await until(pilot, lambda: screen.state == "z")
        assert "none: the cash matches" in screen.report_text
        z_slip = await slip(pilot, printer, "Z REPORT")
        assert "Zero rupees only" in z_slip or "Z REPORT" in z_slip
        assert await rows(app, "SELECT status, counted_cash_paise, variance_paise FROM shifts") == [
            ("closed", 0, 0)
        ]


# --- reconcile and export -------------------------------------------------------------------


async def test_reconcile_without_a_central_says_it_cannot_now(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pay(app, cash(500_00))
        screen = await open_shift(pilot)
        await pilot.press("r")
        await until(pilot, lambda: bool(screen.reconcile_words))
        assert "Cannot reconcile: no central is set" in screen.reconcile_words
        assert "Cannot reconcile" in message(screen)


async def test_reconcile_online_shows_the_payment_not_yet_at_the_central(
    tmp_path: Path, live_central: LiveCentral
) -> None:
    app = build_app(
        tmp_path,
        counter={"id": live_central.counter_id, "name": "Test counter", "discoms": ["MVVNL"]},
        central={"url": live_central.url, "token": live_central.token, "read_timeout_s": 5.0},
    )
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await until(pilot, lambda: app.station.engine is not None)
        synced = await pay(app, cash(500_00))
        report = await asyncio.to_thread(app.station.engine.sync_once, force=True)
        assert report.accepted == 1
        waiting = await pay(app, upi(300_00, account_no=OTHER))
        screen = await open_shift(pilot)
        await pilot.press("r")
        await until(pilot, lambda: bool(screen.reconcile_words), timeout_s=10)
        words = screen.reconcile_words
        assert "10-01-2026: this counter against the central" in words
        assert waiting.receipt_no in words and "not at the central yet" in words
        assert synced.receipt_no not in words
        assert "UPI" in words and "DIFFERS" in words
        assert "The central's figures differ" in message(screen)


async def test_export_writes_the_days_file_and_says_where(app: KioskApp, tmp_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await pay(app, cash(500_00))
        await sign_in(pilot, SUPERVISOR, SUPERVISOR_PIN)  # exporting the day is a supervisor's
        screen = await open_shift(pilot)
        await pilot.press("e")
        await until(pilot, lambda: "exported to" in message(screen))
        path = tmp_path / "exports" / "day-2026-01-10.csv"
        assert message(screen) == f"1 payments of 10-01-2026 exported to {path}"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            (row,) = list(csv.DictReader(handle))
        assert (row["receipt_no"], row["amount_rupees"]) == (first.receipt_no, "500.00")
