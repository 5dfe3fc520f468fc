"""One search box: which search a typed text means, and the search it runs."""

from __future__ import annotations

import pytest

from kiosk.services.consumer_search import (
    DiscomChoice,
    LookupSetup,
    Query,
    QueryProblem,
    find_consumers,
    lookup_setup,
    parse_query,
)
from kiosk.services.counter import Counter
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import cache
from tests.services.test_lookup import FakeCentral

SETUP = LookupSetup(
    (
        DiscomChoice("MVVNL", "Madhyanchal", "मध्यांचल", (10,)),
        DiscomChoice("DVVNL", "Dakshinanchal", "दक्षिणांचल", (10, 12)),
    ),
    "MVVNL",
)


def parse(text: str, discom: str = "MVVNL") -> Query | QueryProblem:
    return parse_query(text, SETUP, discom)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234567890", Query("account", "MVVNL", "1234567890")),
        (" 12345 67890 ", Query("account", "MVVNL", "1234567890")),
        ("१२३४५६७८९०", Query("account", "MVVNL", "1234567890")),
        # Ten digits starting 6-9 may also be a mobile number: tried when no account matches.
        ("9876543210", Query("account", "MVVNL", "9876543210", mobile="9876543210")),
        ("+91 98765 43210", Query("mobile", "MVVNL", "9876543210")),
        ("09876543210", Query("mobile", "MVVNL", "9876543210")),
        ("919876543210", Query("mobile", "MVVNL", "9876543210")),
        ("Ram  Kumar", Query("name", "MVVNL", "Ram Kumar")),
        ("राम", Query("name", "MVVNL", "राम")),
        ("Ward 12", Query("name", "MVVNL", "Ward 12")),
        ("DVVNL:1234567890", Query("account", "DVVNL", "1234567890", prefixed=True)),
        ("dvvnl : Sita", Query("name", "DVVNL", "Sita", prefixed=True)),
        ("DVVNL:", Query("discom", "DVVNL", prefixed=True)),
    ],
)
def test_what_the_box_searches_for(typed: str, expected: Query) -> None:
    assert parse(typed) == expected


def test_a_discom_with_12_digit_numbers_takes_them_as_accounts() -> None:
    assert parse("123456789012", "DVVNL") == Query("account", "DVVNL", "123456789012")
    assert parse("123456789012", "MVVNL") == QueryProblem(
        "bad_number", {"discom": "MVVNL", "lengths": "10", "typed": "12"}
    )


@pytest.mark.parametrize(
    ("typed", "code", "values"),
    [
        ("", "empty", {}),
        ("   ", "empty", {}),
        ("1234567", "bad_number", {"discom": "MVVNL", "lengths": "10", "typed": "7"}),
        ("+91 12345", "bad_number", {"discom": "MVVNL", "lengths": "10", "typed": "7"}),
        ("#@!", "bad_characters", {"typed": "#@!"}),
        ("12/34", "bad_characters", {"typed": "12/34"}),
        ("KESCO:1234567890", "unknown_discom", {"discom": "KESCO", "served": "MVVNL, DVVNL"}),
        ("x" * 101, "too_long", {"limit": "100", "typed": "101"}),
    ],
)
def test_what_cannot_be_searched_says_why(typed: str, code: str, values: dict[str, str]) -> None:
    assert parse(typed) == QueryProblem(code, values)  # type: ignore[arg-type]


def test_the_setup_lists_the_counters_discoms_with_their_rules(counter: Counter) -> None:
    setup = lookup_setup(counter)
    assert [d.code for d in setup.discoms] == ["MVVNL", "DVVNL"]
    assert setup.choice("DVVNL").account_lengths == (10,)
    assert setup.choice("MVVNL").name_hi.startswith("मध्यांचल")
    assert setup.current == "MVVNL"
    assert setup.after("MVVNL") == "DVVNL" and setup.after("DVVNL") == "MVVNL"


def test_an_account_number_finds_its_consumer(counter: Counter, consumer: str) -> None:
    found = find_consumers(counter, Query("account", "MVVNL", ACCOUNT))
    assert [m.snapshot.consumer.account_no for m in found.matches] == [ACCOUNT]
    assert not found.tried_mobile


def test_an_unknown_account_that_is_a_mobile_falls_back_to_the_mobile(counter: Counter) -> None:
    cache(counter, make_snapshot("2000000001", mobile="9812345670"))
    found = find_consumers(counter, Query("account", "MVVNL", "9812345670", mobile="9812345670"))
    assert [m.snapshot.consumer.account_no for m in found.matches] == ["2000000001"]
    assert found.tried_mobile


def test_an_unknown_account_that_is_no_mobile_finds_nothing(counter: Counter) -> None:
    found = find_consumers(counter, Query("account", "MVVNL", "1111111111"))
    assert found.matches == () and not found.tried_mobile


def test_a_mobile_finds_every_consumer_on_it(counter: Counter) -> None:
    cache(
        counter,
        make_snapshot("2000000001", mobile="9988776655"),
        make_snapshot("2000000002", mobile="9988776655"),
        make_snapshot("2000000003", mobile="9000000000"),
    )
    found = find_consumers(counter, Query("mobile", "MVVNL", "9988776655"))
    assert [m.snapshot.consumer.account_no for m in found.matches] == ["2000000001", "2000000002"]


def test_a_name_searches_the_local_cache(counter: Counter) -> None:
    cache(
        counter,
        make_snapshot("2000000001", name="Sita Devi", name_hi="सीता देवी"),
        make_snapshot("2000000002", name="Mohan Lal", name_hi="मोहन लाल"),
    )
    found = find_consumers(counter, Query("name", "MVVNL", "सीता"))
    assert [m.snapshot.consumer.name for m in found.matches] == ["Sita Devi"]


def test_numbers_ask_the_central_when_online(counter: Counter) -> None:
    fresh = make_snapshot("2000000009", name="Kamla Pal")
    central = FakeCentral(fresh)
    counter.is_online = lambda: True
    found = find_consumers(
        counter,
        Query("account", "MVVNL", "2000000009"),
        central=central,  # type: ignore[arg-type]
    )
    assert [(m.source, m.snapshot.consumer.name) for m in found.matches] == [
        ("central", "Kamla Pal")
    ]
    assert central.asked == [("MVVNL", "2000000009")]
