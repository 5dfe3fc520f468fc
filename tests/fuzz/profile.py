"""How many examples the fuzz tests try: few by default (the whole suite runs in CI on
every change), many with ``KIOSK_FUZZ_EXAMPLES=N`` for a long hunt."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

ENV = "KIOSK_FUZZ_EXAMPLES"


def examples(default: int) -> int:
    """``default`` unless KIOSK_FUZZ_EXAMPLES says otherwise (a whole number above 0)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{ENV} must be a whole number of examples, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{ENV} must be 1 or more, got {value}")
    return value


def fuzz_settings(default: int) -> settings:
    """Hypothesis settings for a fuzz test: ``examples(default)``, no deadline (a fresh
    counter database per example is slow on a loaded CI machine, not a bug)."""
    return settings(
        max_examples=examples(default),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
