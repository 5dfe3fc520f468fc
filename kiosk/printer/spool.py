"""The print spool: jobs saved with their record, printed after commit, at most once.

A service calls :func:`add_job` inside the transaction that writes the record, so a receipt
exists exactly when its payment does. The spool prints after the commit and retries while
the printer is off. Just before a job is sent it is marked "sending" in its own commit; a
crash between sending and marking it printed leaves the job "failed" (interrupted) rather
than printing it again by itself: the operator looks at the paper and reprints if it is
missing, and a reprint is always marked DUPLICATE.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from kiosk.printer.connections import (
    Connection,
    PrinterState,
    PrinterStatus,
    PrinterUnavailable,
)
from kiosk.printer.documents import Document, dump, load
from kiosk.printer.layout import Paper
from kiosk.printer.render import Rendered, render
from kiosk.printer.templates import SlipContext, SyncMark, layout_for
from kiosk.store.db import transaction, utc_text
from offline_queue.outbox import result_of

log = logging.getLogger(__name__)

SENDING = "sending"
INTERRUPTED = "interrupted while printing: check the paper and reprint if it is missing"
RETRY_S = 5.0
# Which of the central's references a slip shows once its event is synced.
REF_KEYS = ("complaint_no", "registration_no", "application_no", "central_ref")


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    ref: str
    copy: str
    status: str
    attempts: int
    last_error: str | None
    body: bytes

    @property
    def duplicate(self) -> bool:
        return self.copy == "duplicate"


@dataclass(frozen=True)
class SpoolReport:
    printed: int
    waiting: int
    failed: int
    status: PrinterStatus


def ref_of(doc: Document) -> str:
    for name in ("receipt_no", "local_no"):
        value = getattr(doc, name, None)
        if value:
            return str(value)
    if doc.kind == "shift_report":
        return f"shift-{doc.shift_id}-{doc.report}"
    return doc.kind


def add_job(
    conn: sqlite3.Connection, doc: Document, *, now: datetime, copy: str = "original"
) -> int:
    """Queue ``doc`` for printing inside the caller's open transaction."""
    if not conn.in_transaction:
        raise RuntimeError("add_job must run inside the transaction that writes the record")
    cursor = conn.execute(
        "INSERT INTO print_jobs (kind, ref, copy, body, status, created_at)"
        " VALUES (?, ?, ?, ?, 'pending', ?)",
        (doc.kind, ref_of(doc), copy, dump(doc), utc_text(now)),
    )
    return int(cursor.lastrowid or 0)


def _job(row: tuple) -> Job:
    return Job(*row[:7], body=bytes(row[7]))


_COLUMNS = "id, kind, ref, copy, status, attempts, last_error, body"


def jobs_for(conn: sqlite3.Connection, kind: str, ref: str) -> list[Job]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE kind = ? AND ref = ? ORDER BY id", (kind, ref)
    ).fetchall()
    return [_job(row) for row in rows]


def find_original(conn: sqlite3.Connection, ref: str) -> Job | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE ref = ? AND copy = 'original'"
        " ORDER BY id LIMIT 1",
        (ref,),
    ).fetchone()
    return None if row is None else _job(row)


def add_reprint(conn: sqlite3.Connection, original: Job, *, now: datetime) -> int:
    """A DUPLICATE of an earlier job, inside the caller's transaction."""
    return add_job(conn, load(original.body), now=now, copy="duplicate")


def unprinted(conn: sqlite3.Connection) -> list[Job]:
    """Jobs waiting for the printer, and jobs that need the operator (failed)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE status != 'printed' ORDER BY id"
    ).fetchall()
    return [_job(row) for row in rows]


def sync_mark(conn: sqlite3.Connection, doc: Document) -> SyncMark:
    """Confirmed (with the central's number) once the document's event is synced."""
    event_id = getattr(doc, "event_id", None)
    if not event_id:
        return SyncMark(confirmed=True)
    found = result_of(conn, event_id)
    if found is None:  # purged after sync (only synced events are purged)
        return SyncMark(confirmed=True)
    status, refs = found
    if status != "synced":
        return SyncMark(confirmed=False)
    return SyncMark(True, next((refs[k] for k in REF_KEYS if refs.get(k)), None))


class Spool:
    """Prints pending jobs through one connection; callers may share it across threads."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        printer: Connection,
        *,
        paper: Paper,
        context: SlipContext,
        clock: Callable[[], datetime],
    ) -> None:
        self.conn = conn
        self.printer = printer
        self.paper = paper
        self.context = context
        self.clock = clock
        self.state = PrinterStatus(PrinterState.UNKNOWN, "not used yet")
        self._listeners: list[Callable[[PrinterStatus], None]] = []
        self._lock = threading.Lock()
        self._silent = False  # the printer never answers status queries: do not wait on it

    def subscribe(self, listener: Callable[[PrinterStatus], None]) -> None:
        self._listeners.append(listener)

    def _set_state(self, status: PrinterStatus) -> None:
        changed = status != self.state
        self.state = status
        if changed:
            for listener in list(self._listeners):
                try:
                    listener(status)
                except Exception:  # a broken screen must not stop printing
                    log.exception("printer state listener failed")

    def render_job(self, job: Job) -> Rendered:
        doc = load(job.body)
        mark = sync_mark(self.conn, doc)
        layout = layout_for(doc, self.context, self.paper, sync=mark, duplicate=job.duplicate)
        return render(layout, self.paper, shaped=None if self.context.hindi else False)

    def recover(self) -> int:
        """After a crash: jobs caught mid-send wait for the operator instead of reprinting."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "UPDATE print_jobs SET status = 'failed', last_error = ?"
                " WHERE status = 'pending' AND last_error = ?",
                (INTERRUPTED, SENDING),
            )
        return cursor.rowcount

    def check(self) -> PrinterStatus:
        status = self.printer.status()
        self._silent = status.state == PrinterState.UNKNOWN
        self._set_state(status)
        return status

    def _mark(self, job: Job, status: str, error: str | None, attempt: bool = False) -> None:
        printed_at = utc_text(self.clock()) if status == "printed" else None
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE print_jobs SET status = ?, last_error = ?, printed_at = ?,"
                " attempts = attempts + ? WHERE id = ?",
                (status, error, printed_at, 1 if attempt else 0, job.id),
            )

    def print_pending(self) -> SpoolReport:
        """Print every pending job in order; stop at the first the printer does not take."""
        with self._lock:
            printed = 0
            for job in unprinted(self.conn):
                if job.status != "pending":
                    continue
                if job.last_error == SENDING:  # another process died sending it
                    self._mark(job, "failed", INTERRUPTED)
                    continue
                if not self._silent and self.state.state != PrinterState.READY:
                    status = self.check()
                    if status.state in (PrinterState.ERROR, PrinterState.OFFLINE):
                        break
                try:
                    data = self.render_job(job).escpos
                except (ValidationError, ValueError, TypeError) as exc:
                    self._mark(job, "failed", f"cannot render this slip: {exc}")
                    log.error("print job %s cannot be rendered", job.id)
                    continue
                self._mark(job, "pending", SENDING, attempt=True)
                try:
                    self.printer.send(data)
                except PrinterUnavailable as exc:
                    self._mark(job, "pending", exc.message)
                    self._set_state(PrinterStatus(PrinterState.OFFLINE, exc.message))
                    break
                self._mark(job, "printed", None)
                printed += 1
                if self._silent or self.state.state != PrinterState.READY:
                    self._set_state(PrinterStatus(PrinterState.READY, self.printer.describe()))
            return self._report(printed)

    def _report(self, printed: int) -> SpoolReport:
        waiting, failed = self.conn.execute(
            "SELECT COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'failed'), 0)"
            " FROM print_jobs"
        ).fetchone()
        return SpoolReport(printed, waiting, failed, self.state)


class SpoolWorker:
    """Runs a spool in a daemon thread: prints on ``wake()``, retries while jobs wait."""

    def __init__(self, make_spool: Callable[[], Spool], retry_s: float = RETRY_S) -> None:
        self._make_spool = make_spool
        self.retry_s = retry_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: SpoolReport | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="print-spool", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        spool = self._make_spool()  # its own SQLite connection, made in this thread
        try:
            spool.recover()
            while not self._stop.is_set():
                try:
                    self.last_report = spool.print_pending()
                except Exception:
                    log.exception("print spool failed; retrying")
                    self.last_report = None
                waiting = self.last_report is None or self.last_report.waiting > 0
                self._wake.wait(self.retry_s if waiting else None)
                self._wake.clear()
        finally:
            spool.conn.close()
