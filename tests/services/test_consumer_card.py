"""What the consumer card adds to the snapshot: the payments (this counter's and the
central's, each once, newest first) and a one-line relief-scheme hint."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from kiosk.domain.snapshot import ConsumerSnapshot, PaymentSummary
from kiosk.services.consumer_card import PaymentLine, ReliefHint, card_details
from kiosk.services.counter import Counter
from kiosk.services.payments import cancel_receipt, record_payment
from kiosk.services.scheme import SchemeRequest, register_scheme, scheme_view
from offline_queue import outbox
from tests.services.factories import ACCOUNT, DUE, make_snapshot
from tests.services.support import AADHAAR, OPERATOR, FixedClock, add_staff, cache, cash


def summary(receipt_no: str, day: date, amount: int, mode: str = "cash") -> PaymentSummary:
    return PaymentSummary(receipt_no=receipt_no, paid_on=day, amount_paise=amount, mode=mode)


def cached(counter: Counter, **changes: Any) -> ConsumerSnapshot:
    snapshot = make_snapshot(**changes)
    cache(counter, snapshot)
    return snapshot


def test_payments_here_and_at_the_central_show_once_each_newest_first(
    counter: Counter,
) -> None:
    snapshot = cached(
        counter,
        recent_payments=[
            summary("PORTAL-1", date(2025, 11, 2), 50_000, "online"),
            summary("PORTAL-2", date(2025, 12, 4), 70_000, "upi"),
        ],
    )
    paid = record_payment(counter, cash(1_000_00))
    # The central already knows this counter's payment (a sync happened since).
    synced = snapshot.model_copy(
        update={
            "recent_payments": [
                *snapshot.recent_payments,
                summary(paid.receipt_no, date(2026, 1, 10), 1_000_00),
            ]
        }
    )
    lines = card_details(counter, synced).payments
    assert lines == (
        PaymentLine(paid.receipt_no, date(2026, 1, 10), 1_000_00, "cash", True),
        PaymentLine("PORTAL-2", date(2025, 12, 4), 70_000, "upi", False),
        PaymentLine("PORTAL-1", date(2025, 11, 2), 50_000, "online", False),
    )


def test_a_cancelled_receipt_is_not_a_payment(counter: Counter) -> None:
    snapshot = cached(counter)
    add_staff(counter, "SUP1", "supervisor")
    paid = record_payment(counter, cash(1_000_00))
    cancel_receipt(counter, paid.receipt_no, reason="wrong account typed", supervisor_id="SUP1")
    details = card_details(counter, snapshot)
    assert details.payments == ()
    assert details.outstanding_paise == DUE


def test_only_the_last_five_payments_are_shown(counter: Counter) -> None:
    snapshot = cached(
        counter,
        recent_payments=[summary(f"R-{n}", date(2025, 6, n), 10_000) for n in range(1, 8)],
    )
    lines = card_details(counter, snapshot).payments
    assert [line.receipt_no for line in lines] == ["R-7", "R-6", "R-5", "R-4", "R-3"]


def test_a_payment_here_lowers_what_is_still_to_pay(counter: Counter) -> None:
    snapshot = cached(counter)
    record_payment(counter, cash(5_000_00))
    assert card_details(counter, snapshot).outstanding_paise == DUE - 5_000_00


def test_an_eligible_consumer_is_told_the_phase(counter: Counter) -> None:
    relief = card_details(counter, cached(counter)).relief
    assert relief == ReliefHint(True, "eligible", {"phase": "2", "until": "31.01.2026"})


def test_a_load_above_the_limit_is_the_reason_given(counter: Counter) -> None:
    relief = card_details(counter, cached(counter, load_kw=Decimal("3.5"))).relief
    assert relief == ReliefHint(False, "load", {"load": "3.5", "limit": "2", "category": "LMV-1"})


def test_a_bill_paid_in_full_needs_no_relief(counter: Counter) -> None:
    snapshot = cached(counter)
    record_payment(counter, cash(DUE))
    assert card_details(counter, snapshot).relief == ReliefHint(False, "no_arrears", {})


def test_before_and_after_the_scheme_the_dates_are_the_reason(
    counter: Counter, clock: FixedClock
) -> None:
    snapshot = cached(counter)
    clock.set(datetime(2025, 11, 20, 6, 0, tzinfo=UTC))
    assert card_details(counter, snapshot).relief == ReliefHint(
        False, "not_open", {"date": "01.12.2025"}
    )
    clock.set(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    assert card_details(counter, snapshot).relief == ReliefHint(
        False, "closed", {"date": "28.02.2026"}
    )


def test_a_registered_consumer_is_told_the_registration(counter: Counter) -> None:
    snapshot = cached(counter)
    request = SchemeRequest(
        discom="MVVNL",
        account_no=ACCOUNT,
        option="lump_sum",
        id_proof_type="aadhaar",
        id_proof_number=AADHAAR,
        mobile="9876543210",
        operator_id=OPERATOR,
    )
    result = register_scheme(counter, request, cash(1, tendered=2_000_00))
    relief = card_details(counter, snapshot).relief
    assert relief == ReliefHint(False, "registered", {"number": result.local_no})


def test_several_reasons_give_the_first_and_how_many_more(
    counter: Counter, clock: FixedClock
) -> None:
    snapshot = cached(counter, load_kw=Decimal("3.5"))
    clock.set(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))  # and the scheme has closed
    relief = card_details(counter, snapshot).relief
    assert relief == ReliefHint(
        False, "load", {"load": "3.5", "limit": "2", "category": "LMV-1"}, more=1
    )


def test_the_hint_is_the_scheme_views_first_reason_with_the_rest_counted(
    counter: Counter, clock: FixedClock
) -> None:
    # LMV-2 at 5 kW with nothing owed, before the scheme opens: three reasons on the
    # scheme screen; the card gives the first of them, in the same order, and counts the rest.
    snapshot = cached(counter, category="lmv2-urban", load_kw=Decimal("5"), bill=False)
    clock.set(datetime(2025, 11, 20, 6, 0, tzinfo=UTC))
    view = scheme_view(counter, SchemeRequest("MVVNL", ACCOUNT, "", "", "", "", ""))
    assert [r.code for r in view.reasons] == ["load", "not_open", "no_arrears"]
    relief = card_details(counter, snapshot).relief
    assert relief is not None
    assert (relief.reason, relief.values, relief.more) == ("load", view.reasons[0].values, 2)


def test_an_rc_connection_is_quoted_as_the_scheme_screen_opens_it(counter: Counter) -> None:
    # The scheme screen opens an RC connection on the RC case: eligible on the bill's dues.
    relief = card_details(counter, cached(counter, status="rc")).relief
    assert relief == ReliefHint(True, "eligible", {"phase": "2", "until": "31.01.2026"})


def test_a_synced_registration_is_told_by_the_centrals_number(counter: Counter) -> None:
    snapshot = cached(counter)
    request = SchemeRequest(
        discom="MVVNL",
        account_no=ACCOUNT,
        option="lump_sum",
        id_proof_type="aadhaar",
        id_proof_number=AADHAAR,
        mobile="9876543210",
        operator_id=OPERATOR,
    )
    result = register_scheme(counter, request, cash(1, tendered=2_000_00))
    synced = outbox.Synced(result.event_id, {"registration_no": "BBRY-00000009"})
    outbox.settle(counter.conn, synced=[synced], now=1.0)
    relief = card_details(counter, snapshot).relief
    assert relief == ReliefHint(False, "registered", {"number": "BBRY-00000009"})


def test_a_consumer_not_in_this_counters_data_has_no_hint(counter: Counter) -> None:
    details = card_details(counter, make_snapshot("5555555555"))
    assert details.relief is None
    assert details.outstanding_paise == DUE
