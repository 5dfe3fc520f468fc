"""Consumer lookups in the counter's cache of a million consumers: account, mobile, name.

Targets: lookup by account number and by mobile p99 < 2 ms; name search p99 < 50 ms, each
timed per query (``time.perf_counter``) around the store call, JSON decoding included.

    uv run python -m benchmarks.lookup [--consumers N] [--queries Q] [--quick] [--db PATH]

Building the cache (N demo consumers through ``upsert_snapshots``) takes minutes for a
million, so the file is kept and reused: ``--db PATH``, default
``<temp>/kiosk-benchmarks/lookup-N.db``. A file with fewer rows is topped up; one with at
least N rows is measured as it is.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from benchmarks.figures import Figure, ms
from central.demo_data import generate_snapshots
from kiosk.store.consumers import count, find_by_mobile, get_by_account, search, upsert_snapshots
from kiosk.store.db import connect, open_database

DEMO_NOW = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
SEED = 2025
ACCOUNT_P99_S = 0.002
MOBILE_P99_S = 0.002
SEARCH_P99_S = 0.050
QUICK_CONSUMERS = 50_000


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def build(path: Path, n: int) -> tuple[int, float | None]:
    """Fill the cache at ``path`` up to ``n`` demo consumers; (rows, seconds spent or None)."""
    db = open_database(path)
    conn = db.conn
    try:
        have = count(conn)
        if have >= n:
            return have, None
        started = time.perf_counter()
        snapshots = islice(generate_snapshots(n, seed=SEED, now=DEMO_NOW), have, None)
        upsert_snapshots(conn, snapshots, cached_at=DEMO_NOW)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA optimize")
        return count(conn), time.perf_counter() - started
    finally:
        conn.close()


def sample_keys(path: Path, q: int, rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """``q`` random existing consumers with a mobile: (discom, account, mobile, name, name_hi).

    Read on its own connection, closed before timing (SQLite's page cache starts cold;
    the OS file cache is whatever the build or earlier runs left).
    """
    conn = connect(path)
    try:
        top = conn.execute("SELECT max(id) FROM consumers").fetchone()[0]
        keys: list[tuple[str, str, str, str, str]] = []
        while len(keys) < q:
            ids = [rng.randint(1, top) for _ in range(min(900, 2 * (q - len(keys))))]
            marks = ",".join("?" for _ in ids)
            rows = conn.execute(
                "SELECT discom, account_no, mobile, name, name_hi FROM consumers"
                f" WHERE mobile IS NOT NULL AND id IN ({marks})",
                ids,
            ).fetchall()
            keys.extend(rows)
        rng.shuffle(keys)
        return keys[:q]
    finally:
        conn.close()


def _time(samples: list[float], call: Callable[..., object], *args: object) -> object:
    started = time.perf_counter()
    found = call(*args)
    samples.append(time.perf_counter() - started)
    return found


def measure(path: Path, keys: list[tuple[str, str, str, str, str]], rng: random.Random):
    """Per-query seconds for each kind, interleaved so no kind gets a warmer cache."""
    kinds = ("account", "mobile", "name word", "3-letter prefix", "Devanagari word")
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    missing = {kind: 0 for kind in kinds}
    conn = connect(path)
    try:
        for i, (discom, account_no, mobile, name, name_hi) in enumerate(keys):
            if _time(times["account"], get_by_account, conn, discom, account_no) is None:
                missing["account"] += 1
            if not _time(times["mobile"], find_by_mobile, conn, mobile):
                missing["mobile"] += 1
            words = name.split()
            if i % 3 == 0:
                kind, text = "name word", rng.choice(words)
            elif i % 3 == 1:
                kind, text = "3-letter prefix", rng.choice(words)[:3]
            else:
                kind, text = "Devanagari word", rng.choice(name_hi.split())
            if not _time(times[kind], search, conn, text):
                missing[kind] += 1
    finally:
        conn.close()
    return times, missing


def default_path(n: int) -> Path:
    """Where the cache of ``n`` consumers is kept between runs (building it takes minutes)."""
    return Path(tempfile.gettempdir()) / "kiosk-benchmarks" / f"lookup-{n}.db"


def run(quick: bool) -> list[Figure]:
    """The headline figures for ``python -m benchmarks`` (``quick``: 50,000 consumers)."""
    n = QUICK_CONSUMERS if quick else 1_000_000
    q = 2_000 if quick else 10_000
    path = default_path(n)
    build(path, n)
    rng = random.Random(7)
    times, _missing = measure(path, sample_keys(path, q, rng), rng)
    searches = [
        t for kind in ("name word", "3-letter prefix", "Devanagari word") for t in times[kind]
    ]
    figures = []
    for label, samples, target in (
        ("lookup by account p99", times["account"], ACCOUNT_P99_S),
        ("lookup by mobile p99", times["mobile"], MOBILE_P99_S),
        ("name search p99", searches, SEARCH_P99_S),
    ):
        p99 = _percentile(samples, 0.99)
        figures.append(
            Figure(f"{label} ({n:,} consumers)", ms(p99), f"< {ms(target)}", p99 < target)
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="50,000 consumers, 2,000 queries")
    parser.add_argument("--db", type=Path, help="cache file to build or reuse")
    parser.add_argument("--seed", type=int, default=7, help="seed of the key sampling")
    args = parser.parse_args()
    n = QUICK_CONSUMERS if args.quick else args.consumers
    q = 2_000 if args.quick else args.queries
    path = args.db or default_path(n)

    rows, built_s = build(path, n)
    rng = random.Random(args.seed)
    keys = sample_keys(path, q, rng)
    times, missing = measure(path, keys, rng)

    size = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if built_s is None:
        print(f"database {path}: reused ({rows:,} consumers)")
    else:
        print(f"database {path}: built to {rows:,} consumers in {built_s:.1f} s")
    print(f"file {size / 2**20:,.1f} MiB (+ WAL {wal_size / 2**20:,.1f} MiB), {rows:,} rows")
    print(f"{q:,} random existing consumers; name searches split three ways, limit 20")
    print(
        f"{'figure':<28}{'queries':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'target p99':>12}  verdict"
    )
    targets = {"account": ACCOUNT_P99_S, "mobile": MOBILE_P99_S}
    searches = [
        t for kind in ("name word", "3-letter prefix", "Devanagari word") for t in times[kind]
    ]
    rows_out = [(f"lookup by {k}", times[k], targets[k]) for k in ("account", "mobile")]
    rows_out += [(f"  search: {k}", times[k], None) for k in times if k not in targets]
    rows_out.append(("name search (mixed)", searches, SEARCH_P99_S))
    for label, samples, target in rows_out:
        p50, p99, top = statistics.median(samples), _percentile(samples, 0.99), max(samples)
        goal = "" if target is None else f"< {target * 1e3:g} ms"
        verdict = "" if target is None else ("met" if p99 < target else "NOT met")
        line = (
            f"{label:<28}{len(samples):>8}{p50 * 1e3:>9.3f}{p99 * 1e3:>9.3f}{top * 1e3:>9.3f}"
            f"{goal:>12}  {verdict}"
        )
        print(line.rstrip())
    if any(missing.values()):
        print("queries that found nothing: " + ", ".join(f"{k} {v}" for k, v in missing.items()))


if __name__ == "__main__":
    main()
