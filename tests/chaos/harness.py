"""Running the killable counter (tests/sync/killable_counter.py) round after round, SIGKILLed.

A round starts the counter process, lets it commit a random number of payments, waits a
random few milliseconds more (so the kill lands mid-payment, mid-sync or mid-print) and
SIGKILLs it. Every random choice comes from one seed: ``KIOSK_CHAOS_SEED`` replays a
failing run (the seed is in every failure message). The child's own timing is not
replayable, so a replay repeats the faults and the kill points, not every interleaving.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ_TIMEOUT_S = 30.0  # a child that reports nothing for this long is stuck: fail, not hang


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def chaos_seed() -> int:
    """``KIOSK_CHAOS_SEED`` when set (to replay), else a fresh one."""
    return env_int("KIOSK_CHAOS_SEED", random.SystemRandom().randrange(1, 2**31))


def write_config(
    tmp_path: Path,
    *,
    counter_id: str,
    central_url: str = "",
    token: str = "",
    printer: str = "",
) -> Path:
    """A kiosk.toml for the child: its data folder, the central (or none), the printer."""
    central = (
        f'[central]\nurl = "{central_url}"\ntoken = "{token}"\nbatch_size = 3\n'
        if central_url
        else ""
    )
    path = tmp_path / "kiosk.toml"
    path.write_text(
        "[counter]\n"
        f'id = "{counter_id}"\nname = "Chaos test"\ndiscoms = ["MVVNL"]\n'
        '[operator]\ndefault_id = "op1"\n'
        f'[storage]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n' + central + printer,
        encoding="utf-8",
    )
    return path


@dataclass
class Run:
    """What the rounds did: payments the children reported committed, and the kills."""

    seed: int
    reported: dict[int, tuple[str, int]] = field(default_factory=dict)  # index: receipt, paise
    kills: int = 0
    errors: list[str] = field(default_factory=list)  # stderr of children that died by themselves

    def why(self, message: str) -> str:
        return f"{message} (replay with KIOSK_CHAOS_SEED={self.seed})"


def run_rounds(
    config: Path,
    run: Run,
    rng: random.Random,
    *,
    rounds: int,
    payments: int,
    extra_args: tuple[str, ...] = (),
    between: Callable[[int], None] | None = None,
) -> None:
    """Start, let pay, SIGKILL; ``rounds`` times at least and until ``payments`` were reported.

    ``between`` (a callable taking the round number) runs while the child is paying, e.g.
    to switch the printer off and on.
    """
    per_round = max(1, payments // rounds)
    batch = per_round * 3  # each child's accounts are its own: no "already paid today"

    def spawn(round_no: int) -> tuple[subprocess.Popen[str], Path]:
        err_path = config.parent / f"round-{round_no}.err"
        module = "tests.sync.killable_counter"
        args = [str(config), str(round_no * batch), str(batch), *extra_args]
        with err_path.open("w") as err:
            child = subprocess.Popen(
                [sys.executable, "-m", module, *args],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=os.environ | {"KIOSK_COUNTER_WAIT": "1"},
            )
        return child, err_path

    round_no = 0
    waiting = spawn(0)
    try:
        while round_no < rounds or len(run.reported) < payments:
            child, err_path = waiting
            assert child.stdin is not None
            child.stdin.write("go\n")  # the last counter is dead: this one opens the database
            child.stdin.flush()
            waiting = spawn(round_no + 1)  # loads its code while this one pays
            _one_round(child, err_path, run, rng, round_no, per_round, between)
            round_no += 1
    finally:
        _kill(waiting[0])


def _one_round(
    child: subprocess.Popen[str],
    err_path: Path,
    run: Run,
    rng: random.Random,
    round_no: int,
    per_round: int,
    between: Callable[[int], None] | None,
) -> None:
    target = rng.randint(max(1, per_round // 2), per_round * 3 // 2 + 1)
    linger = rng.uniform(0.0, 0.04)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(child, lines), daemon=True)
    reader.start()
    try:
        seen = 0
        while seen < target:
            try:
                line = lines.get(timeout=READ_TIMEOUT_S)
            except queue.Empty:
                raise AssertionError(run.why(f"round {round_no}: the counter is stuck")) from None
            if line == "":  # the child ended by itself: only a crash does that
                run.errors.append(err_path.read_text())
                raise AssertionError(
                    run.why(f"round {round_no}: the counter died:\n{run.errors[-1][-2000:]}")
                )
            if line.startswith("paid "):
                _record(run, line)
                seen += 1
                if between is not None:
                    between(round_no)
        threading.Event().wait(linger)
    finally:
        _kill(child)
        reader.join(timeout=5)
    for line in _drain(lines):  # printed just before the kill
        if line.startswith("paid "):
            _record(run, line)
    run.kills += 1


def _record(run: Run, line: str) -> None:
    _, index, receipt, paise = line.split()
    run.reported[int(index)] = (receipt, int(paise))


def _kill(child: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _pump(child: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert child.stdout is not None
    try:
        for line in child.stdout:
            lines.put(line.strip())
    except (OSError, ValueError):
        pass
    lines.put("")


def _drain(lines: queue.Queue[str]) -> list[str]:
    found = []
    while True:
        try:
            found.append(lines.get_nowait())
        except queue.Empty:
            return found


def local_payments(db: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT receipt_no, event_id, account_no, amount_paise, day FROM payments"
            " WHERE status = 'active' ORDER BY id"
        ).fetchall()


def check_local_payments(run: Run, rows: list[sqlite3.Row]) -> None:
    """Every reported payment is stored as reported; each account once; numbers gap-free.

    A kill can land after a commit and before its line is read: at most one such payment
    per kill may be stored without being reported.
    """
    stored = {row["receipt_no"]: int(row["amount_paise"]) for row in rows}
    for index, (receipt, paise) in run.reported.items():
        assert stored.get(receipt) == paise, run.why(f"payment {index} ({receipt}) is not stored")
    extra = len(rows) - len(run.reported)
    assert 0 <= extra <= run.kills, run.why(f"{extra} payments stored that were never reported")
    accounts = Tally(row["account_no"] for row in rows)
    twice = [account for account, n in accounts.items() if n > 1]
    assert not twice, run.why(f"accounts paid twice: {twice[:5]}")
    by_day: dict[str, list[int]] = {}
    for row in rows:
        by_day.setdefault(row["day"], []).append(int(row["receipt_no"].rsplit("-", 1)[1]))
    for day, numbers in by_day.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), run.why(
            f"receipt numbers of {day} have a gap or a repeat"
        )


def outbox_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
    return {"pending": 0, "synced": 0, "dead": 0} | {str(s): int(n) for s, n in rows}
