"""UPI payment links for the dynamic QR."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import MAX_PAISE
from kiosk.domain.upi import build_upi_link, parse_upi_link

GOOD = {
    "payee_vpa": "MVVNL.Counter@SBI",
    "payee_name": "MVVNL Bill Collection",
    "amount_paise": 123450,
    "reference": "CSC-LKO-0001-20261122-00001",
    "note": "Bill 1234567890 Nov 2026",
}


def _link(**changes):
    return build_upi_link(**{**GOOD, **changes})


def test_link_has_the_mandatory_fields_in_order_and_two_decimal_amount():
    link = _link()
    assert link.startswith("upi://pay?pa=mvvnl.counter@sbi&pn=MVVNL%20Bill%20Collection&")
    fields = dict(parse_qsl(urlsplit(link).query))
    assert fields == {
        "pa": "mvvnl.counter@sbi",
        "pn": "MVVNL Bill Collection",
        "am": "1234.50",
        "cu": "INR",
        "tr": "CSC-LKO-0001-20261122-00001",
        "tn": "Bill 1234567890 Nov 2026",
    }


def test_values_are_percent_encoded_never_with_plus():
    link = _link(payee_name="Ram & Sons = Co", note="a+b c")
    assert "pn=Ram%20%26%20Sons%20%3D%20Co" in link
    assert "tn=a%2Bb%20c" in link
    assert "+" not in link


def test_note_is_optional():
    assert "tn=" not in _link(note="")


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"payee_vpa": "nobody"}, "UPI ID", "one @"),
        ({"payee_name": "   "}, "payee name", "is required"),
        ({"amount_paise": 0}, "amount", "more than ₹0"),
        ({"amount_paise": -100}, "amount", "more than ₹0"),
        ({"amount_paise": MAX_PAISE + 1}, "amount", "at most"),
        ({"amount_paise": 12.5}, "amount", "whole paise"),
        ({"reference": "CSC 001"}, "reference", "letters, digits"),
        ({"reference": "CSC/001"}, "reference", "letters, digits"),
        ({"reference": ""}, "reference", "letters, digits"),
        ({"reference": "A" * 36}, "reference", "at most 35"),
        ({"note": "x" * 51}, "note", "at most 50"),
    ],
)
def test_bad_link_parts_are_refused(changes, field, rule):
    with pytest.raises(InvalidInput) as caught:
        _link(**changes)
    assert caught.value.field == field
    assert rule in caught.value.message


@given(
    amount=st.integers(min_value=1, max_value=MAX_PAISE),
    name=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    ).filter(lambda s: s.strip()),
    note=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=50),
)
def test_link_round_trips(amount, name, note):
    link = _link(amount_paise=amount, payee_name=name, note=note)
    parsed = parse_upi_link(link)
    assert parsed.amount_paise == amount
    assert parsed.payee_name == " ".join(name.split())
    assert (parsed.note or "") == " ".join(note.split())
    assert parsed.reference == GOOD["reference"]


def test_parse_refuses_other_links():
    with pytest.raises(InvalidInput, match="upi://pay"):
        parse_upi_link("https://example.invalid/pay?pa=a@b")
    with pytest.raises(InvalidInput, match="pa"):
        parse_upi_link("upi://pay?am=10.00")


@pytest.mark.parametrize("link", ["upi://[::1?pa=x&pn=y", "", "upi:pay"])
def test_parse_refuses_broken_links_plainly(link):
    with pytest.raises(InvalidInput):
        parse_upi_link(link)


@pytest.mark.parametrize(("changes", "field"), [({"note": None}, "note"),
                                                ({"reference": 123}, "reference")])  # fmt: skip
def test_wrong_types_are_input_errors(changes, field):
    with pytest.raises(InvalidInput) as caught:
        _link(**changes)
    assert caught.value.field == field
