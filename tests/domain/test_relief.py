"""Bijli Bill Rahat Yojana 2025-26: phases, eligibility, quotes, theft terms."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.datafiles import DataFileError, load_scheme
from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import MAX_PAISE
from kiosk.domain.relief import CaseType, instalment_schedule

SCHEME = load_scheme()
RS = 100  # paise per rupee


def quote(**kw):
    args = {
        "principal_paise": 20_000 * RS,
        "surcharge_paise": 10_000 * RS,
        "registered_on": date(2025, 12, 15),
        "category": "lmv1",
        "load_kw": 2,
    }
    return SCHEME.quote(**{**args, **kw})


def by_option(q):
    return {o.option: o for o in q.options}


def test_seed_worked_example_30000_becomes_15000_18000_19000():
    q = quote()
    assert q.eligible and q.reasons == [] and q.phase == 1
    options = by_option(q)
    assert [o for o in options] == ["lump_sum", "emi_750", "emi_500"]
    assert options["lump_sum"].payable_paise == 15_000 * RS
    assert options["emi_750"].payable_paise == 18_000 * RS
    assert options["emi_500"].payable_paise == 19_000 * RS
    assert {o.waived_paise for o in q.options} == {10_000 * RS}
    assert [o.rebate_paise for o in q.options] == [5_000 * RS, 2_000 * RS, 1_000 * RS]


@pytest.mark.parametrize(
    ("day", "phase", "lump_sum_rebate"),
    [
        (date(2025, 12, 1), 1, 25),
        (date(2025, 12, 31), 1, 25),
        (date(2026, 1, 1), 2, 20),
        (date(2026, 1, 31), 2, 20),
        (date(2026, 2, 1), 3, 15),
        (date(2026, 2, 28), 3, 15),
    ],
)
def test_phase_and_rebate_go_by_registration_date(day, phase, lump_sum_rebate):
    q = quote(registered_on=day)
    assert q.phase == phase
    lump = by_option(q)["lump_sum"]
    assert lump.rebate_percent == lump_sum_rebate
    assert lump.rebate_paise == 20_000 * RS * lump_sum_rebate // 100


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2025, 11, 30), "registration opens on 01.12.2025"),
        (date(2026, 3, 1), "registration closed on 28.02.2026"),
        (date(2026, 11, 22), "registration closed on 28.02.2026"),
    ],
)
def test_outside_the_phases_nobody_can_register(day, reason):
    q = quote(registered_on=day)
    assert not q.eligible and q.options == [] and q.phase is None
    assert q.reasons == [reason]


def test_lump_sum_is_due_within_30_days_of_registration():
    assert by_option(quote())["lump_sum"].due_by == date(2026, 1, 14)


def test_instalments_are_counted_on_the_balance_after_the_fee():
    options = by_option(quote())
    emi750 = options["emi_750"]
    # Rs 18,000 payable, Rs 2,000 fee adjusted -> Rs 16,000 = 21 x 750 + 250
    assert emi750.balance_after_fee_paise == 16_000 * RS
    assert (emi750.instalments, emi750.last_instalment_paise) == (22, 250 * RS)
    emi500 = options["emi_500"]
    assert (emi500.instalments, emi500.last_instalment_paise) == (34, 500 * RS)


def test_instalment_schedule_runs_month_by_month_across_the_year_end():
    emi750 = by_option(quote())["emi_750"]
    schedule = instalment_schedule(emi750, date(2025, 12, 1))
    assert len(schedule) == 22
    assert schedule[0] == (date(2025, 12, 1), 750 * RS)
    assert schedule[1][0] == date(2026, 1, 1)
    assert schedule[-1] == (date(2027, 9, 1), 250 * RS)
    assert sum(amount for _, amount in schedule) == emi750.balance_after_fee_paise
    assert instalment_schedule(by_option(quote())["lump_sum"], date(2025, 12, 1)) == []


@given(
    principal=st.integers(min_value=0, max_value=MAX_PAISE // 2),
    surcharge=st.integers(min_value=0, max_value=MAX_PAISE // 2),
)
def test_every_option_pays_the_principal_less_its_rebate(principal, surcharge):
    q = quote(principal_paise=principal, surcharge_paise=surcharge)
    if principal + surcharge == 0:
        assert q.reasons == ["there are no arrears to settle"]
        return
    for o in q.options:
        assert o.waived_paise == surcharge
        assert o.payable_paise == principal - o.rebate_paise
        assert 0 <= o.rebate_paise <= principal
        if o.instalments is not None:
            paid = (o.instalments - 1) * o.monthly_instalment_paise + o.last_instalment_paise
            assert paid == o.balance_after_fee_paise or o.balance_after_fee_paise == 0
    payables = [o.payable_paise for o in q.options]
    assert payables == sorted(payables)  # the lump sum is never dearer than instalments
    assert q.options[0].option == "lump_sum"
    assert all(o.instalments for o in q.options[1:])  # no "0 x Rs 750" options


def test_every_failing_reason_is_listed():
    q = quote(category="lmv1", load_kw=3, registered_on=date(2026, 3, 10), principal_paise=0,
              surcharge_paise=0)  # fmt: skip
    assert q.reasons == [
        "load 3 kW is above the 2 kW limit for LMV-1",
        "registration closed on 28.02.2026",
        "there are no arrears to settle",
    ]


@pytest.mark.parametrize(
    ("category", "load", "ok"),
    [
        ("lmv1", 1, True),
        ("lmv1-rural", 2, True),
        ("lmv1-urban", Decimal("2.5"), False),
        ("lmv2", 1, True),
        ("lmv2-urban", Decimal("1.5"), False),
        ("hv1", 1, False),
    ],
)
def test_category_and_load_limits(category, load, ok):
    assert quote(category=category, load_kw=load).eligible is ok


def test_uncovered_category_says_which_are_covered():
    assert quote(category="hv1").reasons == ["category hv1 is not covered: only LMV-1, LMV-2"]


def test_rc_and_disconnected_cases_are_eligible_with_their_notes():
    rc = quote(case=CaseType.RC)
    assert rc.eligible and "RC case: bring the recovery certificate notice" in rc.notes
    off = quote(case=CaseType.DISCONNECTED)
    assert off.eligible and any("restored" in n for n in off.notes)
    assert quote(case=CaseType.NEVER_PAID).eligible


def test_theft_relief_is_on_the_assessment_and_the_compounding_fee_stays():
    q = quote(
        case=CaseType.THEFT,
        principal_paise=50_000 * RS,
        surcharge_paise=5_000 * RS,
        compounding_fee_paise=3_000 * RS,
        registered_on=date(2026, 1, 10),
    )
    assert q.eligible
    assert [o.option for o in q.options] == ["lump_sum"]
    lump = q.options[0]
    assert lump.rebate_percent == 55  # phase 2 (placeholder split of "50-60%")
    assert lump.rebate_paise == 27_500 * RS
    assert lump.compounding_fee_paise == 3_000 * RS
    assert lump.payable_paise == (50_000 - 27_500 + 3_000) * RS
    # fee: the higher of Rs 2,000 and 10% of the assessment
    assert lump.registration_fee_paise == 5_000 * RS
    assert any("compounding fee is not waived" in n for n in q.notes)


def test_theft_fee_has_a_minimum():
    q = quote(case=CaseType.THEFT, principal_paise=8_000 * RS)
    assert q.options[0].registration_fee_paise == 2_000 * RS


def test_compounding_fee_only_for_theft():
    q = quote(compounding_fee_paise=100 * RS)
    assert "a compounding fee applies only to theft cases" in q.reasons


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"principal_paise": -1}, "principal"),
        ({"surcharge_paise": MAX_PAISE + 1}, "surcharge"),
        ({"principal_paise": 10.5}, "principal"),
        ({"compounding_fee_paise": -5}, "compounding fee"),
        ({"load_kw": "two"}, "load"),
    ],
)
def test_bad_quote_input_names_the_field(kw, field):
    with pytest.raises(InvalidInput) as caught:
        quote(**kw)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("category", "load", "area", "rupees"),
    [
        ("lmv1", 1, "rural", 300),
        ("lmv1-urban", 1, "urban", 400),
        ("lmv1", 2, "rural", 600),
        ("lmv1", 2, "urban", 800),
        ("lmv1", Decimal("1.5"), "urban", 800),
        ("lmv2", 1, "rural", 600),
        ("lmv2", 1, "urban", 900),
    ],
)
def test_provisional_bill_table(category, load, area, rupees):
    assert SCHEME.provisional_bill(category, load, area) == rupees * RS


def test_no_provisional_bill_beyond_the_table():
    with pytest.raises(InvalidInput, match="no provisional bill for LMV-2 at 2 kW"):
        SCHEME.provisional_bill("lmv2", 2, "urban")


def test_case_given_as_text_gets_the_same_terms_as_the_enum():
    as_text = quote(case="theft", principal_paise=50_000 * RS)
    as_enum = quote(case=CaseType.THEFT, principal_paise=50_000 * RS)
    assert as_text == as_enum
    assert [o.option for o in as_text.options] == ["lump_sum"]
    assert SCHEME.registration_fee_for("theft", 1_00_000 * RS) == 10_000 * RS


def test_unknown_case_is_refused_by_name():
    with pytest.raises(InvalidInput) as caught:
        quote(case="burglary")
    assert caught.value.field == "case"
    assert "theft" in caught.value.message


def test_no_zero_instalment_options_when_the_fee_covers_the_dues():
    q = quote(principal_paise=100 * RS, surcharge_paise=50 * RS)
    assert [o.option for o in q.options] == ["lump_sum"]
    assert q.options[0].payable_paise == 75 * RS
    assert any("registration fee ₹2,000.00 is more than what is payable" in n for n in q.notes)


@pytest.mark.parametrize(
    ("args", "field"),
    [(("lmv1", 1, "Rural"), "area"), (("lmv1", 0, "rural"), "load"),
     (("lmv1", "abc", "rural"), "load")],
)  # fmt: skip
def test_provisional_bill_refuses_bad_area_and_load(args, field):
    with pytest.raises(InvalidInput) as caught:
        SCHEME.provisional_bill(*args)
    assert caught.value.field == field


def test_nan_load_is_an_input_error_not_a_crash():
    with pytest.raises(InvalidInput):
        quote(load_kw="NaN")


SCHEME_FILE = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "relief_2025_26.toml"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('monthly = "750"', 'monthly = "750.555"', "more than 2 decimal places"),
        ('registration_fee = "2000"', 'registration_fee = "2000.005"', "more than 2 decimal"),
        ('option = "emi_500"', 'option = "emi_750"', "repeat a code"),
        ("end = 2025-12-31", "end = 2026-01-05", "overlaps phase 1"),
    ],
)
def test_bad_scheme_files_are_refused_when_loaded(tmp_path, old, new, problem):
    text = SCHEME_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "relief.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_scheme(path)
    assert any(problem in line and line.startswith(str(path)) for line in caught.value.lines)
