"""The on-screen UPI QR: half-block text that a phone (here zxing-cpp) reads back as the link."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image
from textual.app import App, ComposeResult

from kiosk.domain.upi import build_upi_link
from kiosk.widgets.upi_qr import QUIET_MODULES, UpiQr, half_block_lines, screen_matrix

LINK = build_upi_link(
    payee_vpa="mvvnl.lko@sbi",
    payee_name="MVVNL Lucknow",
    amount_paise=31_500_00,
    reference="CSC-0001-20260110-U0001",
    note="Electricity 1234567890",
)

# What each character means, as (top module dark, bottom module dark).
PIXELS = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def image_of(lines: list[str], scale: int = 6) -> Image.Image:
    """Paint the half-block text as a phone camera would see it: dark on light."""
    width, height = len(lines[0]), 2 * len(lines)
    image = Image.new("L", (width, height), 255)
    pixels = image.load()
    for y, line in enumerate(lines):
        for x, char in enumerate(line):
            top, bottom = PIXELS[char]
            if top:
                pixels[x, 2 * y] = 0
            if bottom:
                pixels[x, 2 * y + 1] = 0
    return image.resize((width * scale, height * scale), Image.Resampling.NEAREST)


def decoded(lines: list[str]) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image_of(lines))]


def test_half_block_text_decodes_back_to_the_link():
    assert decoded(half_block_lines(screen_matrix(LINK))) == [LINK]


def test_only_half_blocks_and_spaces_with_a_light_quiet_zone():
    matrix = screen_matrix(LINK)
    lines = half_block_lines(matrix)
    assert set("".join(lines)) <= set(" ▀▄█")
    assert len(lines) == (len(matrix) + 1) // 2
    assert all(len(line) == len(matrix) for line in lines)
    for line in lines:  # the left and right quiet zone
        assert line[:QUIET_MODULES] == " " * QUIET_MODULES
        assert line[-QUIET_MODULES:] == " " * QUIET_MODULES
    assert lines[0].strip() == ""  # the top quiet zone (4 modules = 2 lines)
    assert lines[1].strip() == ""


def test_an_odd_row_count_pairs_the_last_row_with_a_light_row():
    assert half_block_lines([[True, False], [False, True], [True, True]]) == ["▀▄", "▀▀"]


class QrApp(App[None]):
    def compose(self) -> ComposeResult:
        yield UpiQr(id="qr")


@pytest.mark.parametrize("size", [(100, 30), (120, 40)])
async def test_the_mounted_widget_draws_a_scannable_code_dark_on_light(size):
    app = QrApp()
    async with app.run_test(size=size) as pilot:
        qr = app.query_one(UpiQr)
        qr.show(LINK)
        await pilot.pause()
        lines = [
            "".join(segment.text for segment in qr.render_line(y)) for y in range(qr.size.height)
        ]
        assert decoded(lines) == [LINK]
        style = next(seg.style for seg in qr.render_line(3) if seg.text.strip())
        assert style is not None
        assert style.color is not None and style.color.triplet == (0, 0, 0)
        assert style.bgcolor is not None and style.bgcolor.triplet == (255, 255, 255)
        assert qr.size.height <= 26  # fits the body of a 30-line terminal


async def test_show_with_an_empty_link_clears_the_code():
    app = QrApp()
    async with app.run_test() as pilot:
        qr = app.query_one(UpiQr)
        qr.show(LINK)
        qr.show("")
        await pilot.pause()
        assert qr.lines == []
        assert qr.link == ""
