"""A counter process for the kill tests: pays and syncs in a loop until it is SIGKILLed.

Run as ``python -m tests.sync.killable_counter CONFIG START COUNT [SYNC_EVERY] [PRINT]``.

``SYNC_EVERY`` (default 3) forces a sync after every that many payments (0: never);
``PRINT`` = ``print`` runs the print spool on the configured printer after every payment,
as the app's spool worker does after each commit (the chaos tests, tests/chaos/).
Each committed payment is reported on stdout as ``paid INDEX RECEIPT_NO AMOUNT_PAISE``.

``python -m tests.sync.killable_counter --fork-server`` loads the code once and then, for
each line of arguments on stdin, forks a counter (as above) and prints ``pid PID``; the
counter prints on the same stdout and ``exit CODE`` if it ends by itself. A restart then
costs a fork instead of a second of start-up (the chaos tests restart hundreds of times).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import traceback
from pathlib import Path

from kiosk.config import load_settings
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import open_counter, wire_sync


def _render_a_sample() -> None:
    """Render a sample receipt: loads the fonts, the QR code and the ESC/POS tables."""
    from kiosk.printer import samples
    from kiosk.printer.layout import paper_for
    from kiosk.printer.render import render
    from kiosk.printer.templates import PROVISIONAL, layout_for

    paper = paper_for(80)
    layout = layout_for(
        samples.PAYMENT, samples.sample_context(), paper, sync=PROVISIONAL, duplicate=False
    )
    render(layout, paper)


def serve_forks() -> None:
    """Load what a counter uses, then fork one per line of arguments read from stdin."""
    for name in (
        "kiosk.domain.events",
        "kiosk.domain.models",
        "kiosk.domain.snapshot",
        "kiosk.services.central_client",
        "kiosk.services.printing",
        "offline_queue.engine",
    ):
        importlib.import_module(name)
    _render_a_sample()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the killed counters
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                sys.argv = [sys.argv[0], *line.split()]
                main()
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                _say(f"exit {code}")
                os._exit(code)
        _say(f"pid {pid}")


def _say(line: str) -> None:
    """One line in one write: a kill never leaves half a line for the next process to finish
    (``print`` writes the text and its newline apart when stdout is unbuffered)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    config, start, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    sync_every = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    printing = len(sys.argv) > 5 and sys.argv[5] == "print"
    counter = open_counter(load_settings(config))
    wiring = wire_sync(counter, backoff_base_s=0.01, backoff_cap_s=0.05)
    spool = None
    if printing:
        from kiosk.services.printing import open_spool

        spool = open_spool(counter)
        spool.recover()  # a job the last process died sending waits for the operator
    for index in range(start, start + count):
        request = PaymentRequest(
            discom="MVVNL",
            account_no=f"{2_000_000_000 + index}",
            amount_paise=10_000 + index,
            mode="cash",
            operator_id="op1",
        )
        paid = record_payment(counter, request)
        _say(f"paid {index} {paid.receipt_no} {paid.amount_paise}")
        if spool is not None:
            spool.print_pending()
        if wiring.engine is not None and sync_every and index % sync_every == 0:
            wiring.engine.sync_once(force=True)
    if wiring.engine is not None:
        wiring.engine.sync_once(force=True)
    _say("done")


if __name__ == "__main__":
    if sys.argv[1:] == ["--fork-server"]:
        serve_forks()
    else:
        main()
