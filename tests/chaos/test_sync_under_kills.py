"""Power cuts on a bad network: a counter SIGKILLed at random while it pays and syncs.

The counter process (tests/sync/killable_counter.py) records cash payments in a loop and
forces a sync every third one, through the fault proxy (tests/support/fault_proxy.py) to
the real central on loopback. The proxy answers each event push with a fault drawn from
the seed: dropped connections, delays, replies lost after the central committed, 500s,
503s, 429s with Retry-After, captive-portal pages, truncated bodies. The process is
SIGKILLed at random moments and started again on the same database.

At the end the network heals and one clean ``kiosk sync`` runs. Then every payment is at
the central exactly once with the same paise, receipt numbers have no gap per day, the
queue is empty and no event was dead-lettered (every payment was valid).

Default: 20 rounds, 1,000 payments (about 15 s on 2 cores). More:
``KIOSK_CHAOS_ROUNDS=200 KIOSK_CHAOS_PAYMENTS=20000 uv run pytest tests/chaos``.
``KIOSK_CHAOS_SEED=N`` replays the faults and kill points of a failing run.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from collections import Counter as Tally

import pytest

from kiosk.cli import main as kiosk_main
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
from tests.support.fault_proxy import FaultProxy

FAULTS = (
    "",
    "",
    "delay:0.05",
    "lose_reply",
    "lose_reply",
    "reset",
    "status:500",
    "status:503",
    "retry_after:1",
    "html:502",
    "truncate",
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_every_payment_reaches_the_central_once_through_kills_and_faults(
    tmp_path, live_central
) -> None:
    run = Run(seed=chaos_seed())
    print(f"chaos seed {run.seed}")
    rng = random.Random(run.seed)
    rounds = env_int("KIOSK_CHAOS_ROUNDS", 20)
    payments = env_int("KIOSK_CHAOS_PAYMENTS", 1000)
    proxy = FaultProxy(live_central.url).start()
    proxy.script(rng.choice(FAULTS) for _ in range(payments * 4))
    config = write_config(
        tmp_path,
        counter_id=live_central.counter_id,
        central_url=proxy.url,
        token=live_central.token,
    )
    try:
        run_rounds(config, run, rng, rounds=rounds, payments=payments)
        injected = Tally(fault for _, _, fault in proxy.seen if fault)
        proxy.faults.clear()  # the network is healthy again
        out = tmp_path / "sync.txt"
        with out.open("w") as handle:
            code = kiosk_main(["--config", str(config), "sync", "--json"], out=handle)
    finally:
        proxy.stop()
    assert code == 0, run.why(f"the clean sync did not deliver: {out.read_text()}")
    assert run.kills >= rounds and len(run.reported) >= payments
    assert len(injected) >= 5, run.why(f"too few kinds of fault were injected: {injected}")

    db = tmp_path / "data" / "kiosk.db"
    rows = local_payments(db)
    check_local_payments(run, rows)
    assert outbox_counts(db) == {"pending": 0, "synced": len(rows), "dead": 0}, run.why(
        "the queue is not empty, or an event was dead-lettered"
    )

    with sqlite3.connect(f"{live_central.db_path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        central = conn.execute(
            "SELECT event_id, receipt_no, amount_paise FROM payments WHERE counter_id = ?",
            (live_central.counter_id,),
        ).fetchall()
    doubled = [e for e, n in Tally(event for event, _, _ in central).items() if n > 1]
    assert not doubled, run.why(f"payments doubled at the central: {doubled[:5]}")
    local = {(row["event_id"], row["receipt_no"], int(row["amount_paise"])) for row in rows}
    assert set(central) == local, run.why("the central's payments differ from the counter's")
    assert sum(paise for _, _, paise in central) == sum(paise for _, _, paise in local)
