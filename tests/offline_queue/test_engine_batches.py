"""Batches that grow with a backlog, and changes pages read as the application's records."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

import httpx
from pydantic import BaseModel, ConfigDict, Field

from offline_queue import outbox
from offline_queue.engine import SyncEngine

NOW = datetime(2026, 1, 15, 6, 30, tzinfo=UTC).isoformat()


def _enqueue(conn: sqlite3.Connection, n: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    for _ in range(n):
        event = {"event_id": str(uuid.uuid4()), "type": "test.event", "payload": {}}
        outbox.enqueue(conn, event, now=1.0)
    conn.execute("COMMIT")


class Central:
    """Accepts every event; ``refuse_over`` answers 413 to a larger batch."""

    def __init__(self, refuse_over: int | None = None) -> None:
        self.sizes: list[int] = []
        self.refuse_over = refuse_over

    def __call__(self, request: httpx.Request) -> httpx.Response:
        events = json.loads(request.content)["events"]
        self.sizes.append(len(events))
        if self.refuse_over is not None and len(events) > self.refuse_over:
            problem = {"code": "too_large", "detail": "events: too many", "server_time": NOW}
            return httpx.Response(413, json=problem)
        results = [
            {"event_id": e["event_id"], "status": "accepted", "refs": {}, "received_at": NOW}
            for e in events
        ]
        return httpx.Response(200, json={"server_time": NOW, "results": results})


def _engine(connect: Callable[[], sqlite3.Connection], central: Central, **kw) -> SyncEngine:
    return SyncEngine(
        connect=connect,
        base_url="http://central.test",
        token="t",
        transport=httpx.MockTransport(central),
        **kw,
    )


def test_a_backlog_goes_in_batches_that_double_up_to_the_maximum(connect, conn) -> None:
    _enqueue(conn, 1000)
    central = Central()
    engine = _engine(connect, central, batch_size=50, max_batch_size=300)
    report = engine.sync_once()
    engine.close()
    assert (report.accepted, report.remaining) == (1000, 0)
    assert central.sizes == [50, 100, 200, 300, 300, 50]


def test_a_maximum_equal_to_the_batch_size_keeps_batches_fixed(connect, conn) -> None:
    _enqueue(conn, 7)
    central = Central()
    engine = _engine(connect, central, batch_size=1, max_batch_size=1)
    assert engine.sync_once().accepted == 7
    engine.close()
    assert central.sizes == [1] * 7


def test_slow_replies_keep_the_configured_batch(connect, conn) -> None:
    _enqueue(conn, 120)
    central = Central()
    # Every reply counts as slow: a quarter of this read timeout is no time at all.
    engine = _engine(connect, central, batch_size=50, read_timeout_s=1e-9)
    assert engine.sync_once().accepted == 120
    engine.close()
    assert central.sizes == [50, 50, 20]


def test_after_the_central_refuses_a_batch_as_too_large_it_stops_growing(connect, conn) -> None:
    _enqueue(conn, 500)
    central = Central(refuse_over=150)
    engine = _engine(connect, central, batch_size=50)
    report = engine.sync_once()
    engine.close()
    assert (report.accepted, report.rejected, report.remaining) == (500, 0, 0)
    assert central.sizes == [50, 100, 200, 100, 50, 50, 50, 50, 50]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    value: Annotated[int, Field(ge=0)]


def _changes(records: list[dict]) -> httpx.MockTransport:
    page = {"server_time": NOW, "records": records, "next_cursor": "7", "has_more": False}
    return httpx.MockTransport(lambda request: httpx.Response(200, json=page))


def _pull(connect, records: list[dict], **kw) -> list:
    got: list = []
    engine = SyncEngine(
        connect=connect,
        base_url="http://central.test",
        token="t",
        transport=_changes(records),
        apply_changes=lambda conn, page: got.extend(page),
        **kw,
    )
    report = engine.sync_once()
    engine.close()
    assert report.error is None
    assert outbox.get_meta(connect(), "cursor:consumers") == "7"
    return got


def test_a_record_model_gets_the_records_validated(connect) -> None:
    records = [{"key": "a", "value": 1}, {"key": "b", "value": 2}]
    assert _pull(connect, records, record_model=Record) == [
        Record(key="a", value=1),
        Record(key="b", value=2),
    ]
    assert _pull(connect, records) == records  # without one: the dicts as sent


def test_a_bad_record_is_skipped_and_the_others_are_applied(connect, caplog) -> None:
    records = [{"key": "a", "value": 1}, {"key": "b", "value": -5}, {"key": "c", "value": 3}]
    with caplog.at_level(logging.WARNING, logger="offline_queue.sync"):
        got = _pull(connect, records, record_model=Record)
    assert got == [Record(key="a", value=1), Record(key="c", value=3)]
    assert "skipped a record" in caplog.text
    assert "-5" not in caplog.text
