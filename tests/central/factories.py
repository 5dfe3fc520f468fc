"""Events and payloads for the central's tests, built from the real domain models."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import count
from typing import Any

from pydantic import BaseModel

from kiosk.domain.events import ReceiptCancelled, make_envelope
from kiosk.domain.models import (
    Complaint,
    ConnectionRequest,
    MeterReading,
    Payment,
    Recharge,
    SchemeRegistration,
)
from kiosk.domain.snapshot import ConsumerSnapshot

IST = timezone(timedelta(hours=5, minutes=30))
COUNTER = "CSC-LKO-0001"
OTHER_COUNTER = "SDO-AGR-0002"
# The demo data is generated "now" = DEMO_NOW; its bills are issued on 2025-12-05.
DEMO_NOW = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
RECORDED = datetime(2025, 12, 15, 11, 0, tzinfo=IST)
DAY = "2025-12-15"
_receipts = count(1)


def receipt_no(counter_id: str = COUNTER, day: str = DAY) -> str:
    return f"{counter_id}-{day.replace('-', '')}-{next(_receipts):05d}"


def event(
    payload: BaseModel,
    *,
    counter_id: str = COUNTER,
    now: datetime = RECORDED,
    operator_id: str = "OP-07",
) -> dict[str, Any]:
    """The wire form of one event (a fresh time-ordered event_id each call)."""
    envelope = make_envelope(
        payload, now=now, entropy=os.urandom(10), counter_id=counter_id, operator_id=operator_id
    )
    return envelope.model_dump(mode="json")


def payment(
    account_no: str,
    discom: str,
    amount_paise: int = 50_000,
    *,
    mode: str = "cash",
    receipt: str | None = None,
    recorded_at: datetime = RECORDED,
    counter_id: str = COUNTER,
) -> Payment:
    details: dict[str, Any] = {
        "cash": {"mode": "cash", "tendered_paise": amount_paise},
        "upi": {"mode": "upi", "utr": "412345678901"},
        "cheque": {
            "mode": "cheque",
            "cheque_no": "123456",
            "bank": "State Bank of India",
            "cheque_date": "2025-12-14",
        },
        "card": {"mode": "card", "pos_reference": "POS-7781"},
    }[mode]
    return Payment.model_validate(
        {
            "receipt_no": receipt or receipt_no(counter_id, recorded_at.date().isoformat()),
            "account_no": account_no,
            "discom": discom,
            "amount_paise": amount_paise,
            "details": details,
            "recorded_at": recorded_at,
            "operator_id": "OP-07",
        }
    )


def cancellation(receipt: str) -> ReceiptCancelled:
    return ReceiptCancelled(
        receipt_no=receipt,
        reason="wrong account number typed",
        supervisor_id="SUP-01",
        cancelled_at=RECORDED + timedelta(minutes=5),
    )


def complaint(account_no: str | None = None, local_no: str | None = None) -> Complaint:
    return Complaint.model_validate(
        {
            "complaint_no": local_no,
            "account_no": account_no,
            "category": "no_supply",
            "description": "No supply since morning in the whole lane",
            "mobile": "9876543210",
            "recorded_at": RECORDED,
        }
    )


def registration(account_no: str) -> SchemeRegistration:
    return SchemeRegistration.model_validate(
        {
            "account_no": account_no,
            "scheme_code": "BBRY-2025-26",
            "case": "normal",
            "option": "lump_sum",
            "id_proof_type": "voter_id",
            "id_proof_ref": "ABC1234567",
            "mobile": "9876543210",
            "registration_fee_paise": 200_000,
            "payable_paise": 1_500_000,
            "registered_on": date(2025, 12, 15),
        }
    )


def recharge(account_no: str, amount_paise: int = 50_000) -> Recharge:
    return Recharge(
        account_no=account_no,
        amount_paise=amount_paise,
        receipt_no=receipt_no(),
        recorded_at=RECORDED,
    )


def reading(account_no: str) -> MeterReading:
    return MeterReading(
        account_no=account_no, reading_kwh=12_345, read_on=date(2025, 12, 15), recorded_at=RECORDED
    )


def connection_request() -> ConnectionRequest:
    return ConnectionRequest.model_validate(
        {
            "applicant_name": "Ramesh Kumar",
            "mobile": "9876543210",
            "address": "Vill. Rampur, Barabanki",
            "pincode": "225001",
            "category": "lmv1-rural",
            "load_kw": "1",
            "id_proof_type": "aadhaar",
            "id_proof_ref": "XXXX XXXX 1234",
            "recorded_at": RECORDED,
        }
    )


def first(snapshots: list[ConsumerSnapshot], **wanted: Any) -> ConsumerSnapshot:
    """The first demo consumer matching: meter_type=..., has_bill=True, discom=..."""
    for snap in snapshots:
        c = snap.consumer
        if "meter_type" in wanted and c.meter_type != wanted["meter_type"]:
            continue
        if "discom" in wanted and c.discom != wanted["discom"]:
            continue
        if wanted.get("has_bill") and (snap.bill is None or snap.bill.due_paise == 0):
            continue
        if wanted.get("has_mobile") and c.mobile is None:
            continue
        return snap
    raise LookupError(f"no demo consumer with {wanted}")
