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


class ReadingDoc(_Action):
    """A self meter reading as the consumer hands it in (the office verifies it later)."""

    kind: Literal["reading"] = "reading"
    local_no: str
    consumer_name: str = ""
    consumer_name_hi: str = ""
    reading_kwh: int
    read_on: date
    previous_kwh: int | None = None  # the last reading this counter knew, if any
    meter_change: bool = False
    photo_attached: bool = False


class ConnectionDoc(_Doc):
    """A new-connection application: no account yet; the ID proof only as stored (masked)."""

    kind: Literal["connection"] = "connection"
    local_no: str
    event_id: str
    recorded_at: datetime
    operator_id: str
    applicant_name: str
    address: str
    pincode: str
    category: str
    load_kw: str
    id_proof_type: str
    id_proof_masked: str
    mobile_masked: str


class InstalmentPlan(_Doc):
    monthly_paise: int
    count: int
    last_paise: int
    first_month: date | None = None  # the first instalment's month (with that month's bill)


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
    notice_no: str | None = None  # theft / RC cases: the office's notice
    compounding_fee_paise: int = 0  # theft cases: not waived, part of what is payable


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


class EstimateLine(_Doc):
    """One line of the tariff calculator's breakdown, with what the words are made of."""

    kind: Literal["energy", "fixed", "duty", "fppas"]
    label: str  # the calculator's own words: "Energy 101-150 units"
    quantity: str  # "50 kWh", "2 kW", "on energy ₹2,050.00"
    rate: str  # "Rs 5.50/kWh", "5%"
    amount_paise: int
    slab_from: int | None = None  # energy: the slab's first unit (101)
    slab_to: int | None = None  # energy: its last unit (150); None = open-ended
    base_paise: int | None = None  # duty / FPPAS: what the percentage is charged on
    applies_to: tuple[str, ...] = ()  # FPPAS: "energy", "fixed"


class BillEstimateDoc(_Doc):
    """A bill worked out at the counter to explain one: an estimate, never a receipt."""

    kind: Literal["bill_estimate"] = "bill_estimate"
    printed_at: datetime
    operator_id: str
    tariff_name: str
    category: str
    category_label: str
    category_label_hi: str = ""
    load_kw: str
    units: int
    month: str  # YYYY-MM, the month whose FPPAS applies
    lines: tuple[EstimateLine, ...]
    total_paise: int
    notes: tuple[str, ...] = ()
    discom: str | None = None  # when worked out for a consumer
    account_no: str | None = None
    consumer_name: str = ""


Document = Annotated[
    PaymentDoc
    | CancellationDoc
    | ComplaintDoc
    | ReadingDoc
    | ConnectionDoc
    | SchemeDoc
    | RechargeDoc
    | ShiftReportDoc
    | PrinterTestDoc
    | BillEstimateDoc,
    Field(discriminator="kind"),
]
DOCUMENT = TypeAdapter(Document)


def dump(doc: Document) -> bytes:
    return doc.model_dump_json().encode()


def load(body: bytes) -> Document:
    return DOCUMENT.validate_json(body)
