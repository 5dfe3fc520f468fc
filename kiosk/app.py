"""The counter screen: one app factory for ``kiosk``, ``kiosk --demo`` and the tests.

The app holds the station (database, sync, printer), the signed-in operator, the language
and the status the bar shows. Screens do the work; the app routes the keys that work
everywhere, locks the screen when the counter is left idle, and turns the sync engine's
and the printer's callbacks (from their threads) into messages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.screen import Screen

from kiosk.config_file import Basics
from kiosk.i18n import Language, Translator
from kiosk.services.counter import Counter
from kiosk.services.station import Station
from kiosk.typeahead import TypeAhead
from kiosk.widgets.status_bar import StatusView

if TYPE_CHECKING:  # loaded in the background after the login screen shows
    from pathlib import Path

    from kiosk.config import KioskSettings
    from kiosk.printer.connections import Connection, PrinterStatus
    from kiosk.services.runtime import CounterStatus
    from offline_queue.engine import SyncState

log = logging.getLogger(__name__)

STATUS_REFRESH_S = 2.0


def _queue_numbers(counter: Counter, engine: Any) -> CounterStatus:
    """On the database thread (where its imports load too, off the screen's thread)."""
    from kiosk.services.runtime import counter_status

    return counter_status(counter, engine)


@dataclass(frozen=True, slots=True)
class DemoInfo:
    """What the login screen tells a demo user, and the outage switch (None outside demo)."""

    operator_id: str
    pin: str
    supervisor_id: str
    supervisor_pin: str
    toggle_outage: Callable[[], bool] | None = None
    receipts_dir: str = ""
    # Plays the customer's phone paying a UPI request (reference -> UTR), via the central.
    customer_pays_upi: Callable[[str], str] | None = None


class SyncChanged(Message):
    def __init__(self, state: SyncState) -> None:
        super().__init__()
        self.state = state


class PrinterChanged(Message):
    def __init__(self, status: PrinterStatus) -> None:
        super().__init__()
        self.status = status


class KioskApp(App[None]):
    CSS_PATH: ClassVar[list[str]] = ["styles/base.tcss", "styles/screens.tcss"]
    TITLE = "kiosk"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", show=False),
        Binding("f2", "home", show=False),
        Binding("f4", "receipts", show=False),
        Binding("f5", "sync_now", show=False),
        Binding("f7", "menu", show=False),
        Binding("f9", "dead_letters", show=False),
        Binding("f10,ctrl+t", "switch_language", show=False, priority=True),
        Binding("f12", "lock", show=False, priority=True),
        Binding("ctrl+o", "outage", show=False, priority=True),
    ]

    language: reactive[str] = reactive("en")
    status: reactive[StatusView] = reactive(StatusView, always_update=True)

    def __init__(
        self,
        station: Station,
        basics: Basics,
        *,
        language: Language = "en",
        strict_i18n: bool = False,
        demo: DemoInfo | None = None,
        idle_lock_s: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        refresh_status: bool = True,
    ) -> None:
        super().__init__()
        self.station = station
        self.tr = Translator(language, strict=strict_i18n)
        self.demo = demo
        self.operator: Any = None
        self.basics = basics
        self.idle_lock_s = (
            idle_lock_s if idle_lock_s is not None else basics.idle_lock_minutes * 60.0
        )
        self._monotonic = monotonic
        self._last_input = monotonic()
        self._typeahead = TypeAhead(
            self._message_pumps,
            lambda: station.calls_in_flight,
            self.post_message,
            time.monotonic,  # real time even when a test freezes the idle clock
        )
        self._refresh_status = refresh_status
        self.set_reactive(KioskApp.language, language)
        self.set_reactive(
            KioskApp.status,
            StatusView(
                counter_id=basics.counter_id,
                has_central=basics.has_central,
                now=station.clock(),
            ),
        )

    @property
    def settings(self) -> KioskSettings:
        return self.station.settings

    # ----------------------------------------------------------------- start and stop

    def on_mount(self) -> None:
        if self.station.settings is not None:
            self.station.open()
        else:  # the config is checked behind the login screen; a bad one stops the counter
            self.call_after_refresh(self.station.open_in_background)
        self.station.subscribe_sync(lambda state: self.post_message(SyncChanged(state)))
        self.station.subscribe_printer(lambda status: self.post_message(PrinterChanged(status)))
        self.set_interval(1.0, self._check_idle, name="idle-lock")
        if self._refresh_status:
            self.set_interval(STATUS_REFRESH_S, self.refresh_status, name="status")
        from kiosk.screens.login import LoginScreen

        self.push_screen(LoginScreen())
        self.call_after_refresh(self._start_background)

    @work(thread=True, exclusive=True, group="start", exit_on_error=False, name="start")
    def _start_background(self) -> None:
        """Sync engine and printer start while the operator types the PIN (after the
        config check and the database open, when those were left to run behind the login)."""
        try:
            self.station.wait_open()
        except Exception as error:
            self.call_from_thread(self._cannot_start, error)
            return
        self.station.start_background()
        self.call_from_thread(self.refresh_status)

    def _cannot_start(self, error: BaseException) -> None:
        from rich.text import Text

        lines = getattr(error, "lines", None) or [f"{type(error).__name__}: {error}"]
        self.exit(return_code=2, message=Text("\n".join(f"kiosk: {line}" for line in lines)))

    def on_unmount(self) -> None:
        self.station.close()

    # ----------------------------------------------------------------- status

    @work(thread=False, exclusive=True, group="status", exit_on_error=False, name="status")
    async def refresh_status(self) -> None:
        """Queue numbers from the database thread; the engine's state fills in the rest."""
        numbers = await self.station.call(_queue_numbers, self.station.engine)
        times = [datetime.fromisoformat(numbers.last_sync_at)] if numbers.last_sync_at else []
        if self.status.last_sync_at is not None:  # a cycle with nothing to send counts too
            times.append(self.status.last_sync_at)
        last = max(times, default=None)
        self.status = replace(
            self.status,
            online=numbers.online,
            pending=numbers.pending,
            dead_lettered=numbers.dead_lettered,
            last_sync_at=last,
            clock_skew_s=numbers.clock_skew_s,
            now=self.station.clock(),
        )

    def on_sync_changed(self, message: SyncChanged) -> None:
        state = message.state
        last = (
            None
            if state.last_success_at is None
            else datetime.fromtimestamp(state.last_success_at, UTC)
        )
        if state.online and state.last_error is None and state.last_attempt_at is not None:
            # The last cycle went through, even if it had nothing to send.
            attempt = datetime.fromtimestamp(state.last_attempt_at, UTC)
            last = attempt if last is None else max(last, attempt)
        self.status = replace(
            self.status,
            online=state.online,
            pending=state.pending,
            dead_lettered=state.dead_lettered,
            last_sync_at=last or self.status.last_sync_at,
            clock_skew_s=state.clock_skew_s,
            storage_problem=state.storage_problem,
            now=self.station.clock(),
        )

    def on_printer_changed(self, message: PrinterChanged) -> None:
        self.status = replace(
            self.status, printer=str(message.status.state), printer_detail=message.status.detail
        )

    # ----------------------------------------------------------------- operator

    def signed_in(self, operator: Any) -> None:
        """After login: remember who works, show it, and open the lookup."""
        self.operator = operator
        self._last_input = self._monotonic()
        self.status = replace(self.status, operator=operator.operator_id)
        self.go_home()

    def sign_out(self) -> None:
        from kiosk.screens.login import LoginScreen

        self.operator = None
        self.status = replace(self.status, operator="")
        while len(self.screen_stack) > 2:  # keep Textual's own base screen and ours
            self.pop_screen()
        self.switch_screen(LoginScreen())

    def go_home(self) -> None:
        """Back to an empty lookup: the "next consumer" key."""
        from kiosk.screens.lookup import LookupScreen

        if self.operator is None:
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, LookupScreen):
            self.screen.reset()
        else:
            self.switch_screen(LookupScreen())

    # ----------------------------------------------------------------- crash

    def _fatal_error(self) -> None:
        """Textual's own, without the local variables: its traceback prints each frame's
        locals, and at a counter those are names, mobile numbers and account numbers left
        on the terminal for the next person to read."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    # ----------------------------------------------------------------- idle lock

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = self._monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            # Type-ahead (kiosk.typeahead): a key typed while the last one's work goes on
            # waits for it, then goes to whatever has focus by then.
            if self._typeahead.hold(event):
                return
            await super().on_event(event)
            self._typeahead.start()
            return
        await super().on_event(event)

    def _message_pumps(self) -> Iterator[MessagePump]:
        yield self
        for screen in self.screen_stack:
            yield screen
            yield from screen.walk_children(with_self=False)

    def _check_idle(self) -> None:
        if self.operator is None or self.locked:
            return
        if self._monotonic() - self._last_input >= self.idle_lock_s:
            self.action_lock()

    @property
    def locked(self) -> bool:
        from kiosk.screens.lock import LockScreen

        return any(isinstance(screen, LockScreen) for screen in self.screen_stack)

    # ----------------------------------------------------------------- actions

    def action_lock(self) -> None:
        from kiosk.screens.lock import LockScreen

        if self.operator is not None and not self.locked:
            self.push_screen(LockScreen())

    def action_help(self) -> None:
        from kiosk.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_home(self) -> None:
        if not self.locked:
            self.go_home()

    def _open(self, screen_type: type[Screen[Any]]) -> None:
        """Open a task screen over the current one (once; never over the lock)."""
        busy = self.operator is None or self.locked
        if not busy and not isinstance(self.screen, screen_type):
            self.push_screen(screen_type())

    def action_receipts(self) -> None:
        from kiosk.screens.receipts import ReceiptsScreen

        self._open(ReceiptsScreen)

    def action_menu(self) -> None:
        from kiosk.screens.menu import MenuScreen

        self._open(MenuScreen)

    def action_dead_letters(self) -> None:
        from kiosk.screens.dead_letters import DeadLettersScreen

        self._open(DeadLettersScreen)

    def action_sync_now(self) -> None:
        self.station.sync_now()
        self.notify(self.tr("status.sync_requested"), timeout=3, markup=False)

    def action_outage(self) -> None:
        if self.demo is None or self.demo.toggle_outage is None:
            return
        down = self.demo.toggle_outage()
        self.station.sync_now()
        self.notify(
            self.tr("demo.outage_on" if down else "demo.outage_off"), timeout=4, markup=False
        )

    def action_switch_language(self) -> None:
        self.language = self.tr.switch()

    def watch_language(self, _language: str) -> None:
        """Every screen on the stack re-reads its words from the catalogue."""
        for screen in self.screen_stack:
            for node in [screen, *screen.query("*")]:
                localise = getattr(node, "localise", None)
                if callable(localise):
                    localise()


def create_app(
    settings: KioskSettings,
    *,
    clock: Callable[[], datetime] | None = None,
    printer: Connection | None = None,
    transport: Any = None,
    sync: bool = True,
    demo: DemoInfo | None = None,
    strict_i18n: bool = False,
    idle_lock_s: float | None = None,
    refresh_status: bool = True,
    entropy: Callable[[int], bytes] | None = None,
) -> KioskApp:
    """The one way to build the counter app (CLI, demo and tests)."""
    options: dict[str, Any] = {}
    if clock is not None:
        options["clock"] = clock
    if entropy is not None:
        options["entropy"] = entropy
    station = Station(settings, printer=printer, transport=transport, sync=sync, **options)
    from kiosk.config import basics_of

    basics = basics_of(settings)
    language: Language = settings.language
    return KioskApp(
        station,
        basics,
        language=language,
        strict_i18n=strict_i18n,
        demo=demo,
        idle_lock_s=idle_lock_s,
        refresh_status=refresh_status,
    )


def counter_app(path: Path | None) -> KioskApp:
    """The counter screen from its config file, as ``kiosk`` starts it every morning.

    The login screen shows from the few values it needs (:class:`Basics`, read as
    written); the whole config is checked, and the database opened, on the database thread
    behind it. A config that fails the check stops the app with the same plain lines
    ``kiosk config check`` gives. A file that cannot be read at all raises ConfigError here.
    """
    from kiosk.config_file import read_config

    data = read_config(path)
    label = str(path) if path else "(no config file)"

    def load() -> KioskSettings:
        from kiosk.config import settings_from

        return settings_from(data, label)

    basics = Basics.from_data(data)
    language: Language = "hi" if basics.language == "hi" else "en"
    return KioskApp(Station(None, load_settings=load), basics, language=language)
