"""The consumer cache: write snapshots, read them back by account, mobile and name."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.snapshot import PaymentSummary
from kiosk.store import consumers as cs
from kiosk.store.db import open_database, transaction
from kiosk.store.errors import StoreError
from tests.store.factories import (
    CACHED_AT,
    UPDATED_AT,
    make_bill,
    make_consumption,
    make_snapshot,
    many_snapshots,
)


def rows(conn: sqlite3.Connection, sql: str, *params: object) -> list[tuple]:
    return conn.execute(sql, params).fetchall()


def accounts(found: list[cs.CachedConsumer]) -> list[str]:
    return [c.snapshot.consumer.account_no for c in found]


@pytest.fixture
def three(conn):
    """Three consumers: two share a mobile; one has an apostrophe in her name."""
    snaps = [
        make_snapshot("1000000001"),
        make_snapshot(
            "1000000002",
            name="Sita Devi",
            name_hi="सीता देवी",
            address="Village Bhitauli, Barabanki",
        ),
        make_snapshot(
            "1000000003",
            name="Mary O'Brien",
            name_hi="",
            address="Civil Lines, Sitapur",
            mobile="7000000003",
        ),
    ]
    assert cs.upsert_snapshots(conn, snaps, cached_at=CACHED_AT) == 3
    return snaps


def test_snapshot_round_trips_through_the_cache(conn):
    snap = make_snapshot()
    cs.upsert_snapshots(conn, [snap], cached_at=CACHED_AT)
    found = cs.get_by_account(conn, "MVVNL", "1234567890")
    assert found == cs.CachedConsumer(snapshot=snap, cached_at=CACHED_AT)
    assert cs.get_by_account(conn, "DVVNL", "1234567890") is None
    assert cs.get_by_account(conn, "MVVNL", "1234567899") is None


def test_columns_hold_the_searchable_fields_and_money_as_paise(conn):
    cs.upsert_snapshots(conn, [make_snapshot()], cached_at=CACHED_AT)
    assert rows(
        conn, "SELECT discom, account_no, mobile, load_kw, status, cached_at FROM consumers"
    ) == [("MVVNL", "1234567890", "9876543210", "2", "active", "2026-01-15T05:00:00.000000+00:00")]
    assert rows(conn, "SELECT bill_no, month, current_paise, arrears_paise FROM bills") == [
        ("B1234567890-2512", "2025-12", 86_500, 12_000)
    ]
    assert rows(conn, "SELECT month FROM consumption ORDER BY month") == [
        ("2025-07",),
        ("2025-08",),
        ("2025-09",),
        ("2025-10",),
        ("2025-11",),
        ("2025-12",),
    ]


def test_same_account_in_two_discoms_are_two_consumers(conn):
    cs.upsert_snapshots(
        conn,
        [make_snapshot(discom="MVVNL"), make_snapshot(discom="DVVNL", name="Anita Verma")],
        cached_at=CACHED_AT,
    )
    found = cs.find_by_account(conn, "1234567890")
    assert [c.snapshot.consumer.discom for c in found] == ["DVVNL", "MVVNL"]
    assert cs.find_by_account(conn, "9999999999") == []


def test_find_by_mobile_returns_every_meter_on_that_phone(conn, three):
    assert accounts(cs.find_by_mobile(conn, "9876543210")) == ["1000000001", "1000000002"]
    assert accounts(cs.find_by_mobile(conn, "7000000003")) == ["1000000003"]
    assert cs.find_by_mobile(conn, "6000000000") == []


def test_newer_snapshot_replaces_the_row_and_the_search_index(conn):
    cs.upsert_snapshots(conn, [make_snapshot()], cached_at=CACHED_AT)
    later = UPDATED_AT + timedelta(days=30)
    renamed = make_snapshot(
        name="Ramesh Yadav",
        name_hi="रमेश यादव",
        mobile="8888888888",
        updated_at=later,
        bill=make_bill(bill_no="B1234567890-2601", month=later.date().replace(day=1)),
        consumption=make_consumption(2, last="2026-01"),
    )
    assert cs.upsert_snapshots(conn, [renamed], cached_at=CACHED_AT + timedelta(days=30)) == 1
    assert cs.count(conn) == 1
    assert cs.get_by_account(conn, "MVVNL", "1234567890").snapshot == renamed
    assert cs.search(conn, "kumar") == []
    assert cs.search(conn, "कुमार") == []
    assert accounts(cs.search(conn, "yadav")) == ["1234567890"]
    assert accounts(cs.search(conn, "रमेश")) == ["1234567890"]
    assert cs.find_by_mobile(conn, "9876543210") == []
    assert rows(conn, "SELECT month FROM consumption ORDER BY month") == [
        ("2025-12",),
        ("2026-01",),
    ]
    # The old bill stays as history; the new one is added.
    assert rows(conn, "SELECT bill_no FROM bills ORDER BY bill_no") == [
        ("B1234567890-2512",),
        ("B1234567890-2601",),
    ]
    assert rows(conn, "SELECT count(*) FROM consumers_fts") == [(1,)]
    conn.execute("INSERT INTO consumers_fts (consumers_fts) VALUES ('integrity-check')")


def test_an_older_snapshot_arriving_late_changes_nothing(conn):
    current = make_snapshot(name="Ramesh Yadav", consumption=make_consumption(2))
    cs.upsert_snapshots(conn, [current], cached_at=CACHED_AT)
    stale = make_snapshot(updated_at=UPDATED_AT - timedelta(days=1), bill=make_bill(units=1))
    assert cs.upsert_snapshots(conn, [stale], cached_at=CACHED_AT + timedelta(hours=1)) == 0
    found = cs.get_by_account(conn, "MVVNL", "1234567890")
    assert found == cs.CachedConsumer(current, CACHED_AT)
    assert rows(conn, "SELECT units FROM bills") == [(142,)]
    assert rows(conn, "SELECT count(*) FROM consumption") == [(2,)]


def test_the_newest_of_duplicates_in_one_batch_wins(conn):
    old = make_snapshot(name="Old Name")
    new = make_snapshot(name="New Name", updated_at=UPDATED_AT + timedelta(minutes=1))
    cs.upsert_snapshots(conn, [new, old], cached_at=CACHED_AT)
    assert cs.get_by_account(conn, "MVVNL", "1234567890").snapshot.consumer.name == "New Name"


def test_upsert_commits_in_batches_when_no_transaction_is_open(conn, db_path):
    written = cs.upsert_snapshots(conn, many_snapshots(25), cached_at=CACHED_AT, batch_size=10)
    assert written == 25
    assert not conn.in_transaction
    other = open_database(db_path)
    assert cs.count(other.conn) == 25
    other.close()


def test_upsert_joins_an_open_transaction_and_rolls_back_with_it(conn):
    with pytest.raises(RuntimeError), transaction(conn):
        cs.upsert_snapshots(conn, many_snapshots(25), cached_at=CACHED_AT, batch_size=10)
        assert conn.in_transaction
        raise RuntimeError("sync cursor could not be saved")
    assert cs.count(conn) == 0
    assert rows(conn, "SELECT count(*) FROM bills") == [(0,)]
    assert cs.search(conn, "kumar") == []


def test_search_finds_english_names_case_insensitively(conn, three):
    # Sita by name first, then Mary O'Brien of Sitapur (the last word is a prefix).
    assert accounts(cs.search(conn, "SITA")) == ["1000000002", "1000000003"]
    assert accounts(cs.search(conn, "ram kumar")) == ["1000000001"]
    assert accounts(cs.search(conn, "kumar ram")) == ["1000000001"]


def test_search_finds_devanagari_names_and_prefixes(conn, three):
    assert accounts(cs.search(conn, "कुमार")) == ["1000000001"]
    assert accounts(cs.search(conn, "कुम")) == ["1000000001"]  # prefix inside a vowel sign
    assert accounts(cs.search(conn, "सीता दे")) == ["1000000002"]
    assert cs.search(conn, "कुमारी") == []


def test_search_matches_the_last_word_as_a_prefix_only(conn, three):
    assert accounts(cs.search(conn, "kum")) == ["1000000001"]
    assert cs.search(conn, "kum ram") == []  # only the last word is unfinished
    assert accounts(cs.search(conn, "bara")) == ["1000000002"]


def test_search_prefers_name_matches_over_address_matches(conn):
    cs.upsert_snapshots(
        conn,
        [
            make_snapshot("1000000001", name="Mohan Lal", address="Gram Sarai, Sitapur"),
            make_snapshot("1000000002", name="Sita Ram", address="Aminabad, Lucknow"),
        ],
        cached_at=CACHED_AT,
    )
    assert accounts(cs.search(conn, "sita")) == ["1000000002", "1000000001"]


def test_search_limit_and_discom(conn):
    cs.upsert_snapshots(conn, many_snapshots(30, discom="MVVNL"), cached_at=CACHED_AT)
    cs.upsert_snapshots(
        conn, many_snapshots(30, first_account=2_000_000_000, discom="DVVNL"), cached_at=CACHED_AT
    )
    assert len(cs.search(conn, "lucknow", limit=5)) == 5
    in_dvvnl = cs.search(conn, "ram", discom="DVVNL")
    assert in_dvvnl
    assert {c.snapshot.consumer.discom for c in in_dvvnl} == {"DVVNL"}
    assert cs.search(conn, "ram", limit=0) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "'",
        '"',
        '""',
        "*",
        "-",
        "- * ' \" ; -- ( ) : ^ + .",
        "NOT",
        "AND",
        "OR",
        "NEAR(",
        "NEAR(ram kumar, 2)",
        "ram OR sita",
        "ram -kumar",
        "name:ram",
        "{name}: ram",
        "'; DROP TABLE consumers; --",
        '" OR "" = "',
        "ram*",
        "^ram",
        "ram\x00kumar",
        "\u200d\u200c",
    ],
)
def test_hostile_search_text_never_raises_or_matches_everything(conn, three, text):
    found = cs.search(conn, text)
    assert len(found) < 3
    assert cs.count(conn) == 3


def test_metacharacters_are_searched_for_as_text(conn, three):
    assert accounts(cs.search(conn, "o'brien")) == ["1000000003"]
    assert accounts(cs.search(conn, '"Mary"')) == ["1000000003"]
    assert accounts(cs.search(conn, "ram OR sita")) == []  # OR is a word here, not an operator
    assert accounts(cs.search(conn, "ram*")) == ["1000000001"]


def test_fts_query_quotes_every_word():
    assert cs.fts_query('o"brien ku') == '"o" "brien" "ku"*'
    assert cs.fts_query("NEAR(ram") == '"NEAR" "ram"*'
    assert cs.fts_query("कुमार") == '"कुमार"*'
    assert cs.fts_query("r") == '"r"'  # one letter is too vague for a prefix
    assert cs.fts_query(" -*'; ") is None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


@pytest.fixture(scope="module")
def search_conn(tmp_path_factory) -> Iterator[sqlite3.Connection]:
    database = open_database(Path(tmp_path_factory.mktemp("search")) / "counter.db")
    cs.upsert_snapshots(database.conn, many_snapshots(120), cached_at=CACHED_AT)
    yield database.conn
    database.close()


def _holds_every_word(found: cs.CachedConsumer, text: str) -> bool:
    consumer = found.snapshot.consumer
    tokens = [
        _fold(t) for t in cs.search_words(f"{consumer.name} {consumer.name_hi} {consumer.address}")
    ]
    words = [_fold(w) for w in cs.search_words(text)]
    *whole, last = words
    prefix = len(cs.search_words(text)[-1]) >= cs.MIN_PREFIX_CHARS
    return all(w in tokens for w in whole) and any(
        t.startswith(last) if prefix else t == last for t in tokens
    )


# Letters, FTS syntax, whole names and lone Devanagari signs, so matches actually happen.
NAME_ALPHABET = st.sampled_from(
    [
        *"abcdeiklmnoprstuvyADKMRSTV '\"*-^():;.,+{}",
        *("राम", "कुमार", "सीता", "देवी", "यादव", "ि", "्", "कु"),
        *("OR", "NEAR", "AND", "NOT"),
    ]
)


@given(st.lists(NAME_ALPHABET, max_size=12).map("".join))
def test_search_returns_only_real_matches(search_conn, text):
    found = cs.search(search_conn, text, limit=200)
    if not cs.search_words(text):
        assert found == []
    for item in found:
        assert _holds_every_word(item, text), (text, item.snapshot.consumer.name)


@given(st.text(max_size=60))
def test_search_never_raises_on_any_text(search_conn, text):
    found = cs.search(search_conn, text, limit=200)
    assert len(found) <= 200


def test_unreadable_cached_row_is_a_plain_store_error(conn):
    cs.upsert_snapshots(conn, [make_snapshot()], cached_at=CACHED_AT)
    conn.execute("UPDATE consumers SET snapshot = '{\"consumer\": {}}'")
    with pytest.raises(StoreError, match="sync the consumer cache again"):
        cs.get_by_account(conn, "MVVNL", "1234567890")


def _plan(conn: sqlite3.Connection, call) -> list[str]:
    """The query plan of every SELECT that ``call`` runs, as SQLite would execute it."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert selects
    return [
        row[3] for sql in selects for row in conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    ]


def test_account_lookups_use_an_index(conn, three):
    plan = _plan(conn, lambda: cs.get_by_account(conn, "MVVNL", "1000000001"))
    assert any("USING INDEX sqlite_autoindex_consumers_1" in step for step in plan), plan
    plan = _plan(conn, lambda: cs.find_by_account(conn, "1000000001"))
    assert any("USING INDEX consumers_account_no" in step for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan


def test_mobile_lookup_uses_an_index(conn, three):
    plan = _plan(conn, lambda: cs.find_by_mobile(conn, "9876543210"))
    assert any("USING INDEX consumers_mobile" in step for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan


@pytest.mark.parametrize("discom", [None, "MVVNL"])
def test_name_search_starts_from_the_full_text_index(conn, three, discom):
    plan = _plan(conn, lambda: cs.search(conn, "ram", discom=discom))
    assert any(step.startswith("SCAN consumers_fts VIRTUAL TABLE") for step in plan), plan
    # Consumers are only ever fetched by the rowids the match produced, never scanned or
    # searched by discom first.
    on_consumers = [step for step in plan if step.split()[:2] in (["SEARCH", "c"], ["SEARCH", "d"])]
    assert on_consumers, plan
    assert all("INTEGER PRIMARY KEY (rowid=?)" in step for step in on_consumers), plan
    assert not any(step.split()[:2] in (["SCAN", "c"], ["SCAN", "d"]) for step in plan), plan


def _children(conn: sqlite3.Connection) -> tuple[list[tuple], list[tuple]]:
    bills = rows(conn, "SELECT bill_no, month, units, current_paise, issued_on FROM bills")
    months = rows(conn, "SELECT month, units FROM consumption ORDER BY month")
    return bills, months


def test_a_new_payment_rewrites_only_the_consumers_row(conn):
    first = make_snapshot()
    cs.upsert_snapshots(conn, [first], cached_at=CACHED_AT)
    before = _children(conn)
    paid = first.model_copy(
        update={
            "recent_payments": [
                PaymentSummary(
                    receipt_no="CSC-LKO-0001-20260115-00001",
                    paid_on=UPDATED_AT.date(),
                    amount_paise=50_000,
                    mode="upi",
                ),
                *first.recent_payments,
            ],
            "updated_at": UPDATED_AT + timedelta(hours=1),
        }
    )
    # A clobbered child row stays clobbered: proof that bills and consumption were not
    # touched when the new snapshot has the same bill and consumption.
    conn.execute("UPDATE consumption SET units = 1 WHERE month = '2025-12'")
    assert cs.upsert_snapshots(conn, [paid], cached_at=CACHED_AT + timedelta(hours=1)) == 1
    assert cs.get_by_account(conn, "MVVNL", "1234567890").snapshot == paid
    assert _children(conn)[0] == before[0]
    assert ("2025-12", 1) in _children(conn)[1]


@pytest.mark.parametrize(
    "change",
    [
        {"bill": make_bill(units=143)},
        {"bill": None},
        {"consumption": make_consumption(7, last="2026-01")},
        {"consumption": make_consumption(base=121)},
    ],
    ids=["bill units", "no bill", "a new month", "one month's units"],
)
def test_a_changed_bill_or_consumption_rewrites_them(conn, change):
    cs.upsert_snapshots(conn, [make_snapshot()], cached_at=CACHED_AT)
    newer = make_snapshot(updated_at=UPDATED_AT + timedelta(days=1), **change)
    cs.upsert_snapshots(conn, [newer], cached_at=CACHED_AT + timedelta(days=1))
    assert cs.get_by_account(conn, "MVVNL", "1234567890").snapshot == newer
    months = [(m.month, m.units) for m in newer.consumption]
    assert _children(conn)[1] == months
    if newer.bill is not None:
        bill = newer.bill
        assert rows(
            conn, "SELECT units, current_paise FROM bills WHERE bill_no = ?", bill.bill_no
        ) == [(bill.units, bill.current_paise)]


def test_a_damaged_cached_row_is_repaired_by_the_next_snapshot(conn):
    cs.upsert_snapshots(conn, [make_snapshot()], cached_at=CACHED_AT)
    conn.execute("UPDATE consumers SET snapshot = '{not json'")
    conn.execute("DELETE FROM consumption")
    newer = make_snapshot(updated_at=UPDATED_AT + timedelta(hours=1))
    assert cs.upsert_snapshots(conn, [newer], cached_at=CACHED_AT) == 1
    assert cs.get_by_account(conn, "MVVNL", "1234567890").snapshot == newer
    assert _children(conn)[1] == [(m.month, m.units) for m in newer.consumption]
