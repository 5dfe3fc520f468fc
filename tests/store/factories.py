"""Realistic consumer snapshots for store tests (and anyone else who needs some).

Built through the domain models, so every factory output passes the same validation the
central's data does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from kiosk.domain.models import Bill, Consumer
from kiosk.domain.snapshot import ConsumerSnapshot, MonthUnits, PaymentSummary

UPDATED_AT = datetime(2026, 1, 15, 4, 30, tzinfo=UTC)
CACHED_AT = datetime(2026, 1, 15, 5, 0, tzinfo=UTC)

# (English, Hindi) pairs, so a generated consumer's two names agree.
FIRST_NAMES = (
    ("Ram", "राम"),
    ("Sita", "सीता"),
    ("Mohan", "मोहन"),
    ("Geeta", "गीता"),
    ("Suresh", "सुरेश"),
    ("Anita", "अनीता"),
    ("Rakesh", "राकेश"),
    ("Pooja", "पूजा"),
    ("Dinesh", "दिनेश"),
    ("Sunita", "सुनीता"),
    ("Vijay", "विजय"),
    ("Kamla", "कमला"),
)
SURNAMES = (
    ("Kumar", "कुमार"),
    ("Devi", "देवी"),
    ("Yadav", "यादव"),
    ("Verma", "वर्मा"),
    ("Maurya", "मौर्य"),
    ("Singh", "सिंह"),
    ("Gupta", "गुप्ता"),
    ("Pal", "पाल"),
    ("Nishad", "निषाद"),
    ("Tiwari", "तिवारी"),
)
PLACES = (
    "Gram Sarai, Mohanlalganj, Lucknow",
    "Mohalla Qazipura, Bahraich",
    "Village Bhitauli, Barabanki",
    "Ward 12, Civil Lines, Sitapur",
    "Gram Rampur Kalan, Hardoi",
    "Aminabad, Lucknow",
    "Gram Kusmaura, Unnao",
)


def make_bill(account_no: str = "1234567890", **changes: Any) -> Bill:
    data: dict[str, Any] = {
        "account_no": account_no,
        "bill_no": f"B{account_no}-2512",
        "month": date(2025, 12, 1),
        "units": 142,
        "current_paise": 86_500,
        "arrears_paise": 12_000,
        "surcharge_paise": 1_500,
        "issued_on": date(2026, 1, 3),
        "due_on": date(2026, 1, 18),
    }
    return Bill(**(data | changes))


def make_consumer(account_no: str = "1234567890", **changes: Any) -> Consumer:
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


def make_consumption(
    months: int = 6, *, last: str = "2025-12", base: int = 120
) -> list[MonthUnits]:
    """``months`` monthly readings ending with ``last`` (YYYY-MM), oldest first."""
    year, month = (int(part) for part in last.split("-"))
    result = []
    for back in range(months - 1, -1, -1):
        y, m = divmod((year * 12 + month - 1) - back, 12)
        result.append(MonthUnits(month=f"{y:04d}-{m + 1:02d}", units=base + 7 * back))
    return result


def make_snapshot(
    account_no: str = "1234567890",
    *,
    updated_at: datetime = UPDATED_AT,
    bill: Bill | bool | None = True,
    consumption: list[MonthUnits] | None = None,
    **consumer_changes: Any,
) -> ConsumerSnapshot:
    """A snapshot with a current bill and six months of consumption unless told otherwise."""
    if bill is True:
        bill = make_bill(account_no)
    elif bill is False:
        bill = None
    return ConsumerSnapshot(
        consumer=make_consumer(account_no, **consumer_changes),
        bill=bill,
        consumption=make_consumption() if consumption is None else consumption,
        recent_payments=[
            PaymentSummary(
                receipt_no="CSC-LKO-0001-20251205-00017",
                paid_on=date(2025, 12, 5),
                amount_paise=90_000,
                mode="cash",
            )
        ],
        updated_at=updated_at,
    )


def many_snapshots(
    count: int, *, first_account: int = 1_000_000_000, discom: str = "MVVNL"
) -> Iterator[ConsumerSnapshot]:
    """``count`` distinct, deterministic consumers with varied names, places and mobiles."""
    for i in range(count):
        first_en, first_hi = FIRST_NAMES[i % len(FIRST_NAMES)]
        last_en, last_hi = SURNAMES[(i // len(FIRST_NAMES)) % len(SURNAMES)]
        account_no = str(first_account + i)
        yield make_snapshot(
            account_no,
            discom=discom,
            name=f"{first_en} {last_en}",
            name_hi=f"{first_hi} {last_hi}",
            address=PLACES[i % len(PLACES)],
            mobile=f"{6 + i % 4}{i:09d}"[-10:],
            updated_at=UPDATED_AT - timedelta(minutes=i % 1000),
            consumption=make_consumption(3, base=80 + i % 200),
        )
