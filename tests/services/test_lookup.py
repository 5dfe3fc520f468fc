"""Finding a consumer: from the cache offline (saying how old it is), what is still owed,
and the central's fresh answer when online."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.domain.snapshot import ConsumerSnapshot, PaymentSummary
from kiosk.services.central_client import CentralUnavailable
from kiosk.services.counter import Counter
from kiosk.services.lookup import describe_age, find_account, find_mobile, search_name
from kiosk.services.payments import cancel_receipt, record_payment
from kiosk.services.scheme import SchemeRequest, register_scheme
from kiosk.store.consumers import get_by_account
from tests.services.factories import ACCOUNT, CACHED_AT, DUE, make_snapshot
from tests.services.support import AADHAAR, OPERATOR, FixedClock, cache, cash, db_state, upi


class FakeCentral:
    """Answers like CentralClient; records what it was asked."""

    def __init__(self, answer: Any = None, error: bool = False) -> None:
        self.answer = answer
        self.error = error
        self.asked: list[tuple[str, ...]] = []

    def consumer(self, discom: str, account_no: str) -> ConsumerSnapshot | None:
        self.asked.append((discom, account_no))
        if self.error:
            raise CentralUnavailable("no answer")
        return self.answer

    def consumers_by_mobile(self, mobile: str) -> list[ConsumerSnapshot]:
        self.asked.append((mobile,))
        if self.error:
            raise CentralUnavailable("no answer")
        return list(self.answer or [])


def test_an_offline_lookup_comes_from_the_cache_and_says_how_old_it_is(
    counter: Counter, consumer: str
) -> None:
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert found.source == "cache"
    assert found.as_of == CACHED_AT
    assert found.snapshot.consumer.name == "Ram Kumar"
    assert found.outstanding_paise == DUE
    now = counter.now()
    assert found.age(now) == timedelta(hours=3)
    # 03:00 UTC is 08:30 in India.
    assert found.freshness(now) == "data as of 10.01.2026 08:30 (3 hours old)"


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (timedelta(seconds=59), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59, seconds=59), "59 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(days=1, hours=5), "1 day"),
        (timedelta(days=9), "9 days"),
        (timedelta(seconds=-30), "less than a minute"),
    ],
)
def test_the_age_is_described_in_plain_words(age: timedelta, words: str) -> None:
    assert describe_age(age) == words


def test_an_old_cache_says_days(counter: Counter, consumer: str, clock: FixedClock) -> None:
    clock.advance(days=4)
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert "(4 days old)" in found.freshness(counter.now())


def test_a_cache_written_later_than_the_clock_is_not_negative(
    counter: Counter, clock: FixedClock
) -> None:
    cache(counter, make_snapshot(), cached_at=clock() + timedelta(minutes=5))
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert found.age(counter.now()) == timedelta(0)
    assert found.freshness(counter.now()).endswith("(less than a minute old)")


def test_an_unknown_consumer_is_none(counter: Counter, consumer: str) -> None:
    assert find_account(counter, "MVVNL", "9999999999") is None
    assert find_account(counter, "DVVNL", ACCOUNT) is None  # same number, other discom


def test_the_discom_is_matched_whatever_its_case(counter: Counter, consumer: str) -> None:
    found = find_account(counter, " mvvnl ", "12345 67890")
    assert found is not None
    assert found.snapshot.key == ("MVVNL", ACCOUNT)


@pytest.mark.parametrize(
    ("discom", "account", "field"),
    [
        ("MVVNL", "12345", "account number"),
        ("MVVNL", "abcdefghij", "account number"),
        ("MVVNL", "", "account number"),
        ("PVVNL", ACCOUNT, "discom"),
        ("", ACCOUNT, "discom"),
    ],
)
def test_a_bad_account_is_refused(
    counter: Counter, consumer: str, discom: str, account: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        find_account(counter, discom, account)
    assert caught.value.field == field


# --- what is still owed -----------------------------------------------------------------


def test_outstanding_is_the_bill_less_payments_since_it_was_issued(
    counter: Counter, consumer: str
) -> None:
    record_payment(counter, cash(1_000_00))
    record_payment(counter, upi(2_500_00), confirm_second=True)
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert found.outstanding_paise == DUE - 3_500_00


def test_payments_before_the_bill_and_cancelled_payments_do_not_count(
    counter: Counter, consumer: str, clock: FixedClock, supervisor: str
) -> None:
    clock.set(datetime(2026, 1, 2, 6, 0, tzinfo=UTC))  # before the bill was issued (3 Jan)
    record_payment(counter, cash(5_000_00))
    clock.set(datetime(2026, 1, 10, 6, 0, tzinfo=UTC))
    wrong = record_payment(counter, cash(1_000_00))
    cancel_receipt(counter, wrong.receipt_no, reason="wrong amount", supervisor_id=supervisor)
    record_payment(counter, cash(700_00))
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert found.outstanding_paise == DUE - 700_00


def test_a_scheme_fee_does_not_reduce_the_bill(counter: Counter, consumer: str) -> None:
    register_scheme(
        counter,
        SchemeRequest("MVVNL", ACCOUNT, "lump_sum", "aadhaar", AADHAAR, "9876543210", OPERATOR),
        cash(1),
    )
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert found.outstanding_paise == DUE


def test_payments_the_central_knows_count_once(counter: Counter) -> None:
    here = record_payment(counter, cash(1_000_00, account_no="5555555555"))
    cache(
        counter,
        make_snapshot(
            "5555555555",
            recent_payments=[
                PaymentSummary(
                    receipt_no=here.receipt_no,
                    paid_on=date(2026, 1, 10),
                    amount_paise=1_000_00,
                    mode="cash",
                ),
                PaymentSummary(
                    receipt_no="ONLINE-77",
                    paid_on=date(2026, 1, 5),
                    amount_paise=2_000_00,
                    mode="online",
                ),
                PaymentSummary(
                    receipt_no="OLD-1", paid_on=date(2026, 1, 2), amount_paise=9_000_00, mode="upi"
                ),
            ],
        ),
    )
    found = find_account(counter, "MVVNL", "5555555555")
    assert found is not None
    assert found.outstanding_paise == DUE - 1_000_00 - 2_000_00


def test_outstanding_never_goes_below_zero(counter: Counter, consumer: str) -> None:
    record_payment(counter, upi(DUE + 5_000_00))
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert found.outstanding_paise == 0


def test_no_bill_means_nothing_outstanding(counter: Counter) -> None:
    cache(counter, make_snapshot(bill=False))
    found = find_account(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert found.outstanding_paise == 0


# --- mobile and name --------------------------------------------------------------------


def test_consumers_are_found_by_mobile_offline(counter: Counter) -> None:
    cache(
        counter,
        make_snapshot(ACCOUNT),
        make_snapshot("2222222222", name="Sita Devi"),
        make_snapshot("3333333333", mobile="9123456789"),
    )
    found = find_mobile(counter, "+91 98765-43210")
    assert [f.snapshot.consumer.account_no for f in found] == [ACCOUNT, "2222222222"]
    assert all(f.source == "cache" for f in found)
    assert find_mobile(counter, "7000000000") == []


@pytest.mark.parametrize("mobile", ["", "12345", "5876543210", "98765432", "abcdefghij"])
def test_a_bad_mobile_is_refused(counter: Counter, mobile: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        find_mobile(counter, mobile)
    assert caught.value.field == "mobile"


def test_consumers_are_found_by_name_in_the_cache(counter: Counter) -> None:
    cache(
        counter,
        make_snapshot(ACCOUNT),
        make_snapshot("2222222222", name="Sita Devi", name_hi="सीता देवी"),
    )
    assert [f.snapshot.consumer.name for f in search_name(counter, "ram ku")] == ["Ram Kumar"]
    assert [f.snapshot.consumer.name for f in search_name(counter, "सीता")] == ["Sita Devi"]
    assert search_name(counter, "Mohanlalganj") and search_name(counter, "nobody") == []


@pytest.mark.parametrize("text", ["", "   ", '"', "*", "OR", "NEAR("])
def test_odd_search_text_finds_nothing_and_breaks_nothing(counter: Counter, text: str) -> None:
    cache(counter, make_snapshot())
    assert search_name(counter, text) == []


# --- with a central ---------------------------------------------------------------------


def test_an_offline_counter_does_not_ask_the_central(counter: Counter, consumer: str) -> None:
    central = FakeCentral(answer=make_snapshot(name="Changed"))
    found = find_account(counter, "MVVNL", ACCOUNT, central=central)  # type: ignore[arg-type]
    assert found is not None
    assert (found.source, central.asked) == ("cache", [])


def test_online_the_central_answer_is_shown_and_cached(counter: Counter, consumer: str) -> None:
    counter.is_online = lambda: True
    fresh = make_snapshot(
        name="Ram Kumar Yadav", updated_at=datetime(2026, 1, 10, 5, 0, tzinfo=UTC)
    )
    central = FakeCentral(answer=fresh)
    found = find_account(counter, "mvvnl", ACCOUNT, central=central)  # type: ignore[arg-type]
    assert found is not None
    assert central.asked == [("MVVNL", ACCOUNT)]
    assert (found.source, found.as_of) == ("central", counter.now())
    assert found.freshness(counter.now()) == "live from the central"
    cached = get_by_account(counter.conn, "MVVNL", ACCOUNT)
    assert cached is not None
    assert cached.snapshot.consumer.name == "Ram Kumar Yadav"


def test_when_the_central_fails_the_cache_answers(counter: Counter, consumer: str) -> None:
    counter.is_online = lambda: True
    before = db_state(counter)
    found = find_account(counter, "MVVNL", ACCOUNT, central=FakeCentral(error=True))  # type: ignore[arg-type]
    assert found is not None
    assert found.source == "cache"
    assert db_state(counter) == before


def test_central_mobile_answers_for_other_discoms_are_left_out(counter: Counter) -> None:
    counter.is_online = lambda: True
    ours = make_snapshot(ACCOUNT)
    theirs = make_snapshot("2222222222", discom="PVVNL")
    found = find_mobile(counter, "9876543210", central=FakeCentral(answer=[ours, theirs]))  # type: ignore[arg-type]
    assert [(f.snapshot.key, f.source) for f in found] == [(("MVVNL", ACCOUNT), "central")]
    assert get_by_account(counter.conn, "PVVNL", "2222222222") is None
