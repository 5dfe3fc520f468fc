"""When to try again: exponential backoff with jitter, and the server's ``Retry-After``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A server may ask for a long pause, but a counter must not go quiet for a whole day
# because of one header.
MAX_RETRY_AFTER_S = 3600.0


def backoff_delay(failures: int, *, base_s: float, cap_s: float, rng: Callable[[], float]) -> float:
    """Seconds to wait after ``failures`` consecutive failures (1 = the first failure).

    "Equal jitter": half the exponential step is fixed and half random, so counters that
    lost the network together do not all come back in the same second, and no retry
    comes back immediately.
    """
    if failures < 1:
        return 0.0
    step = min(cap_s, base_s * 2 ** min(failures - 1, 30))
    return step / 2 + rng() * step / 2


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP date; None if bad."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    # ASCII only: str.isdigit() also accepts "²" (float() refuses it) and other scripts' digits
    if text.isascii() and text.isdigit():
        return min(float(text), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, when.timestamp() - now), MAX_RETRY_AFTER_S)


def parse_server_time(value: str | None) -> float | None:
    """The server's clock from its ``X-Server-Time`` header (ISO 8601), or None."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp()
