"""``kiosk receipt sample`` and ``kiosk printer-test`` as an operator runs them."""

from __future__ import annotations

import io
import json

import pytest
import zxingcpp
from PIL import Image

from kiosk.cli import main
from kiosk.printer.escpos_decode import rasters, text_of
from kiosk.printer.layout import PAPERS
from tests.support.tcp_printer import TcpPrinter

SAMPLE_UPI = (
    "upi://pay?pa=mvvnl.lko@sbi&pn=Madhyanchal%20Vidyut&am=500.00&cu=INR"
    "&tr=CSC-LKO-0001-20251215-00001-B&tn=Electricity%201234567890"
)


@pytest.fixture(autouse=True)
def no_config(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


@pytest.mark.parametrize("mm", [58, 80])
def test_receipt_sample_writes_bytes_and_a_preview_with_a_readable_upi_qr(tmp_path, mm):
    out = io.StringIO()
    code = main(
        ["receipt", "sample", "--paper", str(mm), "--out", "r.bin", "--png", "r.png"], out=out
    )
    assert code == 0
    data = (tmp_path / "r.bin").read_bytes()
    assert all(image.width == PAPERS[mm].dots for image in rasters(data))
    assert "CSC-LKO-0001-20251215-00001" in text_of(data)
    preview = Image.open(tmp_path / "r.png")
    assert preview.width == PAPERS[mm].dots + 32
    found = [c.text for c in zxingcpp.read_barcodes(preview)]
    assert SAMPLE_UPI in found
    assert f"({mm} mm, Hindi and English)" in out.getvalue()


def test_receipt_sample_english_only_has_no_rupee_sign_in_text(tmp_path):
    out = io.StringIO()
    assert main(["receipt", "sample", "--english", "--out", "r.bin"], out=out) == 0
    assert "₹" not in out.getvalue() and "Rs. 1,234.50" in out.getvalue()


def test_printer_test_reaches_a_network_printer_whole():
    with TcpPrinter() as tcp:
        out = io.StringIO()
        code = main(["printer-test", "--printer", f"network:127.0.0.1:{tcp.port}"], out=out)
        assert code == 0
        (job,) = tcp.wait_for_jobs(1)
    assert "0123456789" in text_of(job)
    assert any(zxingcpp.read_barcodes(image) for image in rasters(job))
    assert "test page sent" in out.getvalue()


def test_printer_test_with_the_printer_off_says_so_and_exits_3():
    with TcpPrinter() as tcp:
        port = tcp.port
        tcp.stop()
        out = io.StringIO()
        code = main(["printer-test", "--printer", f"network:127.0.0.1:{port}"], out=out)
    assert code == 3
    assert "not printed" in out.getvalue() and "refused" in out.getvalue()


def test_a_bad_printer_spec_is_one_line_naming_the_argument(capsys):
    assert main(["printer-test", "--printer", "network:"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--printer" in err and "network:HOST" in err


def _counter_config(tmp_path, printer: str) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[counter]\nid = "CSC-LKO-0001"\nname = "Print test"\ndiscoms = ["MVVNL"]\n'
        '[operator]\ndefault_id = "op1"\n'
        f'[storage]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        f"[printer]\n{printer}\n",
        encoding="utf-8",
    )
    return str(path)


PAY = ["pay", "--account", "MVVNL:1234567890", "--amount", "1234.50", "--mode", "cash"]


def test_kiosk_pay_prints_the_receipt_after_the_commit(tmp_path):
    config = _counter_config(tmp_path, f'kind = "file"\nfile_path = "{tmp_path / "p.bin"}"')
    out = io.StringIO()
    assert main(["--config", config, *PAY, "--json"], out=out) == 0
    paid = json.loads(out.getvalue())
    assert paid["receipt_printed"] is True
    assert paid["receipt_no"] in text_of((tmp_path / "p.bin").read_bytes())


def test_kiosk_pay_with_the_printer_off_keeps_the_payment_and_reprint_prints_later(tmp_path):
    with TcpPrinter() as tcp:
        port = tcp.port
        tcp.stop()
        config = _counter_config(
            tmp_path, f'kind = "network"\nhost = "127.0.0.1"\nport = {port}\nwrite_timeout_s = 2'
        )
        out = io.StringIO()
        assert main(["--config", config, *PAY], out=out) == 0
        receipt_no = out.getvalue().split()[1].rstrip(":")
        assert "receipt not printed yet" in out.getvalue()
        tcp.start()
        out = io.StringIO()
        assert main(["--config", config, "receipt", "reprint", receipt_no], out=out) == 0
        assert "printed" in out.getvalue()
        first, second = tcp.wait_for_jobs(2)
    # The original waited for the printer and printed first; the reprint says DUPLICATE.
    assert receipt_no in text_of(first) and "DUPLICATE" not in text_of(first)
    assert "*** DUPLICATE ***" in text_of(second)


def test_reprint_of_an_unknown_receipt_is_one_line_exit_2(tmp_path, capsys):
    config = _counter_config(tmp_path, 'kind = "dummy"')
    assert main(["--config", config, "receipt", "reprint", "CSC-LKO-0001-20250101-00009"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CSC-LKO-0001-20250101-00009" in err
