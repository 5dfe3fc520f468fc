"""A picture of a print job, drawn from its ESC/POS bytes at one pixel per printer dot.

Text-mode characters are drawn in 12x24-dot cells like the printer's Font A, images are
pasted as sent, and a cut is a dashed line, so the preview is what the paper will show.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from kiosk.printer import shaping
from kiosk.printer.escpos_decode import Cut, Raster, TextLine, decode
from kiosk.printer.layout import Paper

CELL_W, CELL_H = 12, 24
MARGIN = 16
CUT_H = 24


def _line_height(element: object) -> int:
    if isinstance(element, Raster):
        return element.image.height
    if isinstance(element, TextLine):
        return CELL_H * (2 if element.style.double_height else 1)
    return CUT_H


def preview_image(data: bytes, paper: Paper) -> Image.Image:
    elements = decode(data)
    height = sum(_line_height(e) for e in elements) + 2 * MARGIN
    image = Image.new("L", (paper.dots + 2 * MARGIN, height), 255)
    canvas = ImageDraw.Draw(image)
    y = MARGIN
    for element in elements:
        if isinstance(element, Raster):
            image.paste(element.image.convert("L"), (MARGIN, y))
        elif isinstance(element, TextLine):
            _draw_text(canvas, element, paper, y)
        elif isinstance(element, Cut):
            for x in range(0, image.width, 12):
                canvas.line([(x, y + CUT_H // 2), (x + 6, y + CUT_H // 2)], fill=128)
        y += _line_height(element)
    return image


def _draw_text(canvas: ImageDraw.ImageDraw, line: TextLine, paper: Paper, y: int) -> None:
    style = line.style
    cell_w = CELL_W * (2 if style.double_width else 1)
    size = shaping.BODY_PX * (2 if style.double_height else 1)
    face = shaping.font(size, style.bold)
    text = line.text[: paper.dots // cell_w]
    used = len(text) * cell_w
    x = (
        MARGIN
        + {"left": 0, "center": (paper.dots - used) // 2, "right": paper.dots - used}[style.align]
    )
    for i, ch in enumerate(text):
        glyph_w = face.getlength(ch)
        canvas.text((x + i * cell_w + (cell_w - glyph_w) / 2, y), ch, font=face, fill=0)


def write_preview(data: bytes, paper: Paper, png: Path) -> None:
    preview_image(data, paper).save(png)
