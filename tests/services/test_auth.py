"""Operator login: PINs as argon2id hashes, a lockout after too many wrong PINs, the first
supervisor, who may set whose PIN, and an audit trail that never holds a PIN or a hash."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidInput
from kiosk.services.auth import (
    DEFAULT_HASHER,
    PIN_RULE,
    LoginRefused,
    Operator,
    check_pin,
    create_first_supervisor,
    list_operators,
    login,
    needs_first_supervisor,
    set_pin,
    validate_pin,
)
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed, NotFound
from kiosk.services.runtime import database_path
from tests.services.support import (
    OPERATOR,
    START,
    SUPERVISOR,
    FixedClock,
    add_staff,
    count,
    database_bytes,
    disable_staff,
    row,
)

# Cheap parameters so the tests stay quick; the real cost is checked with DEFAULT_HASHER.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PIN = "482916"
SUP_PIN = "739105"
WRONG = "561830"
ALL_PINS = (PIN, SUP_PIN, WRONG)


@pytest.fixture
def staffed(counter: Counter) -> Counter:
    """A first supervisor (SUP1) and an operator (OP1), both with PINs."""
    create_first_supervisor(counter, SUPERVISOR, "Asha Verma", SUP_PIN, hasher=FAST)
    add_staff(counter, OPERATOR)
    set_pin(counter, OPERATOR, PIN, by=SUPERVISOR, hasher=FAST)
    return counter


def refusal(
    counter: Counter, operator_id: str, pin: str, attempt: Callable[..., Operator] = login
) -> LoginRefused:
    with pytest.raises(LoginRefused) as caught:
        attempt(counter, operator_id, pin, hasher=FAST)
    assert not any(p in str(caught.value) for p in ALL_PINS)
    return caught.value


def operator_row(counter: Counter, operator_id: str = OPERATOR) -> dict[str, Any]:
    return row(counter, "SELECT * FROM operators WHERE operator_id = ?", operator_id)


def audit_rows(counter: Counter, action: str | None = None) -> list[dict[str, Any]]:
    cursor = counter.conn.execute("SELECT * FROM audit_log ORDER BY id")
    names = [d[0] for d in cursor.description]
    found = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return [r | {"detail": json.loads(r["detail"])} for r in found if action in (None, r["action"])]


def staff_state(counter: Counter) -> tuple[list[Any], list[Any]]:
    """The operators and the audit trail: a refused change must leave both as they were."""
    return (
        counter.conn.execute("SELECT * FROM operators ORDER BY 1").fetchall(),
        counter.conn.execute("SELECT * FROM audit_log ORDER BY 1").fetchall(),
    )


def unchanged_after(counter: Counter, action: Callable[[], object], error: type[Exception]) -> Any:
    before = staff_state(counter)
    with pytest.raises(error) as caught:
        action()
    assert staff_state(counter) == before
    assert not any(p in str(caught.value) for p in ALL_PINS)
    return caught.value


# --- logging in ----------------------------------------------------------------------------


def test_the_right_pin_logs_in_and_is_audited(staffed: Counter) -> None:
    assert login(staffed, OPERATOR, PIN, hasher=FAST) == Operator(OPERATOR, "Staff OP1", "operator")
    assert login(staffed, f"  {SUPERVISOR} ", SUP_PIN, hasher=FAST).role == "supervisor"
    [first, _] = audit_rows(staffed, "operator.login")
    assert (first["operator_id"], first["ref"]) == (OPERATOR, OPERATOR)
    assert first["detail"] == {"rehashed": False}
    assert operator_row(staffed)["failed_attempts"] == 0


def test_a_wrong_pin_is_counted_and_says_how_many_tries_are_left(staffed: Counter) -> None:
    first = refusal(staffed, OPERATOR, WRONG)
    assert (first.reason, first.attempts_left, first.locked_until) == ("wrong_pin", 4, None)
    assert first.message == "operator id or PIN is wrong: 4 tries left"
    assert operator_row(staffed)["failed_attempts"] == 1
    [audited] = audit_rows(staffed, "operator.login_refused")
    assert audited["detail"] == {"reason": "wrong_pin", "failed_attempts": 1, "locked_until": None}

    assert refusal(staffed, OPERATOR, "1357").attempts_left == 3
    assert refusal(staffed, OPERATOR, "not a pin").attempts_left == 2  # counted all the same
    assert refusal(staffed, OPERATOR, WRONG).message.endswith(": 1 try left")
    assert operator_row(staffed)["failed_attempts"] == 4


def test_a_failed_attempt_is_committed_before_the_refusal_is_raised(staffed: Counter) -> None:
    refusal(staffed, OPERATOR, WRONG)
    assert not staffed.conn.in_transaction
    other = sqlite3.connect(database_path(staffed.settings))
    try:
        query = "SELECT failed_attempts FROM operators WHERE operator_id = ?"
        assert other.execute(query, (OPERATOR,)).fetchone() == (1,)
        refused = "SELECT count(*) FROM audit_log WHERE action = 'operator.login_refused'"
        assert other.execute(refused).fetchone() == (1,)
    finally:
        other.close()


def test_five_wrong_pins_lock_the_operator_and_even_the_right_pin_is_refused(
    staffed: Counter, clock: FixedClock
) -> None:
    for _ in range(4):
        refusal(staffed, OPERATOR, WRONG)
    fifth = refusal(staffed, OPERATOR, WRONG)
    until = START + timedelta(minutes=5)
    assert (fifth.reason, fifth.attempts_left, fifth.locked_until) == ("locked", 0, until)
    assert fifth.message == (
        "operator id or PIN is wrong too many times: this operator id is locked, "
        "try again in 5 minutes or ask a supervisor"
    )
    assert operator_row(staffed)["locked_until"] == until.isoformat(timespec="microseconds")

    clock.advance(minutes=1)
    locked = refusal(staffed, OPERATOR, PIN)
    assert (locked.reason, locked.attempts_left, locked.locked_until) == ("locked", 0, until)
    assert "try again in 4 minutes" in locked.message
    clock.advance(minutes=3, seconds=30)
    assert "try again in 1 minute " in refusal(staffed, OPERATOR, PIN).message
    assert "try again in 1 minute " in refusal(staffed, OPERATOR, PIN, check_pin).message
    # Refusals while locked are audited but neither count nor stretch the lock.
    assert (operator_row(staffed)["failed_attempts"], operator_row(staffed)["locked_until"]) == (
        5,
        until.isoformat(timespec="microseconds"),
    )
    reasons = [r["detail"]["reason"] for r in audit_rows(staffed) if "refused" in r["action"]]
    assert reasons == ["wrong_pin"] * 5 + ["locked"] * 3


def test_the_lock_ends_when_its_time_has_passed(staffed: Counter, clock: FixedClock) -> None:
    for _ in range(5):
        refusal(staffed, OPERATOR, WRONG)
    clock.advance(minutes=5)
    assert login(staffed, OPERATOR, PIN, hasher=FAST).operator_id == OPERATOR
    assert (operator_row(staffed)["failed_attempts"], operator_row(staffed)["locked_until"]) == (
        0,
        None,
    )


def test_after_a_lock_runs_out_a_wrong_pin_starts_a_fresh_count(
    staffed: Counter, clock: FixedClock
) -> None:
    for _ in range(5):
        refusal(staffed, OPERATOR, WRONG)
    clock.advance(minutes=6)
    again = refusal(staffed, OPERATOR, WRONG)
    assert (again.reason, again.attempts_left, again.locked_until) == ("wrong_pin", 4, None)


def test_a_success_resets_the_count(staffed: Counter) -> None:
    for _ in range(4):
        refusal(staffed, OPERATOR, WRONG)
    login(staffed, OPERATOR, PIN, hasher=FAST)
    assert operator_row(staffed)["failed_attempts"] == 0
    assert refusal(staffed, OPERATOR, WRONG).attempts_left == 4


def test_the_counter_settings_choose_the_attempts_and_the_lock(
    counter_with: Callable[..., Counter],
) -> None:
    counter = counter_with(operator={"max_pin_attempts": 3, "lockout_minutes": 15})
    create_first_supervisor(counter, SUPERVISOR, "Asha Verma", SUP_PIN, hasher=FAST)
    assert refusal(counter, SUPERVISOR, WRONG).attempts_left == 2
    refusal(counter, SUPERVISOR, WRONG)
    third = refusal(counter, SUPERVISOR, WRONG)
    assert third.locked_until == START + timedelta(minutes=15)
    assert "15 minutes" in third.message


def test_an_unknown_id_reads_exactly_like_a_wrong_pin_lock_included(
    staffed: Counter, clock: FixedClock
) -> None:
    for _ in range(7):
        unknown = refusal(staffed, "OP9", PIN)
        wrong = refusal(staffed, OPERATOR, WRONG)
        assert unknown.reason == "unknown"
        assert wrong.reason in ("wrong_pin", "locked")
        seen = (unknown.message, unknown.attempts_left, unknown.locked_until)
        assert seen == (wrong.message, wrong.attempts_left, wrong.locked_until)
        clock.advance(seconds=10)
    assert unknown.locked_until is not None
    # Counted in the audit log: an unknown id has no row to count in.
    assert count(staffed, "operators", "operator_id = 'OP9'") == 0
    last = audit_rows(staffed, "operator.login_refused")[-2]
    assert (last["ref"], last["detail"]["reason"]) == ("OP9", "unknown")
    assert last["detail"]["failed_attempts"] == 5


def test_an_id_that_cannot_be_an_operator_id_is_refused_the_same_way(staffed: Counter) -> None:
    for typed in ("", "not an id!", "X" * 40):
        refused = refusal(staffed, typed, PIN)
        assert refused.reason == "unknown"
        assert refused.message.startswith("operator id or PIN is wrong")
    assert [
        r["detail"]["failed_attempts"] for r in audit_rows(staffed, "operator.login_refused")
    ] == [
        1,
        2,
        3,
    ]
    assert all("X" * 40 not in r["ref"] for r in audit_rows(staffed))


def test_check_pin_unlocks_a_screen_and_shares_the_count_with_login(staffed: Counter) -> None:
    assert check_pin(staffed, OPERATOR, PIN, hasher=FAST).operator_id == OPERATOR
    refusal(staffed, OPERATOR, WRONG, check_pin)
    assert refusal(staffed, OPERATOR, WRONG, login).attempts_left == 3
    assert refusal(staffed, OPERATOR, WRONG, check_pin).attempts_left == 2
    actions = [r["action"] for r in audit_rows(staffed) if r["action"].startswith("operator.")]
    assert actions[-4:] == [
        "operator.unlock",
        "operator.unlock_refused",
        "operator.login_refused",
        "operator.unlock_refused",
    ]


def test_a_disabled_operator_is_refused_even_with_the_right_pin(staffed: Counter) -> None:
    disable_staff(staffed, OPERATOR)
    refused = refusal(staffed, OPERATOR, PIN)
    assert (refused.reason, refused.attempts_left) == ("disabled", None)
    assert "disabled" in refused.message
    assert refusal(staffed, OPERATOR, PIN, check_pin).reason == "disabled"
    assert operator_row(staffed)["failed_attempts"] == 0
    assert audit_rows(staffed, "operator.login_refused")[0]["detail"]["reason"] == "disabled"
    assert OPERATOR not in [op.operator_id for op in list_operators(staffed)]


def test_an_operator_without_a_pin_is_told_to_ask_a_supervisor(staffed: Counter) -> None:
    add_staff(staffed, "OP2")
    refused = refusal(staffed, "OP2", PIN)
    assert (refused.reason, refused.attempts_left) == ("no_pin", None)
    assert "ask a supervisor" in refused.message
    assert operator_row(staffed, "OP2")["failed_attempts"] == 0


def test_list_operators_gives_the_active_ones_without_hashes(staffed: Counter) -> None:
    add_staff(staffed, "OP2")
    add_staff(staffed, "OP3")
    disable_staff(staffed, "OP3")
    assert list_operators(staffed) == [
        Operator(OPERATOR, "Staff OP1", "operator"),
        Operator("OP2", "Staff OP2", "operator"),
        Operator(SUPERVISOR, "Asha Verma", "supervisor"),
    ]


# --- the first supervisor ------------------------------------------------------------------


def test_the_first_supervisor_is_made_once(counter: Counter) -> None:
    assert needs_first_supervisor(counter)
    made = create_first_supervisor(counter, SUPERVISOR, " Asha   Verma ", SUP_PIN, hasher=FAST)
    assert made == Operator(SUPERVISOR, "Asha Verma", "supervisor")
    assert not needs_first_supervisor(counter)
    assert login(counter, SUPERVISOR, SUP_PIN, hasher=FAST) == made
    [audited] = audit_rows(counter, "operator.first_supervisor")
    assert (audited["ref"], audited["detail"]) == (
        SUPERVISOR,
        {"role": "supervisor", "created": True},
    )

    again = unchanged_after(
        counter,
        lambda: create_first_supervisor(counter, "SUP2", "Ravi", "246802", hasher=FAST),
        NotAllowed,
    )
    assert "already has a supervisor" in again.message


def test_the_first_supervisor_can_be_one_added_without_a_pin(counter: Counter) -> None:
    add_staff(counter, SUPERVISOR, "supervisor")
    add_staff(counter, OPERATOR)
    assert needs_first_supervisor(counter)  # a supervisor nobody can log in as does not count
    unchanged_after(
        counter,
        lambda: create_first_supervisor(counter, OPERATOR, "Op", SUP_PIN, hasher=FAST),
        NotAllowed,
    )
    made = create_first_supervisor(counter, SUPERVISOR, "Asha Verma", SUP_PIN, hasher=FAST)
    assert made == Operator(SUPERVISOR, "Staff SUP1", "supervisor")
    assert audit_rows(counter, "operator.first_supervisor")[0]["detail"]["created"] is False
    assert login(counter, SUPERVISOR, SUP_PIN, hasher=FAST) == made


def test_a_disabled_supervisor_does_not_count_as_the_first(staffed: Counter) -> None:
    disable_staff(staffed, SUPERVISOR)
    assert needs_first_supervisor(staffed)
    create_first_supervisor(staffed, "SUP2", "Ravi Kumar", "246802", hasher=FAST)
    assert not needs_first_supervisor(staffed)


def test_the_first_supervisor_needs_a_good_id_name_and_pin(counter: Counter) -> None:
    for args, field in (
        (("bad id!", "Asha", SUP_PIN), "operator"),
        ((SUPERVISOR, "  ", SUP_PIN), "name"),
        ((SUPERVISOR, "Asha", "1234"), "PIN"),
    ):
        error = unchanged_after(
            counter,
            lambda args=args: create_first_supervisor(counter, *args, hasher=FAST),
            InvalidInput,
        )
        assert error.field == field
    assert needs_first_supervisor(counter)


# --- who may set a PIN ---------------------------------------------------------------------


def test_a_supervisor_sets_an_operators_pin_and_clears_the_lock(staffed: Counter) -> None:
    for _ in range(5):
        refusal(staffed, OPERATOR, WRONG)
    set_pin(staffed, OPERATOR, "250193", by=SUPERVISOR, hasher=FAST)
    assert (operator_row(staffed)["failed_attempts"], operator_row(staffed)["locked_until"]) == (
        0,
        None,
    )
    assert login(staffed, OPERATOR, "250193", hasher=FAST).operator_id == OPERATOR
    assert refusal(staffed, OPERATOR, PIN).reason == "wrong_pin"
    audited = audit_rows(staffed, "operator.pin_set")[-1]
    assert (audited["operator_id"], audited["ref"]) == (SUPERVISOR, OPERATOR)
    assert audited["detail"] == {"role": "operator", "by_self": False}


def test_an_operator_changes_their_own_pin(staffed: Counter) -> None:
    set_pin(staffed, OPERATOR, "250193", by=OPERATOR, hasher=FAST)
    assert login(staffed, OPERATOR, "250193", hasher=FAST).operator_id == OPERATOR
    assert audit_rows(staffed, "operator.pin_set")[-1]["detail"]["by_self"] is True


def test_who_may_not_set_a_pin(staffed: Counter) -> None:
    add_staff(staffed, "OP2")
    add_staff(staffed, "ADM1", "admin")
    add_staff(staffed, "OP3")
    disable_staff(staffed, "OP3")
    for target, by, error in (
        (SUPERVISOR, OPERATOR, NotAllowed),  # an operator for a supervisor
        ("OP2", OPERATOR, NotAllowed),  # an operator for another operator
        ("OP2", "OP2", NotAllowed),  # the first PIN comes from a supervisor
        ("ADM1", SUPERVISOR, NotAllowed),  # a supervisor for an admin
        (OPERATOR, "OP9", NotAllowed),  # someone unknown
        (OPERATOR, "OP3", NotAllowed),  # someone disabled
        ("OP3", SUPERVISOR, NotAllowed),  # for someone disabled
        ("OP9", SUPERVISOR, NotFound),  # for someone unknown
    ):
        unchanged_after(
            staffed, lambda t=target, b=by: set_pin(staffed, t, "250193", by=b, hasher=FAST), error
        )
    # An admin may set anyone's PIN, an admin's included.
    add_staff(staffed, "ADM2", "admin")
    set_pin(staffed, "ADM1", "250193", by="ADM2", hasher=FAST)
    set_pin(staffed, SUPERVISOR, "250194", by="ADM2", hasher=FAST)
    assert login(staffed, "ADM1", "250193", hasher=FAST).role == "admin"


# --- PIN rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pin",
    ["", "123", "123456789", "12a4", " 4829", "4829 ", "48.29", "-4829", "４８２９"],
)
def test_a_pin_must_be_4_to_8_digits(pin: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pin(pin)
    assert (caught.value.field, caught.value.message) == ("PIN", PIN_RULE)


@pytest.mark.parametrize("pin", ["0000", "1111", "99999999", "1234", "0123", "3456789", "12345678"])
def test_a_pin_too_easy_to_guess_is_refused_and_says_so(pin: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pin(pin, field="new PIN")
    assert caught.value.field == "new PIN"
    assert caught.value.message.startswith(PIN_RULE)
    assert "too easy" in caught.value.message


@pytest.mark.parametrize("pin", ["4829", "1357", "7890", "4321", "1212", "00000001", "25019"])
def test_good_pins_pass(pin: str) -> None:
    assert validate_pin(pin) == pin


def test_devanagari_digits_are_the_same_pin(staffed: Counter) -> None:
    assert validate_pin("४८२९") == "4829"
    set_pin(staffed, OPERATOR, "४८२९१६", by=SUPERVISOR, hasher=FAST)
    assert login(staffed, OPERATOR, "482916", hasher=FAST).operator_id == OPERATOR
    assert login(staffed, OPERATOR, "४८२९१६", hasher=FAST).operator_id == OPERATOR


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(max_size=12).filter(lambda s: not (s.isascii() and s.isdigit() and 4 <= len(s) <= 8))
)
def test_a_bad_pin_changes_nothing_and_is_never_echoed(staffed: Counter, pin: str) -> None:
    try:
        validate_pin(pin)
    except InvalidInput as exc:
        assert exc.message == PIN_RULE
    else:  # Devanagari digits are fine
        return
    error = unchanged_after(
        staffed, lambda: set_pin(staffed, OPERATOR, pin, by=SUPERVISOR, hasher=FAST), InvalidInput
    )
    assert error.message == PIN_RULE


@settings(max_examples=60)
@given(st.sampled_from("0123456789"), st.integers(min_value=4, max_value=8), st.booleans())
def test_every_run_or_repeat_is_too_easy(first: str, length: int, run: bool) -> None:
    start = int(first)
    if run and start + length > 10:
        start = 10 - length
    pin = "".join(str(start + i) if run else str(start) for i in range(length))
    with pytest.raises(InvalidInput, match="too easy"):
        validate_pin(pin)


# --- what is stored --------------------------------------------------------------------------


def test_the_default_hasher_stores_argon2id_and_upgrades_cheaper_hashes(staffed: Counter) -> None:
    assert operator_row(staffed)["pin_hash"].startswith("$argon2id$v=19$m=8,t=1,p=1$")
    # The first login with the real hasher re-hashes the PIN with the real cost.
    assert login(staffed, OPERATOR, PIN).operator_id == OPERATOR
    stored = operator_row(staffed)["pin_hash"]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not DEFAULT_HASHER.check_needs_rehash(stored)
    assert audit_rows(staffed, "operator.login")[-1]["detail"] == {"rehashed": True}
    set_pin(staffed, SUPERVISOR, "250193", by=SUPERVISOR)
    assert operator_row(staffed, SUPERVISOR)["pin_hash"].startswith("$argon2id$v=19$m=65536,")
    assert login(staffed, SUPERVISOR, "250193").role == "supervisor"
    with pytest.raises(LoginRefused) as caught:
        login(staffed, "OP9", WRONG)  # the dummy hash for unknown ids has the real cost too
    assert caught.value.reason == "unknown"


def test_no_pin_or_hash_reaches_the_audit_or_lies_in_the_database(
    staffed: Counter, clock: FixedClock
) -> None:
    login(staffed, OPERATOR, PIN, hasher=FAST)
    check_pin(staffed, OPERATOR, PIN, hasher=FAST)
    for _ in range(6):
        refusal(staffed, OPERATOR, WRONG)
        refusal(staffed, "OP9", WRONG, check_pin)
    clock.advance(minutes=10)
    set_pin(staffed, OPERATOR, "250193", by=OPERATOR, hasher=FAST)
    hashes = [h for (h,) in staffed.conn.execute("SELECT pin_hash FROM operators")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    for audited in audit_rows(staffed):
        text = json.dumps([audited["operator_id"], audited["ref"], audited["detail"]])
        assert "argon2" not in text
        assert not any(pin in text for pin in (*ALL_PINS, "250193"))
        assert not any(h[-20:] in text for h in hashes)
    raw = database_bytes(staffed)
    assert not any(pin.encode() in raw for pin in (*ALL_PINS, "250193"))
