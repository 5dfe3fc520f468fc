"""The spool prints each job once, waits while the printer is off, and never reprints by itself."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.datafiles import load_discoms
from kiosk.printer.connections import (
    DummyConnection,
    PrinterState,
    open_connection,
)
from kiosk.printer.escpos_decode import text_of
from kiosk.printer.layout import PAPERS
from kiosk.printer.samples import COMPLAINT, PAYMENT
from kiosk.printer.spool import (
    INTERRUPTED,
    SENDING,
    Spool,
    SpoolWorker,
    add_job,
    add_reprint,
    find_original,
    unprinted,
)
from kiosk.printer.templates import SlipContext
from kiosk.store.db import open_database, transaction
from offline_queue import outbox
from tests.support.tcp_printer import TcpPrinter

NOW = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
CONTEXT = SlipContext("CSC-LKO-0001", "Jan Seva Kendra", discoms=load_discoms(), hindi=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "counter.db"


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    database = open_database(db_path)
    yield database.conn
    database.close()


def spool_for(conn: sqlite3.Connection, printer) -> Spool:
    return Spool(conn, printer, paper=PAPERS[58], context=CONTEXT, clock=lambda: NOW)


def queue(conn: sqlite3.Connection, doc=PAYMENT) -> int:
    with transaction(conn):
        return add_job(conn, doc, now=NOW)


def statuses(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT copy, status FROM print_jobs ORDER BY id").fetchall()


def test_a_job_is_only_added_inside_the_records_transaction(conn):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        add_job(conn, PAYMENT, now=NOW)
    assert statuses(conn) == []


def test_a_job_rolled_back_with_its_record_never_prints(conn):
    printer = DummyConnection()
    with pytest.raises(RuntimeError, match="payment failed"), transaction(conn):
        add_job(conn, PAYMENT, now=NOW)
        raise RuntimeError("payment failed after the job was queued")
    assert spool_for(conn, printer).print_pending().printed == 0
    assert printer.jobs == []


def test_pending_job_prints_once_and_is_marked_printed(conn):
    printer = DummyConnection()
    queue(conn)
    spool = spool_for(conn, printer)
    assert spool.print_pending().printed == 1
    assert spool.print_pending().printed == 0
    assert len(printer.jobs) == 1
    assert PAYMENT.receipt_no in text_of(printer.jobs[0])
    assert statuses(conn) == [("original", "printed")]


def test_printer_off_keeps_the_job_waiting_and_prints_it_when_back(conn):
    printer = DummyConnection()
    printer.simulate(PrinterState.OFFLINE, "printer is switched off")
    queue(conn)
    spool = spool_for(conn, printer)
    seen = []
    spool.subscribe(seen.append)
    report = spool.print_pending()
    assert (report.printed, report.waiting) == (0, 1)
    assert report.status.state == PrinterState.OFFLINE
    assert printer.jobs == []
    printer.simulate(PrinterState.READY)
    report = spool.print_pending()
    assert (report.printed, report.waiting) == (1, 0)
    assert len(printer.jobs) == 1
    assert [s.state for s in seen] == [PrinterState.OFFLINE, PrinterState.READY]


def test_paper_out_is_an_error_state_and_nothing_is_sent(conn):
    printer = DummyConnection()
    printer.simulate(PrinterState.ERROR, "paper out")
    queue(conn)
    report = spool_for(conn, printer).print_pending()
    assert report.status.state == PrinterState.ERROR and "paper" in report.status.detail
    assert report.waiting == 1 and printer.jobs == []


def test_jobs_print_in_the_order_they_were_committed(conn):
    printer = DummyConnection()
    queue(conn, PAYMENT)
    queue(conn, COMPLAINT)
    spool_for(conn, printer).print_pending()
    assert PAYMENT.receipt_no in text_of(printer.jobs[0])
    assert COMPLAINT.local_no in text_of(printer.jobs[1])


def test_a_job_interrupted_mid_send_is_never_printed_again_by_itself(conn):
    queue(conn)
    conn.execute("UPDATE print_jobs SET last_error = ?, attempts = 1", (SENDING,))
    printer = DummyConnection()
    spool = spool_for(conn, printer)
    assert spool.recover() == 1
    report = spool.print_pending()
    assert printer.jobs == []
    assert (report.printed, report.failed) == (0, 1)
    assert conn.execute("SELECT last_error FROM print_jobs").fetchone()[0] == INTERRUPTED


def test_reprint_is_a_duplicate_and_after_sync_carries_the_central_reference(conn):
    printer = DummyConnection()
    with transaction(conn):
        outbox.enqueue(
            conn, {"event_id": PAYMENT.event_id, "type": "payment.recorded"}, now=NOW.timestamp()
        )
        add_job(conn, PAYMENT, now=NOW)
    spool = spool_for(conn, printer)
    spool.print_pending()
    first = text_of(printer.jobs[0])
    assert "PROVISIONAL (offline)" in first and "DUPLICATE" not in first
    (claimed,) = outbox.claim(conn, limit=1, now=NOW.timestamp(), lease_s=30)
    synced = outbox.Synced(claimed.event_id, {"central_ref": "MVVNL-PAY-42"})
    outbox.settle(conn, synced=[synced], now=NOW.timestamp())
    with transaction(conn):
        add_reprint(conn, find_original(conn, PAYMENT.receipt_no), now=NOW)
    spool.print_pending()
    second = text_of(printer.jobs[1])
    assert "*** DUPLICATE ***" in second
    assert "PROVISIONAL" not in second and "MVVNL-PAY-42" in second
    assert statuses(conn) == [("original", "printed"), ("duplicate", "printed")]


def test_a_slip_that_cannot_be_rendered_fails_and_does_not_block_the_next(conn):
    queue(conn)
    conn.execute("UPDATE print_jobs SET body = ?", (b'{"kind": "payment"}',))
    queue(conn, COMPLAINT)
    printer = DummyConnection()
    report = spool_for(conn, printer).print_pending()
    assert (report.printed, report.failed) == (1, 1)
    assert [job.status for job in unprinted(conn)] == ["failed"]


def test_payment_survives_network_printer_off_and_prints_exactly_once_when_back(conn, db_path):
    with TcpPrinter() as tcp:
        settings = tcp.settings(write_timeout_s=2)
        tcp.stop()  # printer off before the payment
        queue(conn)
        spool = spool_for(conn, open_connection(settings))
        report = spool.print_pending()
        assert report.waiting == 1 and report.status.state == PrinterState.OFFLINE
        tcp.start()
        report = spool.print_pending()
        assert report.printed == 1
        (job,) = tcp.wait_for_jobs(1)
        assert PAYMENT.receipt_no in text_of(job)
        spool.print_pending()
        assert len(tcp.jobs) == 1


def test_worker_thread_prints_on_wake_and_retries_until_the_printer_returns(db_path, conn):
    printer = DummyConnection()
    printer.simulate(PrinterState.OFFLINE)

    def make() -> Spool:
        return spool_for(open_database(db_path).conn, printer)

    worker = SpoolWorker(make, retry_s=0.05)
    queue(conn)
    worker.start()
    try:
        worker.wake()
        printer.simulate(PrinterState.READY)
        deadline = time.monotonic() + 5
        while not printer.jobs and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(printer.jobs) == 1
    finally:
        worker.stop()
    assert statuses(conn) == [("original", "printed")]
