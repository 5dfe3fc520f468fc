"""A counter process for the kill test: pays and syncs in a loop until it is SIGKILLed.

Run as ``python -m tests.sync.killable_counter CONFIG START COUNT``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.config import load_settings
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import open_counter, wire_sync


def main() -> None:
    config, start, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    counter = open_counter(load_settings(config))
    wiring = wire_sync(counter, backoff_base_s=0.01, backoff_cap_s=0.05)
    assert wiring.engine is not None
    for index in range(start, start + count):
        request = PaymentRequest(
            discom="MVVNL",
            account_no=f"{2_000_000_000 + index}",
            amount_paise=10_000 + index,
            mode="cash",
            operator_id="op1",
        )
        record_payment(counter, request)
        print(f"paid {index}", flush=True)
        if index % 3 == 0:
            wiring.engine.sync_once(force=True)
    wiring.engine.sync_once(force=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
