"""Backoff with equal jitter, the server's Retry-After, and the server's clock."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offline_queue.backoff import (
    MAX_RETRY_AFTER_S,
    backoff_delay,
    parse_retry_after,
    parse_server_time,
)

NOW = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC).timestamp()

unit = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)


def _fixed(value: float):
    return lambda: value


# --- backoff_delay ---------------------------------------------------------------------


@pytest.mark.parametrize("failures", [0, -1, -100])
def test_no_delay_before_the_first_failure(failures):
    assert backoff_delay(failures, base_s=2.0, cap_s=300.0, rng=_fixed(0.99)) == 0.0


def test_the_delay_doubles_with_each_failure_until_the_cap():
    lowest = [backoff_delay(n, base_s=2.0, cap_s=300.0, rng=_fixed(0.0)) for n in range(1, 10)]
    assert lowest == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 150.0]
    highest = [backoff_delay(n, base_s=2.0, cap_s=300.0, rng=_fixed(0.5)) for n in range(1, 4)]
    assert highest == [1.5, 3.0, 6.0]


def test_a_huge_failure_count_stays_at_the_cap_without_overflow():
    delay = backoff_delay(10**9, base_s=2.0, cap_s=300.0, rng=_fixed(0.999999))
    assert 150.0 <= delay < 300.0


@given(
    failures=st.integers(min_value=1, max_value=10_000),
    base=st.floats(min_value=0.01, max_value=60.0),
    cap=st.floats(min_value=0.01, max_value=3600.0),
    r=unit,
)
def test_equal_jitter_stays_between_half_the_step_and_the_cap(failures, base, cap, r):
    step = min(cap, base * 2 ** min(failures - 1, 30))
    delay = backoff_delay(failures, base_s=base, cap_s=cap, rng=_fixed(r))
    assert step / 2 <= delay <= step
    assert delay <= cap
    assert delay > 0, "no retry comes back immediately"


@given(failures=st.integers(min_value=1, max_value=40), r=unit)
def test_the_delay_never_shrinks_as_failures_grow_for_the_same_draw(failures, r):
    def delay(n):
        return backoff_delay(n, base_s=1.0, cap_s=600.0, rng=_fixed(r))

    assert delay(failures + 1) >= delay(failures)


# --- parse_retry_after ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("0", 0.0), ("7", 7.0), (" 120 ", 120.0), ("3600", 3600.0), ("007", 7.0)],
)
def test_retry_after_in_delta_seconds(header, seconds):
    assert parse_retry_after(header, now=NOW) == seconds


def test_retry_after_in_delta_seconds_is_capped():
    assert parse_retry_after("86400", now=NOW) == MAX_RETRY_AFTER_S
    assert parse_retry_after("9" * 400, now=NOW) == MAX_RETRY_AFTER_S


def test_retry_after_as_a_future_http_date_is_the_seconds_until_then():
    when = datetime.fromtimestamp(NOW, UTC) + timedelta(seconds=90)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=NOW) == 90.0
    assert parse_retry_after("Sun, 22 Nov 2026 10:02:00 GMT", now=NOW) == 120.0


def test_retry_after_as_an_http_date_with_a_numeric_offset():
    # 15:32 in India is 10:02 UTC
    assert parse_retry_after("Sun, 22 Nov 2026 15:32:00 +0530", now=NOW) == 120.0


def test_retry_after_as_a_past_http_date_means_now():
    assert parse_retry_after("Sun, 22 Nov 2026 09:00:00 GMT", now=NOW) == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=NOW) == 0.0


def test_retry_after_as_a_far_future_http_date_is_capped():
    assert parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT", now=NOW) == MAX_RETRY_AFTER_S


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        "soon",
        "-5",
        "1.5",
        "1e3",
        "0x10",
        "Sun, 32 Nov 2026 10:00:00 GMT",
        "Mon, 01 Jan 99999 00:00:00 GMT",
        "²",  # a digit to str.isdigit(), not to float()
        "³⁵",
        "١٢",  # Arabic-Indic digits are not HTTP DIGITs
    ],
)
def test_garbage_retry_after_is_none(header):
    assert parse_retry_after(header, now=NOW) is None


@given(st.text(max_size=40))
def test_retry_after_never_raises_and_stays_within_bounds(header):
    seconds = parse_retry_after(header, now=NOW)
    assert seconds is None or 0.0 <= seconds <= MAX_RETRY_AFTER_S


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6))
def test_retry_after_made_of_any_script_digits_never_raises(header):
    # httpx decodes header bytes as latin-1, so "²" (0xB2) can arrive from a bad server;
    # only ASCII digits are delta-seconds
    seconds = parse_retry_after(header, now=NOW)
    if header.isascii():
        assert seconds == min(float(header), MAX_RETRY_AFTER_S)
    else:
        assert seconds is None


# --- parse_server_time ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2026-11-22T10:00:00+00:00", NOW),
        ("2026-11-22T10:00:00Z", NOW),
        ("2026-11-22T15:30:00+05:30", NOW),
        (" 2026-11-22T15:30:00.250+05:30 ", NOW + 0.25),
    ],
)
def test_server_time_with_an_offset_is_a_timestamp(header, expected):
    assert parse_server_time(header) == expected


@pytest.mark.parametrize(
    "header",
    [None, "", "2026-11-22T10:00:00", "2026-11-22", "yesterday", "22/11/2026 10:00", "2026-13-01"],
)
def test_server_time_that_is_naive_or_garbage_is_none(header):
    assert parse_server_time(header) is None


@given(st.datetimes(timezones=st.timezones()))
def test_server_time_round_trips_any_aware_datetime(when):
    assert parse_server_time(when.isoformat()) == pytest.approx(when.timestamp(), abs=1e-6)


@given(st.text(max_size=40))
def test_server_time_never_raises(header):
    result = parse_server_time(header)
    assert result is None or isinstance(result, float)
