"""Taking money: record a payment by any mode, and cancel a receipt.

Everything is checked before the transaction opens, so a refusal writes nothing; the
record, its receipt number, its outbox event and its audit row then commit together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from kiosk.domain.errors import InvalidInput
from kiosk.domain.events import ReceiptCancelled
from kiosk.domain.ids import validate_cheque_number, validate_utr
from kiosk.domain.models import (
    CardDetails,
    CashDetails,
    ChequeDetails,
    Payment,
    UpiDetails,
)
from kiosk.domain.money import MAX_PAISE, check_cash_limit, format_inr
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.printer.documents import CancellationDoc, PaymentDoc
from kiosk.services.counter import Counter
from kiosk.services.dues import outstanding_paise
from kiosk.services.errors import NeedsConfirmation, NotFound
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, operator_action, receipt_number, validated
from kiosk.services.roles import require_role
from kiosk.services.shifts import open_shift_id
from kiosk.store.consumers import get_by_account

Mode = Literal["cash", "upi", "cheque", "card"]
Purpose = Literal["bill", "scheme_fee", "recharge"]
MODES: tuple[str, ...] = ("cash", "upi", "cheque", "card")
CARD_REFERENCE = re.compile(r"[A-Za-z0-9\-]{4,32}", re.ASCII)


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    discom: str
    account_no: str
    amount_paise: int
    mode: str
    operator_id: str
    tendered_paise: int | None = None
    utr: str | None = None
    cheque_no: str | None = None
    bank: str | None = None
    cheque_date: date | None = None
    pos_reference: str | None = None
    bill_no: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentResult:
    receipt_no: str
    event_id: str
    amount_paise: int
    change_paise: int
    mode: str
    recorded_at: datetime
    discom: str
    account_no: str


def record_payment(
    counter: Counter,
    request: PaymentRequest,
    *,
    confirm_second: bool = False,
    purpose: Purpose = "bill",
) -> PaymentResult:
    """Record one payment. Raises InvalidInput (nothing written) or NeedsConfirmation when
    the same consumer already paid today: the operator must confirm the second payment."""
    now = counter.now()
    prepared = prepare_payment(counter, request, now=now, purpose=purpose)
    if purpose == "bill" and not confirm_second:
        earlier = _paid_today(counter, prepared.discom, prepared.account_no, counter.today(now))
        if earlier:
            raise NeedsConfirmation(
                f"this consumer already paid today (receipt {', '.join(earlier)}); "
                "take a second payment only if the consumer really wants to pay again",
                earlier=tuple(earlier),
            )
    with operator_action(counter):
        result = write_payment(counter, prepared, now=now, purpose=purpose)
    return result


@dataclass(frozen=True, slots=True)
class _Prepared:
    discom: str
    account_no: str
    amount_paise: int
    details: CashDetails | UpiDetails | ChequeDetails | CardDetails
    reference: str | None
    operator_id: str
    bill_no: str | None
    consumer_name: str = ""
    consumer_name_hi: str = ""
    bill_month: str | None = None
    outstanding_paise: int | None = None


def prepare_payment(
    counter: Counter, request: PaymentRequest, *, now: datetime, purpose: Purpose
) -> _Prepared:
    """Every check a payment needs, before any write (a refusal changes nothing)."""
    operator_id = require_role(counter, request.operator_id, "payment.record")
    discom, account_no = counter.check_account(request.discom, request.account_no)
    amount = _check_amount(request.amount_paise)
    cached = get_by_account(counter.conn, discom, account_no)
    snapshot = cached.snapshot if cached else None
    outstanding = _outstanding(counter, snapshot) if purpose == "bill" else None
    if purpose == "bill":
        _check_minimum(counter, amount, outstanding)
    mode = (request.mode or "").strip().lower()
    today = counter.today(now)
    details: CashDetails | UpiDetails | ChequeDetails | CardDetails
    reference: str | None = None
    if mode == "cash":
        tendered = amount if request.tendered_paise is None else request.tendered_paise
        if not isinstance(tendered, int) or isinstance(tendered, bool) or tendered < amount:
            raise InvalidInput(
                "tendered", f"cash tendered must be at least the amount {format_inr(amount)}"
            )
        if tendered > MAX_PAISE:
            raise InvalidInput("tendered", f"must be at most {format_inr(MAX_PAISE)}")
        check_cash_limit(
            _cash_today(counter, discom, account_no, today),
            amount,
            counter.settings.payments.cash_limit_per_day,
        )
        details = CashDetails(tendered_paise=tendered)
    elif mode == "upi":
        utr = validate_utr(request.utr or "")
        _check_utr_unused(counter, utr)
        details, reference = UpiDetails(utr=utr), utr
    elif mode == "cheque":
        details = _cheque(counter, request, today, snapshot)
        reference = details.cheque_no
    elif mode == "card":
        pos_reference = (request.pos_reference or "").strip()
        if not CARD_REFERENCE.fullmatch(pos_reference):
            raise InvalidInput(
                "card reference", "must be the POS slip's reference: 4-32 letters, digits or -"
            )
        details = CardDetails(pos_reference=pos_reference)
        reference = pos_reference
    else:
        raise InvalidInput("mode", f"must be one of {', '.join(MODES)}, got {request.mode!r}")
    bill_no = request.bill_no
    if bill_no is None and snapshot is not None and snapshot.bill is not None:
        bill_no = snapshot.bill.bill_no
    consumer = snapshot.consumer if snapshot is not None else None
    bill = snapshot.bill if snapshot is not None else None
    return _Prepared(
        discom,
        account_no,
        amount,
        details,
        reference,
        operator_id,
        bill_no,
        consumer_name=consumer.name if consumer else "",
        consumer_name_hi=consumer.name_hi if consumer else "",
        bill_month=bill.month.strftime("%b %Y") if bill else None,
        outstanding_paise=outstanding,
    )


def write_payment(
    counter: Counter, prepared: _Prepared, *, now: datetime, purpose: Purpose
) -> PaymentResult:
    """Write a checked payment inside the caller's open action transaction."""
    day = counter.today(now)
    receipt_no = receipt_number(counter, day)
    payment = validated(
        Payment,
        receipt_no=receipt_no,
        account_no=prepared.account_no,
        discom=prepared.discom,
        bill_no=prepared.bill_no,
        amount_paise=prepared.amount_paise,
        details=prepared.details,
        recorded_at=now,
        operator_id=prepared.operator_id,
        purpose=purpose,
    )
    event_id = emit(counter, payment, now=now, operator_id=prepared.operator_id)
    shift_id = open_shift_id(counter, prepared.operator_id, now)
    tendered = (
        prepared.details.tendered_paise if isinstance(prepared.details, CashDetails) else None
    )
    counter.conn.execute(
        "INSERT INTO payments (receipt_no, event_id, counter_id, shift_id, operator_id, discom,"
        " account_no, bill_no, amount_paise, mode, reference, details, tendered_paise,"
        " change_paise, purpose, recorded_at, day, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')",
        (
            receipt_no,
            event_id,
            counter.counter_id,
            shift_id,
            prepared.operator_id,
            prepared.discom,
            prepared.account_no,
            prepared.bill_no,
            prepared.amount_paise,
            payment.details.mode,
            prepared.reference,
            payment.details.model_dump_json(),
            tendered,
            payment.change_paise,
            purpose,
            now.isoformat(),
            day.isoformat(),
        ),
    )
    audit(
        counter,
        now=now,
        operator_id=prepared.operator_id,
        action=f"payment.{purpose}",
        ref=receipt_no,
        detail={"amount_paise": prepared.amount_paise, "mode": payment.details.mode},
    )
    if purpose != "recharge":  # a recharge prints its own slip (the meter credit)
        queue_slip(counter, payment_doc(prepared, payment, event_id, purpose), now=now)
    return PaymentResult(
        receipt_no=receipt_no,
        event_id=event_id,
        amount_paise=prepared.amount_paise,
        change_paise=payment.change_paise,
        mode=payment.details.mode,
        recorded_at=now,
        discom=prepared.discom,
        account_no=prepared.account_no,
    )


def payment_doc(prepared: _Prepared, payment: Payment, event_id: str, purpose: str) -> PaymentDoc:
    """What the receipt says, fixed at commit time."""
    details = payment.details
    balance = None
    if prepared.outstanding_paise is not None:
        balance = max(0, prepared.outstanding_paise - prepared.amount_paise)
    return PaymentDoc(
        receipt_no=payment.receipt_no,
        event_id=event_id,
        recorded_at=payment.recorded_at,
        operator_id=prepared.operator_id,
        discom=prepared.discom,
        account_no=prepared.account_no,
        consumer_name=prepared.consumer_name,
        consumer_name_hi=prepared.consumer_name_hi,
        bill_month=prepared.bill_month,
        amount_paise=prepared.amount_paise,
        mode=details.mode,
        reference=prepared.reference,
        cheque_bank=details.bank if isinstance(details, ChequeDetails) else None,
        cheque_date=details.cheque_date if isinstance(details, ChequeDetails) else None,
        tendered_paise=details.tendered_paise if isinstance(details, CashDetails) else None,
        change_paise=payment.change_paise,
        purpose=purpose,
        balance_due_paise=balance,
    )


@dataclass(frozen=True, slots=True)
class CancelResult:
    receipt_no: str
    event_id: str
    amount_paise: int


def cancel_receipt(
    counter: Counter, receipt_no: str, *, reason: str, supervisor_id: str
) -> CancelResult:
    """A supervisor cancels a wrong receipt, with a reason; the cancellation is an event."""
    supervisor = require_role(counter, supervisor_id, "receipt.cancel", field="supervisor")
    receipt_no = (receipt_no or "").strip()
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise InvalidInput("reason", "say why the receipt is cancelled (at least 5 characters)")
    if len(reason) > 200:
        raise InvalidInput("reason", "must be at most 200 characters")
    row = counter.conn.execute(
        "SELECT amount_paise, status, discom, account_no, mode, recorded_at FROM payments"
        " WHERE receipt_no = ?",
        (receipt_no,),
    ).fetchone()
    if row is None:
        raise NotFound(f"receipt {receipt_no!r} was not issued at this counter")
    if row[1] == "cancelled":
        raise InvalidInput("receipt", f"{receipt_no} is already cancelled")
    now = counter.now()
    with operator_action(counter):
        event = ReceiptCancelled(
            receipt_no=receipt_no, reason=reason, supervisor_id=supervisor, cancelled_at=now
        )
        event_id = emit(counter, event, now=now, operator_id=supervisor)
        updated = counter.conn.execute(
            "UPDATE payments SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?,"
            " cancelled_by = ?, cancel_event_id = ? WHERE receipt_no = ? AND status = 'active'",
            (now.isoformat(), reason, supervisor, event_id, receipt_no),
        )
        if updated.rowcount != 1:  # cancelled by someone else in the meantime
            raise InvalidInput("receipt", f"{receipt_no} is already cancelled")
        audit(
            counter,
            now=now,
            operator_id=supervisor,
            action="receipt.cancelled",
            ref=receipt_no,
            # Not the reason: free text may name the consumer, and an audit row is never
            # rewritten; the reason is in the payment and the event (kiosk.services.purge).
            detail={"event_id": event_id},
        )
        slip = CancellationDoc(
            receipt_no=receipt_no,
            event_id=event_id,
            cancelled_at=now,
            cancelled_by=supervisor,
            reason=reason,
            discom=row[2],
            account_no=row[3],
            amount_paise=int(row[0]),
            mode=row[4],
            recorded_at=datetime.fromisoformat(row[5]),
        )
        queue_slip(counter, slip, now=now)
    return CancelResult(receipt_no=receipt_no, event_id=event_id, amount_paise=int(row[0]))


def _check_amount(amount: object) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise InvalidInput("amount", "must be a whole number of paise")
    if amount <= 0:
        raise InvalidInput("amount", "must be more than ₹0.00")
    if amount > MAX_PAISE:
        raise InvalidInput("amount", f"must be at most {format_inr(MAX_PAISE)}")
    return amount


def _check_minimum(counter: Counter, amount: int, outstanding: int | None) -> None:
    """A part payment must reach the configured minimum; paying all that is due always may."""
    minimum = counter.settings.payments.minimum_partial
    if amount >= minimum:
        return
    if outstanding is not None and amount >= outstanding > 0:
        return
    raise InvalidInput(
        "amount",
        f"a part payment must be at least {format_inr(minimum)}, got {format_inr(amount)}",
    )


def _outstanding(counter: Counter, snapshot: ConsumerSnapshot | None) -> int | None:
    return None if snapshot is None else outstanding_paise(counter, snapshot)


def _paid_today(counter: Counter, discom: str, account_no: str, day: date) -> list[str]:
    rows = counter.conn.execute(
        "SELECT receipt_no FROM payments WHERE discom = ? AND account_no = ? AND day = ?"
        " AND status = 'active' AND purpose = 'bill' ORDER BY id",
        (discom, account_no, day.isoformat()),
    ).fetchall()
    return [row[0] for row in rows]


def _cash_today(counter: Counter, discom: str, account_no: str, day: date) -> int:
    row = counter.conn.execute(
        "SELECT COALESCE(SUM(amount_paise), 0) FROM payments WHERE discom = ? AND account_no = ?"
        " AND day = ? AND mode = 'cash' AND status = 'active'",
        (discom, account_no, day.isoformat()),
    ).fetchone()
    return int(row[0])


def _check_utr_unused(counter: Counter, utr: str) -> None:
    row = counter.conn.execute(
        "SELECT receipt_no FROM payments"
        " WHERE reference = ? AND mode = 'upi' AND status = 'active'",
        (utr,),
    ).fetchone()
    if row is not None:
        raise InvalidInput("UPI reference", f"{utr} is already recorded on receipt {row[0]}")


def _cheque(
    counter: Counter, request: PaymentRequest, today: date, snapshot: ConsumerSnapshot | None
) -> ChequeDetails:
    rules = counter.settings.payments
    if not rules.cheques_accepted:
        raise InvalidInput("mode", "this counter does not accept cheques")
    number = validate_cheque_number(request.cheque_no or "")
    bank = " ".join((request.bank or "").split())
    if not bank:
        raise InvalidInput("bank", "is empty: type the bank's name")
    when = request.cheque_date
    if when is None:
        raise InvalidInput("cheque date", "is empty: type the date written on the cheque")
    if when > today:
        raise InvalidInput("cheque date", "post-dated cheques are not accepted")
    if when < today - timedelta(days=rules.cheque_max_age_days):
        raise InvalidInput(
            "cheque date", f"the cheque is older than {rules.cheque_max_age_days} days (stale)"
        )
    if snapshot is not None and snapshot.consumer.status == "disconnected":
        raise InvalidInput("mode", "cheques are not accepted from disconnected consumers")
    return validated(ChequeDetails, cheque_no=number, bank=bank, cheque_date=when)
