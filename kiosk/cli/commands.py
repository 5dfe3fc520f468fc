"""The ``kiosk`` command: the counter (``kiosk``, ``kiosk --demo``) and clerk's tools.

Bad arguments and bad config exit with status 2 and plain one-line messages; nothing
here prints a traceback for a mistake an operator can make.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO

from kiosk import __version__
from kiosk.cli import audit as audit_commands
from kiosk.cli import counter as counter_commands
from kiosk.cli import day as day_commands
from kiosk.cli import operators as operators_commands
from kiosk.cli import printing as printing_commands
from kiosk.cli import purge as purge_commands
from kiosk.cli import screen as screen_commands
from kiosk.config import ConfigError, KioskSettings, find_config, load_settings
from kiosk.datafiles import DataFileError, load_discoms, load_scheme, load_tariff
from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import amount_in_words_en, format_inr, parse_amount
from kiosk.domain.quantities import check_load_kw, check_units
from kiosk.domain.relief import CaseType, OptionQuote, ReliefQuote
from kiosk.domain.tariff import BillBreakdown, parse_month
from kiosk.services.errors import ServiceError
from kiosk.store.errors import StoreError

EXIT_OK = 0
EXIT_USAGE = 2

CATEGORIES = ("lmv1-rural", "lmv1-urban", "lmv1-bpl", "lmv2-rural", "lmv2-urban")
RELIEF_CATEGORIES = ("lmv1", "lmv2", *CATEGORIES)
CASES = tuple(c.value for c in CaseType)
OPTION_LABELS = {"lump_sum": "Lump sum", "emi_750": "Rs 750 / month", "emi_500": "Rs 500 / month"}


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _arg_type(convert: Callable[[str], object]) -> Callable[[str], object]:
    """Wrap a domain parser so argparse reports its plain message against the argument."""

    def parse(text: str) -> object:
        try:
            return convert(text)
        except InvalidInput as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    return parse


def _units(text: str) -> int:
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        raise InvalidInput("units", f"must be a whole number of kWh (0 or more), got {text!r}")
    return check_units(int(digits))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("date", f"must be YYYY-MM-DD such as 2025-12-15, got {text!r}") from None


def build_parser() -> Parser:
    parser = Parser(prog="kiosk", description="Electricity bill counter for UP (CSC / offices).")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, help="config file (default: see README)")
    parser.add_argument(
        "--demo", action="store_true", help="run with a demo database, central and printer"
    )
    parser.add_argument(
        "--demo-dir", type=Path, help="folder for the demo (default: the user data folder)"
    )
    commands = parser.add_subparsers(dest="command", parser_class=Parser)

    config = commands.add_parser("config", help="configuration tools")
    config_cmds = config.add_subparsers(dest="config_command", required=True, parser_class=Parser)
    check = config_cmds.add_parser("check", help="check a config file and print what is wrong")
    check.add_argument("--config", type=Path, dest="sub_config", help="config file")

    calc = commands.add_parser("calc", help="calculators for the clerk")
    calc_cmds = calc.add_subparsers(dest="calc_command", required=True, parser_class=Parser)

    bill = calc_cmds.add_parser("bill", help="explain a monthly bill line by line")
    bill.add_argument("--category", required=True, choices=CATEGORIES)
    bill.add_argument("--load-kw", required=True, type=_arg_type(check_load_kw), metavar="KW")
    bill.add_argument("--units", required=True, type=_arg_type(_units), metavar="KWH")
    bill.add_argument("--month", type=_arg_type(parse_month), metavar="YYYY-MM")
    bill.add_argument("--json", action="store_true", help="print JSON instead of a table")

    relief = calc_cmds.add_parser("relief", help="Bijli Bill Rahat Yojana options")
    relief.add_argument("--principal", required=True, type=_arg_type(parse_amount), metavar="RS")
    relief.add_argument("--surcharge", required=True, type=_arg_type(parse_amount), metavar="RS")
    relief.add_argument("--registered-on", type=_arg_type(_day), metavar="YYYY-MM-DD")
    relief.add_argument("--category", required=True, choices=RELIEF_CATEGORIES)
    relief.add_argument("--load-kw", required=True, type=_arg_type(check_load_kw), metavar="KW")
    relief.add_argument("--case", choices=CASES, default="normal")
    relief.add_argument(
        "--compounding-fee",
        type=_arg_type(parse_amount),
        default=0,
        metavar="RS",
        help="theft cases: the compounding fee, which is not waived",
    )
    relief.add_argument("--json", action="store_true", help="print JSON instead of a table")
    counter_commands.add_commands(commands, _arg_type, _day)
    printing_commands.add_commands(commands)
    day_commands.add_commands(commands, _arg_type, _day)
    audit_commands.add_commands(commands)
    purge_commands.add_commands(commands, _arg_type)
    operators_commands.add_commands(commands)
    return parser


def _settings_if_any(path: Path | None) -> KioskSettings | None:
    found = find_config(path)
    return load_settings(found) if found is not None else None


def _data_path(settings: KioskSettings | None, key: str) -> Path | None:
    return getattr(settings.data, key) if settings else None


def _print_bill(bill: BillBreakdown, out: TextIO) -> None:
    load = f"{bill.load_kw.normalize():f}"
    out.write(f"{bill.category_label}, {load} kW, {bill.units} units, month {bill.month}\n\n")
    rows = [("Item", "Quantity", "Rate", "Amount")]
    rows += [(ln.label, ln.quantity, ln.rate, format_inr(ln.amount_paise)) for ln in bill.lines]
    rows.append(("Total", "", "", format_inr(bill.total_paise)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for n, row in enumerate(rows):
        if n == len(rows) - 1:
            out.write("-" * (sum(widths) + 6) + "\n")
        cells = [row[i].ljust(widths[i]) for i in range(3)] + [row[3].rjust(widths[3])]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(f"\n({amount_in_words_en(bill.total_paise)})\n")
    if bill.notes:
        out.write("\nNotes:\n" + "".join(f"  - {note}\n" for note in bill.notes))


def _option_terms(option: OptionQuote) -> str:
    if option.compounding_fee_paise:
        fee = f"incl. compounding fee {format_inr(option.compounding_fee_paise)}"
        return ", ".join(filter(None, [fee, _payment_terms(option)]))
    return _payment_terms(option)


def _payment_terms(option: OptionQuote) -> str:
    if option.instalments is not None and option.monthly_instalment_paise is not None:
        terms = f"{option.instalments} x {format_inr(option.monthly_instalment_paise)}"
        if option.last_instalment_paise != option.monthly_instalment_paise:
            terms += f" (last {format_inr(option.last_instalment_paise or 0)})"
        return terms + " + current bill"
    return f"pay by {option.due_by:%d.%m.%Y}" if option.due_by else ""


def _print_relief(quote: ReliefQuote, scheme_name: str, out: TextIO) -> None:
    when = f"registration on {quote.registered_on:%d.%m.%Y}"
    if quote.phase is not None and quote.phase_ends is not None:
        when += f" (phase {quote.phase}, ends {quote.phase_ends:%d.%m.%Y})"
    out.write(f"{scheme_name}: {when}\n")
    out.write(f"Eligible: {'yes' if quote.eligible else 'no'}\n")
    out.write("".join(f"  - {reason}\n" for reason in quote.reasons))
    if quote.options:
        rows = [("Option", "Surcharge waived", "Rebate", "Reg. fee", "Payable", "Terms")]
        for o in quote.options:
            rows.append(
                (
                    OPTION_LABELS[o.option],
                    format_inr(o.waived_paise),
                    f"{format_inr(o.rebate_paise)} ({o.rebate_percent.normalize():f}%)",
                    format_inr(o.registration_fee_paise),
                    format_inr(o.payable_paise),
                    _option_terms(o),
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(6)]
        out.write("\n")
        for row in rows:
            out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
            out.write("\n")
    if quote.notes:
        out.write("\nNotes:\n" + "".join(f"  - {note}\n" for note in quote.notes))


def _calc_bill(args: argparse.Namespace, settings: KioskSettings | None, out: TextIO) -> int:
    tariff = load_tariff(_data_path(settings, "tariff_file"))
    month = args.month or date.today().replace(day=1)
    bill = tariff.calculate_bill(args.category, args.load_kw, args.units, month)
    over_bill = tariff.check_over_bill(args.load_kw, args.units)
    if args.json:
        data = {**bill.model_dump(mode="json"), "over_bill": over_bill.model_dump(mode="json")}
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_bill(bill, out)
        out.write(f"\nOver-bill check: {over_bill.note}\n")
    return EXIT_OK


def _calc_relief(args: argparse.Namespace, settings: KioskSettings | None, out: TextIO) -> int:
    scheme = load_scheme(_data_path(settings, "scheme_file"))
    quote = scheme.quote(
        principal_paise=args.principal,
        surcharge_paise=args.surcharge,
        registered_on=args.registered_on or date.today(),
        category=args.category,
        load_kw=args.load_kw,
        case=CaseType(args.case),
        compounding_fee_paise=args.compounding_fee,
    )
    if args.json:
        out.write(quote.model_dump_json(indent=2) + "\n")
    else:
        _print_relief(quote, scheme.name, out)
    return EXIT_OK


# An InvalidInput's field, as the argument the operator typed it into.
_FIELD_TO_ARGUMENT = {
    "month": "--month",
    "units": "--units",
    "load": "--load-kw",
    "category": "--category",
    "principal": "--principal",
    "surcharge": "--surcharge",
    "compounding fee": "--compounding-fee",
    "amount": "--amount",
    "tendered": "--tendered",
    "utr": "--utr",
    "UPI reference": "--utr",
    "card reference": "--pos-ref",
    "cheque number": "--cheque-no",
    "bank": "--bank",
    "cheque date": "--cheque-date",
    "details.pos_reference": "--pos-ref",
    "pos_reference": "--pos-ref",
    "operator": "--operator",
    "discom": "--account",
    "account number": "--account",
}


# The commands that need the counter's config, by name: they all start the same way.
_WITH_SETTINGS: dict[str, Callable[[argparse.Namespace, KioskSettings, TextIO], int]] = {
    "pay": counter_commands.run_pay,
    "sync": counter_commands.run_sync,
    "status": counter_commands.run_status,
    "export-day": day_commands.run_export_day,
    "audit": audit_commands.run_audit_verify,
    "purge": purge_commands.run_purge,
    "operators": operators_commands.run_operators,
}
# Those with a second word, for the error prefix ("kiosk audit verify: ...").
_SUBCOMMAND = {"audit": "audit_command", "operators": "operators_command"}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = "kiosk"
    try:
        if args.command == "config":
            prog = "kiosk config check"
            path = find_config(args.sub_config or args.config)
            settings = load_settings(path)
            load_tariff(settings.data.tariff_file)
            load_scheme(settings.data.scheme_file)
            discoms = load_discoms(settings.data.discoms_file)
            unknown = [code for code in settings.counter.discoms if code not in discoms]
            if unknown:
                raise ConfigError(
                    [f"{path}: counter.discoms: {', '.join(unknown)} not in the discoms data"]
                )
            out.write(f"{path}: ok (counter {settings.counter.id})\n")
            return EXIT_OK
        if args.command == "calc":
            prog = f"kiosk calc {args.calc_command}"
            settings = _settings_if_any(args.config)
            run = _calc_bill if args.calc_command == "bill" else _calc_relief
            return run(args, settings, out)
        if args.command in _WITH_SETTINGS:
            sub = _SUBCOMMAND.get(args.command)
            prog = f"kiosk {args.command}" + (f" {getattr(args, sub)}" if sub else "")
            settings = load_settings(find_config(args.config))
            return _WITH_SETTINGS[args.command](args, settings, out)
        if args.command == "printer-test":
            prog = "kiosk printer-test"
            return printing_commands.run_printer_test(args, out)
        if args.command == "receipt":
            prog = f"kiosk receipt {args.receipt_command}"
            if args.receipt_command == "sample":
                return printing_commands.run_receipt_sample(args, out)
            settings = load_settings(find_config(args.config))
            return printing_commands.run_receipt_reprint(args, settings, out)
        if args.demo:
            return screen_commands.run_demo(args, out)
        return screen_commands.run_counter(find_config(args.config))
    except (ConfigError, DataFileError) as exc:
        sys.stderr.write("".join(f"{prog}: {line}\n" for line in exc.lines))
        return EXIT_USAGE
    except InvalidInput as exc:
        argument = _FIELD_TO_ARGUMENT.get(exc.field, exc.field)
        sys.stderr.write(f"{prog}: error: argument {argument}: {exc.message}\n")
        return EXIT_USAGE
    except (ServiceError, StoreError) as exc:
        sys.stderr.write(f"{prog}: error: {exc}\n")
        return EXIT_USAGE
