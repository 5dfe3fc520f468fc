"""The sync engine: pushes the outbox to the central and pulls consumer changes back.

Delivery is at-least-once from here and exactly-once in effect, because the central keeps
the result of every ``event_id`` and answers a resend with the same result. So the engine
may always resend after any doubt (a timeout, a reset after the central committed, a
truncated reply) and never has to guess.

What must never happen (and what the design rules out):
- a duplicate after a lost reply: resends are safe by ``event_id``;
- an event stuck behind a bad one: the central rejects events one by one, rejected events
  go to the dead-letter list, and a whole-request refusal is split down to the one event
  that causes it;
- retries only on the next write: a timer thread retries on its own, with backoff and
  jitter, honouring ``Retry-After``;
- a blocked caller: :meth:`SyncEngine.start` runs everything in a background thread.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import random
import sqlite3
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, NoReturn

import httpx
from pydantic import BaseModel, ValidationError, create_model

from offline_queue import outbox
from offline_queue.backoff import backoff_delay, parse_retry_after, parse_server_time
from offline_queue.local_db import Unwritable, rollback, unwritable
from offline_queue.protocol import (
    MAX_BATCH,
    SERVER_TIME_HEADER,
    BatchResponse,
    ChangesResponse,
    Health,
    Problem,
)
from offline_queue.tls import UNTRUSTED_CERTIFICATE, is_untrusted_certificate, require_verification

log = logging.getLogger("offline_queue.sync")

CURSOR_KEY = "cursor:consumers"
MAX_PULL_PAGES = 200
# Records asked for per changes page. The kiosk stores a page of 2,500 consumer snapshots
# (about 4 MB of JSON) in one transaction of about 0.1 s: fewer round trips and commits
# than pages of 1,000, and the write lock is held no longer than a 1,000 page used to.
PULL_LIMIT = 2500
# The largest reply read: a page of 5,000 consumers is a few MB; anything far bigger is
# not a central's answer and must not exhaust a counter PC's memory.
MAX_REPLY_BYTES = 64 * 1024 * 1024  # per cycle: a huge first download goes on in the next cycle
# httpx's read timeout is per read, so a peer sending a byte a second never trips it. Once
# the read timeout has passed, a reply averaging under this rate is given up as timed out
# (8 kbit/s: a real page arrives faster even over a poor 2G link).
MIN_REPLY_BYTES_PER_S = 1024

# The records of one changes page: dicts, or instances of the engine's ``record_model``.
ApplyChanges = Callable[[sqlite3.Connection, list[Any]], None]
OnSynced = Callable[[sqlite3.Connection, list[outbox.Synced]], None]


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the status bar shows; passed to subscribers whenever it changes."""

    online: bool | None = None  # None until the first attempt
    syncing: bool = False
    pending: int = 0
    dead_lettered: int = 0
    oldest_pending_age_s: float | None = None
    last_success_at: float | None = None
    last_attempt_at: float | None = None
    last_error: str | None = None
    clock_skew_s: float | None = None
    next_retry_at: float | None = None
    # "disk_full", "read_only" or "disk_error" while the local database refuses writes
    # (``last_error`` has the sentence); None once a cycle goes through.
    storage_problem: str | None = None


@dataclass(frozen=True, slots=True)
class SyncReport:
    sent: int = 0
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    pulled: int = 0
    remaining: int = 0
    error: str | None = None

    @property
    def delivered_all(self) -> bool:
        return self.remaining == 0 and self.error is None


class _TooLarge(Exception):
    """A reply larger than any real central's: a broken proxy or a hostile peer."""


@dataclass(frozen=True, slots=True)
class _Reply:
    status_code: int
    headers: httpx.Headers
    content: bytes


class _Stop(Exception):
    """Ends a push cycle: the central is unreachable or refused; the reason is recorded."""


class SyncEngine:
    def __init__(
        self,
        *,
        connect: Callable[[], sqlite3.Connection],
        base_url: str,
        token: str | None,
        batch_size: int = 50,
        max_batch_size: int = MAX_BATCH,
        interval_s: float = 30.0,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 15.0,
        backoff_base_s: float = 2.0,
        backoff_cap_s: float = 300.0,
        lease_s: float = 120.0,
        apply_changes: ApplyChanges | None = None,
        record_model: type[BaseModel] | None = None,
        on_synced: OnSynced | None = None,
        pull_limit: int = PULL_LIMIT,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        """``verify``: the TLS context that checks the central's certificate (see
        :func:`offline_queue.tls.client_context`); None is httpx's default trust store.
        One that does not verify is refused: there is no switch to turn checking off."""
        self._connect = connect
        self._batch_size = batch_size
        self._max_batch_size = max(batch_size, max_batch_size)
        # A batch grows only while replies come back well inside the read timeout, so
        # the doubled batch still does.
        self._grow_below_s = read_timeout_s / 4
        self._read_timeout_s = read_timeout_s
        self._interval_s = interval_s
        self._backoff = (backoff_base_s, backoff_cap_s)
        self._lease_s = lease_s
        self._apply_changes = apply_changes
        self._on_synced = on_synced
        self._pull_limit = pull_limit
        self._record_model = record_model
        # A page whose records are read straight from the JSON as record_model: about
        # twice as fast as reading dicts and then each record from its dict.
        self._typed_page: type[ChangesResponse] | None = None
        if record_model is not None:
            self._typed_page = create_model(
                "TypedChanges", __base__=ChangesResponse, records=(list[record_model], ...)
            )
        self._clock = clock
        self._rng = rng
        headers = {"User-Agent": "offline-queue/1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            transport=transport,
            verify=True if verify is None else require_verification(verify),
            follow_redirects=False,
        )
        self._failures = 0
        # Events this engine leased but could not settle or give back (the local database
        # refused the write): given back first thing in the next cycle, not after the lease.
        self._held: set[str] = set()
        self._state = SyncState()
        self._subscribers: list[Callable[[SyncState], None]] = []
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- subscribers ------------------------------------------------------------------

    @property
    def state(self) -> SyncState:
        return self._state

    def subscribe(self, callback: Callable[[SyncState], None]) -> Callable[[], None]:
        """Call ``callback(state)`` on every change (from the engine's thread)."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def _update(self, **changes: Any) -> None:
        with self._state_lock:
            new = replace(self._state, **changes)
            if new == self._state:
                return
            self._state = new
        for callback in list(self._subscribers):
            try:
                callback(new)
            except Exception:  # a broken subscriber must not stop the sync
                log.exception("sync state subscriber failed")

    def refresh_counts(self, conn: sqlite3.Connection | None = None) -> SyncState:
        """Re-read the outbox counts (after the application enqueued something)."""
        own = conn is None
        conn = conn or self._connect()
        try:
            numbers = outbox.stats(conn, now=self._clock())
        finally:
            if own:
                conn.close()
        self._update(
            pending=numbers.pending,
            dead_lettered=numbers.dead_lettered,
            oldest_pending_age_s=numbers.oldest_pending_age_s,
            last_success_at=numbers.last_success_at,
        )
        return self._state

    # --- one cycle --------------------------------------------------------------------

    def sync_once(self, *, force: bool = False, pull: bool = True) -> SyncReport:
        """Push every due event, then pull changes. ``force`` ignores backoff timers.

        Blocking; the CLI calls it directly and the background thread calls it on a timer.
        """
        with self._lock:
            self._update(syncing=True)
            try:
                conn = self._connect()
            except BaseException:
                self._update(syncing=False)
                raise
            try:
                return self._cycle(conn, force=force, pull=pull)
            finally:
                try:
                    self.refresh_counts(conn)
                finally:
                    conn.close()
                    self._update(syncing=False)

    def _cycle(self, conn: sqlite3.Connection, *, force: bool, pull: bool) -> SyncReport:
        if (
            not force
            and self._state.next_retry_at is not None
            and self._clock() < self._state.next_retry_at
        ):
            # Backing off (or the central asked us to wait): a new write must not send
            # early, and neither may a pull; only the timer or a forced sync ends the pause.
            pending = outbox.stats(conn, now=self._clock()).pending
            return SyncReport(remaining=pending, error=self._state.last_error or "waiting")
        report = SyncReport()
        try:
            if force:
                outbox.make_due(conn)
            report = self._push(conn, report)
            if pull and self._apply_changes is not None:
                report = replace(report, pulled=self._pull(conn))
            elif report.sent == 0:
                self._probe()
        except _Stop as stop:
            report = replace(report, error=str(stop))
        except sqlite3.OperationalError as exc:
            reason = unwritable(exc)
            if reason is None:
                raise  # a programming error keeps its traceback
            rollback(conn)
            self._cannot_write(reason)
            report = replace(report, error=reason.message)
        remaining = outbox.stats(conn, now=self._clock()).pending
        return replace(report, remaining=remaining)

    def _push(self, conn: sqlite3.Connection, report: SyncReport) -> SyncReport:
        """Send every due event, ``batch_size`` at a time; a backlog goes in bigger batches.

        While the central answers a full batch quickly (in under a quarter of the read
        timeout), the next batch is twice as large, up to ``max_batch_size``: a day of
        offline payments drains in a few requests on a good link, and a slow link stays
        at ``batch_size``. Every cycle starts at ``batch_size`` again, so after a timeout
        the resend is small; a cycle in which the central refused a whole request stops
        growing.
        """
        limit = self._batch_size
        grow = True
        if self._held:
            # The last cycle could not write their results: due again now. The central
            # committed them, so the resend comes back as duplicates and settles once.
            held = sorted(self._held)
            outbox.release(conn, held, error="the local database refused a write", retry_at=0)
            self._held.difference_update(held)
        while True:
            events = outbox.claim(conn, limit=limit, now=self._clock(), lease_s=self._lease_s)
            if not events:
                return report
            ids = [event.event_id for event in events]
            self._held.update(ids)
            started = time.monotonic()
            # The events go as enqueued (compact JSON): nothing to parse and serialise again.
            body = ",".join(event.body_json for event in events)
            response = self._request(
                "POST",
                "/v1/events/batch",
                conn,
                events,
                content=f'{{"events":[{body}]}}'.encode(),
                headers={"Content-Type": "application/json"},
            )
            results = _batch_results(response)
            if results is not None:
                report = self._settle(conn, events, results, report)
                self._held.difference_update(ids)
                self._succeeded()
                fast = time.monotonic() - started < self._grow_below_s
                if grow and fast and len(events) == limit:
                    limit = min(limit * 2, self._max_batch_size)
                else:
                    limit = self._batch_size
                continue
            if response.status_code == 200:
                # A reply cut short: the central may have committed, and resending is
                # safe by event_id, so try again after a pause.
                self._fail(conn, events, "the central's reply could not be read", response)
            if response.status_code not in (413, 422) or _problem(response) is None:
                # Only the central's own refusal (a Problem body) may judge events; a proxy
                # or captive portal answering 422 must never dead-letter collected money.
                self._fail(conn, events, _refusal(response), response)
            if len(events) > 1:
                # The central refused the whole request: find the event that causes it
                # by sending smaller batches, so the others still go through.
                outbox.release(conn, ids, error="split", retry_at=0)
                self._held.difference_update(ids)
                limit = max(1, len(events) // 2)
                grow = False
                continue
            rejected = outbox.Rejected(
                events[0].event_id, f"http_{response.status_code}", _problem_detail(response)
            )
            outbox.settle(conn, rejected=[rejected], now=self._clock())
            self._held.difference_update(ids)
            report = replace(report, sent=report.sent + 1, rejected=report.rejected + 1)
            limit = self._batch_size

    def _settle(
        self,
        conn: sqlite3.Connection,
        events: list[outbox.OutboxEvent],
        results: BatchResponse,
        report: SyncReport,
    ) -> SyncReport:
        claimed = {event.event_id for event in events}
        synced: list[outbox.Synced] = []
        rejected: list[outbox.Rejected] = []
        counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        for result in results.results:
            if result.event_id not in claimed:
                continue
            claimed.discard(result.event_id)
            counts[result.status] += 1
            if result.status == "rejected":
                reason = result.reason or "rejected by the central"
                rejected.append(outbox.Rejected(result.event_id, result.code or "rejected", reason))
            else:
                received = result.received_at.isoformat() if result.received_at else None
                synced.append(outbox.Synced(result.event_id, result.refs, received))
        now = self._clock()
        conn.execute("BEGIN IMMEDIATE")
        try:
            outbox.settle(conn, synced=synced, rejected=rejected, now=now)
            if self._on_synced is not None and synced:
                # The application copies the central's numbers into its own records in
                # the same transaction that marks the events synced.
                self._on_synced(conn, synced)
            conn.execute("COMMIT")
        except BaseException:
            # All or nothing: a full disk leaves every event pending, resent next time.
            rollback(conn)
            raise
        left_out = [event for event in events if event.event_id in claimed]
        for event in left_out:  # the reply left it out: send it again after a pause
            delay = backoff_delay(
                event.attempts + 1, base_s=self._backoff[0], cap_s=self._backoff[1], rng=self._rng
            )
            outbox.release(
                conn,
                [event.event_id],
                error="no result in the central's reply",
                retry_at=now + delay,
            )
        if rejected:
            log.warning("central rejected %d event(s); see the dead-letter list", len(rejected))
        return replace(
            report,
            sent=report.sent + len(events),
            accepted=report.accepted + counts["accepted"],
            duplicate=report.duplicate + counts["duplicate"],
            rejected=report.rejected + counts["rejected"],
        )

    def _pull(self, conn: sqlite3.Connection) -> int:
        assert self._apply_changes is not None
        pulled = 0
        for _ in range(MAX_PULL_PAGES):
            cursor = outbox.get_meta(conn, CURSOR_KEY) or ""
            response = self._request(
                "GET",
                "/v1/consumers/changes",
                conn,
                [],
                params={"cursor": cursor, "limit": self._pull_limit},
            )
            if response.status_code != 200:
                self._fail(conn, [], _refusal(response), response)
            with _cyclic_gc_paused():
                count, next_cursor, has_more = self._store_changes(conn, response)
            pulled += count
            self._succeeded()
            if not has_more or next_cursor == cursor:
                break
        return pulled

    def _store_changes(self, conn: sqlite3.Connection, response: _Reply) -> tuple[int, str, bool]:
        """Read one page of changes and store it with its cursor, in one transaction.

        Returns the number of records, the next cursor and whether more follow; the page
        itself is gone when this returns (before the collector resumes).
        """
        assert self._apply_changes is not None
        try:
            page = self._read_changes(response.content)
        except ValidationError:
            self._fail(conn, [], "the central's changes reply could not be read", response)
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._apply_changes(conn, page.records)
            # The cursor moves in the page's own transaction: never past what was stored.
            outbox.set_meta(conn, CURSOR_KEY, page.next_cursor)
            conn.execute("COMMIT")
        except Exception as exc:
            rollback(conn)
            if unwritable(exc) is not None:
                raise  # the counter's disk, not the central's data
            log.exception("consumer changes could not be stored")
            self._fail(None, [], "the central sent consumer data that could not be stored", None)
        return len(page.records), page.next_cursor, page.has_more

    def _read_changes(self, content: bytes) -> ChangesResponse:
        """The page; with a ``record_model``, its records validated, a bad one skipped.

        A bad record never blocks the others: when the whole page does not read as
        ``record_model`` records, it is read loosely and each record checked on its own.
        """
        if self._typed_page is not None:
            try:
                return self._typed_page.model_validate_json(content)
            except ValidationError:
                pass
        page = ChangesResponse.model_validate_json(content)
        if self._record_model is None:
            return page
        records = []
        for record in page.records:
            try:
                records.append(self._record_model.model_validate(record))
            except ValidationError as exc:
                log.warning(
                    "skipped a record in the central's changes (%d problems)", exc.error_count()
                )
        return page.model_copy(update={"records": records})

    def check(self) -> SyncState:
        """Ask the central's health endpoint once: online or not, and the clock skew."""
        with self._lock, contextlib.suppress(_Stop):
            self._probe()
        return self._state

    def _probe(self) -> None:
        """Nothing to send or pull: still learn whether the central answers, and its clock."""
        response = self._request("GET", "/v1/health", None, [])
        if response.status_code != 200:
            self._fail(None, [], _refusal(response), response)
        try:
            Health.model_validate_json(response.content)
        except ValidationError:
            # A captive portal or proxy answering 200 with its own page is not the central.
            self._fail(None, [], "the central's health reply could not be read", response)
        self._succeeded()

    # --- HTTP and failure handling -----------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        conn: sqlite3.Connection | None,
        events: list[outbox.OutboxEvent],
        **kwargs: Any,
    ) -> _Reply:
        sent_at = self._clock()
        self._update(last_attempt_at=sent_at)
        try:
            response = self._fetch(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self._update(online=False)
            self._fail(conn, events, _transport_message(exc), None)
        except _TooLarge:
            self._fail(conn, events, "the central's reply was too large to be real", None)
        received_at = self._clock()
        server_time = parse_server_time(response.headers.get(SERVER_TIME_HEADER))
        skew = None if server_time is None else server_time - (sent_at + received_at) / 2
        if skew is None:
            self._update(online=True)
        else:
            self._update(online=True, clock_skew_s=skew)
        return response

    def _fetch(self, method: str, path: str, **kwargs: Any) -> _Reply:
        """One request, reading at most MAX_REPLY_BYTES of the reply, and not a drip."""
        with self._client.stream(method, path, **kwargs) as response:
            # From the headers on: a central slow to start answering is the read timeout's.
            started = time.monotonic()
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_REPLY_BYTES:
                    raise _TooLarge
                chunks.append(chunk)
                elapsed = time.monotonic() - started
                if elapsed > self._read_timeout_s and size < MIN_REPLY_BYTES_PER_S * elapsed:
                    raise httpx.ReadTimeout("the reply came a few bytes at a time")
        return _Reply(response.status_code, response.headers, b"".join(chunks))

    def _fail(
        self,
        conn: sqlite3.Connection | None,
        events: list[outbox.OutboxEvent],
        message: str,
        response: _Reply | None,
    ) -> NoReturn:
        now = self._clock()
        delay = backoff_delay(
            self._failures + 1, base_s=self._backoff[0], cap_s=self._backoff[1], rng=self._rng
        )
        if response is not None:
            asked = parse_retry_after(response.headers.get("Retry-After"), now=now)
            if asked is not None:
                delay = max(delay, asked)
        retry_at = now + delay
        if conn is not None and events:
            # On a full disk this raises: the cycle then reports the disk, which the
            # operator can fix, and the events are given back next cycle.
            ids = [e.event_id for e in events]
            outbox.release(conn, ids, error=message, retry_at=retry_at)
            self._held.difference_update(ids)
        self._failures += 1
        self._update(last_error=message, next_retry_at=retry_at)
        log.info("sync paused: %s; next try in %.0f s", message, delay)
        raise _Stop(message)

    def _cannot_write(self, reason: Unwritable) -> None:
        """The local database refused a write: say so, and wait as after a network failure.

        Whatever was not written is still pending (its transaction rolled back), so the
        next cycle sends it again and the central answers the resend by ``event_id``.
        """
        self._failures += 1
        delay = backoff_delay(
            self._failures, base_s=self._backoff[0], cap_s=self._backoff[1], rng=self._rng
        )
        self._update(
            last_error=reason.message,
            storage_problem=reason.kind,
            next_retry_at=self._clock() + delay,
        )
        log.warning("sync paused: %s; next try in %.0f s", reason.message, delay)

    def _succeeded(self) -> None:
        self._failures = 0
        self._update(last_error=None, next_retry_at=None, storage_problem=None)

    # --- background thread -------------------------------------------------------------

    def start(self) -> None:
        """Sync in a daemon thread: now, after every :meth:`wake`, and on a timer."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Sync soon (the application just recorded something)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        self.stop()
        self._client.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.sync_once()
                wait = self._seconds_to_next()
            except Exception as exc:  # never let the thread die: log, back off, try again
                # The application's connect may put SQLite's refusal (a read-only mount)
                # in its own words: the cause still tells the operator what to fix.
                reason = unwritable(exc) or unwritable(exc.__cause__ or exc.__context__)
                if reason is not None:
                    self._update(syncing=False)
                    self._cannot_write(reason)
                    wait = max(0.0, (self._state.next_retry_at or 0.0) - self._clock())
                else:
                    log.exception("sync cycle failed")
                    self._failures += 1
                    wait = backoff_delay(
                        self._failures,
                        base_s=self._backoff[0],
                        cap_s=self._backoff[1],
                        rng=self._rng,
                    )
                    self._update(
                        last_error="sync failed unexpectedly; see the log",
                        next_retry_at=self._clock() + wait,
                        syncing=False,
                    )
            self._wake.wait(max(wait, 0.05))
            self._wake.clear()

    def _seconds_to_next(self) -> float:
        now = self._clock()
        wait = self._interval_s
        if self._state.next_retry_at is not None:
            wait = min(wait, max(0.0, self._state.next_retry_at - now))
        elif self._state.pending:
            conn = self._connect()
            try:
                due = outbox.next_due_at(conn)
            finally:
                conn.close()
            if due is not None:
                wait = min(wait, max(0.0, due - now))
        return max(wait, 0.05)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a page of changes is read and stored.

    A page holds tens of thousands of small objects (a thousand records) until it is
    stored; each full collection in the meantime walks all of them and the whole heap
    again, which cost more than reading the records. They hold no reference cycles and
    are freed by reference counting once stored, so nothing is left for the collector;
    it resumes as it was (it stays off if something else had turned it off).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _transport_message(exc: httpx.HTTPError) -> str:
    if is_untrusted_certificate(exc):
        return UNTRUSTED_CERTIFICATE
    if isinstance(exc, httpx.TimeoutException):
        return "the central did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "cannot reach the central (no network or server down)"
    return f"the connection to the central broke ({type(exc).__name__})"


def _problem(response: _Reply) -> Problem | None:
    try:
        return Problem.model_validate_json(response.content)
    except ValidationError:
        return None


def _problem_detail(response: _Reply) -> str:
    problem = _problem(response)
    if problem is None:
        return f"the central refused the event (HTTP {response.status_code})"
    return problem.detail[:500]


def _refusal(response: _Reply) -> str:
    status = response.status_code
    if status == 401:
        return "the central does not accept this counter's token (401)"
    if status == 403:
        return "the central refused this counter (403)"
    if status == 429:
        return "the central is busy (429); waiting as it asked"
    if status >= 500:
        return f"the central had an error ({status})"
    return f"the central answered HTTP {status}; check central.url"


def _batch_results(response: _Reply) -> BatchResponse | None:
    """The per-event results, when the reply has them (200, or 422 for an id conflict)."""
    if response.status_code not in (200, 422):
        return None
    try:
        return BatchResponse.model_validate_json(response.content)
    except ValidationError:
        return None
