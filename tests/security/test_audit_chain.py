"""The audit log's hash chain: intact after real actions, and a row changed, forged or
removed behind the app's back (plain sqlite3, triggers dropped) is named by its id, by the
service and by ``kiosk audit verify`` (exit 1), which a supervisor runs with their PIN.

The staff are signed up first (``add_cli_staff``), so their rows open the log and the
payments' rows are found by action, not by a fixed id."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.services.audit_chain import GAP, HASH_MISMATCH, PREV_MISMATCH, verify_audit_chain
from kiosk.services.recording import audit_hash
from kiosk.services.runtime import DATABASE_NAME, open_counter
from tests.support.cli_staff import OPERATOR, SUPERVISOR, add_cli_staff, run_as

PAY = ["pay", "--account", "MVVNL:1234567890", "--mode", "cash", "--no-print", "--confirm-second"]


def _pay(config: str, times: int) -> None:
    for n in range(times):
        assert main(["--config", config, *PAY, "--amount", f"{100 + n}"], out=io.StringIO()) == 0


@pytest.fixture
def config(cli_config: str) -> str:
    add_cli_staff(cli_config)
    return cli_config


def _verify(monkeypatch: pytest.MonkeyPatch, config: str, who: str = SUPERVISOR) -> tuple[int, str]:
    out = io.StringIO()
    code = run_as(monkeypatch, config, who, "audit", "verify", out=out)
    return code, out.getvalue()


def _payment_rows(tmp_path: Path) -> list[int]:
    return [row[0] for row in _rows(tmp_path) if row[1] == "payment.bill"]


def _tamper(tmp_path: Path, *statements: str) -> None:
    """What someone with the file and the sqlite3 shell can do: drop the append-only
    triggers, then change rows directly."""
    conn = sqlite3.connect(tmp_path / "data" / DATABASE_NAME, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER audit_log_append_only_update")
        conn.execute("DROP TRIGGER audit_log_append_only_delete")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def _rows(tmp_path: Path) -> list[tuple[int, str, str]]:
    conn = sqlite3.connect(tmp_path / "data" / DATABASE_NAME)
    try:
        return conn.execute("SELECT id, action, hash FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_clean_chain_is_ok_with_its_row_count(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pay(config, 3)
    rows = _rows(tmp_path)
    assert [r[1] for r in rows][-3:] == ["payment.bill"] * 3
    # The supervisor's sign-in is on record (and in the chain) before the check runs.
    assert _verify(monkeypatch, config) == (0, f"ok ({len(rows) + 1} rows)\n")
    assert _rows(tmp_path)[-1][1] == "operator.command"


def test_an_empty_log_is_ok(cli_config: str) -> None:
    counter = open_counter(load_settings(Path(cli_config)))  # no staff: nothing audited yet
    try:
        check = verify_audit_chain(counter.conn)
    finally:
        counter.conn.close()
    assert (check.rows, check.broken) == (0, None)


def test_only_a_supervisor_or_an_admin_with_their_pin_verifies(
    config: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _verify(monkeypatch, config, OPERATOR) == (2, "")
    assert "op1 is an operator: verifying the audit log" in capsys.readouterr().err
    out = io.StringIO()
    assert run_as(monkeypatch, config, SUPERVISOR, "audit", "verify", pin="9999", out=out) == 2
    assert (out.getvalue(), capsys.readouterr().err.split(": ", 2)[2][:27]) == (
        "",
        "operator id or PIN is wrong",
    )


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE audit_log SET detail = json_set(detail, '$.amount_paise', 1) WHERE id = {}",
            HASH_MISMATCH,
        ),
        ("UPDATE audit_log SET operator_id = 'someone' WHERE id = {}", HASH_MISMATCH),
        ("UPDATE audit_log SET hash = '" + "f" * 64 + "' WHERE id = {}", HASH_MISMATCH),
        ("UPDATE audit_log SET prev_hash = '" + "e" * 64 + "' WHERE id = {}", PREV_MISMATCH),
        ("DELETE FROM audit_log WHERE id = {}", GAP),
    ],
    ids=["detail", "operator", "hash", "prev-hash", "deleted-middle-row"],
)
def test_a_row_changed_behind_the_apps_back_is_caught_at_its_id(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statement: str, problem: str
) -> None:
    _pay(config, 3)
    _first, second, third = _payment_rows(tmp_path)
    _tamper(tmp_path, statement.format(second))
    code, text = _verify(monkeypatch, config)
    # A changed row breaks at itself, a deleted one at the row after the gap.
    at = third if problem == GAP else second
    assert code == 1
    assert text.startswith(f"broken at row {at}: {problem}: ")
    conn = sqlite3.connect(tmp_path / "data" / DATABASE_NAME)
    try:
        check = verify_audit_chain(conn)
    finally:
        conn.close()
    assert check.broken is not None and (check.broken.row_id, check.broken.problem) == (at, problem)


def test_a_rehashed_forgery_still_breaks_the_next_row(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rewriting a row AND its hash (but not the rest of the chain) is caught at the next row."""
    _pay(config, 3)
    _first, second, third = _payment_rows(tmp_path)
    conn = sqlite3.connect(tmp_path / "data" / DATABASE_NAME, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER audit_log_append_only_update")
        row = conn.execute(
            "SELECT prev_hash, at, operator_id, action, ref, detail FROM audit_log WHERE id = ?",
            (second,),
        ).fetchone()
        forged = audit_hash(row[0], row[1], "someone-else", row[3], row[4], row[5])
        conn.execute(
            "UPDATE audit_log SET operator_id = 'someone-else', hash = ? WHERE id = ?",
            (forged, second),
        )
        check = verify_audit_chain(conn)
    finally:
        conn.close()
    assert check.broken is not None
    assert (check.broken.row_id, check.broken.problem) == (third, PREV_MISMATCH)
    assert _verify(monkeypatch, config)[0] == 1


def test_a_missing_first_row_is_a_gap(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pay(config, 2)
    _tamper(tmp_path, "DELETE FROM audit_log WHERE id = 1")
    code, text = _verify(monkeypatch, config)
    assert (code, text.split(":")[0]) == (1, "broken at row 2")
    assert GAP in text
