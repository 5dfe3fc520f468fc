"""Who may act: operator ids and the supervisor check for cancellations.

Login with PINs comes with the counter screen; here every action names its operator and a
cancellation needs a supervisor (or admin) known to this counter.
"""

from __future__ import annotations

import re

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed
from kiosk.services.recording import audit
from kiosk.store.db import transaction

_OPERATOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,19}", re.ASCII)
ROLES = ("operator", "supervisor", "admin")


def check_operator_id(operator_id: str, field: str = "operator") -> str:
    value = (operator_id or "").strip()
    if not _OPERATOR_ID.fullmatch(value):
        raise InvalidInput(field, "must be 1-20 letters, digits, - or _ (an operator id)")
    return value


def require_operator(counter: Counter, operator_id: str, field: str = "operator") -> str:
    """A well-formed operator id; one this counter disabled may not act.

    What the id's role may do is :func:`kiosk.services.roles.require_role`'s question.
    """
    value = check_operator_id(operator_id, field)
    row = counter.conn.execute(
        "SELECT active FROM operators WHERE operator_id = ?", (value,)
    ).fetchone()
    if row is not None and not row[0]:
        raise NotAllowed(f"operator {value} is disabled at this counter")
    return value


def staff_role(counter: Counter, operator_id: str) -> str | None:
    """The registered role of an operator id, None when the counter does not know it."""
    row = counter.conn.execute(
        "SELECT role FROM operators WHERE operator_id = ?", (operator_id,)
    ).fetchone()
    return str(row[0]) if row is not None else None


def require_supervisor(counter: Counter, operator_id: str) -> str:
    """An active supervisor or admin (who approves a cancellation): the roles table's
    ``receipt.cancel`` row."""
    from kiosk.services.roles import require_role  # roles imports this module

    return require_role(counter, operator_id, "receipt.cancel", field="supervisor")


def add_operator(counter: Counter, operator_id: str, name: str, role: str = "operator") -> str:
    """Register an operator (PINs are set by the login screen)."""
    value = check_operator_id(operator_id)
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}, got {role!r}")
    clean = " ".join((name or "").split())
    if not clean or len(clean) > 60:
        raise InvalidInput("name", "must be 1-60 characters")
    exists = counter.conn.execute(
        "SELECT 1 FROM operators WHERE operator_id = ?", (value,)
    ).fetchone()
    if exists:
        raise InvalidInput("operator", f"{value} already exists")
    with transaction(counter.conn):
        counter.conn.execute(
            "INSERT INTO operators (operator_id, name, role, failed_attempts, active, created_at)"
            " VALUES (?, ?, ?, 0, 1, ?)",
            (value, clean, role, counter.now().isoformat()),
        )
        audit(
            counter,
            now=counter.now(),
            operator_id=value,
            action="operator.added",
            ref=value,
            detail={"role": role},
        )
    return value
