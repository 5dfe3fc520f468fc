"""Finding a consumer: from the local cache always, refreshed from the central when online.

The answer says where it came from and how old it is, so the operator never mistakes a
week-old cache for today's dues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from kiosk.domain.ids import validate_mobile
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.services.central_client import CentralClient, CentralUnavailable
from kiosk.services.counter import IST, Counter
from kiosk.services.dues import outstanding_paise
from kiosk.store.consumers import (
    CachedConsumer,
    find_by_mobile,
    get_by_account,
    search,
    upsert_snapshots,
)


@dataclass(frozen=True, slots=True)
class Lookup:
    snapshot: ConsumerSnapshot
    source: Literal["central", "cache"]
    as_of: datetime
    outstanding_paise: int

    def age(self, now: datetime) -> timedelta:
        return max(timedelta(0), now - self.as_of)

    def freshness(self, now: datetime) -> str:
        """``live from the central`` or ``data as of 22.11.2026 10:15 (3 hours old)``."""
        if self.source == "central":
            return "live from the central"
        local = self.as_of.astimezone(IST)
        return f"data as of {local:%d.%m.%Y %H:%M} ({describe_age(self.age(now))} old)"


def describe_age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"


def find_account(
    counter: Counter, discom: str, account_no: str, *, central: CentralClient | None = None
) -> Lookup | None:
    """One consumer by discom + account number; None when neither side knows it."""
    discom, account_no = counter.check_account(discom, account_no)
    if central is not None and counter.is_online():
        try:
            fresh = central.consumer(discom, account_no)
        except CentralUnavailable:
            fresh = None
        else:
            if fresh is not None:
                return _store_and_wrap(counter, [fresh])[0]
    cached = get_by_account(counter.conn, discom, account_no)
    return None if cached is None else _wrap(counter, cached)


def find_mobile(
    counter: Counter, mobile: str, *, central: CentralClient | None = None
) -> list[Lookup]:
    mobile = validate_mobile(mobile)
    if central is not None and counter.is_online():
        try:
            fresh = central.consumers_by_mobile(mobile)
        except CentralUnavailable:
            fresh = []
        served = [s for s in fresh if s.consumer.discom in counter.settings.counter.discoms]
        if served:
            return _store_and_wrap(counter, served)
    return [_wrap(counter, cached) for cached in find_by_mobile(counter.conn, mobile)]


def search_name(counter: Counter, text: str, *, limit: int = 20) -> list[Lookup]:
    """Name / place search in the local cache (FTS); never goes to the network."""
    return [_wrap(counter, cached) for cached in search(counter.conn, text, limit=limit)]


def _wrap(counter: Counter, cached: CachedConsumer) -> Lookup:
    return _lookup(counter, cached.snapshot, "cache", cached.cached_at)


def _lookup(
    counter: Counter, snapshot: ConsumerSnapshot, source: Literal["central", "cache"], at: datetime
) -> Lookup:
    return Lookup(snapshot, source, at, outstanding_paise(counter, snapshot))


def _store_and_wrap(counter: Counter, snapshots: list[ConsumerSnapshot]) -> list[Lookup]:
    now = counter.now()
    upsert_snapshots(counter.conn, snapshots, cached_at=now)
    return [_lookup(counter, s, "central", now) for s in snapshots]
