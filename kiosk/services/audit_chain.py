"""Checking the audit log's hash chain, so a row edited, removed or forged outside the app
(a plain ``sqlite3`` session with the triggers dropped) is found and named by its id.

Each row's ``hash`` is :func:`kiosk.services.recording.audit_hash` of its own fields and
the previous row's hash; the first row follows :data:`GENESIS_HASH`. The check walks the
rows in id order and stops at the first one that does not fit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.services.recording import GENESIS_HASH, audit_hash

HASH_MISMATCH = "hash mismatch"
PREV_MISMATCH = "previous-hash mismatch"
GAP = "gap"


@dataclass(frozen=True)
class AuditBreak:
    """The first row that does not fit the chain, and why (one of the constants above)."""

    row_id: int
    problem: str
    explanation: str


@dataclass(frozen=True)
class AuditCheck:
    rows: int
    broken: AuditBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_audit_chain(conn: sqlite3.Connection) -> AuditCheck:
    """Walk the whole chain oldest first; report the first broken row (None when intact).

    Ids come from ``INTEGER PRIMARY KEY`` and rows are never deleted by the app, so a
    missing id between two rows means a row was removed: reported as a gap even when
    someone re-chained the rows after it. Rows cut from the END leave a shorter chain that
    still fits: the count in the report is what a supervisor compares with an earlier one.
    """
    expected_prev = GENESIS_HASH
    last_id = 0  # the first row is id 1: a missing first row is a gap too
    rows = 0
    cursor = conn.execute(
        "SELECT id, at, operator_id, action, ref, detail, prev_hash, hash"
        " FROM audit_log ORDER BY id"
    )
    for row_id, at, operator_id, action, ref, detail, prev_hash, digest in cursor:
        rows += 1
        if row_id != last_id + 1:
            missing = f"row {last_id + 1}"
            if row_id > last_id + 2:
                missing = f"rows {last_id + 1}..{row_id - 1}"
            why = f"{missing} missing before row {row_id}"
            return AuditCheck(rows, AuditBreak(row_id, GAP, why))
        if prev_hash != expected_prev:
            why = "its previous hash is not the hash of the row before it"
            return AuditCheck(rows, AuditBreak(row_id, PREV_MISMATCH, why))
        fields = (at, operator_id, action, ref, detail)
        if None in fields or digest != audit_hash(prev_hash, *fields):
            why = "its hash does not match its contents (the row was changed)"
            return AuditCheck(rows, AuditBreak(row_id, HASH_MISMATCH, why))
        expected_prev = digest
        last_id = row_id
    return AuditCheck(rows, None)
