"""The bill calculator by keys: the tariff calculator's own lines, slab by slab, on screen
and on paper (marked as an estimate), the fields filled from a consumer, Hindi words, and
every bad field named with nothing written. Only the printer is a stand-in."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.datafiles import load_tariff
from kiosk.domain.money import format_inr, format_rupees_ascii
from kiosk.domain.tariff import BillBreakdown
from kiosk.printer.escpos_decode import text_of
from kiosk.screens.bill_calculator import AMOUNT_WIDTH, BillCalculatorScreen
from kiosk.services.counter import Counter
from kiosk.services.lookup import find_account
from tests.services.factories import ACCOUNT
from tests.ui.support import message, sign_in, until

SIZE = (100, 30)
TYPED = ("lmv1-urban", "2", "350", "2026-02")  # crosses every LMV-1 urban slab


def expected(category: str, load: str, units: int, month: date) -> BillBreakdown:
    """What the domain calculator says for the shipped tariff file."""
    return load_tariff().calculate_bill(category, load, units, month)


async def open_calculator(pilot: Any, account: str | None = None) -> BillCalculatorScreen:
    app = pilot.app
    await sign_in(pilot)
    lookup = None if account is None else await app.station.call(find_account, "MVVNL", account)
    screen = BillCalculatorScreen(lookup)
    await app.push_screen(screen)
    await until(pilot, lambda: bool(screen.codes))
    await pilot.pause()
    return screen


async def type_fields(pilot: Any, screen: BillCalculatorScreen, values: tuple[str, ...]) -> None:
    """Each field typed and Enter, from the first; the last Enter works the bill out."""
    screen.input("category").focus()
    await pilot.pause()
    for name, value in zip(("category", "load", "units", "month"), values, strict=True):
        assert pilot.app.focused is screen.input(name)
        screen.input(name).value = ""
        await pilot.press(*value, "enter")
    await pilot.pause()


async def fill_and_enter(pilot: Any, screen: BillCalculatorScreen, values: tuple[str, ...]) -> None:
    """The fields set at once, then Enter in the last (quicker than typing every key)."""
    for name, value in zip(("category", "load", "units", "month"), values, strict=True):
        screen.input(name).value = value
    screen.input("month").focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def counts(app: KioskApp) -> dict[str, int]:
    def read(counter: Counter) -> dict[str, int]:
        tables = ("print_jobs", "audit_log", "outbox")
        return {t: counter.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}

    return await app.station.call(read)


def screen_line(label: str, detail: str, paise: int) -> str:
    return f"{format_inr(paise).rjust(AMOUNT_WIDTH)}  {label}: {detail}"


async def test_known_inputs_give_the_calculators_lines_and_total_on_screen_and_on_paper(
    app, printer
):
    bill = expected("lmv1-urban", "2", 350, date(2026, 2, 1))
    assert [line.kind for line in bill.lines].count("energy") == 4
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calculator(pilot)
        await type_fields(pilot, screen, TYPED)
        shown = screen.breakdown_text.split("\n")
        wanted = [
            screen_line(
                line.label,
                f"{line.quantity} × {line.rate}"
                if line.kind in ("energy", "fixed")
                else f"{line.rate} {line.quantity}",
                line.amount_paise,
            )
            for line in bill.lines
        ]
        assert shown[1 : 1 + len(wanted)] == wanted
        assert wanted[0] == "     ₹550.00  Energy 1-100 units: 100 kWh × Rs 5.50/kWh"
        assert wanted[-1] == "     ₹227.00  FPPAS 2026-02: 10% on energy + fixed ₹2,270.00"
        total = f"{format_inr(bill.total_paise).rjust(AMOUNT_WIDTH)}  Estimated total"
        assert any(line.startswith(total) for line in shown)
        assert "electricity duty % is a placeholder value" in screen.breakdown_text

        before = await counts(app)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: bool(printer.jobs))
        paper = " ".join(text_of(printer.jobs[-1]).split())
        assert "BILL ESTIMATE" in paper
        assert "ESTIMATE - NOT A BILL, NOT A RECEIPT" in paper
        for line in bill.lines:
            assert f"{line.label} {format_rupees_ascii(line.amount_paise)}" in paper
        for line in bill.lines[:5]:  # energy slabs and the fixed charge: units x rate
            assert f"{line.quantity} x {line.rate}" in paper
        assert format_rupees_ascii(bill.total_paise) in paper
        assert "PROVISIONAL" not in paper and "Keep this receipt" not in paper
        after = await counts(app)
        assert after["print_jobs"] == before["print_jobs"] + 1
        assert after["audit_log"] == before["audit_log"] + 1  # printing one is audited
        assert after["outbox"] == before["outbox"]  # an estimate is not sent to the central
        await until(pilot, lambda: screen.print_state == "printed")
        assert str(screen.query_one("#calc-print", Static).render()) == "Estimate printed."


async def test_opened_for_a_consumer_it_starts_from_their_connection_and_last_bill(app):
    bill = expected("lmv1-rural", "2", 180, date(2025, 12, 1))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calculator(pilot, ACCOUNT)
        typed = tuple(screen.input(name).value for name in ("category", "load", "units", "month"))
        assert typed == ("lmv1-rural", "2", "180", "2025-12")
        assert app.focused is screen.input("units")
        consumer = str(screen.query_one("#calc-consumer", Static).render())
        assert "Ram Kumar  |  MVVNL 1234567890" in consumer
        assert "2025-12: 180 units, current charges ₹1,500.00" in consumer
        total = f"{format_inr(bill.total_paise).rjust(AMOUNT_WIDTH)}  Estimated total"
        assert total in screen.breakdown_text  # worked out at once, no key needed


async def test_hindi_says_each_line_in_hindi_with_the_same_figures(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calculator(pilot)
        await fill_and_enter(pilot, screen, TYPED)
        await pilot.press("f10")
        await pilot.pause()
        shown = screen.breakdown_text
        assert "     ₹550.00  ऊर्जा प्रभार 1-100 यूनिट: 100 kWh × Rs 5.50/kWh" in shown
        assert "     ₹325.00  ऊर्जा प्रभार 300 यूनिट से ऊपर: 50 kWh × Rs 6.50/kWh" in shown
        assert "     ₹220.00  नियत प्रभार: 2 kW × Rs 110.00/kW" in shown
        assert "     ₹102.50  विद्युत शुल्क: ऊर्जा ₹2,050.00 पर 5%" in shown
        assert "ईंधन अधिभार (FPPAS) 2026-02: ऊर्जा + नियत ₹2,270.00 पर 10%" in shown
        assert "एलएमवी-1 घरेलू, शहरी, 2 kW, 350 यूनिट" in shown


BAD_FIELDS = [
    (("lmv9", "2", "350", "2026-02"), "category", "category: must be one of lmv1-bpl"),
    (("lmv1-urban", "two", "350", "2026-02"), "load", "load: must be a number of kW"),
    (("lmv1-urban", "0", "350", "2026-02"), "load", "load: must be from 0.1 to 1000 kW"),
    (("lmv1-urban", "2", "12.5", "2026-02"), "units", "units: must be a whole number"),
    (("lmv1-urban", "2", "", "2026-02"), "units", "units: must be a whole number"),
    (("lmv1-urban", "2", "350", "2026-13"), "month", "month: must be YYYY-MM"),
    (("lmv1-urban", "2", "350", "2025-03"), "month", "month: UPPCL LMV-1 / LMV-2 tariff"),
]


async def test_a_bad_field_is_named_focused_and_nothing_is_printed(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calculator(pilot)
        before = await counts(app)
        for typed, field, said in BAD_FIELDS:
            await fill_and_enter(pilot, screen, TYPED)
            assert screen.estimate is not None
            await fill_and_enter(pilot, screen, typed)
            assert message(screen).startswith(said), message(screen)
            assert pilot.app.focused is screen.query_one(f"#{field}", Input)
            assert screen.estimate is None  # the figures of the earlier inputs are gone
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert message(screen).startswith(said), field
        assert await counts(app) == before
        assert printer.jobs == []
