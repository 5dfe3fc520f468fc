"""``kiosk audit verify``: check the audit log's hash chain from the command line.

Prints ``ok (N rows)`` and exits 0, or names the first broken row and exits 1, so a
scheduled task or a supervisor can check a counter's database without the screen. A
supervisor's or admin's command: their id and PIN (:mod:`kiosk.cli.sign_in`).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from kiosk.cli.sign_in import add_sign_in_arguments, command_operator
from kiosk.config import KioskSettings
from kiosk.services.audit_chain import verify_audit_chain
from kiosk.services.runtime import open_counter

EXIT_OK = 0
EXIT_BROKEN = 1


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = commands.add_parser("audit", help="audit log tools")
    audit_cmds = audit.add_subparsers(dest="audit_command", required=True, parser_class=type(audit))
    verify = audit_cmds.add_parser(
        "verify", help="check the audit log's hash chain; exit 1 if broken"
    )
    add_sign_in_arguments(verify, "a supervisor or an admin")


def run_audit_verify(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    counter = open_counter(settings)
    try:
        command_operator(args, settings, counter, "audit.verify")
        check = verify_audit_chain(counter.conn)
    finally:
        counter.conn.close()
    if check.broken is None:
        out.write(f"ok ({check.rows} rows)\n")
        return EXIT_OK
    broken = check.broken
    out.write(f"broken at row {broken.row_id}: {broken.problem}: {broken.explanation}\n")
    return EXIT_BROKEN
