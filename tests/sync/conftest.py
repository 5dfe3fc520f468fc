"""A counter wired to the real reference central over loopback HTTP (no mocks)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kiosk.config import KioskSettings
from kiosk.services.counter import Counter
from kiosk.services.payments import PaymentRequest, PaymentResult, record_payment
from kiosk.services.runtime import Wiring, open_counter, wire_sync
from tests.support.fault_proxy import FaultProxy
from tests.support.live_central import LiveCentral


@dataclass
class Rig:
    counter: Counter
    wiring: Wiring
    central: LiveCentral
    proxy: FaultProxy | None

    @property
    def engine(self):
        assert self.wiring.engine is not None
        return self.wiring.engine

    def pay(self, n: int, *, amount_paise: int = 50_000, mode: str = "upi") -> list[PaymentResult]:
        """``n`` payments for ``n`` different consumers (no second-payment warnings)."""
        results = []
        for _ in range(n):
            index = next(_accounts)
            request = PaymentRequest(
                discom="MVVNL",
                account_no=f"{1_000_000_000 + index}",
                amount_paise=amount_paise,
                mode=mode,
                operator_id="op1",
                utr=f"{100_000_000_000 + index}" if mode == "upi" else None,
                tendered_paise=amount_paise if mode == "cash" else None,
            )
            results.append(record_payment(self.counter, request))
        return results

    def local_totals(self) -> tuple[int, int]:
        row = self.counter.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_paise), 0) FROM payments WHERE status = 'active'"
        ).fetchone()
        return int(row[0]), int(row[1])

    def central_totals(self) -> tuple[int, int]:
        """Payments and paise the central holds for this counter today (its own summary)."""
        day = self.counter.today()
        response = httpx.get(
            f"{self.central.url}/v1/counters/{self.central.counter_id}/summary",
            params={"date": day.isoformat()},
            headers={"Authorization": f"Bearer {self.central.token}"},
        )
        response.raise_for_status()
        body = response.json()
        return int(body["payments"]), int(body["amount_paise"])


_accounts = itertools.count(1)


def settings_for(tmp_path: Path, url: str, token: str, counter_id: str) -> KioskSettings:
    return KioskSettings(
        counter={"id": counter_id, "name": "Test counter", "discoms": ["MVVNL", "DVVNL"]},
        storage={"data_dir": tmp_path / "counter"},
        central={"url": url, "token": token, "batch_size": 20, "read_timeout_s": 5.0},
    )


@pytest.fixture
def rig_factory(tmp_path: Path, live_central: LiveCentral) -> Iterator:
    made: list[Rig] = []

    def make(*, via_proxy: bool = False, backoff_base_s: float = 0.05) -> Rig:
        proxy = FaultProxy(live_central.url).start() if via_proxy else None
        url = proxy.url if proxy else live_central.url
        settings = settings_for(tmp_path, url, live_central.token, live_central.counter_id)
        counter = open_counter(settings)
        wiring = wire_sync(counter, backoff_base_s=backoff_base_s, backoff_cap_s=1.0)
        rig = Rig(counter, wiring, live_central, proxy)
        made.append(rig)
        return rig

    yield make
    for rig in made:
        rig.wiring.close()
        rig.counter.conn.close()
        if rig.proxy is not None:
            rig.proxy.stop()
