"""Shifts: every payment belongs to the counter's open shift; one opens on first use."""

from __future__ import annotations

from datetime import datetime

from kiosk.services.counter import Counter


def open_shift_id(counter: Counter, operator_id: str, now: datetime) -> int:
    """The counter's open shift, opened now if there is none (inside the action)."""
    row = counter.conn.execute(
        "SELECT id FROM shifts WHERE counter_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
        (counter.counter_id,),
    ).fetchone()
    if row is not None:
        return int(row[0])
    cursor = counter.conn.execute(
        "INSERT INTO shifts (counter_id, operator_id, opened_at, status) VALUES (?, ?, ?, 'open')",
        (counter.counter_id, operator_id, now.isoformat()),
    )
    return int(cursor.lastrowid or 0)
