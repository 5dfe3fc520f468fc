"""QR codes as 1-bit images sized in printer dots.

A phone camera reads a QR reliably from about 25 mm wide on thermal paper, so the module
size is the smallest whole number of dots that reaches ``min_mm``; a whole number keeps
every module the same size, which cheap print heads need.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from kiosk.printer.layout import DOTS_PER_MM

QUIET_MODULES = 4  # the quiet zone the QR standard asks for


@lru_cache(maxsize=256)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=QUIET_MODULES)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def qr_image(data: str, *, min_mm: int = 25, max_dots: int) -> Image.Image:
    """The code, quiet zone included, at least ``min_mm`` wide and at most ``max_dots``."""
    matrix = qr_matrix(data)
    modules = len(matrix)
    inner = modules - 2 * QUIET_MODULES
    box = max(1, -(-min_mm * DOTS_PER_MM // inner))  # ceil: the code itself reaches min_mm
    if modules * box > max_dots:
        box = max_dots // modules
    if box < 2:
        raise ValueError(f"QR data too long to print legibly ({len(data)} characters)")
    image = Image.new("1", (modules, modules), 1)
    pixels = image.load()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    return image.resize((modules * box, modules * box), Image.Resampling.NEAREST)


def qr_module_dots(image: Image.Image, data: str) -> int:
    """The size of one module of an image made by :func:`qr_image` for ``data``."""
    return image.width // len(qr_matrix(data))
