"""The lookup (home screen after login) and the consumer card, driven by keys alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.domain.snapshot import ConsumerSnapshot, MonthUnits, PaymentSummary
from kiosk.i18n import Translator
from kiosk.screens.consumer import ConsumerScreen
from kiosk.screens.lookup import LookupScreen
from kiosk.services.lookup import Lookup
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.preferences import current_discom
from kiosk.widgets.consumer_card import ConsumerCard, age_words, freshness
from kiosk.widgets.consumption_chart import chart_lines, month_window
from kiosk.widgets.message_line import MessageLine
from tests.services.factories import ACCOUNT, make_bill, make_snapshot
from tests.store.factories import make_consumption
from tests.ui.support import OPERATOR, build_app, sign_in

SIZE = (110, 36)
MOBILE_ONE = "9812345670"  # one consumer, whose account number is something else
MOBILE_SHARED = "9988776655"  # two consumers (one phone, two meters)


def consumers() -> list[ConsumerSnapshot]:
    """The factory's Ram Kumar (with 12 months of use and two earlier payments) and others."""
    ram = make_snapshot(
        recent_payments=[
            PaymentSummary(
                receipt_no="CSC-0009-20251205-00017",
                paid_on=date(2025, 12, 5),
                amount_paise=90_000,
                mode="upi",
            ),
        ]
    ).model_copy(update={"consumption": make_consumption(12, last="2025-12", base=100)})
    return [
        ram,
        make_snapshot("2000000001", name="Geeta Yadav", name_hi="गीता यादव", mobile=MOBILE_ONE),
        make_snapshot("2000000002", name="Sita Devi", name_hi="सीता देवी", mobile=MOBILE_SHARED),
        make_snapshot(
            "2000000003",
            name="Sita Ram Pal",
            name_hi="सीता राम पाल",
            address="Ward 12, Civil Lines, Sitapur",
            mobile=MOBILE_SHARED,
        ),
        make_snapshot(
            "2000000004",
            name="Mohan Gupta",
            name_hi="मोहन गुप्ता",
            category="lmv2-urban",
            load_kw=Decimal("5"),
            meter_type="prepaid",
            bill=False,
        ).model_copy(update={"prepaid_balance_paise": -4_550}),
        make_snapshot(
            "2000000005",
            name="Anita Verma",
            bill=make_bill("2000000005", due_on=date(2026, 1, 5)),
        ),
        make_snapshot("3000000001", discom="DVVNL", name="Vijay Nishad"),
    ]


def lookup_app(tmp_path: Path, **kwargs: Any) -> KioskApp:
    return build_app(tmp_path, consumers=consumers(), **kwargs)


async def signed_in(pilot: Any) -> LookupScreen:
    await sign_in(pilot)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LookupScreen)
    return screen


def message(app: KioskApp) -> str:
    return app.screen.query_one("#message", MessageLine).text


def card_text(app: KioskApp) -> str:
    return app.screen.query_one(ConsumerCard).text


async def find(pilot: Any, text: str) -> None:
    """Type into the box (already focused) and press Enter: no other key."""
    await pilot.press(*text, "enter")
    await pilot.pause()
    await pilot.pause()


# ---------------------------------------------------------------------- by account number


async def test_ten_digits_and_enter_open_the_card_with_no_other_key(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, ACCOUNT)
        assert isinstance(app.screen, ConsumerScreen)
        assert app.screen.lookup.snapshot.consumer.account_no == ACCOUNT
        assert "Ram Kumar" in card_text(app)


async def test_esc_on_the_card_goes_back_to_the_lookup_with_the_text_kept(
    tmp_path: Path,
) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, ACCOUNT)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        box = app.screen.query_one("#query", Input)
        assert box.value == ACCOUNT
        assert box.has_focus


async def test_f2_after_a_card_gives_an_empty_lookup_for_the_next_consumer(
    tmp_path: Path,
) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, ACCOUNT)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == ""


# ---------------------------------------------------------------------- by mobile


async def test_a_mobile_number_of_one_consumer_opens_that_card(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        # Ten digits are tried as an account number first, then as a mobile number.
        await find(pilot, MOBILE_ONE)
        assert isinstance(app.screen, ConsumerScreen)
        assert app.screen.lookup.snapshot.consumer.account_no == "2000000001"


async def test_a_mobile_number_with_plus_91_is_searched_as_a_mobile(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, "+91" + MOBILE_ONE)
        assert isinstance(app.screen, ConsumerScreen)
        assert app.screen.lookup.snapshot.consumer.name == "Geeta Yadav"


async def test_a_mobile_of_several_consumers_lists_them_to_choose(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, MOBILE_SHARED)
        assert app.screen is screen
        table = screen.query_one("#results", DataTable)
        assert table.row_count == 2
        assert table.has_focus
        assert f"2 consumers have mobile number {MOBILE_SHARED}" in message(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConsumerScreen)
        assert app.screen.lookup.snapshot.consumer.account_no == "2000000003"


# ---------------------------------------------------------------------- by name or place


async def test_a_name_lists_matches_and_arrows_and_enter_open_one(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, "sita")
        table = screen.query_one("#results", DataTable)
        names = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert names == ["Sita Devi", "Sita Ram Pal"]
        assert "2 consumers found" in message(app)
        await pilot.press("down", "up", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConsumerScreen)
        assert app.screen.lookup.snapshot.consumer.name == "Sita Ram Pal"
        # Back to the list as it was: Esc returns to the box, Esc again starts afresh.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert table.row_count == 2
        await pilot.press("escape")
        assert screen.query_one("#query", Input).has_focus
        await pilot.press("escape")
        assert screen.query_one("#query", Input).value == ""
        assert table.row_count == 0


async def test_down_from_the_box_moves_into_the_list(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, "sita")
        screen.query_one("#query", Input).focus()
        await pilot.press("down")
        assert screen.query_one("#results", DataTable).has_focus


async def test_one_name_match_is_still_listed_for_the_operator_to_confirm(
    tmp_path: Path,
) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, "geeta")
        assert app.screen is screen
        assert screen.query_one("#results", DataTable).row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConsumerScreen)


# ---------------------------------------------------------------------- not found, bad input


async def test_an_unknown_account_number_says_what_was_searched(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, "1111111111")
        assert app.screen is screen
        assert message(app) == "No consumer with account number 1111111111 in MVVNL."


async def test_an_unknown_number_that_could_be_a_mobile_says_both_were_tried(
    tmp_path: Path,
) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, "9000000001")
        assert message(app) == (
            "No consumer with account number 9000000001 in MVVNL, "
            "nor with 9000000001 as mobile number."
        )


async def test_an_unknown_name_says_what_was_searched(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, "Zorawar")
        assert (
            message(app)
            == "No consumer's name or address matches \"Zorawar\" in this counter's data."
        )


async def test_seven_digits_name_the_field_and_the_rule(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, "1234567")
        assert app.screen is screen
        text = message(app)
        assert text.startswith("Account number: must be 10 digits for MVVNL")
        assert "got 7 digits" in text
        assert screen.query_one("#message", MessageLine).has_class("-error")
        # The text stays for the operator to correct.
        assert screen.query_one("#query", Input).value == "1234567"


async def test_symbols_are_refused_with_the_rule(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, "#@!*")
        assert app.screen is screen
        assert message(app).startswith('Search: "#@!*" is neither a number nor a name.')


async def test_enter_on_an_empty_box_asks_for_something_to_search(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, "")
        assert message(app).startswith("Search: is empty.")


# ---------------------------------------------------------------------- the discom


def discom_shown(app: KioskApp) -> str:
    return str(app.screen.query_one("#discom", Static).render())


async def test_f6_switches_the_discom_and_the_next_start_remembers_it(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert discom_shown(app) == "MVVNL"
        await pilot.press("f6")
        await pilot.pause()
        assert discom_shown(app) == "DVVNL"
        assert "Discom is now DVVNL" in message(app)
        await find(pilot, "3000000001")
        assert isinstance(app.screen, ConsumerScreen)
        assert app.screen.lookup.snapshot.consumer.name == "Vijay Nishad"

    again = build_app(tmp_path, prepare=False)
    async with again.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert discom_shown(again) == "DVVNL"
        assert await again.station.call(current_discom) == "DVVNL"


async def test_a_discom_prefix_searches_there_and_is_remembered(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, "dvvnl:3000000001")
        assert isinstance(app.screen, ConsumerScreen)
        assert app.screen.lookup.snapshot.key == ("DVVNL", "3000000001")
        await pilot.press("escape")
        await pilot.pause()
        assert discom_shown(app) == "DVVNL"


async def test_a_discom_the_counter_does_not_serve_is_refused(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await find(pilot, "KESCO:1234567890")
        assert message(app) == "Discom: this counter serves MVVNL, DVVNL, not KESCO."
        assert discom_shown(app) == "MVVNL"


async def test_the_configured_default_discom_is_the_first_choice(tmp_path: Path) -> None:
    counter = {"id": "CSC-0001", "name": "Test", "discoms": ["MVVNL", "DVVNL"]}
    app = lookup_app(tmp_path, counter=counter | {"default_discom": "DVVNL"})
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert discom_shown(app) == "DVVNL"


# ---------------------------------------------------------------------- the card


async def open_card(pilot: Any, account: str = ACCOUNT) -> str:
    await signed_in(pilot)
    await find(pilot, account)
    assert isinstance(pilot.app.screen, ConsumerScreen)
    return card_text(pilot.app)


async def test_the_card_shows_who_the_bill_and_what_is_to_pay(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_card(pilot)
    for shown in (
        "Ram Kumar  राम कुमार",
        "Account: MVVNL 1234567890",
        "Address: Gram Sarai, Mohanlalganj, Lucknow",
        "Category: LMV-1 domestic, rural",
        "Load: 2 kW  ·  Meter: postpaid",
        "Bill: December 2025 (no. B1234567890-2512)  ·  180 units",
        "Due date: 18.01.2026",
        "Current bill: ₹1,500.00",
        "Arrears: ₹20,000.00",
        "Surcharge: ₹10,000.00",
        "Total of the bill: ₹31,500.00",
        "To pay now: ₹31,500.00",
        "Relief scheme (OTS): eligible, phase 2 until 31.01.2026.",
        "05.12.2025  ·  ₹900.00  ·  UPI  ·  CSC-0009-20251205-00017",
    ):
        assert shown in text, shown
    assert "OVERDUE" not in text
    assert "PREPAID" not in text


async def test_the_card_says_how_old_cached_data_is(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_card(pilot)
    # Cached 03:00 UTC (08:30 in India), three hours before the test clock.
    assert "Data as of 10.01.2026 08:30 (3 hours old): this counter's copy." in text


async def test_the_card_draws_twelve_months_of_units_with_labels(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot)
        chart = str(app.screen.query_one("#card-consumption").render())
    lines = chart.splitlines()
    assert len(lines) == 12
    assert lines[0].startswith("01/25 ") and lines[-1].startswith("12/25 ")
    # Oldest month used most (the factory's use falls by 7 units a month): the longest bar.
    assert lines[0].rstrip().endswith("177") and lines[-1].rstrip().endswith("100")
    assert lines[0].count("█") > lines[-1].count("█") > 0


async def test_a_payment_taken_here_shows_and_lowers_what_is_to_pay(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        request = PaymentRequest("MVVNL", ACCOUNT, 500_000, "cash", OPERATOR)
        paid = await app.station.call(record_payment, request)
        await find(pilot, ACCOUNT)
        text = card_text(app)
    assert f"10.01.2026  ·  ₹5,000.00  ·  cash  ·  {paid.receipt_no}  ·  at this counter" in text
    assert "To pay now: ₹26,500.00" in text
    # The newest first: today's payment above December's.
    assert text.index(paid.receipt_no) < text.index("CSC-0009-20251205-00017")


async def test_an_overdue_bill_is_marked(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_card(pilot, "2000000005")
    assert "Due date: 05.01.2026" in text
    assert "OVERDUE" in text


async def test_a_prepaid_consumer_is_marked_and_the_scheme_hint_gives_the_reason(
    tmp_path: Path,
) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_card(pilot, "2000000004")
    assert "PREPAID" in text
    assert "Load: 5 kW  ·  Meter: prepaid" in text
    assert "Prepaid meter, balance -₹45.50: the consumer recharges." in text
    assert "No bill in this counter's data." in text
    assert "Relief scheme (OTS): not eligible: load 5 kW is above the 1 kW limit for LMV-2." in text


async def test_f10_shows_the_lookup_and_the_card_in_hindi(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await pilot.press("f10")
        await pilot.pause()
        title = str(screen.query_one(".screen-title", Static).render())
        assert title == "उपभोक्ता खोजें"
        await find(pilot, ACCOUNT)
        text = card_text(app)
        assert "बकाया: ₹20,000.00" in text
        assert "अभी देय: ₹31,500.00" in text
        assert "बिल: दिसंबर 2025" in text
        assert "राहत योजना (ओटीएस): पात्र" in text
        # And back to English on the open card.
        await pilot.press("f10")
        await pilot.pause()
        assert "Arrears: ₹20,000.00" in card_text(app)
        chart_title = app.screen.query(".card-side Static").first()
        assert str(chart_title.render()) == "Units used, last 12 months"


async def test_the_result_list_follows_the_language_switch(tmp_path: Path) -> None:
    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot)
        await find(pilot, "sita")
        await pilot.press("f10")
        await pilot.pause()
        table = screen.query_one("#results", DataTable)
        headers = [str(column.label) for column in table.columns.values()]
        assert headers == ["खाता", "डिस्कॉम", "नाम", "पता", "देय"]
        assert str(table.get_row_at(0)[2]) == "सीता देवी"


# ---------------------------------------------------------------------- on to the payment


@pytest.mark.parametrize("key", ["enter", "f3"])
async def test_enter_or_f3_on_the_card_opens_the_payment(tmp_path: Path, key: str) -> None:
    from kiosk.screens.payment import PaymentScreen

    app = lookup_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)


# ---------------------------------------------------------------------- freshness words


def test_a_live_answer_says_so_and_a_cached_one_says_its_age_in_hindi_too() -> None:
    now = datetime(2026, 1, 10, 6, 0, tzinfo=UTC)
    snapshot = make_snapshot()
    english, hindi = Translator("en", strict=True), Translator("hi", strict=True)
    live = Lookup(snapshot, "central", now, 0)
    assert freshness(live, now, english).plain == "Live from the central."
    old = Lookup(snapshot, "cache", now - timedelta(days=2, hours=5), 0)
    assert freshness(old, now, english).plain == (
        "Data as of 08.01.2026 06:30 (2 days old): this counter's copy."
    )
    assert freshness(old, now, hindi).plain == (
        "08.01.2026 06:30 तक का डेटा (2 दिन पुराना): इस काउंटर की प्रति।"
    )
    assert age_words(timedelta(minutes=1), english) == "1 minute"
    assert age_words(timedelta(seconds=30), english) == "less than a minute"
    assert age_words(timedelta(hours=1, minutes=59), english) == "1 hour"


def test_a_month_without_a_reading_is_a_gap_not_a_zero() -> None:
    readings = [MonthUnits(month="2025-10", units=90), MonthUnits(month="2026-01", units=30)]
    window = month_window(readings)
    assert window[0] == ("2025-02", None)
    assert window[-4:] == [("2025-10", 90), ("2025-11", None), ("2025-12", None), ("2026-01", 30)]
    lines = chart_lines(window, 30).plain.splitlines()
    assert lines[-2] == "12/25 " + " " * 20 + "   -"
    assert lines[-1] == "01/26 " + "█" * 6 + "▌" + " " * 13 + "  30"  # a third, in halves
    assert lines[-4] == "10/25 " + "█" * 20 + "  90"
