"""Who runs a command: the operator id, its role, and for a supervisor's or admin's
command the PIN.

An id on the command line is only a claim: anyone at the machine can type ``--operator
ADM1``. So the commands the roles table keeps from operators (``export-day``, ``audit
verify``, ``purge``) check the PIN too, with the screen's failure count and lockout. The
PIN is typed at a hidden prompt, or, for a scheduled task, piped in with ``--pin-stdin``;
never an argument, which every user of the machine could read in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from kiosk.config import KioskSettings
from kiosk.domain.errors import InvalidInput
from kiosk.services.auth import sign_in_for_command
from kiosk.services.counter import Counter
from kiosk.services.roles import require_role, who_may

NO_OPERATOR = "give --operator or set operator.default_id in the config"
NO_PIN = (
    "this command is for a supervisor or an admin and needs their PIN:"
    " type it at the prompt, or pipe it in with --pin-stdin"
)


def add_sign_in_arguments(parser: argparse.ArgumentParser, who: str) -> None:
    """``--operator`` and ``--pin-stdin`` for a command only ``who`` may run."""
    parser.add_argument("--operator", metavar="ID", help=f"{who} (default: operator.default_id)")
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input (for a scheduled task)",
    )


def command_operator(
    args: argparse.Namespace,
    settings: KioskSettings,
    counter: Counter,
    action: str,
    *,
    prompt: Callable[[str], str] | None = None,
) -> str:
    """The operator id for ``action`` after the role check and, where the roles table
    keeps the action from operators, the PIN. Refusals are InvalidInput or ServiceError
    in plain words, before anything is written."""
    operator = args.operator or settings.operator.default_id
    if not operator:
        raise InvalidInput("--operator", NO_OPERATOR)
    operator = require_role(counter, operator, action, field="--operator")
    if "operator" in who_may(action):
        return operator
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        pin = (prompt or getpass.getpass)(f"PIN for {operator}: ")
    else:
        raise InvalidInput("--pin-stdin", NO_PIN)
    sign_in_for_command(counter, operator, pin)
    return operator
