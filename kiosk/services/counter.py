"""The counter's wiring that every service needs: its database, settings, clock, data files.

Services take a :class:`Counter` instead of globals so tests can freeze the clock and the
randomness, and the app, the CLI and the tests share one way of building it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cached_property
from typing import TYPE_CHECKING

from kiosk.domain.errors import InvalidInput

if TYPE_CHECKING:  # the data files load on first use, not before the login screen
    from kiosk.config import KioskSettings
    from kiosk.domain.ids import Discom
    from kiosk.domain.relief import ReliefScheme
    from kiosk.domain.tariff import Tariff

# India has one time zone and no daylight saving: a fixed offset needs no tz database,
# which Windows counters may lack.
IST = timezone(timedelta(hours=5, minutes=30), "IST")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Counter:
    conn: sqlite3.Connection
    settings: KioskSettings
    clock: Callable[[], datetime] = utc_now
    entropy: Callable[[int], bytes] = os.urandom
    # Called after every commit that queued an event (the app wakes the sync engine).
    on_committed: Callable[[], None] | None = None
    is_online: Callable[[], bool] = field(default=lambda: False)

    @property
    def counter_id(self) -> str:
        return self.settings.counter.id

    def now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the counter clock must be timezone-aware")
        return now.astimezone(UTC)

    def today(self, now: datetime | None = None) -> date:
        """The counter's business day: the date in India, whatever the machine's zone."""
        return (now or self.now()).astimezone(IST).date()

    @cached_property
    def discoms(self) -> dict[str, Discom]:
        from kiosk.datafiles import load_discoms

        return load_discoms(self.settings.data.discoms_file)

    @cached_property
    def tariff(self) -> Tariff:
        from kiosk.datafiles import load_tariff

        return load_tariff(self.settings.data.tariff_file)

    @cached_property
    def scheme(self) -> ReliefScheme:
        from kiosk.datafiles import load_scheme

        return load_scheme(self.settings.data.scheme_file)

    def committed(self) -> None:
        if self.on_committed is not None:
            self.on_committed()

    def check_discom(self, discom: str) -> str:
        """A discom this counter serves, spelt as the settings spell it."""
        code = (discom or "").strip()
        served = self.settings.counter.discoms
        match = next((d for d in served if d.lower() == code.lower()), None)
        if match is None:
            raise InvalidInput("discom", f"this counter serves {', '.join(served)}, not {discom!r}")
        return match

    def check_account(self, discom: str, account_no: str) -> tuple[str, str]:
        """A discom this counter serves and an account number valid for it."""
        match = self.check_discom(discom)
        from kiosk.domain.ids import validate_account_number

        return match, validate_account_number(account_no, self.discoms.get(match))
