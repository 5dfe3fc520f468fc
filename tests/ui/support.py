"""Building the real counter app for Pilot tests: a real database in a temporary folder,
staff with real argon2 PINs, cached consumers, a frozen clock and an in-memory printer.

Only the printer is a stand-in (``DummyConnection``): no thermal printer is attached here.
Its bytes are the real ESC/POS the spool renders.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from kiosk.app import DemoInfo, KioskApp, create_app
from kiosk.config import KioskSettings
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import text_of
from kiosk.services import auth
from kiosk.services.counter import Counter
from kiosk.services.operators import add_operator
from kiosk.services.runtime import open_counter
from kiosk.store.consumers import upsert_snapshots
from tests.services.factories import CACHED_AT, make_snapshot
from tests.services.support import START, CountingEntropy, FixedClock, make_settings

OPERATOR, OPERATOR_PIN = "OP1", "2580"
# A snapshot's way to its screen: ``run_before`` in pytest-textual-snapshot.
Navigate = Callable[[Any], Awaitable[None]]
SUPERVISOR, SUPERVISOR_PIN = "SUP1", "1470"


def prepare_counter(
    settings: KioskSettings,
    *,
    staff: bool = True,
    consumers: Iterable[ConsumerSnapshot] | None = None,
    clock: FixedClock | None = None,
) -> None:
    """Create the counter database with an operator, a supervisor and cached consumers."""
    counter = open_counter(settings, clock=clock or FixedClock(START), entropy=CountingEntropy())
    try:
        if staff:
            auth.create_first_supervisor(counter, SUPERVISOR, "Sunita Verma", SUPERVISOR_PIN)
            add_operator(counter, OPERATOR, "Ramesh Kumar", "operator")
            auth.set_pin(counter, OPERATOR, OPERATOR_PIN, by=SUPERVISOR)
        snapshots = list(consumers) if consumers is not None else [make_snapshot()]
        if snapshots:
            upsert_snapshots(counter.conn, snapshots, cached_at=CACHED_AT)
    finally:
        counter.conn.close()


def build_app(
    data_dir: Path,
    *,
    clock: FixedClock | None = None,
    printer: DummyConnection | None = None,
    demo: DemoInfo | None = None,
    prepare: bool = True,
    staff: bool = True,
    consumers: Iterable[ConsumerSnapshot] | None = None,
    idle_lock_s: float | None = None,
    **sections: Any,
) -> KioskApp:
    """The app exactly as ``kiosk`` builds it, over a prepared test database."""
    settings = make_settings(data_dir, **sections)
    clock = clock or FixedClock(START)
    if prepare:
        prepare_counter(settings, staff=staff, consumers=consumers, clock=clock)
    return create_app(
        settings,
        clock=clock,
        printer=printer or DummyConnection(),
        sync=False,
        demo=demo,
        strict_i18n=True,
        idle_lock_s=idle_lock_s,
        refresh_status=False,
        entropy=CountingEntropy(),
    )


async def sign_in(pilot: Any, operator: str = OPERATOR, pin: str = OPERATOR_PIN) -> None:
    """Type the operator id and PIN on the login screen, by keys alone."""
    app = pilot.app
    await pilot.pause()
    operator_input = app.screen.query_one("#operator")
    operator_input.value = ""
    operator_input.focus()
    await pilot.press(*operator, "enter", *pin, "enter")
    await pilot.pause()


async def until(pilot: Any, condition: Callable[[], bool], timeout_s: float = 8.0) -> None:
    """Wait for what a background thread or a timer does (the spool, a poll)."""
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


def message(screen: Any) -> str:
    """What the screen's message line says."""
    return str(screen.query_one("#message").render())


def slips(printer: DummyConnection) -> list[str]:
    """Every printed job as one line of text (white space folded)."""
    return [" ".join(text_of(job).split()) for job in printer.jobs]


async def rows(app: KioskApp, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """The rows a query finds in the app's own database (read on its database thread)."""

    def read(counter: Counter) -> list[tuple[Any, ...]]:
        return counter.conn.execute(sql, params).fetchall()

    return await app.station.call(read)
