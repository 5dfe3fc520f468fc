"""Demo consumers: deterministic, valid, and varied enough to exercise every screen."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from central.db import CentralDB
from central.demo_data import generate_records, generate_snapshots, seed_database
from central.translit import to_latin
from kiosk.datafiles import load_scheme
from kiosk.domain.ids import validate_account_number, validate_mobile
from kiosk.domain.snapshot import ConsumerSnapshot
from tests.central.factories import DEMO_NOW

COUNT = 3000
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


@pytest.fixture(scope="module")
def sample() -> list[ConsumerSnapshot]:
    return list(generate_snapshots(COUNT, seed=2025, now=DEMO_NOW))


def test_same_seed_gives_identical_consumers(sample):
    assert list(generate_snapshots(COUNT, seed=2025, now=DEMO_NOW)) == sample


def test_another_seed_gives_other_consumers(sample):
    other = list(generate_snapshots(50, seed=7, now=DEMO_NOW))
    assert [s.consumer.account_no for s in other] != [s.consumer.account_no for s in sample[:50]]
    assert [s.consumer.name for s in other] != [s.consumer.name for s in sample[:50]]


def test_asking_for_more_only_adds_consumers(sample):
    assert list(generate_snapshots(100, seed=2025, now=DEMO_NOW)) == sample[:100]


def test_records_are_exactly_the_dumped_snapshots():
    for record in generate_records(500, seed=11, now=DEMO_NOW):
        assert ConsumerSnapshot.model_validate(record).model_dump(mode="json") == record


def test_account_numbers_are_valid_and_unique(sample):
    accounts = [s.consumer.account_no for s in sample]
    assert all(validate_account_number(a) == a and len(a) == 10 for a in accounts)
    assert len(set(accounts)) == len(accounts)


def test_mobiles_are_valid_and_some_are_shared(sample):
    mobiles = [s.consumer.mobile for s in sample if s.consumer.mobile]
    assert all(validate_mobile(m) == m and m[0] in "6789" for m in mobiles)
    assert len(mobiles) < COUNT  # some consumers gave no mobile
    assert max(Counter(mobiles).values()) > 1  # one person, several connections


def test_every_discom_category_and_meter_type_occurs(sample):
    assert {s.consumer.discom for s in sample} == {"MVVNL", "DVVNL", "PVVNL", "PuVVNL", "KESCO"}
    assert {s.consumer.category for s in sample} == {
        "lmv1-rural",
        "lmv1-urban",
        "lmv1-bpl",
        "lmv2-rural",
        "lmv2-urban",
    }
    assert {s.consumer.meter_type for s in sample} == {"prepaid", "postpaid"}
    assert {s.consumer.division.split()[-1] for s in sample} == {"Urban", "Rural"}
    assert {s.consumer.status for s in sample} == {"active", "disconnected", "rc"}


def test_prepaid_consumers_have_balances_some_negative_and_no_bill(sample):
    prepaid = [s for s in sample if s.consumer.meter_type == "prepaid"]
    assert all(s.prepaid_balance_paise is not None and s.bill is None for s in prepaid)
    assert any(s.prepaid_balance_paise < 0 for s in prepaid)
    assert any(s.prepaid_balance_paise > 0 for s in prepaid)


def test_postpaid_consumers_have_a_current_bill_some_with_arrears(sample):
    postpaid = [s for s in sample if s.consumer.meter_type == "postpaid"]
    assert all(s.bill is not None and s.bill.current_paise > 0 for s in postpaid)
    assert all(s.bill.account_no == s.consumer.account_no for s in postpaid)
    with_arrears = [s for s in postpaid if s.bill.arrears_paise]
    assert 0.15 < len(with_arrears) / len(postpaid) < 0.5
    assert all(s.bill.surcharge_paise > 0 for s in with_arrears)
    assert any(s.recent_payments for s in postpaid)


def test_some_consumers_are_eligible_for_the_relief_scheme(sample):
    scheme = load_scheme()
    eligible = [
        s
        for s in sample
        if s.bill is not None
        and s.bill.arrears_paise > 0
        and not scheme.eligibility_reasons(
            s.consumer.category, s.consumer.load_kw, date(2025, 12, 15)
        )
    ]
    assert len(eligible) > COUNT * 0.05
    assert any(s.consumer.category.startswith("lmv2") for s in eligible)
    assert any(s.consumer.category.startswith("lmv1") for s in eligible)


def test_twelve_months_of_consumption_ending_last_month(sample):
    for snap in sample[:200]:
        months = [m.month for m in snap.consumption]
        assert months == sorted(months)
        assert len(months) == 12
        assert months[0] == "2024-12" and months[-1] == "2025-11"
    assert len({snap.consumption[-1].units for snap in sample}) > 100


def test_names_in_devanagari_and_latin(sample):
    for snap in sample[:300]:
        c = snap.consumer
        assert DEVANAGARI.search(c.name_hi)
        assert c.name.isascii() and c.name[0].isupper()
        assert c.address.isascii()
    assert len({s.consumer.name for s in sample}) > COUNT * 0.8


def test_transliteration_of_common_names():
    assert to_latin("रमेश शर्मा") == "Ramesh Sharma"
    assert to_latin("सुनीता देवी") == "Sunita Devi"
    assert to_latin("कानपुर") == "Kanpur"


def test_discoms_can_be_restricted():
    snaps = list(generate_snapshots(200, now=DEMO_NOW, discoms=["KESCO", "DVVNL"]))
    assert {s.consumer.discom for s in snaps} == {"KESCO", "DVVNL"}


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        list(generate_records(1, now=datetime(2025, 1, 1)))


def test_generation_is_fast_enough_for_a_million():
    started = time.perf_counter()
    for _ in generate_snapshots(20_000, seed=3, now=datetime(2026, 1, 1, tzinfo=UTC)):
        pass
    per_million = (time.perf_counter() - started) * 50
    assert per_million < 240, f"a million snapshots would take {per_million:.0f}s"


def test_seed_database_stores_every_consumer_in_order(tmp_path, sample):
    db = CentralDB(tmp_path / "c.db")
    assert seed_database(db, 300, 2025, DEMO_NOW) == 300
    rows = db.changes(0, 1000, ())
    assert [seq for seq, _ in rows] == list(range(1, 301))
    assert [ConsumerSnapshot.model_validate_json(text) for _, text in rows] == sample[:300]
    c = sample[42].consumer
    assert db.get_snapshot_json(c.discom, c.account_no) is not None
    assert (
        db.find_by_mobile(sample[0].consumer.mobile, ()) != [] or sample[0].consumer.mobile is None
    )
