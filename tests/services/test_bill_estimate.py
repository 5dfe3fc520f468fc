"""The bill calculator's service: the tariff's own lines for what was typed, each bad field
named, and a printed estimate queued and audited but never sent to the central."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.bill_estimate import (
    bill_categories,
    estimate_bill,
    estimate_print_state,
    parse_units,
    print_bill_estimate,
)
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed, NotFound
from tests.services.support import OPERATOR, add_staff, count, db_state, disable_staff, row


@pytest.fixture
def operator(counter: Counter) -> str:
    add_staff(counter, OPERATOR)
    return OPERATOR


def test_the_lines_are_the_tariff_calculators_with_their_parts(counter: Counter) -> None:
    doc = estimate_bill(counter, " LMV1-Urban ", "2", "350", "2026-02")
    bill = counter.tariff.calculate_bill("lmv1-urban", "2", 350, date(2026, 2, 1))
    assert [(x.label, x.quantity, x.rate, x.amount_paise) for x in doc.lines] == [
        (x.label, x.quantity, x.rate, x.amount_paise) for x in bill.lines
    ]
    assert doc.total_paise == bill.total_paise == 2599_50
    slabs = [(x.slab_from, x.slab_to) for x in doc.lines if x.kind == "energy"]
    assert slabs == [(1, 100), (101, 150), (151, 300), (301, None)]
    duty, fppas = doc.lines[-2:]
    assert (duty.base_paise, duty.applies_to) == (bill.energy_paise, ("energy",))
    base = bill.energy_paise + bill.fixed_paise
    assert (fppas.base_paise, fppas.applies_to) == (base, ("energy", "fixed"))
    assert (doc.category, doc.load_kw, doc.units, doc.month) == ("lmv1-urban", "2", 350, "2026-02")
    assert doc.category_label_hi == "एलएमवी-1 घरेलू, शहरी"
    assert doc.notes == tuple(bill.notes)


def test_zero_units_has_no_energy_line_and_still_the_fixed_charge(counter: Counter) -> None:
    doc = estimate_bill(counter, "lmv2-rural", "1", "0", "2025-04")
    assert [x.kind for x in doc.lines] == ["fixed", "duty", "fppas"]
    assert doc.total_paise > 0


def test_the_categories_come_from_the_tariff_file(counter: Counter) -> None:
    codes = [c.code for c in bill_categories(counter)]
    assert codes == list(counter.tariff.categories)
    assert "lmv2-urban" in codes


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        (("lmv3", "2", "100", "2026-02"), "category"),
        (("lmv1-urban", "1e3", "100", "2026-02"), "load"),
        (("lmv1-urban", "", "100", "2026-02"), "load"),
        (("lmv1-urban", "2", "1,200", "2026-02"), "units"),
        (("lmv1-urban", "2", "-5", "2026-02"), "units"),
        (("lmv1-urban", "2", "100", "02-2026"), "month"),
        (("lmv1-urban", "2", "100", "2024-12"), "month"),
    ],
)
def test_a_bad_field_is_named(counter: Counter, typed: tuple[str, ...], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        estimate_bill(counter, *typed)
    assert caught.value.field == field


@pytest.mark.parametrize("typed", ["", "12.5", "١٢", "x", "99999999"])
def test_units_are_plain_whole_numbers(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_units(typed)


def test_printing_queues_the_slip_audits_it_and_sends_nothing(
    counter: Counter, operator: str, wakes
) -> None:
    woken = len(wakes)
    printed = print_bill_estimate(
        counter,
        operator,
        "lmv1-rural",
        "2",
        "180",
        "2025-12",
        discom="MVVNL",
        account_no="1234567890",
        consumer_name="Ram Kumar",
    )
    job = row(counter, "SELECT kind, status FROM print_jobs WHERE id = ?", printed.job_id)
    assert job == {"kind": "bill_estimate", "status": "pending"}
    assert estimate_print_state(counter, printed.job_id) == "pending"
    audit = row(counter, "SELECT operator_id, action, ref FROM audit_log ORDER BY id DESC")
    assert audit == {
        "operator_id": OPERATOR,
        "action": "bill_estimate.printed",
        "ref": "MVVNL 1234567890",
    }
    assert count(counter, "outbox") == 0
    assert printed.doc.operator_id == OPERATOR
    assert len(wakes) == woken + 1  # the spool is woken after the commit


def test_a_bad_field_or_a_disabled_operator_prints_nothing(counter: Counter, operator: str) -> None:
    before = db_state(counter)
    with pytest.raises(InvalidInput):
        print_bill_estimate(counter, operator, "lmv1-rural", "2", "abc", "2025-12")
    disable_staff(counter, operator)
    with pytest.raises(NotAllowed):
        print_bill_estimate(counter, operator, "lmv1-rural", "2", "180", "2025-12")
    assert db_state(counter) == before


def test_the_print_state_of_an_unknown_job_is_not_found(counter: Counter) -> None:
    with pytest.raises(NotFound):
        estimate_print_state(counter, 42)
