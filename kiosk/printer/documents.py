"""What each printed slip says, as data saved with its print job.

A service builds the document inside the transaction that writes the record, and the spool
stores it as JSON in the job, so the slip always shows what was committed. Only whether the
event has reached the central (and the central's reference) is looked up at print time: a
reprint after sync then carries the central's number instead of PROVISIONAL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Action(_Doc):
    """What every slip about an operator's action carries."""

    event_id: str
    recorded_at: datetime
    operator_id: str
    discom: str
    account_no: str


class PaymentDoc(_Action):
    kind: Literal["payment"] = "payment"
    receipt_no: str
    consumer_name: str = ""
    consumer_name_hi: str = ""
    bill_month: str | None = None
    amount_paise: int
    mode: Literal["cash", "upi", "cheque", "card"]
    reference: str | None = None
    cheque_bank: str | None = None
    cheque_date: date | None = None
    tendered_paise: int | None = None
    change_paise: int = 0
    purpose: Literal["bill", "scheme_fee", "recharge"] = "bill"
    balance_due_paise: int | None = None  # left to pay after this payment, when known


class CancellationDoc(_Doc):
    kind: Literal["cancellation"] = "cancellation"
    receipt_no: str
    event_id: str
    cancelled_at: datetime
    cancelled_by: str
    reason: str
    discom: str
    account_no: str
    amount_paise: int
    mode: str
    recorded_at: datetime


class ComplaintDoc(_Action):
    kind: Literal["complaint"] = "complaint"
    local_no: str
    account_no: str | None = None  # a complaint about a street light has no account
    category: str
    description: str
    mobile_masked: str


class InstalmentPlan(_Doc):
    monthly_paise: int
    count: int
    last_paise: int


class SchemeDoc(_Action):
    kind: Literal["scheme"] = "scheme"
    local_no: str
    consumer_name: str = ""
    consumer_name_hi: str = ""
    scheme_name: str
    scheme_name_hi: str = ""
    case_type: str
    option: str
    principal_paise: int
    surcharge_paise: int
    waived_paise: int
    rebate_paise: int
    registration_fee_paise: int
    payable_paise: int
    due_by: date | None = None
    plan: InstalmentPlan | None = None
    fee_receipt_no: str | None = None


class RechargeDoc(_Action):
    kind: Literal["recharge"] = "recharge"
    receipt_no: str
    consumer_name: str = ""
    meter_no: str = ""
    amount_paise: int
    mode: str
    reference: str | None = None


class ModeTotal(_Doc):
    mode: str
    count: int
    amount_paise: int


class ShiftReportDoc(_Doc):
    kind: Literal["shift_report"] = "shift_report"
    report: Literal["X", "Z"]
    shift_id: int
    event_id: str | None = None
    operator_id: str
    opened_at: datetime
    closed_at: datetime | None = None
    printed_at: datetime
    totals: tuple[ModeTotal, ...]
    cancelled_count: int = 0
    cancelled_paise: int = 0
    expected_cash_paise: int
    counted_cash_paise: int | None = None
    variance_paise: int | None = None
    first_receipt: str | None = None
    last_receipt: str | None = None


class PrinterTestDoc(_Doc):
    kind: Literal["test_page"] = "test_page"
    printed_at: datetime
    printer: str


Document = Annotated[
    PaymentDoc
    | CancellationDoc
    | ComplaintDoc
    | SchemeDoc
    | RechargeDoc
    | ShiftReportDoc
    | PrinterTestDoc,
    Field(discriminator="kind"),
]
DOCUMENT = TypeAdapter(Document)


def dump(doc: Document) -> bytes:
    return doc.model_dump_json().encode()


def load(body: bytes) -> Document:
    return DOCUMENT.validate_json(body)
