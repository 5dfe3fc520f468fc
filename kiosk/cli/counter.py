"""Headless counter commands: ``kiosk pay``, ``kiosk sync``, ``kiosk status``.

``pay`` enters receipts written by hand during a power cut; ``sync`` delivers the queue
(exit 0 when all went, 3 when some remain); ``status`` says what waits and since when.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from kiosk.config import KioskSettings
from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import format_inr, parse_amount
from kiosk.printer.spool import SpoolReport
from kiosk.services.counter import Counter
from kiosk.services.errors import NeedsConfirmation
from kiosk.services.payments import MODES, PaymentRequest, record_payment
from kiosk.services.printing import open_spool
from kiosk.services.runtime import counter_status, open_counter, wire_sync

EXIT_OK = 0
EXIT_PENDING = 3
EXIT_CONFIRM = 4


def account_argument(text: str) -> tuple[str, str]:
    """``MVVNL:1234567890`` -> ("MVVNL", "1234567890")."""
    discom, sep, account = text.partition(":")
    if not sep or not discom.strip() or not account.strip():
        raise argparse.ArgumentTypeError(
            f"must be DISCOM:ACCOUNT such as MVVNL:1234567890, got {text!r}"
        )
    return discom.strip(), account.strip()


def add_commands(commands: argparse._SubParsersAction, arg_type, day_type) -> None:  # type: ignore[type-arg]
    pay = commands.add_parser("pay", help="record a payment without the screen (receipt books)")
    pay.add_argument("--account", required=True, type=account_argument, metavar="DISCOM:ACCOUNT")
    pay.add_argument("--amount", required=True, type=arg_type(parse_amount), metavar="RS")
    pay.add_argument("--mode", required=True, choices=MODES)
    pay.add_argument("--tendered", type=arg_type(parse_amount), metavar="RS", help="cash handed")
    pay.add_argument("--utr", help="UPI: the 12-digit UTR from the payer's app")
    pay.add_argument("--cheque-no", help="cheque: its 6-digit number")
    pay.add_argument("--bank", help="cheque: the bank's name")
    pay.add_argument("--cheque-date", type=arg_type(day_type), metavar="YYYY-MM-DD")
    pay.add_argument("--pos-ref", help="card: the POS terminal's reference")
    pay.add_argument("--operator", help="operator id (default: operator.default_id)")
    pay.add_argument(
        "--confirm-second",
        action="store_true",
        help="record it even though this consumer already paid today",
    )
    pay.add_argument("--json", action="store_true", help="print JSON")
    pay.add_argument(
        "--no-print", action="store_true", help="queue the receipt without printing it now"
    )

    sync = commands.add_parser("sync", help="send waiting events to the central and pull changes")
    sync.add_argument("--once", action="store_true", help="one pass, then stop (the default)")
    sync.add_argument("--json", action="store_true", help="print JSON")

    status = commands.add_parser("status", help="counter, online, events waiting, last sync")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.add_argument(
        "--offline", action="store_true", help="do not ask the central whether it answers"
    )


def run_pay(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    operator = args.operator or settings.operator.default_id
    if not operator:
        raise InvalidInput("operator", "give --operator or set operator.default_id in the config")
    discom, account = args.account
    request = PaymentRequest(
        discom=discom,
        account_no=account,
        amount_paise=args.amount,
        mode=args.mode,
        operator_id=operator,
        tendered_paise=args.tendered,
        utr=args.utr,
        cheque_no=args.cheque_no,
        bank=args.bank,
        cheque_date=args.cheque_date,
        pos_reference=args.pos_ref,
    )
    counter = open_counter(settings)
    try:
        result = record_payment(counter, request, confirm_second=args.confirm_second)
        printed = None if args.no_print else print_waiting_slips(counter)
    except NeedsConfirmation as exc:
        out.write(f"not recorded: {exc.message}\n(add --confirm-second to record it anyway)\n")
        return EXIT_CONFIRM
    finally:
        counter.conn.close()
    if args.json:
        body = {
            "receipt_no": result.receipt_no,
            "event_id": result.event_id,
            "amount_paise": result.amount_paise,
            "change_paise": result.change_paise,
            "mode": result.mode,
            "receipt_printed": None if printed is None else printed.waiting == 0,
        }
        out.write(json.dumps(body) + "\n")
    else:
        change = f", change {format_inr(result.change_paise)}" if result.change_paise else ""
        out.write(
            f"receipt {result.receipt_no}: {format_inr(result.amount_paise)} by {result.mode}"
            f"{change} (provisional until synced)\n"
        )
        if printed is not None and printed.waiting:
            out.write(
                f"receipt not printed yet ({printed.status.detail or printed.status.state}); "
                "it prints when the printer is back (kiosk receipt reprint for a copy)\n"
            )
    return EXIT_OK


def print_waiting_slips(counter: Counter) -> SpoolReport:
    """After the commit: print what waits. The payment stands whatever the printer does."""
    spool = open_spool(counter)
    try:
        return spool.print_pending()
    finally:
        spool.printer.close()


def run_sync(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    counter = open_counter(settings)
    wiring = wire_sync(counter)
    try:
        if wiring.engine is None:
            raise InvalidInput("central.url", "is not set in the config: there is nowhere to sync")
        report = wiring.engine.sync_once(force=True)
    finally:
        wiring.close()
        counter.conn.close()
    if args.json:
        body = {
            "sent": report.sent,
            "accepted": report.accepted,
            "duplicate": report.duplicate,
            "rejected": report.rejected,
            "pulled": report.pulled,
            "remaining": report.remaining,
            "error": report.error,
        }
        out.write(json.dumps(body) + "\n")
    else:
        out.write(
            f"sent {report.sent} (accepted {report.accepted}, already there {report.duplicate},"
            f" rejected {report.rejected}); pulled {report.pulled} consumer changes;"
            f" {report.remaining} waiting\n"
        )
        if report.error:
            out.write(f"stopped: {report.error}\n")
        if report.rejected:
            out.write("rejected events are in the dead-letter list for a supervisor\n")
    return EXIT_OK if report.delivered_all else EXIT_PENDING


def run_status(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    counter = open_counter(settings)
    wiring = wire_sync(counter)
    try:
        if wiring.engine is not None and not args.offline:
            wiring.engine.check()
        status = counter_status(counter, wiring.engine)
    finally:
        wiring.close()
        counter.conn.close()
    if args.json:
        out.write(json.dumps(status.as_dict()) + "\n")
        return EXIT_OK
    online = {True: "ONLINE", False: "OFFLINE", None: "not checked"}[status.online]
    out.write(f"counter {status.counter_id}: {online}\n")
    out.write(f"events waiting: {status.pending}; dead-lettered: {status.dead_lettered}\n")
    out.write(f"last sync: {status.last_sync_at or 'never'}\n")
    if status.clock_skew_s is not None:
        out.write(f"clock differs from the central by {status.clock_skew_s:+.1f} s\n")
    if status.last_error:
        out.write(f"last problem: {status.last_error}\n")
    return EXIT_OK
