"""A file printer pointed at a folder: each job as NNNN.bin with a NNNN.png picture beside it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PIL import Image

from kiosk.config import PrinterSettings
from kiosk.printer.connections import FileConnection, PrinterState, open_connection
from kiosk.printer.layout import PAPERS
from kiosk.printer.preview import preview_image
from kiosk.printer.render import render
from kiosk.printer.samples import PAYMENT, sample_context
from kiosk.printer.templates import PROVISIONAL, layout_for


def receipt_bytes(mm: int) -> bytes:
    paper = PAPERS[mm]
    layout = layout_for(PAYMENT, sample_context(), paper, sync=PROVISIONAL, duplicate=False)
    return render(layout, paper, shaped=False).escpos


@pytest.mark.parametrize("mm", [58, 80])
def test_each_job_is_a_numbered_file_with_its_picture(tmp_path: Path, mm: int):
    receipt = receipt_bytes(mm)
    settings = PrinterSettings(kind="file", file_path=tmp_path, paper_mm=mm)
    with open_connection(settings) as conn:
        assert conn.status().state is PrinterState.READY
        conn.send(receipt)
        conn.send(b"\x1b@second job\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "0001.bin",
        "0001.png",
        "0002.bin",
        "0002.png",
    ]
    assert (tmp_path / "0001.bin").read_bytes() == receipt
    assert (tmp_path / "0002.bin").read_bytes() == b"\x1b@second job\n"
    with Image.open(tmp_path / "0001.png") as picture:
        expected = preview_image(receipt, PAPERS[mm])
        assert picture.size == expected.size
        assert picture.width == PAPERS[mm].dots + 32  # the paper's dots and the margins


def test_numbering_goes_on_after_the_jobs_already_there(tmp_path: Path):
    (tmp_path / "0007.bin").write_bytes(b"old")
    (tmp_path / "notes.bin").write_bytes(b"not a job")
    conn = FileConnection(tmp_path)
    conn.send(b"\x1b@new\n")
    assert (tmp_path / "0008.bin").read_bytes() == b"\x1b@new\n"
    assert (tmp_path / "0008.png").is_file()
    assert (tmp_path / "0007.bin").read_bytes() == b"old"


def test_a_preview_that_cannot_be_drawn_does_not_fail_the_job(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    conn = FileConnection(tmp_path, paper_mm=57)  # no such paper: no picture can be drawn
    with caplog.at_level(logging.WARNING):
        conn.send(b"\x1b@job\n")
    assert (tmp_path / "0001.bin").read_bytes() == b"\x1b@job\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0001.bin"]
    assert "no preview of 0001.bin" in caplog.text


def test_a_file_path_still_collects_every_job_in_one_file(tmp_path: Path):
    path = tmp_path / "receipts.bin"
    with FileConnection(path) as conn:
        conn.send(b"one")
        conn.send(b"two")
    assert path.read_bytes() == b"onetwo"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["receipts.bin"]
