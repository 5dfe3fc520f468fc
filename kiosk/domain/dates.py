"""A date as a counter operator types it.

Cheque dates, reading dates and the like are typed day first (``10-01-2026``) or in ISO
order (``2026-01-10``), with -, / or . between the parts; one parser serves every form.
"""

from __future__ import annotations

from datetime import date, datetime

DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def parse_day(text: str) -> date | None:
    """``10-01-2026`` or ``2026-01-10`` (also with / or .); None when it is neither."""
    raw = text.strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None
