"""Local numbers are gap-free per counter, day and kind, and never spent by a rollback."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.store.db import transaction
from kiosk.store.errors import StoreError
from kiosk.store.numbers import next_number

DAY = date(2026, 1, 15)


def take(conn, counter="CSC-LKO-0001", day=DAY, kind="receipt") -> int:
    with transaction(conn):
        return next_number(conn, counter, day, kind)


def test_numbers_start_at_one_and_count_up(conn):
    assert [take(conn) for _ in range(3)] == [1, 2, 3]


def test_a_rolled_back_action_gives_its_number_to_the_next(conn):
    assert take(conn) == 1
    with pytest.raises(RuntimeError), transaction(conn):
        assert next_number(conn, "CSC-LKO-0001", DAY, "receipt") == 2
        raise RuntimeError("printer paper jam before commit")
    assert take(conn) == 2


def test_each_kind_day_and_counter_counts_on_its_own(conn):
    assert take(conn) == 1
    assert take(conn) == 2
    assert take(conn, kind="complaint") == 1
    assert take(conn, day=date(2026, 1, 16)) == 1
    assert take(conn, counter="CSC-LKO-0002") == 1
    assert take(conn) == 3


def test_several_numbers_in_one_transaction(conn):
    with transaction(conn):
        first = next_number(conn, "C1", DAY, "receipt")
        second = next_number(conn, "C1", DAY, "receipt")
    assert (first, second) == (1, 2)


def test_outside_a_transaction_is_refused(conn):
    with pytest.raises(StoreError, match="inside the transaction"):
        next_number(conn, "C1", DAY, "receipt")
    assert conn.execute("SELECT count(*) FROM number_sequences").fetchone()[0] == 0


def test_blank_counter_or_kind_is_refused(conn):
    with transaction(conn):
        with pytest.raises(StoreError):
            next_number(conn, "", DAY, "receipt")
        with pytest.raises(StoreError):
            next_number(conn, "C1", DAY, "")
