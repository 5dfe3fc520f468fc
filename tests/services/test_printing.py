"""Each action queues its slip in its own transaction; the spool prints it after the commit."""

from __future__ import annotations

import pytest

from kiosk.printer.connections import DummyConnection, PrinterState
from kiosk.printer.documents import load
from kiosk.printer.escpos_decode import text_of
from kiosk.services.complaints import ComplaintRequest, log_complaint
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.payments import cancel_receipt, record_payment
from kiosk.services.printing import open_spool, reprint, slip_print_state
from kiosk.services.recharge import recharge
from kiosk.services.runtime import open_counter
from kiosk.services.scheme import register_scheme
from kiosk.services.shifts import print_x_report
from tests.services.factories import ACCOUNT, DUE, make_snapshot
from tests.services.support import (
    OPERATOR,
    SUPERVISOR,
    cache,
    cash,
    count,
    db_state,
    upi,
)
from tests.services.test_scheme import fee_by_cash, scheme_request
from tests.support.tcp_printer import TcpPrinter


def jobs(counter: Counter) -> list[tuple[str, str, str, str]]:
    return counter.conn.execute(
        "SELECT kind, ref, copy, status FROM print_jobs ORDER BY id"
    ).fetchall()


def doc_of(counter: Counter, job_id: int = 1):
    body = counter.conn.execute("SELECT body FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
    return load(body[0])


def test_a_payment_queues_its_receipt_in_the_same_commit(counter: Counter, consumer: str):
    result = record_payment(counter, cash(1_000_00, tendered=1_200_00))
    assert jobs(counter) == [("payment", result.receipt_no, "original", "pending")]
    doc = doc_of(counter)
    assert doc.amount_paise == 1_000_00 and doc.change_paise == 200_00
    assert doc.consumer_name and doc.bill_month
    assert doc.balance_due_paise == DUE - 1_000_00


def test_a_refused_payment_queues_nothing(counter: Counter, consumer: str):
    before = db_state(counter)
    with pytest.raises(Exception, match="tendered"):
        record_payment(counter, cash(1_000_00, tendered=500_00))
    assert db_state(counter) == before
    assert count(counter, "print_jobs") == 0


def test_the_receipt_prints_after_commit_with_receipt_number_and_amount(
    counter: Counter, consumer: str
):
    result = record_payment(counter, upi(1_234_50))
    printer = DummyConnection()
    report = open_spool(counter, printer).print_pending()
    assert report.printed == 1
    text = " ".join(text_of(printer.jobs[0]).split())
    assert result.receipt_no in text and f"MVVNL {ACCOUNT}" in text
    assert "Rs. 1,234.50" in text
    assert jobs(counter)[0][3] == "printed"


def test_payment_survives_printer_offline_and_prints_exactly_once_when_back(
    counter: Counter, consumer: str, settings
):
    with TcpPrinter() as tcp:
        tcp.stop()  # the printer is off when the money is taken
        printing = settings.model_copy(
            update={"printer": tcp.settings(write_timeout_s=2)}, deep=True
        )
        counter.settings = printing
        result = record_payment(counter, cash(500_00))
        spool = open_spool(counter)
        report = spool.print_pending()
        assert count(counter, "payments", "receipt_no = ?", result.receipt_no) == 1
        assert report.waiting == 1 and report.status.state == PrinterState.OFFLINE
        tcp.start()
        assert spool.print_pending().printed == 1
        assert spool.print_pending().printed == 0
        (job,) = tcp.wait_for_jobs(1)
        assert result.receipt_no in text_of(job)
        assert len(tcp.jobs) == 1


def test_reprint_queues_a_duplicate_and_audits_it(counter: Counter, consumer: str):
    result = record_payment(counter, cash(500_00))
    reprint(counter, result.receipt_no, OPERATOR)
    assert [job[2] for job in jobs(counter)] == ["original", "duplicate"]
    assert count(counter, "audit_log", "action = 'slip.reprinted'") == 1
    printer = DummyConnection()
    open_spool(counter, printer).print_pending()
    assert "DUPLICATE" not in text_of(printer.jobs[0])
    assert "*** DUPLICATE ***" in text_of(printer.jobs[1])


def test_reprint_of_an_unknown_receipt_says_so_and_writes_nothing(counter: Counter):
    before = db_state(counter)
    with pytest.raises(NotFound, match="CSC-X"):
        reprint(counter, "CSC-X-20260110-00009", OPERATOR)
    assert db_state(counter) == before


def test_a_cancellation_prints_its_own_slip(counter: Counter, consumer: str, supervisor: str):
    result = record_payment(counter, cash(500_00))
    cancel_receipt(counter, result.receipt_no, reason="wrong account", supervisor_id=supervisor)
    assert [job[0] for job in jobs(counter)] == ["payment", "cancellation"]
    doc = doc_of(counter, 2)
    assert doc.reason == "wrong account" and doc.cancelled_by == SUPERVISOR


def test_a_complaint_acknowledgement_masks_the_mobile(counter: Counter, consumer: str):
    request = ComplaintRequest(
        category="no_supply",
        description="No supply since morning",
        mobile="9876543210",
        operator_id=OPERATOR,
        discom="MVVNL",
        account_no=ACCOUNT,
    )
    result = log_complaint(counter, request)
    assert jobs(counter) == [("complaint", result.local_no, "original", "pending")]
    assert doc_of(counter).mobile_masked == "XXXXXX3210"
    printer = DummyConnection()
    open_spool(counter, printer).print_pending()
    assert "9876543210" not in text_of(printer.jobs[0])


def test_a_scheme_registration_prints_fee_receipt_and_acknowledgement(
    counter: Counter, consumer: str
):
    result = register_scheme(counter, scheme_request(option="emi_750"), fee_by_cash())
    assert [job[0] for job in jobs(counter)] == ["payment", "scheme"]
    ack = doc_of(counter, 2)
    assert ack.local_no == result.local_no
    assert ack.plan is not None and ack.plan.monthly_paise == 750_00
    assert ack.fee_receipt_no == doc_of(counter, 1).receipt_no


def test_a_recharge_prints_one_recharge_slip_not_a_bill_receipt(counter: Counter):
    cache(counter, make_snapshot(ACCOUNT, meter_type="prepaid", bill=False))
    result = recharge(counter, cash(500_00), meter_no="SM123")
    assert jobs(counter) == [("recharge", result.payment.receipt_no, "original", "pending")]
    assert doc_of(counter).meter_no == "SM123"


def test_spool_reopened_after_restart_prints_what_was_left(counter: Counter, consumer: str):
    record_payment(counter, cash(500_00))
    counter.conn.close()
    again = open_counter(counter.settings, clock=counter.clock)
    try:
        printer = DummyConnection()
        assert open_spool(again, printer).print_pending().printed == 1
    finally:
        again.conn.close()


def test_x_report_totals_the_open_shift_by_mode_without_cancelled(
    counter: Counter, consumer: str, supervisor: str
):
    first = record_payment(counter, cash(500_00))
    record_payment(counter, upi(1_234_50), confirm_second=True)
    cancelled = record_payment(counter, cash(200_00), confirm_second=True)
    cancel_receipt(counter, cancelled.receipt_no, reason="wrong account", supervisor_id=supervisor)
    doc = print_x_report(counter, OPERATOR)
    assert [(t.mode, t.count, t.amount_paise) for t in doc.totals] == [
        ("cash", 1, 500_00),
        ("upi", 1, 1_234_50),
    ]
    assert (doc.cancelled_count, doc.cancelled_paise) == (1, 200_00)
    assert doc.expected_cash_paise == 500_00
    assert doc.first_receipt == first.receipt_no and doc.last_receipt == cancelled.receipt_no
    assert jobs(counter)[-1][:3] == ("shift_report", f"shift-{doc.shift_id}-X", "original")
    printer = DummyConnection()
    open_spool(counter, printer).print_pending()
    assert "X REPORT" in text_of(printer.jobs[-1])


def test_x_report_without_an_open_shift_says_so(counter: Counter):
    before = db_state(counter)
    with pytest.raises(NotFound, match="no shift is open"):
        print_x_report(counter, OPERATOR)
    assert db_state(counter) == before


def test_a_slips_print_state_follows_its_newest_job(counter: Counter, consumer: str):
    result = log_complaint(
        counter,
        ComplaintRequest(
            category="meter_fault",
            description="Meter burnt",
            mobile="9876543210",
            operator_id=OPERATOR,
            discom="MVVNL",
            account_no=ACCOUNT,
        ),
    )
    assert slip_print_state(counter, "nothing-here") is None
    assert slip_print_state(counter, result.local_no) == "pending"
    open_spool(counter, DummyConnection()).print_pending()
    assert slip_print_state(counter, f" {result.local_no} ") == "printed"
    reprint(counter, result.local_no, OPERATOR)
    assert slip_print_state(counter, result.local_no) == "pending"
