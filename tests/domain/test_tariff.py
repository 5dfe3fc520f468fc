"""The bill calculator: telescopic slabs, fixed charge, duty, FPPAS, rounding, outliers."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.datafiles import DataFileError, load_tariff
from kiosk.domain.errors import InvalidInput
from kiosk.domain.tariff import parse_month

TARIFF = load_tariff()
FEB_2026 = date(2026, 2, 1)

# DOMAIN.md's published FY 2025-26 slabs in paise per kWh, (upper limit or None, rate).
PUBLISHED = {
    "lmv1-rural": [(100, 335), (150, 385), (300, 500), (None, 550)],
    "lmv1-urban": [(100, 550), (150, 550), (300, 600), (None, 650)],
    "lmv2-rural": [(None, 550)],
}


def telescopic(units: int, slabs) -> int:
    """Energy charge worked out the long way: each rate only on the units in its slab."""
    total, lower = 0, 0
    for upper, rate in slabs:
        top = units if upper is None else min(units, upper)
        if top > lower:
            total += (top - lower) * rate
        lower = upper if upper is not None else lower
    return total


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("category", sorted(PUBLISHED))
@given(units=st.integers(min_value=0, max_value=5000))
def test_energy_charge_matches_the_published_slabs(category, units):
    bill = TARIFF.calculate_bill(category, 1, units, FEB_2026)
    assert bill.energy_paise == telescopic(units, PUBLISHED[category])


@pytest.mark.parametrize(
    ("load", "units", "expected"),
    [
        (4, 300, 300 * 750),
        (4, 301, 300 * 750 + 840),
        (Decimal("4.5"), 1000, 1000 * 750),
        (Decimal("4.5"), 1200, 1000 * 750 + 200 * 875),
    ],
)
def test_lmv2_urban_slabs_depend_on_load(load, units, expected):
    assert TARIFF.calculate_bill("lmv2-urban", load, units, FEB_2026).energy_paise == expected


def test_bpl_first_100_units_at_three_rupees():
    assert TARIFF.calculate_bill("lmv1-bpl", 1, 100, FEB_2026).energy_paise == 100 * 300


def test_worked_urban_bill_line_by_line():
    bill = TARIFF.calculate_bill("lmv1-urban", 2, 250, FEB_2026)
    energy = 100 * 550 + 50 * 550 + 100 * 600
    fixed = 2 * 110 * 100  # Rs 110 per kW, reported for urban LMV-1
    duty = half_up(Decimal(energy) * 5 / 100)
    fppas = half_up(Decimal(energy + fixed) * 10 / 100)  # 10% in Feb 2026
    assert [line.kind for line in bill.lines] == [
        "energy", "energy", "energy", "fixed", "duty", "fppas"
    ]  # fmt: skip
    assert [line.amount_paise for line in bill.lines] == [55000, 27500, 60000, fixed, duty, fppas]
    assert (bill.energy_paise, bill.fixed_paise, bill.duty_paise, bill.fppas_paise) == (
        energy, fixed, duty, fppas
    )  # fmt: skip
    assert bill.total_paise == energy + fixed + duty + fppas == 188075


def test_each_line_rounds_half_up_to_the_paisa():
    # 3 urban units = Rs 16.50 energy; 5% duty = 82.5 paise -> 83 (half up, not half even)
    bill = TARIFF.calculate_bill("lmv1-urban", Decimal("0.5"), 3, FEB_2026)
    assert bill.energy_paise == 1650
    assert bill.duty_paise == 83
    assert bill.fixed_paise == 5500


@given(
    category=st.sampled_from(sorted(TARIFF.categories)),
    load=st.decimals(min_value="0.1", max_value="50", places=1),
    units=st.integers(min_value=0, max_value=20000),
)
def test_printed_lines_always_add_up_to_the_total(category, load, units):
    bill = TARIFF.calculate_bill(category, load, units, FEB_2026)
    assert sum(line.amount_paise for line in bill.lines) == bill.total_paise
    assert all(isinstance(line.amount_paise, int) for line in bill.lines)


@given(
    category=st.sampled_from(sorted(TARIFF.categories)),
    units=st.integers(min_value=0, max_value=5000),
)
def test_one_more_unit_never_costs_less(category, units):
    a = TARIFF.calculate_bill(category, 2, units, FEB_2026).energy_paise
    b = TARIFF.calculate_bill(category, 2, units + 1, FEB_2026).energy_paise
    assert b > a


def test_fppas_by_month_exact_then_latest_earlier_then_none():
    dec = TARIFF.calculate_bill("lmv1-rural", 1, 100, date(2025, 12, 1))
    assert dec.fppas_percent == Decimal("5.56")
    assert not any("FPPAS figure" in note for note in dec.notes)
    jan = TARIFF.calculate_bill("lmv1-rural", 1, 100, date(2026, 1, 1))
    assert jan.fppas_percent == Decimal("5.56")
    assert "no FPPAS figure for 2026-01: the 2025-12 figure is used" in jan.notes
    apr = TARIFF.calculate_bill("lmv1-rural", 1, 100, date(2025, 4, 1))
    assert apr.fppas_percent == Decimal("1.24")


def test_placeholders_are_always_disclosed():
    bill = TARIFF.calculate_bill("lmv1-rural", 1, 100, FEB_2026)
    assert "fixed_per_kw is a placeholder value" in bill.notes
    assert "electricity duty % is a placeholder value" in bill.notes


@pytest.mark.parametrize(
    ("args", "field", "rule"),
    [
        (("lmv9", 1, 100, FEB_2026), "category", "must be one of"),
        (("lmv1-rural", 0, 100, FEB_2026), "load", "from 0.1 to 1000 kW"),
        (("lmv1-rural", "0.05", 100, FEB_2026), "load", "from 0.1 to 1000 kW"),
        (("lmv1-rural", 1001, 100, FEB_2026), "load", "from 0.1 to 1000 kW"),
        (("lmv1-rural", -1, 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", "abc", 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", "NaN", 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", "1_5", 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", "1e3", 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", "２", 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", "1.2345", 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", True, 100, FEB_2026), "load", "must be a number"),
        (("lmv1-rural", 1, -1, FEB_2026), "units", "from 0 to"),
        (("lmv1-rural", 1, 10.5, FEB_2026), "units", "whole number"),
        (("lmv1-rural", 1, True, FEB_2026), "units", "whole number"),
        (("lmv1-rural", 1, 100, date(2025, 3, 1)), "month", "in force from 2025-04"),
    ],
)
def test_bad_calculator_input_names_the_field(args, field, rule):
    with pytest.raises(InvalidInput) as caught:
        TARIFF.calculate_bill(*args)
    assert caught.value.field == field
    assert rule in caught.value.message


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "26-02", "2026/02", "", "2026-2", "0000-01", "9999-12"]
)
def test_bad_months(text):
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_month(text)


def test_over_bill_outlier_against_144_units_per_kw_month():
    normal = TARIFF.check_over_bill(2, 500)
    assert normal.normative_units == 288
    assert not normal.is_outlier
    high = TARIFF.check_over_bill(2, 577)  # more than 2 x 288
    assert high.is_outlier and "reassessed at 288 units" in high.note
    assert TARIFF.check_over_bill(Decimal("1.5"), 300, months=2).normative_units == 432
    with pytest.raises(InvalidInput, match="months"):
        TARIFF.check_over_bill(1, 100, months=0)


def _write(tmp_path, text):
    path = tmp_path / "tariff.toml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """
name = "t"
effective_from = "2025-04-01"
[duty]
percent = "5"
[fppas]
[over_bill]
normative_units_per_kw_month = 144
outlier_factor = "2"
[categories.x]
label = "x"
fixed_per_kw = "10"
"""


@pytest.mark.parametrize(
    ("slabs", "problem"),
    [
        ('slabs = [{ upto = 100, rate = "1" }]', "the last slab must be open-ended"),
        ('slabs = [{ rate = "1" }, { rate = "2" }]', "only the last slab may be open-ended"),
        ('slabs = [{ upto = 200, rate = "1" }, { upto = 100, rate = "1" }, { rate = "2" }]',
         "slab limits must increase"),
        ('slabs = [{ rate = "-1" }]', "greater than or equal to 0"),
        ("", "give either 'slabs' or 'by_load'"),
    ],
)  # fmt: skip
def test_bad_tariff_files_name_the_file_and_key(tmp_path, slabs, problem):
    path = _write(tmp_path, BASE + slabs)
    with pytest.raises(DataFileError) as caught:
        load_tariff(path)
    assert any(line.startswith(f"{path}: categories.x") and problem in line
               for line in caught.value.lines), caught.value.lines  # fmt: skip


def test_tariff_file_that_is_not_toml(tmp_path):
    with pytest.raises(DataFileError, match="not valid TOML"):
        load_tariff(_write(tmp_path, "name = "))
    with pytest.raises(DataFileError, match="file not found"):
        load_tariff(tmp_path / "missing.toml")


def test_a_replacement_tariff_file_changes_the_bill(tmp_path):
    path = _write(tmp_path, BASE + 'slabs = [{ rate = "2.00" }]')
    assert load_tariff(path).calculate_bill("x", 1, 10, FEB_2026).energy_paise == 2000


def test_fppas_percent_is_bounded_in_the_data(tmp_path):
    path = _write(tmp_path, BASE.replace("[fppas]", '[fppas.percent_by_month]\n"2026-02" = "-500"')
                  + 'slabs = [{ rate = "1" }]')  # fmt: skip
    with pytest.raises(DataFileError) as caught:
        load_tariff(path)
    assert any("fppas.percent_by_month.2026-02" in line for line in caught.value.lines)
