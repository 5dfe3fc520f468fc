"""The bill estimate slip: the calculator's lines with their figures as text, on 58 and
80 mm, in English and with Hindi, and never mistaken for a bill or a receipt."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.datafiles import load_tariff
from kiosk.domain.money import amount_in_words_en, amount_in_words_hi, format_rupees_ascii
from kiosk.printer.documents import BillEstimateDoc, dump, load
from kiosk.printer.escpos_decode import rasters, text_of
from kiosk.printer.layout import PAPERS
from kiosk.printer.render import render
from kiosk.printer.samples import sample_context
from kiosk.printer.templates import PROVISIONAL, SlipContext, estimate_line_hi, layout_for
from kiosk.services.bill_estimate import estimate_from

CONTEXT = sample_context()
ENGLISH = SlipContext(**{**CONTEXT.__dict__, "hindi": False})
AT = datetime(2026, 2, 10, 6, 0, tzinfo=UTC)


def estimate(**who: str) -> BillEstimateDoc:
    return estimate_from(
        load_tariff(), "lmv1-urban", "2", "350", "2026-02", now=AT, operator_id="op1", **who
    )


def printed(doc: BillEstimateDoc, mm: int, ctx: SlipContext = CONTEXT, shaped=None):
    paper = PAPERS[mm]
    layout = layout_for(doc, ctx, paper, sync=PROVISIONAL, duplicate=False)
    return render(layout, paper, shaped=shaped)


@pytest.mark.parametrize("mm", [58, 80])
def test_every_line_and_the_total_print_as_text_on_both_papers(mm):
    doc = estimate(discom="MVVNL", account_no="1234567890", consumer_name="Ram Kumar")
    for ctx in (CONTEXT, ENGLISH):
        rendered = printed(doc, mm, ctx)
        text = " ".join(text_of(rendered.escpos).split())
        for line in doc.lines:
            assert f"{line.label} {format_rupees_ascii(line.amount_paise)}" in text
        assert "100 kWh x Rs 5.50/kWh" in text
        assert "5% x Rs. 2,050.00 (energy)" in text
        assert "10% x Rs. 2,270.00 (energy + fixed)" in text
        assert format_rupees_ascii(doc.total_paise) == "Rs. 2,599.50"
        assert "Rs. 2,599.50" in text
        assert "MVVNL 1234567890" in text
        # It fits: images the paper's width, text lines within its columns.
        assert all(image.width == PAPERS[mm].dots for image in rasters(rendered.escpos))
        columns = PAPERS[mm].columns
        assert all(len(row) <= columns for row in text_of(rendered.escpos).split("\n"))


@pytest.mark.parametrize("mm", [58, 80])
def test_it_says_estimate_top_and_bottom_and_nothing_of_a_receipt(mm):
    rendered = printed(estimate(), mm, ENGLISH)
    text = " ".join(rendered.text.split())
    assert "BILL ESTIMATE" in text
    assert text.count("ESTIMATE - NOT A BILL, NOT A RECEIPT") == 2
    assert "The amount payable is the one on the discom's bill." in text
    assert "PROVISIONAL" not in text and "Receipt no" not in text
    assert "Keep this receipt" not in text  # the counter's receipt footer is left off
    assert "QR" not in text and rasters(rendered.escpos) == []  # no verification QR


def test_hindi_words_for_each_line_and_the_total_in_words():
    doc = estimate()
    text = " ".join(printed(doc, 80).text.split())
    assert "ऊर्जा प्रभार 1-100 यूनिट" in text
    assert "ऊर्जा प्रभार 300 यूनिट से ऊपर" in text
    assert "नियत प्रभार" in text and "विद्युत शुल्क" in text
    assert "ईंधन अधिभार (FPPAS) 2026-02" in text
    assert "अनुमान मात्र - यह बिल या रसीद नहीं है" in text
    assert amount_in_words_hi(doc.total_paise) in text
    assert amount_in_words_en(doc.total_paise).capitalize()[:30] in text


def test_english_only_prints_ascii_text_and_no_images():
    rendered = printed(estimate(), 80, ENGLISH, shaped=False)
    assert rasters(rendered.escpos) == []
    assert [ch for ch in text_of(rendered.escpos) if ord(ch) > 126] == []


def test_the_document_survives_the_print_queue_and_an_unreadable_slab_keeps_its_words():
    doc = estimate()
    assert load(dump(doc)) == doc
    odd = doc.lines[0].model_copy(update={"slab_from": None, "label": "Energy first block"})
    assert estimate_line_hi(odd) == "Energy first block"
