"""``kiosk operators add`` and ``kiosk operators list``: the counter's staff from the
command line.

Adding is the roles table's ``operator.add`` (:mod:`kiosk.services.roles`): a supervisor
adds operators, an admin anyone, and while the counter has no admin a supervisor may add
the first one. The acting person signs in with their PIN (:mod:`kiosk.cli.sign_in`); then
the new person's first PIN is read the same way: typed twice at hidden prompts, or, for a
script, piped in with ``--pin-stdin`` as the second line (the acting person's PIN is the
first). PINs are never arguments (the process list shows those) and never printed.
Listing shows ids, names, roles and whether a PIN is set: never a PIN or its hash.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from kiosk.cli.sign_in import add_sign_in_arguments, command_operator
from kiosk.config import KioskSettings
from kiosk.domain.errors import InvalidInput
from kiosk.services.operators import ROLES, add_staff_member, check_staff_addition, list_staff
from kiosk.services.runtime import open_counter

EXIT_OK = 0
NO_NEW_PIN = (
    "with --pin-stdin, give your PIN on the first line and the new person's PIN on the second"
)
NOT_TYPED = "type it at the prompts, or pipe it in with --pin-stdin"


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = commands.add_parser("operators", help="the counter's staff: add someone, list them")
    staff_cmds = staff.add_subparsers(
        dest="operators_command", required=True, parser_class=type(staff)
    )
    add = staff_cmds.add_parser(
        "add",
        help="add a member of staff with their first PIN",
        epilog=(
            "A supervisor adds operators; only an admin adds supervisors and admins, except"
            " the counter's first admin, whom a supervisor may add while there is none."
            " With --pin-stdin: your PIN on the first line, the new person's on the second."
        ),
    )
    add.add_argument("id", metavar="ID", help="the new person's operator id")
    add.add_argument("--name", required=True, help="their name, 1-60 characters")
    add.add_argument("--role", required=True, choices=ROLES)
    add_sign_in_arguments(add, "a supervisor, or an admin for a supervisor or admin")
    listing = staff_cmds.add_parser("list", help="the staff, their roles, whether a PIN is set")
    add_sign_in_arguments(listing, "a supervisor or an admin")


def _new_pin(args: argparse.Namespace, operator_id: str) -> str:
    """The new person's PIN: the next line of standard input, or typed twice, hidden."""
    if args.pin_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise InvalidInput("--pin-stdin", NO_NEW_PIN)
        return line.strip()
    if not sys.stdin.isatty():
        raise InvalidInput("new PIN", NOT_TYPED)
    first = getpass.getpass(f"New PIN for {operator_id}: ")
    again = getpass.getpass(f"The same PIN for {operator_id} again: ")
    if first != again:
        raise InvalidInput("new PIN", "the two PINs typed differ: nothing was changed")
    return first


def run_operators(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    counter = open_counter(settings)
    try:
        if args.operators_command == "list":
            who = command_operator(args, settings, counter, "operator.list")
            staff = list_staff(counter, who)
            for member in staff:
                state = "active" if member.active else "disabled"
                pin = "PIN set" if member.has_pin else "no PIN yet"
                out.write(f"{member.operator_id}\t{member.role}\t{state}\t{pin}\t{member.name}\n")
            return EXIT_OK
        by = command_operator(args, settings, counter, "operator.add")
        # Refuse before asking for the new PIN: a refusal asks for nothing more.
        check_staff_addition(counter, args.id, args.name, args.role, by=by)
        made = add_staff_member(
            counter, args.id, args.name, args.role, _new_pin(args, args.id), by=by
        )
    finally:
        counter.conn.close()
    first = " (the counter's first admin)" if made.first_admin else ""
    out.write(f"added {made.operator_id}, {made.role}{first}, with a PIN, by {made.by}\n")
    return EXIT_OK
