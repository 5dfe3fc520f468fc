"""Gap-free local numbers (receipts, complaints, registrations) per counter, day and kind.

The counter's number is taken inside the same transaction that writes the record, so a
rolled-back action hands the same number to the next one: receipt books have no holes,
and numbering never waits for the network.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from kiosk.store.errors import StoreError

_NEXT = """
INSERT INTO number_sequences (counter_id, day, kind, last_seq) VALUES (?, ?, ?, 1)
ON CONFLICT (counter_id, day, kind) DO UPDATE SET last_seq = last_seq + 1
RETURNING last_seq
"""


def next_number(conn: sqlite3.Connection, counter_id: str, day: date, kind: str) -> int:
    """The next number (1, 2, 3 ...) for this counter, day and kind, e.g. ``"receipt"``.

    Must run inside the transaction that writes the numbered record; outside one the
    number would be spent even if the record then failed.
    """
    if not conn.in_transaction:
        raise StoreError("next_number() must run inside the transaction that uses the number")
    if not counter_id or not kind:
        raise StoreError("next_number() needs a counter id and a kind")
    rows = conn.execute(_NEXT, (counter_id, day.isoformat(), kind)).fetchall()
    return int(rows[0][0])
