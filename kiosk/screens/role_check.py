"""What the signed-in role may do, for a screen: refuse a key in plain words at once.

The services refuse too (:mod:`kiosk.services.roles` is the one table, and words the
refusal); a screen asks first so that the operator is told who may, in the screen's
language, before anything is tried.
"""

from __future__ import annotations

from typing import Any

from kiosk.services.roles import may, refusal


def signed_in_role(screen: Any) -> str | None:
    """The role of whoever is signed in (None when nobody is)."""
    return getattr(getattr(screen.app, "operator", None), "role", None)


def refuse_unless(screen: Any, action: str) -> bool:
    """True when the signed-in role may do ``action``; otherwise the screen says who may."""
    role = signed_in_role(screen)
    if may(role, action):
        return True
    operator_id = getattr(getattr(screen.app, "operator", None), "operator_id", "")
    screen.say(refusal(screen.tr, operator_id, role, action), "error")
    return False
