"""A meter reading and a new-connection application taken while the network is down reach
the reference central exactly once when it is back, and the application's slip, reprinted
after that, carries the central's application number (the complaint, registration and
recharge have the same proof in their own test files)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from kiosk.printer.connections import DummyConnection
from kiosk.screens.new_connection import ConnectionDoneScreen, NewConnectionScreen
from kiosk.screens.reading import ReadingDoneScreen
from tests.services.support import AADHAAR
from tests.support.live_central import LiveCentral
from tests.ui.support import build_app, slips, until
from tests.ui.test_readings_connections import APPLICANT, open_reading

SIZE = (100, 30)


def central_rows(central: LiveCentral, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(central.db_path) as conn:
        return conn.execute(sql, params).fetchall()


def local_rows(app: Any, sql: str) -> Any:
    return app.station.call(lambda counter: counter.conn.execute(sql).fetchall())


async def test_an_offline_reading_and_application_reach_the_central_once(
    tmp_path: Path, live_central: LiveCentral
) -> None:
    printer = DummyConnection()
    app = build_app(
        tmp_path / "counter",
        printer=printer,
        counter={"id": live_central.counter_id, "name": "Test counter", "discoms": ["MVVNL"]},
        central={"url": live_central.url, "token": live_central.token},
    )
    live_central.stop()  # the network is down while the work is done
    async with app.run_test(size=SIZE) as pilot:
        await open_reading(pilot)
        await pilot.press(*"4700", "enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReadingDoneScreen))
        await pilot.press("escape")
        await pilot.pause()

        app.push_screen(NewConnectionScreen())
        await pilot.pause()
        assert isinstance(app.screen, NewConnectionScreen)
        await pilot.press(*APPLICANT, "1", *"1.5", "enter", "1", *AADHAAR, "enter")
        await until(pilot, lambda: isinstance(app.screen, ConnectionDoneScreen))
        done = app.screen
        local_no = done.number

        engine = app.station.engine
        await asyncio.to_thread(engine.sync_once, force=True)
        assert engine.state.online is False
        events = await local_rows(app, "SELECT event_id FROM outbox WHERE status = 'pending'")
        assert len(events) == 2

        live_central.start()
        await asyncio.to_thread(engine.sync_once, force=True)
        await asyncio.to_thread(engine.sync_once, force=True)  # again: nothing sent twice
        ids = [event_id for (event_id,) in events]
        marks = ",".join("?" * len(ids))
        readings = central_rows(
            live_central,
            f"SELECT reading_kwh FROM readings WHERE event_id IN ({marks})",
            *ids,
        )
        applications = central_rows(
            live_central,
            f"SELECT application_no, pincode FROM connection_requests WHERE event_id IN ({marks})",
            *ids,
        )
        assert readings == [(4700,)]
        [(application_no, pincode)] = applications
        assert pincode == "241001" and application_no != local_no
        assert await local_rows(app, "SELECT central_no FROM connection_requests") == [
            (application_no,)
        ]

        printed = len(printer.jobs)
        await pilot.press("p")  # a reprint now carries the central's number
        await until(pilot, lambda: len(printer.jobs) > printed)
        reprint = slips(printer)[-1]
        assert application_no in reprint and "PROVISIONAL" not in reprint
        assert "DUPLICATE" in reprint
