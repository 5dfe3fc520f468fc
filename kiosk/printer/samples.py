"""Sample documents: `kiosk receipt sample`, the receipt benchmark and the printer tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kiosk.datafiles import load_discoms
from kiosk.printer.documents import (
    CancellationDoc,
    ComplaintDoc,
    InstalmentPlan,
    ModeTotal,
    PaymentDoc,
    RechargeDoc,
    SchemeDoc,
    ShiftReportDoc,
)
from kiosk.printer.templates import SlipContext

AT = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)  # 12:00 IST

PAYMENT = PaymentDoc(
    receipt_no="CSC-LKO-0001-20251215-00001",
    event_id="0193c0de-0000-7000-8000-000000000001",
    recorded_at=AT,
    operator_id="op1",
    discom="MVVNL",
    account_no="1234567890",
    consumer_name="Ramesh Kumar",
    consumer_name_hi="रमेश कुमार",
    bill_month="2025-11",
    amount_paise=123450,
    mode="cash",
    tendered_paise=150000,
    change_paise=26550,
    balance_due_paise=50000,
)

CANCELLATION = CancellationDoc(
    receipt_no=PAYMENT.receipt_no,
    event_id="0193c0de-0000-7000-8000-000000000002",
    cancelled_at=datetime(2025, 12, 15, 8, 0, tzinfo=UTC),
    cancelled_by="sup1",
    reason="wrong account number",
    discom="MVVNL",
    account_no="1234567890",
    amount_paise=123450,
    mode="cash",
    recorded_at=AT,
)

COMPLAINT = ComplaintDoc(
    local_no="CSC-LKO-0001-C20251215-0001",
    event_id="0193c0de-0000-7000-8000-000000000003",
    recorded_at=AT,
    operator_id="op1",
    discom="MVVNL",
    account_no="1234567890",
    category="no_supply",
    description="No supply since morning in the whole lane",
    mobile_masked="XXXXXX3210",
)

SCHEME = SchemeDoc(
    local_no="CSC-LKO-0001-R20251215-0001",
    event_id="0193c0de-0000-7000-8000-000000000004",
    recorded_at=AT,
    operator_id="op1",
    discom="MVVNL",
    account_no="1234567890",
    consumer_name="Ramesh Kumar",
    scheme_name="Bijli Bill Rahat Yojana 2025-26",
    case_type="normal",
    option="emi_750",
    principal_paise=2_000_000,
    surcharge_paise=1_000_000,
    waived_paise=1_000_000,
    rebate_paise=200_000,
    registration_fee_paise=200_000,
    payable_paise=1_600_000,
    plan=InstalmentPlan(
        monthly_paise=75_000, count=22, last_paise=25_000, first_month=date(2026, 1, 1)
    ),
    fee_receipt_no="CSC-LKO-0001-20251215-00002",
)

RECHARGE = RechargeDoc(
    receipt_no="CSC-LKO-0001-20251215-00003",
    event_id="0193c0de-0000-7000-8000-000000000005",
    recorded_at=AT,
    operator_id="op1",
    discom="MVVNL",
    account_no="1234567891",
    meter_no="SM12345678",
    amount_paise=50_000,
    mode="upi",
    reference="512345678901",
)

Z_REPORT = ShiftReportDoc(
    report="Z",
    shift_id=7,
    operator_id="op1",
    opened_at=AT,
    closed_at=datetime(2025, 12, 15, 12, 30, tzinfo=UTC),
    printed_at=datetime(2025, 12, 15, 12, 30, tzinfo=UTC),
    totals=(
        ModeTotal(mode="cash", count=41, amount_paise=8_123_450),
        ModeTotal(mode="upi", count=12, amount_paise=1_250_000),
    ),
    cancelled_count=1,
    cancelled_paise=123450,
    expected_cash_paise=8_123_450,
    counted_cash_paise=8_120_000,
    variance_paise=-3450,
    first_receipt="CSC-LKO-0001-20251215-00001",
    last_receipt="CSC-LKO-0001-20251215-00054",
)

DOCUMENTS = {
    "payment": PAYMENT,
    "cancellation": CANCELLATION,
    "complaint": COMPLAINT,
    "scheme": SCHEME,
    "recharge": RECHARGE,
    "z_report": Z_REPORT,
}


def sample_context(*, hindi: bool = True) -> SlipContext:
    """The counter the samples come from (tests, the benchmark)."""
    return SlipContext(
        counter_id="CSC-LKO-0001",
        counter_name="Jan Seva Kendra, Aminabad",
        footer_lines=("Keep this receipt",),
        discoms=load_discoms(),
        upi_payee_vpa="mvvnl.lko@sbi",
        upi_payee_name="Madhyanchal Vidyut",
        hindi=hindi,
    )
