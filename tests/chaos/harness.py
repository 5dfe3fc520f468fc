"""Running the killable counter (tests/sync/killable_counter.py) round after round, SIGKILLed.

A round starts a counter process, lets it commit a random number of payments, waits a
random few milliseconds more (so the kill lands mid-payment, mid-sync or mid-print) and
SIGKILLs it; the next round starts a new process on the same database. The processes are
forked by the killable counter's fork server, which loaded the code once: a restart costs
milliseconds, not the second of a cold start, so CI can afford many rounds.

Every random choice comes from one seed: ``KIOSK_CHAOS_SEED`` replays a failing run (the
seed is in every failure message). The processes' own timing is not replayable, so a
replay repeats the faults and the kill points, not every interleaving.
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
    """A whole-number knob from the environment (CI runs the defaults)."""
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
    read_timeout_s: float = 15.0,
    name: str = "kiosk.toml",
) -> Path:
    """A kiosk.toml for the child: its data folder, the central (or none), the printer.

    ``name`` lets a second config share the data folder (the chaos counter's short read
    timeout, the final clean sync's normal one)."""
    central = (
        f'[central]\nurl = "{central_url}"\ntoken = "{token}"\nbatch_size = 3\n'
        f"read_timeout_s = {read_timeout_s}\n"
        if central_url
        else ""
    )
    path = tmp_path / name
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
    while_running: Callable[[int], None] | None = None,
) -> None:
    """Start, let pay, SIGKILL; ``rounds`` times at least and until ``payments`` were reported.

    Payments are reported on stdout as they commit; a counter that stops reporting for
    ``READ_TIMEOUT_S`` or ends by itself fails the test with its stderr.
    ``while_running(round_no)`` runs once a round, just after the counter started (the
    central changing consumers while the counter syncs).
    """
    per_round = max(1, payments // rounds)
    batch = per_round * 20  # accounts of its own (no "already paid today"); never runs out
    err_path = config.parent / "counters.err"
    with err_path.open("w") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.killable_counter", "--fork-server"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert server.stdin is not None
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(server, lines), daemon=True)
    reader.start()

    def next_line(round_no: int) -> str:
        try:
            line = lines.get(timeout=READ_TIMEOUT_S)
        except queue.Empty:
            raise AssertionError(run.why(f"round {round_no}: the counter is stuck")) from None
        if line == "" or line.startswith("exit "):  # only a crash ends a counter by itself
            raise AssertionError(
                run.why(
                    f"round {round_no}: the counter died ({line or 'no output'}):\n"
                    + err_path.read_text()[-3000:]
                )
            )
        return line

    round_no = 0
    try:
        while round_no < rounds or len(run.reported) < payments:
            args = [str(config), str(round_no * batch), str(batch), *extra_args]
            server.stdin.write(" ".join(args) + "\n")
            server.stdin.flush()
            while not (line := next_line(round_no)).startswith("pid "):
                _record(run, line)  # the last counter's final lines, before it died
            pid = int(line.split()[1])
            target = rng.randint(max(1, per_round // 2), per_round * 3 // 2 + 1)
            linger = rng.uniform(0.0, 0.04)
            try:
                if while_running is not None:
                    while_running(round_no)
                seen = 0
                while seen < target:
                    if _record(run, next_line(round_no)):
                        seen += 1
                threading.Event().wait(linger)
            finally:
                _kill(pid)
            run.kills += 1
            round_no += 1
        server.stdin.close()  # the server ends; read what the last counter said
        reader.join(timeout=10)
        for line in _drain(lines):
            _record(run, line)
    finally:
        with contextlib.suppress(ProcessLookupError):
            server.kill()
        server.wait(timeout=10)


def _record(run: Run, line: str) -> bool:
    if not line.startswith("paid "):
        return False
    assert len(line.split()) == 4, repr(line)
    _, index, receipt, paise = line.split()
    run.reported[int(index)] = (receipt, int(paise))
    return True


def _kill(pid: int) -> None:
    """SIGKILL a counter and wait until it is gone (the server's kernel reaps it)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
        for _ in range(1000):
            os.kill(pid, 0)
            threading.Event().wait(0.005)
        raise AssertionError(f"counter {pid} survived SIGKILL")


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
