"""What the scheme screen is told: every reason a consumer cannot register (as codes), the
over-bill reassessment, the provisional bill, and the registration with its central number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kiosk.datafiles import load_tariff
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import record_central_numbers
from kiosk.services.scheme import (
    check_registration,
    first_instalment_month,
    register_scheme,
    registration_for,
    registration_status,
    reprint_acknowledgement,
    scheme_view,
)
from kiosk.store.db import transaction
from offline_queue import outbox
from tests.services.factories import ACCOUNT, ARREARS, SURCHARGE, make_bill, make_snapshot
from tests.services.support import (
    OPERATOR,
    FixedClock,
    cache,
    cash,
    count,
    db_state,
    refused_by,
    row,
)
from tests.services.test_scheme import FEE
from tests.services.test_scheme import scheme_request as request

SHIPPED = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "relief_2025_26.toml"


def fee_cash() -> PaymentRequest:
    return cash(1, tendered=FEE)


def codes(counter: Counter, **changes: Any) -> list[str]:
    return [reason.code for reason in scheme_view(counter, request(**changes)).reasons]


def scheme_file(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped scheme with one line changed (an office's updated order)."""
    text = SHIPPED.read_text("utf-8")
    assert old in text
    path = tmp_path / "scheme.toml"
    path.write_text(text.replace(old, new), "utf-8")
    return path


# --- eligibility, every reason -----------------------------------------------------------


def test_an_eligible_consumer_has_no_reasons_and_three_options(
    counter: Counter, consumer: str
) -> None:
    view = scheme_view(counter, request())
    assert view.eligible and view.reasons == ()
    assert [o.option for o in view.quote.options] == ["lump_sum", "emi_750", "emi_500"]
    assert (view.quote.phase, view.quote.phase_ends) == (2, date(2026, 1, 31))
    assert view.dues.source == "bill"
    assert (view.over_bill, view.provisional, view.registration) == (None, None, None)


def test_every_reason_is_given_not_only_the_first(counter: Counter, clock: FixedClock) -> None:
    # Load above the LMV-2 limit, the scheme closed, nothing owed and an RC not chosen.
    cache(
        counter, make_snapshot(bill=False, category="lmv2-urban", load_kw=Decimal("3"), status="rc")
    )
    clock.set(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    view = scheme_view(counter, request())
    assert [r.code for r in view.reasons] == ["load", "closed", "no_arrears", "case_rc"]
    assert view.reasons[0].values == {"load": "3", "limit": "1", "category": "LMV-2"}
    assert view.reasons[1].values == {"date": "28.02.2026"}
    assert not view.eligible and view.quote.options == []
    assert [r.text for r in view.reasons] == view.quote.reasons


def test_a_category_the_order_does_not_cover_is_a_reason(
    tmp_path: Path, counter_with: Callable[..., Counter]
) -> None:
    path = scheme_file(tmp_path, 'lmv2 = "1"\n', "")
    counter = counter_with(data={"scheme_file": path})
    cache(counter, make_snapshot(category="lmv2-rural", load_kw=Decimal("1")))
    [reason] = scheme_view(counter, request()).reasons
    assert (reason.code, reason.values) == ("category", {"category": "LMV-2", "covered": "LMV-1"})


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (datetime(2025, 11, 20, 6, 0, tzinfo=UTC), "not_open"),
        (datetime(2026, 4, 1, tzinfo=UTC), "closed"),
    ],
)
def test_the_scheme_dates_are_reasons(
    counter: Counter, consumer: str, clock: FixedClock, when: datetime, code: str
) -> None:
    clock.set(when)
    assert codes(counter) == [code]


def test_a_compounding_fee_outside_a_theft_case_is_a_reason(
    counter: Counter, consumer: str
) -> None:
    assert codes(counter, compounding_fee_paise=1_000_00) == ["compounding"]


def test_an_rc_connection_must_be_registered_as_an_rc_case(counter: Counter) -> None:
    cache(counter, make_snapshot(status="rc"))
    assert codes(counter) == ["case_rc"]
    assert codes(counter, case="theft", principal_paise=10_000_00) == ["case_rc"]
    view = scheme_view(counter, request(case="rc"))
    assert view.eligible and view.quote.case == "rc"


def test_a_theft_case_needs_the_notice_assessment(counter: Counter, consumer: str) -> None:
    assert codes(counter, case="theft") == ["theft_assessment"]
    view = scheme_view(
        counter, request(case="theft", principal_paise=40_000_00, compounding_fee_paise=3_000_00)
    )
    assert view.eligible and view.dues.source == "notice"
    [lump] = view.quote.options  # theft cases settle as a lump sum (scheme data)
    # Phase 2: 55% relief on the assessment; the compounding fee is not waived.
    assert lump.payable_paise == 40_000_00 - 22_000_00 + 3_000_00
    assert lump.registration_fee_paise == 4_000_00  # 10% of the assessment beats Rs 2,000


def test_register_refuses_with_every_reason_and_writes_nothing(counter: Counter) -> None:
    cache(counter, make_snapshot(category="lmv1-urban", load_kw=Decimal("3"), status="rc"))
    before = db_state(counter)
    error = refused_by(
        counter, lambda: register_scheme(counter, request(), fee_cash()), field="eligibility"
    )
    assert "3 kW" in str(error) and "Recovery Certificate" in str(error)
    refused_by(counter, lambda: check_registration(counter, request()), field="eligibility")
    assert db_state(counter) == before


def test_a_disconnected_connection_registers_as_disconnected(counter: Counter) -> None:
    cache(counter, make_snapshot(status="disconnected"))
    view = scheme_view(counter, request())
    assert view.quote.case == "disconnected"
    assert any("restored" in note for note in view.quote.notes)
    register_scheme(counter, request(), fee_cash())
    assert row(counter, "SELECT case_type FROM scheme_registrations")["case_type"] == "disconnected"


# --- dues: surcharge, over-bill, provisional bill ------------------------------------------


def test_a_payment_below_the_surcharge_leaves_no_principal(counter: Counter, consumer: str) -> None:
    record_payment(counter, cash(ARREARS + 1_500_00 + 4_000_00))
    dues = scheme_view(counter, request()).dues
    assert (dues.principal_paise, dues.surcharge_paise) == (0, SURCHARGE - 4_000_00)


def test_an_outlier_bill_is_reassessed_at_the_normative_units(counter: Counter) -> None:
    normal = load_tariff().calculate_bill("lmv1-rural", "2", 288, date(2025, 12, 1)).total_paise
    billed = load_tariff().calculate_bill("lmv1-rural", "2", 1200, date(2025, 12, 1)).total_paise
    cache(counter, make_snapshot(bill=make_bill(units=1200, current_paise=billed)))
    view = scheme_view(counter, request())
    over = view.over_bill
    assert over is not None
    assert (over.units, over.normative_units, over.ratio) == (1200, 288, Decimal("4.17"))
    assert (over.billed_paise, over.reassessed_paise) == (billed, normal)
    assert view.dues.billed_principal_paise == billed + ARREARS
    assert view.dues.principal_paise == normal + ARREARS
    lump = view.quote.options[0]
    assert lump.principal_paise == normal + ARREARS  # the rebate applies to revised dues
    result = register_scheme(counter, request(), fee_cash())
    assert result.option.payable_paise == lump.payable_paise


def test_a_bill_twice_the_norm_is_not_an_outlier(counter: Counter) -> None:
    cache(counter, make_snapshot(bill=make_bill(units=576)))  # 2 kW x 144 x 2
    assert scheme_view(counter, request()).over_bill is None


def test_notice_figures_are_not_reassessed(counter: Counter) -> None:
    cache(counter, make_snapshot(bill=make_bill(units=5000), status="rc"))
    view = scheme_view(counter, request(case="rc", principal_paise=9_000_00))
    assert view.over_bill is None and view.dues.principal_paise == 9_000_00


@pytest.mark.parametrize(
    ("category", "load", "amount"),
    [("lmv1-rural", "2", 600_00), ("lmv1-urban", "1", 400_00), ("lmv2-urban", "1", 900_00)],
)
def test_the_provisional_bill_is_offered_when_last_month_was_not_billed(
    counter: Counter, category: str, load: str, amount: int
) -> None:
    old = make_bill(month=date(2025, 10, 1), issued_on=date(2025, 11, 3), due_on=date(2025, 11, 18))
    cache(counter, make_snapshot(bill=old, category=category, load_kw=Decimal(load)))
    provisional = scheme_view(counter, request()).provisional
    assert provisional is not None
    assert (provisional.amount_paise, provisional.last_bill_month) == (amount, date(2025, 10, 1))


def test_no_provisional_bill_when_last_month_was_billed(counter: Counter, consumer: str) -> None:
    assert scheme_view(counter, request()).provisional is None  # December's bill is there


def test_no_provisional_bill_for_a_load_the_scheme_does_not_list(counter: Counter) -> None:
    cache(counter, make_snapshot(bill=False, category="lmv2-urban", load_kw=Decimal("3")))
    assert scheme_view(counter, request()).provisional is None


# --- checking and registering ---------------------------------------------------------------


def test_check_registration_runs_every_rule_and_writes_nothing(
    counter: Counter, consumer: str
) -> None:
    before = db_state(counter)
    chosen = check_registration(counter, request(option="emi_500"))
    assert (chosen.option, chosen.registration_fee_paise) == ("emi_500", FEE)
    check_registration(counter, request(), fee_cash())
    refused_by(counter, lambda: check_registration(counter, request(mobile="")), field="mobile")
    refused_by(
        counter,
        lambda: check_registration(counter, request(), cash(1, tendered=1_000_00)),
        field="tendered",
    )
    assert db_state(counter) == before


def test_the_fee_cannot_be_left_out_when_there_is_one(counter: Counter, consumer: str) -> None:
    refused_by(counter, lambda: register_scheme(counter, request()), field="fee")


def test_without_a_fee_the_registration_needs_no_payment(
    tmp_path: Path, counter_with: Callable[..., Counter]
) -> None:
    path = scheme_file(tmp_path, 'registration_fee = "2000"', 'registration_fee = "0"')
    counter = counter_with(data={"scheme_file": path})
    cache(counter, make_snapshot())
    result = register_scheme(counter, request(option="emi_750"))
    assert result.fee_receipt is None
    assert count(counter, "payments") == 0
    assert row(counter, "SELECT fee_receipt_no FROM scheme_registrations")["fee_receipt_no"] is None


def test_the_result_carries_the_instalment_schedule(counter: Counter, consumer: str) -> None:
    result = register_scheme(counter, request(option="emi_750"), fee_cash())
    option = result.option
    assert result.registered_on == date(2026, 1, 10)
    assert result.schedule[0] == (date(2026, 2, 1), 750_00)
    assert len(result.schedule) == option.instalments
    assert sum(amount for _, amount in result.schedule) == option.balance_after_fee_paise


def test_a_lump_sum_has_no_schedule(counter: Counter, consumer: str) -> None:
    assert register_scheme(counter, request(), fee_cash()).schedule == ()


@pytest.mark.parametrize(
    ("day", "first"),
    [(date(2026, 1, 10), date(2026, 2, 1)), (date(2025, 12, 31), date(2026, 1, 1))],
)
def test_instalments_start_the_month_after_registering(day: date, first: date) -> None:
    assert first_instalment_month(day) == first


# --- the registration, its central number and the paper -----------------------------------


def test_the_registration_is_found_by_account_and_by_number(
    counter: Counter, consumer: str
) -> None:
    assert registration_for(counter, "MVVNL", ACCOUNT) is None
    result = register_scheme(counter, request(option="emi_500"), fee_cash())
    found = registration_for(counter, "MVVNL", ACCOUNT)
    assert found is not None
    assert (found.local_no, found.central_no, found.number) == (
        result.local_no,
        None,
        result.local_no,
    )
    assert (found.option, found.fee_paise, found.printed) == ("emi_500", FEE, "pending")
    assert found.id_proof_ref == "XXXX XXXX 9056"
    assert registration_status(counter, result.local_no) == found
    assert scheme_view(counter, request()).registration == found
    assert not scheme_view(counter, request()).eligible


def test_the_central_number_is_known_once_the_event_synced(counter: Counter, consumer: str) -> None:
    result = register_scheme(counter, request(), fee_cash())
    synced = outbox.Synced(result.event_id, {"registration_no": "BBRY-00000007"})
    outbox.settle(counter.conn, synced=[synced], now=1.0)
    found = registration_status(counter, result.local_no)
    assert (found.central_no, found.number) == ("BBRY-00000007", "BBRY-00000007")
    # The sync also copies it onto the record, which is then found by that number too.
    with transaction(counter.conn):
        record_central_numbers(counter.conn, [synced])
    assert registration_status(counter, "BBRY-00000007").local_no == result.local_no


def test_a_reprint_queues_a_duplicate_of_the_acknowledgement(
    counter: Counter, consumer: str
) -> None:
    result = register_scheme(counter, request(), fee_cash())
    reprint_acknowledgement(counter, result.local_no, OPERATOR)
    copies = counter.conn.execute(
        "SELECT copy FROM print_jobs WHERE kind = 'scheme' AND ref = ? ORDER BY id",
        (result.local_no,),
    ).fetchall()
    assert [c[0] for c in copies] == ["original", "duplicate"]


def test_a_missing_registration_number_is_named(counter: Counter, consumer: str) -> None:
    refused_by(counter, lambda: registration_status(counter, " "), field="registration number")


def test_an_unknown_registration_is_not_reprinted(counter: Counter, consumer: str) -> None:
    register_scheme(counter, request(), fee_cash())
    unknown = "CSC-0001-R20260110-0009"
    refused_by(counter, lambda: reprint_acknowledgement(counter, unknown, OPERATOR), NotFound)


# --- notes and notice figures ---------------------------------------------------------------


def test_the_notes_follow_the_case(counter: Counter, consumer: str) -> None:
    normal = [n.code for n in scheme_view(counter, request()).notes]
    assert normal == ["missed", "fee_adjusted", "fee_reported"]
    theft = scheme_view(counter, request(case="theft", principal_paise=10_000_00)).notes
    # Theft cases settle as a lump sum here: no instalments to miss.
    assert [n.code for n in theft] == ["fee_adjusted", "fee_reported", "theft", "theft_reported"]
    assert scheme_view(counter, request()).notes[0].values == {"n": "4"}


def test_a_fee_above_what_is_payable_is_noted(counter: Counter) -> None:
    small = make_bill(current_paise=0, arrears_paise=1_000_00, surcharge_paise=0)
    cache(counter, make_snapshot(bill=small))
    notes = scheme_view(counter, request()).notes
    assert ("fee_above_payable", {"fee": "₹2,000.00"}) in [(n.code, n.values) for n in notes]


def test_notice_figures_leave_out_the_bills_surcharge(counter: Counter, consumer: str) -> None:
    dues = scheme_view(counter, request(case="rc", principal_paise=9_000_00)).dues
    assert (dues.principal_paise, dues.surcharge_paise, dues.source) == (9_000_00, 0, "notice")
    dues = scheme_view(
        counter, request(case="rc", principal_paise=9_000_00, surcharge_paise=1_000_00)
    ).dues
    assert dues.surcharge_paise == 1_000_00
