"""Printer connections: whole jobs, plain failures within the write timeout, honest status.

The network cases run against a real loopback printer (tests/support/tcp_printer.py).
USB has no device here: only the pyusb device is replaced by a fake, never python-escpos
or our code. Serial runs through pyserial's own ``loop://`` and ``socket://`` ports.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import usb.core
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import PrinterSettings
from kiosk.printer.connections import (
    CupsConnection,
    DummyConnection,
    FileConnection,
    NetworkConnection,
    PrinterState,
    PrinterStatus,
    PrinterUnavailable,
    SerialConnection,
    UsbConnection,
    Win32RawConnection,
    decode_status,
    is_status_byte,
    open_connection,
    parse_printer_spec,
)
from tests.support.tcp_printer import (
    COVER_OPEN,
    CUTTER_JAM,
    PAPER_LOW,
    PAPER_OUT,
    SILENT,
    TcpPrinter,
    unreachable,
)

JOB = b"\x1b@" + b"Receipt CSC-LKO-0001-20251215-00001\n" * 200 + b"\x1dV\x00"


@pytest.fixture
def printer():
    with TcpPrinter() as printer:
        yield printer


def network(printer: TcpPrinter, timeout: float = 2.0) -> NetworkConnection:
    conn = open_connection(printer.settings(write_timeout_s=timeout))
    assert isinstance(conn, NetworkConnection)
    return conn


# ---------------------------------------------------------------- network


def test_a_network_job_arrives_whole_and_alone(printer):
    big = JOB * 40  # ~300 KB, several chunks and many TCP segments
    with network(printer) as conn:
        conn.send(JOB)
        conn.send(big)
    # send() returns after the printer closed its side, so the jobs are already recorded.
    assert printer.jobs == [JOB, big]
    assert printer.cut_jobs == []


def test_status_queries_are_not_jobs(printer):
    with network(printer) as conn:
        assert conn.status() == PrinterStatus(PrinterState.READY)
    assert printer.jobs == []
    assert printer.queries == [1, 4]


def test_printer_off_is_a_plain_message_at_once_and_the_job_prints_when_it_is_back(printer):
    conn = network(printer)
    printer.stop()
    started = time.monotonic()
    with pytest.raises(PrinterUnavailable) as caught:
        conn.send(JOB)
    assert time.monotonic() - started < 2.0
    assert str(caught.value) == (
        f"printer at 127.0.0.1:{printer.port} refused the connection (is it switched on?)"
    )
    assert caught.value.reason == "refused"
    assert conn.status().state is PrinterState.OFFLINE

    printer.start()  # the same port, the same Connection object
    conn.send(JOB)
    assert printer.jobs == [JOB]
    assert conn.status().state is PrinterState.READY


def test_an_unreachable_printer_fails_within_the_timeout():
    with unreachable() as (host, port):
        conn = NetworkConnection(host, port, timeout_s=0.4)
        started = time.monotonic()
        with pytest.raises(PrinterUnavailable, match=r"did not answer within 0.4 s$"):
            conn.send(JOB)
        assert time.monotonic() - started < 2.0
        status = conn.status()
    assert status.state is PrinterState.OFFLINE
    assert status.detail == f"printer at {host}:{port} did not answer within 0.4 s"


def test_a_hanging_printer_times_out_instead_of_hanging(printer):
    printer.hang = True  # accepts, never reads: its small window fills
    conn = network(printer, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(PrinterUnavailable) as caught:
        conn.send(JOB * 20)
    elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 3.0
    assert caught.value.reason == "stalled"
    assert "stopped taking data for 0.5 s" in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_a_slow_printer_may_take_longer_than_the_timeout_while_it_keeps_reading(printer):
    """The timeout is for no progress: a long report on a slow printer is not failed."""
    printer.slow = 0.05  # about 80 KB/s
    job = bytes(range(256)) * 400  # 100 KB: well over a second
    started = time.monotonic()
    network(printer, timeout=0.5).send(job)
    assert time.monotonic() - started > 0.5
    assert printer.jobs == [job]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs SIOCOUTQ")
def test_a_job_that_fits_our_buffer_still_fails_when_the_printer_takes_nothing(printer):
    """sendall() returns at once for 60 KB, but the printer never acknowledged the bytes."""
    printer.hang = True
    conn = network(printer, timeout=0.5)
    with pytest.raises(PrinterUnavailable, match=r"stopped taking data for 0.5 s"):
        conn.send(b"x" * 60_000)


def test_a_printer_switched_off_mid_job_fails_the_job(printer):
    printer.hang = True
    conn = network(printer, timeout=3.0)
    threading.Timer(0.3, printer.stop).start()  # printer off while the job is stuck
    with pytest.raises(PrinterUnavailable) as caught:
        conn.send(JOB * 20)
    assert caught.value.reason in {"io", "stalled"}
    assert printer.jobs == []


@pytest.mark.parametrize(
    ("replies", "expected"),
    [
        (PAPER_LOW, PrinterStatus(PrinterState.READY, "paper low")),
        (PAPER_OUT, PrinterStatus(PrinterState.ERROR, "paper out")),
        (COVER_OPEN, PrinterStatus(PrinterState.ERROR, "cover open")),
        (CUTTER_JAM, PrinterStatus(PrinterState.ERROR, "paper cutter jammed")),
    ],
)
def test_network_status_says_what_the_printer_reports(printer, replies, expected):
    printer.status = replies
    assert network(printer).status() == expected


def test_a_silent_printer_is_unknown_not_ready(printer):
    printer.status = SILENT
    started = time.monotonic()
    status = network(printer, timeout=0.3).status()
    assert status.state is PrinterState.UNKNOWN
    assert status.detail.endswith("is reachable but does not report its status")
    assert time.monotonic() - started < 2.0


def test_replies_that_are_not_status_bytes_are_ignored(printer):
    printer.status = {1: 0x10, 4: 0xFF}  # echoes and noise, not x001xx10
    assert network(printer, timeout=0.3).status().state is PrinterState.UNKNOWN


def test_a_busy_printer_reports_after_the_job(printer):
    conn = network(printer)
    threads = [threading.Thread(target=conn.send, args=(JOB,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    assert conn.status().state is PrinterState.READY
    for thread in threads:
        thread.join()
    assert printer.jobs == [JOB] * 3


def test_unknown_host_is_a_plain_message():
    conn = NetworkConnection("no-such-printer.invalid", 9100, timeout_s=1)
    with pytest.raises(PrinterUnavailable, match=r"cannot find the printer 'no-such-printer"):
        conn.send(JOB)


# ---------------------------------------------------------------- status decoding


def test_only_bytes_with_the_fixed_bits_are_status_bytes():
    assert [b for b in range(256) if is_status_byte(b)] == [
        b for b in range(256) if b & 0b1001_0011 == 0b0001_0010
    ]
    assert is_status_byte(0x12) and is_status_byte(0x72) and not is_status_byte(0x10)


def test_decode_asks_why_only_when_offline():
    asked: list[int] = []

    def ask(n: int) -> int | None:
        asked.append(n)
        return 0x12

    assert decode_status(ask) == PrinterStatus(PrinterState.READY)
    assert asked == [1, 4]
    assert decode_status(lambda n: None) is None


def test_several_problems_are_all_named():
    replies = {1: 0x1A, 2: 0x36, 4: 0x72}  # cover open and paper end
    status = decode_status(replies.get)
    assert status == PrinterStatus(PrinterState.ERROR, "cover open, paper out")


# ---------------------------------------------------------------- file, dummy


def test_file_connection_appends_each_job(tmp_path: Path):
    path = tmp_path / "printer.bin"
    path.write_bytes(b"old")
    with open_connection(PrinterSettings(kind="file", file_path=path)) as conn:
        conn.send(b"one")
        conn.send(b"two")
        assert conn.status() == PrinterStatus(PrinterState.READY)
    assert path.read_bytes() == b"oldonetwo"


def test_file_in_a_missing_folder_is_a_plain_failure(tmp_path: Path):
    conn = FileConnection(tmp_path / "missing" / "printer.bin")
    with pytest.raises(PrinterUnavailable, match=r"no such folder or device$"):
        conn.send(b"x")
    assert conn.status().state is PrinterState.OFFLINE


def test_a_missing_device_node_is_offline_and_never_created():
    conn = FileConnection(Path("/dev/usb/kiosk-test-lp9"))
    assert conn.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterUnavailable):
        conn.send(b"x")
    assert not Path("/dev/usb/kiosk-test-lp9").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")
def test_a_device_that_stops_reading_times_out(tmp_path: Path):
    """A FIFO stands in for /dev/usb/lp0 with a stuck printer: its 64 KB buffer fills."""
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    conn = FileConnection(fifo, timeout_s=0.3)
    with pytest.raises(PrinterUnavailable, match=r"nothing is reading"):
        conn.send(b"x")  # no reader at all: the printer is off
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        started = time.monotonic()
        with pytest.raises(PrinterUnavailable, match=r"stopped taking data for 0.3 s"):
            conn.send(b"x" * 1_000_000)
        assert time.monotonic() - started < 2.0
    finally:
        os.close(reader)


def test_dummy_keeps_jobs_and_can_play_offline():
    conn = open_connection(PrinterSettings())
    assert isinstance(conn, DummyConnection)
    conn.send(b"a")
    conn.send(b"b")
    assert conn.jobs == [b"a", b"b"] and conn.output == b"ab"
    conn.simulate("offline")
    assert conn.status() == PrinterStatus(PrinterState.OFFLINE, "dummy printer is offline")
    with pytest.raises(PrinterUnavailable, match="dummy printer is offline"):
        conn.send(b"c")
    conn.simulate(PrinterState.ERROR, "paper out")
    assert conn.status() == PrinterStatus(PrinterState.ERROR, "paper out")
    conn.simulate("ready")
    conn.send(b"c")
    assert conn.output == b"abc"


# ---------------------------------------------------------------- usb (fake device only)


class FakeUsbDevice:
    """Stands in for a pyusb device: the only thing mocked in the USB tests."""

    class backend:
        pass

    class _ctx:
        @staticmethod
        def dispose(device: object) -> None: ...

    def __init__(self, replies: dict[int, int] | None = None, stall: bool = False) -> None:
        self.replies = replies
        self.stall = stall
        self.writes: list[tuple[int, bytes, int]] = []
        self.last_query = 0

    def set_configuration(self) -> None: ...

    def reset(self) -> None: ...

    def get_active_configuration(self) -> Any:
        raise usb.core.USBError("not available in the fake")

    def write(self, endpoint: int, data: bytes, timeout: int) -> int:
        if self.stall:
            raise usb.core.USBTimeoutError("Operation timed out", 110, 110)
        self.writes.append((endpoint, bytes(data), timeout))
        if bytes(data[:2]) == b"\x10\x04":
            self.last_query = data[2]
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int) -> bytes:
        if self.replies is None or self.last_query not in self.replies:
            raise usb.core.USBTimeoutError("Operation timed out", 110, 110)
        return bytes([self.replies[self.last_query]])


def usb_settings(**overrides: Any) -> PrinterSettings:
    fields = {"kind": "usb", "usb_vendor_id": "0x0416", "usb_product_id": "0x5011"}
    return PrinterSettings(**(fields | overrides))


def test_usb_uses_the_packaged_libusb_and_a_finite_timeout():
    conn = open_connection(usb_settings(write_timeout_s=2.5))
    assert isinstance(conn, UsbConnection)
    printer = conn.make_printer()
    assert printer.timeout == 2500  # python-escpos's default 0 would wait forever
    assert printer.usb_args["idVendor"] == 0x0416 and printer.usb_args["idProduct"] == 0x5011
    assert "backend" in printer.usb_args


def test_usb_without_the_device_is_a_plain_message():
    # No fake here: the real libusb from libusb-package finds no such printer.
    conn = open_connection(usb_settings())
    with pytest.raises(PrinterUnavailable) as caught:
        conn.send(JOB)
    assert str(caught.value) == (
        "USB printer 0416:5011 not found (is it plugged in and switched on?)"
    )
    assert conn.status() == PrinterStatus(PrinterState.OFFLINE, str(caught.value))


def test_usb_writes_in_chunks_with_the_timeout_and_reads_status(monkeypatch):
    device = FakeUsbDevice(replies={1: 0x1A, 2: 0x32, 4: 0x72})
    monkeypatch.setattr(usb.core, "find", lambda **kwargs: device)
    conn = open_connection(usb_settings(write_timeout_s=3))
    conn.send(JOB * 40)
    assert b"".join(data for _, data, _ in device.writes) == JOB * 40
    assert {(endpoint, timeout) for endpoint, _, timeout in device.writes} == {(0x01, 3000)}
    assert conn.status() == PrinterStatus(PrinterState.ERROR, "paper out")
    device.replies = None
    assert conn.status().state is PrinterState.UNKNOWN


def test_a_stalled_usb_printer_fails_and_is_reopened(monkeypatch):
    devices = [FakeUsbDevice(stall=True), FakeUsbDevice()]
    monkeypatch.setattr(usb.core, "find", lambda **kwargs: devices[0])
    conn = open_connection(usb_settings(write_timeout_s=1))
    with pytest.raises(PrinterUnavailable, match=r"stopped taking data for 1 s"):
        conn.send(JOB)
    devices.pop(0)
    conn.send(JOB)
    assert devices[0].writes[0][1] == JOB


# ---------------------------------------------------------------- serial (pyserial ports)


def test_serial_opens_with_the_write_timeout():
    conn = open_connection(
        PrinterSettings(kind="serial", serial_port="loop://", baudrate=19200, write_timeout_s=0.5)
    )
    assert isinstance(conn, SerialConnection)
    conn.send(b"hello")
    port = conn._port
    assert port.write_timeout == 0.5 and port.baudrate == 19200
    # loop:// echoes our own DLE EOT back: those are not status bytes.
    assert conn.status().state is PrinterState.UNKNOWN
    conn.close()


def test_serial_without_the_device_is_a_plain_message():
    conn = SerialConnection("/dev/ttyKIOSK-NONE", 9600, timeout_s=1)
    with pytest.raises(PrinterUnavailable) as caught:
        conn.send(b"x")
    assert str(caught.value).startswith(
        "serial printer /dev/ttyKIOSK-NONE at 9600 baud could not be opened "
        "(is the cable plugged in?)"
    )
    assert "\n" not in str(caught.value)
    assert conn.status().state is PrinterState.OFFLINE


def test_serial_over_a_socket_port_sends_and_reads_status(printer):
    printer.status = COVER_OPEN
    conn = SerialConnection(f"socket://127.0.0.1:{printer.port}", 9600, timeout_s=1)
    conn.send(JOB)
    assert conn.status() == PrinterStatus(PrinterState.ERROR, "cover open")
    conn.close()  # the port stays open between jobs; closing ends the "connection job"
    assert printer.wait_for_jobs(1)[0].startswith(JOB)


# ---------------------------------------------------------------- optional extras


def test_cups_without_pycups_says_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "cups", None)  # as if pycups were not installed
    conn = open_connection(PrinterSettings(kind="cups", cups_printer="TM-T82"))
    assert isinstance(conn, CupsConnection)
    message = "CUPS printing is not installed: install kiosk with the 'cups' extra (pycups)"
    with pytest.raises(PrinterUnavailable, match=re.escape(message)) as caught:
        conn.send(JOB)
    assert caught.value.reason == "not_installed"
    assert conn.status() == PrinterStatus(PrinterState.ERROR, message)


@pytest.mark.skipif(sys.platform == "win32", reason="the message for other systems")
def test_win32_elsewhere_says_windows_only():
    conn = open_connection(PrinterSettings(kind="win32raw", win32_printer="POS-80"))
    assert isinstance(conn, Win32RawConnection)
    with pytest.raises(PrinterUnavailable, match="can be used only on Windows"):
        conn.send(JOB)
    assert conn.status().state is PrinterState.ERROR


def test_describe_never_shows_url_credentials():
    conn = SerialConnection("rfc2217://admin:secret@10.0.0.5:2217", 9600)
    assert "secret" not in conn.describe() and "admin" not in repr(conn)


# ---------------------------------------------------------------- --printer SPEC


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("dummy", {"kind": "dummy"}),
        ("file:receipts.bin", {"kind": "file", "file_path": Path("receipts.bin")}),
        ("file:C:\\pos\\out.bin", {"kind": "file", "file_path": Path("C:\\pos\\out.bin")}),
        ("network:192.168.1.50", {"kind": "network", "host": "192.168.1.50", "port": 9100}),
        ("network:printer.local:9101", {"kind": "network", "host": "printer.local", "port": 9101}),
        ("network:[fe80::1]:9100", {"kind": "network", "host": "fe80::1", "port": 9100}),
        ("tcp://10.0.0.7:9100", {"kind": "network", "host": "10.0.0.7", "port": 9100}),
        ("usb:0x0416:0x5011", {"kind": "usb", "usb_vendor_id": 0x0416, "usb_product_id": 0x5011}),
        ("usb:04b8:0e15", {"kind": "usb", "usb_vendor_id": 0x04B8, "usb_product_id": 0x0E15}),
        ("serial:/dev/ttyUSB0", {"kind": "serial", "serial_port": "/dev/ttyUSB0"}),
        ("serial:COM3:115200", {"kind": "serial", "serial_port": "COM3", "baudrate": 115200}),
        ("serial:loop://", {"kind": "serial", "serial_port": "loop://"}),
        ("cups:TM-T82", {"kind": "cups", "cups_printer": "TM-T82"}),
        ("win32:POS-80 Printer", {"kind": "win32raw", "win32_printer": "POS-80 Printer"}),
        ("network:10.0.0.7?paper=58", {"kind": "network", "host": "10.0.0.7", "paper_mm": 58}),
        ("dummy?paper=58", {"kind": "dummy", "paper_mm": 58}),
    ],
)
def test_good_printer_specs(spec, expected):
    settings = parse_printer_spec(spec)
    assert settings == PrinterSettings(**expected)


def test_paper_stays_the_default_without_a_suffix():
    assert parse_printer_spec("dummy").paper_mm == PrinterSettings().paper_mm


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("network:", "--printer: expected network:HOST[:PORT], got 'network:'"),
        ("network:host:99999", "--printer: expected network:HOST[:PORT], got 'network:host:99999'"),
        ("network:host:", "--printer: expected network:HOST[:PORT], got 'network:host:'"),
        ("tcp://", "--printer: expected tcp://HOST[:PORT], got 'tcp://'"),
        ("usb:0416", "--printer: expected usb:VID:PID with hex ids such as usb:0416:5011, "),
        ("usb:xyz:5011", "--printer: expected usb:VID:PID with hex ids such as usb:0416:5011, "),
        ("serial:COM3:1234", "--printer: expected serial:DEVICE[:BAUD] with BAUD 9600, "),
        ("serial:", "--printer: expected serial:DEVICE[:BAUD], got 'serial:'"),
        ("file:", "--printer: expected file:PATH, got 'file:'"),
        ("cups:", "--printer: expected cups:NAME, got 'cups:'"),
        ("win32:", "--printer: expected win32:NAME, got 'win32:'"),
        ("dummy:x", "--printer: expected dummy, got 'dummy:x'"),
        ("dummy?paper=57", "--printer: expected ?paper=58 or ?paper=80 at the end, got "),
        ("lp0", "--printer: expected dummy, file:PATH, network:HOST[:PORT], tcp://HOST[:PORT]"),
        ("", "--printer: expected dummy, file:PATH,"),
        ("file:a\nb", "--printer: expected no control characters, got 'file:a\\nb'"),
    ],
)
def test_bad_printer_specs_name_the_rule(spec, message):
    with pytest.raises(ValueError) as caught:
        parse_printer_spec(spec)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@given(
    st.text(max_size=40) | st.from_regex(r"(network|tcp|usb|serial|file|cups|win32|dummy)[:/].*")
)
def test_any_spec_gives_settings_or_a_one_line_value_error(spec):
    try:
        settings = parse_printer_spec(spec)
    except ValueError as exc:
        text = str(exc)
        assert text.startswith("--printer: ") and "\n" not in text and len(text) < 300
    else:
        assert isinstance(settings, PrinterSettings)
        assert open_connection(settings).describe()  # every parsed spec can be opened lazily


@given(
    st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z0-9-]{1,10}){0,3}", fullmatch=True),
    st.integers(1, 65535),
)
def test_network_specs_round_trip(host, port):
    settings = parse_printer_spec(f"network:{host}:{port}")
    assert (settings.kind, settings.host, settings.port) == ("network", host, port)
