"""Lines that ESC/POS text mode cannot print (₹, Devanagari), drawn as 1-bit images.

Printers' code pages have neither the rupee sign nor Devanagari, and python-escpos prints
them as ``?``. Such lines are drawn with Pillow's raqm layout (HarfBuzz shaping, so matras
and conjuncts such as "क्रमांक" come out right) in Noto Sans Devanagari, which also has
Latin letters and ``₹``, shipped by a PyPI package so no system font is needed. Without
raqm the slip falls back to English ASCII; :func:`shaping_available` says which.
"""

from __future__ import annotations

import contextlib
import logging
from functools import cache, lru_cache

import fontpkg
from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from kiosk.printer.layout import Align

log = logging.getLogger(__name__)

FONT_FAMILY = "Noto Sans Devanagari"
# Font A is 24 dots tall; Devanagari needs room above and below for matras.
BODY_PX = 22
LARGE_PX = 40
LINE_GAP_PX = 6


def needs_image(text: str) -> bool:
    """True when a line has anything outside printable ASCII."""
    return any(not (32 <= ord(ch) < 127) for ch in text)


@cache
def shaping_available() -> bool:
    """Whether complex-script shaping works here; warns once when it does not."""
    ok = bool(features.check("raqm"))
    if not ok:
        log.warning(
            "Hindi text cannot be shaped here (Pillow's raqm layout or the FriBiDi library "
            "is missing): receipts print in English only, with Rs. for the rupee sign"
        )
    return ok


@cache
def font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    path = fontpkg.path(FONT_FAMILY, weight=700 if bold else 400)
    layout = ImageFont.Layout.RAQM if shaping_available() else ImageFont.Layout.BASIC
    face = ImageFont.truetype(str(path), size, layout_engine=layout)
    with contextlib.suppress(OSError, ValueError):  # a static font file: weight is fixed
        face.set_variation_by_axes([700 if bold else 400, 100])
    return face


@lru_cache(maxsize=8192)
def _char_advance(ch: str, size: int, bold: bool) -> int:
    return int(font(size, bold).getlength(ch)) + 1


@lru_cache(maxsize=4096)
def rendered(text: str, *, bold: bool = False, large: bool = False) -> Image.Image:
    """One line drawn once, cropped to its ink, one line tall.

    Shaping Devanagari costs about a millisecond a call, and a counter prints the same
    labels all day, so each distinct line (and word, when wrapping) is shaped only once.
    """
    size = LARGE_PX if large else BODY_PX
    face = font(size, bold)
    bound = int(sum(_char_advance(ch, size, bold) for ch in text) * 1.3) + 2 * size
    image = Image.new("1", (bound, line_height(large)), 1)
    canvas = ImageDraw.Draw(image)
    canvas.fontmode = "1"  # no anti-aliasing: thermal dots are on or off
    canvas.text((0, 2), text, font=face, fill=0)
    ink = ImageOps.invert(image.convert("L")).getbbox()
    if ink is None:  # spaces only
        return image.crop((0, 0, max(1, _char_advance(" ", size, bold) * len(text)), image.height))
    return image.crop((0, 0, ink[2], image.height))


def text_width(text: str, *, bold: bool = False, large: bool = False) -> int:
    return rendered(text, bold=bold, large=large).width if text else 0


def wrap_to_dots(text: str, width: int, *, bold: bool = False, large: bool = False) -> list[str]:
    """Greedy word wrap by drawn width (shaped clusters are never split inside a word)."""
    lines: list[str] = []
    space = _char_advance(" ", LARGE_PX if large else BODY_PX, bold)
    for paragraph in text.split("\n"):
        if text_width(paragraph, bold=bold, large=large) <= width:
            lines.append(paragraph)
            continue
        current, used = "", 0
        for word in _split_long_words(paragraph.split(" "), width, bold, large):
            word_w = text_width(word, bold=bold, large=large)
            if current and used + space + word_w > width:
                lines.append(current)
                current, used = word, word_w
            else:
                current, used = (
                    (f"{current} {word}", used + space + word_w)
                    if current
                    else (
                        word,
                        word_w,
                    )
                )
        lines.append(current)
    return lines


def _split_long_words(words: list[str], width: int, bold: bool, large: bool) -> list[str]:
    """A word wider than the paper (a long reference) is cut where it must be."""
    out: list[str] = []
    for word in words:
        while text_width(word, bold=bold, large=large) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], bold=bold, large=large) > width:
                cut -= 1
            out.append(word[:cut])
            word = word[cut:]
        out.append(word)
    return out


def line_height(large: bool = False) -> int:
    return (LARGE_PX if large else BODY_PX) + LINE_GAP_PX + 4


def draw_line(
    target: Image.Image,
    text: str,
    *,
    x: int,
    y: int,
    width: int,
    align: Align = "left",
    bold: bool = False,
    large: bool = False,
) -> None:
    """Paste one line into a box ``width`` dots wide starting at ``x``."""
    if not text:
        return
    line = rendered(text, bold=bold, large=large)
    if align == "center":
        x += max(0, (width - line.width) // 2)
    elif align == "right":
        x += max(0, width - line.width)
    target.paste(line.crop((0, 0, min(line.width, target.width - x), line.height)), (x, y))


def text_image(
    text: str, width: int, *, align: Align = "left", bold: bool = False, large: bool = False
) -> tuple[Image.Image, list[str]]:
    """A paragraph as a 1-bit image exactly ``width`` dots wide, wrapped to fit."""
    lines = wrap_to_dots(text, width, bold=bold, large=large)
    step = line_height(large)
    image = Image.new("1", (width, step * len(lines)), 1)
    for i, line in enumerate(lines):
        draw_line(image, line, x=0, y=i * step, width=width, align=align, bold=bold, large=large)
    return image, lines


def row_image(
    left: str, right: str, width: int, *, bold: bool = False
) -> tuple[Image.Image, list[str]]:
    """A two-column row as an image: the value right-aligned, the label wrapped beside it."""
    gap = 12
    right_w = text_width(right, bold=bold)
    room = max(width - right_w - gap, width // 3)
    lefts = wrap_to_dots(left, room, bold=bold) if left else [""]
    step = line_height()
    same_line = right_w + gap <= width - text_width(lefts[-1], bold=bold)
    rows = len(lefts) + (0 if same_line else 1)
    image = Image.new("1", (width, step * rows), 1)
    for i, line in enumerate(lefts):
        draw_line(image, line, x=0, y=i * step, width=width, bold=bold)
    draw_line(image, right, x=0, y=(rows - 1) * step, width=width, align="right", bold=bold)
    texts = [*lefts] if same_line else [*lefts, ""]
    texts[-1] = f"{texts[-1]}  {right}" if texts[-1] else right
    return image, texts
