"""A new counter's first consumer cache download from the central, on loopback.

The central is the reference app under uvicorn on 127.0.0.1 (``sync_drain.Central``, bound
the way ``kiosk-central serve`` binds), seeded with N MVVNL demo consumers
(``central/demo_data.py``; seeding is not timed). A new counter (a fresh data folder,
``open_counter``, the central in its settings) wires its sync as the app does
(``wire_sync``) and runs one ``sync_once(force=True)``, as ``kiosk sync`` does: with
nothing queued, that is the pull of every consumer from cursor 0, in the engine's pages,
each stored with its cursor. Timed from the call to its return; afterwards the counter's
cache must hold all N consumers. No target was set (issue 7 asks for the figure).

    uv run python -m benchmarks.cache_download [--consumers N] [--quick] [--dir PATH]

Default 100,000 consumers; ``--quick`` 10,000.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.sync_drain import Central, _settings, seed_central
from kiosk.services.runtime import open_counter, wire_sync
from kiosk.store.consumers import count

FULL_CONSUMERS = 100_000
QUICK_CONSUMERS = 10_000


@dataclass(frozen=True)
class Download:
    consumers: int
    seed_s: float
    seconds: float
    pulled: int
    cached: int
    file_bytes: int
    error: str | None

    @property
    def rate(self) -> float:
        return self.cached / self.seconds


def measure(n: int, folder: Path | None = None) -> Download:
    """Seed a central with ``n`` consumers, then time a new counter's first pull of them."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        seed_central(root / "central.db", n)
        seed_s = time.perf_counter() - started
        with Central(root / "central.db") as central:
            counter = open_counter(_settings(root / "counter", central.url, central.token))
            wiring = wire_sync(counter)
            assert wiring.engine is not None
            try:
                started = time.perf_counter()
                report = wiring.engine.sync_once(force=True)
                seconds = time.perf_counter() - started
                cached = count(counter.conn)
            finally:
                wiring.close()
                counter.conn.close()
        size = sum(f.stat().st_size for f in (root / "counter").glob("kiosk.db*"))
    return Download(n, seed_s, seconds, report.pulled, cached, size, report.error)


def _check(d: Download) -> None:
    if d.error or d.cached != d.consumers:
        raise SystemExit(
            f"the download is incomplete: {d.cached:,} of {d.consumers:,} cached, error {d.error}"
        )


def run(quick: bool) -> list[Figure]:
    """The headline figure for ``python -m benchmarks`` (``quick``: 10,000 consumers)."""
    d = measure(QUICK_CONSUMERS if quick else FULL_CONSUMERS)
    _check(d)
    return [
        Figure(
            f"cache download, new counter, {d.consumers:,} consumers (loopback)",
            f"{d.seconds:.1f} s",
            "(no target set)",
            None,
            f"{d.rate:,.0f} consumers/s",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=FULL_CONSUMERS)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CONSUMERS:,} consumers")
    parser.add_argument("--dir", type=Path, help="folder on the disk to measure (default: temp)")
    args = parser.parse_args()
    d = measure(QUICK_CONSUMERS if args.quick else args.consumers, args.dir)
    _check(d)
    print(f"central seeded with {d.consumers:,} MVVNL demo consumers in {d.seed_s:.1f} s (untimed)")
    print("new counter, one sync_once(force=True) on 127.0.0.1 (the first pull, from cursor 0)")
    print(f"  pulled {d.pulled:,}, cached {d.cached:,} consumers")
    print(f"  {d.seconds:.2f} s, {d.rate:,.0f} consumers/s")
    print(f"  counter database afterwards {d.file_bytes / 2**20:,.1f} MiB (with its WAL)")


if __name__ == "__main__":
    main()
