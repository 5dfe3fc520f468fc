"""The central's references for an event, once it has synced (else None)."""

from __future__ import annotations

import sqlite3

from offline_queue import outbox


def central_ref(conn: sqlite3.Connection, event_id: str | None, key: str) -> str | None:
    if not event_id:
        return None
    found = outbox.result_of(conn, event_id)
    if found is None or found[0] != "synced":
        return None
    return found[1].get(key)
