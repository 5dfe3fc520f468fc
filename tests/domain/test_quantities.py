"""Sanctioned load and units: a mistyped quantity must never reach a bill."""

from decimal import Decimal

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.domain.quantities import check_load_kw, check_units


@pytest.mark.parametrize(
    ("typed", "load"),
    [("2", Decimal(2)), (" 1.5 ", Decimal("1.5")), ("0.1", Decimal("0.1")), (4, Decimal(4)),
     (Decimal("2.125"), Decimal("2.125")), ("1000", Decimal(1000))],
)  # fmt: skip
def test_plain_loads(typed, load):
    assert check_load_kw(typed) == load


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("1_5", "must be a number of kW"),
        ("1e3", "must be a number of kW"),
        ("1e-999999", "must be a number of kW"),
        ("２", "must be a number of kW"),
        ("٢", "must be a number of kW"),
        ("NaN", "must be a number of kW"),
        ("-1", "must be a number of kW"),
        ("1.2345", "must be a number of kW"),
        ("", "must be a number of kW"),
        (True, "must be a number of kW"),
        ("0", "from 0.1 to 1000 kW, got 0"),
        ("0.05", "from 0.1 to 1000 kW"),
        ("1000.5", "from 0.1 to 1000 kW"),
    ],
)
def test_odd_loads_are_refused(typed, rule):
    with pytest.raises(InvalidInput) as caught:
        check_load_kw(typed)
    assert caught.value.field == "load"
    assert rule in caught.value.message


@pytest.mark.parametrize("units", [0, 1, 1_000_000])
def test_units_in_range(units):
    assert check_units(units) == units


@pytest.mark.parametrize("units", [-1, 1_000_001, 2.0, "5", None, False])
def test_units_out_of_range_or_not_whole(units):
    with pytest.raises(InvalidInput) as caught:
        check_units(units)
    assert caught.value.field == "units"
