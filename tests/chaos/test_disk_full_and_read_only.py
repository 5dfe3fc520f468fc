"""A full disk or a read-only database: the operator reads a plain sentence, nothing half-written.

Both are simulated on the real SQLite file, portably and whatever the user (as root, file
modes are ignored, so chmod proves nothing):

- disk full: ``PRAGMA max_page_count`` pinned to the file's size, so the first write that
  needs a new page fails with SQLITE_FULL, exactly as on a full disk. The counter works
  until then, so the refused action is one in the middle of a normal day;
- read-only: ``PRAGMA query_only`` on the counter's own connection, and a counter whose
  connection opened the file with ``mode=ro`` (a file on a read-only mount).

The refused action must raise :class:`StoreError` with a sentence naming the cause, and
every record table (payments, outbox, print jobs, audit, number sequences, ...) must be
exactly as before, so once the fault is gone the next receipt takes the next number.
Runs in about 1 s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.services.complaints import ComplaintRequest, log_complaint
from kiosk.services.counter import Counter
from kiosk.services.payments import record_payment
from kiosk.services.runtime import database_path, open_counter
from kiosk.store.db import transaction
from kiosk.store.errors import StoreError
from tests.services.support import (
    OPERATOR,
    START,
    CountingEntropy,
    FixedClock,
    cash,
    db_state,
    make_settings,
)

MOST_ACTIONS = 1_000  # a pinned file fills up long before this


def pay(counter: Counter, n: int) -> str:
    """A cash payment for a consumer of its own (no "already paid today" question)."""
    return record_payment(counter, cash(500_00, account_no=f"{3_000_000_000 + n}")).receipt_no


def complain(counter: Counter, n: int) -> str:
    request = ComplaintRequest(
        category="no_supply",
        description=f"No supply in lane {n} since the storm last night",
        mobile="9876543210",
        operator_id=OPERATOR,
        discom="MVVNL",
    )
    return log_complaint(counter, request).local_no


ACTIONS: dict[str, Callable[[Counter, int], str]] = {"payment": pay, "complaint": complain}


@pytest.fixture
def counter(tmp_path: Path) -> Iterator[Counter]:
    opened = open_counter(
        make_settings(tmp_path / "data"), clock=FixedClock(START), entropy=CountingEntropy()
    )
    yield opened
    opened.conn.close()


def refused(counter: Counter, action: Callable[[Counter, int], str], n: int) -> StoreError:
    """Run ``action``, which must be refused with a StoreError and change nothing."""
    before = db_state(counter)
    with pytest.raises(StoreError) as caught:
        action(counter, n)
    assert db_state(counter) == before
    assert not counter.conn.in_transaction
    message = str(caught.value)
    assert "nothing was written" in message
    assert "sqlite" not in message.lower() and "attempt to" not in message
    return caught.value


@pytest.mark.parametrize("name", ACTIONS)
def test_a_full_disk_refuses_the_action_whole_and_the_next_number_is_not_lost(
    counter: Counter, name: str
) -> None:
    action = ACTIONS[name]
    first = action(counter, 0)
    pages = counter.conn.execute("PRAGMA page_count").fetchone()[0]
    counter.conn.execute(f"PRAGMA max_page_count = {pages}")
    done = 1
    while done < MOST_ACTIONS:  # a normal day until the disk fills up
        before = db_state(counter)
        try:
            action(counter, done)
        except StoreError as exc:
            assert "disk is full" in str(exc)
            assert db_state(counter) == before
            break
        done += 1
    else:
        pytest.fail(f"the pinned database took {MOST_ACTIONS} {name}s without filling up")
    error = refused(counter, action, done)  # and again: still full, still nothing written
    assert "disk is full" in str(error)

    counter.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    after = action(counter, done + 1)
    assert _sequence(after) == _sequence(first) + done  # no number consumed by the refusals


@pytest.mark.parametrize("name", ACTIONS)
def test_a_read_only_connection_refuses_the_action_whole(counter: Counter, name: str) -> None:
    action = ACTIONS[name]
    first = action(counter, 0)
    counter.conn.execute("PRAGMA query_only = ON")
    assert "read-only" in str(refused(counter, action, 1))
    counter.conn.execute("PRAGMA query_only = OFF")
    assert _sequence(action(counter, 2)) == _sequence(first) + 1


@pytest.mark.parametrize("name", ACTIONS)
def test_a_database_on_a_read_only_mount_refuses_the_action_whole(
    counter: Counter, name: str
) -> None:
    action = ACTIONS[name]
    first = action(counter, 0)
    path = database_path(counter.settings).resolve()
    read_only = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        mounted = Counter(
            conn=read_only, settings=counter.settings, clock=counter.clock, entropy=counter.entropy
        )
        assert "read-only" in str(refused(mounted, action, 1))
    finally:
        read_only.close()
    assert _sequence(action(counter, 2)) == _sequence(first) + 1


def _sequence(number: str) -> int:
    """The running number at the end of a receipt or complaint number."""
    return int(number.rsplit("-", 1)[1])


def test_a_programming_error_in_a_transaction_stays_a_programming_error(counter: Counter) -> None:
    """Only what the operator can fix becomes a sentence; a bug keeps its traceback."""
    with (
        pytest.raises(sqlite3.OperationalError, match="no such table"),
        transaction(counter.conn),
    ):
        counter.conn.execute("INSERT INTO no_such_table VALUES (1)")
    assert not counter.conn.in_transaction
