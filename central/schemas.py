"""Reply models of the central's own endpoints (the sync ones live in offline_queue.protocol)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from kiosk.domain.money import MAX_PAISE
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.domain.upi import MAX_REFERENCE

# The ``tr`` of a upi://pay link (kiosk.domain.upi): letters, digits, '-' and '_'.
UPI_REFERENCE = rf"^[A-Za-z0-9_\-]{{1,{MAX_REFERENCE}}}$"
UTR = r"^[0-9]{12}$"


def _matching(pattern: str, rule: str) -> AfterValidator:
    """Check ``pattern`` with a plain sentence (pydantic's own message quotes the regex)."""
    compiled = re.compile(pattern, re.ASCII)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError("pattern_mismatch", rule)
        return value

    return AfterValidator(check)


UpiReference = Annotated[
    str,
    _matching(UPI_REFERENCE, f"must be 1-{MAX_REFERENCE} letters, digits, '-' or '_'"),
    Field(
        description=f"The QR's `tr`: 1-{MAX_REFERENCE} letters, digits, '-' or '_'",
        json_schema_extra={"pattern": UPI_REFERENCE},
    ),
]
Utr = Annotated[
    str,
    _matching(UTR, "must be the 12 digits of the bank's reference"),
    Field(
        description="The bank's 12-digit reference (UTR / RRN)",
        json_schema_extra={"pattern": UTR},
    ),
]


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsumerList(Reply):
    """Consumers found by mobile number, within the discoms the counter may read."""

    server_time: AwareDatetime
    records: list[ConsumerSnapshot]


class ComplaintStatus(Reply):
    complaint_no: str
    local_no: str | None
    status: str
    category: str
    account_no: str | None
    logged_at: AwareDatetime
    updated_at: AwareDatetime


class ModeTotal(Reply):
    count: int
    amount_paise: int


class DaySummary(Reply):
    """One counter's payments on one day (IST), as the central has them; cancelled excluded."""

    counter_id: str
    date: date
    payments: int
    amount_paise: int
    cancelled: int
    by_mode: dict[str, ModeTotal]


class UpiIntentRequest(BaseModel):
    """A UPI payment the counter expects: the ``tr`` of the dynamic QR it shows."""

    model_config = ConfigDict(extra="forbid")

    reference: UpiReference
    discom: Annotated[str, Field(description="The discom's code, e.g. MVVNL")]
    account_no: Annotated[str, Field(description="The consumer's account number")]
    amount_paise: Annotated[
        int,
        Field(strict=True, gt=0, le=MAX_PAISE, description="The QR's amount in whole paise"),
    ]


class UpiPaid(BaseModel):
    """What a PSP's callback says: the payment with this reference was made."""

    model_config = ConfigDict(extra="forbid")

    utr: Utr


class UpiIntent(Reply):
    """An expected UPI payment and whether the bank has reported it paid."""

    reference: str
    amount_paise: int
    status: Literal["pending", "paid"]
    utr: str | None
    paid_at: AwareDatetime | None
