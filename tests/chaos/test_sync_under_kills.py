"""Power cuts on a bad network: a counter SIGKILLed at random while it pays and syncs.

The counter process (tests/sync/killable_counter.py) records cash payments in a loop and
forces a sync every third one (push the outbox, then pull the consumer changes), through
the fault proxy (tests/support/fault_proxy.py) to the real central on loopback. While it
runs, the central adds and changes consumers every round (tests/support/consumer_changes.py),
and the proxy serves the changes feed in small pages, so the pull is mid-feed when faults
and kills land. Event pushes and the changes feed each take faults from a script drawn
from the seed: requests held until the counter's (short) read timeout, with or without the
central committing; delays; real TCP resets before and after the central committed;
connections closed after it committed; 500s, 503s, 429s with Retry-After, captive-portal
pages, truncated bodies. Every kind comes once in the first requests of each script, so
every run injects all of them; random draws follow. The process is SIGKILLed at random
moments and started again on the same database.

At the end the network heals and one clean ``kiosk sync`` runs. Then every payment is at
the central exactly once with the same paise, receipt numbers have no gap per day, the
queue is empty, no event was dead-lettered (every payment was valid), the counter's
consumer cache equals the central's consumers and its changes cursor is at the feed's end.

Default: 20 rounds, 1,000 payments (about 15 s on 2 cores). More:
``KIOSK_CHAOS_ROUNDS=200 KIOSK_CHAOS_PAYMENTS=20000 uv run pytest tests/chaos``.
``KIOSK_CHAOS_SEED=N`` replays the faults, the kill points and the central's changes.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from collections import Counter as Tally
from datetime import timedelta

import pytest

from kiosk.cli import main as kiosk_main
from offline_queue.engine import CURSOR_KEY
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
from tests.support.consumer_changes import ConsumerChurn, central_cache, counter_cache
from tests.support.fault_proxy import FaultProxy
from tests.support.fixtures import LIVE_CENTRAL_SEED
from tests.support.live_central import DEMO_NOW

PUSH = "/v1/events"
PULL = "/v1/consumers/changes"
READ_TIMEOUT_S = 0.2  # the chaos counter's: a held request costs this much, not 15 s
HOLDS = ("black_hole", "late_reply")  # each costs the counter a read timeout
FAULTS = (
    *HOLDS,
    "delay:0.05",
    "reset",
    "reset_after_commit",
    "lose_reply",
    "status:500",
    "status:503",
    "retry_after:1",
    "html:502",
    "truncate",
)
# A fault is followed by up to this many clean requests (uniform). Pushes need runs of
# clean ones: a sync that meets a fault leaves its backlog for the next, which sends it in
# several batches, so scattered faults would stop every sync and the pull that follows a
# complete push would never run. Pulls come only after such pushes: fewer clean ones.
PUSH_CLEAN_RUN, PULL_CLEAN_RUN = 6, 1
HOLD_WEIGHT = 0.03  # of each hold kind against 1 of every other fault, after the first block
PAGE_LIMIT = 7  # consumer changes per page during the rounds
NEW_PER_ROUND, CHANGED_PER_ROUND = 8, 6


def fault_script(rng: random.Random, length: int, *, clean_run: int) -> list[str]:
    """Faults, each followed by 0 to ``clean_run`` clean requests; every kind comes first.

    The first block (every kind once, shuffled) makes every run inject every kind: the
    run makes hundreds of pushes and dozens of pulls. The faults drawn after it hold few
    requests (each costs the counter a read timeout).
    """
    first = list(FAULTS)
    rng.shuffle(first)
    weights = [HOLD_WEIGHT if fault in HOLDS else 1.0 for fault in FAULTS]
    script: list[str] = []
    while len(script) < length:
        fault = first.pop() if first else rng.choices(FAULTS, weights)[0]
        script += [fault, *([""] * rng.randint(0, clean_run))]
    return script


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_every_payment_reaches_the_central_once_through_kills_and_faults(
    tmp_path, live_central
) -> None:
    run = Run(seed=chaos_seed())
    print(f"chaos seed {run.seed}")
    rng = random.Random(run.seed)
    rounds = env_int("KIOSK_CHAOS_ROUNDS", 20)
    payments = env_int("KIOSK_CHAOS_PAYMENTS", 1000)
    churn = ConsumerChurn(
        live_central.db_path, seed=rng.randrange(1, 2**31), after=DEMO_NOW + timedelta(days=1)
    )
    proxy = FaultProxy(live_central.url, fault_paths=(PUSH, PULL)).start()
    proxy.script(fault_script(rng, 2 * payments, clean_run=PUSH_CLEAN_RUN), path=PUSH)
    proxy.script(fault_script(rng, payments, clean_run=PULL_CLEAN_RUN), path=PULL)
    proxy.page_limit = PAGE_LIMIT
    config = write_config(
        tmp_path,
        counter_id=live_central.counter_id,
        central_url=proxy.url,
        token=live_central.token,
        read_timeout_s=READ_TIMEOUT_S,
    )
    healthy = write_config(  # the same counter with its usual read timeout
        tmp_path,
        counter_id=live_central.counter_id,
        central_url=proxy.url,
        token=live_central.token,
        name="kiosk-final.toml",
    )

    def publish(_round: int) -> None:
        churn.publish(new=NEW_PER_ROUND, changed=CHANGED_PER_ROUND)

    try:
        run_rounds(config, run, rng, rounds=rounds, payments=payments, while_running=publish)
        injected = {
            path: Tally(fault for _, seen_path, fault in proxy.seen if seen_path.startswith(path))
            for path in (PUSH, PULL)
        }
        _, cursor_while_running = counter_cache(tmp_path / "data" / "kiosk.db", CURSOR_KEY)
        proxy.clear()  # the network is healthy again
        proxy.page_limit = None
        out = tmp_path / "sync.txt"
        with out.open("w") as handle:
            code = kiosk_main(["--config", str(healthy), "sync", "--json"], out=handle)
    finally:
        proxy.stop()
    print(f"faults injected: {injected}; consumer changes published: {churn.changes}")
    assert code == 0, run.why(f"the clean sync did not deliver: {out.read_text()}")
    assert run.kills >= rounds and len(run.reported) >= payments
    for path, tally in injected.items():
        missing = [fault for fault in FAULTS if not tally[fault]]
        assert not missing, run.why(f"{path} never took these faults: {missing} ({tally})")
    assert int(cursor_while_running or 0) > LIVE_CENTRAL_SEED, run.why(
        "the counter pulled none of the changes published while it ran"
    )

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

    (central_digest, last_seq), (counter_digest, cursor) = (
        central_cache(live_central.db_path),
        counter_cache(db, CURSOR_KEY),
    )
    assert counter_digest == central_digest, run.why(
        f"the counter's consumer cache {counter_digest} differs from the central's {central_digest}"
    )
    assert cursor == last_seq, run.why(f"the changes cursor {cursor} is not at the end {last_seq}")
