"""Prepaid smart-meter recharge: money taken as a payment, plus the meter credit event."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kiosk.domain.errors import InvalidInput
from kiosk.domain.models import Recharge
from kiosk.printer.documents import RechargeDoc
from kiosk.services.counter import Counter
from kiosk.services.operators import require_operator
from kiosk.services.payments import PaymentRequest, PaymentResult, prepare_payment, write_payment
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, operator_action, validated
from kiosk.store.consumers import get_by_account

PRESETS_PAISE = (100_00, 500_00, 1000_00)


@dataclass(frozen=True, slots=True)
class RechargeResult:
    payment: PaymentResult
    event_id: str


def recharge(counter: Counter, payment: PaymentRequest, *, meter_no: str = "") -> RechargeResult:
    """Recharge a prepaid meter. A consumer the cache knows as postpaid is refused."""
    operator_id = require_operator(counter, payment.operator_id)
    discom, account_no = counter.check_account(payment.discom, payment.account_no)
    cached = get_by_account(counter.conn, discom, account_no)
    if cached is not None and cached.snapshot.consumer.meter_type != "prepaid":
        raise InvalidInput(
            "account number", "is a postpaid connection: take a bill payment instead"
        )
    meter = (meter_no or "").strip()
    if len(meter) > 20 or (meter and not meter.isalnum()):
        raise InvalidInput("meter number", "must be up to 20 letters and digits")
    now = counter.now()
    request = dataclasses.replace(payment, discom=discom, account_no=account_no)
    prepared = prepare_payment(counter, request, now=now, purpose="recharge")
    with operator_action(counter):
        receipt = write_payment(counter, prepared, now=now, purpose="recharge")
        record = validated(
            Recharge,
            account_no=account_no,
            meter_no=meter,
            amount_paise=receipt.amount_paise,
            receipt_no=receipt.receipt_no,
            recorded_at=now,
        )
        event_id = emit(counter, record, now=now, operator_id=operator_id)
        counter.conn.execute(
            "INSERT INTO recharges (receipt_no, event_id, discom, account_no, meter_no,"
            " amount_paise, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                receipt.receipt_no,
                event_id,
                discom,
                account_no,
                meter,
                receipt.amount_paise,
                now.isoformat(),
            ),
        )
        audit(
            counter,
            now=now,
            operator_id=operator_id,
            action="recharge.recorded",
            ref=receipt.receipt_no,
            detail={"amount_paise": receipt.amount_paise},
        )
        slip = RechargeDoc(
            receipt_no=receipt.receipt_no,
            event_id=event_id,
            recorded_at=now,
            operator_id=operator_id,
            discom=discom,
            account_no=account_no,
            consumer_name=prepared.consumer_name,
            meter_no=meter,
            amount_paise=receipt.amount_paise,
            mode=receipt.mode,
            reference=prepared.reference,
        )
        queue_slip(counter, slip, now=now)
    return RechargeResult(payment=receipt, event_id=event_id)
