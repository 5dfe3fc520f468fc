"""``kiosk printer-test``, ``kiosk receipt sample`` and ``kiosk receipt reprint``.

The first two work without a config file (a new counter checks its printer before it is
set up); the reprint needs the counter's database and printer.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kiosk.config import KioskSettings, PrinterSettings, find_config, load_settings
from kiosk.domain.errors import InvalidInput
from kiosk.printer.connections import PrinterUnavailable, open_connection, parse_printer_spec
from kiosk.printer.layout import PAPERS
from kiosk.printer.preview import write_preview
from kiosk.printer.render import render
from kiosk.printer.samples import PAYMENT
from kiosk.printer.templates import PROVISIONAL, layout_for
from kiosk.services.printing import open_spool, printer_test_bytes, reprint, slip_context
from kiosk.services.runtime import open_counter

EXIT_OK = 0
EXIT_PRINTER = 3  # nothing wrong with the request: the printer did not take it (yet)

# A counter with no config yet still gets a believable sample slip.
SAMPLE_SETTINGS = {
    "counter": {"id": "CSC-LKO-0001", "name": "Jan Seva Kendra, Aminabad"},
    "upi": {"payee_vpa": "mvvnl.lko@sbi", "payee_name": "Madhyanchal Vidyut"},
    "receipt": {"footer_lines": ["Keep this receipt"]},
}


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    test = commands.add_parser("printer-test", help="print a test page (both languages, QR)")
    test.add_argument("--printer", metavar="SPEC", help="e.g. network:192.168.1.50, usb:0416:5011")
    test.add_argument("--png", type=Path, metavar="FILE", help="also save a preview picture")

    receipt = commands.add_parser("receipt", help="sample receipts and reprints")
    sub = receipt.add_subparsers(dest="receipt_command", required=True, parser_class=type(receipt))
    sample = sub.add_parser("sample", help="render a sample payment receipt with a UPI QR")
    sample.add_argument("--paper", type=int, choices=(58, 80), default=80)
    sample.add_argument("--out", type=Path, required=True, metavar="FILE.bin")
    sample.add_argument("--png", type=Path, metavar="FILE.png")
    sample.add_argument("--english", action="store_true", help="English only (as without Hindi)")
    again = sub.add_parser("reprint", help="print a receipt again, marked DUPLICATE")
    again.add_argument("receipt_no", metavar="RECEIPT_NO")
    again.add_argument("--operator", metavar="ID", help="default: operator.default_id in config")


def _settings_or_sample(config: Path | None) -> KioskSettings:
    path = find_config(config)
    return load_settings(path) if path is not None else KioskSettings(**SAMPLE_SETTINGS)


def run_printer_test(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings_or_sample(args.config)
    printer: PrinterSettings = settings.printer
    if args.printer:
        try:
            printer = parse_printer_spec(args.printer)
        except ValueError as exc:
            raise InvalidInput("--printer", str(exc).removeprefix("--printer: ")) from None
    rendered = printer_test_bytes(settings, printer, datetime.now(UTC))
    if args.png:
        write_preview(rendered.escpos, rendered.paper, args.png)
    connection = open_connection(printer)
    try:
        connection.send(rendered.escpos)
    except PrinterUnavailable as exc:
        out.write(f"test page not printed: {exc.message}\n")
        return EXIT_PRINTER
    finally:
        connection.close()
    out.write(f"test page sent to {connection.describe()} ({rendered.paper.mm} mm)\n")
    return EXIT_OK


def run_receipt_sample(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings_or_sample(args.config)
    paper = PAPERS[args.paper]
    ctx = slip_context(settings, hindi=not args.english)
    layout = layout_for(PAYMENT, ctx, paper, sync=PROVISIONAL, duplicate=False)
    rendered = render(layout, paper, shaped=ctx.hindi)
    args.out.write_bytes(rendered.escpos)
    written = [str(args.out)]
    if args.png:
        write_preview(rendered.escpos, paper, args.png)
        written.append(str(args.png))
    out.write(rendered.text)
    language = "Hindi and English" if ctx.hindi else "English only"
    out.write(f"sample receipt ({paper.mm} mm, {language}) written to {', '.join(written)}\n")
    return EXIT_OK


def run_receipt_reprint(args: argparse.Namespace, settings: KioskSettings, out: TextIO) -> int:
    operator = args.operator or settings.operator.default_id
    if not operator:
        raise InvalidInput("operator", "give --operator or set operator.default_id in the config")
    counter = open_counter(settings)
    try:
        reprint(counter, args.receipt_no, operator)
        spool = open_spool(counter)
        report = spool.print_pending()
        spool.printer.close()
    finally:
        counter.conn.close()
    if report.waiting:
        out.write(
            f"duplicate of {args.receipt_no} queued; the printer did not take it: "
            f"{report.status.detail or report.status.state}\n"
        )
        return EXIT_PRINTER
    out.write(f"duplicate of {args.receipt_no} printed\n")
    return EXIT_OK
