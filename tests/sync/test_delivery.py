"""Exactly-once delivery to the real central, through outages and broken replies."""

from __future__ import annotations

import json
import time

from kiosk.store.db import transaction
from offline_queue import outbox
from tests.sync.conftest import Rig


def _wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_payments_taken_while_central_is_down_are_delivered_once_it_is_back(rig_factory) -> None:
    rig: Rig = rig_factory()
    rig.central.stop()
    rig.pay(7)
    report = rig.engine.sync_once()
    assert report.error is not None
    assert report.remaining == 7
    assert rig.engine.state.online is False

    rig.central.start()
    report = rig.engine.sync_once(force=True)

    assert report.delivered_all, report
    assert report.accepted == 7
    assert rig.engine.state.online is True
    assert rig.central_totals() == rig.local_totals() == (7, 7 * 50_000)


def test_reply_lost_after_the_central_committed_creates_no_duplicate(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    rig.pay(5)
    assert rig.proxy is not None
    rig.proxy.script(["lose_reply"])

    first = rig.engine.sync_once()
    assert first.error is not None and first.remaining == 5
    assert rig.central_totals() == (5, 5 * 50_000)  # the central did commit

    second = rig.engine.sync_once(force=True)
    assert second.delivered_all
    assert second.duplicate == 5 and second.accepted == 0
    assert rig.central_totals() == rig.local_totals() == (5, 5 * 50_000)


def test_truncated_reply_is_resent_without_duplicate(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    rig.pay(3)
    assert rig.proxy is not None
    rig.proxy.script(["truncate"])

    assert rig.engine.sync_once().remaining == 3
    assert rig.engine.sync_once(force=True).delivered_all
    assert rig.central_totals() == (3, 3 * 50_000)


def test_duplicate_result_carries_the_same_central_reference(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    [payment] = rig.pay(1)
    assert rig.proxy is not None
    rig.proxy.script(["lose_reply"])
    rig.engine.sync_once()
    rig.engine.sync_once(force=True)
    status, refs = outbox.result_of(rig.counter.conn, payment.event_id) or ("", {})
    assert status == "synced"
    assert refs.get("central_ref", "").startswith("MVVNL-PAY-")


def test_one_malformed_event_is_dead_lettered_and_the_others_are_delivered(rig_factory) -> None:
    rig: Rig = rig_factory()
    rig.pay(2)
    good = json.loads(
        rig.counter.conn.execute("SELECT body FROM outbox ORDER BY seq LIMIT 1").fetchone()[0]
    )
    bad = dict(good, event_id="01900000-0000-7000-8000-000000000001")
    bad["payload"] = dict(good["payload"], amount_paise=-5)
    with transaction(rig.counter.conn):
        outbox.enqueue(rig.counter.conn, bad, now=time.time())
    rig.pay(2)

    report = rig.engine.sync_once()

    assert report.rejected == 1
    assert report.accepted == 4
    assert report.remaining == 0
    [dead] = outbox.dead_letters(rig.counter.conn)
    assert dead.event_id == bad["event_id"]
    assert dead.code == "invalid_payload"
    assert "amount_paise" in dead.reason
    assert rig.central_totals() == (4, 4 * 50_000)


def test_same_event_id_with_a_different_payload_is_dead_lettered(rig_factory) -> None:
    rig: Rig = rig_factory()
    [payment] = rig.pay(1)
    assert rig.engine.sync_once().delivered_all
    body = json.loads(
        rig.counter.conn.execute(
            "SELECT body FROM outbox WHERE event_id = ?", (payment.event_id,)
        ).fetchone()[0]
    )
    # A second counter database that reuses the id with other content (a corrupted resend).
    rig.counter.conn.execute("DELETE FROM outbox WHERE event_id = ?", (payment.event_id,))
    body["payload"]["amount_paise"] = 99_999
    with transaction(rig.counter.conn):
        outbox.enqueue(rig.counter.conn, body, now=time.time())

    report = rig.engine.sync_once()

    assert report.rejected == 1
    [dead] = outbox.dead_letters(rig.counter.conn)
    assert dead.code == "event_id_conflict"
    assert rig.central_totals() == (1, 50_000)


def test_server_errors_and_429_are_retried_on_a_timer_with_backoff(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True, backoff_base_s=0.2)
    assert rig.proxy is not None
    rig.pay(4)
    rig.proxy.script(["status:500", "status:503", "retry_after:1"])
    started = time.monotonic()

    rig.engine.start()  # no further writes and no wake(): only the timer can retry
    delivered = _wait_for(lambda: rig.engine.state.pending == 0 and not rig.engine.state.syncing)
    elapsed = time.monotonic() - started
    rig.engine.stop()

    assert delivered, rig.engine.state
    pushes = [fault for method, path, fault in rig.proxy.seen if path == "/v1/events/batch"]
    assert pushes[:4] == ["status:500", "status:503", "retry_after:1", ""]
    assert elapsed >= 1.0  # Retry-After: 1 was honoured
    assert rig.central_totals() == (4, 4 * 50_000)


def test_sync_wakes_after_a_write_without_waiting_for_the_timer(rig_factory) -> None:
    rig: Rig = rig_factory()
    rig.engine.start()
    assert _wait_for(lambda: rig.engine.state.online is True)
    rig.pay(2)  # the service wakes the engine after its commit
    assert _wait_for(lambda: rig.central_totals()[0] == 2, timeout=5)
    rig.engine.stop()


def test_state_changes_reach_subscribers(rig_factory) -> None:
    rig: Rig = rig_factory()
    seen = []
    rig.engine.subscribe(seen.append)
    rig.pay(1)
    rig.engine.sync_once()
    assert any(state.syncing for state in seen)
    assert seen[-1].online is True
    assert seen[-1].pending == 0
    assert seen[-1].last_success_at is not None
    assert seen[-1].clock_skew_s is not None and abs(seen[-1].clock_skew_s) < 5


def test_a_whole_batch_refusal_is_split_so_good_events_still_go(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    assert rig.proxy is not None
    rig.pay(6)
    rig.proxy.script(["status:422"])  # the central refuses the first whole request

    report = rig.engine.sync_once()

    assert report.delivered_all, report
    assert outbox.dead_letters(rig.counter.conn) == []
    pushes = [fault for _, path, fault in rig.proxy.seen if path == "/v1/events/batch"]
    assert pushes[0] == "status:422" and len(pushes) >= 3  # then smaller batches
    assert rig.central_totals() == (6, 6 * 50_000)


def test_a_single_event_the_central_refuses_outright_is_dead_lettered(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    assert rig.proxy is not None
    rig.pay(1)
    rig.proxy.script(["status:422"])

    report = rig.engine.sync_once()

    assert report.rejected == 1 and report.remaining == 0
    [dead] = outbox.dead_letters(rig.counter.conn)
    assert dead.code == "http_422"
    assert dead.reason == "injected"  # the central's own words, from its Problem body


def test_a_wrong_url_never_dead_letters_anything(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    assert rig.proxy is not None
    rig.pay(2)
    rig.proxy.script(["status:404"])

    report = rig.engine.sync_once()

    assert report.remaining == 2 and report.rejected == 0
    assert "404" in (report.error or "")
    assert outbox.dead_letters(rig.counter.conn) == []


def test_a_portal_answering_422_with_html_dead_letters_nothing(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    assert rig.proxy is not None
    rig.pay(3)
    rig.proxy.script(["html:422"] * 10)

    report = rig.engine.sync_once()

    assert report.remaining == 3 and report.rejected == 0
    assert outbox.dead_letters(rig.counter.conn) == []
    assert rig.engine.state.last_success_at is None


def test_a_new_write_does_not_break_the_pause_the_central_asked_for(rig_factory) -> None:
    rig: Rig = rig_factory(via_proxy=True)
    assert rig.proxy is not None
    rig.pay(1)
    rig.proxy.script(["retry_after:600"])
    assert rig.engine.sync_once().remaining == 1
    requests_before = len(rig.proxy.seen)

    rig.pay(1)  # wakes the engine, which must still wait
    report = rig.engine.sync_once()

    assert len(rig.proxy.seen) == requests_before  # nothing sent, not even a pull
    assert report.remaining == 2
    assert rig.engine.sync_once(force=True).delivered_all  # the operator may insist


def test_a_reply_too_large_to_be_real_is_not_read(rig_factory, monkeypatch) -> None:
    from offline_queue import engine as engine_module

    rig: Rig = rig_factory()
    rig.pay(5)
    monkeypatch.setattr(engine_module, "MAX_REPLY_BYTES", 200)

    report = rig.engine.sync_once()

    assert report.remaining == 5
    assert "too large" in (report.error or "")
