"""Registering a consumer for the relief scheme (Bijli Bill Rahat Yojana / OTS).

The quote comes from the domain; the registration fee is taken as a payment in the same
transaction, so a registration never exists without its fee receipt, nor the other way.

The scheme screen asks :func:`scheme_view` for everything it shows: the quote, every
reason a consumer cannot register (each as a code the screen words in its language), the
over-bill reassessment, the provisional bill and an earlier registration. The form runs
:func:`check_registration` (every rule of :func:`register_scheme`, writing nothing) before
it takes the fee, and both share one checking function, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import validate_mobile
from kiosk.domain.models import Consumer, SchemeRegistration
from kiosk.domain.money import format_inr
from kiosk.domain.relief import (
    CaseType,
    OptionQuote,
    ReliefQuote,
    as_case,
    base_category,
    category_label,
    instalment_schedule,
)
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.printer.documents import InstalmentPlan, SchemeDoc
from kiosk.services import printing
from kiosk.services.counter import Counter
from kiosk.services.dues import outstanding_paise
from kiosk.services.errors import NotFound
from kiosk.services.id_proof import id_proof_for_storage
from kiosk.services.payments import PaymentRequest, PaymentResult, prepare_payment, write_payment
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, local_number, operator_action, validated
from kiosk.services.refs import central_ref
from kiosk.services.roles import require_role
from kiosk.store.consumers import get_by_account

if TYPE_CHECKING:
    from kiosk.services.payments import _Prepared

# What the operator chooses on the scheme screen; a disconnected connection's "normal"
# case is registered as "disconnected" (same terms, supply restored after registering).
CASE_CHOICES: tuple[str, ...] = ("normal", "theft", "rc")
NOTICE_CASES = (CaseType.THEFT, CaseType.RC)
PrintState = Literal["printed", "pending", "failed"]


@dataclass(frozen=True, slots=True)
class SchemeRequest:
    discom: str
    account_no: str
    option: str
    id_proof_type: str
    id_proof_number: str
    mobile: str
    operator_id: str
    case: str = "normal"
    notice_no: str | None = None
    # Dues from an office notice override the cached bill (theft assessments, RC notices).
    principal_paise: int | None = None
    surcharge_paise: int | None = None
    compounding_fee_paise: int = 0


@dataclass(frozen=True, slots=True)
class SchemeResult:
    local_no: str
    event_id: str
    option: OptionQuote
    fee_receipt: PaymentResult | None
    recorded_at: datetime
    registered_on: date | None = None
    # Month by month what an instalment option asks for, from the month after registering.
    schedule: tuple[tuple[date, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule the consumer fails: a code and values the screen words in its language,
    and the English sentence a refusal carries."""

    code: str  # category | load | not_open | closed | between_phases | no_arrears
    #            | compounding | case_rc | theft_assessment | other
    text: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Note:
    """Something the consumer should know about the terms, as a code and values."""

    code: str  # missed | fee_adjusted | fee_reported | fee_above_payable | theft
    #            | theft_reported | rc | disconnected
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OverBill:
    """The latest bill is an outlier: its units far above the normative consumption."""

    bill_month: date
    units: int
    normative_units: int
    ratio: Decimal
    billed_paise: int  # the bill's current charges as issued
    reassessed_paise: int  # the same month at the normative units

    @property
    def reduction_paise(self) -> int:
        return max(0, self.billed_paise - self.reassessed_paise)


@dataclass(frozen=True, slots=True)
class ProvisionalBill:
    """No bill for last month: the scheme's monthly provisional amount keeps instalments
    going until one is issued (adjusted in the next bill)."""

    amount_paise: int
    area: Literal["rural", "urban"]
    last_bill_month: date | None


@dataclass(frozen=True, slots=True)
class SchemeDues:
    """What the quote settles, and where the figures came from."""

    principal_paise: int
    surcharge_paise: int
    compounding_fee_paise: int
    source: Literal["bill", "notice"]
    billed_principal_paise: int  # before an over-bill reassessment


@dataclass(frozen=True, slots=True)
class Registration:
    """A registration made at this counter, with the central's number once it synced."""

    local_no: str
    central_no: str | None
    discom: str
    account_no: str
    case: str
    option: str
    fee_paise: int
    payable_paise: int
    registered_on: date
    fee_receipt_no: str | None
    notice_no: str | None
    id_proof_type: str
    id_proof_ref: str  # Aadhaar only masked
    printed: PrintState | None  # the acknowledgement: printed if any copy came out

    @property
    def number(self) -> str:
        """The number the consumer keeps: the central's once known."""
        return self.central_no or self.local_no


@dataclass(frozen=True, slots=True)
class SchemeView:
    """Everything the scheme screen shows for one consumer and case, as of now."""

    quote: ReliefQuote
    reasons: tuple[Reason, ...]
    dues: SchemeDues
    over_bill: OverBill | None
    provisional: ProvisionalBill | None
    registration: Registration | None
    notes: tuple[Note, ...] = ()

    @property
    def eligible(self) -> bool:
        return self.quote.eligible and self.registration is None


@dataclass(frozen=True, slots=True)
class _Assessed:
    quote: ReliefQuote
    reasons: list[Reason]
    dues: SchemeDues
    over_bill: OverBill | None
    snapshot: ConsumerSnapshot


# --- the quote -----------------------------------------------------------------------------


def quote_for(counter: Counter, request: SchemeRequest, *, now: datetime) -> ReliefQuote:
    """The scheme's quote for this consumer today (nothing written).

    Every reason it fails is in ``quote.reasons``; then there are no options.
    """
    return _assess(counter, request, now=now).quote


def scheme_view(
    counter: Counter, request: SchemeRequest, *, now: datetime | None = None
) -> SchemeView:
    """The quote with its reasons as codes, the over-bill and provisional-bill notes, and
    the consumer's registration if there is one (nothing written)."""
    now = now or counter.now()
    assessed = _assess(counter, request, now=now)
    snapshot = assessed.snapshot
    return SchemeView(
        quote=assessed.quote,
        reasons=tuple(assessed.reasons),
        dues=assessed.dues,
        over_bill=assessed.over_bill,
        provisional=_provisional(counter, snapshot, counter.today(now)),
        registration=registration_for(counter, *snapshot.key),
        notes=tuple(_notes(counter, assessed.quote)),
    )


def _notes(counter: Counter, quote: ReliefQuote) -> list[Note]:
    """The terms' fine print for this case (the domain's notes, as codes)."""
    scheme = counter.scheme
    notes: list[Note] = []
    if any(o.instalments for o in quote.options):
        notes.append(Note("missed", {"n": str(scheme.missed_instalments_cancel)}))
    if scheme.fee_adjusted_against_dues:
        notes.append(Note("fee_adjusted"))
    if scheme.placeholder_fee:
        notes.append(Note("fee_reported"))
    fees = [
        o.registration_fee_paise
        for o in quote.options
        if o.payable_paise < o.registration_fee_paise
    ]
    if fees:
        notes.append(Note("fee_above_payable", {"fee": format_inr(fees[0])}))
    if quote.case is CaseType.THEFT:
        notes.append(Note("theft"))
        if scheme.theft.placeholder:
            notes.append(Note("theft_reported"))
    elif quote.case is CaseType.RC:
        notes.append(Note("rc"))
    elif quote.case is CaseType.DISCONNECTED:
        notes.append(Note("disconnected"))
    return notes


def effective_case(consumer: Consumer, chosen: str) -> CaseType:
    """The case as registered: "normal" on a disconnected connection is "disconnected"."""
    case = as_case(chosen)
    if case is CaseType.NORMAL and consumer.status == "disconnected":
        return CaseType.DISCONNECTED
    return case


def _assess(counter: Counter, request: SchemeRequest, *, now: datetime) -> _Assessed:
    discom, account_no = counter.check_account(request.discom, request.account_no)
    cached = get_by_account(counter.conn, discom, account_no)
    if cached is None:
        raise NotFound(
            f"consumer {discom} {account_no} is not in this counter's data: look it up first"
        )
    snapshot = cached.snapshot
    consumer = snapshot.consumer
    case = effective_case(consumer, request.case)
    dues, over_bill = _dues(counter, snapshot, request)
    registered_on = counter.today(now)
    quote = counter.scheme.quote(
        principal_paise=dues.principal_paise,
        surcharge_paise=dues.surcharge_paise,
        registered_on=registered_on,
        category=consumer.category,
        load_kw=consumer.load_kw,
        case=case,
        compounding_fee_paise=dues.compounding_fee_paise,
    )
    reasons = _coded(counter, consumer, dues, case, registered_on, quote.reasons)
    reasons += _case_reasons(consumer, case, request)
    if len(reasons) > len(quote.reasons):
        texts = [reason.text for reason in reasons]
        quote = quote.model_copy(update={"eligible": False, "reasons": texts, "options": []})
    return _Assessed(quote, reasons, dues, over_bill, snapshot)


def _dues(
    counter: Counter, snapshot: ConsumerSnapshot, request: SchemeRequest
) -> tuple[SchemeDues, OverBill | None]:
    """The notice's figures when given, else what is still owed on the bill (payments
    since it was issued taken off the principal first), an over-bill reassessed."""
    surcharge = request.surcharge_paise
    if request.principal_paise is not None:  # the notice's figures stand on their own
        principal = request.principal_paise
        surcharge = surcharge or 0
        return SchemeDues(
            principal, surcharge, request.compounding_fee_paise, "notice", principal
        ), None
    bill = snapshot.bill
    outstanding = outstanding_paise(counter, snapshot)
    if surcharge is None:
        surcharge = min(bill.surcharge_paise if bill else 0, outstanding)
    billed = max(0, outstanding - surcharge)
    over_bill = _over_bill(counter, snapshot)
    principal = billed - over_bill.reduction_paise if over_bill else billed
    dues = SchemeDues(max(0, principal), surcharge, request.compounding_fee_paise, "bill", billed)
    return dues, over_bill


def _over_bill(counter: Counter, snapshot: ConsumerSnapshot) -> OverBill | None:
    """The latest bill reassessed at the normative units when it is an outlier."""
    bill, consumer = snapshot.bill, snapshot.consumer
    if bill is None or bill.units == 0:
        return None
    tariff = counter.tariff
    check = tariff.check_over_bill(consumer.load_kw, bill.units)
    if not check.is_outlier:
        return None
    try:
        reassessed = tariff.calculate_bill(
            consumer.category, consumer.load_kw, check.normative_units, bill.month
        ).total_paise
    except InvalidInput:  # a month before the tariff in the data file: scale the bill
        reassessed = bill.current_paise * check.normative_units // bill.units
    return OverBill(
        bill_month=bill.month,
        units=bill.units,
        normative_units=check.normative_units,
        ratio=check.ratio,
        billed_paise=bill.current_paise,
        reassessed_paise=min(reassessed, bill.current_paise),
    )


def _provisional(
    counter: Counter, snapshot: ConsumerSnapshot, today: date
) -> ProvisionalBill | None:
    """The provisional bill when last month's bill was not issued (None when it was, or
    when the scheme lists no amount for this category and load)."""
    bill, consumer = snapshot.bill, snapshot.consumer
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    last_month = date(year, month, 1)
    if bill is not None and bill.month >= last_month:
        return None
    area: Literal["rural", "urban"] = "urban" if consumer.category.endswith("urban") else "rural"
    try:
        amount = counter.scheme.provisional_bill(consumer.category, consumer.load_kw, area)
    except InvalidInput:
        return None
    return ProvisionalBill(int(amount), area, bill.month if bill else None)


def _coded(
    counter: Counter,
    consumer: Consumer,
    dues: SchemeDues,
    case: CaseType,
    day: date,
    texts: list[str],
) -> list[Reason]:
    """The domain's reasons, each with its code, in the domain's own order.

    Should the domain ever give a reason not known here, every reason is shown as its
    English sentence rather than a wrong code.
    """
    scheme = counter.scheme
    codes: list[tuple[str, dict[str, str]]] = []
    base = base_category(consumer.category)
    limit = scheme.eligibility.max_load_kw.get(base)
    load = Decimal(consumer.load_kw)
    if limit is None:
        covered = ", ".join(category_label(k) for k in sorted(scheme.eligibility.max_load_kw))
        codes.append(("category", {"category": category_label(base), "covered": covered}))
    elif load > limit:
        codes.append(
            (
                "load",
                {
                    "load": f"{load.normalize():f}",
                    "limit": f"{limit.normalize():f}",
                    "category": category_label(base),
                },
            )
        )
    if day < scheme.opens:
        codes.append(("not_open", {"date": f"{scheme.opens:%d.%m.%Y}"}))
    elif day > scheme.closes:
        codes.append(("closed", {"date": f"{scheme.closes:%d.%m.%Y}"}))
    elif scheme.phase_on(day) is None:
        codes.append(("between_phases", {"date": f"{day:%d.%m.%Y}"}))
    if dues.principal_paise + dues.surcharge_paise == 0:
        codes.append(("no_arrears", {}))
    if dues.compounding_fee_paise and case is not CaseType.THEFT:
        codes.append(("compounding", {}))
    if len(codes) != len(texts):
        return [Reason("other", text, {"detail": text}) for text in texts]
    return [Reason(code, text, values) for (code, values), text in zip(codes, texts, strict=True)]


def _case_reasons(consumer: Consumer, case: CaseType, request: SchemeRequest) -> list[Reason]:
    """What the case type itself rules out (the scheme's data cannot say these)."""
    reasons = []
    if consumer.status == "rc" and case is not CaseType.RC:
        reasons.append(
            Reason(
                "case_rc",
                "the connection is under a Recovery Certificate: choose the RC case "
                "and type the notice",
            )
        )
    if case is CaseType.THEFT and request.principal_paise is None:
        reasons.append(
            Reason(
                "theft_assessment",
                "theft case: type the revenue assessment from the theft notice "
                "(the relief applies to it, not to the bill)",
            )
        )
    return reasons


# --- registering -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Checked:
    """A registration that passed every rule, ready to write."""

    registration: SchemeRegistration
    chosen: OptionQuote
    discom: str
    operator_id: str
    prepared: _Prepared | None  # the fee payment, checked (None when there is no fee)
    now: datetime


def check_registration(
    counter: Counter, request: SchemeRequest, fee_payment: PaymentRequest | None = None
) -> OptionQuote:
    """Every rule of :func:`register_scheme`, writing nothing; the chosen option's quote.

    Without ``fee_payment`` the fee's payment is not checked (the form checks the
    consumer's details before it asks for the money).
    """
    return _check(counter, request, fee_payment, fee_required=False).chosen


def _check(
    counter: Counter,
    request: SchemeRequest,
    fee_payment: PaymentRequest | None,
    *,
    fee_required: bool,
) -> _Checked:
    operator_id = require_role(counter, request.operator_id, "scheme.register")
    now = counter.now()
    assessed = _assess(counter, request, now=now)
    quote = assessed.quote
    if not quote.eligible:
        raise InvalidInput("eligibility", "; ".join(quote.reasons) or "not eligible")
    chosen = next((o for o in quote.options if o.option == request.option), None)
    if chosen is None:
        offered = ", ".join(o.option for o in quote.options)
        raise InvalidInput("option", f"must be one of {offered}, got {request.option!r}")
    discom, account_no = assessed.snapshot.key
    earlier = registration_for(counter, discom, account_no)
    if earlier is not None:
        raise InvalidInput(
            "account number", f"is already registered for the scheme ({earlier.number})"
        )
    proof_type, proof_ref = id_proof_for_storage(request.id_proof_type, request.id_proof_number)
    mobile = validate_mobile(request.mobile)
    case = quote.case
    notice = (request.notice_no or "").strip() or None
    if case in NOTICE_CASES and not notice:
        raise InvalidInput("notice number", "is required for theft and RC cases")
    if notice is not None and len(notice) > 40:
        raise InvalidInput("notice number", "must be at most 40 characters")
    fee = chosen.registration_fee_paise
    prepared = None
    if fee > 0 and fee_payment is None and fee_required:
        raise InvalidInput("fee", f"the registration fee {format_inr(fee)} must be paid")
    if fee > 0 and fee_payment is not None:
        fee_request = dataclasses.replace(
            fee_payment,
            discom=discom,
            account_no=account_no,
            amount_paise=fee,
            operator_id=operator_id,
        )
        prepared = prepare_payment(counter, fee_request, now=now, purpose="scheme_fee")
    registration = validated(
        SchemeRegistration,
        registration_no="pending",
        account_no=account_no,
        scheme_code=counter.scheme.code,
        case=case,
        option=chosen.option,
        id_proof_type=proof_type,
        id_proof_ref=proof_ref,
        mobile=mobile,
        notice_no=notice,
        registration_fee_paise=fee,
        payable_paise=chosen.payable_paise,
        registered_on=counter.today(now),
    )
    return _Checked(registration, chosen, discom, operator_id, prepared, now)


def register_scheme(
    counter: Counter, request: SchemeRequest, fee_payment: PaymentRequest | None = None
) -> SchemeResult:
    """Register and take the fee by ``fee_payment``'s mode (its amount is set here).

    ``fee_payment`` may be None only when the chosen option's fee is 0.
    """
    checked = _check(counter, request, fee_payment, fee_required=True)
    registration, chosen, now = checked.registration, checked.chosen, checked.now
    discom, operator_id = checked.discom, checked.operator_id
    fee = chosen.registration_fee_paise
    with operator_action(counter):
        receipt = None
        if checked.prepared is not None:
            receipt = write_payment(counter, checked.prepared, now=now, purpose="scheme_fee")
        local_no = local_number(counter, registration.registered_on, "registration", "R")
        registration = registration.model_copy(update={"registration_no": local_no})
        event_id = emit(counter, registration, now=now, operator_id=operator_id)
        counter.conn.execute(
            "INSERT INTO scheme_registrations (local_no, event_id, discom, account_no,"
            " scheme_code, case_type, option, id_proof_type, id_proof_ref, mobile, notice_no,"
            " fee_paise, payable_paise, registered_on, fee_receipt_no, operator_id, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                local_no,
                event_id,
                discom,
                registration.account_no,
                registration.scheme_code,
                registration.case.value,
                chosen.option,
                registration.id_proof_type,
                registration.id_proof_ref,
                registration.mobile,
                registration.notice_no,
                fee,
                chosen.payable_paise,
                registration.registered_on.isoformat(),
                receipt.receipt_no if receipt else None,
                operator_id,
                now.isoformat(),
            ),
        )
        audit(
            counter,
            now=now,
            operator_id=operator_id,
            action="scheme.registered",
            ref=local_no,
            detail={"option": chosen.option, "fee_paise": fee},
        )
        slip = _scheme_slip(
            counter,
            registration,
            chosen,
            event_id=event_id,
            discom=discom,
            operator_id=operator_id,
            fee_receipt_no=receipt.receipt_no if receipt else None,
            now=now,
        )
        queue_slip(counter, slip, now=now)
    schedule = instalment_schedule(chosen, first_instalment_month(registration.registered_on))
    return SchemeResult(
        local_no,
        event_id,
        chosen,
        receipt,
        now,
        registered_on=registration.registered_on,
        schedule=tuple(schedule),
    )


def first_instalment_month(registered_on: date) -> date:
    """Instalments start with the bill of the month after registering."""
    if registered_on.month == 12:
        return date(registered_on.year + 1, 1, 1)
    return date(registered_on.year, registered_on.month + 1, 1)


# --- after registering: the number and the paper ------------------------------------------

_REGISTRATION = """
SELECT r.local_no, r.central_no, r.event_id, r.discom, r.account_no, r.case_type, r.option,
    r.fee_paise, r.payable_paise, r.registered_on, r.fee_receipt_no, r.notice_no,
    r.id_proof_type, r.id_proof_ref,
    (
        SELECT j.status FROM print_jobs j WHERE j.ref = r.local_no AND j.kind = 'scheme'
        ORDER BY j.status = 'printed' DESC, j.id DESC LIMIT 1
    ) AS printed
FROM scheme_registrations r
"""


def registration_for(counter: Counter, discom: str, account_no: str) -> Registration | None:
    """The consumer's registration for the scheme in force at this counter, if any."""
    discom, account_no = counter.check_account(discom, account_no)
    row = counter.conn.execute(
        f"{_REGISTRATION} WHERE r.discom = ? AND r.account_no = ? AND r.scheme_code = ?"
        " ORDER BY r.id LIMIT 1",
        (discom, account_no, counter.scheme.code),
    ).fetchone()
    return None if row is None else _registration(counter, row)


def registration_status(counter: Counter, number: str) -> Registration:
    """A registration by the counter's number or the central's (NotFound otherwise)."""
    wanted = (number or "").strip()
    if not wanted or len(wanted) > 40:
        raise InvalidInput("registration number", "type the number from the acknowledgement")
    row = counter.conn.execute(
        f"{_REGISTRATION} WHERE r.local_no = ? OR r.central_no = ? ORDER BY r.id LIMIT 1",
        (wanted, wanted),
    ).fetchone()
    if row is None:
        raise NotFound(f"no scheme registration {wanted} at this counter")
    return _registration(counter, row)


def reprint_acknowledgement(counter: Counter, number: str, operator_id: str) -> Registration:
    """Queue a DUPLICATE of the acknowledgement (with the central's number once synced)."""
    found = registration_status(counter, number)
    printing.reprint(counter, found.local_no, operator_id)
    return found


def _registration(counter: Counter, row: tuple) -> Registration:
    (
        local_no,
        central_no,
        event_id,
        discom,
        account_no,
        case,
        option,
        fee,
        payable,
        registered_on,
        fee_receipt_no,
        notice_no,
        proof_type,
        proof_ref,
        printed,
    ) = row
    return Registration(
        local_no=local_no,
        central_no=central_no or central_ref(counter.conn, event_id, "registration_no"),
        discom=discom,
        account_no=account_no,
        case=case,
        option=option,
        fee_paise=int(fee),
        payable_paise=int(payable),
        registered_on=date.fromisoformat(registered_on),
        fee_receipt_no=fee_receipt_no,
        notice_no=notice_no,
        id_proof_type=proof_type,
        id_proof_ref=proof_ref,
        printed=printed,
    )


def _scheme_slip(
    counter: Counter,
    registration: SchemeRegistration,
    chosen: OptionQuote,
    *,
    event_id: str,
    discom: str,
    operator_id: str,
    fee_receipt_no: str | None,
    now: datetime,
) -> SchemeDoc:
    """The acknowledgement: the option, what is payable and the instalment schedule
    (from the month after registering, as :func:`register_scheme` gives it)."""
    cached = get_by_account(counter.conn, discom, registration.account_no)
    consumer = cached.snapshot.consumer if cached is not None else None
    plan = None
    if chosen.instalments and chosen.monthly_instalment_paise:
        plan = InstalmentPlan(
            monthly_paise=chosen.monthly_instalment_paise,
            count=chosen.instalments,
            last_paise=chosen.last_instalment_paise or chosen.monthly_instalment_paise,
            first_month=first_instalment_month(registration.registered_on),
        )
    return SchemeDoc(
        local_no=registration.registration_no,
        event_id=event_id,
        recorded_at=now,
        operator_id=operator_id,
        discom=discom,
        account_no=registration.account_no,
        consumer_name=consumer.name if consumer else "",
        consumer_name_hi=consumer.name_hi if consumer else "",
        scheme_name=counter.scheme.name,
        scheme_name_hi=counter.scheme.name_hi,
        case_type=str(registration.case),
        option=chosen.option,
        principal_paise=chosen.principal_paise,
        surcharge_paise=chosen.surcharge_paise,
        waived_paise=chosen.waived_paise,
        rebate_paise=chosen.rebate_paise,
        registration_fee_paise=chosen.registration_fee_paise,
        payable_paise=chosen.payable_paise,
        due_by=chosen.due_by,
        plan=plan,
        fee_receipt_no=fee_receipt_no,
        notice_no=registration.notice_no,
        compounding_fee_paise=chosen.compounding_fee_paise,
    )
