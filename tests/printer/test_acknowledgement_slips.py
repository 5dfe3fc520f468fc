"""The reading and new-connection acknowledgements (and the complaint's numbers) on 58 and
80 mm paper: what must be readable in the bytes, PROVISIONAL until synced, and an Aadhaar
number that never appears whole."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kiosk.printer.documents import ConnectionDoc, ReadingDoc
from kiosk.printer.escpos_decode import rasters, text_of
from kiosk.printer.layout import PAPERS
from kiosk.printer.render import render
from kiosk.printer.samples import COMPLAINT, sample_context
from kiosk.printer.templates import PROVISIONAL, SlipContext, SyncMark, layout_for

CONTEXT = sample_context()
ENGLISH = SlipContext(**{**CONTEXT.__dict__, "hindi": False})
AT = datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
AADHAAR = "874512369056"

READING = ReadingDoc(
    local_no="CSC-LKO-0001-M20251215-0001",
    event_id="0193c0de-0000-7000-8000-000000000011",
    recorded_at=AT,
    operator_id="op1",
    discom="MVVNL",
    account_no="1234567890",
    consumer_name="Ramesh Kumar",
    consumer_name_hi="रमेश कुमार",
    reading_kwh=4700,
    read_on=date(2025, 12, 14),
    previous_kwh=4512,
    photo_attached=True,
)

CONNECTION = ConnectionDoc(
    local_no="CSC-LKO-0001-N20251215-0001",
    event_id="0193c0de-0000-7000-8000-000000000012",
    recorded_at=AT,
    operator_id="op1",
    applicant_name="Sita Devi",
    address="House 12, Gram Rampur Kalan, Hardoi",
    pincode="241001",
    category="lmv1-rural",
    load_kw="1.5",
    id_proof_type="aadhaar",
    id_proof_masked="XXXX XXXX 9056",
    mobile_masked="XXXXXX3210",
)

DOCS = {"reading": READING, "connection": CONNECTION}


def printed(doc, *, mm=80, ctx=CONTEXT, sync=PROVISIONAL, duplicate=False):
    paper = PAPERS[mm]
    return render(layout_for(doc, ctx, paper, sync=sync, duplicate=duplicate), paper)


def words(data: bytes) -> str:
    """The text-mode part of the bytes, as any reader of the spool would decode it."""
    return " ".join(text_of(data).split())


@pytest.mark.parametrize("name", sorted(DOCS))
@pytest.mark.parametrize("mm", [58, 80])
@pytest.mark.parametrize("ctx", [CONTEXT, ENGLISH], ids=["bilingual", "english"])
def test_each_slip_fits_the_paper(name, mm, ctx):
    rendered = printed(DOCS[name], mm=mm, ctx=ctx)
    assert all(image.width == PAPERS[mm].dots for image in rasters(rendered.escpos))
    assert all(len(line) <= PAPERS[mm].columns for line in text_of(rendered.escpos).split("\n"))


@pytest.mark.parametrize("name", sorted(DOCS))
def test_english_only_slips_are_plain_ascii_text(name):
    rendered = printed(DOCS[name], ctx=ENGLISH)
    assert rasters(rendered.escpos) == []  # no QR on these: nothing but text
    assert [ch for ch in text_of(rendered.escpos) if ord(ch) > 126] == []


@pytest.mark.parametrize("mm", [58, 80])
def test_the_reading_slip_carries_number_account_reading_and_date_as_text(mm):
    text = words(printed(READING, mm=mm).escpos)  # bilingual: labels are pictures
    for wanted in (READING.local_no, "MVVNL 1234567890", "4700 kWh", "14-12-2025"):
        assert wanted in text
    assert "PROVISIONAL (offline)" in text
    english = printed(READING, mm=mm, ctx=ENGLISH).text
    assert "Last reading" in english and "4512 kWh" in english
    assert "Meter photo" in english and "attached" in english
    assert "Meter changed" not in english
    assert "office checks the reading" in english


def test_a_meter_change_is_said_on_the_reading_slip():
    changed = READING.model_copy(update={"meter_change": True, "reading_kwh": 12})
    assert "Meter changed: new meter" in printed(changed, ctx=ENGLISH).text


def test_the_reading_slip_shows_the_central_reference_once_synced():
    synced = printed(READING, ctx=ENGLISH, sync=SyncMark(True, "MVVNL-RDG-000000042")).text
    assert "PROVISIONAL" not in synced
    assert "MVVNL-RDG-000000042" in synced


@pytest.mark.parametrize("mm", [58, 80])
def test_the_connection_slip_never_prints_a_whole_aadhaar(mm):
    for ctx in (CONTEXT, ENGLISH):
        rendered = printed(CONNECTION, mm=mm, ctx=ctx)
        assert AADHAAR not in rendered.text and AADHAAR.encode() not in rendered.escpos
    text = words(printed(CONNECTION, mm=mm).escpos)
    assert CONNECTION.local_no in text
    assert "XXXX XXXX 9056" in text
    assert "NEW CONNECTION APPLICATION" in text


def test_the_connection_slip_says_what_was_applied_for():
    text = printed(CONNECTION, ctx=ENGLISH).text
    assert "Sita Devi" in text and "241001" in text
    assert "LMV-1 domestic, rural" in text and "1.5 kW" in text
    assert "Aadhaar" in text and "XXXXXX3210" in text
    assert "Quote the counter number" in text


def test_a_voter_id_is_cut_to_its_last_four_on_paper():
    voter = CONNECTION.model_copy(
        update={"id_proof_type": "voter_id", "id_proof_masked": "ABC1234567"}
    )
    text = printed(voter, ctx=ENGLISH).text
    assert "ABC1234567" not in text and "XXXXXX4567" in text


def test_the_connection_slip_carries_the_central_application_number_once_synced():
    text = words(printed(CONNECTION, sync=SyncMark(True, "NC-00000042")).escpos)
    assert "NC-00000042" in text
    assert "PROVISIONAL" not in text


@pytest.mark.parametrize("name", sorted(DOCS))
def test_a_reprint_is_marked_duplicate(name):
    assert "*** DUPLICATE ***" in printed(DOCS[name], ctx=ENGLISH, duplicate=True).text
    assert "DUPLICATE" not in printed(DOCS[name], ctx=ENGLISH).text


def test_hindi_words_are_printed_when_shaping_works():
    assert "मीटर रीडिंग प्राप्त" in printed(READING).text
    assert "नए बिजली कनेक्शन का आवेदन" in printed(CONNECTION).text


@pytest.mark.parametrize("mm", [58, 80])
def test_the_complaint_slip_keeps_its_numbers_and_category_readable_in_hindi(mm):
    text = words(printed(COMPLAINT, mm=mm, sync=SyncMark(True, "MVVNL-CMP-00000009")).escpos)
    assert COMPLAINT.local_no in text
    assert "MVVNL-CMP-00000009" in text
    assert "No supply" in text


def test_a_synced_application_is_confirmed_with_the_centrals_application_number(tmp_path):
    from kiosk.printer.spool import sync_mark
    from kiosk.store.db import open_database, transaction
    from offline_queue import outbox

    database = open_database(tmp_path / "counter.db")
    conn = database.conn
    try:
        with transaction(conn):
            outbox.enqueue(
                conn,
                {"event_id": CONNECTION.event_id, "type": "connection.requested"},
                now=AT.timestamp(),
            )
        assert sync_mark(conn, CONNECTION) == PROVISIONAL
        (claimed,) = outbox.claim(conn, limit=1, now=AT.timestamp(), lease_s=30)
        synced = outbox.Synced(claimed.event_id, {"application_no": "MVVNL-NC-2025-000017"})
        outbox.settle(conn, synced=[synced], now=AT.timestamp())
        mark = sync_mark(conn, CONNECTION)
        assert mark == SyncMark(True, "MVVNL-NC-2025-000017")
        assert "MVVNL-NC-2025-000017" in words(printed(CONNECTION, ctx=ENGLISH, sync=mark).escpos)
    finally:
        database.close()


@pytest.mark.parametrize("mm", [58, 80])
def test_a_complaint_slip_names_every_category_in_words_within_the_paper(mm):
    from kiosk.domain.models import COMPLAINT_CATEGORIES
    from kiosk.printer.templates import COMPLAINT_CATEGORIES as WORDS

    assert set(WORDS) == set(COMPLAINT_CATEGORIES)
    for code in COMPLAINT_CATEGORIES:
        doc = COMPLAINT.model_copy(update={"category": code})
        text = words(printed(doc, mm=mm, ctx=ENGLISH).escpos)
        assert WORDS[code][0] in text
        assert all(
            len(line) <= PAPERS[mm].columns
            for line in text_of(printed(doc, mm=mm, ctx=ENGLISH).escpos).split("\n")
        )
