"""Time helpers: the server's UTC clock, its wire format, and the IST business day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

from pydantic import TypeAdapter

IST = timezone(timedelta(hours=5, minutes=30), "IST")
_DATETIME = TypeAdapter(datetime)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def wire_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` exactly as pydantic writes it (``2025-12-15T10:00:00Z``).

    Headers, stored rows and reply bodies all use this one form.
    """
    return str(_DATETIME.dump_python(moment.astimezone(UTC), mode="json"))


def ist_day(moment: datetime) -> date:
    """The calendar day in India (UTC+05:30) of an aware moment: the counter's business day."""
    return moment.astimezone(IST).date()
