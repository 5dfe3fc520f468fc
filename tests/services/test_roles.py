"""Who may do what: the roles table itself, require_role against every row of it on the
real database, and the services refusing the wrong role in plain words with nothing
written (exporting the day, cancelling, refused events)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGES, Translator, catalogue
from kiosk.services.counter import Counter
from kiosk.services.day_export import export_day
from kiosk.services.dead_letters import list_dead_letters
from kiosk.services.errors import NotAllowed
from kiosk.services.operators import ROLES
from kiosk.services.payments import cancel_receipt, record_payment
from kiosk.services.roles import ACTIONS, may, refusal, require_role, who_may
from tests.services.support import OPERATOR, add_staff, cash, disable_staff, refused_by

STAFF = {"operator": "OP5", "supervisor": "SUP5", "admin": "ADM5"}
CASES = [(action, role) for action in ACTIONS for role in ROLES]


@pytest.fixture
def staffed(counter: Counter) -> Counter:
    for role, operator_id in STAFF.items():
        add_staff(counter, operator_id, role)
    return counter


# --- the table ----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_a_known_role_and_words_in_both_languages(action: str) -> None:
    assert who_may(action), action
    assert who_may(action) <= set(ROLES)
    for language in LANGUAGES:
        assert f"roles.action.{action.replace('.', '_')}" in catalogue(language)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_higher_role_may_do_all_a_lower_one_may(action: str) -> None:
    for lower, higher in (("operator", "supervisor"), ("supervisor", "admin")):
        assert not may(lower, action) or may(higher, action), (action, lower, higher)


def test_the_matrix_follows_counter_practice() -> None:
    """The decisions of kiosk.services.roles, read back: what only a supervisor (or an
    admin) may do, what only an admin may do; everything else is the operator's work."""
    supervisors = {a for a, who in ACTIONS.items() if who == {"supervisor", "admin"}}
    assert supervisors == {
        "receipt.cancel",
        "dead_letter.view",
        "dead_letter.retry",
        "day.export",
        "audit.verify",
        "operator.add",  # and only an admin adds a supervisor or an admin
        "operator.list",
    }
    assert {a for a, who in ACTIONS.items() if who == {"admin"}} == {"purge"}
    assert {"payment.record", "shift.close", "shift.report"} <= {
        a for a, who in ACTIONS.items() if who == set(ROLES)
    }
    assert not may(None, "payment.record")  # nobody signed in may do nothing


def test_an_action_not_in_the_table_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no such action"):
        may("admin", "payments.record")


def test_the_refusal_names_the_action_and_who_may_in_either_language() -> None:
    english = refusal(Translator("en", strict=True), "OP5", "operator", "day.export")
    assert english == (
        "OP5 is an operator: exporting the day's payments is for a supervisor or an admin"
        " only. Nothing was changed."
    )
    hindi = refusal(Translator("hi", strict=True), "SUP5", "supervisor", "purge")
    assert hindi.startswith("SUP5 पर्यवेक्षक हैं: निजी जानकारी मिटाना केवल एडमिन कर सकते हैं")


# --- require_role on the real database ------------------------------------------------------


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_require_role_follows_the_table_for_every_action_and_role(
    staffed: Counter, action: str, role: str
) -> None:
    operator_id = STAFF[role]
    if may(role, action):
        assert require_role(staffed, f" {operator_id} ", action) == operator_id
    else:
        error = refused_by(staffed, lambda: require_role(staffed, operator_id, action), NotAllowed)
        assert f"{operator_id} is {'an' if role != 'supervisor' else 'a'} {role}" in str(error)
        assert "Nothing was changed." in str(error)


def test_an_unregistered_id_acts_as_an_operator_and_no_more(counter: Counter) -> None:
    assert require_role(counter, "CLERK9", "payment.record") == "CLERK9"
    error = refused_by(counter, lambda: require_role(counter, "CLERK9", "day.export"), NotAllowed)
    assert str(error).startswith("CLERK9 is not known at this counter: exporting the day's")


def test_a_disabled_admin_may_do_nothing(staffed: Counter) -> None:
    disable_staff(staffed, "ADM5")
    for action in ("payment.record", "purge"):
        refused_by(staffed, lambda a=action: require_role(staffed, "ADM5", a), NotAllowed)


# --- the services -----------------------------------------------------------------------------


def test_an_operator_may_not_export_the_day_and_nothing_is_written(
    staffed: Counter, consumer: str
) -> None:
    record_payment(staffed, cash(500_00))
    exports = Path(staffed.settings.storage.data_dir) / "exports"
    error = refused_by(staffed, lambda: export_day(staffed, "OP5"), NotAllowed)
    assert "exporting the day's payments is for a supervisor or an admin only" in str(error)
    assert not exports.exists()
    assert export_day(staffed, "ADM5").rows == 1  # an admin may; the file is written


def test_the_operator_who_took_the_money_may_not_cancel_or_see_refusals(
    staffed: Counter, consumer: str
) -> None:
    paid = record_payment(staffed, cash(500_00))

    def cancel(by: str) -> object:
        return cancel_receipt(staffed, paid.receipt_no, reason="typed wrong", supervisor_id=by)

    error = refused_by(staffed, lambda: cancel("OP5"), NotAllowed)
    assert "cancelling a receipt is for a supervisor or an admin only" in str(error)
    refused_by(staffed, lambda: list_dead_letters(staffed, OPERATOR), NotAllowed)
    assert cancel("ADM5") is not None  # an admin may
