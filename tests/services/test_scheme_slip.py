"""The acknowledgement a registration queues, printed by the spool: the option and case in
words, the first instalment's month (the month after registering), and the central's
number as the registration number on a reprint after sync."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kiosk.printer.connections import DummyConnection
from kiosk.printer.documents import SchemeDoc, load
from kiosk.printer.escpos_decode import text_of
from kiosk.printer.spool import Spool
from kiosk.services.counter import Counter
from kiosk.services.printing import paper_of, reprint, slip_context
from kiosk.services.scheme import register_scheme
from offline_queue import outbox
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import OPERATOR, FixedClock, cache
from tests.services.test_scheme import fee_by_cash, scheme_request


def english_spool(counter: Counter, printer: DummyConnection) -> Spool:
    """The counter's spool printing English only (the words are then text in the bytes)."""
    return Spool(
        counter.conn,
        printer,
        paper=paper_of(counter.settings.printer),
        context=slip_context(counter.settings, hindi=False),
        clock=counter.now,
    )


def acknowledgement(counter: Counter, local_no: str) -> SchemeDoc:
    (body,) = counter.conn.execute(
        "SELECT body FROM print_jobs WHERE kind = 'scheme' AND ref = ? ORDER BY id LIMIT 1",
        (local_no,),
    ).fetchone()
    doc = load(body)
    assert isinstance(doc, SchemeDoc)
    return doc


def lines(data: bytes) -> list[str]:
    return [" ".join(line.split()) for line in text_of(data).splitlines()]


def test_the_first_instalment_is_the_month_after_registering(
    counter: Counter, consumer: str
) -> None:
    result = register_scheme(counter, scheme_request(option="emi_750"), fee_by_cash())
    plan = acknowledgement(counter, result.local_no).plan
    assert plan is not None
    assert plan.first_month == date(2026, 2, 1) == result.schedule[0][0]  # registered 10.01
    assert (plan.count, plan.last_paise) == (len(result.schedule), result.schedule[-1][1])


def test_a_december_registration_starts_paying_in_january(
    counter: Counter, consumer: str, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 12, 20, 6, 0, tzinfo=UTC))
    result = register_scheme(counter, scheme_request(option="emi_500"), fee_by_cash())
    plan = acknowledgement(counter, result.local_no).plan
    assert plan is not None and plan.first_month == date(2026, 1, 1)


def test_the_printed_acknowledgement_says_option_case_and_months_in_words(
    counter: Counter, consumer: str
) -> None:
    result = register_scheme(counter, scheme_request(option="emi_750"), fee_by_cash())
    printer = DummyConnection()
    assert english_spool(counter, printer).print_pending().printed == 2  # fee, ack
    slip = lines(printer.jobs[1])
    text = "\n".join(slip)
    assert "Case Normal" in slip and "Option Rs 750 a month" in slip
    assert "emi" not in text and "normal" not in text
    last_month = result.schedule[-1][0]
    assert any(line.startswith("First: Feb 2026 Rs. 750.00") for line in slip)
    assert any(line.startswith(f"Last: {last_month:%b %Y} Rs. ") for line in slip)
    assert "PROVISIONAL (offline)" in text and result.local_no in text


def test_an_rc_registration_prints_its_case_and_notice(counter: Counter) -> None:
    cache(counter, make_snapshot(ACCOUNT, status="rc"))
    result = register_scheme(
        counter, scheme_request(case="rc", notice_no="RC/LKO/42"), fee_by_cash()
    )
    doc = acknowledgement(counter, result.local_no)
    assert (doc.case_type, doc.notice_no) == ("rc", "RC/LKO/42")
    printer = DummyConnection()
    english_spool(counter, printer).print_pending()
    slip = lines(printer.jobs[-1])
    assert "Case RC (recovery)" in slip and "Notice no RC/LKO/42" in slip
    assert "Option Lump sum" in slip


def test_a_reprint_after_sync_carries_the_centrals_registration_number(
    counter: Counter, consumer: str
) -> None:
    result = register_scheme(counter, scheme_request(option="emi_500"), fee_by_cash())
    printer = DummyConnection()
    spool = english_spool(counter, printer)
    spool.print_pending()
    synced = outbox.Synced(result.event_id, {"registration_no": "BBRY-00000031"})
    outbox.settle(counter.conn, synced=[synced], now=1.0)
    reprint(counter, result.local_no, OPERATOR)
    spool.print_pending()
    slip = lines(printer.jobs[-1])
    assert "Registration no BBRY-00000031" in slip
    ref = next(i for i, line in enumerate(slip) if line.startswith("Counter ref"))
    assert result.local_no in " ".join(slip[ref : ref + 2])  # kept as a reference under it
    assert ref > slip.index("Registration no BBRY-00000031")
    assert "PROVISIONAL (offline)" not in slip and "*** DUPLICATE ***" in slip
