"""F9 refused events: a supervisor sees what the central rejected and why, and sends one
again after saying yes; an operator sees none of it. Rejections go through the outbox as
the sync engine records them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from kiosk.app import KioskApp
from kiosk.screens.dead_letters import ConfirmScreen, DeadLettersScreen
from kiosk.services.counter import Counter
from kiosk.services.dead_letters import list_dead_letters
from kiosk.services.payments import PaymentResult, record_payment
from offline_queue import outbox
from tests.services.support import START, FixedClock, cash
from tests.ui.support import OPERATOR, SUPERVISOR, SUPERVISOR_PIN, build_app, sign_in

REASON = "amount_paise: the bill belongs to another discom"
SIZE = (110, 34)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def app(tmp_path: Path, clock: FixedClock) -> KioskApp:
    return build_app(tmp_path, clock=clock)


def reject(counter: Counter, event_id: str, reason: str = REASON) -> None:
    """The central's verdict, recorded the way the sync engine records it."""
    outbox.settle(
        counter.conn,
        rejected=[outbox.Rejected(event_id, "malformed", reason)],
        now=counter.now().timestamp(),
    )


def state_of(counter: Counter, event_id: str) -> str | None:
    found = outbox.result_of(counter.conn, event_id)
    return None if found is None else found[0]


def audited(counter: Counter, action: str) -> list[tuple[str, str]]:
    rows = counter.conn.execute(
        "SELECT operator_id, ref FROM audit_log WHERE action = ? ORDER BY id", (action,)
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


async def rejected_payment(app: KioskApp, clock: FixedClock) -> PaymentResult:
    """A payment the central rejected ten minutes after it was taken."""
    paid = await app.station.call(record_payment, cash(1_000_00))
    clock.advance(minutes=10)
    await app.station.call(reject, paid.event_id)
    return paid


async def open_dead_letters(pilot: Any, operator: str, pin: str) -> DeadLettersScreen:
    await sign_in(pilot, operator, pin)
    await pilot.press("f9")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DeadLettersScreen)
    return screen


def rows(screen: DeadLettersScreen) -> list[list[str]]:
    table = screen.query_one("#dead-list", DataTable)
    return [[str(cell) for cell in table.get_row(row.key)] for row in table.ordered_rows]


def message(screen: Any) -> str:
    return str(screen.query_one("#message").render())


def below(screen: DeadLettersScreen) -> str:
    return str(screen.query_one("#dead-reason", Static).render())


async def test_a_supervisor_sees_the_refused_payment_with_the_centrals_reason(
    app: KioskApp, clock: FixedClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await rejected_payment(app, clock)
        screen = await open_dead_letters(pilot, SUPERVISOR, SUPERVISOR_PIN)
        assert rows(screen) == [["10-01-2026 11:40", "Payment", paid.receipt_no, REASON]]
        assert below(screen) == f"Reason: {REASON}"
        assert message(screen) == ""


async def test_an_operator_is_told_only_a_supervisor_sees_them_and_sees_none(
    app: KioskApp, clock: FixedClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await rejected_payment(app, clock)
        screen = await open_dead_letters(pilot, OPERATOR, "2580")
        assert message(screen) == (
            "Only a supervisor can see refused events. Ask a supervisor to sign in."
        )
        table = screen.query_one("#dead-list", DataTable)
        assert table.row_count == 0 and not table.display
        assert screen.lines == []

        await pilot.press("r")  # nothing to confirm, nothing sent again
        await pilot.pause()
        assert pilot.app.screen is screen
        assert await app.station.call(state_of, paid.event_id) == "dead"


async def test_r_and_yes_sends_the_event_again_audited_and_clears_the_list(
    app: KioskApp, clock: FixedClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await rejected_payment(app, clock)
        screen = await open_dead_letters(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await pilot.press("r")
        await pilot.pause()
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        question = str(confirm.query_one("#question").render())
        assert question == f"Send Payment {paid.receipt_no} to the central again?"

        await pilot.press("enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert pilot.app.screen is screen
        assert await app.station.call(state_of, paid.event_id) == "pending"
        assert await app.station.call(list_dead_letters, SUPERVISOR) == []
        assert await app.station.call(audited, "event.requeued") == [(SUPERVISOR, paid.event_id)]
        assert rows(screen) == []
        assert below(screen) == "No refused events. Everything sent was accepted."
        assert message(screen) == (
            f"Payment {paid.receipt_no} is queued again; it goes with the next sync."
        )


async def test_escape_at_the_question_sends_nothing(app: KioskApp, clock: FixedClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await rejected_payment(app, clock)
        screen = await open_dead_letters(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await pilot.press("r", "escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert await app.station.call(state_of, paid.event_id) == "dead"
        assert await app.station.call(audited, "event.requeued") == []
        assert len(rows(screen)) == 1


async def test_the_reason_below_follows_the_selected_event(
    app: KioskApp, clock: FixedClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await rejected_payment(app, clock)
        clock.advance(minutes=5)
        second = await app.station.call(record_payment, cash(200_00), confirm_second=True)
        await app.station.call(reject, second.event_id, "mode: unknown payment mode")
        screen = await open_dead_letters(pilot, SUPERVISOR, SUPERVISOR_PIN)
        assert [row[2] for row in rows(screen)] == [first.receipt_no, second.receipt_no]
        assert below(screen) == f"Reason: {REASON}"
        await pilot.press("down")
        await pilot.pause()
        assert below(screen) == "Reason: mode: unknown payment mode"
        assert [row[0] for row in rows(screen)] == ["10-01-2026 11:40", "10-01-2026 11:45"]


async def test_nothing_refused_says_so(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dead_letters(pilot, SUPERVISOR, SUPERVISOR_PIN)
        assert rows(screen) == []
        assert below(screen) == "No refused events. Everything sent was accepted."


async def test_f10_shows_them_in_hindi(app: KioskApp, clock: FixedClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paid = await rejected_payment(app, clock)
        screen = await open_dead_letters(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await pilot.press("f10")
        await pilot.pause()
        table = screen.query_one("#dead-list", DataTable)
        labels = [str(column.label) for column in table.ordered_columns]
        assert labels == ["अस्वीकृति का समय", "रिकॉर्ड", "संख्या", "केंद्रीय सर्वर का कारण"]
        assert rows(screen)[0][1:3] == ["भुगतान", paid.receipt_no]
        assert below(screen) == f"कारण: {REASON}"  # the central's own words stay as sent
        assert str(screen.query_one(".screen-title").render()) == ("केंद्रीय सर्वर द्वारा अस्वीकृत घटनाएँ")
