"""Building the real counter app for Pilot tests: a real database in a temporary folder,
staff with real argon2 PINs, cached consumers, a frozen clock and an in-memory printer.

Only the printer is a stand-in (``DummyConnection``): no thermal printer is attached here.
Its bytes are the real ESC/POS the spool renders.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kiosk.app import DemoInfo, KioskApp, create_app
from kiosk.config import KioskSettings
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.printer.connections import DummyConnection
from kiosk.services import auth
from kiosk.services.operators import add_operator
from kiosk.services.runtime import open_counter
from kiosk.store.consumers import upsert_snapshots
from tests.services.factories import CACHED_AT, make_snapshot
from tests.services.support import START, CountingEntropy, FixedClock, make_settings

OPERATOR, OPERATOR_PIN = "OP1", "2580"
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
