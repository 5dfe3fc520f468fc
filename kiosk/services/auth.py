"""Operator login with PINs: setting them, checking them, and locking out guessers.

PINs are stored only as argon2id hashes (``operators.pin_hash``). Every attempt, right or
wrong, is one ``BEGIN IMMEDIATE`` transaction that updates the failure count and appends
the audit row, and its answer is given only after the commit: a power cut can never hide a
wrong guess, and nobody learns whether a guess was right without it being recorded.

After ``settings.operator.max_pin_attempts`` consecutive wrong PINs the operator id is
locked for ``lockout_minutes``; while locked even the right PIN is refused. An operator id
that does not exist is treated the same way (its failures are counted in the audit log,
since it has no ``operators`` row), so the answers never tell whether an id exists until
the lock says so. A PIN, or its hash, never goes into a message, an exception or the audit.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed, NotFound, ServiceError
from kiosk.services.operators import check_operator_id
from kiosk.services.recording import audit
from kiosk.store.db import transaction, utc_text

__all__ = [
    "DEFAULT_HASHER",
    "PIN_RULE",
    "LoginRefused",
    "Operator",
    "check_pin",
    "create_first_supervisor",
    "list_operators",
    "login",
    "needs_first_supervisor",
    "set_pin",
    "sign_in_for_command",
    "validate_pin",
]

PIN_RULE = "must be 4 to 8 digits"
TOO_EASY = f"{PIN_RULE}, and not too easy to guess (all one digit, or counting up like 1234)"

# argon2-cffi's own default profile (RFC 9106, low memory: 64 MiB, 3 passes, 4 lanes),
# named so that a library upgrade cannot silently change it: about 100 ms per hash or
# verify on a counter PC. Tests may pass a cheaper hasher explicitly.
DEFAULT_HASHER = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)

Reason = Literal["unknown", "wrong_pin", "locked", "disabled", "no_pin"]
_PIN = re.compile(r"[0-9]{4,8}", re.ASCII)
# A Hindi keyboard types Devanagari digits; they mean the same PIN as the keypad's.
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_SUPERVISORS = ("supervisor", "admin")
_WRONG = "operator id or PIN is wrong"
# What an id that is not an operator id at all is counted under (never the text typed).
_MALFORMED_REF = "(not an operator id)"


@dataclass(frozen=True)
class Operator:
    operator_id: str
    name: str
    role: str  # operator, supervisor or admin


class LoginRefused(ServiceError):
    """A login or unlock was refused; ``message`` is a plain sentence without the PIN.

    ``reason`` is for the code, not the screen: an unknown id and a wrong PIN read the same.
    ``attempts_left`` counts the wrong PINs still allowed before the lock (0 when locked,
    None when PINs are not the problem); ``locked_until`` is set while locked.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: Reason,
        attempts_left: int | None = None,
        locked_until: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.reason: Reason = reason
        self.attempts_left = attempts_left
        self.locked_until = locked_until


# --- PIN rules ---------------------------------------------------------------------------


def _digits(pin: object) -> str:
    return pin.translate(_DEVANAGARI_DIGITS) if isinstance(pin, str) else ""


def validate_pin(pin: str, field: str = "PIN") -> str:
    """The PIN as ASCII digits, or InvalidInput (whose message never repeats the PIN)."""
    value = _digits(pin)
    if not _PIN.fullmatch(value):
        raise InvalidInput(field, PIN_RULE)
    steps = {int(b) - int(a) for a, b in pairwise(value)}
    if steps in ({0}, {1}):
        raise InvalidInput(field, TOO_EASY)
    return value


# --- reading operators -------------------------------------------------------------------


def needs_first_supervisor(counter: Counter) -> bool:
    """True while no active supervisor or admin has a PIN (nobody could approve anything)."""
    return not _has_supervisor(counter.conn)


def _has_supervisor(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM operators WHERE active = 1 AND role IN ('supervisor', 'admin')"
        " AND pin_hash LIKE '$argon2%' LIMIT 1"
    ).fetchone()
    return found is not None


def list_operators(counter: Counter) -> list[Operator]:
    """The active operators (no hashes), for the login screen's hint."""
    rows = counter.conn.execute(
        "SELECT operator_id, name, role FROM operators WHERE active = 1 ORDER BY operator_id"
    ).fetchall()
    return [Operator(*found) for found in rows]


def _row(conn: sqlite3.Connection, operator_id: str) -> dict[str, Any] | None:
    cursor = conn.execute(
        "SELECT operator_id, name, role, pin_hash, failed_attempts, locked_until, active"
        " FROM operators WHERE operator_id = ?",
        (operator_id,),
    )
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip([d[0] for d in cursor.description], found, strict=True))


def _has_pin(found: dict[str, Any]) -> bool:
    return str(found["pin_hash"] or "").startswith("$argon2")


# --- setting PINs ------------------------------------------------------------------------


def create_first_supervisor(
    counter: Counter,
    operator_id: str,
    name: str,
    pin: str,
    *,
    hasher: PasswordHasher | None = None,
) -> Operator:
    """Make the counter's first supervisor, allowed only while :func:`needs_first_supervisor`.

    Creates the supervisor, or gives its PIN to an existing active supervisor (or admin)
    that has none yet; one transaction, audited ``operator.first_supervisor``.
    """
    value = check_operator_id(operator_id)
    clean = " ".join((name or "").split())
    if not clean or len(clean) > 60:
        raise InvalidInput("name", "must be 1-60 characters")
    digits = validate_pin(pin)
    _check_first_supervisor(counter.conn, value)
    pin_hash = (hasher or DEFAULT_HASHER).hash(digits)
    now = counter.now()
    with transaction(counter.conn):
        existing = _check_first_supervisor(counter.conn, value)  # again, under the lock
        if existing is None:
            counter.conn.execute(
                "INSERT INTO operators (operator_id, name, role, pin_hash, failed_attempts,"
                " active, created_at) VALUES (?, ?, 'supervisor', ?, 0, 1, ?)",
                (value, clean, pin_hash, now.isoformat()),
            )
            made = Operator(value, clean, "supervisor")
        else:
            _store_pin(counter.conn, value, pin_hash)
            made = Operator(value, existing["name"], existing["role"])
        audit(
            counter,
            now=now,
            operator_id=value,
            action="operator.first_supervisor",
            ref=value,
            detail={"role": made.role, "created": existing is None},
        )
    return made


def _check_first_supervisor(conn: sqlite3.Connection, operator_id: str) -> dict[str, Any] | None:
    """The existing PIN-less supervisor to complete, None to create one, else NotAllowed."""
    if _has_supervisor(conn):
        raise NotAllowed(
            "this counter already has a supervisor: ask them to add you and set your PIN"
        )
    found = _row(conn, operator_id)
    if found is None:
        return None
    if not found["active"]:
        raise NotAllowed(f"operator {operator_id} is disabled at this counter: choose another id")
    if found["role"] not in _SUPERVISORS:
        raise NotAllowed(
            f"{operator_id} is already an operator, not a supervisor: choose another id"
        )
    return found


def set_pin(
    counter: Counter,
    operator_id: str,
    pin: str,
    *,
    by: str,
    hasher: PasswordHasher | None = None,
) -> None:
    """Set an operator's PIN and clear their lock; audited ``operator.pin_set``.

    ``by`` is the operator themself (changing a PIN they already have) or an active
    supervisor or admin; only an admin may set an admin's PIN, and the first PIN of a
    new operator comes from a supervisor.
    """
    target = check_operator_id(operator_id)
    actor = check_operator_id(by, "by")
    digits = validate_pin(pin)
    found = _check_set_pin(counter.conn, target, actor)
    pin_hash = (hasher or DEFAULT_HASHER).hash(digits)
    now = counter.now()
    with transaction(counter.conn):
        found = _check_set_pin(counter.conn, target, actor)  # again, under the lock
        _store_pin(counter.conn, target, pin_hash)
        audit(
            counter,
            now=now,
            operator_id=actor,
            action="operator.pin_set",
            ref=target,
            detail={"role": found["role"], "by_self": actor == target},
        )


def _check_set_pin(conn: sqlite3.Connection, target: str, actor: str) -> dict[str, Any]:
    found = _row(conn, target)
    if found is None:
        raise NotFound(f"operator {target} is not known at this counter")
    if not found["active"]:
        raise NotAllowed(f"operator {target} is disabled at this counter")
    by = _row(conn, actor)
    if by is None or not by["active"]:
        raise NotAllowed(f"{actor} is not an active operator at this counter")
    if actor == target:
        if not _has_pin(found):
            raise NotAllowed(f"{target} has no PIN yet: a supervisor sets the first one")
        return found
    if by["role"] not in _SUPERVISORS:
        raise NotAllowed(f"only {target} or a supervisor may set {target}'s PIN")
    if found["role"] == "admin" and by["role"] != "admin":
        raise NotAllowed(f"only an admin may set the PIN of admin {target}")
    return found


def _store_pin(conn: sqlite3.Connection, operator_id: str, pin_hash: str) -> None:
    conn.execute(
        "UPDATE operators SET pin_hash = ?, failed_attempts = 0, locked_until = NULL"
        " WHERE operator_id = ?",
        (pin_hash, operator_id),
    )


# --- checking PINs -----------------------------------------------------------------------


def login(
    counter: Counter, operator_id: str, pin: str, *, hasher: PasswordHasher | None = None
) -> Operator:
    """The operator, if the PIN is theirs; else LoginRefused. Audited ``operator.login``
    or ``operator.login_refused``."""
    return _attempt(counter, operator_id, pin, hasher or DEFAULT_HASHER, "operator.login")


def check_pin(
    counter: Counter, operator_id: str, pin: str, *, hasher: PasswordHasher | None = None
) -> Operator:
    """Like :func:`login`, for unlocking an idle-locked screen; the same failure count.
    Audited ``operator.unlock`` or ``operator.unlock_refused``."""
    return _attempt(counter, operator_id, pin, hasher or DEFAULT_HASHER, "operator.unlock")


def sign_in_for_command(
    counter: Counter, operator_id: str, pin: str, *, hasher: PasswordHasher | None = None
) -> Operator:
    """Like :func:`login`, for a supervisor's or admin's command line (``export-day``,
    ``audit verify``, ``purge``): an id typed on the command line is only a claim until its
    PIN is checked. The same failure count and lockout as the screen's; audited
    ``operator.command`` or ``operator.command_refused``."""
    return _attempt(counter, operator_id, pin, hasher or DEFAULT_HASHER, "operator.command")


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash with the hasher's own cost, checked for unknown ids so they take as long."""
    return hasher.hash("not a PIN")


@dataclass
class _Outcome:
    operator: Operator | None = None
    refused: LoginRefused | None = None


def _attempt(
    counter: Counter, operator_id: str, pin: str, hasher: PasswordHasher, action: str
) -> Operator:
    try:
        claimed = check_operator_id(operator_id)
    except InvalidInput:
        claimed = _MALFORMED_REF
    digits = _digits(pin)
    # A PIN that breaks the rule cannot be right: check an impossible one, in the same time.
    candidate = digits if _PIN.fullmatch(digits) else ""
    dummy = _dummy_hash(hasher)  # made on the first attempt of any kind, not an unknown id's
    now = counter.now()
    with transaction(counter.conn):
        found = _row(counter.conn, claimed) if claimed != _MALFORMED_REF else None
        if found is None:
            outcome = _unknown(counter, claimed, candidate, hasher, dummy, action, now)
        else:
            outcome = _known(counter, found, candidate, hasher, action, now)
    # Answer only after the commit: the attempt is on record before anyone learns anything.
    if outcome.refused is not None:
        raise outcome.refused
    assert outcome.operator is not None
    return outcome.operator


def _known(
    counter: Counter,
    found: dict[str, Any],
    pin: str,
    hasher: PasswordHasher,
    action: str,
    now: datetime,
) -> _Outcome:
    operator_id = found["operator_id"]
    failed, locked_until = _current_lock(found["failed_attempts"], found["locked_until"], now)

    def refuse(reason: Reason, refused: LoginRefused) -> _Outcome:
        counter.conn.execute(
            "UPDATE operators SET failed_attempts = ?, locked_until = ? WHERE operator_id = ?",
            (failed, utc_text(locked_until) if locked_until else None, operator_id),
        )
        _audit_refusal(counter, operator_id, action, now, reason, failed, locked_until)
        return _Outcome(refused=refused)

    if not found["active"]:
        message = f"operator {operator_id} is disabled at this counter: ask a supervisor"
        return refuse("disabled", LoginRefused(message, reason="disabled"))
    if locked_until is not None:
        return refuse("locked", _locked(now, locked_until, "locked"))
    if not _has_pin(found):
        message = f"operator {operator_id} has no PIN yet: ask a supervisor to set one"
        return refuse("no_pin", LoginRefused(message, reason="no_pin"))
    try:
        hasher.verify(found["pin_hash"], pin)
    except InvalidHashError:
        message = f"operator {operator_id} has no usable PIN: ask a supervisor to set one"
        return refuse("no_pin", LoginRefused(message, reason="no_pin"))
    except VerificationError:
        failed, locked_until = _count_failure(counter, failed, now)
        return refuse("wrong_pin", _wrong(counter, now, failed, locked_until, "wrong_pin"))

    rehashed = hasher.check_needs_rehash(found["pin_hash"])
    new_hash = hasher.hash(pin) if rehashed else found["pin_hash"]
    counter.conn.execute(
        "UPDATE operators SET pin_hash = ?, failed_attempts = 0, locked_until = NULL"
        " WHERE operator_id = ?",
        (new_hash, operator_id),
    )
    audit(
        counter,
        now=now,
        operator_id=operator_id,
        action=action,
        ref=operator_id,
        detail={"rehashed": rehashed},
    )
    return _Outcome(operator=Operator(operator_id, found["name"], found["role"]))


def _unknown(
    counter: Counter,
    claimed: str,
    pin: str,
    hasher: PasswordHasher,
    dummy: str,
    action: str,
    now: datetime,
) -> _Outcome:
    """No such operator: spend the same time and count failures in the audit log, so the
    answers match a real operator's wrong PIN (a lock included)."""
    row = counter.conn.execute(
        "SELECT detail FROM audit_log WHERE ref = ? AND action IN"
        " ('operator.login_refused', 'operator.unlock_refused') ORDER BY id DESC LIMIT 1",
        (claimed,),
    ).fetchone()
    last = json.loads(row[0]) if row else {}
    failed, locked_until = _current_lock(
        int(last.get("failed_attempts") or 0), last.get("locked_until"), now
    )
    if locked_until is not None:
        refused = _locked(now, locked_until, "unknown")
    else:
        # The result is thrown away: it can only fail, and it takes as long as a real check.
        with suppress(VerificationError):
            hasher.verify(dummy, pin)
        failed, locked_until = _count_failure(counter, failed, now)
        refused = _wrong(counter, now, failed, locked_until, "unknown")
    # The screen cannot tell this from a wrong PIN; the reason and the audit row can.
    _audit_refusal(counter, claimed, action, now, "unknown", failed, locked_until)
    return _Outcome(refused=refused)


def _current_lock(
    failed: int, locked_until: str | None, now: datetime
) -> tuple[int, datetime | None]:
    """The failure count and lock as they stand now: a lock that ran out starts afresh."""
    if locked_until:
        until = datetime.fromisoformat(locked_until)
        if now < until:
            return failed, until
        return 0, None
    return failed, None


def _count_failure(counter: Counter, failed: int, now: datetime) -> tuple[int, datetime | None]:
    failed += 1
    rules = counter.settings.operator
    if failed >= rules.max_pin_attempts:
        return failed, now + timedelta(minutes=rules.lockout_minutes)
    return failed, None


def _wrong(
    counter: Counter, now: datetime, failed: int, locked_until: datetime | None, reason: Reason
) -> LoginRefused:
    if locked_until is not None:  # this wrong PIN was one too many
        return _locked(now, locked_until, "unknown" if reason == "unknown" else "locked", True)
    left = counter.settings.operator.max_pin_attempts - failed
    tries = "1 try" if left == 1 else f"{left} tries"
    return LoginRefused(f"{_WRONG}: {tries} left", reason=reason, attempts_left=left)


def _locked(
    now: datetime, locked_until: datetime, reason: Reason, just_now: bool = False
) -> LoginRefused:
    minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
    wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
    lead = f"{_WRONG} too many times" if just_now else "too many wrong PINs"
    message = f"{lead}: this operator id is locked, try again in {wait} or ask a supervisor"
    return LoginRefused(message, reason=reason, attempts_left=0, locked_until=locked_until)


def _audit_refusal(
    counter: Counter,
    operator_id: str,
    action: str,
    now: datetime,
    reason: Reason,
    failed: int,
    locked_until: datetime | None,
) -> None:
    audit(
        counter,
        now=now,
        operator_id=operator_id,
        action=f"{action}_refused",
        ref=operator_id,
        detail={
            "reason": reason,
            "failed_attempts": failed,
            "locked_until": utc_text(locked_until) if locked_until else None,
        },
    )
