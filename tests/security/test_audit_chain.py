"""The audit log's hash chain: intact after real actions, and a row changed, forged or
removed behind the app's back (plain sqlite3, triggers dropped) is named by its id, by the
service and by ``kiosk audit verify`` (exit 1)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.services.audit_chain import GAP, HASH_MISMATCH, PREV_MISMATCH, verify_audit_chain
from kiosk.services.recording import audit_hash
from kiosk.services.runtime import DATABASE_NAME

PAY = ["pay", "--account", "MVVNL:1234567890", "--mode", "cash", "--no-print", "--confirm-second"]


def _pay(config: str, times: int) -> None:
    for n in range(times):
        assert main(["--config", config, *PAY, "--amount", f"{100 + n}"], out=io.StringIO()) == 0


def _verify(config: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--config", config, "audit", "verify"], out=out)
    return code, out.getvalue()


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


def test_a_clean_chain_is_ok_with_its_row_count(cli_config: str, tmp_path: Path) -> None:
    _pay(cli_config, 3)
    rows = _rows(tmp_path)
    assert [r[1] for r in rows] == ["payment.bill"] * 3
    assert _verify(cli_config) == (0, f"ok ({len(rows)} rows)\n")


def test_an_empty_log_is_ok(cli_config: str) -> None:
    assert _verify(cli_config) == (0, "ok (0 rows)\n")


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE audit_log SET detail = json_set(detail, '$.amount_paise', 1) WHERE id = 2",
            HASH_MISMATCH,
        ),
        ("UPDATE audit_log SET operator_id = 'someone' WHERE id = 2", HASH_MISMATCH),
        ("UPDATE audit_log SET hash = '" + "f" * 64 + "' WHERE id = 2", HASH_MISMATCH),
        ("UPDATE audit_log SET prev_hash = '" + "e" * 64 + "' WHERE id = 2", PREV_MISMATCH),
        ("DELETE FROM audit_log WHERE id = 2", GAP),
    ],
    ids=["detail", "operator", "hash", "prev-hash", "deleted-middle-row"],
)
def test_a_row_changed_behind_the_apps_back_is_caught_at_its_id(
    cli_config: str, tmp_path: Path, statement: str, problem: str
) -> None:
    _pay(cli_config, 3)
    _tamper(tmp_path, statement)
    code, text = _verify(cli_config)
    # A changed row breaks at itself, a deleted one at the row after the gap (id 3).
    at = 3 if problem == GAP else 2
    assert code == 1
    assert text.startswith(f"broken at row {at}: {problem}: ")
    conn = sqlite3.connect(tmp_path / "data" / DATABASE_NAME)
    try:
        check = verify_audit_chain(conn)
    finally:
        conn.close()
    assert check.broken is not None and (check.broken.row_id, check.broken.problem) == (at, problem)


def test_a_rehashed_forgery_still_breaks_the_next_row(cli_config: str, tmp_path: Path) -> None:
    """Rewriting a row AND its hash (but not the rest of the chain) is caught at the next row."""
    _pay(cli_config, 3)
    conn = sqlite3.connect(tmp_path / "data" / DATABASE_NAME, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER audit_log_append_only_update")
        row = conn.execute(
            "SELECT prev_hash, at, operator_id, action, ref, detail FROM audit_log WHERE id = 2"
        ).fetchone()
        forged = audit_hash(row[0], row[1], "someone-else", row[3], row[4], row[5])
        conn.execute(
            "UPDATE audit_log SET operator_id = 'someone-else', hash = ? WHERE id = 2", (forged,)
        )
        check = verify_audit_chain(conn)
    finally:
        conn.close()
    assert check.broken is not None
    assert (check.broken.row_id, check.broken.problem) == (3, PREV_MISMATCH)
    assert _verify(cli_config)[0] == 1


def test_a_missing_first_row_is_a_gap(cli_config: str, tmp_path: Path) -> None:
    _pay(cli_config, 2)
    _tamper(tmp_path, "DELETE FROM audit_log WHERE id = 1")
    code, text = _verify(cli_config)
    assert (code, text.split(":")[0]) == (1, "broken at row 2")
    assert GAP in text
