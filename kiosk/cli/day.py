"""``kiosk export-day``: the day's payments as a CSV file for the office.

The same export as the shift screen's E key, for a clerk (or a scheduled task) without
the screen. It writes a new file and never overwrites one: the default name under the
data folder gets ``-2``, ``-3``... and an ``--out`` file that exists is refused.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from kiosk.cli.sign_in import add_sign_in_arguments, command_operator
from kiosk.config import KioskSettings
from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import format_inr
from kiosk.services.day_export import export_day
from kiosk.services.runtime import open_counter

EXIT_OK = 0

# The service's field names, as the arguments a clerk typed.
_ARGUMENTS = {"out": "--out", "date": "--date", "operator": "--operator"}


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    arg_type: Callable[[Callable[[str], object]], Callable[[str], object]],
    day_type: Callable[[str], Any],
) -> None:
    export = commands.add_parser(
        "export-day", help="write the day's payments (cancelled ones too) to a CSV file"
    )
    export.add_argument(
        "--date", type=arg_type(day_type), metavar="YYYY-MM-DD", help="default: today (IST)"
    )
    export.add_argument(
        "--out",
        type=Path,
        metavar="FILE.csv",
        help="default: <data dir>/exports/day-YYYY-MM-DD.csv (a new name if it exists)",
    )
    add_sign_in_arguments(export, "a supervisor or an admin")


def run_export_day(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    counter = open_counter(settings)
    try:
        operator = command_operator(args, settings, counter, "day.export")
        result = export_day(counter, operator, day=args.date, out=args.out)
    except InvalidInput as exc:
        raise InvalidInput(_ARGUMENTS.get(exc.field, exc.field), exc.message) from None
    finally:
        counter.conn.close()
    cancelled = f", {result.cancelled} cancelled" if result.cancelled else ""
    out.write(
        f"{result.rows} payments of {result.day:%Y-%m-%d} ({format_inr(result.valid_paise)}"
        f" valid{cancelled}) written to {result.path}\n"
    )
    return EXIT_OK
