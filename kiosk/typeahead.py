"""Type-ahead: keys typed while an earlier key's work is still going on wait for it.

Textual gives each key to the widget focused at the moment the app reads the key. An
Enter's work (a database call on the station's thread, a new screen, a focus move) ends
a moment later, so keys typed in one burst after it (a barcode scanner, a fast typist,
``tmux send-keys``) used to land in the old field: the cash tendered in the amount box.

So after each key the app holds the next ones until the key's work has settled, then
gives them back, in order, to whatever has focus by then. "Settled" is: no database call
in flight and no message waiting in any part of the app, seen on a few loop turns in a
row (a handler between two awaits leaves a turn with nothing queued). A key is never held
longer than :data:`MAX_HOLD_S`: at worst it arrives as it did before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual.message_pump import MessagePump

MAX_HOLD_S = 3.0
QUIET_TURNS = 3  # loop turns in a row with nothing queued and no call in flight
BUSY_POLL_S = 0.005  # while a database call runs: look again this often, not in a spin


class TypeAhead:
    """The held keys of one app; ``pumps`` lists every part of the app that takes
    messages, ``calls_in_flight`` the database calls not answered yet, ``replay`` gives
    a key back to the app (to the end of its queue)."""

    def __init__(
        self,
        pumps: Callable[[], Iterable[MessagePump]],
        calls_in_flight: Callable[[], int],
        replay: Callable[[events.Key], Any],
        clock: Callable[[], float],
    ) -> None:
        self._pumps = pumps
        self._calls_in_flight = calls_in_flight
        self._replay = replay
        self._clock = clock
        self._held: list[events.Key] | None = None
        self._since = 0.0
        self._quiet = 0

    @property
    def holding(self) -> bool:
        return self._held is not None

    def hold(self, key: events.Key) -> bool:
        """Keep ``key`` for later if an earlier key's work is still going on."""
        if self._held is None:
            return False
        self._held.append(key)
        return True

    def start(self) -> None:
        """A key was just given out: hold the next ones until its work has settled."""
        if self._held is not None:
            return
        self._held = []
        self._since = self._clock()
        self._quiet = 0
        asyncio.get_running_loop().call_soon(self._check)

    def _settled(self) -> bool:
        if self._calls_in_flight():
            return False
        return all(
            pump.message_queue_size == 0 and not pump._next_callbacks for pump in self._pumps()
        )

    def _check(self) -> None:
        if self._held is None:
            return
        loop = asyncio.get_running_loop()
        if self._clock() - self._since >= MAX_HOLD_S:
            self._release()
        elif self._calls_in_flight():
            self._quiet = 0
            loop.call_later(BUSY_POLL_S, self._check)
        elif not self._settled():
            self._quiet = 0
            loop.call_soon(self._check)
        else:
            self._quiet += 1
            if self._quiet >= QUIET_TURNS:
                self._release()
            else:
                loop.call_soon(self._check)

    def _release(self) -> None:
        held, self._held = self._held or [], None
        for key in held:
            self._replay(key)
