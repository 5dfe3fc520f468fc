"""What a printed slip is made of, independent of how it is printed.

Templates build a ``Layout``; renderers turn it into ESC/POS bytes or a preview. Keeping the
model this small means the same slip prints on 58 and 80 mm paper and previews identically.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

Align = Literal["left", "center", "right"]

DOTS_PER_MM = 8  # 203 dpi, what nearly every cheap thermal printer has


@dataclass(frozen=True)
class Paper:
    """A paper roll: printable dots and Font A (12x24) columns."""

    mm: Literal[58, 80]
    dots: int
    columns: int

    @property
    def char_dots(self) -> int:
        return self.dots // self.columns


PAPERS: dict[int, Paper] = {58: Paper(58, 384, 32), 80: Paper(80, 576, 48)}


def paper_for(mm: int) -> Paper:
    try:
        return PAPERS[mm]
    except KeyError:
        raise ValueError(f"paper: must be 58 or 80 (mm), got {mm}") from None


@dataclass(frozen=True)
class Text:
    """A paragraph, wrapped to the paper; ``large`` is double width and height."""

    text: str
    align: Align = "left"
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class Row:
    """A label on the left and a value on the right (the value never wraps away).

    ``key`` values (receipt number, account, amount) always print as text, even when the
    label needs an image, so the job's text carries them for any reader of the bytes.
    """

    left: str
    right: str
    bold: bool = False
    key: bool = False


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Picture:
    """A ready 1-bit image, e.g. a logo."""

    image: Image.Image
    align: Align = "center"


@dataclass(frozen=True)
class QrCode:
    """A QR code at least ``min_mm`` wide, with short lines printed beside it."""

    data: str
    beside: tuple[str, ...] = ()
    min_mm: int = 25


Block = Text | Row | Rule | Feed | Picture | QrCode


@dataclass(frozen=True)
class Layout:
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    cut: bool = True


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap that keeps empty lines and never loses characters of long words."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(
            textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=False) or [""]
        )
    return lines


def row_lines(left: str, right: str, width: int) -> list[str]:
    """Left text wrapped so the right text fits, right-aligned, on the last line."""
    room = width - len(right) - 1
    if room < min(len(left), 10):
        return [*wrap(left, width), *(line.rjust(width) for line in wrap(right, width))]
    lefts = wrap(left, room) if left else [""]
    *head, last = lefts
    return [*head, last.ljust(room) + " " + right]
