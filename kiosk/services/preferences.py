"""Small choices a counter remembers between starts, kept in its own database.

The lookup's discom is the one that matters: a counter serving two discoms mostly takes
one of them, and the operator should not have to pick it again after every restart or
power cut. Config ``counter.default_discom`` is only the first default.
"""

from __future__ import annotations

from kiosk.services.counter import Counter
from kiosk.store.db import transaction

LOOKUP_DISCOM = "lookup.discom"


def get_preference(counter: Counter, key: str) -> str | None:
    row = counter.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def set_preference(counter: Counter, key: str, value: str) -> None:
    """Write one setting in its own short transaction (not an operator action: no event)."""
    with transaction(counter.conn) as conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def current_discom(counter: Counter) -> str:
    """The discom the lookup starts with: the last one used, else the configured default.

    A remembered discom the counter no longer serves (the config changed) is ignored.
    """
    served = counter.settings.counter.discoms
    remembered = get_preference(counter, LOOKUP_DISCOM)
    if remembered in served:
        return remembered  # type: ignore[return-value]
    return counter.settings.counter.default_discom or served[0]


def remember_discom(counter: Counter, discom: str) -> str:
    """Make ``discom`` (one this counter serves) the lookup's discom from now on."""
    code = counter.check_discom(discom)
    set_preference(counter, LOOKUP_DISCOM, code)
    return code
