"""Money: parsing operator input into paise, formatting, and amounts in words."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import (
    MAX_PAISE,
    amount_in_words_en,
    amount_in_words_hi,
    check_cash_limit,
    format_inr,
    format_rupees_ascii,
    paise,
    parse_amount,
)

amounts = st.integers(min_value=0, max_value=MAX_PAISE)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.50", 123450),
        ("1234", 123400),
        ("₹ 99.5", 9950),
        ("₹99.50", 9950),
        ("Rs. 10", 1000),
        ("rs 10", 1000),
        ("INR 7", 700),
        ("1,23,456.50", 12345650),
        ("12,34,567", 1234567 * 100),
        ("1,234,567", 123456700),
        (" 250 ", 25000),
        (".5", 50),
        ("5.", 500),
        ("0", 0),
        ("0.01", 1),
        ("+100", 10000),
    ],
)
def test_operator_amounts_parse_to_exact_paise(typed, expected):
    assert parse_amount(typed) == expected


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("-5", "must not be negative"),
        ("₹ -5", "must not be negative"),
        ("1.234", "more than 2 decimal places"),
        ("0.001", "more than 2 decimal places"),
        ("abc", "is not an amount"),
        ("1,2,3", "is not an amount"),
        ("12,34", "is not an amount"),
        ("1,00,0000", "is not an amount"),
        ("1 000", "is not an amount"),
        ("1e5", "is not an amount"),
        ("nan", "is not an amount"),
        ("inf", "is not an amount"),
        ("1.2.3", "is not an amount"),
        (".", "is not an amount"),
        ("१२३", "is not an amount"),
        ("0x10", "is not an amount"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("1000000000", "must be at most ₹99,99,999.99"),
    ],
)
def test_bad_amounts_are_refused_with_the_rule(typed, rule):
    with pytest.raises(InvalidInput) as caught:
        parse_amount(typed)
    assert caught.value.field == "amount"
    assert rule in caught.value.message


def test_parse_amount_names_the_callers_field():
    with pytest.raises(InvalidInput, match=r"^tendered: "):
        parse_amount("ten", field="tendered")


@given(amounts)
def test_formatted_amount_parses_back_to_the_same_paise(value):
    assert parse_amount(format_inr(value)) == value
    assert parse_amount(format_rupees_ascii(value)) == value


@given(amounts)
def test_formatting_uses_indian_grouping_and_two_decimals(value):
    text = format_inr(value)
    assert re.fullmatch(r"₹(\d{1,2},)*\d{1,3}\.\d{2}", text) or re.fullmatch(
        r"₹\d{1,3}\.\d{2}", text
    ), text
    assert text.replace("₹", "").replace(",", "") == f"{Decimal(value) / 100:.2f}"


def test_format_inr_examples():
    assert format_inr(12345650) == "₹1,23,456.50"
    assert format_inr(0) == "₹0.00"
    assert format_inr(MAX_PAISE) == "₹99,99,999.99"
    assert format_inr(-150) == "-₹1.50"
    assert format_rupees_ascii(12345650) == "Rs. 1,23,456.50"


@given(amounts)
def test_words_are_never_empty_and_end_with_only(value):
    en = amount_in_words_en(value)
    hi = amount_in_words_hi(value)
    assert en.endswith(" only") and len(en) > len(" only")
    assert hi.endswith(" मात्र") and len(hi) > len(" मात्र")
    assert ("paise" in en or "paisa" in en) == bool(value % 100)
    assert ("पैसे" in hi or "पैसा" in hi) == bool(value % 100)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (12345650, "one lakh, twenty-three thousand, four hundred and fifty-six rupees "
         "and fifty paise only"),
        (100, "one rupee only"),
        (101, "one rupee and one paisa only"),
        (50, "fifty paise only"),
        (0, "zero rupees only"),
    ],
)  # fmt: skip
def test_english_words_examples(value, words):
    assert amount_in_words_en(value) == words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (12345650, "एक लाख तेईस हज़ार चार सौ छप्पन रुपये और पचास पैसे मात्र"),
        (100, "एक रुपया मात्र"),
        (101, "एक रुपया और एक पैसा मात्र"),
        (199, "एक रुपया और निन्यानबे पैसे मात्र"),
        (0, "शून्य रुपये मात्र"),
        (MAX_PAISE, "निन्यानबे लाख निन्यानबे हज़ार नौ सौ निन्यानबे रुपये और निन्यानबे पैसे मात्र"),
        (2_00_000_00, "दो लाख रुपये मात्र"),
    ],
)
def test_hindi_words_examples(value, words):
    assert amount_in_words_hi(value) == words


@pytest.mark.parametrize("value", [-1, MAX_PAISE + 1])
def test_words_refuse_amounts_out_of_range(value):
    with pytest.raises(InvalidInput):
        amount_in_words_hi(value)
    with pytest.raises(InvalidInput):
        amount_in_words_en(value)


def test_paise_from_rupee_figures_is_exact():
    assert paise("3.35") == 335
    assert paise(2000) == 200000
    assert paise(Decimal("0.10")) == 10
    with pytest.raises(InvalidInput, match="more than 2 decimal places"):
        paise("3.335")


@pytest.mark.parametrize(("typed", "expected"), [("100/-", 10000), ("Rs. 1,250/-", 125000)])
def test_amounts_written_the_indian_form_way(typed, expected):
    assert parse_amount(typed) == expected


@pytest.mark.parametrize("typed", ["0,100", "00,100", "0,00,100"])
def test_grouped_numbers_do_not_start_with_zero(typed):
    with pytest.raises(InvalidInput, match="is not an amount"):
        parse_amount(typed)


def test_absurdly_long_input_is_refused_before_any_conversion():
    with pytest.raises(InvalidInput, match="too long"):
        parse_amount("1" * 5000)


@pytest.mark.parametrize("figure", ["-5", "NaN", "Infinity", "abc"])
def test_data_figures_must_be_finite_and_not_negative(figure):
    with pytest.raises(InvalidInput):
        paise(figure)


class TestCashLimit269ST:
    def test_just_below_two_lakh_in_a_day_is_fine(self):
        check_cash_limit(1_00_000_00, 99_999_99)

    def test_two_lakh_in_one_go_is_refused_with_the_reason(self):
        with pytest.raises(InvalidInput) as caught:
            check_cash_limit(0, 2_00_000_00)
        assert caught.value.field == "amount"
        assert "s.269ST" in caught.value.message and "UPI, cheque or card" in caught.value.message

    def test_cash_already_taken_today_counts(self):
        with pytest.raises(InvalidInput, match=r"already ₹1,50,000.00 today"):
            check_cash_limit(1_50_000_00, 50_000_00)

    def test_a_counter_may_lower_the_limit_but_not_raise_it(self):
        with pytest.raises(InvalidInput, match=re.escape("₹50,000.00 or more")):
            check_cash_limit(0, 50_000_00, limit_paise=50_000_00)
        with pytest.raises(InvalidInput, match=re.escape("₹2,00,000.00 or more")):
            check_cash_limit(0, 3_00_000_00, limit_paise=10_00_000_00)
