"""Type-ahead: keys typed in one burst (a scanner, a fast typist) each reach the field that
has focus once the keys before them have done their work (kiosk/typeahead.py).

A burst here is every key posted to the app at once, with no pause between them, as a
terminal delivers a pasted or scanned line. Pilot's ``press`` waits after each key, so it
cannot show the problem; before the type-ahead, the fast path below stayed on the lookup
with the later keys typed into the search box.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import events

from kiosk.domain.money import format_inr
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import text_of
from kiosk.screens.lookup import LookupScreen
from kiosk.screens.receipt_done import ReceiptDoneScreen
from kiosk.typeahead import MAX_HOLD_S, QUIET_TURNS, TypeAhead
from tests.services.factories import ACCOUNT, DUE
from tests.ui.support import OPERATOR, OPERATOR_PIN, build_app, sign_in, until
from tests.ui.test_fast_path import TENDERED, fast_path


def burst(app: object, keys: list[str]) -> None:
    """Every key into the app's queue at once, as the terminal driver would post them."""
    for key in keys:
        char = "\r" if key == "enter" else key
        app.post_message(events.Key(key, char))  # type: ignore[attr-defined]


async def test_the_fast_path_typed_in_one_burst_pays_and_prints(tmp_path: Path) -> None:
    printer = DummyConnection()
    app = build_app(tmp_path, printer=printer)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        burst(app, fast_path(TENDERED))
        await until(pilot, lambda: isinstance(app.screen, ReceiptDoneScreen) and printer.jobs)
        screen = app.screen
        change = str(screen.query_one("#change").render())
    assert screen.result.amount_paise == DUE  # type: ignore[attr-defined]
    assert screen.result.mode == "cash"  # type: ignore[attr-defined]
    assert format_inr(40000_00 - DUE) in change  # the tendered digits reached their field
    assert len(printer.jobs) == 1
    assert screen.result.receipt_no in text_of(printer.jobs[0])  # type: ignore[attr-defined]


async def test_a_burst_after_the_sign_in_lands_in_the_search_box(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#operator").value = ""  # type: ignore[attr-defined]
        burst(app, [*OPERATOR, "enter", *OPERATOR_PIN, "enter", *ACCOUNT[:4]])
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        await until(pilot, lambda: app.screen.query_one("#query").value == ACCOUNT[:4])  # type: ignore[attr-defined]
        assert app.operator.operator_id == OPERATOR


async def test_typing_at_the_usual_pace_is_unchanged(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press(*ACCOUNT[:6])
        assert app.screen.query_one("#query").value == ACCOUNT[:6]  # type: ignore[attr-defined]


# --- the hold itself, without an app ----------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_key_waits_for_a_call_in_flight_and_then_goes_in_order() -> None:
    in_flight = [1]
    given: list[str] = []
    hold = TypeAhead(lambda: [], lambda: in_flight[0], lambda k: given.append(k.key), _Clock())
    hold.start()
    assert hold.hold(events.Key("a", "a")) and hold.hold(events.Key("b", "b"))
    await asyncio.sleep(0.05)
    assert given == []  # the database call is still running
    in_flight[0] = 0
    for _ in range(QUIET_TURNS + 20):
        await asyncio.sleep(0.01)
    assert given == ["a", "b"] and not hold.holding


async def test_no_key_is_held_longer_than_the_limit() -> None:
    clock = _Clock()
    given: list[str] = []
    hold = TypeAhead(lambda: [], lambda: 1, lambda k: given.append(k.key), clock)
    hold.start()
    hold.hold(events.Key("x", "x"))
    await asyncio.sleep(0.02)
    assert given == []
    clock.now += MAX_HOLD_S
    await asyncio.sleep(0.05)
    assert given == ["x"] and not hold.holding
    assert hold.hold(events.Key("y", "y")) is False  # nothing held: the key goes at once
