"""The counter screen's receipt list: the open shift's (or a day's) receipts, searched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.printer.connections import DummyConnection
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed, NotFound
from kiosk.services.payments import PaymentResult, cancel_receipt, record_payment
from kiosk.services.printing import open_spool, reprint
from kiosk.services.receipts import ReceiptLine, receipt_detail, shift_receipts
from kiosk.services.recharge import recharge
from offline_queue import outbox
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import (
    OPERATOR,
    START,
    TODAY,
    FixedClock,
    add_staff,
    cache,
    card,
    cash,
    cheque,
    db_state,
    disable_staff,
    upi,
)

UPI_ACCOUNT = "2222222222"  # not in the consumer cache
CHEQUE_ACCOUNT = "3333333333"
CARD_ACCOUNT = "4444444444"
UTR = "498765432101"
CHEQUE_NO = "004512"
POS_REF = "POS-778812"


@dataclass(frozen=True)
class Shift:
    cash: PaymentResult
    upi: PaymentResult
    cheque: PaymentResult
    card: PaymentResult


@pytest.fixture
def shift(counter: Counter, clock: FixedClock, consumer: str, supervisor: str) -> Shift:
    """Four payments by OP1, five minutes apart: the cheque cancelled, the cash one synced."""
    cache(
        counter,
        make_snapshot(CHEQUE_ACCOUNT, name="Sita Devi"),
        make_snapshot(CARD_ACCOUNT, name="Mohan Yadav"),
    )
    paid_cash = record_payment(counter, cash(1_500_00, tendered=2_000_00))
    clock.advance(minutes=5)
    paid_upi = record_payment(counter, upi(2_000_00, UTR, account_no=UPI_ACCOUNT))
    clock.advance(minutes=5)
    paid_cheque = record_payment(
        counter, cheque(3_000_00, number=CHEQUE_NO, account_no=CHEQUE_ACCOUNT)
    )
    clock.advance(minutes=5)
    paid_card = record_payment(counter, card(500_00, POS_REF, account_no=CARD_ACCOUNT))
    clock.advance(minutes=5)
    cancel_receipt(
        counter,
        paid_cheque.receipt_no,
        reason="cheque for another account",
        supervisor_id=supervisor,
    )
    outbox.settle(
        counter.conn,
        synced=[outbox.Synced(paid_cash.event_id, {"central_ref": "MVVNL-PAY-1"})],
        now=clock().timestamp(),
    )
    return Shift(paid_cash, paid_upi, paid_cheque, paid_card)


def numbers(lines: list[ReceiptLine]) -> list[str]:
    return [line.receipt_no for line in lines]


def close_open_shift(counter: Counter) -> None:
    """No service closes a shift yet (the Z report will): close it as that one would."""
    counter.conn.execute(
        "UPDATE shifts SET status = 'closed', closed_at = ? WHERE status = 'open'",
        (counter.now().isoformat(),),
    )


# --- the shift's lines ------------------------------------------------------------------


def test_the_open_shifts_receipts_come_newest_first_with_everything_the_screen_shows(
    counter: Counter, shift: Shift
) -> None:
    lines = shift_receipts(counter, OPERATOR)
    assert numbers(lines) == [
        "CSC-0001-20260110-00004",
        "CSC-0001-20260110-00003",
        "CSC-0001-20260110-00002",
        "CSC-0001-20260110-00001",
    ]
    card_line, cheque_line, upi_line, cash_line = lines
    assert cash_line == ReceiptLine(
        receipt_no=shift.cash.receipt_no,
        recorded_at=START,
        discom="MVVNL",
        account_no=ACCOUNT,
        consumer_name="Ram Kumar",
        amount_paise=1_500_00,
        mode="cash",
        reference=None,
        operator_id=OPERATOR,
        status="valid",
        synced=True,
        printed="pending",
    )
    assert (upi_line.mode, upi_line.reference, upi_line.amount_paise) == ("upi", UTR, 2_000_00)
    assert upi_line.recorded_at == START + timedelta(minutes=5)
    assert (cheque_line.mode, cheque_line.reference) == ("cheque", CHEQUE_NO)
    assert (card_line.mode, card_line.reference) == ("card", POS_REF)
    assert [line.status for line in lines] == ["valid", "cancelled", "valid", "valid"]
    assert [line.synced for line in lines] == [False, False, False, True]
    assert {line.operator_id for line in lines} == {OPERATOR}


def test_the_consumer_name_is_the_one_printed_on_the_receipt(
    counter: Counter, shift: Shift
) -> None:
    # Renamed in the cache after the payment: the receipt keeps the name it printed.
    cache(counter, make_snapshot(ACCOUNT, name="Ram Kumar Verma", updated_at=START))
    by_no = {line.receipt_no: line for line in shift_receipts(counter, OPERATOR)}
    assert by_no[shift.cash.receipt_no].consumer_name == "Ram Kumar"
    assert by_no[shift.cheque.receipt_no].consumer_name == "Sita Devi"
    # Not cached when the money was taken: no name on the receipt, and none known yet.
    assert by_no[shift.upi.receipt_no].consumer_name == ""


def test_a_consumer_cached_after_the_payment_lends_the_cache_name(
    counter: Counter, shift: Shift
) -> None:
    cache(counter, make_snapshot(UPI_ACCOUNT, name="Geeta Singh"))
    assert receipt_detail(counter, shift.upi.receipt_no).consumer_name == "Geeta Singh"


def test_a_recharge_receipt_is_listed_with_its_slips_name(
    counter: Counter, clock: FixedClock
) -> None:
    cache(counter, make_snapshot(ACCOUNT, meter_type="prepaid", bill=False, name="Kamla Pal"))
    result = recharge(counter, cash(500_00))
    [line] = shift_receipts(counter, OPERATOR)
    assert (line.receipt_no, line.consumer_name, line.printed) == (
        result.payment.receipt_no,
        "Kamla Pal",
        "pending",
    )


def test_the_print_state_follows_the_receipts_slips(counter: Counter, shift: Shift) -> None:
    def printed() -> dict[str, str | None]:
        return {line.receipt_no: line.printed for line in shift_receipts(counter, OPERATOR)}

    assert set(printed().values()) == {"pending"}
    report = open_spool(counter, DummyConnection()).print_pending()
    assert report.printed == 5  # four receipts and the cancellation slip
    assert set(printed().values()) == {"printed"}

    # A paper jam mid-print leaves the slip for the operator (as the spool's recovery does).
    counter.conn.execute(
        "UPDATE print_jobs SET status = 'failed' WHERE ref = ? AND kind = 'payment'",
        (shift.card.receipt_no,),
    )
    assert printed()[shift.card.receipt_no] == "failed"
    # The reprint waits, then comes out: the consumer has the receipt.
    reprint(counter, shift.card.receipt_no, OPERATOR)
    assert printed()[shift.card.receipt_no] == "pending"
    open_spool(counter, DummyConnection()).print_pending()
    assert printed()[shift.card.receipt_no] == "printed"
    # A reprint still waiting does not undo a receipt that already came out.
    reprint(counter, shift.cash.receipt_no, OPERATOR)
    assert printed()[shift.cash.receipt_no] == "printed"


def test_a_receipt_without_a_slip_has_no_print_state(counter: Counter, shift: Shift) -> None:
    counter.conn.execute("DELETE FROM print_jobs WHERE ref = ?", (shift.upi.receipt_no,))
    assert receipt_detail(counter, shift.upi.receipt_no).printed is None


def test_an_event_purged_after_sync_still_counts_as_synced(
    counter: Counter, shift: Shift, clock: FixedClock
) -> None:
    outbox.purge_synced(counter.conn, older_than_s=0, now=clock().timestamp() + 1)
    assert outbox.result_of(counter.conn, shift.cash.event_id) is None
    assert receipt_detail(counter, shift.cash.receipt_no).synced is True
    assert receipt_detail(counter, shift.upi.receipt_no).synced is False


def test_a_rejected_event_is_not_synced(counter: Counter, shift: Shift, clock: FixedClock) -> None:
    outbox.settle(
        counter.conn,
        rejected=[outbox.Rejected(shift.card.event_id, "malformed", "bad POS reference")],
        now=clock().timestamp(),
    )
    assert receipt_detail(counter, shift.card.receipt_no).synced is False


def test_the_limit_keeps_the_newest(counter: Counter, shift: Shift) -> None:
    assert numbers(shift_receipts(counter, OPERATOR, limit=2)) == [
        shift.card.receipt_no,
        shift.cheque.receipt_no,
    ]


@pytest.mark.parametrize("limit", [0, -1, 1001, True, 2.5, "10"])
def test_a_silly_limit_is_refused(counter: Counter, shift: Shift, limit: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        shift_receipts(counter, OPERATOR, limit=limit)  # type: ignore[arg-type]
    assert caught.value.field == "limit"


def test_before_the_first_payment_there_is_no_shift_and_no_receipt(counter: Counter) -> None:
    assert shift_receipts(counter, OPERATOR) == []
    assert shift_receipts(counter, OPERATOR, day=TODAY) == []


def test_a_disabled_operator_may_not_list(counter: Counter, shift: Shift) -> None:
    add_staff(counter, "OP9")
    disable_staff(counter, "OP9")
    with pytest.raises(NotAllowed):
        shift_receipts(counter, "OP9")


def test_listing_writes_nothing(counter: Counter, shift: Shift) -> None:
    before = db_state(counter)
    shift_receipts(counter, OPERATOR, query="ram")
    shift_receipts(counter, OPERATOR, day=TODAY)
    receipt_detail(counter, shift.cash.receipt_no)
    assert db_state(counter) == before


# --- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("csc-0001-20260110-00002", ["upi"]),  # a whole receipt number, in any case
        ("-00004", ["card"]),  # its tail, as the operator reads it off the paper
        ("20260110", ["card", "cheque", "upi", "cash"]),
        (ACCOUNT, ["cash"]),
        ("3333", ["cheque"]),
        ("ram kumar", ["cash"]),  # the consumer's name, ignoring case
        ("SITA", ["cheque"]),
        ("yadav", ["card"]),
        (UTR, ["upi"]),  # the UPI reference (UTR)
        ("76543", ["upi"]),
        (CHEQUE_NO, ["cheque"]),  # the cheque number
        ("pos-7788", ["card"]),  # the card slip's reference
        ("  yadav  ", ["card"]),  # surrounding spaces are ignored
        ("", ["card", "cheque", "upi", "cash"]),
        ("nobody", []),
    ],
)
def test_the_search_matches_receipt_account_name_and_reference(
    counter: Counter, shift: Shift, query: str, expected: list[str]
) -> None:
    wanted = [getattr(shift, name).receipt_no for name in expected]
    assert numbers(shift_receipts(counter, OPERATOR, query=query)) == wanted


METACHARACTERS = [
    "'",
    '"',
    "%",
    "_",
    "\\",
    "' OR '1'='1",
    "'; DROP TABLE payments; --",
    '" OR ""="',
    "%' --",
    "*",
    "ram*",
    "NEAR(ram kumar)",
    "ram OR sita",
    "name:ram",
    "^ram",
    "[a-z]",
    "?",
    ":query",
    "\x00",
]


@pytest.mark.parametrize("query", METACHARACTERS)
def test_sql_and_search_metacharacters_are_only_text(
    counter: Counter, shift: Shift, query: str
) -> None:
    before = db_state(counter)
    assert shift_receipts(counter, OPERATOR, query=query) == []
    assert shift_receipts(counter, OPERATOR, query=query, day=TODAY) == []
    assert db_state(counter) == before
    assert len(shift_receipts(counter, OPERATOR)) == 4


def test_metacharacters_in_a_name_are_found_as_typed(
    counter: Counter, shift: Shift, clock: FixedClock
) -> None:
    odd = "5555555555"
    cache(counter, make_snapshot(odd, name='D\'Souza "100%_off" [x]*'))
    clock.advance(minutes=5)
    paid = record_payment(counter, cash(700_00, account_no=odd))
    for query in ("'", '"', "%", "_", "100%_", "[x]*", "d'souza"):
        assert numbers(shift_receipts(counter, OPERATOR, query=query)) == [paid.receipt_no]
    # LIKE's wildcards would have matched "100" followed by anything: here they do not.
    assert shift_receipts(counter, OPERATOR, query="1000") == []
    assert shift_receipts(counter, OPERATOR, query="%off") == []


# --- whose receipts, which day ----------------------------------------------------------


def test_another_operators_earlier_shift_is_left_out_but_the_day_shows_both(
    counter: Counter, clock: FixedClock, consumer: str
) -> None:
    add_staff(counter, "OP2")
    morning = record_payment(counter, cash(1_000_00, operator_id="OP2"))
    clock.advance(hours=1)
    close_open_shift(counter)
    clock.advance(hours=1)
    afternoon = record_payment(counter, upi(1_200_00, UTR, account_no=UPI_ACCOUNT))

    assert numbers(shift_receipts(counter, OPERATOR)) == [afternoon.receipt_no]
    day = shift_receipts(counter, OPERATOR, day=TODAY)
    assert numbers(day) == [afternoon.receipt_no, morning.receipt_no]
    assert [line.operator_id for line in day] == [OPERATOR, "OP2"]
    # The day view is searched the same way.
    assert numbers(shift_receipts(counter, "OP2", day=TODAY, query=ACCOUNT)) == [morning.receipt_no]


def test_the_day_view_keeps_to_the_day_in_india(
    counter: Counter, clock: FixedClock, shift: Shift
) -> None:
    # 18:45 UTC is 00:15 the next day in India: a new business day and receipt series.
    clock.set(datetime(2026, 1, 10, 18, 45, tzinfo=UTC))
    late = record_payment(counter, cash(800_00, account_no=UPI_ACCOUNT))
    assert late.receipt_no == "CSC-0001-20260111-00001"

    today = shift_receipts(counter, OPERATOR, day=TODAY)
    assert numbers(today) == [
        shift.card.receipt_no,
        shift.cheque.receipt_no,
        shift.upi.receipt_no,
        shift.cash.receipt_no,
    ]
    assert numbers(shift_receipts(counter, OPERATOR, day=date(2026, 1, 11))) == [late.receipt_no]
    assert shift_receipts(counter, OPERATOR, day=date(2026, 1, 9)) == []
    # The shift is still open across midnight, so the shift view has all five.
    assert len(shift_receipts(counter, OPERATOR)) == 5


def test_the_day_view_of_a_past_day_needs_no_open_shift(
    counter: Counter, clock: FixedClock, shift: Shift
) -> None:
    close_open_shift(counter)
    assert shift_receipts(counter, OPERATOR) == []
    assert len(shift_receipts(counter, OPERATOR, day=TODAY)) == 4


# --- one receipt ------------------------------------------------------------------------


def test_receipt_detail_is_the_same_line(counter: Counter, shift: Shift) -> None:
    lines = {line.receipt_no: line for line in shift_receipts(counter, OPERATOR)}
    for receipt_no, line in lines.items():
        assert receipt_detail(counter, receipt_no) == line
    assert receipt_detail(counter, f"  {shift.cheque.receipt_no} ").status == "cancelled"


@pytest.mark.parametrize(
    "receipt_no", ["CSC-0001-20260110-00099", "CSC-0002-20260110-00001", "' OR 1=1 --"]
)
def test_an_unknown_receipt_is_not_found_in_plain_words(
    counter: Counter, shift: Shift, receipt_no: str
) -> None:
    with pytest.raises(NotFound) as caught:
        receipt_detail(counter, receipt_no)
    assert caught.value.message == f"receipt {receipt_no} was not issued at this counter"


def test_a_blank_receipt_number_is_refused(counter: Counter) -> None:
    with pytest.raises(InvalidInput) as caught:
        receipt_detail(counter, "  ")
    assert caught.value.field == "receipt number"
