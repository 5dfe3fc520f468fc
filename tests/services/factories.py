"""Consumer snapshots for the service tests, built through the domain models (so each one
passes the same checks as the central's data)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from kiosk.domain.models import Bill, Consumer
from kiosk.domain.snapshot import ConsumerSnapshot, MonthUnits, PaymentSummary

ACCOUNT = "1234567890"
UPDATED_AT = datetime(2026, 1, 9, 4, 30, tzinfo=UTC)
# Cached 10 Jan 2026 03:00 UTC (08:30 IST): three hours before the tests' clock.
CACHED_AT = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)

BILL_ISSUED = date(2026, 1, 3)
# Current Rs 1,500 + arrears Rs 20,000 + surcharge Rs 10,000 = Rs 31,500 due.
CURRENT = 1_500_00
ARREARS = 20_000_00
SURCHARGE = 10_000_00
DUE = CURRENT + ARREARS + SURCHARGE


def make_bill(account_no: str = ACCOUNT, **changes: Any) -> Bill:
    data: dict[str, Any] = {
        "account_no": account_no,
        "bill_no": f"B{account_no}-2512",
        "month": date(2025, 12, 1),
        "units": 180,
        "current_paise": CURRENT,
        "arrears_paise": ARREARS,
        "surcharge_paise": SURCHARGE,
        "issued_on": BILL_ISSUED,
        "due_on": date(2026, 1, 18),
    }
    return Bill(**(data | changes))


def make_consumer(account_no: str = ACCOUNT, **changes: Any) -> Consumer:
    data: dict[str, Any] = {
        "account_no": account_no,
        "discom": "MVVNL",
        "name": "Ram Kumar",
        "name_hi": "राम कुमार",
        "address": "Gram Sarai, Mohanlalganj, Lucknow",
        "mobile": "9876543210",
        "category": "lmv1-rural",
        "load_kw": Decimal("2"),
        "meter_type": "postpaid",
        "division": "EDD-Mohanlalganj",
        "status": "active",
    }
    return Consumer(**(data | changes))


def make_snapshot(
    account_no: str = ACCOUNT,
    *,
    bill: Bill | bool | None = True,
    recent_payments: list[PaymentSummary] | None = None,
    updated_at: datetime = UPDATED_AT,
    **consumer_changes: Any,
) -> ConsumerSnapshot:
    """A snapshot with a current bill (with arrears) unless ``bill=False`` or another bill."""
    if bill is True:
        bill = make_bill(account_no)
    elif bill is False:
        bill = None
    return ConsumerSnapshot(
        consumer=make_consumer(account_no, **consumer_changes),
        bill=bill,
        consumption=[MonthUnits(month="2025-12", units=180)],
        recent_payments=recent_payments or [],
        updated_at=updated_at,
    )
