"""Kiosk memory (peak RSS) with a cache of a million consumers open.

Target (issue 7): under 150 MB (10^6 bytes). A fresh process starts the counter screen as
``kiosk --config PATH`` does (``counter_app``: login screen, config check and database open
behind it, sync engine and print spool started; headless, the central unreachable), then
does what a counter does first: a lookup by account number, a name search and a UPI
payment through the services the screens call, on the station's database thread, with the
receipt printed by the spool (file printer). It then reads its own peak RSS (``VmHWM`` in
``/proc/self/status``, and ``ru_maxrss``). The same run on an empty cache (a new counter)
is printed beside it, so the cache's share is visible.

    uv run python -m benchmarks.rss [--consumers N] [--quick]

The cache is the lookup benchmark's (``benchmarks.lookup.build``, kept under
``<temp>/kiosk-benchmarks``), copied once into a kept counter data folder
``<temp>/kiosk-benchmarks/rss-N/``; each run adds its one payment to that database.
``--quick`` uses 50,000 consumers.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks import lookup
from benchmarks.figures import Figure
from kiosk.services.runtime import DATABASE_NAME

TARGET_MB = 150.0
FULL_CONSUMERS = 1_000_000

CHILD = """
import json, resource, sys
from pathlib import Path
from kiosk.app import counter_app  # what `kiosk --config PATH` runs

app = counter_app(Path(sys.argv[1]))
discom, account_no, word = sys.argv[2:5]
out = {}

def status():
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) * 1024
    return fields

async def work(pilot):
    from kiosk.services.lookup import find_account, search_name
    from kiosk.services.payments import PaymentRequest, record_payment
    from kiosk.services.printing import slip_print_state

    station = pilot.app.station
    while not station.started:
        await pilot.pause(0.01)
    out["open"] = status()
    hit = await station.call(find_account, discom, account_no)
    found = await station.call(search_name, word)
    request = PaymentRequest(
        discom=discom, account_no=account_no, amount_paise=50_000, mode="upi",
        operator_id="bench", utr=str(500_000_000_000 + int(account_no[-6:])),
    )
    paid = await station.call(record_payment, request, confirm_second=True)
    station.wake_printer()
    state = None
    for _ in range(600):
        state = await station.call(slip_print_state, paid.receipt_no)
        if state == "printed":
            break
        await pilot.pause(0.05)
    out.update(found_account=hit is not None, found_names=len(found), slip=state)
    out["end"] = status()
    pilot.app.exit()

app.run(headless=True, auto_pilot=work)
out["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
out["final"] = status()
print("RSS " + json.dumps(out))
"""


@dataclass(frozen=True)
class Memory:
    """Bytes: peak RSS over the whole process, and RSS once the counter was open."""

    peak: int
    ru_maxrss: int
    at_open: int
    found_account: bool
    found_names: int
    slip: str | None

    @property
    def peak_mb(self) -> float:
        return self.peak / 1e6


def write_config(folder: Path, data_dir: Path) -> Path:
    """A counter config as at a counter: central set (unreachable), file printer."""
    config = folder / "kiosk.toml"
    config.write_text(
        "[counter]\n"
        'id = "CSC-BENCH-01"\nname = "Benchmark counter"\ndiscoms = ["MVVNL", "PVVNL",'
        ' "DVVNL", "PuVVNL", "KESCO"]\n'
        "[central]\n"
        'url = "http://127.0.0.1:9"\ntoken = "bench-token"\n'
        "[storage]\n"
        f"data_dir = {str(data_dir)!r}\n"
        "[printer]\n"
        'kind = "file"\n'
        f"file_path = {str(folder / 'receipts.bin')!r}\n",
        encoding="utf-8",
    )
    return config


def prepare(n: int) -> Path:
    """The kept counter folder with ``n`` cached consumers; returns its config file.

    Built by the lookup benchmark's builder (its kept file reused when there), then copied
    so the lookup file is never written by a counter."""
    folder = Path(tempfile.gettempdir()) / "kiosk-benchmarks" / f"rss-{n}"
    data = folder / "data"
    db = data / DATABASE_NAME
    if not db.exists():
        source = lookup.default_path(n)
        lookup.build(source, n)
        data.mkdir(parents=True, mode=0o700, exist_ok=True)
        partial = data / (DATABASE_NAME + ".copying")
        shutil.copyfile(source, partial)
        partial.rename(db)
    return write_config(folder, data)


def pick(db: Path, seed: int | None = None) -> tuple[str, str, str]:
    """A random cached consumer (discom, account number) and a word of a name to search."""
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM consumers").fetchone()[0]
        while True:
            row = conn.execute(
                "SELECT discom, account_no, name FROM consumers WHERE id = ?",
                (rng.randint(1, top),),
            ).fetchone()
            if row is not None:
                return row[0], row[1], rng.choice(row[2].split())
    finally:
        conn.close()


def measure_process(config: Path, discom: str, account_no: str, word: str) -> Memory:
    """Start the counter in a fresh process, do the three actions, read its memory."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(config), discom, account_no, word],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RSS ")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"the counter did not run cleanly:\n{result.stderr[-3000:]}")
    out = json.loads(lines[-1][4:])
    return Memory(
        peak=max(out["final"]["VmHWM"], out["ru_maxrss"]),
        ru_maxrss=out["ru_maxrss"],
        at_open=out["open"]["VmRSS"],
        found_account=out["found_account"],
        found_names=out["found_names"],
        slip=out["slip"],
    )


def measure(n: int) -> tuple[Memory, Memory]:
    """Peak memory with ``n`` cached consumers, and with an empty cache (a new counter)."""
    config = prepare(n)
    discom, account_no, word = pick(config.parent / "data" / DATABASE_NAME)
    full = measure_process(config, discom, account_no, word)
    if not full.found_account or not full.found_names or full.slip != "printed":
        raise SystemExit(f"the counter's actions did not all succeed: {full}")
    with tempfile.TemporaryDirectory() as tmp:
        empty = measure_process(
            write_config(Path(tmp), Path(tmp) / "data"), discom, account_no, word
        )
    return full, empty


def run(quick: bool) -> list[Figure]:
    """The headline figure for ``python -m benchmarks`` (``quick``: 50,000 consumers)."""
    n = lookup.QUICK_CONSUMERS if quick else FULL_CONSUMERS
    full, empty = measure(n)
    return [
        Figure(
            f"kiosk peak RSS, {n:,}-consumer cache open" + (" (quick: not 1M)" if quick else ""),
            f"{full.peak_mb:.1f} MB",
            f"< {TARGET_MB:g} MB",
            full.peak_mb < TARGET_MB,
            f"empty cache {empty.peak_mb:.1f} MB (+{full.peak_mb - empty.peak_mb:.1f})",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=FULL_CONSUMERS)
    parser.add_argument(
        "--quick", action="store_true", help=f"{lookup.QUICK_CONSUMERS:,} consumers (CI)"
    )
    args = parser.parse_args()
    n = lookup.QUICK_CONSUMERS if args.quick else args.consumers
    full, empty = measure(n)
    print(f"kiosk memory: counter_app started headless in a fresh process, {n:,} cached")
    print("consumers; a lookup by account, a name search, a UPI payment and its receipt printed")
    print(f"{'cache':<26}{'peak RSS MB':>12}{'ru_maxrss MB':>14}{'RSS at open MB':>16}")
    for label, m in ((f"{n:,} consumers", full), ("empty (new counter)", empty)):
        print(f"{label:<26}{m.peak / 1e6:>12.1f}{m.ru_maxrss / 1e6:>14.1f}{m.at_open / 1e6:>16.1f}")
    print(f"name search found {full.found_names}; receipt {full.slip}")
    verdict = "met" if full.peak_mb < TARGET_MB else "NOT met"
    print(f"target peak RSS < {TARGET_MB:g} MB (10^6 bytes): {full.peak_mb:.1f} MB, {verdict}")


if __name__ == "__main__":
    main()
