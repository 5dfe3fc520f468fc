"""Taking a payment at the counter, by keys alone, on the real database and print spool.

Each test signs in, opens the payment screen for the cached consumer (Rs 31,500 due) and
drives it with Pilot; what it checks is what the counter keeps (payment rows, outbox
events, print jobs) and what the dummy printer received (decoded ESC/POS).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from textual.widgets import Input, Static

from kiosk.app import DemoInfo, KioskApp
from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import amount_in_words_hi, format_inr
from kiosk.domain.upi import parse_upi_link
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import rasters, text_of
from kiosk.screens.confirm_payment import ConfirmPayment, ConfirmSecondPayment
from kiosk.screens.payment import ModeChooser, PaymentPurpose, PaymentScreen
from kiosk.screens.receipt_done import ReceiptDoneScreen
from kiosk.services.counter import Counter
from kiosk.services.lookup import Lookup, find_account
from kiosk.services.recharge import recharge
from kiosk.widgets.upi_qr import UpiQr
from tests.services.factories import ACCOUNT, DUE, make_snapshot
from tests.services.support import START, FixedClock
from tests.support.live_central import LiveCentral
from tests.ui.support import build_app, message, rows, sign_in, until
from tests.ui.test_upi_qr import decoded

SIZE = (100, 30)
UPI = {"payee_vpa": "mvvnl.lko@sbi", "payee_name": "MVVNL Lucknow"}
UTR = "509876543210"
PREPAID = "2345678901"


@pytest.fixture
def app(tmp_path: Path, printer: DummyConnection) -> KioskApp:
    consumers = [make_snapshot(), make_snapshot(PREPAID, bill=False, meter_type="prepaid")]
    return build_app(
        tmp_path, printer=printer, clock=FixedClock(START), consumers=consumers, upi=UPI
    )


# --- helpers ------------------------------------------------------------------------------


async def open_payment(pilot: Any, account: str = ACCOUNT) -> PaymentScreen:
    """Sign in, find the consumer through the lookup service, open the payment screen."""
    app = pilot.app
    await sign_in(pilot)
    lookup: Lookup | None = await app.station.call(find_account, "MVVNL", account)
    assert lookup is not None
    screen = PaymentScreen(lookup)
    await app.push_screen(screen)
    await pilot.pause()
    assert app.screen is screen
    return screen


def value(screen: Any, widget_id: str) -> str:
    return screen.query_one(f"#{widget_id}", Input).value


async def counts(app: KioskApp) -> dict[str, int]:
    """Rows in what a payment writes: a refusal must leave all of them as they were."""
    tables = ("payments", "outbox", "print_jobs", "audit_log")
    return {t: (await rows(app, f"SELECT COUNT(*) FROM {t}"))[0][0] for t in tables}


async def payment_row(app: KioskApp, receipt_no: str) -> dict[str, Any]:
    found = await rows(
        app,
        "SELECT p.amount_paise, p.mode, p.reference, p.tendered_paise, p.change_paise,"
        " o.type, o.status FROM payments p JOIN outbox o ON o.event_id = p.event_id"
        " WHERE p.receipt_no = ?",
        receipt_no,
    )
    assert len(found) == 1
    keys = ("amount", "mode", "reference", "tendered", "change", "event_type", "event_status")
    return dict(zip(keys, found[0], strict=True))


async def printed_receipt(pilot: Any, printer: DummyConnection, receipt_no: str) -> str:
    await until(pilot, lambda: any(receipt_no in text_of(job) for job in printer.jobs))
    return next(text_of(job) for job in printer.jobs if receipt_no in text_of(job))


async def confirm_and_commit(pilot: Any) -> ReceiptDoneScreen:
    """Enter on the confirm dialog saves; the done screen follows."""
    assert isinstance(pilot.app.screen, ConfirmPayment)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReceiptDoneScreen))
    return pilot.app.screen


async def retype_amount(pilot: Any, amount: str) -> None:
    """A on the chooser, the amount typed over the prefilled one, Enter back to the modes."""
    await pilot.press("a", "ctrl+u", *amount, "enter")


# --- opening ------------------------------------------------------------------------------


async def test_opens_with_the_amount_due_and_the_mode_chooser_focused(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        assert value(screen, "amount") == "31500"
        assert isinstance(screen.focused, ModeChooser)
        assert format_inr(DUE) in str(screen.query_one("#pay-due", Static).render())
        assert "Ram Kumar" in str(screen.query_one("#pay-consumer", Static).render())


async def test_prepaid_opens_with_an_empty_focused_amount(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot, PREPAID)
        assert value(screen, "amount") == ""
        assert screen.focused is screen.query_one("#amount")
        await pilot.press("5", "0", "0", "enter")
        assert isinstance(screen.focused, ModeChooser)


async def test_the_full_fast_path_from_the_lookup_takes_five_keys_after_the_account(app, printer):
    """Account number, Enter (card), Enter (payment), C, Enter (exact), Enter (commit)."""
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press(*ACCOUNT, "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "ConsumerScreen")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        await pilot.press("c", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmPayment))
        done = await confirm_and_commit(pilot)
        row = await payment_row(app, done.result.receipt_no)
        assert (row["amount"], row["mode"], row["change"]) == (DUE, "cash", 0)


# --- by mode ------------------------------------------------------------------------------


async def test_cash_exact_amount_by_c_enter_enter_saves_prints_and_queues_the_event(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        await open_payment(pilot)
        await pilot.press("c", "enter")
        done = await confirm_and_commit(pilot)
        receipt_no = done.result.receipt_no
        assert receipt_no in str(done.query_one("#done-receipt", Static).render())
        row = await payment_row(app, receipt_no)
        assert row == {
            "amount": DUE,
            "mode": "cash",
            "reference": None,
            "tendered": DUE,
            "change": 0,
            "event_type": "payment.recorded",
            "event_status": "pending",
        }
        receipt = await printed_receipt(pilot, printer, receipt_no)
        assert "Rs. 31,500.00" in receipt
        await until(pilot, lambda: "printed" in done.print_text.lower())


async def test_cash_tendered_shows_the_change_before_and_after_saving(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("c", *"32000")
        change = str(screen.query_one("#change", Static).render())
        assert change == f"Change to give back: {format_inr(500_00)}"
        await pilot.press("enter")
        modal = app.screen
        assert isinstance(modal, ConfirmPayment)
        assert f"Change to give back: {format_inr(500_00)}" in modal.text
        done = await confirm_and_commit(pilot)
        assert str(done.query_one("#change", Static).render()) == "Give back: ₹500.00"
        row = await payment_row(app, done.result.receipt_no)
        assert (row["tendered"], row["change"]) == (32_000_00, 500_00)


async def test_cash_tendered_below_the_amount_is_refused_naming_the_field(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        before = await counts(app)
        await pilot.press("c", *"30000", "enter")
        assert isinstance(app.screen, PaymentScreen)
        assert message(screen).startswith("tendered: cash tendered must be at least")
        assert screen.focused is screen.query_one("#tendered")
        assert await counts(app) == before


async def test_upi_shows_a_scannable_qr_prints_it_and_saves_with_the_typed_utr(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("u")
        await until(pilot, lambda: screen.upi is not None and bool(printer.jobs))
        qr = screen.query_one("#qr", UpiQr)
        drawn = ["".join(seg.text for seg in qr.render_line(y)) for y in range(qr.size.height)]
        assert decoded(drawn) == [screen.upi.link]  # the code on screen scans
        assert qr.region.x == 0  # first on its rows: no text to its left can shift it
        shown = parse_upi_link(qr.link)
        assert (shown.amount_paise, shown.payee_vpa) == (DUE, UPI["payee_vpa"])
        # The printed slip's QR asks for the same payment (payee, amount, reference).
        slip_codes = [
            c.text for img in rasters(printer.jobs[0]) for c in zxingcpp.read_barcodes(img)
        ]
        printed = parse_upi_link(slip_codes[0])
        assert (printed.reference, printed.amount_paise) == (shown.reference, DUE)
        assert screen.focused is screen.query_one("#utr")
        await pilot.press(*UTR, "enter")
        modal = app.screen
        assert isinstance(modal, ConfirmPayment)
        assert f"UTR {UTR}" in modal.text
        done = await confirm_and_commit(pilot)
        row = await payment_row(app, done.result.receipt_no)
        assert (row["mode"], row["reference"], row["amount"]) == ("upi", UTR, DUE)
        assert UTR in await printed_receipt(pilot, printer, done.result.receipt_no)


async def test_upi_with_the_printer_off_still_shows_the_qr_and_says_the_slip_did_not_print(
    app, printer
):
    async with app.run_test(size=SIZE) as pilot:
        printer.simulate("offline")
        screen = await open_payment(pilot)
        await pilot.press("u")
        slip = screen.query_one("#slip-state", Static)
        await until(pilot, lambda: "not printed" in str(slip.render()))
        assert str(slip.render()).startswith("UPI slip not printed (dummy printer is offline)")
        assert "-warning" in slip.classes
        assert screen.query_one("#qr", UpiQr).link == screen.upi.link
        await pilot.press(*UTR, "enter")
        done = await confirm_and_commit(pilot)
        assert (await payment_row(app, done.result.receipt_no))["reference"] == UTR


async def test_changing_the_amount_in_upi_mode_draws_a_new_qr_for_the_new_amount(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("u")
        await until(pilot, lambda: screen.upi is not None)
        first = screen.upi
        await pilot.press("escape", "a", "ctrl+u", *"1000", "enter")
        await until(pilot, lambda: screen.upi is not first)
        assert screen.upi.amount_paise == 1000_00
        assert screen.upi.reference != first.reference
        assert parse_upi_link(screen.query_one("#qr", UpiQr).link).amount_paise == 1000_00
        assert message(screen).startswith("The amount changed: a new QR code for ₹1,000.00")
        assert screen.focused is screen.query_one("#utr")


async def test_ctrl_p_prints_the_upi_slip_again(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("u")
        await until(pilot, lambda: len(printer.jobs) == 1)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: len(printer.jobs) == 2)
        assert printer.jobs[1] == printer.jobs[0]
        assert screen.upi is not None


async def test_without_a_upi_payee_there_is_no_qr_but_a_typed_utr_is_taken(tmp_path, printer):
    app = build_app(tmp_path, printer=printer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("u")
        await until(pilot, lambda: "No UPI QR code" in str(screen.query_one("#upi-state").render()))
        assert "upi.payee_vpa" in str(screen.query_one("#upi-state").render())
        assert not screen.query_one("#pay-qr").display
        assert printer.jobs == []
        assert screen.focused is screen.query_one("#utr")
        await pilot.press(*UTR, "enter")
        done = await confirm_and_commit(pilot)
        assert (await payment_row(app, done.result.receipt_no))["reference"] == UTR


async def test_a_utr_that_is_not_12_digits_is_refused_and_nothing_is_written(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("u")
        await until(pilot, lambda: screen.upi is not None)
        before = await counts(app)
        await pilot.press(*UTR[:-1], "enter")
        assert isinstance(app.screen, PaymentScreen)
        assert message(screen).startswith("UPI reference:")
        assert screen.focused is screen.query_one("#utr")
        assert await counts(app) == before


async def test_cheque_with_number_bank_and_date_is_saved(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("q", *"123456", "enter")
        assert screen.focused is screen.query_one("#bank")
        await pilot.press(*"State Bank", "enter", *"05-01-2026", "enter")
        modal = app.screen
        assert isinstance(modal, ConfirmPayment)
        assert "cheque 123456" in modal.text
        done = await confirm_and_commit(pilot)
        row = await payment_row(app, done.result.receipt_no)
        assert (row["mode"], row["reference"]) == ("cheque", "123456")
        details = await rows(
            app, "SELECT details FROM payments WHERE receipt_no = ?", done.result.receipt_no
        )
        assert '"cheque_date":"2026-01-05"' in details[0][0]
        assert "State Bank" in details[0][0]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("31-02-2026", "cheque date: write it as DD-MM-YYYY"),
        ("2026-02-10", "cheque date: post-dated cheques are not accepted"),
    ],
)
async def test_a_bad_or_post_dated_cheque_date_is_refused(app, typed, said):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        before = await counts(app)
        await pilot.press("3", *"123456", "enter", *"SBI", "enter", *typed, "enter")
        assert isinstance(app.screen, PaymentScreen)
        assert message(screen).startswith(said)
        assert screen.focused is screen.query_one("#cheque-date")
        assert await counts(app) == before


async def test_card_with_the_pos_reference_is_saved(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_payment(pilot)
        await pilot.press("k", *"POS-778812", "enter")
        done = await confirm_and_commit(pilot)
        row = await payment_row(app, done.result.receipt_no)
        assert (row["mode"], row["reference"]) == ("card", "POS-778812")


# --- refusals -----------------------------------------------------------------------------


async def test_cash_of_two_lakh_is_refused_with_the_reason_and_nothing_is_written(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        before = await counts(app)
        await retype_amount(pilot, "200000")
        assert value(screen, "amount") == "200000"
        await pilot.press("c", "enter")
        assert isinstance(app.screen, PaymentScreen)
        said = message(screen)
        assert said.startswith("amount: cash of ₹2,00,000.00 or more")
        assert "269ST" in said and "UPI, cheque or card" in said
        assert screen.focused is screen.query_one("#amount")
        assert await counts(app) == before


async def test_a_part_payment_below_the_minimum_is_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        before = await counts(app)
        await retype_amount(pilot, "50")
        await pilot.press("c", "enter")
        assert isinstance(app.screen, PaymentScreen)
        assert message(screen) == "amount: a part payment must be at least ₹100.00, got ₹50.00"
        assert await counts(app) == before


async def test_a_part_payment_above_the_minimum_is_taken(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_payment(pilot)
        await retype_amount(pilot, "1000")
        await pilot.press("c", "enter")
        done = await confirm_and_commit(pilot)
        assert (await payment_row(app, done.result.receipt_no))["amount"] == 1000_00


async def test_second_payment_today_needs_an_explicit_y_and_enter_does_not_confirm(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_payment(pilot)
        await pilot.press("c", "enter")
        first = (await confirm_and_commit(pilot)).result.receipt_no
        await pilot.press("enter")  # next consumer
        await pilot.pause()
        again = await open_payment_again(pilot)
        assert value(again, "amount") == ""  # nothing is due any more
        await pilot.press(*"500", "enter", "c", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmSecondPayment))
        warning = app.screen
        assert first in warning.text
        await pilot.press("enter", "enter")
        assert app.screen is warning  # Enter alone never takes the money twice
        assert "Press Y" in warning.text
        assert (await counts(app))["payments"] == 1
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ReceiptDoneScreen))
        assert (await counts(app))["payments"] == 2


async def test_second_payment_answered_no_writes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_payment(pilot)
        await pilot.press("c", "enter")
        await confirm_and_commit(pilot)
        await pilot.press("enter")
        await open_payment_again(pilot)
        before = await counts(app)
        await pilot.press(*"500", "enter", "c", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmSecondPayment))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        assert await counts(app) == before


async def open_payment_again(pilot: Any) -> PaymentScreen:
    lookup = await pilot.app.station.call(find_account, "MVVNL", ACCOUNT)
    screen = PaymentScreen(lookup)
    await pilot.app.push_screen(screen)
    await pilot.pause()
    return screen


# --- keys ---------------------------------------------------------------------------------


async def test_esc_on_the_confirm_dialog_goes_back_to_edit_and_writes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        before = await counts(app)
        await pilot.press("c", "enter", "escape")
        assert app.screen is screen
        assert await counts(app) == before


async def test_esc_steps_back_from_the_fields_to_the_modes_then_off_the_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await pilot.press("c")
        assert screen.focused is screen.query_one("#tendered")
        await pilot.press("escape")
        assert isinstance(screen.focused, ModeChooser)
        await pilot.press("escape")
        assert screen not in app.screen_stack


async def test_enter_on_the_done_screen_goes_to_the_next_consumer(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_payment(pilot)
        await pilot.press("c", "enter")
        await confirm_and_commit(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "LookupScreen"
        assert len(app.screen_stack) == 2


# --- printer ------------------------------------------------------------------------------


async def test_printer_off_saves_the_payment_warns_and_prints_when_back(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        printer.simulate("offline")
        await open_payment(pilot)
        await pilot.press("c", "enter")
        done = await confirm_and_commit(pilot)
        receipt_no = done.result.receipt_no
        await payment_row(app, receipt_no)  # saved
        await until(pilot, lambda: "printer off" in done.print_text)
        assert done.print_text == (
            "Receipt queued, printer off: it will print when the printer is back."
        )
        assert "-warning" in done.query_one("#done-print").classes
        assert printer.jobs == []
        printer.simulate("ready")
        app.station.wake_printer()
        assert receipt_no in await printed_receipt(pilot, printer, receipt_no)
        await until(pilot, lambda: done.print_text == "Receipt printed.")


# --- UPI confirmed by the central ---------------------------------------------------------


async def test_the_central_confirms_a_upi_payment_and_the_utr_fills_itself(tmp_path, printer):
    with LiveCentral(tmp_path / "central.db", counter_id="CSC-0001") as central:
        app = build_app(
            tmp_path / "counter",
            printer=printer,
            clock=FixedClock(START),
            upi=UPI,
            central={"url": central.url, "token": central.token},
        )
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_payment(pilot)
            await pilot.press("u")
            await until(pilot, lambda: screen.upi is not None)
            assert screen.upi.registered
            assert value(screen, "utr") == ""
            reference = screen.upi.reference
            # The customer's bank tells the central (the demo's stand-in for the PSP).
            response = await asyncio.to_thread(
                httpx.post,
                f"{central.url}/v1/upi/intents/{reference}/paid",
                json={"utr": UTR},
                headers=central.headers,
            )
            assert response.status_code == 200
            await until(pilot, lambda: value(screen, "utr") == UTR)
            assert UTR in message(screen)
            await pilot.press("enter")
            done = await confirm_and_commit(pilot)
            row = await payment_row(app, done.result.receipt_no)
            assert (row["mode"], row["reference"]) == ("upi", UTR)


async def test_demo_f8_plays_the_customers_phone_and_the_utr_comes_back_from_the_central(
    tmp_path, printer
):
    with LiveCentral(tmp_path / "central.db", counter_id="CSC-0001") as central:

        def customer_pays(reference: str) -> str:
            reply = httpx.post(
                f"{central.url}/v1/upi/intents/{reference}/paid",
                json={"utr": UTR},
                headers=central.headers,
            )
            reply.raise_for_status()
            return UTR

        demo = DemoInfo("OP1", "2580", "SUP1", "1470", customer_pays_upi=customer_pays)
        app = build_app(
            tmp_path / "counter",
            printer=printer,
            upi=UPI,
            demo=demo,
            central={"url": central.url, "token": central.token},
        )
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_payment(pilot)
            await pilot.press("u")
            await until(pilot, lambda: screen.upi is not None)
            assert "F8" in str(screen.query_one("#upi-state", Static).render())
            assert ("F8", "payment.keys.demo_pay") in screen.key_list()
            await pilot.press("f8")
            await until(pilot, lambda: value(screen, "utr") == UTR)
            await pilot.press("enter")
            done = await confirm_and_commit(pilot)
            assert (await payment_row(app, done.result.receipt_no))["reference"] == UTR


# --- Hindi --------------------------------------------------------------------------------


async def test_the_confirm_dialog_says_the_amount_in_hindi_words_after_f10(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_payment(pilot)
        await pilot.press("c", "enter")
        modal = app.screen
        assert isinstance(modal, ConfirmPayment)
        assert "Thirty-one thousand, five hundred rupees only" in modal.text
        await pilot.press("f10")
        await pilot.pause()
        assert amount_in_words_hi(DUE) in modal.text
        assert "राम कुमार" in modal.text
        assert "माध्यम: नकद" in modal.text


# --- other purposes (a fee, a recharge) ---------------------------------------------------


def recharge_purpose(amount_paise: int, refuse: str = "") -> PaymentPurpose:
    """A recharge taken on the payment screen: fixed amount, the recharge service saves."""

    def check(counter: Counter, request: Any) -> None:
        if refuse:
            raise InvalidInput("meter number", refuse)

    def commit(counter: Counter, request: Any, confirm_second: bool) -> Any:
        return recharge(counter, request).payment

    return PaymentPurpose(
        title_key="consumer.title",
        label_key="payment.modes.cash",
        amount_paise=amount_paise,
        fixed_amount=True,
        check=check,
        commit=commit,
        done=ReceiptDoneScreen,
    )


async def open_for(pilot: Any, purpose: PaymentPurpose, account: str = PREPAID) -> PaymentScreen:
    app = pilot.app
    await sign_in(pilot)
    lookup = await app.station.call(find_account, "MVVNL", account)
    screen = PaymentScreen(lookup, purpose=purpose)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_a_purpose_sets_the_title_and_a_fixed_amount_the_operator_cannot_edit(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_for(pilot, recharge_purpose(500_00))
        assert value(screen, "amount") == "500"
        assert screen.input("amount").disabled
        assert str(screen.query_one(".screen-title", Static).render()) == "Consumer"
        assert "Cash: ₹500.00" in str(screen.query_one("#pay-due", Static).render())
        await pilot.press("a")
        assert "cannot be changed" in message(screen)
        assert isinstance(app.focused, ModeChooser)


async def test_a_purpose_saves_through_its_own_service_and_shows_its_label_on_confirm(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        await open_for(pilot, recharge_purpose(500_00))
        before = await counts(app)
        await pilot.press("c", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmPayment)
        assert "Cash" in dialog.query_one("#confirm-purpose", Static).render().plain
        done = await confirm_and_commit(pilot)
        receipt = done.result.receipt_no
        assert await rows(app, "SELECT amount_paise FROM recharges") == [(500_00,)]
        assert (await payment_row(app, receipt))["amount"] == 500_00
        after = await counts(app)
        assert after["payments"] == before["payments"] + 1


async def test_a_purposes_own_rule_refuses_before_the_confirm_step_and_writes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_for(pilot, recharge_purpose(500_00, refuse="is not this meter"))
        before = await counts(app)
        await pilot.press("c", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert message(screen) == "meter number: is not this meter"
        assert await counts(app) == before
