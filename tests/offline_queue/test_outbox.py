"""The durable outbox: atomic with the caller's record, ordered, leased, settled, never lossy."""

import sqlite3

import pytest

from offline_queue import outbox
from offline_queue.outbox import OutboxError, Rejected, Synced
from tests.offline_queue.sqlite_helpers import open_db

T0 = 1_700_000_000.0


def _event(n: int, kind: str = "payment.collected", **payload: object) -> dict[str, object]:
    return {
        "event_id": f"evt-{n:04d}",
        "type": kind,
        "counter_id": "LKO-0001",
        "payload": payload or {"amount_paise": 100 * n},
    }


def _enqueue(conn: sqlite3.Connection, *numbers: int, now: float = T0) -> None:
    """Each event in its own BEGIN IMMEDIATE..COMMIT, as one operator action each."""
    for n in numbers:
        conn.execute("BEGIN IMMEDIATE")
        outbox.enqueue(conn, _event(n), now=now)
        conn.execute("COMMIT")


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _row(conn: sqlite3.Connection, event_id: str) -> dict[str, object]:
    cursor = conn.execute("SELECT * FROM outbox WHERE event_id = ?", (event_id,))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _ids(events: list[outbox.OutboxEvent]) -> list[str]:
    return [e.event_id for e in events]


# --- enqueue: the core guarantee ------------------------------------------------------------


def test_enqueue_outside_a_transaction_raises_and_writes_nothing(conn):
    assert not conn.in_transaction
    with pytest.raises(OutboxError, match="transaction"):
        outbox.enqueue(conn, _event(1), now=T0)
    assert _count(conn, "outbox") == 0


def test_enqueue_commits_together_with_the_callers_record(conn, connect):
    other = connect()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO payments (receipt) VALUES ('LKO-0001-20261122-00001')")
    outbox.enqueue(conn, _event(1), now=T0)
    assert _count(other, "payments") == 0, "nothing is visible before COMMIT"
    assert _count(other, "outbox") == 0
    conn.execute("COMMIT")
    assert _count(other, "payments") == 1
    assert outbox.result_of(other, "evt-0001") == ("pending", {})


def test_rollback_removes_both_the_record_and_its_event(conn):
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO payments (receipt) VALUES ('LKO-0001-20261122-00001')")
    outbox.enqueue(conn, _event(1), now=T0)
    conn.execute("ROLLBACK")
    assert _count(conn, "payments") == 0
    assert _count(conn, "outbox") == 0
    assert outbox.result_of(conn, "evt-0001") is None


def test_a_process_dying_before_commit_leaves_neither_record_nor_event(db_path, connect):
    dying = connect()
    dying.execute("BEGIN IMMEDIATE")
    dying.execute("INSERT INTO payments (receipt) VALUES ('LKO-0001-20261122-00001')")
    outbox.enqueue(dying, _event(1), now=T0)
    dying.close()  # no COMMIT: what a power cut leaves behind
    after = open_db(db_path)
    try:
        assert _count(after, "payments") == 0
        assert _count(after, "outbox") == 0
    finally:
        after.close()


def test_enqueue_returns_increasing_seq_and_keeps_the_body_exactly(conn):
    hindi = _event(1, note="बिजली बिल राहत योजना", amount_paise=123450)
    conn.execute("BEGIN IMMEDIATE")
    first = outbox.enqueue(conn, hindi, now=T0)
    second = outbox.enqueue(conn, _event(2), now=T0)
    conn.execute("COMMIT")
    assert 0 < first < second
    [claimed, _] = outbox.claim(conn, limit=10, now=T0)
    assert claimed.seq == first
    assert claimed.type == "payment.collected"
    assert claimed.attempts == 0
    assert claimed.body == hindi


@pytest.mark.parametrize(
    "event_id",
    [None, "", 123, ["evt"]],
    ids=["missing", "empty", "not-a-string", "list"],
)
def test_enqueue_refuses_a_missing_or_empty_event_id(conn, event_id):
    event = _event(1)
    if event_id is None:
        del event["event_id"]
    else:
        event["event_id"] = event_id
    conn.execute("BEGIN IMMEDIATE")
    with pytest.raises(OutboxError, match="event_id"):
        outbox.enqueue(conn, event, now=T0)
    conn.execute("COMMIT")
    assert _count(conn, "outbox") == 0


@pytest.mark.parametrize("kind", [None, "", 7], ids=["missing", "empty", "not-a-string"])
def test_enqueue_refuses_a_missing_or_empty_type(conn, kind):
    event = _event(1)
    if kind is None:
        del event["type"]
    else:
        event["type"] = kind
    conn.execute("BEGIN IMMEDIATE")
    with pytest.raises(OutboxError, match="type"):
        outbox.enqueue(conn, event, now=T0)
    conn.execute("COMMIT")
    assert _count(conn, "outbox") == 0


def test_a_duplicate_event_id_raises_and_the_callers_transaction_rolls_back_cleanly(conn):
    _enqueue(conn, 1)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO payments (receipt) VALUES ('LKO-0001-20261122-00002')")
    with pytest.raises(sqlite3.IntegrityError):
        outbox.enqueue(conn, _event(1, amount_paise=999), now=T0 + 5)
    assert conn.in_transaction, "the failed statement must not end the caller's transaction"
    conn.execute("ROLLBACK")
    assert _count(conn, "payments") == 0
    assert _count(conn, "outbox") == 1
    [kept] = outbox.claim(conn, limit=10, now=T0 + 5)
    assert kept.body == _event(1), "the first event is untouched by the refused duplicate"


# --- claim: order, limit, lease, due time ---------------------------------------------------


def test_claim_returns_events_in_enqueue_order_and_at_most_limit(conn):
    _enqueue(conn, 3, 1, 2, 5, 4)  # event ids deliberately out of order: seq decides
    first = outbox.claim(conn, limit=3, now=T0)
    assert _ids(first) == ["evt-0003", "evt-0001", "evt-0002"]
    rest = outbox.claim(conn, limit=3, now=T0)
    assert _ids(rest) == ["evt-0005", "evt-0004"]
    assert outbox.claim(conn, limit=3, now=T0) == []


@pytest.mark.parametrize("limit", [0, -1])
def test_claim_refuses_a_limit_below_one(conn, limit):
    _enqueue(conn, 1)
    with pytest.raises(OutboxError, match="limit"):
        outbox.claim(conn, limit=limit, now=T0)
    assert _row(conn, "evt-0001")["claimed_until"] == 0


def test_a_second_claimer_gets_nothing_while_the_lease_holds(connect):
    app, sync_cli = connect(), connect()  # the counter app and `kiosk sync` at once
    _enqueue(app, 1, 2)
    assert _ids(outbox.claim(app, limit=10, now=T0, lease_s=60)) == ["evt-0001", "evt-0002"]
    assert outbox.claim(sync_cli, limit=10, now=T0 + 1, lease_s=60) == []
    assert outbox.claim(sync_cli, limit=10, now=T0 + 59.9, lease_s=60) == []


def test_events_of_a_process_killed_mid_sync_are_claimed_again_after_the_lease(db_path, connect):
    killed = connect()
    _enqueue(killed, 1, 2)
    assert len(outbox.claim(killed, limit=10, now=T0, lease_s=60)) == 2
    killed.close()  # dies before settle or release
    survivor = connect()
    assert outbox.claim(survivor, limit=10, now=T0 + 30, lease_s=60) == []
    again = outbox.claim(survivor, limit=10, now=T0 + 60, lease_s=60)
    assert _ids(again) == ["evt-0001", "evt-0002"]
    assert outbox.stats(survivor, now=T0 + 60).pending == 2


def test_events_not_yet_due_are_skipped_and_later_due_ones_are_claimed(conn):
    _enqueue(conn, 1, 2, 3)
    outbox.claim(conn, limit=1, now=T0)
    outbox.release(conn, ["evt-0001"], error="timeout", retry_at=T0 + 100)
    later = outbox.claim(conn, limit=10, now=T0 + 1, lease_s=1000)
    assert _ids(later) == ["evt-0002", "evt-0003"]
    assert outbox.claim(conn, limit=10, now=T0 + 99) == []
    [due] = outbox.claim(conn, limit=10, now=T0 + 100)
    assert (due.event_id, due.attempts) == ("evt-0001", 1)


def test_claim_inside_the_callers_transaction_is_undone_by_its_rollback(conn):
    _enqueue(conn, 1)
    conn.execute("BEGIN IMMEDIATE")
    assert len(outbox.claim(conn, limit=10, now=T0)) == 1
    conn.execute("ROLLBACK")
    assert _ids(outbox.claim(conn, limit=10, now=T0)) == ["evt-0001"]


# --- settle -----------------------------------------------------------------------------


def test_settle_marks_synced_with_the_centrals_refs_and_received_at(conn):
    _enqueue(conn, 1, 2)
    outbox.claim(conn, limit=10, now=T0)
    refs = {"central_receipt_id": "C-77", "complaint_no": "UP-1"}
    outbox.settle(
        conn,
        synced=[Synced("evt-0001", refs, received_at="2026-11-22T10:00:01+05:30")],
        now=T0 + 2,
    )
    assert outbox.result_of(conn, "evt-0001") == ("synced", refs)
    row = _row(conn, "evt-0001")
    assert row["server_received_at"] == "2026-11-22T10:00:01+05:30"
    assert row["synced_at"] == T0 + 2
    assert row["claimed_until"] == 0
    assert outbox.result_of(conn, "evt-0002") == ("pending", {})
    assert _ids(outbox.claim(conn, limit=10, now=T0 + 100)) == ["evt-0002"]


def test_settle_sends_rejected_events_to_dead_letters_with_code_and_reason(conn):
    _enqueue(conn, 1, 2)
    outbox.claim(conn, limit=10, now=T0)
    outbox.settle(
        conn,
        synced=[Synced("evt-0002", {"id": "C-2"})],
        rejected=[Rejected("evt-0001", "malformed", "amount_paise must be positive")],
        now=T0 + 3,
    )
    [dead] = outbox.dead_letters(conn)
    assert (dead.event_id, dead.type, dead.code, dead.reason, dead.dead_at) == (
        "evt-0001",
        "payment.collected",
        "malformed",
        "amount_paise must be positive",
        T0 + 3,
    )
    assert dead.body == _event(1)
    assert outbox.result_of(conn, "evt-0001") == ("dead", {})
    assert outbox.claim(conn, limit=10, now=T0 + 1000) == [], "dead letters are not re-sent"


def test_a_late_verdict_never_changes_an_already_settled_event(conn):
    _enqueue(conn, 1, 2)
    outbox.claim(conn, limit=10, now=T0)
    outbox.settle(
        conn,
        synced=[Synced("evt-0001", {"id": "C-1"})],
        rejected=[Rejected("evt-0002", "malformed", "bad")],
        now=T0,
    )
    outbox.settle(
        conn,
        synced=[Synced("evt-0001", {"id": "C-OTHER"}), Synced("evt-0002", {"id": "C-2"})],
        rejected=[Rejected("evt-0001", "malformed", "late duplicate verdict")],
        now=T0 + 10,
    )
    assert outbox.result_of(conn, "evt-0001") == ("synced", {"id": "C-1"})
    assert _row(conn, "evt-0001")["synced_at"] == T0
    assert outbox.result_of(conn, "evt-0002") == ("dead", {})
    assert [(d.event_id, d.reason) for d in outbox.dead_letters(conn)] == [("evt-0002", "bad")]


def test_settle_stamps_last_success_at_only_when_there_were_verdicts(conn):
    _enqueue(conn, 1)
    outbox.settle(conn, now=T0 + 1)
    assert outbox.stats(conn, now=T0 + 1).last_success_at is None
    outbox.settle(conn, synced=[Synced("evt-0001", {})], now=T0 + 2)
    assert outbox.stats(conn, now=T0 + 2).last_success_at == T0 + 2
    assert outbox.get_meta(conn, "last_success_at") is not None


def test_settle_inside_the_callers_transaction_is_undone_by_its_rollback(conn):
    _enqueue(conn, 1)
    conn.execute("BEGIN IMMEDIATE")
    outbox.settle(conn, synced=[Synced("evt-0001", {"id": "C-1"})], now=T0)
    conn.execute("ROLLBACK")
    assert outbox.result_of(conn, "evt-0001") == ("pending", {})
    assert outbox.stats(conn, now=T0).last_success_at is None


def test_a_long_rejection_reason_is_kept_but_bounded(conn):
    _enqueue(conn, 1)
    outbox.settle(conn, rejected=[Rejected("evt-0001", "malformed", "x" * 5000)], now=T0)
    [dead] = outbox.dead_letters(conn)
    assert dead.reason == "x" * 500


# --- release, make_due, next_due_at -----------------------------------------------------


def test_release_counts_the_attempt_sets_the_retry_time_and_error_and_ends_the_lease(conn):
    _enqueue(conn, 1, 2)
    outbox.claim(conn, limit=10, now=T0, lease_s=60)
    outbox.release(conn, ["evt-0001"], error="HTTP 503", retry_at=T0 + 8)
    row = _row(conn, "evt-0001")
    assert (row["attempts"], row["next_attempt_at"], row["last_error"]) == (1, T0 + 8, "HTTP 503")
    assert row["claimed_until"] == 0
    untouched = _row(conn, "evt-0002")
    assert (untouched["attempts"], untouched["claimed_until"]) == (0, T0 + 60)
    outbox.claim(conn, limit=10, now=T0 + 8)
    outbox.release(conn, ["evt-0001"], error="y" * 900, retry_at=T0 + 30)
    row = _row(conn, "evt-0001")
    assert (row["attempts"], row["last_error"]) == (2, "y" * 500)


def test_release_does_not_touch_settled_events(conn):
    _enqueue(conn, 1, 2)
    outbox.settle(
        conn,
        synced=[Synced("evt-0001", {"id": "C-1"})],
        rejected=[Rejected("evt-0002", "malformed", "bad")],
        now=T0,
    )
    outbox.release(conn, ["evt-0001", "evt-0002"], error="late", retry_at=T0 + 9)
    for event_id in ("evt-0001", "evt-0002"):
        row = _row(conn, event_id)
        assert (row["attempts"], row["last_error"]) == (0, None)
    assert outbox.stats(conn, now=T0).pending == 0


def test_make_due_makes_every_pending_event_due_now(conn):
    _enqueue(conn, 1, 2, 3)
    outbox.claim(conn, limit=10, now=T0)
    outbox.release(conn, ["evt-0001", "evt-0002"], error="offline", retry_at=T0 + 300)
    outbox.release(conn, ["evt-0003"], error="offline", retry_at=T0 + 600)
    assert outbox.claim(conn, limit=10, now=T0 + 1) == []
    assert outbox.make_due(conn) == 3
    assert _ids(outbox.claim(conn, limit=10, now=T0 + 1)) == ["evt-0001", "evt-0002", "evt-0003"]
    outbox.settle(conn, synced=[Synced(f"evt-000{n}", {}) for n in (1, 2, 3)], now=T0 + 2)
    assert outbox.make_due(conn) == 0, "nothing pending"


def test_make_due_also_frees_events_leased_by_a_killed_process(connect):
    killed, operator = connect(), connect()
    _enqueue(killed, 1, 2)
    outbox.claim(killed, limit=10, now=T0, lease_s=600)
    killed.close()  # SIGKILL mid-sync: the lease would hold the events for ten minutes
    assert outbox.claim(operator, limit=10, now=T0 + 5) == []
    assert outbox.make_due(operator) == 2  # the operator presses "sync now"
    assert outbox.next_due_at(operator) == 0.0
    assert _ids(outbox.claim(operator, limit=10, now=T0 + 5)) == ["evt-0001", "evt-0002"]
    assert outbox.make_due(operator) == 2, "counts the leases it cleared"
    outbox.release(operator, ["evt-0001", "evt-0002"], error="e", retry_at=0)
    assert outbox.make_due(operator) == 0, "already due and unleased"


def test_make_due_leaves_settled_events_alone(conn):
    _enqueue(conn, 1)
    outbox.settle(conn, rejected=[Rejected("evt-0001", "malformed", "bad")], now=T0)
    assert outbox.make_due(conn) == 0
    assert outbox.result_of(conn, "evt-0001") == ("dead", {})


def test_next_due_at_is_the_earliest_retry_or_lease_end_of_pending_events(conn):
    assert outbox.next_due_at(conn) is None
    _enqueue(conn, 1, 2, 3)
    assert outbox.next_due_at(conn) == 0.0, "fresh events are due at once"
    outbox.claim(conn, limit=10, now=T0, lease_s=60)
    assert outbox.next_due_at(conn) == T0 + 60
    outbox.release(conn, ["evt-0002"], error="e", retry_at=T0 + 20)
    outbox.release(conn, ["evt-0003"], error="e", retry_at=T0 + 90)
    assert outbox.next_due_at(conn) == T0 + 20
    outbox.settle(conn, synced=[Synced("evt-0002", {})], now=T0 + 21)
    assert outbox.next_due_at(conn) == T0 + 60
    outbox.settle(conn, synced=[Synced("evt-0001", {}), Synced("evt-0003", {})], now=T0 + 61)
    assert outbox.next_due_at(conn) is None


# --- dead letters, stats, purge ----------------------------------------------------------


def test_requeue_dead_puts_a_dead_letter_back_to_pending(conn):
    _enqueue(conn, 1)
    outbox.claim(conn, limit=10, now=T0)
    outbox.release(conn, ["evt-0001"], error="HTTP 500", retry_at=T0 + 10)
    outbox.claim(conn, limit=10, now=T0 + 10)
    outbox.settle(conn, rejected=[Rejected("evt-0001", "malformed", "bad")], now=T0 + 11)
    assert outbox.requeue_dead(conn, "evt-0001") is True
    assert outbox.dead_letters(conn) == []
    assert outbox.result_of(conn, "evt-0001") == ("pending", {})
    [again] = outbox.claim(conn, limit=10, now=T0 + 12)
    assert (again.event_id, again.attempts) == ("evt-0001", 0)
    row = _row(conn, "evt-0001")
    assert (row["dead_code"], row["dead_reason"], row["dead_at"]) == (None, None, None)


def test_requeue_dead_refuses_events_that_are_not_dead(conn):
    _enqueue(conn, 1, 2)
    outbox.settle(conn, synced=[Synced("evt-0002", {"id": "C-2"})], now=T0)
    assert outbox.requeue_dead(conn, "evt-0001") is False  # pending
    assert outbox.requeue_dead(conn, "evt-0002") is False  # synced
    assert outbox.requeue_dead(conn, "evt-9999") is False  # unknown
    assert outbox.result_of(conn, "evt-0002") == ("synced", {"id": "C-2"})


def test_stats_count_each_status_and_age_the_oldest_pending_event(conn):
    empty = outbox.stats(conn, now=T0)
    assert empty == outbox.OutboxStats(0, None, 0, 0, None)
    _enqueue(conn, 1, now=T0)
    _enqueue(conn, 2, 3, now=T0 + 50)
    _enqueue(conn, 4, 5, now=T0 + 70)
    outbox.settle(
        conn,
        synced=[Synced("evt-0001", {}), Synced("evt-0004", {})],
        rejected=[Rejected("evt-0002", "malformed", "bad")],
        now=T0 + 100,
    )
    assert outbox.stats(conn, now=T0 + 120) == outbox.OutboxStats(
        pending=2,
        oldest_pending_age_s=70.0,  # evt-0003, enqueued at T0 + 50
        dead_lettered=1,
        synced=2,
        last_success_at=T0 + 100,
    )
    assert outbox.stats(conn, now=T0).oldest_pending_age_s == 0.0, "a clock step back is not <0"


def test_purge_synced_removes_only_synced_events_older_than_the_retention(conn):
    _enqueue(conn, 1, 2, 3, 4, now=T0)
    outbox.settle(conn, synced=[Synced("evt-0001", {})], now=T0)
    outbox.settle(conn, rejected=[Rejected("evt-0003", "malformed", "bad")], now=T0)
    outbox.settle(conn, synced=[Synced("evt-0002", {})], now=T0 + 100)
    # evt-0004 stays pending, as old as the others
    assert outbox.purge_synced(conn, older_than_s=50, now=T0 + 120) == 1
    assert outbox.result_of(conn, "evt-0001") is None
    assert outbox.result_of(conn, "evt-0002")[0] == "synced"  # only 20 s old
    assert outbox.result_of(conn, "evt-0003")[0] == "dead"
    assert outbox.result_of(conn, "evt-0004")[0] == "pending"
    assert outbox.purge_synced(conn, older_than_s=0, now=T0 + 10_000) == 1
    assert outbox.stats(conn, now=T0 + 10_000) == outbox.OutboxStats(1, 10_000.0, 1, 0, T0 + 100)


def test_an_event_queued_after_a_purge_still_comes_after_every_kept_one(conn):
    _enqueue(conn, 1, 2, 3)
    outbox.settle(conn, synced=[Synced("evt-0002", {}), Synced("evt-0003", {})], now=T0)
    outbox.release(conn, ["evt-0001"], error="timeout", retry_at=T0)
    assert outbox.purge_synced(conn, older_than_s=0, now=T0 + 1) == 2  # the newest rows go
    _enqueue(conn, 4)
    kept, new = (_row(conn, f"evt-{n:04d}")["seq"] for n in (1, 4))
    assert new > kept
    assert _ids(outbox.claim(conn, limit=10, now=T0 + 1)) == ["evt-0001", "evt-0004"]


def test_purge_synced_refuses_a_negative_retention(conn):
    _enqueue(conn, 1)
    outbox.settle(conn, synced=[Synced("evt-0001", {})], now=T0)
    with pytest.raises(OutboxError, match="negative"):
        outbox.purge_synced(conn, older_than_s=-1, now=T0 + 10)
    assert outbox.result_of(conn, "evt-0001")[0] == "synced"


# --- install and meta ----------------------------------------------------------------------


def test_install_is_idempotent_and_records_the_schema_version(conn):
    _enqueue(conn, 1)
    outbox.install(conn)
    outbox.install(conn)
    assert outbox.get_meta(conn, "schema_version") == str(outbox.SCHEMA_VERSION)
    assert outbox.result_of(conn, "evt-0001") == ("pending", {})


def test_set_meta_stores_and_replaces_a_value_with_the_callers_transaction(conn):
    assert outbox.get_meta(conn, "pull_cursor") is None
    outbox.set_meta(conn, "pull_cursor", "c1")
    conn.execute("BEGIN IMMEDIATE")
    outbox.set_meta(conn, "pull_cursor", "c2")
    conn.execute("ROLLBACK")
    assert outbox.get_meta(conn, "pull_cursor") == "c1"
    outbox.set_meta(conn, "pull_cursor", "c3")
    assert outbox.get_meta(conn, "pull_cursor") == "c3"
