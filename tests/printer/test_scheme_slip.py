"""The relief-scheme acknowledgement: the option and case in words (English and Hindi, never
the codes), the first and the last instalment with their months, and the central's number
as the registration number once synced (PROVISIONAL with the counter's number before)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image

from kiosk.printer.documents import InstalmentPlan, SchemeDoc, dump, load
from kiosk.printer.escpos_decode import rasters, text_of
from kiosk.printer.layout import PAPERS
from kiosk.printer.preview import preview_image
from kiosk.printer.render import render
from kiosk.printer.samples import sample_context
from kiosk.printer.templates import PROVISIONAL, SlipContext, SyncMark, layout_for
from tests.printer.test_preview_snapshots import MAX_CHANGED_SHARE, changed_share

CONTEXT = sample_context()
ENGLISH = SlipContext(**{**CONTEXT.__dict__, "hindi": False})
AT = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
LOCAL_NO = "CSC-LKO-0001-R20251215-0001"
CENTRAL_NO = "BBRY-00000017"
SNAPSHOTS = Path(__file__).parent / "snapshots"

# Rs 20,000 principal, Rs 10,000 surcharge waived, 10% rebate, Rs 2,000 fee: Rs 16,000
# left after the fee = 21 x Rs 750 + Rs 250, from January 2026 to October 2027.
EMI_750 = SchemeDoc(
    local_no=LOCAL_NO,
    event_id="0193c0de-0000-7000-8000-000000000021",
    recorded_at=AT,
    operator_id="op1",
    discom="MVVNL",
    account_no="1234567890",
    consumer_name="Ramesh Kumar",
    consumer_name_hi="रमेश कुमार",
    scheme_name="Bijli Bill Rahat Yojana 2025-26",
    scheme_name_hi="बिजली बिल राहत योजना 2025-26",
    case_type="normal",
    option="emi_750",
    principal_paise=20_000_00,
    surcharge_paise=10_000_00,
    waived_paise=10_000_00,
    rebate_paise=2_000_00,
    registration_fee_paise=2_000_00,
    payable_paise=18_000_00,
    plan=InstalmentPlan(
        monthly_paise=750_00, count=22, last_paise=250_00, first_month=date(2026, 1, 1)
    ),
    fee_receipt_no="CSC-LKO-0001-20251215-00002",
)
LUMP_SUM = EMI_750.model_copy(
    update={
        "option": "lump_sum",
        "rebate_paise": 5_000_00,
        "payable_paise": 15_000_00,
        "plan": None,
        "due_by": date(2026, 1, 14),
    }
)
THEFT = LUMP_SUM.model_copy(
    update={
        "case_type": "theft",
        "notice_no": "TH/2025/118",
        "principal_paise": 50_000_00,
        "surcharge_paise": 0,
        "waived_paise": 0,
        "rebate_paise": 25_000_00,
        "compounding_fee_paise": 5_000_00,
        "registration_fee_paise": 5_000_00,
        "payable_paise": 30_000_00,
    }
)
DOCS = {"emi_750": EMI_750, "lump_sum": LUMP_SUM, "theft": THEFT}
SYNCED = SyncMark(True, CENTRAL_NO)


def printed(doc, *, mm=80, ctx=CONTEXT, sync=PROVISIONAL, duplicate=False):
    paper = PAPERS[mm]
    return render(layout_for(doc, ctx, paper, sync=sync, duplicate=duplicate), paper)


def english(doc, **kw) -> str:
    return printed(doc, ctx=ENGLISH, **kw).text


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


@pytest.mark.parametrize("name", sorted(DOCS))
@pytest.mark.parametrize("sync", [PROVISIONAL, SYNCED], ids=["provisional", "synced"])
@pytest.mark.parametrize("mm", [58, 80])
@pytest.mark.parametrize("ctx", [CONTEXT, ENGLISH], ids=["bilingual", "english"])
def test_the_acknowledgement_fits_the_paper(name, sync, mm, ctx):
    rendered = printed(DOCS[name], mm=mm, ctx=ctx, sync=sync)
    assert all(image.width == PAPERS[mm].dots for image in rasters(rendered.escpos))
    assert all(len(line) <= PAPERS[mm].columns for line in text_of(rendered.escpos).split("\n"))
    if not ctx.hindi:  # Hindi lines are pictures, wrapped by their width in dots
        assert all(len(line) <= PAPERS[mm].columns for line in rendered.text.split("\n"))


@pytest.mark.parametrize(
    ("option", "monthly", "words"),
    [
        ("emi_750", 750_00, "Rs 750 a month"),
        ("emi_500", 500_00, "Rs 500 a month"),
        ("emi_500", 512_50, "Rs 512.50 a month"),  # the plan's figure, not the code's
    ],
)
def test_an_instalment_option_is_printed_as_so_much_a_month(option, monthly, words):
    plan = EMI_750.plan.model_copy(update={"monthly_paise": monthly})
    text = english(EMI_750.model_copy(update={"option": option, "plan": plan}))
    assert "Option" in line_with(text, words)
    assert "emi" not in text.lower()


def test_the_lump_sum_is_printed_in_words_with_its_last_day():
    text = english(LUMP_SUM)
    assert "Option" in line_with(text, "Lump sum")
    assert "lump_sum" not in text and "lump sum" not in text
    assert "14-01-2026" in line_with(text, "Pay by")
    assert "Instalment" not in text


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("normal", "Normal"),
        ("theft", "Theft"),
        ("rc", "RC (recovery)"),
        ("disconnected", "Disconnected"),
        ("never_paid", "Never paid"),
    ],
)
def test_the_case_is_printed_in_words(case, words):
    text = english(EMI_750.model_copy(update={"case_type": case}))
    assert words in line_with(text, "Case")
    assert case not in line_with(text, "Case")  # never the code


def test_option_and_case_have_their_hindi_words_on_a_bilingual_slip():
    text = printed(EMI_750).text
    assert "₹750 प्रति माह" in text and "सामान्य" in text
    assert "एकमुश्त" in printed(LUMP_SUM).text
    rc = printed(EMI_750.model_copy(update={"case_type": "rc"})).text
    assert "आरसी (वसूली)" in rc
    assert "चोरी" in printed(THEFT).text


def test_the_first_and_the_last_instalment_are_given_with_their_months():
    text = english(EMI_750)
    assert "22" in line_with(text, "Instalments")
    assert "Rs. 750.00" in line_with(text, "First: Jan 2026")
    assert "Rs. 250.00" in line_with(text, "Last: Oct 2027")
    assert "with that month's bill" in " ".join(text.split())


def test_the_instalment_months_are_in_hindi_too():
    text = printed(EMI_750).text
    assert "पहली: जनवरी 2026" in text and "आख़िरी: अक्टूबर 2027" in text


def test_a_single_instalment_is_both_the_first_and_the_last():
    plan = InstalmentPlan(
        monthly_paise=750_00, count=1, last_paise=400_00, first_month=date(2026, 12, 1)
    )
    text = english(EMI_750.model_copy(update={"plan": plan}))
    assert "Rs. 400.00" in line_with(text, "First: Dec 2026")
    assert "Last:" not in text


def test_a_slip_queued_before_the_months_were_recorded_still_prints():
    body = dump(EMI_750).replace(b',"first_month":"2026-01-01"', b"")
    assert b"first_month" not in body
    text = english(load(body))
    assert "Rs. 750.00" in line_with(text, "First instalment")
    assert "Rs. 250.00" in line_with(text, "Last instalment")


def test_a_theft_case_shows_the_assessment_the_compounding_fee_and_the_notice():
    text = english(THEFT)
    assert "Rs. 50,000.00" in line_with(text, "Revenue assessment")
    assert "Rs. 5,000.00" in line_with(text, "Compounding fee")
    assert "TH/2025/118" in line_with(text, "Notice no")
    assert "Principal dues" not in text
    assert "Compounding fee" not in english(LUMP_SUM)


@pytest.mark.parametrize("mm", [58, 80])
def test_before_sync_the_counter_number_is_provisional(mm):
    text = " ".join(text_of(printed(EMI_750, mm=mm).escpos).split())
    assert "PROVISIONAL (offline)" in text and LOCAL_NO in text
    english_text = english(EMI_750, mm=mm)
    assert "Counter no" in english_text and "Registration no" not in english_text
    assert "until the registration number is issued" in " ".join(english_text.split())


@pytest.mark.parametrize("mm", [58, 80])
def test_after_sync_the_centrals_number_is_the_registration_number(mm):
    text = english(EMI_750, mm=mm, sync=SYNCED)
    assert CENTRAL_NO in line_with(text, "Registration no")
    lines = text.splitlines()
    reg = next(i for i, line in enumerate(lines) if "Registration no" in line)
    ref = next(i for i, line in enumerate(lines) if "Counter ref" in line)
    assert reg < ref  # the central's number first, the counter's as a reference under it
    assert LOCAL_NO in "\n".join(lines[ref : ref + 2])
    assert "PROVISIONAL" not in text and "Counter no" not in text
    assert "until the registration number" not in " ".join(text.split())
    # The numbers stay readable text on a bilingual slip, where the labels are pictures.
    both = " ".join(text_of(printed(EMI_750, mm=mm, sync=SYNCED).escpos).split())
    assert CENTRAL_NO in both and LOCAL_NO in both and "PROVISIONAL" not in both


def test_the_registration_number_is_bold_and_the_counter_reference_is_not():
    layout = layout_for(EMI_750, ENGLISH, PAPERS[80], sync=SYNCED, duplicate=False)
    rows = {block.right: block for block in layout.blocks if hasattr(block, "right")}
    assert rows[CENTRAL_NO].bold and rows[CENTRAL_NO].key
    assert not rows[LOCAL_NO].bold and rows[LOCAL_NO].key


def test_a_reprint_after_sync_is_a_duplicate_with_the_centrals_number():
    text = english(EMI_750, sync=SYNCED, duplicate=True)
    assert "*** DUPLICATE ***" in text and CENTRAL_NO in text


@pytest.mark.parametrize("hindi", [True, False], ids=["hindi", "english"])
@pytest.mark.parametrize("mm", [58, 80])
def test_synced_acknowledgement_preview_matches_the_reviewed_snapshot(mm, hindi):
    paper = PAPERS[mm]
    ctx = SlipContext(**{**CONTEXT.__dict__, "hindi": hindi})
    layout = layout_for(EMI_750, ctx, paper, sync=SYNCED, duplicate=False)
    picture = preview_image(render(layout, paper, shaped=hindi).escpos, paper)
    path = SNAPSHOTS / f"scheme_{mm}mm_{'hindi' if hindi else 'english'}.png"
    if not path.exists():
        picture.save(path)
        pytest.skip(f"recorded {path.name}: review it by eye, then commit it")
    assert changed_share(picture, Image.open(path)) <= MAX_CHANGED_SHARE
