"""The one way a service writes: a transaction holding the record, its number, its outbox
event and its audit row, with the sync engine woken only after the commit.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.store.db import transaction
from kiosk.store.numbers import next_number
from offline_queue import outbox

if TYPE_CHECKING:  # the models load with the first action, not with the login screen
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")

GENESIS_HASH = "0" * 64


def validated(model: type[M], **data: Any) -> M:
    """Build a domain record; a refusal becomes InvalidInput naming the first bad field.

    ``include_input=False`` keeps what was typed (a mobile, an Aadhaar) out of the message.
    """
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or model.__name__.lower()
        message = first["msg"].removeprefix("Value error, ")
        prefix = f"{field}: "
        raise InvalidInput(field, message.removeprefix(prefix)) from None


@contextmanager
def operator_action(counter: Counter) -> Iterator[sqlite3.Connection]:
    """One operator action = one ``BEGIN IMMEDIATE`` transaction; wake the sync after it."""
    with transaction(counter.conn):
        yield counter.conn
    counter.committed()


def allocate(counter: Counter, day: date, kind: str) -> int:
    """The next gap-free number of ``kind`` for this counter and day (inside the action)."""
    return next_number(counter.conn, counter.counter_id, day, kind)


def receipt_number(counter: Counter, day: date) -> str:
    """``{counter_id}-{YYYYMMDD}-{seq:05d}``, never depending on the network."""
    return f"{counter.counter_id}-{day:%Y%m%d}-{allocate(counter, day, 'receipt'):05d}"


def local_number(counter: Counter, day: date, kind: str, letter: str) -> str:
    """A counter-made number for a complaint, registration or application, e.g.
    ``CSC-0001-C20261122-0003``; the central assigns its own when the event syncs."""
    return f"{counter.counter_id}-{letter}{day:%Y%m%d}-{allocate(counter, day, kind):04d}"


def emit(counter: Counter, payload: BaseModel, *, now: datetime, operator_id: str) -> str:
    """Queue the event reporting ``payload`` in the open transaction; returns its id."""
    from kiosk.domain.events import make_envelope  # the event models load with the first action

    envelope = make_envelope(
        payload,
        now=now,
        entropy=counter.entropy(10),
        counter_id=counter.counter_id,
        operator_id=operator_id,
    )
    outbox.enqueue(counter.conn, envelope.model_dump(mode="json"), now=now.timestamp())
    return str(envelope.event_id)


def audit(
    counter: Counter,
    *,
    now: datetime,
    operator_id: str,
    action: str,
    ref: str,
    detail: Mapping[str, Any] | None = None,
) -> str:
    """Append an audit row chained to the previous one by hash (tampering shows)."""
    conn = counter.conn
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row and row[0] else GENESIS_HASH
    at = now.isoformat()
    body = json.dumps(dict(detail or {}), sort_keys=True, ensure_ascii=False, default=str)
    digest = audit_hash(prev, at, operator_id, action, ref, body)
    conn.execute(
        "INSERT INTO audit_log (at, operator_id, action, ref, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, operator_id, action, ref, body, prev, digest),
    )
    return digest


def audit_hash(prev: str, at: str, operator_id: str, action: str, ref: str, body: str) -> str:
    text = "\x1f".join((prev, at, operator_id, action, ref, body))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
