"""Outbox throughput: the kiosk outbox against persist-queue's SQLiteAckQueue.

    uv run python -m benchmarks.outbox_throughput [--events N] [--quick] [--repeat R] [--dir PATH]

Both queues write to a file in the same temporary directory, in WAL mode with
``synchronous=FULL`` (read back from each connection and printed), and carry the same
~600-byte JSON event. The kiosk side does what the app does: each enqueue in its own
``BEGIN IMMEDIATE .. COMMIT`` (one operator action), then the sync engine's drain: claim 50,
settle them as synced, repeat. persist-queue does put, then get + ack per event (it has no
batch get or batch ack), with ``auto_commit=True``. A warm-up on a throwaway database of
each kind is excluded from the timings. Not a test: it prints its figures.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.figures import Figure
from offline_queue import outbox

DEFAULT_EVENTS = 10_000
QUICK_EVENTS = 2_000
WARM_UP_EVENTS = 200
CLAIM_BATCH = 50
TARGET = "kiosk outbox at least as fast as SQLiteAckQueue (total events/s)"
_T0 = 1_795_341_600.0  # a fixed clock for the outbox; its speed does not depend on it


def make_event(n: int) -> dict[str, object]:
    """A payment event shaped like the app's, about 600 bytes of JSON."""
    return {
        "event_id": str(uuid.UUID(int=(1 << 127) | n)),
        "type": "payment.collected",
        "recorded_at": "2026-11-22T10:15:30.123456+05:30",
        "counter_id": "LKO-CSC-0001",
        "operator_id": "op-ramesh-kumar",
        "payload": {
            "receipt_no": f"LKO-CSC-0001-20261122-{n % 100_000:05d}",
            "account_no": f"{1_234_500_000 + n:010d}",
            "consumer_name": "Ramesh Kumar",
            "discom": "MVVNL",
            "division": "Lucknow Central",
            "bill_id": f"BILL-2026-11-{n:08d}",
            "bill_month": "2026-11",
            "amount_paise": 123_450 + n,
            "arrears_paise": 45_600,
            "mode": "upi",
            "upi_ref": f"UPI{431_200_000_000 + n}",
            "purpose": "bill",
            "flags": [],
            "note": "Paid at the counter; receipt printed.",
            "device": {"app": "0.1.0", "offline": True},
        },
    }


def stored_bytes() -> tuple[int, int]:
    """The event as each queue stores it: the outbox's compact JSON, persist-queue's json."""
    event = make_event(0)
    compact = json.dumps(event, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return len(compact.encode()), len(json.dumps(event).encode())


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    enqueue_s: float
    drain_s: float
    events: int
    pragmas: str

    def rate(self, seconds: float) -> float:
        return self.events / seconds if seconds > 0 else float("inf")

    @property
    def enqueue_rate(self) -> float:
        return self.rate(self.enqueue_s)

    @property
    def drain_rate(self) -> float:
        return self.rate(self.drain_s)

    @property
    def total_rate(self) -> float:
        return self.rate(self.enqueue_s + self.drain_s)


def _pragmas(conn: sqlite3.Connection) -> str:
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[
        conn.execute("PRAGMA synchronous").fetchone()[0]
    ]
    return f"journal_mode={mode}, synchronous={sync}"


# --- kiosk outbox -----------------------------------------------------------------------


def run_outbox(path: Path, events: list[dict[str, object]], batch: int, name: str) -> Result:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        outbox.install(conn)
        start = time.perf_counter()
        for event in events:
            conn.execute("BEGIN IMMEDIATE")
            outbox.enqueue(conn, event, now=_T0)
            conn.execute("COMMIT")
        enqueued = time.perf_counter()
        drained = 0
        while claimed := outbox.claim(conn, limit=batch, now=_T0):
            outbox.settle(
                conn,
                synced=[outbox.Synced(e.event_id, {"central_id": str(e.seq)}) for e in claimed],
                now=_T0,
            )
            drained += len(claimed)
        done = time.perf_counter()
        numbers = outbox.stats(conn, now=_T0)
        if drained != len(events) or numbers.synced != len(events) or numbers.pending:
            raise SystemExit(f"{name}: drained {drained}, stats {numbers}: the run is invalid")
        return Result(name, enqueued - start, done - enqueued, len(events), _pragmas(conn))
    finally:
        conn.close()


# --- persist-queue ----------------------------------------------------------------------


def run_ack_queue(directory: Path, events: list[dict[str, object]]) -> Result:
    from persistqueue import SQLiteAckQueue
    from persistqueue.serializers import json as json_serializer

    queue = SQLiteAckQueue(
        str(directory), auto_commit=True, multithreading=False, serializer=json_serializer
    )
    try:
        # persist-queue sets journal_mode=WAL itself and leaves synchronous at the build's
        # default; set FULL on its only connection (multithreading=False: put and get share
        # it) so both queues pay the same fsyncs. Read back below, never assumed.
        conn = queue._conn
        conn.execute("PRAGMA synchronous=FULL")
        start = time.perf_counter()
        for event in events:
            queue.put(event)
        enqueued = time.perf_counter()
        drained = 0
        for _ in events:
            item = queue.get(block=False, raw=True)
            queue.ack(id=item["pqid"])
            drained += 1
        done = time.perf_counter()
        if drained != len(events) or queue.acked_count() != len(events) or queue.qsize():
            raise SystemExit("persist-queue: not every event was acked: the run is invalid")
        return Result(
            "persist-queue SQLiteAckQueue",
            enqueued - start,
            done - enqueued,
            len(events),
            _pragmas(conn),
        )
    finally:
        queue.close()


# --- driver -----------------------------------------------------------------------------


def _warm_up(base: Path) -> None:
    warm = [make_event(10**9 + i) for i in range(WARM_UP_EVENTS)]
    run_outbox(base / "warm-outbox.db", warm, CLAIM_BATCH, "warm-up")
    run_ack_queue(base / "warm-ack-queue", warm)


def _median(runs: list[Result]) -> Result:
    return sorted(runs, key=lambda r: r.enqueue_s + r.drain_s)[len(runs) // 2]


def _table(results: list[Result], reference: Result, kiosk: Result) -> list[str]:
    head = f"{'':34} {'enqueue/s':>10} {'claim+ack/s':>12} {'total/s':>10}"
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.name:34} {r.enqueue_rate:>10,.0f} {r.drain_rate:>12,.0f} {r.total_rate:>10,.0f}"
        )
    lines.append(
        f"{'ratio kiosk (claim 50) / ack queue':34}"
        f" {kiosk.enqueue_rate / reference.enqueue_rate:>9.2f}x"
        f" {kiosk.drain_rate / reference.drain_rate:>11.2f}x"
        f" {kiosk.total_rate / reference.total_rate:>9.2f}x"
    )
    return lines


def measure(count: int, repeat: int, folder: Path | None) -> tuple[Result, Result, Result]:
    """The median kiosk and persist-queue runs, and the outbox drained one at a time."""
    events = [make_event(n) for n in range(count)]
    with tempfile.TemporaryDirectory(prefix="outbox-bench-", dir=folder) as tmp:
        base = Path(tmp)
        _warm_up(base)
        kiosk_runs: list[Result] = []
        reference_runs: list[Result] = []
        for i in range(repeat):
            # Alternate, each run on a fresh file, so both see the same disk and background load.
            name = "kiosk outbox (claim 50)"
            kiosk_runs.append(run_outbox(base / f"outbox-{i}.db", events, CLAIM_BATCH, name))
            reference_runs.append(run_ack_queue(base / f"ack-queue-{i}", events))
        kiosk, reference = _median(kiosk_runs), _median(reference_runs)
        # Same commit count per event as the ack queue's get + ack: for information only.
        single = run_outbox(base / "outbox-single.db", events, 1, "kiosk outbox (claim 1), info")
    return kiosk, reference, single


def run(quick: bool) -> list[Figure]:
    """The headline figure for ``python -m benchmarks`` (median of 3 runs)."""
    count = QUICK_EVENTS if quick else DEFAULT_EVENTS
    kiosk, reference, _single = measure(count, 3, None)
    ratio = kiosk.total_rate / reference.total_rate
    return [
        Figure(
            f"outbox enqueue+claim+ack ({count:,} events)",
            f"{kiosk.total_rate:,.0f} events/s",
            ">= persist-queue SQLiteAckQueue",
            ratio >= 1.0,
            f"{ratio:.2f}x SQLiteAckQueue ({reference.total_rate:,.0f}/s)",
        )
    ]


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.outbox_throughput")
    parser.add_argument("--events", type=int, default=None, help=f"default {DEFAULT_EVENTS:,}")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_EVENTS:,} events")
    parser.add_argument("--repeat", type=int, default=3, help="runs per queue (median shown)")
    parser.add_argument("--dir", type=Path, default=None, help="where the temp dir goes")
    args = parser.parse_args(argv)
    count = args.events or (QUICK_EVENTS if args.quick else DEFAULT_EVENTS)
    if count < 1 or args.repeat < 1:
        parser.error("--events and --repeat must be at least 1")
    kiosk, reference, single = measure(count, args.repeat, args.dir)

    outbox_size, ack_queue_size = stored_bytes()
    out(
        f"Outbox throughput: {count:,} events (JSON: {outbox_size} bytes in the outbox,"
        f" {ack_queue_size} in the ack queue), one commit per enqueue,"
        f" median of {args.repeat} alternating runs, temp dir under"
        f" {args.dir or tempfile.gettempdir()}"
    )
    for r in (kiosk, reference):
        out(f"  {r.name}: {r.pragmas}")
    out("")
    for line in _table([kiosk, reference, single], reference, kiosk):
        out(line)
    out("")
    ratio = kiosk.total_rate / reference.total_rate
    verdict = "MET" if ratio >= 1.0 else "NOT MET"
    out(f"Target: {TARGET}: {verdict} ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
