"""The layout renders to ESC/POS bytes that fit the paper, shape Hindi, and carry readable QRs."""

from __future__ import annotations

import pytest
import zxingcpp
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, features

from kiosk.printer import shaping
from kiosk.printer.escpos_decode import Raster, TextLine, UnknownCommand, decode, rasters, text_of
from kiosk.printer.layout import PAPERS, Layout, QrCode, Row, Rule, Text, row_lines, wrap
from kiosk.printer.qr import qr_image
from kiosk.printer.render import render, to_ascii

UPI = (
    "upi://pay?pa=mvvnl.lko@sbi&pn=Madhyanchal%20Vidyut&am=1234.50&cu=INR"
    "&tr=CSC-LKO-0001-20251215-00001&tn=Electricity%20bill"
)


def test_raqm_shaping_is_active_here():
    # CI installs libfribidi0 so this runs; without it Hindi would print with broken matras.
    assert features.check("raqm")
    assert shaping.shaping_available()


def test_conjuncts_and_matras_are_shaped_not_drawn_letter_by_letter():
    for word in ("बिजली", "क्रमांक"):
        shaped = shaping.font(shaping.BODY_PX, False).getlength(word)
        letter_by_letter = sum(shaping.font(shaping.BODY_PX, False).getlength(c) for c in word)
        # Shaping joins matras and half forms onto their consonants: narrower than the sum.
        assert shaped < letter_by_letter * 0.9, word


def test_shaped_matra_differs_from_the_basic_layout():
    from PIL import ImageDraw, ImageFont

    path = shaping.fontpkg.path(shaping.FONT_FAMILY)

    def draw(layout: ImageFont.Layout) -> Image.Image:
        face = ImageFont.truetype(str(path), 22, layout_engine=layout)
        image = Image.new("1", (120, 40), 1)
        ImageDraw.Draw(image).text((2, 2), "बिजली", font=face, fill=0)
        return image

    diff = ImageChops.difference(draw(ImageFont.Layout.RAQM), draw(ImageFont.Layout.BASIC))
    assert diff.getbbox() is not None  # the i-matra moves before its consonant only when shaped


@pytest.mark.parametrize("mm", [58, 80])
def test_every_image_fits_the_paper_and_text_fits_the_columns(mm):
    paper = PAPERS[mm]
    layout = Layout(
        (
            Text("बिजली बिल रसीद / Electricity bill receipt क्रमांक", align="center"),
            Row("Amount / राशि", "₹12,34,567.50", bold=True),
            Row("Receipt no", "CSC-LKO-0001-20251215-00001"),
            Text("A long English line " * 6),
            Rule(),
            QrCode(UPI, beside=("Scan to pay", "₹1,234.50", "Madhyanchal Vidyut")),
        )
    )
    data = render(layout, paper).escpos
    images = rasters(data)
    assert len(images) == 3
    assert all(image.width == paper.dots for image in images)
    lines = [e for e in decode(data) if isinstance(e, TextLine)]
    assert lines
    assert all(len(e.text) <= paper.columns for e in lines)


@pytest.mark.parametrize("mm", [58, 80])
def test_upi_qr_decodes_to_the_exact_link_and_is_at_least_25_mm(mm):
    paper = PAPERS[mm]
    data = render(Layout((QrCode(UPI, beside=("₹1,234.50", "Madhyanchal Vidyut")),)), paper).escpos
    (image,) = rasters(data)
    found = zxingcpp.read_barcodes(image)
    assert [code.text for code in found] == [UPI]
    position = found[0].position
    width_dots = position.top_right.x - position.top_left.x
    assert width_dots >= 25 * 8 - 8  # the finder corners sit half a module inside the edge


def test_qr_caption_is_beside_the_code_on_80_mm():
    data = render(Layout((QrCode(UPI, beside=("₹1,234.50",)),)), PAPERS[80]).escpos
    (image,) = rasters(data)
    code = qr_image(UPI, max_dots=576)
    assert image.height == code.height
    right_of_code = image.crop((code.width, 0, 576, image.height))
    assert ImageChops.invert(right_of_code.convert("L")).getbbox() is not None


def test_raster_decoder_reads_back_what_python_escpos_encoded():
    picture = Image.new("1", (384, 30), 1)
    for x in range(0, 384, 3):
        picture.putpixel((x, x % 30), 0)
    printer = Dummy()
    printer.image(picture, impl="bitImageRaster")
    (back,) = rasters(printer.output)
    assert back.size == picture.size
    assert ImageChops.difference(back.convert("L"), picture.convert("L")).getbbox() is None


def test_ascii_text_goes_out_as_text_with_its_style():
    data = render(Layout((Text("UPPCL", align="center", bold=True, large=True),)), PAPERS[80])
    (line,) = [e for e in decode(data.escpos) if isinstance(e, TextLine) and e.text]
    assert line.text == "UPPCL"
    assert line.style.align == "center" and line.style.bold and line.style.double_width


def test_without_shaping_the_slip_is_ascii_with_rs():
    rendered = render(Layout((Row("Amount", "₹1,234.50"),)), PAPERS[58], shaped=False)
    assert rasters(rendered.escpos) == []
    assert "Rs. 1,234.50" in text_of(rendered.escpos)
    assert all(b < 128 for b in rendered.escpos if b >= 32)


def test_to_ascii_never_leaves_a_non_ascii_character():
    assert to_ascii("₹1,234.50 बिल") == "Rs. 1,234.50 ???"


def test_decoder_refuses_commands_it_does_not_know():
    with pytest.raises(UnknownCommand):
        decode(b"\x1b\x99\x00")
    with pytest.raises(UnknownCommand, match="cut short"):
        decode(b"\x1dv0\x00\x30\x00\x10\x00" + b"\x00" * 5)


def test_text_preview_matches_the_printed_text_lines():
    layout = Layout((Rule(), Row("Receipt no", "CSC-LKO-0001-20251215-00001"), Text("Thank you")))
    rendered = render(layout, PAPERS[58])
    printed = [e.text for e in decode(rendered.escpos) if isinstance(e, TextLine)]
    assert rendered.text.splitlines() == printed


@given(
    left=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
    right=st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40),
    width=st.sampled_from([32, 48]),
)
@settings(max_examples=200, deadline=None)
def test_rows_never_exceed_the_columns_and_keep_the_value(left, right, width):
    lines = row_lines(left, right, width)
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "").endswith(right.replace(" ", ""))


def test_wrap_keeps_every_character_of_a_long_word():
    assert "".join(wrap("x" * 100, 32)) == "x" * 100


def test_a_picture_wider_than_the_paper_is_refused():
    from kiosk.printer.layout import Picture

    with pytest.raises(ValueError, match="384"):
        render(Layout((Picture(Image.new("1", (400, 10), 1)),)), PAPERS[58])


def test_every_decoded_raster_comes_from_an_image_block():
    layout = Layout((Text("केवल हिंदी"), Text("English only")))
    elements = decode(render(layout, PAPERS[80]).escpos)
    assert [type(e) for e in elements if not isinstance(e, TextLine)][:1] == [Raster]


def test_without_raqm_the_counter_says_so_once_and_prints_english(monkeypatch, caplog):
    monkeypatch.setattr(shaping.features, "check", lambda name: False)
    shaping.shaping_available.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="kiosk.printer.shaping"):
            assert shaping.shaping_available() is False
            assert shaping.shaping_available() is False
        assert len(caplog.records) == 1
        assert "English only" in caplog.records[0].getMessage()
        rendered = render(Layout((Row("Amount", "₹5.00"),)), PAPERS[80])
        assert not rendered.shaped and "Rs. 5.00" in rendered.text
    finally:
        shaping.shaping_available.cache_clear()
