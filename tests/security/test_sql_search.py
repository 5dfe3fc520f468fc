"""Name search with SQL and FTS5 metacharacters: nothing raises, nothing in the database
changes, the text is searched for (never obeyed), and ordinary searches still work."""

from __future__ import annotations

import pytest

from kiosk.services.consumer_search import Query, find_consumers, lookup_setup, parse_query
from kiosk.services.counter import Counter
from kiosk.services.lookup import search_name
from kiosk.store.consumers import search
from tests.services.factories import make_snapshot
from tests.services.support import cache

HOSTILE = [
    "'",
    '"',
    ";",
    "--",
    "%",
    "_",
    "*",
    "(",
    ")",
    "^",
    ":",
    "Ram'",
    'Ram"',
    "Ram; DROP TABLE consumers; --",
    "' OR 1=1 --",
    '" OR "1"="1',
    "Ram%",
    "R_m",
    "Ram*",
    "Ram OR Sita",
    "Ram AND Sita",
    "Ram NOT Kumar",
    "NEAR(Ram Kumar)",
    "NEAR(Ram Kumar, 2)",
    "^Ram",
    "name:Ram",
    "{name address}: Ram",
    "(Ram)",
    "Ram)) OR ((Sita",
    "-Ram",
    "Ram + Kumar",
    "Ram\x00Kumar",
    '"""',
    "AND",
    "OR",
    "NOT",
    "NEAR",
]


@pytest.fixture
def cached(counter: Counter) -> Counter:
    cache(
        counter,
        make_snapshot("1000000001", name="Ram Kumar", name_hi="राम कुमार"),
        make_snapshot("1000000002", name="Sita Devi", name_hi="सीता देवी"),
        make_snapshot(
            "1000000003", name="Mohan Lal", name_hi="मोहन लाल", address="Near Bus Stand, Sitapur"
        ),
    )
    return counter


def _dump(counter: Counter) -> list[str]:
    return list(counter.conn.iterdump())


@pytest.mark.parametrize("typed", HOSTILE)
def test_metacharacters_are_searched_for_never_obeyed(cached: Counter, typed: str) -> None:
    before = _dump(cached)
    setup = lookup_setup(cached)
    parsed = parse_query(typed, setup, setup.current)
    if isinstance(parsed, Query):
        found = find_consumers(cached, parsed)
        names = {m.snapshot.consumer.name for m in found.matches}
    else:
        names = set()  # refused in plain words before any SQL (e.g. no letter or digit)
    direct = {c.snapshot.consumer.name for c in search(cached.conn, typed, limit=20)}
    in_discom = search(cached.conn, typed, limit=20, discom="MVVNL")
    service = {m.snapshot.consumer.name for m in search_name(cached, typed)}
    assert _dump(cached) == before
    # Every word must match (AND of plain strings): an "OR" or "NOT" is a word, no operator,
    # so no search here may return all three consumers, and "Ram OR Sita" finds nobody.
    for result in (names, direct, service, {c.snapshot.consumer.name for c in in_discom}):
        assert len(result) < 3, (typed, result)
    assert cached.conn.execute("SELECT count(*) FROM consumers").fetchone()[0] == 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Ram'", {"Ram Kumar"}),
        ("Ram; DROP TABLE consumers; --", set()),
        ("Ram OR Sita", set()),
        ("NEAR(Ram Kumar)", set()),
        ("(Ram)", {"Ram Kumar"}),
        ("Ram*", {"Ram Kumar"}),
        ("^Ram", {"Ram Kumar"}),
        ('"Sita"', {"Sita Devi", "Mohan Lal"}),
        ("Ram%", {"Ram Kumar"}),
    ],
)
def test_punctuation_around_a_word_still_finds_it(
    cached: Counter, typed: str, expected: set[str]
) -> None:
    assert {m.snapshot.consumer.name for m in search_name(cached, typed)} == expected


def test_ordinary_searches_still_come_back(cached: Counter) -> None:
    def names(text: str) -> list[str]:
        return [m.snapshot.consumer.name for m in search_name(cached, text)]

    assert names("Ram") == ["Ram Kumar"]
    assert names("devi") == ["Sita Devi"]
    assert names("राम") == ["Ram Kumar"]
    assert names("Mohan Lal") == ["Mohan Lal"]
    # A name match comes before an address match.
    assert names("Sita") == ["Sita Devi", "Mohan Lal"]
