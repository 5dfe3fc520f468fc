"""Every benchmark, one table: ``uv run python -m benchmarks [--quick] [--only NAME ...]``.

Each benchmark runs in its own fresh process (``python -m benchmarks --child NAME``, which
calls the script's ``run(quick)``), one after the other, so none inherits another's
memory, threads or warm caches; the figures come back as JSON and are printed as one
table: figure, value, target, the side-by-side ratio where the target is one, and whether
it is met. ``--quick`` runs the smaller sizes each script's own ``--quick`` runs (for CI).
The machine (cores, CPU, RAM, Python) and its load average before and after are printed
with the table, as figures taken under load are not the machine's best.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.figures import Figure

BENCHMARKS = (
    "lookup",
    "record_payment",
    "outbox_throughput",
    "sync_drain",
    "receipt_render",
    "cold_start",
    "rss",
    "cache_download",
)
MARK = "FIGURES "


def machine() -> str:
    """Cores, CPU model, RAM and Python version, in one line."""
    cpu = "unknown CPU"
    ram = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f", {int(line.split()[1]) / 2**20:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){ram}, Python {platform.python_version()}"


def load() -> str:
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def child(name: str, quick: bool) -> None:
    """In the child process: run one benchmark and hand its figures back on stdout."""
    figures = importlib.import_module(f"benchmarks.{name}").run(quick)
    print(MARK + json.dumps([f.to_json() for f in figures]), flush=True)


def run_one(name: str, quick: bool) -> tuple[list[Figure], float, str | None]:
    """One benchmark in a fresh process: its figures, its seconds and an error, if any."""
    command = [sys.executable, "-m", "benchmarks", "--child", name]
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "--quick"] if quick else command, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARK)]
    if result.returncode != 0 or not lines:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        return [], seconds, "\n".join(tail) or f"exit code {result.returncode}"
    return [Figure.from_json(f) for f in json.loads(lines[-1][len(MARK) :])], seconds, None


def verdict(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "NOT met")


def table(figures: Sequence[Figure], markdown: bool = False) -> list[str]:
    """The figures as text columns, or as a Markdown table for the README."""
    head = ("figure", "value", "target", "ratio (side by side)", "met")
    rows = [(f.name, f.value, f.target, f.ratio, verdict(f.met)) for f in figures]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return lines + ["| " + " | ".join(cell.strip() for cell in row) + " |" for row in rows]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [head, tuple("-" * w for w in widths), *rows]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="the smaller sizes (for CI)")
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        metavar="NAME",
        help="run only NAME (repeatable): " + ", ".join(BENCHMARKS),
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--child", choices=BENCHMARKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.quick)
        return 0

    names = [name for name in BENCHMARKS if not args.only or name in args.only]
    before = load()
    figures: list[Figure] = []
    failed: list[str] = []
    started = time.perf_counter()
    for name in names:
        print(f"{name} ...", end=" ", file=sys.stderr, flush=True)
        found, seconds, error = run_one(name, args.quick)
        print(f"{seconds:.0f} s" + (" FAILED" if error else ""), file=sys.stderr, flush=True)
        if error:
            failed.append(name)
            print(error, file=sys.stderr)
            figures.append(Figure(f"{name}: did not run", "-", "-", False))
        figures.extend(found)

    mode = "quick (--quick: smaller sizes, see benchmarks/README.md)" if args.quick else "full"
    print(f"benchmarks, {mode}: {len(names)} scripts in {time.perf_counter() - started:.0f} s")
    print(f"machine: {machine()}")
    print(f"{load()} at the end; {before} at the start")
    print()
    for line in table(figures, args.markdown):
        print(line)
    judged = [f for f in figures if f.met is not None]
    print()
    print(f"{sum(bool(f.met) for f in judged)} of {len(judged)} targets met")
    if failed:
        print(f"did not run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
