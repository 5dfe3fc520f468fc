"""An HTTP transport with an off switch: a network outage at one counter, on demand.

``kiosk --demo`` passes one :class:`SwitchableTransport` to ``wire_sync`` so that the
operator can pull the plug on this counter alone and watch payments queue up and drain
when it is back, while the central keeps running.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx

OUTAGE_MESSAGE = "network outage simulated at this counter"


class SwitchableTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport`` that fails every request while ``down`` is true.

    While down, a request raises :class:`httpx.ConnectError` before any socket is touched,
    exactly as a cable pulled out would look to the sync engine. The switch may be
    flipped from any thread; a request already on the wire finishes as it would.
    Keyword arguments go to ``httpx.HTTPTransport``.
    """

    def __init__(self, *, down: bool = False, **transport_options: Any) -> None:
        self._inner = httpx.HTTPTransport(**transport_options)
        self._lock = threading.Lock()
        self._down = down

    @property
    def down(self) -> bool:
        with self._lock:
            return self._down

    @down.setter
    def down(self, value: bool) -> None:
        with self._lock:
            self._down = bool(value)

    def toggle(self) -> bool:
        """Flip the switch; returns the new value of ``down``."""
        with self._lock:
            self._down = not self._down
            return self._down

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError(OUTAGE_MESSAGE, request=request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()
