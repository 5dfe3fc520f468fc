"""A ``Layout`` to ESC/POS bytes (through python-escpos) and the plain text of what prints.

Plain ASCII goes out in text mode (crisp, fast). Anything else (₹, Devanagari) goes out as a
raster image the full paper width, so alignment never depends on the printer's code page.
Without shaping (no raqm) the same slip prints in ASCII with ``Rs.`` for the rupee sign.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from escpos.printer import Dummy
from PIL import Image

from kiosk.printer import shaping
from kiosk.printer.layout import (
    Feed,
    Layout,
    Paper,
    Picture,
    QrCode,
    Row,
    Rule,
    Text,
    row_lines,
    wrap,
)
from kiosk.printer.qr import qr_image, qr_module_dots

QR_GAP_DOTS = 12
CUT_FEED_LINES = 4


@dataclass(frozen=True)
class Rendered:
    """The bytes for the printer and the same slip as text, line for line."""

    escpos: bytes
    text: str
    paper: Paper
    shaped: bool


def to_ascii(text: str) -> str:
    """The fallback when shaping is unavailable: ``Rs.`` for ₹, ``?`` for the rest."""
    text = text.replace("₹", "Rs. ").replace("Rs.  ", "Rs. ")
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)


def _printer(paper: Paper) -> Dummy:
    printer = Dummy()
    # python-escpos's default profile does not know the paper width and says so on stdout.
    printer.profile.profile_data = copy.deepcopy(printer.profile.profile_data)
    printer.profile.profile_data["media"]["width"]["pixels"] = paper.dots
    printer.hw("INIT")
    return printer


def _full_width(image: Image.Image, paper: Paper, align: str = "center") -> Image.Image:
    image = image.convert("1")
    if image.width > paper.dots:
        raise ValueError(f"image is {image.width} dots wide; the paper has {paper.dots}")
    canvas = Image.new("1", (paper.dots, image.height), 1)
    x = {"left": 0, "center": (paper.dots - image.width) // 2, "right": paper.dots - image.width}
    canvas.paste(image, (x[align], 0))
    return canvas


def qr_block(block: QrCode, paper: Paper) -> Image.Image:
    """The QR on the left with its caption beside it; below it when the paper is too narrow."""
    code = qr_image(block.data, min_mm=block.min_mm, max_dots=paper.dots)
    if not block.beside:
        return _full_width(code, paper)
    # The code's own quiet zone is white: the caption may start two modules into it.
    left = code.width - 2 * qr_module_dots(code, block.data) + QR_GAP_DOTS // 2
    room = paper.dots - left
    widest = max(shaping.text_width(text, bold=True) for text in block.beside)
    step = shaping.line_height()
    if widest > room:  # 58 mm with a long amount: caption under the code, centred
        lines = [line for text in block.beside for line in shaping.wrap_to_dots(text, paper.dots)]
        image = Image.new("1", (paper.dots, code.height + step * len(lines)), 1)
        image.paste(code, ((paper.dots - code.width) // 2, 0))
        for i, line in enumerate(lines):
            y = code.height + i * step
            shaping.draw_line(image, line, x=0, y=y, width=paper.dots, align="center", bold=i == 0)
        return image
    lines = list(block.beside)
    height = max(code.height, step * len(lines))
    image = Image.new("1", (paper.dots, height), 1)
    image.paste(code, (0, (height - code.height) // 2))
    top = (height - step * len(lines)) // 2
    for i, line in enumerate(lines):
        shaping.draw_line(image, line, x=left, y=top + i * step, width=room, bold=i == 0)
    return image


class _Writer:
    def __init__(self, paper: Paper, shaped: bool) -> None:
        self.paper = paper
        self.shaped = shaped
        self.printer = _printer(paper)
        self.lines: list[str] = []

    def image(self, image: Image.Image, text_lines: list[str]) -> None:
        self.printer.image(_full_width(image, self.paper), impl="bitImageRaster")
        self.lines.extend(text_lines)

    def text(self, block: Text) -> None:
        text = block.text if self.shaped else to_ascii(block.text)
        if shaping.needs_image(text):
            width = self.paper.dots
            image, lines = shaping.text_image(
                text, width, align=block.align, bold=block.bold, large=block.large
            )
            self.image(image, [_aligned(line, block.align, self.paper.columns) for line in lines])
            return
        columns = self.paper.columns // 2 if block.large else self.paper.columns
        self.printer.set(
            align=block.align,
            bold=block.bold,
            double_width=block.large,
            double_height=block.large,
            normal_textsize=not block.large,
        )
        for line in wrap(text, columns):
            self.printer.text(line + "\n")
            self.lines.append(_aligned(line, block.align, columns))
        self.printer.set(align="left", bold=False, normal_textsize=True)

    def row(self, block: Row) -> None:
        left, right = block.left, block.right
        if not self.shaped:
            left, right = to_ascii(left), to_ascii(right)
        if block.key and shaping.needs_image(left):
            image, lines = shaping.text_image(left, self.paper.dots, bold=block.bold)
            self.image(image, lines)
            self.text(Text(to_ascii(right), align="right", bold=block.bold))
            return
        if shaping.needs_image(left + right):
            image, lines = shaping.row_image(left, right, self.paper.dots, bold=block.bold)
            self.image(image, lines)
            return
        self.printer.set(bold=block.bold)
        for line in row_lines(left, right, self.paper.columns):
            self.printer.text(line + "\n")
            self.lines.append(line)
        self.printer.set(bold=False)

    def write(self, block: object) -> None:
        match block:
            case Text():
                self.text(block)
            case Row():
                self.row(block)
            case Rule(char=char):
                line = (char or "-")[0] * self.paper.columns
                self.printer.text(line + "\n")
                self.lines.append(line)
            case Feed(lines=n):
                self.printer.text("\n" * n)
                self.lines.extend([""] * n)
            case Picture(image=image, align=align):
                self.image(_full_width(image, self.paper, align), ["[picture]"])
            case QrCode():
                beside = (
                    block.beside if self.shaped else tuple(to_ascii(line) for line in block.beside)
                )
                shown = QrCode(block.data, beside, block.min_mm)
                self.image(qr_block(shown, self.paper), [f"[QR {block.data}]", *beside])
            case _:
                raise TypeError(f"not a layout block: {block!r}")


def _aligned(line: str, align: str, columns: int) -> str:
    if align == "center":
        return line.center(columns).rstrip()
    if align == "right":
        return line.rjust(columns)
    return line


def render(layout: Layout, paper: Paper, *, shaped: bool | None = None) -> Rendered:
    """Render for ``paper``; ``shaped`` defaults to whether raqm works here."""
    if shaped is None:
        shaped = shaping.shaping_available()
    writer = _Writer(paper, shaped)
    for block in layout.blocks:
        writer.write(block)
    if layout.cut:
        writer.write(Feed(CUT_FEED_LINES))  # the cutter sits above the print head
        writer.printer.cut(feed=False)
    return Rendered(writer.printer.output, "\n".join(writer.lines) + "\n", paper, shaped)
