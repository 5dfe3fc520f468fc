"""Tariff data and the bill calculator a clerk uses to explain a bill.

The tariff is data (a TOML file under ``kiosk/data/`` that the office can replace), parsed
into :class:`Tariff`. :meth:`Tariff.calculate_bill` returns an itemised breakdown.

Rounding rule: every line (each energy slab, fixed charge, duty, FPPAS) is rounded half up
to the paisa on its own, and the total is the sum of the rounded lines, so the printed
lines always add up to the printed total.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import Paise, format_inr
from kiosk.domain.quantities import check_load_kw, check_units

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)


def parse_month(text: str) -> date:
    """``"2026-02"`` -> 1 Feb 2026; the billing month is always held as its first day."""
    match = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2099:
        raise InvalidInput("month", f"must be YYYY-MM such as 2026-02, got {text!r}")
    return date(int(match[1]), int(match[2]), 1)


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_paise(value: Decimal) -> Paise:
    """Half up to the whole paisa: the documented rounding of every bill line."""
    return Paise(round_half_up(value))


def _rupees_to_paise(value: Decimal) -> Decimal:
    return value * 100


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Slab(_Data):
    upto: int | None = Field(default=None, gt=0)
    rate: Decimal = Field(ge=0, description="rupees per kWh")


def _check_slabs(slabs: list[Slab]) -> list[Slab]:
    if not slabs:
        raise ValueError("needs at least one slab")
    limits = [s.upto for s in slabs[:-1]]
    if None in limits:
        raise ValueError("only the last slab may be open-ended (no 'upto')")
    if slabs[-1].upto is not None:
        raise ValueError("the last slab must be open-ended (no 'upto')")
    if any(b <= a for a, b in pairwise(limits)):  # type: ignore[operator]
        raise ValueError("slab limits must increase")
    return slabs


class LoadVariant(_Data):
    max_load_kw: Decimal | None = Field(default=None, gt=0)
    slabs: list[Slab]

    @model_validator(mode="after")
    def _slabs_ok(self) -> LoadVariant:
        _check_slabs(self.slabs)
        return self


class CategoryTariff(_Data):
    label: str
    label_hi: str = ""
    fixed_per_kw: Decimal = Field(ge=0, description="rupees per kW per month")
    placeholders: list[str] = []
    slabs: list[Slab] | None = None
    by_load: list[LoadVariant] | None = None

    @model_validator(mode="after")
    def _one_slab_source(self) -> CategoryTariff:
        if (self.slabs is None) == (self.by_load is None):
            raise ValueError("give either 'slabs' or 'by_load', not both or neither")
        if self.slabs is not None:
            _check_slabs(self.slabs)
        if self.by_load is not None and self.by_load[-1].max_load_kw is not None:
            raise ValueError("the last 'by_load' variant must have no max_load_kw")
        return self

    def slabs_for(self, load_kw: Decimal) -> list[Slab]:
        if self.slabs is not None:
            return self.slabs
        assert self.by_load is not None
        for variant in self.by_load:
            if variant.max_load_kw is None or load_kw <= variant.max_load_kw:
                return variant.slabs
        raise AssertionError("validated: the last variant is open-ended")


class DutyRule(_Data):
    percent: Decimal = Field(ge=0, le=100)
    placeholder: bool = False


class FppasRule(_Data):
    applies_to: list[Literal["energy", "fixed"]] = Field(default=["energy"], min_length=1)
    placeholder_applies_to: bool = False
    percent_by_month: dict[str, Annotated[Decimal, Field(ge=-100, le=100)]] = {}

    @model_validator(mode="after")
    def _months_ok(self) -> FppasRule:
        for key in self.percent_by_month:
            parse_month(key)
        return self

    def percent_for(self, month: date) -> tuple[Decimal, str | None]:
        """The month's FPPAS and, when it had to be assumed, a note saying from where."""
        key = month_key(month)
        if key in self.percent_by_month:
            return self.percent_by_month[key], None
        earlier = sorted(k for k in self.percent_by_month if k < key)
        if not earlier:
            return Decimal(0), f"no FPPAS figure for {key} or before it: 0% used"
        source = earlier[-1]
        return (
            self.percent_by_month[source],
            f"no FPPAS figure for {key}: the {source} figure is used",
        )


class OverBillRule(_Data):
    normative_units_per_kw_month: int = Field(gt=0)
    outlier_factor: Decimal = Field(gt=1)
    placeholder_factor: bool = False


class BillLine(_Data):
    kind: Literal["energy", "fixed", "duty", "fppas"]
    label: str
    quantity: str
    rate: str
    amount_paise: int


class BillBreakdown(_Data):
    category: str
    category_label: str
    load_kw: Decimal
    units: int
    month: str
    lines: list[BillLine]
    energy_paise: int
    fixed_paise: int
    duty_paise: int
    fppas_paise: int
    total_paise: int
    duty_percent: Decimal
    fppas_percent: Decimal
    notes: list[str]


class OverBillCheck(_Data):
    units: int
    normative_units: int
    ratio: Decimal
    is_outlier: bool
    note: str


def _fmt_rate(rupees: Decimal) -> str:
    return f"Rs {rupees:.2f}"


class Tariff(_Data):
    name: str
    effective_from: date
    duty: DutyRule
    fppas: FppasRule
    over_bill: OverBillRule
    categories: dict[str, CategoryTariff]

    def category(self, code: str) -> CategoryTariff:
        try:
            return self.categories[code]
        except KeyError:
            known = ", ".join(sorted(self.categories))
            raise InvalidInput("category", f"must be one of {known}, got {code!r}") from None

    def calculate_bill(
        self, category: str, load_kw: Decimal | int | str, units: int, month: date
    ) -> BillBreakdown:
        """One month's bill, itemised: energy slabs (telescopic), fixed, duty, FPPAS."""
        cat = self.category(category)
        load = check_load_kw(load_kw)
        check_units(units)
        if month < self.effective_from.replace(day=1):
            raise InvalidInput(
                "month", f"{self.name} is in force from {month_key(self.effective_from)} on"
            )
        notes = [f"{name} is a placeholder value" for name in cat.placeholders]
        lines: list[BillLine] = []
        lower = 0
        for slab in cat.slabs_for(load):
            upper = slab.upto if slab.upto is not None else max(units, lower)
            in_slab = max(0, min(units, upper) - lower)
            if in_slab:
                span = f"{lower + 1}-{upper}" if slab.upto is not None else f"above {lower}"
                lines.append(
                    BillLine(
                        kind="energy",
                        label=f"Energy {span} units",
                        quantity=f"{in_slab} kWh",
                        rate=_fmt_rate(slab.rate) + "/kWh",
                        amount_paise=round_paise(_rupees_to_paise(slab.rate) * in_slab),
                    )
                )
            lower = upper
            if units <= lower:
                break
        energy = sum(line.amount_paise for line in lines)
        fixed = round_paise(_rupees_to_paise(cat.fixed_per_kw) * load)
        lines.append(
            BillLine(
                kind="fixed",
                label="Fixed charge",
                quantity=f"{load.normalize():f} kW",
                rate=_fmt_rate(cat.fixed_per_kw) + "/kW",
                amount_paise=fixed,
            )
        )
        duty = round_paise(Decimal(energy) * self.duty.percent / 100)
        lines.append(
            BillLine(
                kind="duty",
                label="Electricity duty",
                quantity=f"on energy {format_inr(energy)}",
                rate=f"{self.duty.percent.normalize():f}%",
                amount_paise=duty,
            )
        )
        if self.duty.placeholder:
            notes.append("electricity duty % is a placeholder value")
        fppas_pct, fppas_note = self.fppas.percent_for(month)
        if fppas_note:
            notes.append(fppas_note)
        if self.fppas.placeholder_applies_to:
            notes.append("what FPPAS applies to is a placeholder rule")
        base = (energy if "energy" in self.fppas.applies_to else 0) + (
            fixed if "fixed" in self.fppas.applies_to else 0
        )
        fppas = round_paise(Decimal(base) * fppas_pct / 100)
        lines.append(
            BillLine(
                kind="fppas",
                label=f"FPPAS {month_key(month)}",
                quantity=f"on {' + '.join(self.fppas.applies_to)} {format_inr(base)}",
                rate=f"{fppas_pct.normalize():f}%",
                amount_paise=fppas,
            )
        )
        return BillBreakdown(
            category=category,
            category_label=cat.label,
            load_kw=load,
            units=units,
            month=month_key(month),
            lines=lines,
            energy_paise=energy,
            fixed_paise=fixed,
            duty_paise=duty,
            fppas_paise=fppas,
            total_paise=energy + fixed + duty + fppas,
            duty_percent=self.duty.percent,
            fppas_percent=fppas_pct,
            notes=notes,
        )

    def check_over_bill(
        self, load_kw: Decimal | int | str, units: int, months: int = 1
    ) -> OverBillCheck:
        """Is this bill an outlier against the normative units per kW per month?"""
        load = check_load_kw(load_kw)
        check_units(units)
        if months < 1:
            raise InvalidInput("months", f"must be 1 or more, got {months}")
        rule = self.over_bill
        normative = round_half_up(rule.normative_units_per_kw_month * load * months)
        ratio = (Decimal(units) / normative).quantize(Decimal("0.01")) if normative else Decimal(0)
        outlier = units > normative * rule.outlier_factor
        note = (
            f"{units} units is {ratio}x the normal {normative} units "
            f"({rule.normative_units_per_kw_month} units/kW/month)"
        )
        if outlier:
            note += f": an over-bill outlier, reassessed at {normative} units"
        return OverBillCheck(
            units=units, normative_units=normative, ratio=ratio, is_outlier=outlier, note=note
        )
