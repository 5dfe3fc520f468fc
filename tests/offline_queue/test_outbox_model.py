"""Stateful test: any interleaving of outbox operations agrees with a tiny in-memory model.

The model says which events exist, their status, when they are due and how long they are
leased. After every step the database must hold exactly the model's events, each in exactly
one status; a pending event is never lost; and claim never hands out an event that another
claim still holds a lease on (only ``make_due``, a forced sync, deliberately breaks leases).
"""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from offline_queue import outbox
from offline_queue.outbox import Rejected, Synced
from tests.offline_queue.sqlite_helpers import open_db

T0 = 1_700_000_000.0


@dataclass
class Modelled:
    seq: int
    status: str = "pending"
    due_at: float = 0.0
    leased_until: float = 0.0
    attempts: int = 0
    settled_at: float | None = None
    created_at: float = T0


class OutboxMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="outbox-model-"))
        self.conn = open_db(self.dir / "counter.db")
        outbox.install(self.conn)
        self.conn.execute("CREATE TABLE payments (event_id TEXT PRIMARY KEY)")
        self.now = T0
        self.events: dict[str, Modelled] = {}
        self.counter = 0
        self.ever_enqueued = 0

    def teardown(self) -> None:
        self.conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @initialize()
    def start(self) -> None:
        assert outbox.stats(self.conn, now=self.now).pending == 0

    # --- helpers ----------------------------------------------------------------------

    def _known(self, data: st.DataObject) -> str:
        """Any event id the model knows, or one it never saw (settling it must do nothing)."""
        ids = [*sorted(self.events), "evt-unknown"]
        return data.draw(st.sampled_from(ids))

    def _leased_now(self) -> set[str]:
        return {
            eid
            for eid, e in self.events.items()
            if e.status == "pending" and e.leased_until > self.now
        }

    # --- rules ------------------------------------------------------------------------

    @rule(commit=st.booleans())
    def enqueue(self, commit: bool) -> None:
        self.counter += 1
        event_id = f"evt-{self.counter:05d}"
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO payments (event_id) VALUES (?)", (event_id,))
        seq = outbox.enqueue(self.conn, {"event_id": event_id, "type": "t"}, now=self.now)
        if commit:
            self.conn.execute("COMMIT")
            self.events[event_id] = Modelled(seq=seq, created_at=self.now)
            self.ever_enqueued += 1
        else:
            self.conn.execute("ROLLBACK")

    @rule(limit=st.integers(1, 5), lease=st.sampled_from([0.5, 10.0, 60.0]))
    def claim(self, limit: int, lease: float) -> None:
        leased_before = self._leased_now()
        got = outbox.claim(self.conn, limit=limit, now=self.now, lease_s=lease)
        ids = [e.event_id for e in got]
        assert not set(ids) & leased_before, "an event was handed out twice during its lease"
        assert len(ids) == len(set(ids))
        eligible = sorted(
            (
                (e.seq, eid)
                for eid, e in self.events.items()
                if e.status == "pending" and e.due_at <= self.now and e.leased_until <= self.now
            ),
        )
        assert ids == [eid for _, eid in eligible[:limit]], "oldest due events first, up to limit"
        for event in got:
            assert event.attempts == self.events[event.event_id].attempts
            self.events[event.event_id].leased_until = self.now + lease

    @rule(data=st.data(), rejected=st.booleans())
    def settle(self, data: st.DataObject, rejected: bool) -> None:
        event_id = self._known(data)
        if rejected:
            outbox.settle(self.conn, rejected=[Rejected(event_id, "bad", "why")], now=self.now)
        else:
            outbox.settle(self.conn, synced=[Synced(event_id, {"id": event_id})], now=self.now)
        event = self.events.get(event_id)
        if event is not None and event.status == "pending":
            event.status = "dead" if rejected else "synced"
            event.settled_at = self.now
            event.leased_until = 0.0

    @rule(data=st.data(), delay=st.sampled_from([0.0, 1.0, 30.0]))
    def release(self, data: st.DataObject, delay: float) -> None:
        event_id = self._known(data)
        outbox.release(self.conn, [event_id], error="boom", retry_at=self.now + delay)
        event = self.events.get(event_id)
        if event is not None and event.status == "pending":
            event.attempts += 1
            event.due_at = self.now + delay
            event.leased_until = 0.0

    @rule(retention=st.sampled_from([0.0, 5.0, 100.0]))
    def purge(self, retention: float) -> None:
        removed = outbox.purge_synced(self.conn, older_than_s=retention, now=self.now)
        gone = [
            eid
            for eid, e in self.events.items()
            if e.status == "synced"
            and e.settled_at is not None
            and e.settled_at < self.now - retention
        ]
        assert removed == len(gone)
        for eid in gone:
            del self.events[eid]

    @rule(data=st.data())
    def requeue_dead(self, data: st.DataObject) -> None:
        event_id = self._known(data)
        event = self.events.get(event_id)
        expected = event is not None and event.status == "dead"
        assert outbox.requeue_dead(self.conn, event_id) is expected
        if expected:
            event.status = "pending"
            event.attempts = 0
            event.due_at = 0.0
            event.settled_at = None

    @rule()
    def make_due(self) -> None:
        outbox.make_due(self.conn)
        for event in self.events.values():
            if event.status == "pending":
                event.due_at = 0.0
                event.leased_until = 0.0  # a forced sync also breaks leases (see make_due)

    @rule(seconds=st.sampled_from([0.25, 1.0, 7.0, 61.0]))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds

    @precondition(lambda self: self.events)
    @rule()
    def reopen(self) -> None:
        """The process restarts: everything committed must still be there."""
        self.conn.close()
        self.conn = open_db(self.dir / "counter.db")
        outbox.install(self.conn)

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def every_event_is_in_exactly_the_modelled_status(self) -> None:
        rows = self.conn.execute("SELECT event_id, status FROM outbox").fetchall()
        in_db = dict(rows)
        assert len(in_db) == len(rows), "one row per event"
        assert in_db == {eid: e.status for eid, e in self.events.items()}

    @invariant()
    def no_pending_event_is_ever_lost(self) -> None:
        pending = {eid for eid, e in self.events.items() if e.status == "pending"}
        in_db = {
            r[0] for r in self.conn.execute("SELECT event_id FROM outbox WHERE status='pending'")
        }
        assert pending == in_db
        paid = {r[0] for r in self.conn.execute("SELECT event_id FROM payments")}
        assert pending <= paid, "every pending event has its committed record"

    @invariant()
    def stats_agree(self) -> None:
        numbers = outbox.stats(self.conn, now=self.now)
        statuses = [e.status for e in self.events.values()]
        assert numbers.pending == statuses.count("pending")
        assert numbers.synced == statuses.count("synced")
        assert numbers.dead_lettered == statuses.count("dead")
        pending_created = [e.created_at for e in self.events.values() if e.status == "pending"]
        expected_age = self.now - min(pending_created) if pending_created else None
        assert numbers.oldest_pending_age_s == expected_age

    @invariant()
    def next_due_at_agrees(self) -> None:
        pending = [e for e in self.events.values() if e.status == "pending"]
        expected = min((max(e.due_at, e.leased_until) for e in pending), default=None)
        assert outbox.next_due_at(self.conn) == expected


OutboxMachine.TestCase.settings = settings(stateful_step_count=40)
test_outbox_agrees_with_its_model = OutboxMachine.TestCase
