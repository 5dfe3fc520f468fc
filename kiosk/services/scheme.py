"""Registering a consumer for the relief scheme (Bijli Bill Rahat Yojana / OTS).

The quote comes from the domain; the registration fee is taken as a payment in the same
transaction, so a registration never exists without its fee receipt, nor the other way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import validate_mobile
from kiosk.domain.models import SchemeRegistration
from kiosk.domain.relief import CaseType, OptionQuote, ReliefQuote, as_case
from kiosk.printer.documents import InstalmentPlan, SchemeDoc
from kiosk.services.counter import Counter
from kiosk.services.dues import outstanding_paise
from kiosk.services.errors import NotFound
from kiosk.services.id_proof import id_proof_for_storage
from kiosk.services.operators import require_operator
from kiosk.services.payments import PaymentRequest, PaymentResult, prepare_payment, write_payment
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, local_number, operator_action, validated
from kiosk.store.consumers import get_by_account


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


def quote_for(counter: Counter, request: SchemeRequest, *, now: datetime) -> ReliefQuote:
    """The scheme's quote for this consumer today (nothing written)."""
    discom, account_no = counter.check_account(request.discom, request.account_no)
    cached = get_by_account(counter.conn, discom, account_no)
    if cached is None:
        raise NotFound(
            f"consumer {discom} {account_no} is not in this counter's data: look it up first"
        )
    consumer, bill = cached.snapshot.consumer, cached.snapshot.bill
    principal = request.principal_paise
    surcharge = request.surcharge_paise
    if surcharge is None:
        surcharge = bill.surcharge_paise if bill else 0
    if principal is None:
        # What is still owed: the bill's dues less payments since it was issued.
        principal = max(0, outstanding_paise(counter, cached.snapshot) - surcharge)
    return counter.scheme.quote(
        principal_paise=principal,
        surcharge_paise=surcharge,
        registered_on=counter.today(now),
        category=consumer.category,
        load_kw=consumer.load_kw,
        case=as_case(request.case),
        compounding_fee_paise=request.compounding_fee_paise,
    )


def register_scheme(
    counter: Counter, request: SchemeRequest, fee_payment: PaymentRequest
) -> SchemeResult:
    """Register and take the fee by ``fee_payment``'s mode (its amount is set here)."""
    operator_id = require_operator(counter, request.operator_id)
    now = counter.now()
    quote = quote_for(counter, request, now=now)
    if not quote.eligible:
        raise InvalidInput("eligibility", "; ".join(quote.reasons) or "not eligible")
    chosen = next((o for o in quote.options if o.option == request.option), None)
    if chosen is None:
        offered = ", ".join(o.option for o in quote.options)
        raise InvalidInput("option", f"must be one of {offered}, got {request.option!r}")
    discom, account_no = counter.check_account(request.discom, request.account_no)
    earlier = counter.conn.execute(
        "SELECT local_no FROM scheme_registrations WHERE discom = ? AND account_no = ?"
        " AND scheme_code = ?",
        (discom, account_no, counter.scheme.code),
    ).fetchone()
    if earlier is not None:
        raise InvalidInput("account number", f"is already registered for the scheme ({earlier[0]})")
    proof_type, proof_ref = id_proof_for_storage(request.id_proof_type, request.id_proof_number)
    mobile = validate_mobile(request.mobile)
    case = as_case(request.case)
    notice = (request.notice_no or "").strip() or None
    if case in (CaseType.THEFT, CaseType.RC) and not notice:
        raise InvalidInput("notice number", "is required for theft and RC cases")
    fee = chosen.registration_fee_paise
    prepared = None
    if fee > 0:
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
    with operator_action(counter):
        receipt = None
        if prepared is not None:
            receipt = write_payment(counter, prepared, now=now, purpose="scheme_fee")
        local_no = local_number(counter, counter.today(now), "registration", "R")
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
                account_no,
                registration.scheme_code,
                case.value,
                chosen.option,
                proof_type,
                proof_ref,
                mobile,
                notice,
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
    return SchemeResult(local_no, event_id, chosen, receipt, now)


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
    """The acknowledgement: the option, what is payable and the instalment schedule."""
    cached = get_by_account(counter.conn, discom, registration.account_no)
    consumer = cached.snapshot.consumer if cached is not None else None
    plan = None
    if chosen.instalments and chosen.monthly_instalment_paise:
        plan = InstalmentPlan(
            monthly_paise=chosen.monthly_instalment_paise,
            count=chosen.instalments,
            last_paise=chosen.last_instalment_paise or chosen.monthly_instalment_paise,
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
    )
