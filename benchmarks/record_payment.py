"""Record payment (the full durable transaction) against a bare INSERT + COMMIT.

Target (issue 3): the p50 of ``record_payment`` within 2x of a single-row INSERT + COMMIT
with the same pragmas (WAL, synchronous=FULL), measured side by side on the same disk.

    uv run python -m benchmarks.record_payment [--payments N] [--quick] [--dir PATH]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure, ms
from kiosk.config import KioskSettings
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import open_counter


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bare_inserts(folder: Path, n: int) -> list[float]:
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, receipt TEXT, amount INTEGER)")
    samples = []
    for i in range(n):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (receipt, amount) VALUES (?, ?)", (f"R-{i:05d}", 50_000))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - started)
    conn.close()
    return samples


def payments(folder: Path, n: int) -> list[float]:
    settings = KioskSettings(
        counter={"id": "BENCH-01", "name": "Benchmark"}, storage={"data_dir": folder / "kiosk"}
    )
    counter = open_counter(settings)
    samples = []
    for i in range(n):
        request = PaymentRequest(
            discom="MVVNL",
            account_no=f"{3_000_000_000 + i}",
            amount_paise=50_000,
            mode="upi",
            operator_id="op1",
            utr=f"{500_000_000_000 + i}",
        )
        started = time.perf_counter()
        record_payment(counter, request)
        samples.append(time.perf_counter() - started)
    counter.conn.close()
    return samples


def measure(n: int, folder: Path | None = None) -> tuple[list[float], list[float]]:
    """Seconds per bare INSERT + COMMIT and per payment, ``n`` each, side by side."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        base = Path(tmp)
        bare_inserts(base, 50)  # warm-up, not counted
        (base / "b").mkdir()
        bare = bare_inserts(base / "b", n)
        (base / "p").mkdir()
        paid = payments(base / "p", n)
    return bare, paid


def run(quick: bool) -> list[Figure]:
    """The headline figure for ``python -m benchmarks``."""
    n = 300 if quick else 3000
    bare, paid = measure(n)
    p50, b50 = statistics.median(paid), statistics.median(bare)
    return [
        Figure(
            f"record payment p50 ({n:,} payments)",
            ms(p50),
            "<= 2x bare INSERT+COMMIT",
            p50 / b50 <= 2,
            f"{p50 / b50:.2f}x bare ({ms(b50)})",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="300 payments (CI)")
    parser.add_argument("--dir", type=Path, help="folder on the disk to measure (default: temp)")
    args = parser.parse_args()
    n = 300 if args.quick else args.payments
    bare, paid = measure(n, args.dir)
    b50, b99 = statistics.median(bare), _percentile(bare, 0.99)
    p50, p99 = statistics.median(paid), _percentile(paid, 0.99)
    ratio = p50 / b50
    print(f"record payment vs bare INSERT+COMMIT, {n} each, WAL + synchronous=FULL")
    print(f"{'figure':<34}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'bare INSERT + COMMIT':<34}{b50 * 1e3:>10.3f}{b99 * 1e3:>10.3f}")
    print(f"{'record_payment (full action)':<34}{p50 * 1e3:>10.3f}{p99 * 1e3:>10.3f}")
    verdict = "met" if ratio <= 2 else "NOT met"
    print(f"p50 ratio {ratio:.2f}x (target <= 2x): {verdict}")


if __name__ == "__main__":
    main()
