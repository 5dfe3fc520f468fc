"""The bill calculator at the counter: the tariff's itemised bill for what the operator
typed, and a printed copy the consumer can take home to follow the explanation.

The figures are the domain calculator's (:meth:`kiosk.domain.tariff.Tariff.calculate_bill`)
for the counter's tariff file, line for line; this module only reads what was typed,
keeps what each line's words are made of (the slab's units, what a percentage is charged
on) so the screen and the slip can say them in Hindi too, and queues the slip. Nothing
goes to the central: an estimate is not a record. Printing one is audited like the X report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.errors import InvalidInput
from kiosk.domain.quantities import check_load_kw
from kiosk.domain.tariff import BillLine, Tariff, parse_month
from kiosk.printer.documents import BillEstimateDoc, EstimateLine
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, operator_action
from kiosk.services.roles import require_role

_UNITS = re.compile(r"[0-9]{1,7}", re.ASCII)
_SLAB = re.compile(r"Energy ([0-9]+)-([0-9]+) units")
_SLAB_ABOVE = re.compile(r"Energy above ([0-9]+) units")


@dataclass(frozen=True, slots=True)
class BillCategory:
    code: str
    label: str
    label_hi: str


@dataclass(frozen=True, slots=True)
class PrintedEstimate:
    job_id: int
    doc: BillEstimateDoc


def bill_categories(counter: Counter) -> list[BillCategory]:
    """The categories of the counter's tariff file, in its order (data, not code)."""
    return [
        BillCategory(code, cat.label, cat.label_hi)
        for code, cat in counter.tariff.categories.items()
    ]


def parse_units(text: str) -> int:
    """Whole kWh as typed: digits only (``1,200`` or ``12.5`` are refused, not guessed)."""
    raw = (text or "").strip()
    if not _UNITS.fullmatch(raw):
        raise InvalidInput("units", f"must be a whole number of kWh such as 180, got {raw!r}")
    return int(raw)


def estimate_bill(
    counter: Counter,
    category: str,
    load_kw: str,
    units: str,
    month: str,
    *,
    operator_id: str = "",
    discom: str | None = None,
    account_no: str | None = None,
    consumer_name: str = "",
) -> BillEstimateDoc:
    """The itemised bill for what was typed, by the counter's tariff; InvalidInput names
    the first bad field."""
    return estimate_from(
        counter.tariff,
        category,
        load_kw,
        units,
        month,
        now=counter.now(),
        operator_id=operator_id,
        discom=discom,
        account_no=account_no,
        consumer_name=consumer_name,
    )


def estimate_from(
    tariff: Tariff,
    category: str,
    load_kw: str,
    units: str,
    month: str,
    *,
    now: datetime,
    operator_id: str = "",
    discom: str | None = None,
    account_no: str | None = None,
    consumer_name: str = "",
) -> BillEstimateDoc:
    """:func:`estimate_bill` for any tariff (no counter needed: the slip tests use it)."""
    code = (category or "").strip().lower()
    cat = tariff.category(code)
    load = check_load_kw((load_kw or "").strip())
    count = parse_units(units)
    bill = tariff.calculate_bill(code, load, count, parse_month(month))
    return BillEstimateDoc(
        printed_at=now,
        operator_id=operator_id,
        tariff_name=tariff.name,
        category=code,
        category_label=cat.label,
        category_label_hi=cat.label_hi,
        load_kw=f"{load.normalize():f}",
        units=count,
        month=bill.month,
        lines=tuple(
            _line(tariff, line, bill.energy_paise, bill.fixed_paise) for line in bill.lines
        ),
        total_paise=bill.total_paise,
        notes=tuple(bill.notes),
        discom=discom,
        account_no=account_no,
        consumer_name=consumer_name,
    )


def _line(tariff: Tariff, line: BillLine, energy: int, fixed: int) -> EstimateLine:
    """The calculator's line, plus the parts its words are made of."""
    extra: dict[str, object] = {}
    if line.kind == "energy":
        closed, above = _SLAB.fullmatch(line.label), _SLAB_ABOVE.fullmatch(line.label)
        if closed:
            extra = {"slab_from": int(closed[1]), "slab_to": int(closed[2])}
        elif above:
            extra = {"slab_from": int(above[1]) + 1}
    elif line.kind == "duty":
        extra = {"base_paise": energy, "applies_to": ("energy",)}
    elif line.kind == "fppas":
        applies = tuple(tariff.fppas.applies_to)
        base = (energy if "energy" in applies else 0) + (fixed if "fixed" in applies else 0)
        extra = {"base_paise": base, "applies_to": applies}
    return EstimateLine(
        kind=line.kind,
        label=line.label,
        quantity=line.quantity,
        rate=line.rate,
        amount_paise=line.amount_paise,
        **extra,  # type: ignore[arg-type]
    )


def print_bill_estimate(
    counter: Counter,
    operator_id: str,
    category: str,
    load_kw: str,
    units: str,
    month: str,
    *,
    discom: str | None = None,
    account_no: str | None = None,
    consumer_name: str = "",
) -> PrintedEstimate:
    """Work the bill out again from what was typed and queue its slip (audited)."""
    operator = require_role(counter, operator_id, "bill.estimate")
    doc = estimate_bill(
        counter,
        category,
        load_kw,
        units,
        month,
        operator_id=operator,
        discom=discom,
        account_no=account_no,
        consumer_name=consumer_name,
    )
    with operator_action(counter):
        job_id = queue_slip(counter, doc, now=doc.printed_at)
        audit(
            counter,
            now=doc.printed_at,
            operator_id=operator,
            action="bill_estimate.printed",
            ref=f"{discom} {account_no}" if account_no else doc.category,
            detail={
                "category": doc.category,
                "load_kw": doc.load_kw,
                "units": doc.units,
                "month": doc.month,
                "total_paise": doc.total_paise,
                "job": job_id,
            },
        )
    return PrintedEstimate(job_id, doc)


def estimate_print_state(counter: Counter, job_id: int) -> str:
    """``printed``, ``pending`` or ``failed``: where the estimate's slip is."""
    row = counter.conn.execute(
        "SELECT status FROM print_jobs WHERE id = ? AND kind = 'bill_estimate'", (job_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"no bill estimate print job {job_id}")
    return str(row[0])
