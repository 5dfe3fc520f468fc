"""``kiosk purge``: remove the personal data of synced records past the retention period.

An admin's command for a scheduled task or the office: what goes and what stays is
described in :mod:`kiosk.services.purge`. Unsynced records are never touched.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

from kiosk.cli.sign_in import add_sign_in_arguments, command_operator
from kiosk.config import KioskSettings
from kiosk.services.purge import check_days, purge_personal_data
from kiosk.services.runtime import open_counter

EXIT_OK = 0
_TABLE_WORDS = {
    "complaints": "complaints",
    "scheme_registrations": "scheme registrations",
    "connection_requests": "connection requests",
}


def _days(text: str) -> int:
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 5:
        check_days(None)  # raises the plain message
    return check_days(int(digits))


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    arg_type: Callable[[Callable[[str], object]], Callable[[str], object]],
) -> None:
    purge = commands.add_parser(
        "purge", help="remove personal data of synced records past the retention period"
    )
    purge.add_argument(
        "--older-than",
        type=arg_type(_days),
        metavar="DAYS",
        help="default: storage.retention_days in config (365)",
    )
    add_sign_in_arguments(purge, "an admin")


def run_purge(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    days = args.older_than or settings.storage.retention_days
    counter = open_counter(settings)
    try:
        operator = command_operator(args, settings, counter, "purge")
        result = purge_personal_data(counter, days, operator)
    finally:
        counter.conn.close()
    before = f"synced and recorded before {result.cutoff:%Y-%m-%d} ({days} days)"
    if not result.total:
        out.write(f"nothing to purge: no personal data left in records {before}\n")
        return EXIT_OK
    counts = ", ".join(f"{_TABLE_WORDS[t]} {n}" for t, n in result.records.items())
    out.write(
        f"personal data removed from records {before}: {counts};"
        f" payment slips {result.payment_slips}, other slips {result.slips},"
        f" sent events {result.events}; cancellation reasons {result.cancellations},"
        f" day exports deleted {result.exports}\n"
    )
    if not result.checkpointed:
        out.write(
            "the database was being read: old copies leave its write-ahead log at the next"
            " checkpoint (run the purge again when the counter is closed)\n"
        )
    return EXIT_OK
