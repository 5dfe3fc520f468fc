"""A running counter for the screen: its database on one thread, sync and printing behind.

Start-up is in two steps so the login screen shows at once: :meth:`Station.open` opens
the database (all the login needs); :meth:`Station.start_background` then loads httpx,
the sync engine and the printer stack and starts them (the app runs it in a thread).

SQLite connections belong to the thread that made them, and the screen must never wait on
the disk or the network. So the station opens the counter on a single "kiosk-db" thread
and every service call goes there (:meth:`Station.call`, awaited by the screen); the sync
engine and the print spool run in their own threads with their own connections and report
through callbacks the app turns into messages.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from kiosk.services.counter import Counter, utc_now

if TYPE_CHECKING:  # the printer stack and httpx load in the background, after the login shows
    import httpx

    from kiosk.config import KioskSettings
    from kiosk.printer.connections import Connection, PrinterStatus
    from kiosk.printer.spool import Spool, SpoolWorker
    from kiosk.services.central_client import CentralClient
    from kiosk.services.runtime import Wiring
    from offline_queue.engine import SyncState

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class Station:
    """Counter + sync engine + print spool, started and stopped together."""

    def __init__(
        self,
        settings: KioskSettings | None,
        *,
        load_settings: Callable[[], KioskSettings] | None = None,
        clock: Callable[[], datetime] = utc_now,
        entropy: Callable[[int], bytes] = os.urandom,
        transport: httpx.BaseTransport | None = None,
        printer: Connection | None = None,
        sync: bool = True,
        print_retry_s: float = 5.0,
    ) -> None:
        if settings is None and load_settings is None:
            raise ValueError("a station needs settings or a way to load them")
        # None until loaded: with ``load_settings`` the config is checked on the database
        # thread behind the login screen (see :meth:`open_in_background`).
        self.settings: KioskSettings = settings  # type: ignore[assignment]
        self._load_settings = load_settings
        self._opening: Future[None] | None = None
        self.clock = clock
        self._entropy = entropy
        self._transport = transport
        self._sync = sync
        self._printer = printer
        self._print_retry_s = print_retry_s
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-db")
        self.calls_in_flight = 0  # calls from the event loop not answered yet
        self._counter: Counter | None = None
        self.wiring: Wiring | None = None
        self.spool_worker: SpoolWorker | None = None
        self.printer_status: PrinterStatus | None = None
        self.background_ready = threading.Event()
        self._sync_listeners: list[Callable[[SyncState], None]] = []
        self._printer_listeners: list[Callable[[PrinterStatus], None]] = []
        self._lock = threading.Lock()
        self.started = False

    # ----------------------------------------------------------------- life cycle

    def start(self) -> None:
        """Both steps, waiting for the second (the CLI and tests that need sync at once)."""
        self.open()
        self.start_background()

    def open(self) -> None:
        """Open (create, migrate) the counter database on the database thread."""
        self.open_in_background().result()

    def open_in_background(self) -> Future[None]:
        """Check the config (when it was not given checked) and open the database, on the
        database thread; service calls made meanwhile queue behind it on that thread."""
        if self._opening is None:
            self._opening = self._db.submit(self._open)
        return self._opening

    def wait_open(self) -> None:
        """Until the database is open; raises what stopped it (a bad config, a bad disk)."""
        self.open_in_background().result()

    def _open(self) -> None:
        from kiosk.services.runtime import open_counter

        if self.settings is None and self._load_settings is not None:
            self.settings = self._load_settings()
        counter = open_counter(self.settings, clock=self.clock, entropy=self._entropy)
        counter.on_committed = self._committed
        self._counter = counter
        self.started = True

    def start_background(self) -> None:
        """Wire and start the sync engine and the print spool (safe from any thread)."""
        from kiosk.printer.connections import open_connection
        from kiosk.printer.spool import SpoolWorker
        from kiosk.services.runtime import wire_sync

        self.wait_open()
        with self._lock:
            if self.background_ready.is_set():
                return
            self.wiring = self._db.submit(
                wire_sync, self.counter, transport=self._transport
            ).result()
            self.counter.on_committed = self._committed
            if self._printer is None:
                self._printer = open_connection(self.settings.printer)
            engine = self.wiring.engine
            if engine is not None:
                engine.subscribe(self._on_sync)
                if self._sync:
                    engine.start()
            self.spool_worker = SpoolWorker(self._make_spool, retry_s=self._print_retry_s)
            self.spool_worker.start()
            self._db.submit(_warm_up, self.counter).result()
            self.background_ready.set()

    def _committed(self) -> None:
        """After every commit: print what it queued, and send its event."""
        if self.spool_worker is not None:
            self.spool_worker.wake()
        engine = self.engine
        if engine is not None and self._sync:
            engine.wake()

    @property
    def printer(self) -> Connection:
        if self._printer is None:
            raise RuntimeError("the printer is opened by start_background()")
        return self._printer

    def _make_spool(self) -> Spool:
        from kiosk.printer.spool import Spool
        from kiosk.services.printing import paper_of, slip_context
        from kiosk.services.runtime import database_path
        from kiosk.store.db import connect

        spool = Spool(
            connect(database_path(self.settings)),
            self.printer,
            paper=paper_of(self.settings.printer),
            context=slip_context(self.settings),
            clock=self.clock,
        )
        spool.subscribe(self._on_printer)
        return spool

    def close(self) -> None:
        if self.spool_worker is not None:
            self.spool_worker.stop()
        if self.wiring is not None:
            self.wiring.close()
        if self._counter is not None:
            self._db.submit(self._counter.conn.close).result()
        self._db.shutdown(wait=True)
        self.started = False

    # ----------------------------------------------------------------- calls

    @property
    def counter(self) -> Counter:
        if self._counter is None:
            raise RuntimeError("the station has not been started")
        return self._counter

    @property
    def central(self) -> CentralClient | None:
        return None if self.wiring is None else self.wiring.central

    @property
    def engine(self) -> Any:
        """The sync engine (None without a central, or before start_background)."""
        return None if self.wiring is None else self.wiring.engine

    async def call(self, fn: Callable[..., R], /, *args: object, **kwargs: object) -> R:
        """Run ``fn(counter, *args, **kwargs)`` on the database thread without blocking."""
        loop = asyncio.get_running_loop()
        self.open_in_background()  # queued first, so the call finds the counter open
        self.calls_in_flight += 1  # the screen's keys wait for it (kiosk.typeahead)
        try:
            return await loop.run_in_executor(self._db, partial(self._run, fn, args, kwargs))
        finally:
            self.calls_in_flight -= 1

    def _run(self, fn: Callable[..., R], args: tuple[object, ...], kwargs: dict[str, Any]) -> R:
        """On the database thread, after the open queued before it."""
        return fn(self.counter, *args, **kwargs)

    def wake_printer(self) -> None:
        if self.spool_worker is not None:
            self.spool_worker.wake()

    def sync_now(self) -> None:
        if self.engine is not None:
            self.engine.wake()

    # ----------------------------------------------------------------- listeners

    def subscribe_sync(self, listener: Callable[[SyncState], None]) -> None:
        self._sync_listeners.append(listener)

    def subscribe_printer(self, listener: Callable[[PrinterStatus], None]) -> None:
        self._printer_listeners.append(listener)

    def _on_sync(self, state: SyncState) -> None:
        for listener in list(self._sync_listeners):
            try:
                listener(state)
            except Exception:  # a broken screen must not stop syncing
                log.exception("sync listener failed")

    def _on_printer(self, status: PrinterStatus) -> None:
        self.printer_status = status
        for listener in list(self._printer_listeners):
            try:
                listener(status)
            except Exception:
                log.exception("printer listener failed")


def _warm_up(counter: Counter) -> None:
    """Load the data files and the event models while the operator types the PIN, so the
    first lookup and the first payment do not pay for them (the login screen did not)."""
    import kiosk.domain.events
    import kiosk.services.lookup  # noqa: F401

    counter.discoms, counter.tariff, counter.scheme  # noqa: B018
