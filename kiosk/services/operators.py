"""Who may act: operator ids and the supervisor check for cancellations.

Login with PINs comes with the counter screen; here every action names its operator and a
cancellation needs a supervisor (or admin) known to this counter. Staff are added by a
signed-in supervisor or admin with :func:`add_staff_member` (``kiosk operators add``),
which checks who may add whom, including the first admin (:mod:`kiosk.services.roles`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed
from kiosk.services.recording import audit
from kiosk.store.db import transaction

if TYPE_CHECKING:
    from argon2 import PasswordHasher

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
    """Register an operator without an acting person or PIN: for the demo and test set-ups
    only; a counter adds staff with :func:`add_staff_member`, which checks who adds whom."""
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


@dataclass(frozen=True)
class StaffAddition:
    """A checked request to add a member of staff (nothing written yet)."""

    operator_id: str
    name: str
    role: str
    by: str
    first_admin: bool  # the bootstrap: a supervisor adds the counter's first admin


@dataclass(frozen=True)
class StaffMember:
    operator_id: str
    name: str
    role: str
    active: bool
    has_pin: bool  # whether a PIN is set; never the PIN or its hash


def _has_admin(counter: Counter) -> bool:
    """An active admin who can sign in (has a PIN): someone who may add supervisors."""
    found = counter.conn.execute(
        "SELECT 1 FROM operators WHERE active = 1 AND role = 'admin'"
        " AND pin_hash LIKE '$argon2%' LIMIT 1"
    ).fetchone()
    return found is not None


def check_staff_addition(
    counter: Counter, operator_id: str, name: str, role: str, *, by: str
) -> StaffAddition:
    """Whether ``by`` may add this person in this role (the roles table's ``operator.add``,
    refined by the role: see :mod:`kiosk.services.roles`); refusals in plain words.

    Called before asking for the new person's PIN, and again under the write lock.
    """
    from kiosk.services.roles import require_role  # roles imports this module

    actor = require_role(counter, by, "operator.add", field="by")
    value = check_operator_id(operator_id, "new operator id")
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}, got {role!r}")
    clean = " ".join((name or "").split())
    if not clean or len(clean) > 60:
        raise InvalidInput("name", "must be 1-60 characters")
    if staff_role(counter, value) is not None:
        raise InvalidInput("new operator id", f"{value} already exists at this counter")
    first_admin = False
    if role != "operator" and staff_role(counter, actor) != "admin":
        if role == "admin" and not _has_admin(counter):
            first_admin = True
        else:
            someone = "an admin" if role == "admin" else "a supervisor"
            raise NotAllowed(
                f"{actor} is a supervisor: adding {someone} is for an admin only"
                f"{' (this counter has one)' if role == 'admin' else ''}. Nothing was changed."
            )
    return StaffAddition(value, clean, role, actor, first_admin)


def add_staff_member(
    counter: Counter,
    operator_id: str,
    name: str,
    role: str,
    pin: str,
    *,
    by: str,
    hasher: PasswordHasher | None = None,
) -> StaffAddition:
    """Add a member of staff with their first PIN, as ``by``: one transaction, audited
    ``operator.added`` under ``by``'s id (the PIN never in it).

    A supervisor adds operators; an admin anyone; a supervisor the first admin while the
    counter has none (:func:`check_staff_addition`). ``by`` signs in first: the screen's
    login or the command's PIN (:mod:`kiosk.cli.sign_in`).
    """
    from kiosk.services.auth import DEFAULT_HASHER, validate_pin  # auth imports this module

    check_staff_addition(counter, operator_id, name, role, by=by)
    pin_hash = (hasher or DEFAULT_HASHER).hash(validate_pin(pin, "new PIN"))
    now = counter.now()
    with transaction(counter.conn):
        made = check_staff_addition(counter, operator_id, name, role, by=by)  # under the lock
        counter.conn.execute(
            "INSERT INTO operators (operator_id, name, role, pin_hash, failed_attempts, active,"
            " created_at) VALUES (?, ?, ?, ?, 0, 1, ?)",
            (made.operator_id, made.name, made.role, pin_hash, now.isoformat()),
        )
        audit(
            counter,
            now=now,
            operator_id=made.by,
            action="operator.added",
            ref=made.operator_id,
            detail={"role": made.role, "first_admin": made.first_admin},
        )
    return made


def list_staff(counter: Counter, operator_id: str) -> list[StaffMember]:
    """Everyone registered here, disabled ones too, by id (supervisor or admin only)."""
    from kiosk.services.roles import require_role  # roles imports this module

    require_role(counter, operator_id, "operator.list")
    rows = counter.conn.execute(
        "SELECT operator_id, name, role, active, pin_hash LIKE '$argon2%' FROM operators"
        " ORDER BY operator_id"
    ).fetchall()
    return [StaffMember(r[0], r[1], r[2], bool(r[3]), bool(r[4])) for r in rows]
