"""A printer that goes away mid-job, and a counter SIGKILLed at random while it prints.

The counter process (tests/sync/killable_counter.py) records cash payments and runs the
print spool after each one, as the app does, on the loopback network printer
(tests/support/tcp_printer.py). Each receipt is a ~50 KB raster job and the printer reads
slowly, so its interruptions land mid-job: while the counter pays, the test switches the
printer off (open connections cut, new ones refused) and on, or makes it hang (it accepts
and never reads); the counter process is SIGKILLed at random and started again.

At the end the printer is healthy and the spool runs once more. Then every payment is
stored once with gap-free numbers and its event queued (printing never touches money),
and every receipt came out whole exactly once, or is visibly "failed" for the operator
(a kill landed between sending it and marking it printed: the operator looks at the
paper and reprints); none waits silently and none came out twice. A job cut off by the
printer going away is a torn fragment that the spool sends again whole.

Default: 20 rounds, 150 payments (about 12 s on 2 cores). More: ``KIOSK_CHAOS_ROUNDS`` and
``KIOSK_CHAOS_PRINT_PAYMENTS``; ``KIOSK_CHAOS_SEED=N`` replays a failing run's choices.
"""

from __future__ import annotations

import random
import re
import sys
import threading
from collections import Counter as Tally

import pytest

from kiosk.config import load_settings
from kiosk.printer.spool import INTERRUPTED, jobs_for
from kiosk.services.printing import open_spool
from kiosk.services.runtime import open_counter
from tests.chaos.harness import (
    Run,
    chaos_seed,
    check_local_payments,
    env_int,
    local_payments,
    outbox_counts,
    run_rounds,
    write_config,
)
from tests.support.tcp_printer import TcpPrinter

COUNTER_ID = "CSC-LKO-0002"
SLOW_S = 0.001  # a 50 KB receipt takes ~15 ms to go through: time for it to be cut
RECEIPT_NO = re.compile(rb"CSC-LKO-0002-[0-9]{8}-[0-9]{5}")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_every_receipt_prints_once_or_visibly_fails_through_kills_and_printer_loss(
    tmp_path,
) -> None:
    run = Run(seed=chaos_seed())
    print(f"chaos seed {run.seed}")
    rng = random.Random(run.seed)
    rounds = env_int("KIOSK_CHAOS_ROUNDS", 20)
    payments = env_int("KIOSK_CHAOS_PRINT_PAYMENTS", 150)
    printer = TcpPrinter().start()
    printer.slow = SLOW_S
    on = [True]
    troubles = Tally[str]()
    calm = threading.Event()

    def make_trouble(rng: random.Random) -> None:
        """Every few tens of ms: the printer goes off in the middle of a job, hangs (it
        takes the connection and never reads), comes back, or just prints."""
        while not calm.wait(rng.uniform(0.02, 0.15)):
            if printer.hang:
                printer.hang = False
            elif not on[0]:
                printer.start()
                on[0] = True
            elif (roll := rng.random()) < 0.5:
                started = printer.connections
                for _ in range(500):  # until the counter opens a connection (a job)
                    if printer.connections > started or calm.wait(0.001):
                        break
                calm.wait(rng.uniform(0.0, 0.01))
                printer.stop()
                on[0] = False
                troubles["off"] += 1
            elif roll < 0.65:
                printer.hang = True
                troubles["hang"] += 1

    troublemaker = threading.Thread(
        target=make_trouble, args=(random.Random(run.seed + 1),), daemon=True
    )
    config = write_config(
        tmp_path,
        counter_id=COUNTER_ID,
        printer=(
            f'[printer]\nkind = "network"\nhost = "{printer.host}"\nport = {printer.port}\n'
            "write_timeout_s = 0.3\n"
        ),
    )
    counter_db = tmp_path / "data" / "kiosk.db"
    troublemaker.start()
    try:
        run_rounds(config, run, rng, rounds=rounds, payments=payments, extra_args=("0", "print"))
        calm.set()
        troublemaker.join(timeout=10)
        printer.hang, printer.slow = False, 0.0
        if not on[0]:
            printer.start()
        counter = open_counter(load_settings(config))
        try:
            spool = open_spool(counter)
            spool.recover()
            report = spool.print_pending()
            all_jobs = [
                job
                for row in local_payments(counter_db)
                for job in jobs_for(counter.conn, "payment", row["receipt_no"])
            ]
            jobs = {job.ref: job for job in all_jobs}
            # A job cut off after its last byte came out whole: compare those with the
            # receipt's own bytes (rendering every receipt again would take seconds).
            torn = [(blob, _ref_in(blob)) for blob in printer.cut_jobs]
            cut_whole = [
                ref for blob, ref in torn if ref and blob == spool.render_job(jobs[ref]).escpos
            ]
        finally:
            counter.conn.close()
    finally:
        calm.set()
        troublemaker.join(timeout=10)
        printer.stop()
    states = Tally(job.status for job in all_jobs)
    cut = f"{len(printer.cut_jobs)} cut ({len(cut_whole)} after the last byte)"
    print(f"printer: {dict(troubles)}; {cut}; jobs {dict(states)}")
    assert troubles["off"] >= 3 and printer.cut_jobs, run.why(
        f"the printer hardly went away: {troubles}"
    )
    assert report.waiting == 0, run.why(f"{report.waiting} receipts still wait with the printer on")

    rows = local_payments(counter_db)
    check_local_payments(run, rows)
    assert outbox_counts(counter_db) == {"pending": len(rows), "synced": 0, "dead": 0}
    assert len(all_jobs) == len(jobs) == len(rows), run.why(
        "a payment has no receipt job, or more than one"
    )

    refs = [_ref_in(blob) for blob in printer.jobs]
    assert None not in refs, run.why("the printer got a job that is no receipt")
    whole = Tally(refs) + Tally(cut_whole)
    for job in jobs.values():
        copies = whole[job.ref]
        if job.status == "printed":
            assert copies == 1, run.why(f"{job.ref} is marked printed but came out {copies}x")
        else:
            assert job.status == "failed" and job.last_error == INTERRUPTED, run.why(
                f"{job.ref} is {job.status} ({job.last_error})"
            )
            assert copies <= 1, run.why(f"{job.ref} came out {copies}x")


def _ref_in(blob: bytes) -> str | None:
    """The receipt number printed on a job (None on a fragment torn off before it)."""
    found = set(RECEIPT_NO.findall(blob))
    assert len(found) <= 1, f"one job carries receipts {found}"
    return found.pop().decode() if found else None
