"""Who may do what at the counter: the one table every service and screen asks.

The matrix follows counter practice (DOMAIN.md, "Who uses it" and "Counter practice"):

=====================  ========  ==========  =====  ============================================
action                 operator  supervisor  admin  why
=====================  ========  ==========  =====  ============================================
payment.record            yes       yes       yes   taking money is the operator's work
recharge.record           yes       yes       yes   a prepaid recharge is a payment
receipt.reprint           yes       yes       yes   a DUPLICATE changes no money
receipt.list              yes       yes       yes   the operator's own shift's receipts
scheme.register           yes       yes       yes   a request logged for the office
complaint.log             yes       yes       yes   a request logged for the office
reading.record            yes       yes       yes   a request logged for the office
connection.apply          yes       yes       yes   a request logged for the office
bill.estimate             yes       yes       yes   a calculator slip
shift.report              yes       yes       yes   the X report only reads
shift.close               yes       yes       yes   a CSC operator alone counts and closes the
                                                    drawer; the variance is stored and audited
                                                    for the supervisor (not approved by one)
day.reconcile             yes       yes       yes   a read-only comparison with the central
day.export                 -        yes       yes   the whole counter's day, with consumers'
                                                    names, leaves the machine: the supervisor
                                                    closes the day
receipt.cancel             -        yes       yes   "cancelled only by a supervisor"
dead_letter.view           -        yes       yes   refused events are sorted out with the office
dead_letter.retry          -        yes       yes   sending one again is an approval
audit.verify               -        yes       yes   checking the audit chain
operator.add               -        yes       yes   a supervisor adds operators; a supervisor or
                                                    admin only an admin adds, except the
                                                    counter's first admin (below)
operator.list              -        yes       yes   who works here, with roles (never PINs)
purge                      -         -        yes   removing personal data is data management
=====================  ========  ==========  =====  ============================================

An admin may do everything a supervisor may, and a supervisor everything an operator may
(``tests/services/test_roles.py`` holds the table to that). ``audit.verify`` and ``purge``
are here for the commands that do them, which check them with the PIN
(:mod:`kiosk.cli.sign_in`); the rest are checked by the services named in
:data:`ACTIONS`' comments through :func:`require_role`, before anything is written, so
the command line and the screens are refused alike. The screens also refuse, in their
language, a key the signed-in role may not use (:mod:`kiosk.screens.role_check`): F7's
refused events, F9, the shift screen's E (export), the cancel approval. PINs
(``operator.pin_set``) keep their own rules in :mod:`kiosk.services.auth`: an operator
changes their own, a supervisor sets others'.

An operator id that is not registered at the counter acts as an operator, as before this
table (the command line's ``operator.default_id``); it may do nothing more.

``operator.add`` is the one row the role of the new person refines
(:func:`kiosk.services.operators.add_staff_member`): a supervisor may add operators, and
only an admin may add a supervisor or an admin. The first admin has nobody to add them, so
while the counter has no active admin with a PIN, a supervisor (signed in with their PIN)
may add one; the audit row says ``first_admin``. From then on only admins add supervisors
and admins. A counter starts with the first supervisor (``create_first_supervisor``, the
login screen's first run), who adds the staff and the first admin with ``kiosk operators
add``.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.i18n import Translator
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed
from kiosk.services.operators import ROLES, require_operator, staff_role

__all__ = ["ACTIONS", "ROLES", "may", "refusal", "require_role", "who_may"]

_ALL = frozenset(ROLES)
_SUPERVISORS = frozenset({"supervisor", "admin"})
_ADMIN = frozenset({"admin"})

# action -> the roles that may do it (the comment: the service that checks it)
ACTIONS: dict[str, frozenset[str]] = {
    "payment.record": _ALL,  # payments.record_payment
    "recharge.record": _ALL,  # recharge.check_recharge (recharge)
    "receipt.reprint": _ALL,  # printing.reprint
    "receipt.list": _ALL,  # receipts.shift_receipts
    "scheme.register": _ALL,  # scheme.check_registration (register_scheme)
    "complaint.log": _ALL,  # complaints.log_complaint
    "reading.record": _ALL,  # readings.record_reading
    "connection.apply": _ALL,  # connections.request_connection
    "bill.estimate": _ALL,  # bill_estimate.print_bill_estimate
    "shift.report": _ALL,  # shifts.open_shift_view, print_x_report
    "shift.close": _ALL,  # shifts.close_shift
    "day.reconcile": _ALL,  # reconcile.reconcile_day
    "day.export": _SUPERVISORS,  # day_export.export_day
    "receipt.cancel": _SUPERVISORS,  # payments.cancel_receipt (the approver)
    "dead_letter.view": _SUPERVISORS,  # dead_letters.list_dead_letters
    "dead_letter.retry": _SUPERVISORS,  # dead_letters.retry_dead_letter
    "audit.verify": _SUPERVISORS,
    "operator.add": _SUPERVISORS,  # operators.add_staff_member (admins: see the module)
    "operator.list": _SUPERVISORS,  # operators.list_staff
    "purge": _ADMIN,
}

# Refusals are worded by the catalogue (kiosk/i18n/*/roles.toml): the service's message
# is the English line, the screen shows the same line in its language.
Tr = Callable[..., str]


def who_may(action: str) -> frozenset[str]:
    """The roles that may do ``action``; an action not in the table is a programming error."""
    try:
        return ACTIONS[action]
    except KeyError:
        raise ValueError(f"no such action in kiosk.services.roles: {action!r}") from None


def may(role: str | None, action: str) -> bool:
    """Whether a signed-in role may do ``action`` (screens use it to hide or refuse a key)."""
    return role in who_may(action)


def refusal(tr: Tr, operator_id: str, role: str | None, action: str) -> str:
    """The refusal in plain words, naming the action and the roles that may do it.

    ``tr`` is a translator (:class:`kiosk.i18n.Translator` or a screen's ``tr``); ``role``
    None means the id is not registered here.
    """
    who = tr("roles.or").join(tr(f"roles.someone.{r}") for r in ROLES if r in who_may(action))
    what = tr(f"roles.action.{action.replace('.', '_')}")
    if role is None:
        return tr("roles.unknown", operator=operator_id, action=what, who=who)
    someone = tr(f"roles.someone.{role}")
    return tr("roles.refused", operator=operator_id, role=someone, action=what, who=who)


def require_role(
    counter: Counter, operator_id: str, action: str, *, field: str = "operator"
) -> str:
    """The operator id, if it may do ``action`` here; NotAllowed in plain words otherwise.

    Call it before anything is written: a refusal changes nothing. A disabled id is refused
    whatever its role (:func:`require_operator`).
    """
    allowed = who_may(action)
    value = require_operator(counter, operator_id, field)
    role = staff_role(counter, value)
    if role is None and "operator" in allowed:
        return value  # an unregistered id acts as an operator (see the module)
    if role in allowed:
        return value
    raise NotAllowed(refusal(Translator("en"), value, role, action))
