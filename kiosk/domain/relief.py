"""Bijli Bill Rahat Yojana 2025-26 (one-time settlement): phases, eligibility and quotes.

The scheme's figures are data (``kiosk/data/relief_2025_26.toml``) parsed into
:class:`ReliefScheme`; the functions here only compute. Money is integer paise; every
percentage share is rounded half up to the paisa.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import MAX_PAISE, Paise, format_inr, paise
from kiosk.domain.quantities import check_load_kw
from kiosk.domain.tariff import round_paise


class CaseType(StrEnum):
    NORMAL = "normal"
    NEVER_PAID = "never_paid"
    RC = "rc"
    DISCONNECTED = "disconnected"
    THEFT = "theft"


OptionCode = Literal["lump_sum", "emi_750", "emi_500"]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Phase(_Data):
    number: int = Field(ge=1)
    start: date
    end: date
    lump_sum_rebate_percent: Decimal = Field(ge=0, le=100)
    theft_relief_percent: Decimal = Field(ge=0, le=100)


class InstalmentOption(_Data):
    option: OptionCode
    monthly: Decimal = Field(gt=0)
    rebate_percent: Decimal = Field(ge=0, le=100)


class Eligibility(_Data):
    max_load_kw: dict[str, Decimal]


class TheftTerms(_Data):
    fee_minimum: Decimal = Field(ge=0)
    fee_percent: Decimal = Field(ge=0, le=100)
    instalments_allowed: bool = False
    placeholder: bool = False


class ProvisionalBill(_Data):
    category: str
    load_kw: Decimal = Field(gt=0)
    rural: Decimal = Field(ge=0)
    urban: Decimal = Field(ge=0)


class OptionQuote(_Data):
    option: OptionCode
    rebate_percent: Decimal
    principal_paise: int
    surcharge_paise: int
    waived_paise: int
    rebate_paise: int
    compounding_fee_paise: int
    registration_fee_paise: int
    payable_paise: int
    balance_after_fee_paise: int
    due_by: date | None = None
    monthly_instalment_paise: int | None = None
    instalments: int | None = None
    last_instalment_paise: int | None = None


class ReliefQuote(_Data):
    eligible: bool
    reasons: list[str]
    case: CaseType
    category: str
    registered_on: date
    phase: int | None
    phase_ends: date | None
    options: list[OptionQuote]
    notes: list[str]


def base_category(category: str) -> str:
    """``lmv1-rural`` -> ``lmv1``: the scheme's rules go by LMV-1 / LMV-2 only."""
    return category.strip().lower().split("-", 1)[0]


def as_case(case: CaseType | str) -> CaseType:
    """Case types arrive as text from screens, files and the wire: check them here."""
    try:
        return CaseType(case)
    except ValueError:
        known = ", ".join(c.value for c in CaseType)
        raise InvalidInput("case", f"must be one of {known}, got {case!r}") from None


def category_label(base: str) -> str:
    """``lmv1`` -> ``LMV-1`` for messages."""
    return base.upper().replace("LMV", "LMV-")


def _share(amount: int, percent: Decimal) -> int:
    return round_paise(Decimal(amount) * percent / 100)


def _check_dues(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"must be a whole number of paise, got {value!r}")
    if not 0 <= value <= MAX_PAISE:
        raise InvalidInput(field, f"must be from ₹0 to {format_inr(MAX_PAISE)}, got {value}")
    return value


class ReliefScheme(_Data):
    code: str
    name: str
    name_hi: str = ""
    surcharge_waiver_percent: Decimal = Field(ge=0, le=100)
    registration_fee: Decimal = Field(ge=0)
    fee_adjusted_against_dues: bool = True
    placeholder_fee: bool = False
    lump_sum_due_days: int = Field(ge=1)
    missed_instalments_cancel: int = Field(ge=1)
    phases: list[Phase] = Field(min_length=1)
    instalment_options: list[InstalmentOption]
    eligibility: Eligibility
    theft: TheftTerms
    provisional_bills: list[ProvisionalBill] = []

    @model_validator(mode="after")
    def _money_and_codes(self) -> ReliefScheme:
        amounts = [("registration_fee", self.registration_fee)]
        amounts += [(f"monthly of {o.option}", o.monthly) for o in self.instalment_options]
        amounts += [("theft.fee_minimum", self.theft.fee_minimum)]
        for name, value in amounts:
            if value != value.quantize(Decimal("0.01")):
                raise ValueError(f"{name} has more than 2 decimal places: {value}")
        codes = [o.option for o in self.instalment_options]
        if len(set(codes)) != len(codes):
            raise ValueError(f"instalment options repeat a code: {codes}")
        return self

    @model_validator(mode="after")
    def _phases_in_order(self) -> ReliefScheme:
        for phase in self.phases:
            if phase.end < phase.start:
                raise ValueError(f"phase {phase.number} ends before it starts")
        for a, b in pairwise(self.phases):
            if b.start <= a.end:
                raise ValueError(f"phase {b.number} overlaps phase {a.number}")
        return self

    @property
    def opens(self) -> date:
        return self.phases[0].start

    @property
    def closes(self) -> date:
        return self.phases[-1].end

    def phase_on(self, day: date) -> Phase | None:
        """The phase a registration on ``day`` falls in, or None outside the scheme."""
        return next((p for p in self.phases if p.start <= day <= p.end), None)

    def eligibility_reasons(
        self, category: str, load_kw: Decimal | int | str, registered_on: date
    ) -> list[str]:
        """Every reason a consumer cannot register; an empty list means eligible."""
        reasons: list[str] = []
        base = base_category(category)
        limit = self.eligibility.max_load_kw.get(base)
        load = check_load_kw(load_kw)
        if limit is None:
            covered = ", ".join(category_label(k) for k in sorted(self.eligibility.max_load_kw))
            reasons.append(f"category {category} is not covered: only {covered}")
        elif load > limit:
            reasons.append(
                f"load {load.normalize():f} kW is above the {limit.normalize():f} kW limit "
                f"for {category_label(base)}"
            )
        if registered_on < self.opens:
            reasons.append(f"registration opens on {self.opens:%d.%m.%Y}")
        elif registered_on > self.closes:
            reasons.append(f"registration closed on {self.closes:%d.%m.%Y}")
        elif self.phase_on(registered_on) is None:
            reasons.append(f"{registered_on:%d.%m.%Y} falls between phases")
        return reasons

    def registration_fee_for(self, case: CaseType | str, assessment_paise: int) -> Paise:
        if as_case(case) is CaseType.THEFT:
            minimum = paise(self.theft.fee_minimum)
            return Paise(max(minimum, _share(assessment_paise, self.theft.fee_percent)))
        return paise(self.registration_fee)

    def quote(
        self,
        *,
        principal_paise: int,
        surcharge_paise: int,
        registered_on: date,
        category: str,
        load_kw: Decimal | int | str,
        case: CaseType | str = CaseType.NORMAL,
        compounding_fee_paise: int = 0,
    ) -> ReliefQuote:
        """Eligibility and every option a consumer may choose, as of ``registered_on``.

        For a theft case ``principal_paise`` is the revenue assessment and the
        compounding fee (not waived) is added to what is payable.
        """
        case = as_case(case)
        principal = _check_dues(principal_paise, "principal")
        surcharge = _check_dues(surcharge_paise, "surcharge")
        compounding = _check_dues(compounding_fee_paise, "compounding fee")
        reasons = self.eligibility_reasons(category, load_kw, registered_on)
        if principal + surcharge == 0:
            reasons.append("there are no arrears to settle")
        if compounding and case is not CaseType.THEFT:
            reasons.append("a compounding fee applies only to theft cases")
        phase = self.phase_on(registered_on)
        notes = self._notes(case)
        common = {
            "eligible": not reasons,
            "reasons": reasons,
            "case": case,
            "category": category,
            "registered_on": registered_on,
            "phase": phase.number if phase else None,
            "phase_ends": phase.end if phase else None,
            "notes": notes,
        }
        if reasons or phase is None:
            return ReliefQuote(options=[], **common)
        fee = self.registration_fee_for(case, principal)
        waived = _share(surcharge, self.surcharge_waiver_percent)
        unwaived_surcharge = surcharge - waived

        def option(code: OptionCode, percent: Decimal, monthly: Decimal | None) -> OptionQuote:
            rebate = _share(principal, percent)
            payable = principal - rebate + unwaived_surcharge + compounding
            balance = max(0, payable - fee) if self.fee_adjusted_against_dues else payable
            extra: dict[str, object] = {}
            if monthly is None:
                extra["due_by"] = registered_on + timedelta(days=self.lump_sum_due_days)
            else:
                per_month = paise(monthly)
                count, last = divmod(balance, per_month)
                extra["monthly_instalment_paise"] = per_month
                extra["instalments"] = count + (1 if last else 0)
                extra["last_instalment_paise"] = last or (per_month if count else 0)
            return OptionQuote(
                option=code,
                rebate_percent=percent,
                principal_paise=principal,
                surcharge_paise=surcharge,
                waived_paise=waived,
                rebate_paise=rebate,
                compounding_fee_paise=compounding,
                registration_fee_paise=fee,
                payable_paise=payable,
                balance_after_fee_paise=balance,
                **extra,
            )

        if case is CaseType.THEFT:
            options = [option("lump_sum", phase.theft_relief_percent, None)]
            if self.theft.instalments_allowed:
                options += [
                    option(o.option, o.rebate_percent, o.monthly) for o in self.instalment_options
                ]
        else:
            options = [option("lump_sum", phase.lump_sum_rebate_percent, None)]
            options += [
                option(o.option, o.rebate_percent, o.monthly) for o in self.instalment_options
            ]
        # Nothing left after the fee: instalments would be "0 x Rs 750"; offer the lump sum.
        options = [o for o in options if o.instalments is None or o.instalments > 0]
        if any(o.payable_paise < fee for o in options):
            notes.append(
                f"the registration fee {format_inr(fee)} is more than what is payable: "
                "the fee is still due and is not refunded"
            )
        return ReliefQuote(options=options, **common)

    def _notes(self, case: CaseType) -> list[str]:
        notes = [
            f"missing {self.missed_instalments_cancel} consecutive instalments cancels the benefit"
        ]
        if self.fee_adjusted_against_dues:
            notes.append("the registration fee is non-refundable and adjusted against the dues")
        if self.placeholder_fee:
            notes.append("the registration fee is a reported figure (placeholder)")
        if case is CaseType.THEFT:
            notes.append(
                "theft case: relief applies to the revenue assessment; "
                "the compounding fee is not waived; bring the theft notice"
            )
            if self.theft.placeholder:
                notes.append("theft terms are reported figures (placeholder)")
        elif case is CaseType.RC:
            notes.append("RC case: bring the recovery certificate notice")
        elif case is CaseType.DISCONNECTED:
            notes.append("disconnected connection: supply can be restored after registering")
        return notes

    def provisional_bill(
        self, category: str, load_kw: Decimal | int | str, area: Literal["rural", "urban"]
    ) -> Paise:
        """The monthly provisional bill when no bill was issued: the row for the smallest
        listed load that covers the consumer's load."""
        if area not in ("rural", "urban"):
            raise InvalidInput("area", f"must be rural or urban, got {area!r}")
        base = base_category(category)
        load = check_load_kw(load_kw)
        rows = sorted(
            (r for r in self.provisional_bills if r.category == base and r.load_kw >= load),
            key=lambda r: r.load_kw,
        )
        if not rows:
            raise InvalidInput(
                "load",
                f"no provisional bill for {category_label(base)} at {load.normalize():f} kW",
            )
        return paise(rows[0].rural if area == "rural" else rows[0].urban)


def instalment_schedule(quote: OptionQuote, first_month: date) -> list[tuple[date, int]]:
    """Month by month what an instalment option asks for (each with the current bill)."""
    if quote.instalments is None or quote.monthly_instalment_paise is None:
        return []
    schedule = []
    year, month = first_month.year, first_month.month
    for n in range(quote.instalments):
        amount = quote.monthly_instalment_paise
        if n == quote.instalments - 1 and quote.last_instalment_paise:
            amount = quote.last_instalment_paise
        schedule.append((date(year, month, 1), amount))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return schedule
