"""A counter process for the kill tests: pays and syncs in a loop until it is SIGKILLed.

Run as ``python -m tests.sync.killable_counter CONFIG START COUNT [SYNC_EVERY] [PRINT]``.

``SYNC_EVERY`` (default 3) forces a sync after every that many payments (0: never);
``PRINT`` = ``print`` runs the print spool on the configured printer after every payment,
as the app's spool worker does after each commit (the chaos tests, tests/chaos/).
Each committed payment is reported on stdout as ``paid INDEX RECEIPT_NO AMOUNT_PAISE``.
With ``KIOSK_COUNTER_WAIT=1`` the process loads its code, then waits for a line on stdin
before it opens the database: a test starts the next counter while the last one runs and
saves the second of start-up per restart.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from kiosk.config import load_settings
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import open_counter, wire_sync


def _wait_for_go() -> None:
    """Load what the first payment, sync and print would load, then wait to be let go."""
    for name in (
        "kiosk.domain.events",
        "kiosk.domain.models",
        "kiosk.domain.snapshot",
        "kiosk.services.central_client",
        "kiosk.services.printing",
        "offline_queue.engine",
    ):
        importlib.import_module(name)
    sys.stdin.readline()


def main() -> None:
    if os.environ.get("KIOSK_COUNTER_WAIT") == "1":
        _wait_for_go()
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
        print(f"paid {index} {paid.receipt_no} {paid.amount_paise}", flush=True)
        if spool is not None:
            spool.print_pending()
        if wiring.engine is not None and sync_every and index % sync_every == 0:
            wiring.engine.sync_once(force=True)
    if wiring.engine is not None:
        wiring.engine.sync_once(force=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
