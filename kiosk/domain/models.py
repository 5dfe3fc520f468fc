"""The records a counter keeps, as pydantic models that refuse bad data by field name.

Identifier fields run the validators of :mod:`kiosk.domain.ids`, so a model can never hold
an unchecked mobile or an unmasked Aadhaar. Money fields are strict integers of paise:
a float or a string is refused, not converted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import (
    is_masked_aadhaar,
    validate_account_number,
    validate_cheque_number,
    validate_mobile,
    validate_pincode,
    validate_utr,
)
from kiosk.domain.money import MAX_PAISE
from kiosk.domain.relief import CaseType, OptionCode


def _checked(validator: Callable[[str], str]) -> AfterValidator:
    """Run a domain validator inside pydantic, keeping its plain message."""

    def check(value: str) -> str:
        try:
            return validator(value)
        except InvalidInput as exc:
            raise PydanticCustomError("invalid_input", exc.message) from None

    return AfterValidator(check)


def _masked_only(value: str) -> str:
    if not is_masked_aadhaar(value):
        raise PydanticCustomError(
            "aadhaar_not_masked", "must be the masked form XXXX XXXX 1234, never the full number"
        )
    return value


AccountNumber = Annotated[str, _checked(validate_account_number)]
Mobile = Annotated[str, _checked(validate_mobile)]
UtrNumber = Annotated[str, _checked(validate_utr)]
ChequeNumber = Annotated[str, _checked(validate_cheque_number)]
Pincode = Annotated[str, _checked(validate_pincode)]
MaskedAadhaar = Annotated[str, AfterValidator(_masked_only)]
PaiseAmount = Annotated[int, Strict(), Field(ge=0, le=MAX_PAISE)]
PositivePaise = Annotated[int, Strict(), Field(gt=0, le=MAX_PAISE)]
LoadKw = Annotated[Decimal, Field(gt=0, le=1000)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
CategoryCode = Literal["lmv1-rural", "lmv1-urban", "lmv1-bpl", "lmv2-rural", "lmv2-urban"]

ComplaintCategory = Literal[
    "no_supply",
    "meter_fault",
    "billing",
    "bill_not_received",
    "voltage",
    "transformer",
    "line_breakdown",
    "theft_report",
    "disconnection_request",
    "payment_not_credited",
    "other",
]
COMPLAINT_CATEGORIES: tuple[str, ...] = get_args(ComplaintCategory)
IdProofType = Literal["aadhaar", "voter_id", "driving_licence"]


def _check_id_proof(proof_type: str, ref: str) -> None:
    if proof_type == "aadhaar" and not is_masked_aadhaar(ref):
        raise PydanticCustomError(
            "aadhaar_not_masked", "id_proof_ref: store Aadhaar only as XXXX XXXX 1234"
        )


class Record(BaseModel):
    # hide_input_in_errors: an error must never carry a full Aadhaar or other PII to a log.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True
    )


class Consumer(Record):
    account_no: AccountNumber
    discom: Text
    name: Text
    name_hi: str = ""
    address: Text
    mobile: Mobile | None = None
    category: CategoryCode
    load_kw: LoadKw
    meter_type: Literal["prepaid", "postpaid"]
    division: str = ""
    status: Literal["active", "disconnected", "rc"] = "active"


class Bill(Record):
    account_no: AccountNumber
    bill_no: Text
    month: date
    units: Annotated[int, Field(ge=0)]
    current_paise: PaiseAmount
    arrears_paise: PaiseAmount = 0
    surcharge_paise: PaiseAmount = 0
    issued_on: date
    due_on: date

    @model_validator(mode="after")
    def _dates(self) -> Bill:
        if self.due_on < self.issued_on:
            raise PydanticCustomError("due_before_issue", "due_on: must not be before issued_on")
        return self

    @property
    def due_paise(self) -> int:
        return self.current_paise + self.arrears_paise + self.surcharge_paise


class CashDetails(Record):
    mode: Literal["cash"] = "cash"
    tendered_paise: PositivePaise


class UpiDetails(Record):
    mode: Literal["upi"] = "upi"
    utr: UtrNumber


class ChequeDetails(Record):
    mode: Literal["cheque"] = "cheque"
    cheque_no: ChequeNumber
    bank: Text
    cheque_date: date


class CardDetails(Record):
    mode: Literal["card"] = "card"
    pos_reference: Annotated[str, Field(pattern=r"^[A-Za-z0-9\-]{4,32}$")]


PaymentDetails = Annotated[
    CashDetails | UpiDetails | ChequeDetails | CardDetails, Field(discriminator="mode")
]


class Payment(Record):
    receipt_no: Text
    account_no: AccountNumber
    discom: Text
    bill_no: str | None = None
    amount_paise: PositivePaise
    details: PaymentDetails
    recorded_at: AwareDatetime
    operator_id: Text
    # What the money is for: the central flags a bill payment that overpays as a credit,
    # and does not for a scheme fee or a prepaid recharge.
    purpose: Literal["bill", "scheme_fee", "recharge"] = "bill"

    @model_validator(mode="after")
    def _cash_covers_amount(self) -> Payment:
        if (
            isinstance(self.details, CashDetails)
            and self.details.tendered_paise < self.amount_paise
        ):
            raise PydanticCustomError(
                "cash_short", "details.tendered_paise: cash tendered is less than the amount"
            )
        return self

    @property
    def change_paise(self) -> int:
        if isinstance(self.details, CashDetails):
            return self.details.tendered_paise - self.amount_paise
        return 0


class Complaint(Record):
    complaint_no: str | None = None
    account_no: AccountNumber | None = None
    category: ComplaintCategory
    description: Annotated[str, Field(min_length=3, max_length=1000)]
    mobile: Mobile
    location: str = ""
    landmark: str = ""
    recorded_at: AwareDatetime
    status: Literal["open", "in_progress", "resolved", "closed"] = "open"


class SchemeRegistration(Record):
    registration_no: str | None = None
    account_no: AccountNumber
    scheme_code: Text
    case: CaseType
    option: OptionCode
    id_proof_type: IdProofType
    id_proof_ref: Annotated[str, Field(min_length=4, max_length=30)]
    mobile: Mobile
    notice_no: str | None = None
    registration_fee_paise: PaiseAmount
    payable_paise: PaiseAmount
    registered_on: date

    @model_validator(mode="after")
    def _id_and_notice(self) -> SchemeRegistration:
        _check_id_proof(self.id_proof_type, self.id_proof_ref)
        if self.case in (CaseType.THEFT, CaseType.RC) and not self.notice_no:
            raise PydanticCustomError(
                "notice_required", "notice_no: is required for theft and RC cases"
            )
        return self


class Recharge(Record):
    account_no: AccountNumber
    meter_no: str = ""
    amount_paise: PositivePaise
    receipt_no: Text
    recorded_at: AwareDatetime


class MeterReading(Record):
    account_no: AccountNumber
    reading_kwh: Annotated[int, Field(ge=0, le=99_999_999)]
    read_on: date
    photo_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    # A reading below the last one is legal only when the meter was replaced.
    meter_change: bool = False
    recorded_at: AwareDatetime


class ConnectionRequest(Record):
    applicant_name: Text
    mobile: Mobile
    address: Text
    pincode: Pincode
    category: CategoryCode
    load_kw: LoadKw
    id_proof_type: IdProofType
    id_proof_ref: Annotated[str, Field(min_length=4, max_length=30)]
    recorded_at: AwareDatetime

    @model_validator(mode="after")
    def _aadhaar_masked(self) -> ConnectionRequest:
        _check_id_proof(self.id_proof_type, self.id_proof_ref)
        return self
