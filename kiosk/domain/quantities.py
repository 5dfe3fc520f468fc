"""Sanctioned load and metered units: the two quantities every bill and quote depends on."""

from __future__ import annotations

import re
from decimal import Decimal

from kiosk.domain.errors import InvalidInput

MIN_LOAD_KW = Decimal("0.1")
MAX_LOAD_KW = Decimal(1000)
MAX_UNITS = 1_000_000
_LOAD = re.compile(r"[0-9]{1,4}(\.[0-9]{1,3})?", re.ASCII)


def check_load_kw(load_kw: Decimal | int | str) -> Decimal:
    """A sanctioned load in kW as written on a connection: ``2``, ``1.5``, ``0.5``.

    Only plain ASCII decimals with up to 3 places: ``1_5``, ``1e3`` and other digits
    are refused, because a mistyped load silently changes every rupee of the bill.
    """
    text = str(load_kw).strip() if not isinstance(load_kw, bool) else ""
    if not _LOAD.fullmatch(text):
        raise InvalidInput("load", f"must be a number of kW such as 2 or 1.5, got {load_kw!r}")
    value = Decimal(text)
    if not MIN_LOAD_KW <= value <= MAX_LOAD_KW:
        raise InvalidInput(
            "load", f"must be from {MIN_LOAD_KW} to {MAX_LOAD_KW} kW, got {value.normalize():f}"
        )
    return value


def check_units(units: int) -> int:
    """Whole kWh from 0 to a million (no real LMV bill comes near that)."""
    if isinstance(units, bool) or not isinstance(units, int):
        raise InvalidInput("units", f"must be a whole number of kWh, got {units!r}")
    if not 0 <= units <= MAX_UNITS:
        raise InvalidInput("units", f"must be from 0 to {MAX_UNITS:,} kWh, got {units}")
    return units
