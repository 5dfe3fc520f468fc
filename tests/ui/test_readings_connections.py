"""Self meter readings and new-connection applications by keys alone, on the real
database: the acknowledgement on screen and on paper (decoded from the printer's bytes),
the refusals that name the field and write nothing, the Y a reading below the last one
needs, an Aadhaar number that is never shown, stored or printed whole, and a printer that
is off when the slip is due."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.screens.ack_common import Choices, ConfirmWithY
from kiosk.screens.new_connection import ConnectionDoneScreen, NewConnectionScreen
from kiosk.screens.reading import ReadingDoneScreen, ReadingScreen
from kiosk.services.lookup import find_account
from kiosk.services.readings import record_reading
from tests.services.factories import ACCOUNT
from tests.services.support import (
    AADHAAR,
    AADHAAR_BAD_CHECK,
    OPERATOR,
    TODAY,
    database_bytes,
    db_state,
    events,
)
from tests.ui.support import message, sign_in, slips, until

SIZE = (100, 30)
READING_NO = "CSC-0001-M20260110-0001"
APPLICATION_NO = "CSC-0001-N20260110-0001"


# --- helpers ------------------------------------------------------------------------------


async def set_field(pilot: Any, widget_id: str, text: str, *, paste: bool = False) -> None:
    """Empty a field, then type into it by keys (or paste it: a long file path)."""
    field = pilot.app.screen.query_one(f"#{widget_id}", Input)
    field.value = text if paste else ""
    field.focus()
    if text and not paste:
        await pilot.press(*text)


async def rows(app: KioskApp, table: str) -> list[dict[str, Any]]:
    def read(counter: Any) -> list[dict[str, Any]]:
        cursor = counter.conn.execute(f"SELECT * FROM {table} ORDER BY id")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    return await app.station.call(read)


async def earlier_reading(app: KioskApp, kwh: int) -> None:
    await app.station.call(
        record_reading,
        discom="MVVNL",
        account_no=ACCOUNT,
        reading_kwh=kwh,
        read_on=TODAY,
        operator_id=OPERATOR,
    )


async def open_reading(pilot: Any) -> ReadingScreen:
    await sign_in(pilot)
    lookup = await pilot.app.station.call(find_account, "MVVNL", ACCOUNT)
    pilot.app.push_screen(ReadingScreen(lookup))
    await pilot.pause()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReadingScreen)
    return screen


async def open_connection(pilot: Any) -> NewConnectionScreen:
    await sign_in(pilot)
    pilot.app.push_screen(NewConnectionScreen())
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, NewConnectionScreen)
    return screen


APPLICANT = [*"Sita Devi", "enter", *"9876543210", "enter", *"Rampur", "enter"]
APPLICANT += [*"241001", "enter"]


async def paste_applicant(pilot: Any) -> None:
    """The first four fields filled at once (for tests about what comes after them)."""
    for widget_id, text in (
        ("applicant", "Sita Devi"),
        ("mobile", "9876543210"),
        ("address", "Rampur"),
        ("pincode", "241001"),
    ):
        await set_field(pilot, widget_id, text, paste=True)
    await pilot.press("enter")  # from the PIN code to the category


# --- self meter reading ----------------------------------------------------------------------


async def test_a_reading_by_keys_is_acknowledged_on_screen_and_on_paper(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reading(pilot)
        assert "No earlier reading" in str(screen.query_one("#reading-last").render())
        assert screen.query_one("#read-on", Input).value == "10-01-2026"  # the station's day
        await pilot.press(*"4700", "enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReadingDoneScreen))
        done = app.screen
        assert done.number == READING_NO
        assert "4700 kWh" in done.details_text and "10-01-2026" in done.details_text
        await until(pilot, lambda: done.print_state == "printed")
        [stored] = await rows(app, "meter_readings")
        assert (stored["reading_kwh"], stored["read_on"], stored["meter_change"]) == (
            4700,
            "2026-01-10",
            0,
        )
        [slip] = slips(printer)
        for wanted in ("METER READING RECEIVED", READING_NO, "4700 kWh", "10-01-2026"):
            assert wanted in slip
        assert f"MVVNL {ACCOUNT}" in slip and "PROVISIONAL (offline)" in slip
        await pilot.press("p")
        await until(pilot, lambda: len(printer.jobs) == 2)
        assert "DUPLICATE" in slips(printer)[1]


async def test_a_reading_below_the_last_one_needs_an_explicit_y_for_a_meter_change(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        await earlier_reading(app, 4512)
        screen = await open_reading(pilot)
        assert "4512 kWh" in str(screen.query_one("#reading-last").render())
        before = await app.station.call(db_state)
        await pilot.press(*"12", "enter", "enter", "enter")
        assert isinstance(app.screen, ConfirmWithY)
        assert "4512" in app.screen.text and "12 kWh" in app.screen.text
        await pilot.press("enter")  # Enter does not answer
        assert isinstance(app.screen, ConfirmWithY)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert message(screen).startswith("Meter reading: 12 kWh is below the last reading")
        assert screen.focused is screen.query_one("#reading", Input)
        assert await app.station.call(db_state) == before

        await pilot.press("enter", "enter", "enter")
        await pilot.press("y")  # the meter was replaced
        await until(pilot, lambda: isinstance(app.screen, ReadingDoneScreen))
        assert "new meter" in app.screen.details_text
        [event] = (await app.station.call(events, "reading.recorded"))[1:]
        assert (event["payload"]["reading_kwh"], event["payload"]["meter_change"]) == (12, True)
        await until(pilot, lambda: len(printer.jobs) == 2)
        assert "12 kWh" in slips(printer)[1]


async def test_an_equal_or_higher_reading_needs_no_question(app):
    async with app.run_test(size=SIZE) as pilot:
        await earlier_reading(app, 4512)
        await open_reading(pilot)
        await pilot.press(*"4512", "enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReadingDoneScreen))
        assert "Last reading: 4512 kWh" in app.screen.details_text


async def test_each_bad_reading_input_names_its_field_and_writes_nothing(app, printer, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reading(pilot)
        before = await app.station.call(db_state)

        async def refused(start: str, focused: str) -> None:
            screen.query_one("#photo", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert message(screen).startswith(start), message(screen)
            assert screen.focused is screen.query_one(f"#{focused}")
            assert await app.station.call(db_state) == before

        await refused("Meter reading: type", "reading")  # nothing typed
        await set_field(pilot, "reading", "4700", paste=True)
        await set_field(pilot, "read-on", "32-01-2026", paste=True)
        await refused("Reading date: type the date", "read-on")
        await set_field(pilot, "read-on", "11-01-2026", paste=True)
        await refused("reading date: is in the future", "read-on")
        await set_field(pilot, "read-on", "10-01-2026", paste=True)
        await set_field(pilot, "photo", str(tmp_path / "meter.gif"), paste=True)
        await refused("photo: must be a .jpg or .png file", "photo")
        await set_field(pilot, "photo", str(tmp_path / "missing.jpg"), paste=True)
        await refused("photo: cannot read the file missing.jpg", "photo")
        assert printer.jobs == []


async def test_a_reading_with_a_photo_says_it_is_attached(app, printer, tmp_path):
    photo = tmp_path / "meter.jpg"
    photo.write_bytes(b"\xff\xd8 a meter photo")
    async with app.run_test(size=SIZE) as pilot:
        await open_reading(pilot)
        await pilot.press(*"4700", "enter", "enter")
        await set_field(pilot, "photo", str(photo), paste=True)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReadingDoneScreen))
        assert "Photo of the meter attached" in app.screen.details_text
        [stored] = await rows(app, "meter_readings")
        assert stored["photo_sha256"] and len(stored["photo_sha256"]) == 64


# --- new connection ---------------------------------------------------------------------------


async def test_an_application_by_keys_keeps_the_aadhaar_masked_everywhere(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_connection(pilot)
        await pilot.press(*APPLICANT)
        assert screen.focused is screen.query_one("#category", Choices)
        await pilot.press("1")  # LMV-1 rural: chosen, and on to the load
        assert screen.focused is screen.query_one("#load", Input)
        await pilot.press(*"1.5", "enter", "1")  # Aadhaar: on to the number
        number = screen.query_one("#id-number", Input)
        assert screen.focused is number and number.password  # typed digits are dots
        await pilot.press(*AADHAAR, "enter")
        await until(pilot, lambda: isinstance(app.screen, ConnectionDoneScreen))
        done = app.screen
        assert done.number == APPLICATION_NO
        assert "XXXX XXXX 9056" in done.details_text and AADHAAR not in done.details_text
        assert number.value == ""  # the full number has left the form

        [stored] = await rows(app, "connection_requests")
        assert (stored["applicant_name"], stored["category"], stored["load_kw"]) == (
            "Sita Devi",
            "lmv1-rural",
            "1.5",
        )
        assert stored["id_proof_ref"] == "XXXX XXXX 9056"
        assert AADHAAR.encode() not in await app.station.call(database_bytes)

        await until(pilot, lambda: done.print_state == "printed")
        [slip] = slips(printer)
        assert "NEW CONNECTION APPLICATION" in slip
        assert APPLICATION_NO in slip and "XXXX XXXX 9056" in slip
        assert AADHAAR.encode() not in printer.output


async def test_a_voter_id_application_goes_through(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_connection(pilot)
        await paste_applicant(pilot)
        await pilot.press("down", "down", "enter")  # arrows: LMV-1 urban
        assert screen.category == "lmv1-urban"
        await pilot.press(*"2", "enter", "2")
        assert not screen.query_one("#id-number", Input).password
        await pilot.press(*"ABC1234567", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConnectionDoneScreen))
        [stored] = await rows(app, "connection_requests")
        assert (stored["id_proof_type"], stored["id_proof_ref"]) == ("voter_id", "ABC1234567")
        assert "XXXXXX4567" in app.screen.details_text
        await until(pilot, lambda: len(printer.jobs) == 1)
        assert "XXXXXX4567" in slips(printer)[0] and "ABC1234567" not in slips(printer)[0]


async def test_each_bad_application_input_names_its_field_and_writes_nothing(app, printer):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_connection(pilot)
        before = await app.station.call(db_state)

        async def refused(start: str, focused: str) -> None:
            screen.query_one("#id-number", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert message(screen).startswith(start), message(screen)
            assert screen.focused is screen.query_one(f"#{focused}")
            assert await app.station.call(db_state) == before

        await paste_applicant(pilot)
        await refused("Category: choose", "category")
        await pilot.press("3")
        await set_field(pilot, "load", "2", paste=True)
        await refused("ID proof: choose", "id-type")
        await pilot.press("1")
        await set_field(pilot, "id-number", AADHAAR_BAD_CHECK, paste=True)
        await refused("aadhaar: check digit does not match", "id-number")
        assert "Kept and printed" not in str(screen.query_one("#id-shown").render())
        await set_field(pilot, "id-number", "1234", paste=True)
        await refused("aadhaar: must be 12 digits", "id-number")
        await set_field(pilot, "id-number", AADHAAR, paste=True)
        for load in ("0", "1.2.3", ""):
            await set_field(pilot, "load", load, paste=True)
            await refused("load: must be", "load")
        await set_field(pilot, "load", "2", paste=True)
        await set_field(pilot, "mobile", "12345", paste=True)
        await refused("mobile: must be 10 digits", "mobile")
        await set_field(pilot, "mobile", "9876543210", paste=True)
        await set_field(pilot, "pincode", "041001", paste=True)
        await refused("pincode: cannot start with 0", "pincode")
        await set_field(pilot, "pincode", "241001", paste=True)
        await set_field(pilot, "applicant", "", paste=True)
        await refused("applicant_name", "applicant")
        assert printer.jobs == []


async def test_a_printer_that_is_off_leaves_the_slip_queued_until_it_is_back(app, printer):
    printer.simulate("offline")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_connection(pilot)
        await paste_applicant(pilot)
        await pilot.press("5", *"3", "enter", "1", *AADHAAR, "enter")
        await until(pilot, lambda: isinstance(app.screen, ConnectionDoneScreen))
        done = app.screen
        await until(pilot, lambda: "printer is off" in done.print_text)
        assert done.print_state == "pending" and printer.jobs == []
        assert len(await rows(app, "connection_requests")) == 1  # saved all the same
        printer.simulate("ready")
        app.station.wake_printer()
        await until(pilot, lambda: done.print_state == "printed", timeout_s=10)
        assert APPLICATION_NO in slips(printer)[0]
        assert screen is not app.screen
