"""The UPI slip: printed at once when the printer answers, its QR the same payment as the
screen's; never queued, and a printer that is off is said in words."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp

from kiosk.domain.upi import build_upi_link, parse_upi_link
from kiosk.printer.connections import DummyConnection
from kiosk.printer.escpos_decode import rasters, text_of
from kiosk.services.errors import ServiceError
from kiosk.services.upi import UpiRequest
from kiosk.services.upi_slip import print_upi_slip
from tests.services.factories import ACCOUNT
from tests.services.support import make_settings

REFERENCE = "CSC-0001-260110-0001-ABC123"
PAYEE = "mvvnl.lko@sbi"


def request(amount_paise: int = 31_500_00) -> UpiRequest:
    return UpiRequest(
        link=build_upi_link(
            payee_vpa=PAYEE,
            payee_name="MVVNL Lucknow",
            amount_paise=amount_paise,
            reference=REFERENCE,
        ),
        reference=REFERENCE,
        amount_paise=amount_paise,
        payee_vpa=PAYEE,
        payee_name="MVVNL Lucknow",
    )


def test_the_slip_prints_a_qr_for_the_same_payee_amount_and_reference(tmp_path: Path):
    printer = DummyConnection()
    settings = make_settings(tmp_path)
    print_upi_slip(settings, printer, request(), discom="MVVNL", account_no=ACCOUNT)
    assert len(printer.jobs) == 1
    codes = [
        code.text for image in rasters(printer.jobs[0]) for code in zxingcpp.read_barcodes(image)
    ]
    assert len(codes) == 1
    paid = parse_upi_link(codes[0])
    assert (paid.payee_vpa, paid.amount_paise, paid.reference) == (PAYEE, 31_500_00, REFERENCE)
    text = " ".join(text_of(printer.jobs[0]).split())
    assert "PAY BY UPI" in text
    assert "Thirty-one thousand, five hundred rupees only" in text


@pytest.mark.parametrize("state", ["offline", "error"])
def test_a_printer_that_is_down_prints_nothing_and_says_why(tmp_path: Path, state: str):
    printer = DummyConnection()
    printer.simulate(state, "cover open")
    with pytest.raises(ServiceError, match=r"^not printed \(cover open\): the customer can scan"):
        print_upi_slip(
            make_settings(tmp_path), printer, request(), discom="MVVNL", account_no=ACCOUNT
        )
    printer.simulate("ready")
    assert printer.jobs == []  # not queued: a late QR slip would only confuse


def test_a_request_the_template_refuses_is_a_plain_sentence(tmp_path: Path):
    bad = UpiRequest(
        link="upi://pay?pa=not%20a%20vpa",
        reference=REFERENCE,
        amount_paise=100_00,
        payee_vpa="not a vpa",
        payee_name="MVVNL Lucknow",
    )
    with pytest.raises(ServiceError, match=r"^cannot be made \(UPI ID: "):
        print_upi_slip(
            make_settings(tmp_path), DummyConnection(), bad, discom="MVVNL", account_no=ACCOUNT
        )
