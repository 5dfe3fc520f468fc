"""A counter process killed mid-sync loses nothing and doubles nothing; the sync CLI."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.cli import main as kiosk_main
from tests.support.fault_proxy import FaultProxy
from tests.support.live_central import LiveCentral

ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, url: str, central: LiveCentral) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        "[counter]\n"
        f'id = "{central.counter_id}"\nname = "Kill test"\ndiscoms = ["MVVNL"]\n'
        '[operator]\ndefault_id = "op1"\n'
        f'[storage]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        f'[central]\nurl = "{url}"\ntoken = "{central.token}"\nbatch_size = 2\n',
        encoding="utf-8",
    )
    return path


def _central_totals(central: LiveCentral) -> tuple[int, int]:
    from datetime import UTC, datetime, timedelta, timezone

    day = datetime.now(UTC).astimezone(timezone(timedelta(hours=5, minutes=30))).date()
    body = httpx.get(
        f"{central.url}/v1/counters/{central.counter_id}/summary",
        params={"date": day.isoformat()},
        headers={"Authorization": f"Bearer {central.token}"},
    ).json()
    return int(body["payments"]), int(body["amount_paise"])


def _local_totals(tmp_path: Path) -> tuple[int, int]:
    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "kiosk.db") as conn:
        row = conn.execute("SELECT COUNT(*), SUM(amount_paise) FROM payments").fetchone()
    return int(row[0]), int(row[1] or 0)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_counter_killed_mid_sync_loses_and_doubles_nothing(tmp_path, live_central) -> None:
    proxy = FaultProxy(live_central.url).start()
    # Every push is slow, and some replies are lost after the central committed, so the
    # kills land mid-request, between commit and acknowledgement, and mid-write.
    proxy.script(["delay:0.2", "lose_reply", "delay:0.3", "", "lose_reply"] * 40)
    config = _config(tmp_path, proxy.url, live_central)
    rng = random.Random(7)
    start = 0
    try:
        for _round in range(5):
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.sync.killable_counter",
                    str(config),
                    str(start),
                    "40",
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert child.stdout is not None
            assert child.stdout.readline().startswith("paid")  # started and writing
            time.sleep(rng.random() * 1.5)
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
            start += 40
        proxy.faults.clear()  # the network is healthy again
        out = tmp_path / "out.txt"
        with out.open("w") as handle:
            code = kiosk_main(["--config", str(config), "sync", "--json"], out=handle)
    finally:
        proxy.stop()
    assert code == 0, out.read_text()
    local = _local_totals(tmp_path)
    assert local[0] > 0
    assert _central_totals(live_central) == local


def test_sync_cli_exits_3_while_events_remain_and_0_when_delivered(tmp_path, live_central) -> None:
    config = _config(tmp_path, live_central.url, live_central)
    out = tmp_path / "out.txt"
    with out.open("w") as handle:
        assert (
            kiosk_main(
                [
                    "--config",
                    str(config),
                    "pay",
                    "--account",
                    "MVVNL:1234567890",
                    "--amount",
                    "1234.50",
                    "--mode",
                    "cash",
                    "--json",
                ],
                out=handle,
            )
            == 0
        )
    paid = json.loads(out.read_text())
    assert paid["amount_paise"] == 123_450
    assert paid["receipt_no"].startswith(f"{live_central.counter_id}-")

    live_central.stop()
    with out.open("w") as handle:
        assert kiosk_main(["--config", str(config), "sync"], out=handle) == 3
    assert "1 waiting" in out.read_text()

    with out.open("w") as handle:
        assert kiosk_main(["--config", str(config), "status", "--json"], out=handle) == 0
    status = json.loads(out.read_text())
    assert status["online"] is False and status["pending"] == 1

    live_central.start()
    with out.open("w") as handle:
        assert kiosk_main(["--config", str(config), "sync"], out=handle) == 0
    with out.open("w") as handle:
        assert kiosk_main(["--config", str(config), "status", "--json"], out=handle) == 0
    status = json.loads(out.read_text())
    assert status["online"] is True
    assert status["pending"] == 0 and status["dead_lettered"] == 0
    assert status["last_sync_at"] is not None
    assert abs(status["clock_skew_s"]) < 5
    assert _central_totals(live_central) == (1, 123_450)
