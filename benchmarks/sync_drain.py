"""Draining a day of offline payments to the real central: batches against one per request.

Targets: ``engine.sync_once(force=True)`` delivers 10,000 queued payments in under 15 s
with the configured batch sizes (``batch_size``, growing up to ``max_batch_size`` while
the central answers quickly), at least 20x faster than sending one event per request;
afterwards the central's day summary counts each payment exactly once. Every other run
keeps its batch fixed; the table counts the batch requests each run sent.

    uv run python -m benchmarks.sync_drain [--events N] [--quick] [--single-sample S]

The central is the reference app under uvicorn on 127.0.0.1, in a thread of this process
and bound the way ``kiosk-central serve`` binds, seeded with N MVVNL demo consumers. One
counter database records N payments for those consumers (half cash, half UPI) while the
central is not contacted; its consumer cache was filled beforehand from the same demo
data, with its sync cursor at the central's head, as after an earlier sync. Every run
gets a copy of that database and a freshly seeded central, so each timed ``sync_once``
pushes the same N events and pulls back the N snapshots the central changed (it adds
each payment to the consumer's recent payments). One event per request is timed on the
first S events (default 1,000) and extrapolated to N, unless ``--single-sample 0``.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import httpx
import uvicorn

from benchmarks.figures import Figure
from central.app import create_app
from central.auth import CounterAuth
from central.db import CentralDB
from central.demo_data import generate_records, generate_snapshots, seed_database
from kiosk.config import CentralSettings, KioskSettings
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import DATABASE_NAME, open_counter, wire_sync
from kiosk.store.consumers import upsert_snapshots
from kiosk.store.db import transaction
from offline_queue import outbox
from offline_queue.engine import CURSOR_KEY, SyncReport

HOST = "127.0.0.1"
COUNTER_ID = "CSC-LKO-0001"
DISCOM = "MVVNL"
DEMO_NOW = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
SEED = 2025
AMOUNT_PAISE = 50_000
TARGET_S_PER_10K = 15.0
TARGET_SPEEDUP = 20.0
CONFIGURED_BATCH = CentralSettings.model_fields["batch_size"].default
CONFIGURED_MAX_BATCH = CentralSettings.model_fields["max_batch_size"].default


class Central:
    """The reference central under uvicorn in a thread, bound the way ``kiosk-central serve``
    binds (uvicorn opens the socket, so asyncio sets TCP_NODELAY on each connection)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.token = f"bench-{secrets.token_urlsafe(24)}"
        self.url = ""
        app = create_app(db_path, {COUNTER_ID: CounterAuth(COUNTER_ID, self.token, ())})
        config = uvicorn.Config(
            app, host=HOST, port=0, log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="central", daemon=True)

    def __enter__(self) -> Central:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the central did not start")
            time.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://{HOST}:{port}"
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10.0)


class CountingTransport(httpx.HTTPTransport):
    """The default transport, counting the event batches sent."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/events/batch":
            self.batches += 1
        return super().handle_request(request)


def _settings(
    folder: Path,
    url: str | None = None,
    token: str | None = None,
    batch: int = 50,
    max_batch: int | None = None,
) -> KioskSettings:
    central = {} if url is None else {"url": url, "token": token, "batch_size": batch}
    if max_batch is not None:
        central["max_batch_size"] = max_batch
    return KioskSettings(
        counter={"id": COUNTER_ID, "name": "Benchmark", "discoms": [DISCOM]},
        storage={"data_dir": folder},
        central=central,
    )


def seed_central(path: Path, n: int) -> int:
    """A fresh central database holding the N demo consumers; returns its changes head."""
    seed_database(CentralDB(path), n, SEED, DEMO_NOW, discoms=[DISCOM])
    with sqlite3.connect(path) as conn:
        head = int(conn.execute("SELECT max(seq) FROM consumers").fetchone()[0])
    conn.close()
    return head


def record_offline(folder: Path, n: int, head: int) -> tuple[float, list[str]]:
    """A counter that synced its cache earlier, then took N payments offline.

    Returns the seconds spent recording and the business days the payments fell on.
    """
    counter = open_counter(_settings(folder))
    conn = counter.conn
    upsert_snapshots(
        conn, generate_snapshots(n, seed=SEED, now=DEMO_NOW, discoms=[DISCOM]), cached_at=DEMO_NOW
    )
    with transaction(conn):
        outbox.set_meta(conn, CURSOR_KEY, str(head))
    accounts = [
        r["consumer"]["account_no"]
        for r in generate_records(n, seed=SEED, now=DEMO_NOW, discoms=[DISCOM])
    ]
    started = time.perf_counter()
    for i, account_no in enumerate(accounts):
        upi = i % 2 == 1
        record_payment(
            counter,
            PaymentRequest(
                discom=DISCOM,
                account_no=account_no,
                amount_paise=AMOUNT_PAISE,
                mode="upi" if upi else "cash",
                operator_id="op1",
                utr=f"{500_000_000_000 + i}" if upi else None,
            ),
        )
    spent = time.perf_counter() - started
    days = [row[0] for row in conn.execute("SELECT DISTINCT day FROM payments ORDER BY day")]
    assert outbox.stats(conn, now=time.time()).pending == n
    conn.close()  # the last connection: SQLite checkpoints and removes the WAL
    return spent, days


def _keep_first(db_file: Path, s: int) -> None:
    """Leave only the first ``s`` queued events (for the one-per-request sample)."""
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute(
        "DELETE FROM outbox WHERE seq NOT IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)", (s,)
    )
    conn.close()


@dataclass(frozen=True)
class Run:
    batch: int
    events: int
    pull: bool
    seconds: float
    report: SyncReport
    summary_count: int
    summary_paise: int
    requests: int
    configured: bool = False

    @property
    def label(self) -> str:
        if self.configured:
            name = f"batch {self.batch}-{CONFIGURED_MAX_BATCH}"
            if self.pull:
                name += " (configured)"
        else:
            name = "1 per request" if self.batch == 1 else f"batch {self.batch}"
        return name if self.pull else f"{name}, push only"

    @property
    def exactly_once(self) -> bool:
        r = self.report
        return (
            self.summary_count == r.accepted == self.events
            and self.summary_paise == self.events * AMOUNT_PAISE
            and r.duplicate == r.rejected == r.remaining == 0
            and r.error is None
        )


def drain(
    template: Path,
    folder: Path,
    n: int,
    events: int,
    batch: int,
    days: list[str],
    pull: bool,
    configured: int,
) -> Run:
    """Time one ``sync_once(force=True)`` of ``events`` queued payments at ``batch`` per
    request, on a copy of the template and a fresh central; then read the day summary.

    The configured batch grows as the settings let it (``max_batch_size``); any other,
    and one per request above all, stays fixed (``max_batch_size`` = ``batch``)."""
    folder.mkdir()
    (folder / "counter").mkdir(mode=0o700)
    db_file = folder / "counter" / DATABASE_NAME
    shutil.copy2(template, db_file)
    if events < n:
        _keep_first(db_file, events)
    seed_central(folder / "central.db", n)
    with Central(folder / "central.db") as central:
        grows = batch == configured and batch > 1
        fixed = None if grows else batch
        settings = _settings(folder / "counter", central.url, central.token, batch, fixed)
        counter = open_counter(settings)
        transport = CountingTransport()
        wiring = wire_sync(counter, transport=transport)
        assert wiring.engine is not None
        try:
            started = time.perf_counter()
            report = wiring.engine.sync_once(force=True, pull=pull)
            seconds = time.perf_counter() - started
        finally:
            wiring.close()
            counter.conn.close()
        paid = amount = 0
        with central.client() as client:
            for day in days:
                response = client.get(f"/v1/counters/{COUNTER_ID}/summary", params={"date": day})
                response.raise_for_status()
                paid += int(response.json()["payments"])
                amount += int(response.json()["amount_paise"])
    return Run(batch, events, pull, seconds, report, paid, amount, transport.batches, grows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="2,000 events (CI)")
    parser.add_argument(
        "--batch-size", type=int, default=CONFIGURED_BATCH, help="configured batch (50)"
    )
    parser.add_argument(
        "--single-sample",
        type=int,
        default=1000,
        metavar="S",
        help="time one event per request on S events and extrapolate (0: all N)",
    )
    parser.add_argument("--dir", type=Path, help="folder on the disk to measure (default: temp)")
    args = parser.parse_args()
    n = 2_000 if args.quick else args.events
    record_s, runs = measure(n, args.batch_size, args.single_sample, args.dir)
    report_table(n, record_s, runs)


def measure(
    n: int, batch_size: int, single_sample: int, folder: Path | None
) -> tuple[float, list[Run]]:
    """Seconds to record the N payments offline, and every drain run of the plan (the
    configured batches first, one per request third from last)."""
    sample = n if single_sample <= 0 else min(single_sample, n)
    plan = [(b, n, True) for b in dict.fromkeys([batch_size, 200])]
    plan += [(1, sample, True), (batch_size, n, False), (1, sample, False)]

    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        root = Path(tmp)
        head = seed_central(root / "head.db", n)
        record_s, days = record_offline(root / "template", n, head)
        template = root / "template" / DATABASE_NAME
        runs = [
            drain(template, root / f"run{i}", n, events, batch, days, pull, batch_size)
            for i, (batch, events, pull) in enumerate(plan)
        ]
    return record_s, runs


def run(quick: bool) -> list[Figure]:
    """The headline figures for ``python -m benchmarks`` (``quick``: 2,000 events)."""
    n = 2_000 if quick else 10_000
    _record_s, runs = measure(n, CONFIGURED_BATCH, 1000, None)
    main_run, single = runs[0], runs[-3]
    one_per_request_s = single.seconds * n / single.events
    speedup = one_per_request_s / main_run.seconds
    target = TARGET_S_PER_10K * n / 10_000
    kind = "extrapolated" if single.events < n else "measured"
    return [
        Figure(
            f"sync drain of {n:,} payments, {main_run.label}",
            f"{main_run.seconds:.2f} s",
            f"< {target:g} s",
            main_run.seconds < target,
            f"{speedup:.1f}x 1 per request ({one_per_request_s:.1f} s, {kind})",
        ),
        Figure(
            "  speedup vs one event per request",
            f"{speedup:.1f}x",
            f">= {TARGET_SPEEDUP:g}x",
            speedup >= TARGET_SPEEDUP,
        ),
        Figure(
            f"  central counts each payment once ({len(runs)} runs)",
            "yes" if all(r.exactly_once for r in runs) else "NO",
            "exactly once",
            all(r.exactly_once for r in runs),
        ),
    ]


def report_table(n: int, record_s: float, runs: list[Run]) -> None:
    main_run, single, push, single_push = runs[0], runs[-3], runs[-2], runs[-1]
    # Seconds the one-per-request runs would take for all N events.
    per_n = {
        True: single.seconds * n / single.events,
        False: single_push.seconds * n / single_push.events,
    }
    sampled = single.events < n
    print(f"sync drain: {n:,} payments recorded offline ({record_s:.1f} s to record), then one")
    print("sync_once(force=True) per run, each on a copy of that counter database and a fresh")
    print("reference central on 127.0.0.1 (uvicorn thread); 'push only' passes pull=False")
    print(
        f"{'run':<40}{'events':>7}{'requests':>9}{'drain s':>9}{'events/s':>9}"
        f"{'accepted':>9}{'dup':>4}{'pulled':>7}{'speedup':>9}"
    )
    for run in runs:
        speedup = per_n[run.pull] / (run.seconds * n / run.events)
        print(
            f"{run.label:<40}{run.events:>7,}{run.requests:>9,}"
            f"{run.seconds:>9.2f}{run.events / run.seconds:>9,.0f}{run.report.accepted:>9,}"
            f"{run.report.duplicate:>4}{run.report.pulled:>7,}{speedup:>8.1f}x"
        )
    if sampled:
        for pull in (True, False):
            label = "1 per request" + ("" if pull else ", push only")
            label += " (extrapolated)"
            seconds = per_n[pull]
            print(f"{label:<40}{n:>7,}{n:>9,}{seconds:>9.2f}{n / seconds:>9,.0f}")
    print()
    target = TARGET_S_PER_10K * n / 10_000
    speedup = per_n[True] / main_run.seconds
    kind = "extrapolated" if sampled else "measured"
    per_10k = "" if n == 10_000 else " (15 s per 10,000)"
    checks = [
        (
            f"drain, {main_run.label}",
            f"{main_run.seconds:.2f} s",
            f"< {target:g} s{per_10k}",
            main_run.seconds < target,
        ),
        (
            f"speedup vs one per request ({kind})",
            f"{speedup:.1f}x",
            f">= {TARGET_SPEEDUP:g}x",
            speedup >= TARGET_SPEEDUP,
        ),
    ]
    checks += [
        (
            f"central day summary, {run.label}",
            f"{run.summary_count:,}",
            f"= {run.events:,} (once)",
            run.exactly_once,
        )
        for run in runs
    ]
    print(f"{'figure':<52}{'value':>9}  {'target':<26}verdict")
    for figure, value, goal, met in checks:
        print(f"{figure:<52}{value:>9}  {goal:<26}{'met' if met else 'NOT met'}")
    print(
        f"for information, push only (pull=False): {push.label.split(',')[0]} is"
        f" {per_n[False] / push.seconds:.1f}x faster than 1 per request"
    )
    for run in runs:
        r = run.report
        if r.error or r.rejected or r.remaining:
            print(f"{run.label}: rejected {r.rejected}, left {r.remaining}, error {r.error}")


if __name__ == "__main__":
    main()
