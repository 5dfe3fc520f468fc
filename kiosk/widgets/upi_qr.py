"""A UPI link as a QR code drawn in the terminal with half-block characters.

Each character cell holds two modules, one above the other (``▀`` top dark, ``▄`` bottom
dark, ``█`` both, space neither), so the code keeps square modules in a cell that is about
twice as tall as it is wide. Phones read dark modules on a light ground: the code is drawn
black on white whatever the terminal's colours, with the quiet zone of four light modules
the QR standard asks for. On screen nothing smudges the code, so the lowest error
correction (L) keeps it small enough for a 30-line terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

import qrcode
from qrcode.constants import ERROR_CORRECT_L
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

QUIET_MODULES = 4
DARK_ON_LIGHT = Style(color="#000000", bgcolor="#ffffff")

# (top dark, bottom dark) -> the character that draws the pair.
_CELLS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def screen_matrix(data: str) -> list[list[bool]]:
    """The QR modules for ``data``, quiet zone included (True = dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, box_size=1, border=QUIET_MODULES)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def half_block_lines(matrix: Sequence[Sequence[bool]]) -> list[str]:
    """Two module rows per text line; an odd last row is paired with a light one."""
    lines = []
    for top in range(0, len(matrix), 2):
        upper = matrix[top]
        lower = matrix[top + 1] if top + 1 < len(matrix) else [False] * len(upper)
        lines.append("".join(_CELLS[(bool(a), bool(b))] for a, b in zip(upper, lower, strict=True)))
    return lines


def half_block_text(data: str) -> list[str]:
    return half_block_lines(screen_matrix(data))


class UpiQr(Static):
    """Shows one link as a scannable code; empty until :meth:`show` is called."""

    DEFAULT_CSS = """
    UpiQr {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, link: str = "", **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.link = ""
        self.lines: list[str] = []
        if link:
            self.show(link)

    def show(self, link: str) -> None:
        """Draw ``link`` (an empty link clears the code)."""
        self.link = link
        self.lines = half_block_text(link) if link else []
        self.update(Text("\n".join(self.lines), style=DARK_ON_LIGHT, no_wrap=True, end=""))
