"""A fake central that answers wrongly, hugely, slowly or elsewhere: the kiosk's sync engine
and lookup client must neither crash nor hang past their timeouts, must keep every outbox
event pending (nothing marked synced or dead on a bad reply) and must say plainly why."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.services.central_client import CentralClient, CentralUnavailable
from offline_queue import outbox
from offline_queue.engine import CURSOR_KEY, SyncEngine
from tests.fuzz.hostile_central import REPLIES, HostileCentral
from tests.offline_queue.sqlite_helpers import open_db

HOSTILE = sorted(set(REPLIES) - {"slow but steady", "busy then short"})
TIMEOUT_S = 1.0
# Everything must be over within a few timeouts (connect, read, the whole reply).
BOUND_S = 4 * TIMEOUT_S + 1.0
PLAIN_STARTS = ("the central", "the connection to the central", "cannot reach", "no answer")


@pytest.fixture
def central() -> Iterator[HostileCentral]:
    with HostileCentral() as fake:
        yield fake


@pytest.fixture
def connect(tmp_path: Path) -> Callable[[], sqlite3.Connection]:
    def _connect() -> sqlite3.Connection:
        conn = open_db(tmp_path / "counter.db")
        outbox.install(conn)
        return conn

    return _connect


def _enqueue(conn: sqlite3.Connection, n: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(n)]
    conn.execute("BEGIN IMMEDIATE")
    for event_id in ids:
        outbox.enqueue(conn, {"event_id": event_id, "type": "payment", "payload": {}}, now=1.0)
    conn.execute("COMMIT")
    return ids


def _statuses(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    return conn.execute("SELECT event_id, status, synced_at IS NULL FROM outbox").fetchall()


def _engine(connect: Callable[[], sqlite3.Connection], url: str, **kw: object) -> SyncEngine:
    return SyncEngine(
        connect=connect,
        base_url=url,
        token="t",
        connect_timeout_s=TIMEOUT_S,
        read_timeout_s=TIMEOUT_S,
        **kw,  # type: ignore[arg-type]
    )


def _assert_plain(message: str | None) -> None:
    assert message, "a failed sync must say why"
    assert message.startswith(PLAIN_STARTS), message
    assert "Traceback" not in message and "\n" not in message


@pytest.mark.parametrize("reply", HOSTILE)
def test_a_bad_reply_to_a_push_keeps_every_event_pending(reply, central, connect) -> None:
    central.reply = reply
    conn = connect()
    ids = _enqueue(conn, 3)
    engine = _engine(connect, central.url)
    started = time.monotonic()
    report = engine.sync_once()
    elapsed = time.monotonic() - started
    engine.close()
    assert elapsed < BOUND_S, f"{reply}: sync took {elapsed:.1f} s"
    assert sorted(_statuses(conn)) == sorted((i, "pending", 1) for i in ids)
    assert (report.accepted, report.duplicate, report.rejected, report.remaining) == (0, 0, 0, 3)
    if report.error is None:
        # The reply read as a batch but named none of the events: each is kept with why.
        errors = {row[0] for row in conn.execute("SELECT last_error FROM outbox")}
        assert errors == {"no result in the central's reply"}
    else:
        _assert_plain(report.error)
        _assert_plain(engine.state.last_error)
        assert engine.state.next_retry_at is not None


@pytest.mark.parametrize("reply", HOSTILE)
def test_a_bad_changes_page_stores_nothing_and_keeps_the_cursor(reply, central, connect) -> None:
    central.reply = reply
    conn = connect()
    conn.execute("BEGIN IMMEDIATE")
    outbox.set_meta(conn, CURSOR_KEY, "c-41")
    conn.execute("COMMIT")
    stored: list[object] = []
    engine = _engine(connect, central.url, apply_changes=lambda _c, records: stored.extend(records))
    started = time.monotonic()
    report = engine.sync_once()
    elapsed = time.monotonic() - started
    engine.close()
    assert elapsed < BOUND_S, f"{reply}: pull took {elapsed:.1f} s"
    assert (stored, report.pulled) == ([], 0)
    assert outbox.get_meta(conn, CURSOR_KEY) == "c-41"
    _assert_plain(report.error)
    _assert_plain(engine.state.last_error)


@pytest.mark.parametrize("reply", ["drip", "huge", "redirect", "html"])
def test_a_bad_health_reply_is_offline_in_words(reply, central, connect) -> None:
    central.reply = reply
    engine = _engine(connect, central.url)
    started = time.monotonic()
    state = engine.check()
    engine.close()
    assert time.monotonic() - started < BOUND_S
    _assert_plain(state.last_error)


def test_a_redirect_to_another_host_is_not_followed(central, connect) -> None:
    with HostileCentral("missing fields") as elsewhere:
        central.reply = "redirect"
        central.redirect_to = elsewhere.url
        conn = connect()
        _enqueue(conn, 2)
        engine = _engine(connect, central.url)
        report = engine.sync_once()
        engine.close()
        client = CentralClient(central.url, "t", timeout_s=TIMEOUT_S)
        with pytest.raises(CentralUnavailable, match="HTTP 307"):
            client.consumer("MVVNL", "1234567890")
        client.close()
        assert elsewhere.requests == []
    assert report.error == "the central answered HTTP 307; check central.url"
    assert {row[1] for row in _statuses(conn)} == {"pending"}


def test_a_reply_over_the_size_limit_is_cut_off(central, connect, monkeypatch) -> None:
    """The engine reads at most MAX_REPLY_BYTES: a body beyond it is abandoned, not kept."""
    monkeypatch.setattr("offline_queue.engine.MAX_REPLY_BYTES", 1024 * 1024)
    central.reply = "huge"
    conn = connect()
    _enqueue(conn, 1)
    engine = _engine(connect, central.url)
    report = engine.sync_once()
    engine.close()
    assert report.error == "the central's reply was too large to be real"
    assert {row[1] for row in _statuses(conn)} == {"pending"}


LOOKUPS: dict[str, Callable[[CentralClient], object]] = {
    "consumer": lambda c: c.consumer("MVVNL", "1234567890"),
    "by mobile": lambda c: c.consumers_by_mobile("9876543210"),
    "complaint": lambda c: c.complaint("CMP-1"),
    "day summary": lambda c: c.day_summary("CSC-LKO-0001", date(2026, 1, 15)),
    "upi intent": lambda c: c.upi_intent("KSK-1"),
    "register intent": lambda c: c.register_upi_intent("KSK-1", "MVVNL", "1234567890", 100_00),
}


@pytest.mark.parametrize("reply", HOSTILE)
def test_the_lookup_client_answers_or_says_unavailable_in_time(reply, central) -> None:
    central.reply = reply
    client = CentralClient(central.url, "t", timeout_s=TIMEOUT_S)
    # A slow or huge reply costs seconds each: a GET shows the drip (GET and POST share the
    # reading), a GET and a POST the huge body.
    calls = {"drip": ["consumer"], "huge": ["consumer", "register intent"]}.get(
        reply, sorted(LOOKUPS)
    )
    try:
        for name in calls:
            started = time.monotonic()
            try:
                answer = LOOKUPS[name](client)
            except CentralUnavailable as exc:
                _assert_plain(str(exc))
            else:
                # Only an empty answer may come out of a bad reply, never made-up data; a
                # complaint or a day summary is passed on as a dict its caller checks.
                loose = name in ("complaint", "day summary") and isinstance(answer, dict)
                assert answer in (None, []) or loose, f"{reply} / {name}: {answer!r}"
            elapsed = time.monotonic() - started
            assert elapsed < BOUND_S, f"{reply} / {name}: {elapsed:.1f} s"
    finally:
        client.close()


def test_a_slow_but_steady_page_is_not_cut_off(central, connect) -> None:
    """The drip guard gives up only on a trickle: 20 kB/s for three read timeouts is read."""
    central.reply = "slow but steady"
    conn = connect()
    engine = SyncEngine(
        connect=connect,
        base_url=central.url,
        token="t",
        read_timeout_s=0.5,
        apply_changes=lambda _c, _records: None,
    )
    report = engine.sync_once()
    engine.close()
    assert report.error is None
    assert outbox.get_meta(conn, CURSOR_KEY) == "c-42"


def test_a_busy_central_with_a_short_reply_is_not_taken_for_a_drip(central, connect) -> None:
    """The drip guard counts from the headers: waiting for them is the read timeout's job."""
    central.reply = "busy then short"
    conn = connect()
    engine = _engine(connect, central.url, apply_changes=lambda _c, _records: None)
    report = engine.sync_once()
    engine.close()
    assert report.error is None
    assert outbox.get_meta(conn, CURSOR_KEY) == "c-43"
