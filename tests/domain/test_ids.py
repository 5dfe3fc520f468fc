"""Identifier validators: normalise what is typed, or say which rule it broke."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import verhoeff

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import (
    Discom,
    is_masked_aadhaar,
    mask_aadhaar,
    validate_account_number,
    validate_cheque_number,
    validate_mobile,
    validate_pincode,
    validate_utr,
    validate_vpa,
)

MVVNL = Discom(code="MVVNL", name="Madhyanchal", state="UP", account_lengths=(10,))
TWELVE = Discom(code="MKVVCL", name="Madhya Kshetra", state="MP", account_lengths=(10, 12))


def _field_and_message(call, *args):
    with pytest.raises(InvalidInput) as caught:
        call(*args)
    return caught.value.field, caught.value.message


class TestAccountNumber:
    def test_ten_digits_with_spaces_or_dashes_normalise(self):
        assert validate_account_number(" 12345-67890 ", MVVNL) == "1234567890"

    def test_length_comes_from_the_discom_data(self):
        assert validate_account_number("123456789012", TWELVE) == "123456789012"
        field, message = _field_and_message(validate_account_number, "123456789012", MVVNL)
        assert field == "account number"
        assert message == "must be 10 digits for MVVNL, got 12"

    def test_without_a_discom_10_or_12_digits_are_accepted(self):
        assert validate_account_number("1234567890") == "1234567890"
        assert validate_account_number("123456789012") == "123456789012"
        assert (
            "must be 10 or 12 digits"
            in _field_and_message(validate_account_number, "12345678901")[1]
        )

    @pytest.mark.parametrize("typed", ["12345abcde", "１２３４５６７８９０", "12345.67890"])
    def test_non_digits_are_refused(self, typed):
        assert "only digits" in _field_and_message(validate_account_number, typed, MVVNL)[1]

    def test_empty_is_refused(self):
        assert "is empty" in _field_and_message(validate_account_number, "  ", MVVNL)[1]


class TestMobile:
    @pytest.mark.parametrize(
        "typed",
        ["9876543210", "+91 98765 43210", "+919876543210", "919876543210", "09876543210",
         "0091 98765 43210", "98765-43210"],
    )  # fmt: skip
    def test_common_ways_of_writing_a_mobile(self, typed):
        assert validate_mobile(typed) == "9876543210"

    @pytest.mark.parametrize(
        ("typed", "rule"),
        [
            ("5876543210", "must start with 6, 7, 8 or 9"),
            ("0876543210", "must start with 6, 7, 8 or 9"),
            ("98765", "must be 10 digits, got 5"),
            ("98765432101", "must be 10 digits, got 11"),
            ("98765x3210", "only digits"),
            ("", "is empty"),
            ("+91", "is empty"),
        ],
    )
    def test_bad_mobiles(self, typed, rule):
        field, message = _field_and_message(validate_mobile, typed)
        assert field == "mobile"
        assert rule in message

    @given(st.from_regex(r"[6-9][0-9]{9}", fullmatch=True))
    def test_every_valid_mobile_survives_a_plus_91_prefix(self, number):
        assert validate_mobile(f"+91 {number[:5]} {number[5:]}") == number


def _aadhaar(first11: str) -> str:
    return first11 + verhoeff.calc_check_digit(first11)


class TestAadhaar:
    def test_only_the_masked_form_is_returned(self):
        number = _aadhaar("23412341234")
        masked = mask_aadhaar(f"{number[:4]} {number[4:8]} {number[8:]}")
        assert masked == f"XXXX XXXX {number[-4:]}"
        assert number not in masked and number[:8] not in masked.replace(" ", "")
        assert is_masked_aadhaar(masked)

    def test_a_mistyped_digit_fails_the_verhoeff_check(self):
        number = _aadhaar("23412341234")
        wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
        field, message = _field_and_message(mask_aadhaar, wrong)
        assert field == "aadhaar"
        assert "check digit" in message
        assert wrong not in message

    @pytest.mark.parametrize(
        ("typed", "rule"),
        [
            ("1234 5678 9012", "is not a valid Aadhaar number"),
            ("2222 2222 2222", "is not a valid Aadhaar number"),
            ("2341 2341 23", "must be 12 digits"),
            ("2341 abcd 2346", "only digits"),
            ("", "is empty"),
        ],
    )
    def test_bad_aadhaar(self, typed, rule):
        assert rule in _field_and_message(mask_aadhaar, typed)[1]

    @given(st.from_regex(r"[2-9][0-9]{10}", fullmatch=True))
    def test_any_valid_number_comes_back_masked(self, first11):
        number = _aadhaar(first11)
        try:
            masked = mask_aadhaar(number)
        except InvalidInput as exc:  # stdnum also refuses palindromes
            assert number == number[::-1], exc
            return
        assert masked == "XXXX XXXX " + number[-4:]

    def test_a_full_number_is_not_a_masked_one(self):
        assert not is_masked_aadhaar(_aadhaar("23412341234"))
        assert not is_masked_aadhaar("XXXX XXXX 12345")


class TestOtherIds:
    def test_vpa_is_lower_cased(self):
        assert validate_vpa(" MVVNL.Counter@SBI ") == "mvvnl.counter@sbi"

    @pytest.mark.parametrize(
        ("typed", "rule"),
        [
            ("counter", "one @"),
            ("a@b@c", "one @"),
            ("x@sbi", "must be letters"),
            ("name@1bank", "must be letters"),
            ("na me@sbi", "must be letters"),
            ("", "is empty"),
        ],
    )
    def test_bad_vpa(self, typed, rule):
        field, message = _field_and_message(validate_vpa, typed)
        assert field == "UPI ID"
        assert rule in message

    def test_utr_is_12_digits(self):
        assert validate_utr("4123 4567 8901") == "412345678901"
        assert _field_and_message(validate_utr, "41234567890") == (
            "UPI reference",
            "must be 12 digits, got 11",
        )

    def test_cheque_number_is_6_digits(self):
        assert validate_cheque_number("004521") == "004521"
        assert _field_and_message(validate_cheque_number, "4521")[1] == "must be 6 digits, got 4"
        assert "only digits" in _field_and_message(validate_cheque_number, "00452A")[1]

    def test_pincode(self):
        assert validate_pincode("226 028") == "226028"
        assert _field_and_message(validate_pincode, "026028") == ("pincode", "cannot start with 0")
        assert "must be 6 digits" in _field_and_message(validate_pincode, "22602")[1]

    @given(st.text(max_size=30))
    def test_validators_never_crash_on_any_text(self, text):
        validators = (validate_mobile, validate_utr, validate_vpa, validate_pincode,
                      validate_cheque_number, mask_aadhaar, validate_account_number)  # fmt: skip
        for validate in validators:
            try:
                result = validate(text)
            except InvalidInput as exc:
                assert exc.message
            else:
                assert isinstance(result, str) and result
