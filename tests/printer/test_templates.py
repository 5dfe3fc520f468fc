"""Every slip: amounts in figures and words, the right marks, and QR codes that read back."""

from __future__ import annotations

import pytest
import zxingcpp

from kiosk.domain.money import amount_in_words_en, amount_in_words_hi
from kiosk.printer.escpos_decode import rasters, text_of
from kiosk.printer.layout import PAPERS
from kiosk.printer.render import render
from kiosk.printer.samples import DOCUMENTS, PAYMENT, SCHEME, Z_REPORT, sample_context
from kiosk.printer.templates import (
    PROVISIONAL,
    SlipContext,
    SyncMark,
    layout_for,
    verification_payload,
)

CONTEXT = sample_context()
ENGLISH = SlipContext(**{**CONTEXT.__dict__, "hindi": False})


def printed(doc, *, mm=80, ctx=CONTEXT, sync=PROVISIONAL, duplicate=False, shaped=None):
    paper = PAPERS[mm]
    layout = layout_for(doc, ctx, paper, sync=sync, duplicate=duplicate)
    return render(layout, paper, shaped=shaped)


def decoded_qrs(data: bytes) -> list[str]:
    return [code.text for image in rasters(data) for code in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("mm", [58, 80])
def test_receipt_text_carries_receipt_number_account_and_amount(mm):
    text = " ".join(text_of(printed(PAYMENT, mm=mm).escpos).split())
    assert PAYMENT.receipt_no in text
    assert "MVVNL 1234567890" in text
    assert "Rs. 1,234.50" in text
    assert "One thousand, two hundred and thirty-four rupees" in text


@pytest.mark.parametrize("mm", [58, 80])
def test_receipt_qrs_read_back_to_verification_and_balance_upi_link(mm):
    codes = decoded_qrs(printed(PAYMENT, mm=mm).escpos)
    verification = verification_payload(
        PAYMENT.receipt_no, "MVVNL", "1234567890", 123450, PAYMENT.recorded_at
    )
    assert verification == (
        "RCPT:CSC-LKO-0001-20251215-00001;ACC:MVVNL-1234567890;AMT:1234.50;DT:2025-12-15T12:00+0530"
    )
    assert codes[0] == verification
    assert codes[1] == (
        "upi://pay?pa=mvvnl.lko@sbi&pn=Madhyanchal%20Vidyut&am=500.00&cu=INR"
        "&tr=CSC-LKO-0001-20251215-00001-B&tn=Electricity%201234567890"
    )


def test_fully_paid_receipt_has_no_upi_qr():
    paid = PAYMENT.model_copy(update={"balance_due_paise": 0})
    assert len(decoded_qrs(printed(paid).escpos)) == 1


def test_provisional_until_synced_then_the_central_reference():
    offline = printed(PAYMENT, ctx=ENGLISH).text
    assert "PROVISIONAL (offline)" in offline
    assert "Central ref" not in offline
    synced = printed(PAYMENT, ctx=ENGLISH, sync=SyncMark(True, "MVVNL-PAY-000042")).text
    assert "PROVISIONAL" not in synced
    assert "MVVNL-PAY-000042" in synced


def test_reprint_is_marked_duplicate_and_the_original_is_not():
    assert "DUPLICATE" not in printed(PAYMENT, ctx=ENGLISH).text
    assert "*** DUPLICATE ***" in printed(PAYMENT, ctx=ENGLISH, duplicate=True).text


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("mm", [58, 80])
def test_every_slip_fits_the_paper_in_both_languages(name, mm):
    for ctx in (CONTEXT, ENGLISH):
        rendered = printed(DOCUMENTS[name], mm=mm, ctx=ctx)
        assert all(image.width == PAPERS[mm].dots for image in rasters(rendered.escpos))
        assert all(len(line) <= PAPERS[mm].columns for line in text_of(rendered.escpos).split("\n"))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_english_only_slips_print_text_mode_ascii_and_images_only_for_qr(name):
    doc = DOCUMENTS[name]
    layout = layout_for(doc, ENGLISH, PAPERS[80], sync=PROVISIONAL, duplicate=False)
    rendered = render(layout, PAPERS[80], shaped=False)
    qr_blocks = [b for b in layout.blocks if type(b).__name__ == "QrCode"]
    assert len(rasters(rendered.escpos)) == len(qr_blocks)
    assert [ch for ch in text_of(rendered.escpos) if ord(ch) > 126] == []
    assert "₹" not in rendered.text


def test_hindi_words_are_printed_when_shaping_works():
    text = printed(PAYMENT).text
    assert amount_in_words_hi(123450) in text
    assert "रसीद" in text


def test_scheme_acknowledgement_shows_option_payable_and_schedule():
    text = printed(SCHEME, ctx=ENGLISH).text
    assert "Rs 750 a month" in text  # the option in words, from the plan's monthly figure
    assert "Rs. 16,000.00" in text
    assert amount_in_words_en(1_600_000).capitalize()[:20] in text
    assert "Instalments" in text and "22" in text
    assert "First: Jan 2026" in text and "Rs. 750.00" in text  # the plan's first month
    assert "Last: Oct 2027" in text and "Rs. 250.00" in text  # 22 months on


def test_z_report_shows_totals_by_mode_and_the_variance():
    text = printed(Z_REPORT, ctx=ENGLISH).text
    assert "Cash (41)" in text and "Rs. 81,234.50" in text
    assert "UPI (12)" in text and "Rs. 12,500.00" in text
    assert "Total (53)" in text and "Rs. 93,734.50" in text
    assert "Variance" in text and "-Rs. 34.50" in text


def test_x_report_is_read_only_and_has_no_count():
    x = Z_REPORT.model_copy(update={"report": "X", "closed_at": None, "counted_cash_paise": None})
    text = printed(x, ctx=ENGLISH).text
    assert "X REPORT" in text
    assert "Counted cash" not in text
    assert "the shift stays open" in text


@pytest.mark.parametrize(
    ("doc", "paise"),
    [
        (PAYMENT, PAYMENT.amount_paise),
        (PAYMENT, PAYMENT.balance_due_paise),
        (SCHEME, SCHEME.payable_paise),
        (SCHEME, SCHEME.registration_fee_paise),
        (Z_REPORT, Z_REPORT.expected_cash_paise),
        (Z_REPORT, Z_REPORT.counted_cash_paise),
    ],
)
def test_the_amounts_that_matter_are_in_words_in_both_languages(doc, paise):
    text = " ".join(printed(doc).text.split())
    assert amount_in_words_en(paise).capitalize()[:30] in text
    assert amount_in_words_hi(paise) in text
