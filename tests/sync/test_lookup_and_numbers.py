"""Lookups offline from the pulled cache, and the central's numbers landing on local records."""

from __future__ import annotations

from datetime import timedelta

from kiosk.services.complaints import ComplaintRequest, complaint_status, log_complaint
from kiosk.services.lookup import find_account, find_mobile
from tests.sync.conftest import Rig


def _first_mvvnl(rig: Rig) -> tuple[str, str | None]:
    row = rig.counter.conn.execute(
        "SELECT account_no, mobile FROM consumers WHERE discom = 'MVVNL' ORDER BY id LIMIT 1"
    ).fetchone()
    return row[0], row[1]


def test_lookup_works_offline_from_the_cache_and_says_how_old_it_is(rig_factory) -> None:
    rig: Rig = rig_factory()
    report = rig.engine.sync_once()
    assert report.pulled > 0
    account, mobile = _first_mvvnl(rig)

    live = find_account(rig.counter, "MVVNL", account, central=rig.wiring.central)
    assert live is not None and live.source == "central"

    rig.central.stop()
    rig.engine.sync_once()  # learns that the central is gone
    assert rig.engine.state.online is False
    later = rig.counter.now() + timedelta(hours=3)

    cached = find_account(rig.counter, "MVVNL", account, central=rig.wiring.central)

    assert cached is not None
    assert cached.source == "cache"
    assert cached.snapshot.consumer.account_no == account
    assert cached.freshness(later).startswith("data as of ")
    assert "3 hours old" in cached.freshness(later)
    if mobile:
        assert account in [m.snapshot.consumer.account_no for m in find_mobile(rig.counter, mobile)]


def test_a_consumer_the_central_does_not_know_is_looked_up_as_none(rig_factory) -> None:
    rig: Rig = rig_factory()
    rig.engine.sync_once()
    assert find_account(rig.counter, "MVVNL", "1999999999", central=rig.wiring.central) is None


def test_complaint_logged_offline_gets_the_central_number_after_sync(rig_factory) -> None:
    rig: Rig = rig_factory()
    rig.central.stop()
    logged = log_complaint(
        rig.counter,
        ComplaintRequest("no_supply", "no power since morning", "9876543210", "op1", "MVVNL"),
    )
    offline = complaint_status(rig.counter, logged.local_no, central=rig.wiring.central)
    assert offline.central_no is None and offline.source == "local"

    rig.central.start()
    assert rig.engine.sync_once(force=True).delivered_all
    [central_no] = rig.counter.conn.execute(
        "SELECT central_no FROM complaints WHERE local_no = ?", (logged.local_no,)
    ).fetchone()
    assert "-CMP-" in central_no

    online = complaint_status(rig.counter, central_no, central=rig.wiring.central)
    assert online.source == "central" and online.local_no == logged.local_no

    rig.central.stop()
    rig.engine.sync_once()
    by_central_number = complaint_status(rig.counter, central_no, central=rig.wiring.central)
    assert by_central_number.source == "local"
    assert by_central_number.local_no == logged.local_no
