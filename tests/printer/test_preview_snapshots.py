"""The receipt as a picture, 58 and 80 mm, bilingual and English-only, against reviewed PNGs.

The first run records a missing snapshot (review it by eye before committing it); later runs
fail when more than a sliver of the picture changes. A tiny tolerance absorbs FreeType
rounding between Pillow builds, not a moved line or a lost glyph.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from kiosk.printer.layout import PAPERS
from kiosk.printer.preview import preview_image
from kiosk.printer.render import render
from kiosk.printer.samples import PAYMENT, sample_context
from kiosk.printer.templates import PROVISIONAL, SlipContext, layout_for

SNAPSHOTS = Path(__file__).parent / "snapshots"
MAX_CHANGED_SHARE = 0.002  # 0.2 % of the pixels

CONTEXT = sample_context()


def changed_share(a: Image.Image, b: Image.Image) -> float:
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a.convert("L"), b.convert("L")).point(lambda v: 255 if v else 0)
    return diff.histogram()[255] / (a.width * a.height)


@pytest.mark.parametrize("hindi", [True, False], ids=["hindi", "english"])
@pytest.mark.parametrize("mm", [58, 80])
def test_payment_receipt_preview_matches_the_reviewed_snapshot(mm, hindi):
    paper = PAPERS[mm]
    ctx = SlipContext(**{**CONTEXT.__dict__, "hindi": hindi})
    rendered = render(
        layout_for(PAYMENT, ctx, paper, sync=PROVISIONAL, duplicate=False), paper, shaped=hindi
    )
    picture = preview_image(rendered.escpos, paper)
    path = SNAPSHOTS / f"payment_{mm}mm_{'hindi' if hindi else 'english'}.png"
    if not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        picture.save(path)
        pytest.skip(f"recorded {path.name}: review it by eye, then commit it")
    assert changed_share(picture, Image.open(path)) <= MAX_CHANGED_SHARE


def test_the_comparison_notices_a_changed_line():
    base = Image.new("L", (400, 400), 255)
    moved = base.copy()
    moved.paste(0, (0, 100, 400, 104))  # one ruled line: 1 % of the picture
    assert changed_share(base, base.copy()) == 0
    assert changed_share(base, moved) > MAX_CHANGED_SHARE
