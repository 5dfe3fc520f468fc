"""Prepaid recharge by keys: the balance (live from the central, or the counter's copy with
its age), a negative balance warned, the amount from a preset key or typed, the money taken
on the payment screen, the receipt on paper, and a recharge made offline reaching the real
central exactly once. Only the printer is a stand-in."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input, Static

from kiosk.app import KioskApp, create_app
from kiosk.domain.money import format_inr
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import text_of
from kiosk.screens.confirm_payment import ConfirmPayment
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.recharge import PresetChooser, RechargeDoneScreen, RechargeScreen
from kiosk.services.lookup import find_account
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import START, CountingEntropy, FixedClock, make_settings
from tests.support.live_central import LiveCentral
from tests.ui.support import build_app, message, prepare_counter, rows, sign_in, until

SIZE = (100, 30)
PREPAID = "2345678901"
BALANCE = 250_00


def prepaid(account: str = PREPAID, balance: int | None = BALANCE) -> ConsumerSnapshot:
    snapshot = make_snapshot(account, bill=False, meter_type="prepaid")
    return snapshot.model_copy(update={"prepaid_balance_paise": balance})


@pytest.fixture
def app(tmp_path: Path, printer: DummyConnection) -> KioskApp:
    consumers = [make_snapshot(), prepaid()]
    return build_app(tmp_path, printer=printer, clock=FixedClock(START), consumers=consumers)


# --- helpers ------------------------------------------------------------------------------


async def open_recharge(
    pilot: Any, account: str = PREPAID, discom: str = "MVVNL", signed_in: bool = False
) -> RechargeScreen:
    app = pilot.app
    if not signed_in:
        await sign_in(pilot)
    lookup = await app.station.call(find_account, discom, account)
    assert lookup is not None
    screen = RechargeScreen(lookup)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.status is not None or bool(message(screen)))
    return screen


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def amount(screen: RechargeScreen) -> str:
    return screen.query_one("#amount", Input).value


async def counts(app: KioskApp) -> dict[str, int]:
    tables = ("payments", "recharges", "outbox", "print_jobs", "audit_log")
    return {t: (await rows(app, f"SELECT COUNT(*) FROM {t}"))[0][0] for t in tables}


async def pay_cash(pilot: Any) -> RechargeDoneScreen:
    """On the payment screen: cash, exact amount, confirm."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
    await pilot.press("c", "enter")
    await until(pilot, lambda: isinstance(app.screen, ConfirmPayment))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RechargeDoneScreen))
    return app.screen  # type: ignore[return-value]


# --- the amount ---------------------------------------------------------------------------


async def test_presets_are_one_key_each_and_enter_takes_the_amount_to_the_payment(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_recharge(pilot)
        assert text(screen, "#rch-balance") == "Meter balance: ₹250.00"
        assert screen.query_one("#rch-warning").region.height == 0  # not negative: no warning
        assert isinstance(app.focused, PresetChooser)
        for key, typed in (("1", "100"), ("2", "500"), ("3", "1000")):
            await pilot.press(key)
            assert amount(screen) == typed
            assert screen.query_one(PresetChooser).chosen == int(typed) * 100
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        payment = app.screen
        assert payment.purpose.amount_paise == 1000_00
        assert payment.purpose.fixed_amount
        assert payment.query_one("#amount", Input).value == "1000"
        assert text(payment, ".screen-title") == "Prepaid recharge: take the money"
        assert text(payment, "#pay-due") == "Prepaid recharge: ₹1,000.00"


async def test_a_typed_amount_after_a_is_taken_and_esc_steps_back(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_recharge(pilot)
        await pilot.press("2", "a")
        assert app.focused is screen.query_one("#amount", Input)
        screen.query_one("#amount", Input).value = ""
        await pilot.press(*"250.50")
        assert screen.query_one(PresetChooser).chosen is None  # the preset no longer applies
        await pilot.press("escape")  # back to the presets, the typed amount kept
        assert isinstance(app.focused, PresetChooser)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        assert app.screen.purpose.amount_paise == 250_50
        await pilot.press("escape")  # off the payment (its mode chooser had the focus)
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_a_bad_amount_is_refused_naming_the_field_and_nothing_is_written(app):
    refusals = [
        ("0", "amount: must be more than ₹0.00"),
        ("5OO", "amount: is not an amount in rupees, got '5OO'"),  # letter O for zero
        ("", "amount: is empty"),
        ("50000.01", "amount: a recharge must be at most ₹50,000.00"),
    ]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_recharge(pilot)
        before = await counts(app)
        await pilot.press("a")
        for typed, said in refusals:
            screen.query_one("#amount", Input).value = ""
            await pilot.press(*typed, "enter")
            await pilot.pause()
            assert app.screen is screen, typed
            assert message(screen).startswith(said), message(screen)
            assert app.focused is screen.query_one("#amount", Input)
        assert await counts(app) == before


async def test_a_postpaid_consumer_is_refused_in_a_plain_sentence(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_recharge(pilot, ACCOUNT)
        before = await counts(app)
        assert "postpaid connection" in text(screen, "#rch-refused")
        assert screen.query_one("#rch-refused").display
        assert not screen.query_one("#rch-form").display
        await pilot.press("2", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert await counts(app) == before


# --- the balance --------------------------------------------------------------------------


async def test_a_negative_balance_is_a_warning_that_the_supply_may_be_cut(tmp_path, printer):
    app = build_app(tmp_path, printer=printer, consumers=[prepaid(balance=-75_00)])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_recharge(pilot)
        warning = screen.query_one("#rch-warning", Static)
        assert "-shown" in warning.classes and warning.region.height > 0
        assert "-₹75.00" in text(screen, "#rch-warning")
        assert "cut off the supply" in text(screen, "#rch-warning")
        await pilot.press("f10")
        await pilot.pause()
        assert text(screen, "#rch-balance") == "मीटर में शेष राशि: -₹75.00"
        assert "मीटर कभी भी बिजली काट सकता है" in text(screen, "#rch-warning")
        assert "3 घंटे पुरानी" in text(screen, "#rch-source")
        assert "राम कुमार" in text(screen, "#rch-consumer")


async def test_offline_the_cached_balance_and_its_age_then_live_from_the_central(
    tmp_path, printer, live_central: LiveCentral
):
    central_copy = next(
        s
        for s in live_central.demo_snapshots()
        if s.consumer.meter_type == "prepaid" and s.consumer.discom in ("MVVNL", "DVVNL")
    )
    discom, account = central_copy.key
    assert central_copy.prepaid_balance_paise != 1_00
    stale = central_copy.model_copy(update={"prepaid_balance_paise": 1_00})
    app = build_app(
        tmp_path / "counter",
        printer=printer,
        consumers=[stale],
        counter={"id": live_central.counter_id, "name": "Test", "discoms": ["MVVNL", "DVVNL"]},
        central={"url": live_central.url, "token": live_central.token},
    )
    live_central.stop()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_recharge(pilot, account, discom)
        assert screen.status is not None and not screen.status.live
        assert text(screen, "#rch-balance") == "Meter balance: ₹1.00"
        assert text(screen, "#rch-source") == (
            "Offline: this counter's copy of 10.01.2026 08:30 (3 hours old)."
            " The balance may have changed since."
        )
        await pilot.press("escape")
        await asyncio.to_thread(live_central.start)
        screen = await open_recharge(pilot, account, discom, signed_in=True)
        assert screen.status is not None and screen.status.live
        figure = central_copy.prepaid_balance_paise or 0
        assert text(screen, "#rch-balance") == f"Meter balance: {format_inr(figure)}"
        assert text(screen, "#rch-source") == "Live from the central."


# --- the money and the paper --------------------------------------------------------------


async def test_cash_recharge_saves_prints_the_receipt_and_is_the_last_recharge_next_time(
    app, printer
):
    async with app.run_test(size=SIZE) as pilot:
        await open_recharge(pilot)
        await pilot.press("2", "enter")
        done = await pay_cash(pilot)
        receipt = done.result.receipt_no
        assert text(done, "#done-receipt") == receipt
        assert text(done, ".screen-title") == "Recharge saved"
        assert "credited when the central confirms" in text(done, "#done-note")
        assert await rows(app, "SELECT receipt_no, amount_paise FROM recharges") == [
            (receipt, 500_00)
        ]
        kinds = await rows(app, "SELECT type FROM outbox ORDER BY seq")
        assert kinds == [("payment.recorded",), ("recharge.recorded",)]
        await until(pilot, lambda: any(receipt in text_of(job) for job in printer.jobs))
        paper = " ".join(text_of(next(j for j in printer.jobs if receipt in text_of(j))).split())
        assert "PREPAID RECHARGE" in paper
        assert "PROVISIONAL (offline)" in paper
        assert f"MVVNL {PREPAID}" in paper
        assert "Rs. 500.00" in paper
        assert "Five hundred rupees only" in paper
        await pilot.press("enter")  # next consumer
        await pilot.pause()
        screen = await open_recharge(pilot, signed_in=True)
        assert text(screen, "#rch-last") == (
            f"Last recharge at this counter: ₹500.00 on 10.01.2026 11:30 (receipt {receipt}),"
            " not yet sent to the central."
        )


# --- offline, then the real central ----------------------------------------------------------


def central_rows(central: LiveCentral, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(central.db_path) as conn:
        return conn.execute(sql, params).fetchall()


async def test_a_recharge_made_offline_reaches_the_central_exactly_once_after_reconnect(
    tmp_path, printer, live_central: LiveCentral
):
    central_copy = next(
        s
        for s in live_central.demo_snapshots()
        if s.consumer.meter_type == "prepaid" and s.consumer.discom in ("MVVNL", "DVVNL")
    )
    discom, account = central_copy.key
    before = central_copy.prepaid_balance_paise or 0
    settings = make_settings(
        tmp_path / "counter",
        counter={"id": live_central.counter_id, "name": "Test", "discoms": ["MVVNL", "DVVNL"]},
        central={"url": live_central.url, "token": live_central.token, "read_timeout_s": 5.0},
    )
    clock = FixedClock(START)
    prepare_counter(settings, consumers=[central_copy], clock=clock)
    live_central.stop()  # the network is down from the start
    app = create_app(
        settings,
        clock=clock,
        printer=printer,
        sync=True,
        strict_i18n=True,
        refresh_status=False,
        entropy=CountingEntropy(),
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_recharge(pilot, account, discom)
        assert not screen.status.live
        await pilot.press("2", "enter")
        done = await pay_cash(pilot)
        receipt = done.result.receipt_no
        pending = await rows(app, "SELECT status FROM outbox ORDER BY seq")
        assert pending == [("pending",), ("pending",)]

        await asyncio.to_thread(live_central.start)
        engine = app.station.engine
        await asyncio.to_thread(engine.sync_once, force=True)
        await asyncio.to_thread(engine.sync_once, force=True)  # a second push sends nothing

        synced = await rows(app, "SELECT status FROM outbox ORDER BY seq")
        assert synced == [("synced",), ("synced",)]
        sql = "SELECT COUNT(*) FROM {} WHERE receipt_no = ?"
        assert central_rows(live_central, sql.format("recharges"), receipt) == [(1,)]
        assert central_rows(live_central, sql.format("payments"), receipt) == [(1,)]
        reply = await asyncio.to_thread(
            httpx.get,
            f"{live_central.url}/v1/consumers/{discom}/{account}",
            headers=live_central.headers,
        )
        assert reply.json()["prepaid_balance_paise"] == before + 500_00
        # Back on the recharge screen, the central's new balance, and the recharge as sent.
        await pilot.press("enter")
        await pilot.pause()
        screen = await open_recharge(pilot, account, discom, signed_in=True)
        assert screen.status.live
        assert text(screen, "#rch-balance") == f"Meter balance: {format_inr(before + 500_00)}"
        assert text(screen, "#rch-last").endswith(f"(receipt {receipt}).")
