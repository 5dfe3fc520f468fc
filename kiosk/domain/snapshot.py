"""What the central tells a counter about one consumer: the cache row and the wire record.

The central's consumer endpoints and its changes feed send exactly this shape, and the
counter's cache stores it, so a lookup offline shows what the central last said.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, Field, Strict

from kiosk.domain.models import Bill, Consumer, PositivePaise, Record, Text
from kiosk.domain.money import MAX_PAISE

MonthText = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class MonthUnits(Record):
    month: MonthText
    units: Annotated[int, Strict(), Field(ge=0, le=10_000_000)]


class PaymentSummary(Record):
    receipt_no: Text
    paid_on: date
    amount_paise: PositivePaise
    mode: Annotated[str, Field(pattern=r"^(cash|upi|cheque|card|online)$")]


class ConsumerSnapshot(Record):
    consumer: Consumer
    bill: Bill | None = None
    consumption: Annotated[list[MonthUnits], Field(max_length=24)] = Field(default_factory=list)
    recent_payments: Annotated[list[PaymentSummary], Field(max_length=10)] = Field(
        default_factory=list
    )
    # A prepaid meter's balance goes negative on emergency credit.
    prepaid_balance_paise: Annotated[int, Strict(), Field(ge=-MAX_PAISE, le=MAX_PAISE)] | None = (
        None
    )
    updated_at: AwareDatetime

    @property
    def key(self) -> tuple[str, str]:
        return (self.consumer.discom, self.consumer.account_no)
