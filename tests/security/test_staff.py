"""Adding staff: a supervisor adds operators, only an admin adds supervisors and admins,
and a supervisor may add the counter's first admin while it has none; the PIN is set in
the same transaction and never shown. The service on the real database, then ``kiosk
operators add`` / ``list`` with PINs piped in (a script) or typed twice (a person)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.domain.errors import InvalidInput
from kiosk.services.auth import create_first_supervisor, login, sign_in_for_command
from kiosk.services.counter import Counter
from kiosk.services.errors import NotAllowed
from kiosk.services.operators import add_staff_member
from kiosk.services.runtime import open_counter
from tests.services.support import ADMIN, OPERATOR, SUPERVISOR, add_staff, refused_by
from tests.support.cli_staff import ADMIN as CLI_ADMIN
from tests.support.cli_staff import OPERATOR as CLI_OPERATOR
from tests.support.cli_staff import PIN, add_cli_staff, run_as
from tests.support.cli_staff import SUPERVISOR as CLI_SUPERVISOR

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # quick, for the service tests
NEW_PIN = "1357"


def _add(counter: Counter, who: str, role: str, *, by: str, pin: str = NEW_PIN) -> Any:
    return add_staff_member(counter, who, f"Staff {who}", role, pin, by=by, hasher=FAST)


def _audited(counter: Counter, ref: str) -> tuple[str, dict[str, Any]]:
    by, detail = counter.conn.execute(
        "SELECT operator_id, detail FROM audit_log WHERE action = 'operator.added' AND ref = ?",
        (ref,),
    ).fetchone()
    return by, json.loads(detail)


@pytest.fixture
def supervised(counter: Counter) -> Counter:
    """A counter with its first supervisor (PIN set), as the login screen's first run
    leaves it, and an operator; no admin yet."""
    create_first_supervisor(counter, SUPERVISOR, "Sup One", "2580", hasher=FAST)
    add_staff(counter, OPERATOR, "operator")
    return counter


def test_a_supervisor_adds_an_operator_who_can_then_sign_in(supervised: Counter) -> None:
    made = _add(supervised, "OP7", "operator", by=SUPERVISOR)
    assert (made.operator_id, made.role, made.first_admin) == ("OP7", "operator", False)
    assert login(supervised, "OP7", NEW_PIN, hasher=FAST).role == "operator"
    by, detail = _audited(supervised, "OP7")
    assert (by, detail) == (SUPERVISOR, {"role": "operator", "first_admin": False})
    (audit_text,) = supervised.conn.execute("SELECT group_concat(detail) FROM audit_log")
    assert NEW_PIN not in audit_text[0] and "$argon2" not in audit_text[0]


def test_the_first_admin_then_only_admins_add_supervisors_and_admins(
    supervised: Counter,
) -> None:
    refused_by(
        supervised, lambda: _add(supervised, "SUP7", "supervisor", by=SUPERVISOR), NotAllowed
    )
    first = _add(supervised, "ADM7", "admin", by=SUPERVISOR)  # the bootstrap
    assert first.first_admin and _audited(supervised, "ADM7")[1]["first_admin"] is True
    error = refused_by(
        supervised, lambda: _add(supervised, "ADM8", "admin", by=SUPERVISOR), NotAllowed
    )
    assert str(error) == (
        f"{SUPERVISOR} is a supervisor: adding an admin is for an admin only (this counter has"
        " one). Nothing was changed."
    )
    assert not _add(supervised, "SUP7", "supervisor", by="ADM7").first_admin
    assert not _add(supervised, "ADM8", "admin", by="ADM7").first_admin


@pytest.mark.parametrize(
    ("who", "role", "by", "error", "said"),
    [
        ("OP8", "operator", OPERATOR, NotAllowed, "is an operator: adding staff is for"),
        ("OP8", "operator", "NOBODY", NotAllowed, "NOBODY is not known at this counter"),
        (OPERATOR, "operator", SUPERVISOR, InvalidInput, "already exists at this counter"),
        ("OP 8", "operator", SUPERVISOR, InvalidInput, "must be 1-20 letters"),
        ("OP8", "cashier", SUPERVISOR, InvalidInput, "must be one of operator, supervisor"),
        ("OP8", "operator", SUPERVISOR, InvalidInput, "must be 4 to 8 digits"),
    ],
)
def test_a_refusal_or_bad_input_writes_nothing(
    supervised: Counter, who: str, role: str, by: str, error: type[Exception], said: str
) -> None:
    pin = "12a4" if said.startswith("must be 4") else NEW_PIN
    caught = refused_by(supervised, lambda: _add(supervised, who, role, by=by, pin=pin), error)
    assert said in str(caught)


def test_the_admin_table_row_and_a_disabled_admin(counter: Counter) -> None:
    add_staff(counter, ADMIN, "admin")
    counter.conn.execute("UPDATE operators SET active = 0 WHERE operator_id = ?", (ADMIN,))
    refused_by(counter, lambda: _add(counter, "SUP9", "supervisor", by=ADMIN), NotAllowed)


# --- the command line ------------------------------------------------------------------------


def _pin_works(config: str, who: str, pin: str) -> bool:
    counter = open_counter(load_settings(Path(config)))
    try:
        return sign_in_for_command(counter, who, pin).operator_id == who
    finally:
        counter.conn.close()


def test_a_script_adds_with_both_pins_on_stdin_and_lists_without_pins(
    cli_config: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_cli_staff(cli_config)
    out = io.StringIO()
    args = ("operators", "add", "op2", "--name", "Ravi  Kumar", "--role", "operator")
    assert run_as(monkeypatch, cli_config, CLI_SUPERVISOR, *args, pin=f"{PIN}\n1470", out=out) == 0
    assert out.getvalue() == f"added op2, operator, with a PIN, by {CLI_SUPERVISOR}\n"
    assert _pin_works(cli_config, "op2", "1470")
    listing = io.StringIO()
    assert run_as(monkeypatch, cli_config, CLI_SUPERVISOR, "operators", "list", out=listing) == 0
    lines = listing.getvalue().splitlines()
    assert "op2\toperator\tactive\tPIN set\tRavi Kumar" in lines
    assert f"{CLI_ADMIN}\tadmin\tactive\tPIN set\tAdmin One" in lines
    assert "1470" not in listing.getvalue() and "$argon2" not in listing.getvalue()


REFUSED = [
    (CLI_SUPERVISOR, "supervisor", f"{PIN}\n1470", "sup1 is a supervisor: adding a"),
    (CLI_OPERATOR, "operator", f"{PIN}\n1470", "op1 is an operator: adding staff is for"),
    (CLI_ADMIN, "operator", "9999\n1470", "operator id or PIN is wrong"),
    (CLI_ADMIN, "operator", PIN, "argument --pin-stdin: with --pin-stdin, give your PIN"),
    (CLI_ADMIN, "operator", f"{PIN}\n1111", "argument new PIN: must be 4 to 8 digits"),
]


def test_the_cli_refuses_and_adds_nobody(
    cli_config: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_cli_staff(cli_config)
    for who, role, stdin, said in REFUSED:
        args = ("operators", "add", "new1", "--name", "New One", "--role", role)
        assert run_as(monkeypatch, cli_config, who, *args, pin=stdin) == 2, said
        assert f"kiosk operators add: error: {said}" in capsys.readouterr().err
    counter = open_counter(load_settings(Path(cli_config)))
    try:
        assert counter.conn.execute("SELECT count(*) FROM operators").fetchone() == (3,)
    finally:
        counter.conn.close()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_person_types_the_pins_hidden_and_the_first_admin_is_made(
    cli_config: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = open_counter(load_settings(Path(cli_config)))
    try:
        create_first_supervisor(counter, "sup9", "Sup Nine", PIN)
    finally:
        counter.conn.close()
    typed: list[str] = []
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: typed.pop(0))
    argv = ["--config", cli_config, "operators", "add", "adm9", "--name", "Admin Nine"]
    argv += ["--role", "admin", "--operator", "sup9"]
    typed[:] = [PIN, "1470", "1407"]
    assert main(argv, out=io.StringIO()) == 2
    assert "the two PINs typed differ" in capsys.readouterr().err
    typed[:] = [PIN, "1470", "1470"]
    out = io.StringIO()
    assert main(argv, out=out) == 0
    assert out.getvalue() == "added adm9, admin (the counter's first admin), with a PIN, by sup9\n"
    assert typed == [] and _pin_works(cli_config, "adm9", "1470")
