"""Complaints at the counter by keys alone: logging one (with its printed acknowledgement),
the refusals that name the field and write nothing, the Y a disconnection request needs,
and tracking by number, offline from this counter's record and online from a real central
that received the complaint exactly once after the network came back."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.screens.ack_common import Choices, ConfirmWithY
from kiosk.screens.complaint import CATEGORIES, ComplaintDoneScreen, ComplaintScreen
from kiosk.screens.complaint_track import ComplaintTrackScreen
from kiosk.services.complaints import complaint_status
from kiosk.services.lookup import Lookup, find_account
from tests.services.factories import ACCOUNT
from tests.services.support import db_state, events
from tests.support.live_central import LiveCentral
from tests.ui.support import build_app, message, sign_in, slips, until

SIZE = (100, 30)
LOCAL_NO = "CSC-0001-C20260110-0001"


# --- helpers ------------------------------------------------------------------------------


async def lookup_of(app: KioskApp, account: str = ACCOUNT) -> Lookup:
    found = await app.station.call(find_account, "MVVNL", account)
    assert found is not None
    return found


async def open_complaint(pilot: Any, *, with_consumer: bool = True) -> ComplaintScreen:
    await sign_in(pilot)
    app = pilot.app
    lookup = await lookup_of(app) if with_consumer else None
    app.push_screen(ComplaintScreen(lookup))
    await pilot.pause()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ComplaintScreen)
    return screen


async def put(pilot: Any, widget_id: str, text: str) -> None:
    """Fill a field at once and focus it (for tests about what Enter does next)."""
    field = pilot.app.screen.query_one(f"#{widget_id}", Input)
    field.value = text
    field.focus()
    await pilot.pause()


def complaints(app: KioskApp) -> Any:
    return app.station.call(lambda c: c.conn.execute("SELECT * FROM complaints").fetchall())


async def fill(pilot: Any, description: str, *, mobile: str | None = None) -> None:
    """From the category onwards: description, (mobile), and Enter through the rest."""
    await pilot.press(*description, "enter")
    if mobile is not None:  # a mobile other than the card's
        pilot.app.screen.query_one("#mobile", Input).value = mobile
    await pilot.press("enter", "enter", "enter")  # mobile, location, landmark
    await pilot.pause()


# --- logging ------------------------------------------------------------------------------


async def test_a_complaint_by_keys_gets_a_number_and_a_printed_acknowledgement(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot)
        assert screen.focused is screen.query_one("#category", Choices)
        # The consumer's mobile is filled in from the card.
        assert screen.query_one("#mobile", Input).value == "9876543210"
        await pilot.press("1")  # no supply: the key picks it and moves on
        assert screen.focused is screen.query_one("#description", Input)
        await fill(pilot, "No power")
        await until(pilot, lambda: isinstance(app.screen, ComplaintDoneScreen))
        done = app.screen
        assert done.number == LOCAL_NO
        assert "No supply / power failure" in done.details_text
        assert "3210" in done.details_text
        await until(pilot, lambda: done.print_state == "printed")
        assert "printed" in done.print_text

        [row] = await complaints(app)
        assert LOCAL_NO in row and "no_supply" in row and "No power" in row
        [event] = await app.station.call(events, "complaint.logged")
        assert event["payload"]["account_no"] == ACCOUNT
        [slip] = slips(printer)
        assert "COMPLAINT REGISTERED" in slip
        assert LOCAL_NO in slip
        assert "PROVISIONAL (offline)" in slip
        assert "No power" in slip

        await pilot.press("p")  # a DUPLICATE on paper
        await until(pilot, lambda: len(printer.jobs) == 2)
        assert "DUPLICATE" in slips(printer)[1] and LOCAL_NO in slips(printer)[1]
        await pilot.press("enter")  # next consumer
        await pilot.pause()
        assert type(app.screen).__name__ == "LookupScreen"


async def test_arrows_and_enter_choose_a_category_too(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot)
        await pilot.press("down", "down", "down")
        assert screen.category == CATEGORIES[2][1]
        await pilot.press("enter")
        assert screen.focused is screen.query_one("#description", Input)


async def test_a_complaint_without_a_consumer_may_have_no_account(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot, with_consumer=False)
        await pilot.press("7")  # line breakdown
        assert screen.focused is screen.query_one("#account", Input)
        await pilot.press("enter")  # no account: a complaint about the street
        await fill(pilot, "Wire down", mobile="9812345678")
        await until(pilot, lambda: isinstance(app.screen, ComplaintDoneScreen))
        [event] = await app.station.call(events, "complaint.logged")
        assert event["payload"]["account_no"] is None
        assert event["payload"]["category"] == "line_breakdown"
        await until(pilot, lambda: len(printer.jobs) == 1)
        assert "Wire down" in slips(printer)[0]


async def test_a_typed_account_may_name_another_discom(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_complaint(pilot, with_consumer=False)
        await pilot.press("2", *f"DVVNL:{ACCOUNT}", "enter")
        await fill(pilot, "Blank", mobile="9812345678")
        await until(pilot, lambda: isinstance(app.screen, ComplaintDoneScreen))
        [row] = await complaints(app)
        assert "DVVNL" in row and ACCOUNT in row


# --- refusals: the field named, nothing written --------------------------------------------


async def test_each_refusal_names_its_field_and_writes_nothing(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot)
        before = await app.station.call(db_state)

        async def refused(field: str, focused: str) -> None:
            await put(pilot, "landmark", "")
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert message(screen).startswith(field), message(screen)
            assert screen.focused is screen.query_one(f"#{focused}")
            assert await app.station.call(db_state) == before

        await put(pilot, "description", "No power")
        await refused("Category", "category")  # no category chosen
        await pilot.press("1")
        await put(pilot, "description", "")
        await refused("description", "description")  # empty
        await put(pilot, "description", "No power")
        await put(pilot, "mobile", "12345")
        await refused("mobile", "mobile")  # too short
        await put(pilot, "mobile", "5876543210")
        await refused("mobile", "mobile")  # not an Indian mobile
        assert printer.jobs == []


async def test_a_bad_account_number_is_named(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot, with_consumer=False)
        before = await app.station.call(db_state)
        await pilot.press("3", *"12345", "enter")
        await fill(pilot, "Bill too high", mobile="9812345678")
        assert message(screen).startswith("account number")
        assert screen.focused is screen.query_one("#account")
        assert await app.station.call(db_state) == before


# --- disconnection request -----------------------------------------------------------------


async def test_a_disconnection_request_is_saved_only_after_an_explicit_y(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot)
        before = await app.station.call(db_state)
        await pilot.press("d")
        assert screen.query_one("#disconnect-warning").display
        await fill(pilot, "Moving out")
        assert isinstance(app.screen, ConfirmWithY)
        assert f"MVVNL {ACCOUNT}" in app.screen.text
        await pilot.press("enter")  # a habitual Enter does not answer
        assert isinstance(app.screen, ConfirmWithY)
        assert "Enter does not answer" in app.screen.text
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert "not saved" in message(screen)
        assert await app.station.call(db_state) == before

        await pilot.press("enter")  # back on the category: Enter goes on to the fields
        await pilot.press("enter", "enter", "enter", "enter")
        assert isinstance(app.screen, ConfirmWithY)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ComplaintDoneScreen))
        [event] = await app.station.call(events, "complaint.logged")
        assert event["payload"]["category"] == "disconnection_request"
        await until(pilot, lambda: len(printer.jobs) == 1)
        assert "Disconnection request" in slips(printer)[0]


async def test_a_disconnection_request_with_a_bad_mobile_is_refused_before_the_question(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot)
        await pilot.press("d")
        await fill(pilot, "Cut it", mobile="12345")
        assert app.screen is screen  # no question to answer before the mobile is right
        assert message(screen).startswith("mobile")


async def test_a_disconnection_request_needs_an_account(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot, with_consumer=False)
        await pilot.press("d", "enter")
        await fill(pilot, "Cut it", mobile="9812345678")
        assert app.screen is screen
        assert message(screen).startswith("account number")
        assert screen.focused is screen.query_one("#account")


# --- tracking -------------------------------------------------------------------------------


async def log_one(pilot: Any) -> str:
    await open_complaint(pilot)
    await pilot.press("6")
    await fill(pilot, "Sparks")
    await until(pilot, lambda: isinstance(pilot.app.screen, ComplaintDoneScreen))
    return pilot.app.screen.number


async def test_tracking_offline_shows_this_counters_record_and_says_so(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        number = await log_one(pilot)
        await until(pilot, lambda: len(printer.jobs) == 1)
        app.push_screen(ComplaintTrackScreen())
        await pilot.pause()
        screen = app.screen
        await pilot.press(*number, "enter")
        await until(pilot, lambda: screen.found is not None)
        text = screen.result_text
        assert "Not yet at the central" in text
        assert "not assigned yet" in text
        assert number in text
        assert "Transformer (DTR) fault" in text and "Open" in text
        assert "just now" in text
        await pilot.press("ctrl+p")
        await until(pilot, lambda: len(printer.jobs) == 2)
        assert "DUPLICATE" in slips(printer)[1]
        assert "PROVISIONAL" in slips(printer)[1]


async def test_tracking_an_unknown_number_says_so_and_prints_nothing(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        app.push_screen(ComplaintTrackScreen("CSC-0001-C20260110-0099"))
        await pilot.pause()
        screen = app.screen
        await until(pilot, lambda: message(screen) != "")
        assert "no complaint CSC-0001-C20260110-0099" in message(screen)
        await pilot.press("ctrl+p")
        assert "first" in message(screen)
        assert printer.jobs == []


async def test_an_empty_number_is_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        app.push_screen(ComplaintTrackScreen())
        await pilot.pause()
        await pilot.press("enter")
        assert message(app.screen).startswith("Complaint number")


def central_complaints(central: LiveCentral, local_no: str) -> list[tuple[str, str]]:
    with sqlite3.connect(central.db_path) as conn:
        return conn.execute(
            "SELECT complaint_no, local_no FROM complaints WHERE local_no = ?", (local_no,)
        ).fetchall()


async def test_an_offline_complaint_reaches_the_central_once_and_then_shows_its_number(
    tmp_path, printer, live_central: LiveCentral
):
    app = build_app(
        tmp_path / "counter",
        printer=printer,
        counter={"id": live_central.counter_id, "name": "Test counter", "discoms": ["MVVNL"]},
        central={"url": live_central.url, "token": live_central.token},
    )
    live_central.stop()  # the network is down while the complaint is logged
    async with app.run_test(size=SIZE) as pilot:
        number = await log_one(pilot)
        engine = app.station.engine
        await asyncio.to_thread(engine.sync_once, force=True)
        assert engine.state.online is False
        assert central_complaints(live_central, number) == []

        app.push_screen(ComplaintTrackScreen(number))  # offline: this counter's record
        await pilot.pause()
        track = app.screen
        await until(pilot, lambda: track.found is not None)
        assert track.found.source == "local"
        assert "not assigned yet" in track.result_text
        await pilot.press("escape")

        live_central.start()
        await asyncio.to_thread(engine.sync_once, force=True)
        await asyncio.to_thread(engine.sync_once, force=True)  # again: nothing sent twice
        [(central_no, local_no)] = central_complaints(live_central, number)
        assert local_no == number and "CMP" in central_no

        app.push_screen(ComplaintTrackScreen(number))
        await pilot.pause()
        track = app.screen
        await until(pilot, lambda: track.found is not None)
        assert track.found.source == "central"
        assert central_no in track.result_text
        assert "Live from the central" in track.result_text
        # The central's number also finds it, from the central and offline alike.
        offline = await app.station.call(complaint_status, central_no)
        assert (offline.local_no, offline.central_no) == (number, central_no)

        before = len(printer.jobs)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: len(printer.jobs) == before + 1)
        reprint = slips(printer)[-1]
        assert "DUPLICATE" in reprint and central_no in reprint
        assert "PROVISIONAL" not in reprint


async def test_f10_redraws_the_form_and_the_categories_in_hindi(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_complaint(pilot)
        await pilot.press("2")
        await pilot.press("f10")
        await pilot.pause()
        chooser = str(screen.query_one("#category", Choices).render())
        assert "मीटर ख़राब" in chooser and "Meter fault" not in chooser
        assert "राम कुमार" in str(screen.query_one("#complaint-consumer").render())
        assert screen.category == "meter_fault"  # the choice survives the switch
