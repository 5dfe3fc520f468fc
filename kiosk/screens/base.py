"""What every counter screen shares: the status bar on top, keys below, a message line,
and one way to call a service without freezing the screen or crashing on a refusal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from textual.app import ComposeResult
from textual.screen import Screen

from kiosk.config_file import Basics
from kiosk.domain.errors import InvalidInput
from kiosk.i18n import Translator
from kiosk.services.errors import ServiceError, StoreError
from kiosk.services.station import Station
from kiosk.widgets.key_bar import KeyBar
from kiosk.widgets.message_line import MessageLine, Tone
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.text import TLabel

log = logging.getLogger(__name__)

R = TypeVar("R")

# Keys that work on every screen after login (the app binds them).
GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    ("F1", "keys.help"),
    ("F2", "keys.lookup"),
    ("F4", "keys.receipts"),
    ("F7", "keys.menu"),
    ("F10", "keys.language"),
    ("F12", "keys.lock"),
)


class Desk(Protocol):
    """What screens may use of the app (screens cannot import the app: layers)."""

    station: Station
    basics: Basics
    tr: Translator
    operator: Any  # kiosk.services.auth.Operator once signed in, else None
    language: str
    demo: Any  # DemoInfo or None

    def go_home(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    ok: bool
    value: R | None = None
    error: str = ""


def plain_error(exc: Exception) -> str:
    """The sentence an operator sees for a refusal."""
    if isinstance(exc, InvalidInput):
        return f"{exc.field}: {exc.message}"
    if isinstance(exc, ServiceError):
        return exc.message
    return str(exc)


# How the store words a write SQLite refused (kiosk.store.db._PLAIN_REASONS), and the
# catalogue sentence the operator reads instead, in their language.
_STORAGE_MESSAGES: tuple[tuple[str, str], ...] = (
    ("the disk is full", "errors.disk_full"),
    ("read-only", "errors.read_only"),
)


def storage_error(tr: Translator, exc: StoreError) -> str:
    """What the operator reads when the counter's database refused to save.

    The store rolled the action back (its transaction never half-commits), so every
    sentence can say nothing was saved; the supervisor is the one who can free the disk
    or fix the file. A cause not named here keeps the store's own sentence as the detail.
    """
    said = str(exc)
    key = next((key for needle, key in _STORAGE_MESSAGES if needle in said), None)
    return tr(key) if key else tr("errors.storage", detail=said)


def refusal(tr: Translator, exc: Exception) -> str | None:
    """The operator's sentence for an exception a service call may raise on purpose
    (bad input, a refusal, a database that cannot save); None for a bug."""
    if isinstance(exc, (InvalidInput, ServiceError)):
        return plain_error(exc)
    if isinstance(exc, StoreError):
        return storage_error(tr, exc)
    return None


class CounterScreen(Screen[Any]):
    """Status bar, a title, the body, a message line and the key bar."""

    TITLE_KEY: ClassVar[str] = ""
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = ()
    SHOW_GLOBAL_KEYS: ClassVar[bool] = True

    def compose(self) -> ComposeResult:
        yield StatusBar()
        if self.TITLE_KEY:
            yield TLabel(self.TITLE_KEY, classes="screen-title")
        yield from self.compose_body()
        yield MessageLine(id="message")
        yield KeyBar(self.key_list())

    def compose_body(self) -> ComposeResult:
        yield from ()

    def key_list(self) -> list[tuple[str, str]]:
        """This screen's keys first: the bar is one line, and at 80 columns the keys that
        work everywhere (all listed by F1) are the ones to be cut off."""
        return [*self.KEYS, *(GLOBAL_KEYS if self.SHOW_GLOBAL_KEYS else ())]

    @property
    def desk(self) -> Desk:
        return self.app  # type: ignore[return-value]

    def tr(self, key: str, /, **values: object) -> str:
        return self.desk.tr(key, **values)

    def say(self, text: str, tone: Tone = "info") -> None:
        self.query_one("#message", MessageLine).show(text, tone)

    def localise(self) -> None:
        """Redraw words that are not TLabels (override); called on language switch."""

    async def attempt(self, fn: Callable[..., R], /, *args: object, **kwargs: object) -> Outcome[R]:
        """Call a service on the database thread; a refusal becomes the message line."""
        try:
            value = await self.desk.station.call(fn, *args, **kwargs)
        except Exception as exc:  # a refusal, a full disk or a bug: say so, keep the screen
            message = self.failure(fn, exc)
            self.say(message, "error")
            return Outcome(False, error=message)
        return Outcome(True, value)

    def failure(self, fn: object, exc: Exception) -> str:
        """The message line for a service call that raised; a bug is logged with its trace."""
        message = refusal(self.desk.tr, exc)
        if message is None:
            log.exception("service call %s failed", getattr(fn, "__name__", fn))
            return self.tr("errors.unexpected", detail=type(exc).__name__)
        if isinstance(exc, StoreError):  # the supervisor will ask: leave it in the log
            log.error("service call %s: %s", getattr(fn, "__name__", fn), exc)
        return message
