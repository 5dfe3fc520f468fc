"""The security tests use the service tests' real counter (a temporary SQLite file, a clock
and randomness the test controls), a counter wired to the live central, and a CLI config."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.config import UpiSettings
from kiosk.services.counter import Counter
from kiosk.services.runtime import Wiring, open_counter, wire_sync
from kiosk.services.scheme import register_scheme
from tests.services.conftest import clock, counter, entropy, settings, supervisor, wakes
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import (
    ADMIN,
    OPERATOR,
    START,
    SUPERVISOR,
    CountingEntropy,
    FixedClock,
    add_staff,
    cache,
)
from tests.services.test_scheme import fee_by_cash, scheme_request
from tests.support.cli_staff import write_cli_config
from tests.support.live_central import LiveCentral
from tests.sync.conftest import settings_for

__all__ = ["clock", "counter", "entropy", "settings", "supervisor", "wakes"]

CONSUMER_MOBILE = "9876543210"  # the cached consumer's


@dataclass
class LiveCounter:
    counter: Counter
    wiring: Wiring
    clock: FixedClock

    def sync(self) -> None:
        assert self.wiring.engine is not None
        assert self.wiring.engine.sync_once(force=True).error is None


@pytest.fixture
def live_counter(tmp_path: Path, live_central: LiveCentral) -> Iterator[LiveCounter]:
    """A counter synced to the live central with its token, an operator and a supervisor,
    the factory consumer cached and a UPI payee; its clock starts at START (10 Jan 2026)."""
    base = settings_for(tmp_path, live_central.url, live_central.token, live_central.counter_id)
    upi_payee = UpiSettings(payee_vpa="mvvnl.counter@examplebank", payee_name="MVVNL Collection")
    clock_ = FixedClock(START)
    made = open_counter(
        base.model_copy(update={"upi": upi_payee}), clock=clock_, entropy=CountingEntropy()
    )
    add_staff(made, OPERATOR, "operator")
    add_staff(made, SUPERVISOR, "supervisor")
    add_staff(made, ADMIN, "admin")
    cache(made, make_snapshot(ACCOUNT, mobile=CONSUMER_MOBILE))
    wiring = wire_sync(made)
    try:
        yield LiveCounter(made, wiring, clock_)
    finally:
        wiring.close()
        made.conn.close()


def register_with_aadhaar(counter: Counter, mobile: str) -> str:
    """A relief-scheme registration of the cached consumer with an Aadhaar, fee in cash."""
    return register_scheme(counter, scheme_request(mobile=mobile), fee_by_cash()).local_no


@pytest.fixture
def cli_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A config file for ``kiosk`` commands, with its own data folder and no printer."""
    return write_cli_config(tmp_path, monkeypatch, "Security test")
