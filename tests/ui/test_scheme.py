"""The relief-scheme screens driven by keys: the quote, the registration form, the fee on
the payment screen, the done screen, the printed acknowledgement and the sync to a real
central. Everything is real (database, services, print spool, central on loopback) except
the printer, whose ESC/POS bytes are decoded.
"""

from __future__ import annotations

import asyncio
import io
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.datafiles import load_tariff
from kiosk.domain.money import format_inr
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import text_of
from kiosk.screens.confirm_payment import ConfirmPayment
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.scheme import SchemeScreen
from kiosk.screens.scheme_done import SchemeDoneScreen
from kiosk.screens.scheme_register import SchemeRegisterScreen
from kiosk.services.lookup import Lookup, find_account
from tests.services.factories import ACCOUNT, ARREARS, make_bill, make_snapshot
from tests.services.support import AADHAAR, AADHAAR_BAD_CHECK, START, FixedClock
from tests.support.live_central import LiveCentral
from tests.ui.support import build_app, message, rows, sign_in, until

SIZE = (100, 30)
SHIPPED_SCHEME = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "relief_2025_26.toml"
UPI = {"payee_vpa": "mvvnl.lko@sbi", "payee_name": "MVVNL Lucknow"}
UTR = "509876543210"
WRITTEN = ("scheme_registrations", "payments", "outbox", "print_jobs", "audit_log")


@pytest.fixture
def printer(monkeypatch: pytest.MonkeyPatch) -> DummyConnection:
    """The dummy printer, with slips printed as on a counter without Hindi shaping: every
    line is then ESC/POS text that can be read back (Hindi rows would be pictures)."""
    monkeypatch.setattr("kiosk.printer.shaping.shaping_available", lambda: False)
    return DummyConnection()


def scheme_app(
    tmp_path: Path, printer: DummyConnection, *snapshots: Any, **sections: Any
) -> KioskApp:
    consumers = list(snapshots) or [make_snapshot()]
    return build_app(
        tmp_path, printer=printer, clock=FixedClock(START), consumers=consumers, **sections
    )


def scheme_file(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped scheme with one line changed (an office's updated order)."""
    text = SHIPPED_SCHEME.read_text("utf-8")
    assert old in text
    path = tmp_path / "scheme.toml"
    path.write_text(text.replace(old, new), "utf-8")
    return path


# --- helpers ------------------------------------------------------------------------------


async def open_scheme(
    pilot: Any, account: str = ACCOUNT, *, signed_in: bool = False
) -> SchemeScreen:
    app = pilot.app
    if not signed_in:
        await sign_in(pilot)
    lookup: Lookup | None = await app.station.call(find_account, "MVVNL", account)
    assert lookup is not None
    screen = SchemeScreen(lookup)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.view is not None)
    await pilot.pause()
    return screen


def shown(screen: Any, widget_id: str) -> str:
    """What a line says ("" when hidden); a table is rendered to plain text."""
    widget = screen.query_one(f"#{widget_id}", Static)
    if not widget.display:
        return ""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.file.getvalue()  # type: ignore[attr-defined]


async def counts(app: KioskApp) -> dict[str, int]:
    return {t: (await rows(app, f"SELECT COUNT(*) FROM {t}"))[0][0] for t in WRITTEN}


async def open_form(pilot: Any, option_key: str = "1", **open_args: Any) -> SchemeRegisterScreen:
    await open_scheme(pilot, **open_args)
    await pilot.press(option_key, "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, SchemeRegisterScreen))
    return pilot.app.screen


async def fill_form(
    pilot: Any, *, proof: str = "a", number: str = AADHAAR, mobile: str | None = None
) -> None:
    """ID proof by its key, the number, the mobile (kept as prefilled unless given)."""
    form = pilot.app.screen
    await pilot.press(proof, *number)
    if mobile is not None:
        form.query_one("#mobile", Input).value = mobile
    await pilot.press("enter")  # to the mobile
    await pilot.pause()


async def to_payment(pilot: Any) -> PaymentScreen:
    await pilot.press("enter")  # the last field: check everything, then the fee
    await until(pilot, lambda: isinstance(pilot.app.screen, PaymentScreen))
    return pilot.app.screen


async def confirm(pilot: Any) -> SchemeDoneScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmPayment))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, SchemeDoneScreen))
    return pilot.app.screen


async def slip_with(pilot: Any, printer: DummyConnection, *needles: str) -> str:
    """The decoded text of the printed slip carrying every needle."""

    def find() -> str | None:
        for job in printer.jobs:
            text = text_of(job)
            if all(needle in text for needle in needles):
                return text
        return None

    await until(pilot, lambda: find() is not None)
    return find() or ""


# --- the quote --------------------------------------------------------------------------


async def test_an_eligible_consumer_sees_the_phase_and_the_three_options_side_by_side(
    tmp_path, printer
):
    app = scheme_app(tmp_path, printer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scheme(pilot)
        assert shown(screen, "scheme-eligibility") == "Eligible. Phase 2: register by 31.01.2026.\n"
        assert "principal ₹21,500.00 + surcharge ₹10,000.00" in shown(screen, "scheme-dues")
        table = shown(screen, "scheme-options")
        header = next(line for line in table.splitlines() if "Lump sum" in line)
        assert (
            header.index("Lump sum") < header.index("₹750 a month") < header.index("₹500 a month")
        )
        for row, cells in {
            "Surcharge waived": ["₹10,000.00"] * 3,
            "Principal rebate": ["₹4,300.00 (20%)", "₹2,150.00 (10%)", "₹1,075.00 (5%)"],
            "Registration fee": ["₹2,000.00"] * 3,
            "Amount payable": ["₹17,200.00", "₹19,350.00", "₹20,425.00"],
            "Instalments": ["pay by 09.02.2026", "24 x ₹750.00", "37 x ₹500.00"],
        }.items():
            line = next(line for line in table.splitlines() if line.startswith(row))
            positions = [line.index(cell, len(row)) for cell in cells]
            assert positions == sorted(positions), line
        assert "Missing 4 instalments in a row" in shown(screen, "scheme-notes")
        await pilot.press("enter")  # no option chosen yet
        assert app.screen is screen
        assert "Choose an option first" in message(screen)
        await pilot.press("2")
        assert screen.option == "emi_750"
        lit = screen.query_one("#scheme-options", Static).content
        assert [column.style == "bold" for column in lit.columns[1:]] == [False, True, False]


async def test_an_ineligible_consumer_sees_every_reason_and_cannot_register(tmp_path, printer):
    rc_over_limit = make_snapshot(category="lmv2-urban", load_kw=Decimal("3"), status="rc")
    app = scheme_app(tmp_path, printer, rc_over_limit)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scheme(pilot)
        assert screen.case == "rc"  # an RC connection opens on its own case
        await pilot.press("c")  # normal: the RC rule fails too
        await until(
            pilot,
            lambda: screen.case == "normal" and "recovery" in shown(screen, "scheme-eligibility"),
        )
        reasons = shown(screen, "scheme-eligibility")
        assert reasons.startswith("Not eligible, because:")
        assert "load 3 kW is above the 1 kW limit for LMV-2." in reasons
        assert "under a recovery certificate: choose the RC case" in reasons
        assert shown(screen, "scheme-options") == ""
        before = await counts(app)
        await pilot.press("1")
        assert "nothing to choose" in message(screen)
        await pilot.press("enter")
        assert "Cannot register" in message(screen)
        assert app.screen is screen
        assert await counts(app) == before
        await pilot.press("f10")  # every reason follows the language switch
        await pilot.pause()
        reasons = shown(screen, "scheme-eligibility")
        assert "पात्र नहीं हैं" in reasons and "3 किलोवाट" in reasons and "आरसी" in reasons


async def test_a_category_the_order_leaves_out_is_named(tmp_path, printer):
    only_domestic = scheme_file(tmp_path, 'lmv2 = "1"\n', "")
    shop = make_snapshot(category="lmv2-rural", load_kw=Decimal("1"))
    app = scheme_app(tmp_path, printer, shop, data={"scheme_file": only_domestic})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scheme(pilot)
        assert "category LMV-2 is not covered (only LMV-1)." in shown(screen, "scheme-eligibility")


async def test_a_theft_case_is_quoted_on_the_notice_assessment(tmp_path, printer):
    app = scheme_app(tmp_path, printer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scheme(pilot)
        await pilot.press("c")
        await until(
            pilot,
            lambda: (
                screen.case == "theft" and "theft notice" in shown(screen, "scheme-eligibility")
            ),
        )
        assert shown(screen, "scheme-options") == ""
        quoted, before = screen.view, await counts(app)
        await pilot.press("d", *"4.5.6", "enter")  # a figure that is not an amount
        assert message(screen).startswith("notice dues:")
        assert app.focused is screen.query_one("#notice-principal", Input)
        assert screen.view is quoted and await counts(app) == before
        screen.query_one("#notice-principal", Input).value = ""
        await pilot.press(*"40000", "enter", "enter", *"3000", "enter")
        await until(pilot, lambda: screen.view is not None and screen.view.quote.eligible)
        assert "Dues from the notice: principal ₹40,000.00" in shown(screen, "scheme-dues")
        table = shown(screen, "scheme-options")
        assert "₹750 a month" not in table  # theft cases settle as a lump sum here
        assert "₹22,000.00 (55%)" in table  # phase 2 relief on the assessment
        assert "₹4,000.00" in table  # fee: 10% of the assessment, more than Rs 2,000
        assert "₹21,000.00" in table  # 40,000 - 22,000 + 3,000 compounding, not waived
        assert "compounding fee is not waived" in shown(screen, "scheme-notes")


async def test_an_over_bill_is_reassessed_and_a_missing_bill_gets_the_provisional_amount(
    tmp_path, printer
):
    # October's bill, far above the norm, and nothing billed since.
    october = make_bill(
        month=date(2025, 10, 1),
        issued_on=date(2025, 11, 3),
        due_on=date(2025, 11, 18),
        units=1200,
        current_paise=7_075_14,
    )
    app = scheme_app(tmp_path, printer, make_snapshot(bill=october))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scheme(pilot)
        # October at the normative 288 units (2 kW x 144), by the tariff's own calculator.
        normal = load_tariff().calculate_bill("lmv1-rural", "2", 288, october.month).total_paise
        principal = ARREARS + normal
        said = " ".join(shown(screen, "scheme-overbill").split())
        assert "the October 2025 bill has 1200 units, 4.17 times the normal 288 units" in said
        assert f"₹7,075.14 is reassessed at {format_inr(normal)}" in said
        assert f"principal {format_inr(principal)} (was ₹27,075.14)" in said
        rebate = format_inr((principal * 20 + 50) // 100)
        assert f"{rebate} (20%)" in shown(screen, "scheme-options")  # on the revised dues
        said = " ".join(shown(screen, "scheme-provisional").split())
        assert "No bill issued after October 2025: provisional bill ₹600.00 a month (rural)" in said


# --- the form: bad input names the field and writes nothing -------------------------------

BAD_DETAILS = [
    # (proof key, ID number, mobile or None to keep the prefilled one, field, widget)
    ("a", AADHAAR_BAD_CHECK, None, "aadhaar", "id-number"),
    ("a", "12345", None, "aadhaar", "id-number"),
    ("v", "AB12", None, "voter id", "id-number"),
    ("a", AADHAAR, "", "mobile", "mobile"),
    ("a", AADHAAR, "12345", "mobile", "mobile"),
    ("a", AADHAAR, "5876543210", "mobile", "mobile"),
]


async def test_bad_registration_details_are_named_and_nothing_is_written(tmp_path, printer):
    app = scheme_app(tmp_path, printer)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        before = await counts(app)
        for proof, number, mobile, field, widget in BAD_DETAILS:
            form.query_one("#id-kind").focus()
            await pilot.press(proof)  # the proof by its key; the rest filled in at once
            form.query_one("#id-number", Input).value = number
            form.query_one("#mobile", Input).value = "9876543210" if mobile is None else mobile
            await pilot.press("enter", "enter")  # to the mobile, then check
            await pilot.pause()
            assert app.screen is form, number
            assert message(form).startswith(f"{field}:"), (number, mobile)
            assert AADHAAR_BAD_CHECK not in message(form)
            assert app.focused is form.query_one(f"#{widget}"), (number, mobile)
        assert await counts(app) == before


async def test_the_aadhaar_is_shown_only_masked(tmp_path, printer):
    app = scheme_app(tmp_path, printer)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press("a", *AADHAAR)
        assert form.query_one("#id-number", Input).password
        assert str(form.query_one("#id-masked", Static).render()) == "XXXX XXXX 9056"
        assert AADHAAR not in app.export_screenshot()
        await pilot.press("escape", "v")  # another proof clears the hidden number
        assert form.query_one("#id-number", Input).value == ""
        assert not form.query_one("#id-masked", Static).display


async def test_a_theft_case_needs_the_notice_number(tmp_path, printer):
    app = scheme_app(tmp_path, printer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scheme(pilot)
        await pilot.press("c", "d", *"40000", "enter", "enter", "enter")
        await until(pilot, lambda: screen.view is not None and screen.view.quote.eligible)
        await pilot.press("1", "enter")
        await until(pilot, lambda: isinstance(app.screen, SchemeRegisterScreen))
        form = app.screen
        before = await counts(app)
        assert form.query_one("#notice-row").display
        await fill_form(pilot)
        await pilot.press("enter")  # to the notice number
        await pilot.press("enter")  # left empty
        await pilot.pause()
        assert message(form) == "notice number: is required for theft and RC cases"
        assert app.focused is form.query_one("#notice-no")
        assert await counts(app) == before
        await pilot.press(*"TH/2025/118")
        payment = await to_payment(pilot)
        assert "₹4,000.00" in str(payment.query_one("#pay-due", Static).render())


# --- registering: the fee by any mode, the done screen and the paper ------------------------


async def test_the_fee_paid_in_cash_registers_prints_the_schedule_and_can_be_reprinted(
    tmp_path, printer
):
    app = scheme_app(tmp_path, printer)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, "2")
        await fill_form(pilot)
        payment = await to_payment(pilot)
        assert str(payment.query_one(".screen-title", Static).render()) == (
            "Relief scheme: registration fee"
        )
        assert payment.query_one("#amount", Input).value == "2000"
        before = await counts(app)
        await pilot.press("c", *"1500", "enter")  # tendered less than the fee
        await pilot.pause()
        assert app.screen is payment and message(payment).startswith("tendered:")
        assert await counts(app) == before
        payment.query_one("#tendered", Input).value = ""
        await pilot.press("enter")
        done = await confirm(pilot)
        local_no = done.result.local_no
        assert local_no == "CSC-0001-R20260110-0001"
        fee = done.result.fee_receipt
        assert fee is not None and fee.mode == "cash"
        assert str(done.query_one("#sd-number", Static).render()) == local_no
        [form] = [s for s in app.screen_stack if isinstance(s, SchemeRegisterScreen)]
        assert form.query_one("#id-number", Input).value == ""  # no full Aadhaar kept
        assert "Provisional" in shown(done, "sd-central")
        assert f"receipt {fee.receipt_no}" in shown(done, "sd-fee")
        schedule = shown(done, "sd-schedule")
        assert "24 months, ₹17,350.00 after the fee" in " ".join(schedule.split())
        assert "February 2026 - December 2027: 23 x ₹750.00" in schedule
        assert "January 2028: 1 x ₹100.00" in schedule
        stored = await rows(
            app,
            "SELECT option, id_proof_ref, fee_receipt_no, mobile FROM scheme_registrations",
        )
        assert stored == [("emi_750", "XXXX XXXX 9056", fee.receipt_no, "9876543210")]
        purpose = await rows(app, "SELECT purpose, amount_paise FROM payments")
        assert purpose == [("scheme_fee", 2_000_00)]
        slip = await slip_with(pilot, printer, local_no, "Instalment schedule")
        # The slip's first and last instalments agree with the schedule on the screen.
        assert "Option Rs 750 a month" in " ".join(slip.split())
        first = next(line for line in slip.splitlines() if line.startswith("First:"))
        last = next(line for line in slip.splitlines() if line.startswith("Last:"))
        assert "Feb 2026" in first and "Rs. 750.00" in first
        assert "Jan 2028" in last and "Rs. 100.00" in last
        assert AADHAAR not in slip and "PROVISIONAL" in slip
        await slip_with(pilot, printer, fee.receipt_no)  # the fee's own receipt
        await until(pilot, lambda: done.print_state == "printed")
        assert "printed" in done.print_text

        await pilot.press("enter")  # next consumer; the same one comes back later
        await pilot.pause()
        screen = await open_scheme(pilot, signed_in=True)
        box = shown(screen, "scheme-registered")
        assert f"Registration no {local_no}" in box and "provisional" in box
        assert shown(screen, "scheme-options") == ""
        await pilot.press("1")
        assert "Already registered" in message(screen)
        jobs = len(printer.jobs)
        await pilot.press("p")
        await until(pilot, lambda: len(printer.jobs) > jobs)
        assert "DUPLICATE" in text_of(printer.jobs[-1]) and local_no in text_of(printer.jobs[-1])
        assert "sent to the printer" in message(screen)


async def test_the_fee_may_be_paid_by_upi_with_a_typed_utr(tmp_path, printer):
    app = scheme_app(tmp_path, printer, upi=UPI)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, "1")
        await fill_form(pilot)
        await to_payment(pilot)
        await pilot.press("u", *UTR, "enter")
        done = await confirm(pilot)
        fee = done.result.fee_receipt
        assert fee is not None and fee.mode == "upi"
        assert await rows(app, "SELECT mode, reference FROM payments") == [("upi", UTR)]
        assert "Pay the rest, ₹15,200.00, by 09.02.2026." in shown(done, "sd-schedule")
        slip = await slip_with(pilot, printer, done.result.local_no, "Pay by")
        assert "09-02-2026" in slip


async def test_without_a_fee_enter_registers_with_no_payment_step(tmp_path, printer):
    free = scheme_file(tmp_path, 'registration_fee = "2000"', 'registration_fee = "0"')
    app = scheme_app(tmp_path, printer, data={"scheme_file": free})
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        assert "No registration fee." in shown(form, "reg-fee")
        await fill_form(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SchemeDoneScreen))
        done = app.screen
        assert done.result.fee_receipt is None
        assert await rows(app, "SELECT COUNT(*) FROM payments") == [(0,)]
        assert "No registration fee." in shown(done, "sd-fee")
        await slip_with(pilot, printer, done.result.local_no)


# --- offline, then the central ---------------------------------------------------------------


def central_registrations(central: LiveCentral) -> list[tuple[str, str]]:
    with sqlite3.connect(central.db_path) as conn:
        return conn.execute("SELECT registration_no, account_no FROM registrations").fetchall()


async def test_an_offline_registration_reaches_the_central_once_and_its_number_is_reprinted(
    tmp_path, printer, live_central: LiveCentral
):
    app = scheme_app(
        tmp_path,
        printer,
        counter={"id": live_central.counter_id, "name": "Test counter", "discoms": ["MVVNL"]},
        central={"url": live_central.url, "token": live_central.token},
    )
    live_central.stop()  # the network is down while the consumer registers
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await fill_form(pilot)
        await to_payment(pilot)
        await pilot.press("c", "enter")
        done = await confirm(pilot)
        local_no = done.result.local_no
        engine = app.station.engine
        await asyncio.to_thread(engine.sync_once, force=True)
        assert engine.state.pending == 2  # the fee and the registration wait
        assert done.central_no is None
        live_central.start()
        await asyncio.to_thread(engine.sync_once, force=True)
        await asyncio.to_thread(engine.sync_once, force=True)  # again: nothing is sent twice
        assert engine.state.pending == 0
        [(central_no, account)] = central_registrations(live_central)
        assert account == ACCOUNT
        await until(pilot, lambda: done.central_no == central_no)
        assert f"Central registration number: {central_no}" in shown(done, "sd-central")
        await slip_with(pilot, printer, local_no)
        jobs = len(printer.jobs)
        await pilot.press("p")
        await until(pilot, lambda: len(printer.jobs) > jobs)
        reprint = text_of(printer.jobs[-1])
        assert central_no in reprint and local_no in reprint and "DUPLICATE" in reprint
        assert "PROVISIONAL" not in reprint
        await pilot.press("enter")
        screen = await open_scheme(pilot, signed_in=True)
        assert f"Registration no {central_no}  (counter no {local_no})" in shown(
            screen, "scheme-registered"
        )
