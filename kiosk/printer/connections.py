"""Printer connections: where the ESC/POS bytes go, with a time limit on every write.

``open_connection(settings)`` gives one :class:`Connection` per configured printer (usb,
serial, network, cups, win32raw, file, dummy). ``send`` delivers one whole job or raises
:class:`PrinterUnavailable` with one plain sentence for the operator, so the print spool
can keep the job and retry. Nothing opens until it is needed and a failed link is reopened
on the next call, because printers are switched off and on all day at a counter.

``status`` asks the printer itself (DLE EOT) where the link can read. python-escpos's
``is_online()``/``paper_status()`` say "online, paper adequate" when nothing answers at
all, which is exactly the case a counter needs to see, so they are not used.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import select
import socket
import stat
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import ValidationError

from kiosk.config import PrinterSettings

log = logging.getLogger(__name__)

CHUNK = 16 * 1024  # writes go in pieces: the timeout is for no progress, not for the job
STATUS_TIMEOUT_S = 1.5  # a printer answers DLE EOT at once or not at all
DLE_EOT = b"\x10\x04"


class PrinterUnavailable(Exception):
    """The job did not reach the printer; the message is one plain sentence for the operator.

    ``reason`` is a short code (refused, timeout, stalled, not_found, no_permission,
    not_installed, io) for code and translations that must not parse the sentence.
    """

    def __init__(self, message: str, reason: str = "io") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class PrinterState(StrEnum):
    READY = "ready"
    OFFLINE = "offline"  # cannot reach the printer at all
    ERROR = "error"  # the printer says so (cover open, paper out) or a setup problem
    UNKNOWN = "unknown"  # reachable, but it does not report its status


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    detail: str = ""


READY = PrinterStatus(PrinterState.READY)


def _secs(value: float) -> str:
    return f"{value:g} s"


def _plain(exc: BaseException) -> str:
    """An exception in words, without the class name or a traceback."""
    text = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(
        exc
    ).__name__
    text = " ".join(text.split())
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------- real-time status (DLE EOT)


def is_status_byte(value: int) -> bool:
    """ESC/POS status bytes have bit 1 and bit 4 set and bit 0 and bit 7 clear."""
    return value & 0x93 == 0x12


def decode_status(ask: Callable[[int], int | None]) -> PrinterStatus | None:
    """The printer's state from DLE EOT replies; ``ask(n)`` returns a status byte or None.

    None means the printer did not answer the first question (the caller says why).
    """
    printer = ask(1)
    if printer is None:
        return None
    problems: list[str] = []
    if printer & 0x08:  # offline: ask why
        cause = ask(2)
        if cause is not None:
            if cause & 0x04:
                problems.append("cover open")
            if cause & 0x20:
                problems.append("paper out")
            if cause & 0x40:
                problems.append(_error_words(ask(3)))
    paper = ask(4)
    if paper is not None and paper & 0x60 and "paper out" not in problems:
        problems.append("paper out")
    if problems:
        return PrinterStatus(PrinterState.ERROR, ", ".join(problems))
    if printer & 0x08:
        return PrinterStatus(PrinterState.ERROR, "printer says it is not ready")
    if paper is not None and paper & 0x0C:
        return PrinterStatus(PrinterState.READY, "paper low")
    return READY


def _error_words(error: int | None) -> str:
    if error is not None and error & 0x08:
        return "paper cutter jammed"
    if error is not None and error & 0x40:
        return "print head too hot (wait a minute)"
    if error is not None and error & 0x20:
        return "printer fault (needs service)"
    return "printer error"


def _first_status_byte(read: Callable[[float], bytes], timeout: float) -> int | None:
    """Read until a valid status byte arrives; anything else on the line is ignored."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        data = read(left)
        if not data:
            return None
        for value in data:
            if is_status_byte(value):
                return value
    return None


# ---------------------------------------------------------------- the connection protocol


class Connection(ABC):
    """One printer link. Thread-safe: the spool and a status poller may share it."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        self.timeout_s = timeout_s
        self.status_timeout_s = min(timeout_s, STATUS_TIMEOUT_S)
        self._lock = threading.Lock()

    @abstractmethod
    def describe(self) -> str:
        """The printer in words for screens and logs (never a secret)."""

    @abstractmethod
    def _send(self, data: bytes) -> None: ...

    @abstractmethod
    def _status(self) -> PrinterStatus: ...

    def _drop(self) -> None:  # noqa: B027 - links without a handle have nothing to forget
        """Forget any open handle so that the next call opens the link again."""

    def send(self, data: bytes) -> None:
        """Deliver one whole job; raise PrinterUnavailable on any failure or timeout."""
        with self._lock:
            try:
                self._send(bytes(data))
            except PrinterUnavailable:
                self._drop()
                raise
            except Exception as exc:  # a driver's own error must reach the operator as words
                self._drop()
                raise PrinterUnavailable(f"{self.describe()}: {_plain(exc)}") from exc

    def status(self) -> PrinterStatus:
        """What the printer says now; never raises."""
        with self._lock:
            try:
                return self._status()
            except PrinterUnavailable as exc:
                self._drop()
                setup = exc.reason in ("not_installed", "no_permission")  # someone must fix it
                return PrinterStatus(
                    PrinterState.ERROR if setup else PrinterState.OFFLINE, exc.message
                )
            except Exception as exc:
                self._drop()
                return PrinterStatus(PrinterState.UNKNOWN, f"{self.describe()}: {_plain(exc)}")

    def close(self) -> None:
        with self._lock, contextlib.suppress(Exception):
            self._drop()

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


# ---------------------------------------------------------------- network (raw port 9100)


class NetworkConnection(Connection):
    """Raw TCP printing, one connection per job (as CUPS's socket backend does).

    A long-lived socket would hide a printer that was switched off and on: the next job
    lands in the kernel's buffer and is lost without an error. So each job connects,
    sends, half-closes, and waits until the printer closes its side or has acknowledged
    every byte. A printer that stops taking data for ``timeout_s`` fails the job.
    """

    def __init__(self, host: str, port: int = 9100, timeout_s: float = 10.0) -> None:
        super().__init__(timeout_s)
        self.host, self.port = host, port
        self.where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def describe(self) -> str:
        return f"network printer {self.where}"

    def _connect(self, timeout: float) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
        except socket.gaierror:
            raise PrinterUnavailable(
                f"cannot find the printer {self.host!r} on the network (check printer.host)",
                "not_found",
            ) from None
        except TimeoutError:
            raise PrinterUnavailable(
                f"printer at {self.where} did not answer within {_secs(timeout)}", "timeout"
            ) from None
        except ConnectionRefusedError:
            raise PrinterUnavailable(
                f"printer at {self.where} refused the connection (is it switched on?)", "refused"
            ) from None
        except OSError as exc:
            raise PrinterUnavailable(
                f"cannot reach the printer at {self.where}: {_plain(exc)}", "refused"
            ) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _stalled(self) -> PrinterUnavailable:
        return PrinterUnavailable(
            f"printer at {self.where} stopped taking data for {_secs(self.timeout_s)} "
            "(paper out, cover open or busy?)",
            "stalled",
        )

    def _send(self, data: bytes) -> None:
        with self._connect(self.timeout_s) as sock:
            view, done = memoryview(data), 0
            try:
                while done < len(view):  # each send() waits at most timeout_s for room
                    done += sock.send(view[done : done + CHUNK])
                sock.shutdown(socket.SHUT_WR)
            except TimeoutError:
                raise self._stalled() from None
            except OSError as exc:
                raise PrinterUnavailable(
                    f"printer at {self.where} dropped the connection during the job: {_plain(exc)}"
                ) from None
            self._await_delivery(sock)

    def _await_delivery(self, sock: socket.socket) -> None:
        """Wait for the printer's close, or for every byte to be acknowledged."""
        sock.settimeout(0.05)
        unsent = _unacked_bytes(sock)
        progress = time.monotonic()
        while True:
            try:
                if not sock.recv(4096):
                    return  # the printer read everything and closed: the job arrived whole
            except TimeoutError:
                pass
            except OSError as exc:  # a reset: the printer closed without reading it all
                raise PrinterUnavailable(
                    f"printer at {self.where} closed the connection before taking the whole "
                    f"job: {_plain(exc)}"
                ) from None
            now, left = time.monotonic(), _unacked_bytes(sock)
            if not left:  # all acknowledged, or unknowable here: a printer that stays open
                if now - progress >= self.status_timeout_s:
                    return
            elif unsent is None or left < unsent:
                unsent, progress = left, now
            elif now - progress >= self.timeout_s:
                raise self._stalled()

    def _status(self) -> PrinterStatus:
        timeout = self.status_timeout_s
        with self._connect(timeout) as sock:

            def read(left: float) -> bytes:
                sock.settimeout(left)
                try:
                    return sock.recv(16)
                except TimeoutError:
                    return b""

            def ask(n: int) -> int | None:
                sock.sendall(DLE_EOT + bytes([n]))
                return _first_status_byte(read, timeout)

            found = decode_status(ask)
        if found is None:
            return PrinterStatus(
                PrinterState.UNKNOWN,
                f"printer at {self.where} is reachable but does not report its status",
            )
        return found


def _unacked_bytes(sock: socket.socket) -> int | None:
    """Bytes the peer has not acknowledged yet (Linux SIOCOUTQ); None where unknowable."""
    try:
        import fcntl
        import termios

        buf = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
        return int.from_bytes(buf, sys.byteorder)
    except (ImportError, AttributeError, OSError):
        return None


# ---------------------------------------------------------------- usb (python-escpos + pyusb)


class UsbConnection(Connection):
    """A USB printer through python-escpos's ``Usb`` with the libusb from ``libusb-package``.

    python-escpos waits forever on a USB write by default (timeout 0); here every write and
    read has a limit in milliseconds. The endpoints are read from the device, because
    printers do not all use python-escpos's defaults (0x01 out, 0x82 in).
    """

    def __init__(self, vendor_id: int, product_id: int, timeout_s: float = 10.0) -> None:
        super().__init__(timeout_s)
        self.vendor_id, self.product_id = vendor_id, product_id
        self.timeout_ms = max(1, round(timeout_s * 1000))
        self.status_timeout_ms = max(1, round(self.status_timeout_s * 1000))
        self._printer: Any = None

    def describe(self) -> str:
        return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"

    def make_printer(self) -> Any:
        """The python-escpos ``Usb`` object (not opened), with finite timeouts."""
        import libusb_package
        from escpos.printer import Usb

        backend = libusb_package.get_libusb1_backend()
        return Usb(
            idVendor=self.vendor_id,
            idProduct=self.product_id,
            usb_args={"backend": backend} if backend is not None else {},
            timeout=self.timeout_ms,
        )

    def _open(self) -> Any:
        if self._printer is not None:
            return self._printer
        import usb.core
        from escpos.exceptions import DeviceNotFoundError

        printer = self.make_printer()
        try:
            printer.open()
        except DeviceNotFoundError:
            raise PrinterUnavailable(
                f"{self.describe()} not found (is it plugged in and switched on?)", "not_found"
            ) from None
        except usb.core.NoBackendError:
            raise PrinterUnavailable(
                f"{self.describe()}: no USB library (libusb) is available on this computer",
                "not_installed",
            ) from None
        _find_endpoints(printer)
        self._printer = printer
        return printer

    def _usb_error(self, exc: Exception) -> PrinterUnavailable:
        import usb.core

        if isinstance(exc, usb.core.USBTimeoutError):
            return PrinterUnavailable(
                f"{self.describe()} stopped taking data for {_secs(self.timeout_s)} "
                "(paper out, cover open or busy?)",
                "stalled",
            )
        code = getattr(exc, "errno", None)
        if code in (errno.EACCES, errno.EPERM):
            return PrinterUnavailable(
                f"no permission to use the {self.describe()} (a udev rule or group is missing)",
                "no_permission",
            )
        if code in (errno.ENODEV, errno.ENOENT, errno.EPIPE):
            return PrinterUnavailable(
                f"{self.describe()} was unplugged or switched off", "not_found"
            )
        return PrinterUnavailable(f"{self.describe()}: {_plain(exc)}")

    def _send(self, data: bytes) -> None:
        import usb.core

        printer = self._open()
        try:
            for start in range(0, len(data), CHUNK):
                printer.device.write(printer.out_ep, data[start : start + CHUNK], self.timeout_ms)
        except usb.core.USBError as exc:
            raise self._usb_error(exc) from None

    def _status(self) -> PrinterStatus:
        import usb.core

        printer = self._open()

        def ask(n: int) -> int | None:
            printer.device.write(printer.out_ep, DLE_EOT + bytes([n]), self.timeout_ms)
            try:
                reply = printer.device.read(printer.in_ep, 64, self.status_timeout_ms)
            except usb.core.USBTimeoutError:
                return None
            return next((b for b in bytes(reply) if is_status_byte(b)), None)

        try:
            found = decode_status(ask)
        except usb.core.USBError as exc:
            raise self._usb_error(exc) from None
        return found or PrinterStatus(
            PrinterState.UNKNOWN, f"{self.describe()} does not report its status"
        )

    def _drop(self) -> None:
        printer, self._printer = self._printer, None
        if printer is not None:
            with contextlib.suppress(Exception):
                printer.close()


def _find_endpoints(printer: Any) -> None:
    """Use the device's own bulk endpoints; keep python-escpos's defaults if unreadable."""
    try:
        import usb.util

        interface = printer.device.get_active_configuration()[(0, 0)]
        for endpoint in interface:
            if usb.util.endpoint_type(endpoint.bmAttributes) != usb.util.ENDPOINT_TYPE_BULK:
                continue
            if usb.util.endpoint_direction(endpoint.bEndpointAddress) == usb.util.ENDPOINT_OUT:
                printer.out_ep = endpoint.bEndpointAddress
            else:
                printer.in_ep = endpoint.bEndpointAddress
    except Exception as exc:
        log.debug("USB endpoints not readable, keeping python-escpos's defaults: %s", exc)


# ---------------------------------------------------------------- serial (pyserial)


class SerialConnection(Connection):
    """A serial printer (or any pyserial URL such as ``socket://host:port``) with write_timeout."""

    def __init__(self, device: str, baudrate: int = 9600, timeout_s: float = 10.0) -> None:
        super().__init__(timeout_s)
        self.device, self.baudrate = device, baudrate
        self._port: Any = None

    def describe(self) -> str:
        shown = re.sub(r"//[^/@]*@", "//", self.device)  # no credentials from a URL
        return f"serial printer {shown} at {self.baudrate} baud"

    def _open(self) -> Any:
        if self._port is not None:
            return self._port
        import serial

        try:
            port = serial.serial_for_url(self.device, do_not_open=True)
            port.baudrate = self.baudrate
            port.timeout = self.status_timeout_s
            port.write_timeout = self.timeout_s
            port.open()
        except (serial.SerialException, ValueError) as exc:
            code = getattr(exc, "errno", None)
            if code in (errno.EACCES, errno.EPERM):
                raise PrinterUnavailable(
                    f"no permission to use the {self.describe()} "
                    "(add this user to the dialout group)",
                    "no_permission",
                ) from None
            raise PrinterUnavailable(
                f"{self.describe()} could not be opened (is the cable plugged in?): {_plain(exc)}",
                "not_found",
            ) from None
        self._port = port
        return port

    def _send(self, data: bytes) -> None:
        import serial

        port = self._open()
        try:
            for start in range(0, len(data), CHUNK):
                port.write(data[start : start + CHUNK])
        except serial.SerialTimeoutException:
            raise PrinterUnavailable(
                f"{self.describe()} stopped taking data for {_secs(self.timeout_s)} "
                "(paper out, cover open or busy?)",
                "stalled",
            ) from None
        except (serial.SerialException, OSError) as exc:
            raise PrinterUnavailable(f"{self.describe()}: {_plain(exc)}") from None

    def _status(self) -> PrinterStatus:
        import serial

        port = self._open()

        def read(left: float) -> bytes:
            port.timeout = left
            return port.read(1)

        def ask(n: int) -> int | None:
            port.reset_input_buffer()
            port.write(DLE_EOT + bytes([n]))
            return _first_status_byte(read, self.status_timeout_s)

        try:
            found = decode_status(ask)
        except (serial.SerialException, OSError) as exc:
            raise PrinterUnavailable(f"{self.describe()}: {_plain(exc)}") from None
        return found or PrinterStatus(
            PrinterState.UNKNOWN, f"{self.describe()} does not report its status"
        )

    def _drop(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()


# ---------------------------------------------------------------- cups and win32 (extras)


def _missing(what: str, extra: str, package: str) -> PrinterUnavailable:
    return PrinterUnavailable(
        f"{what} is not installed: install kiosk with the '{extra}' extra ({package})",
        "not_installed",
    )


class CupsConnection(Connection):
    """A CUPS queue (raw). CUPS spools the job itself; pycups offers no per-call timeout."""

    # printer-state-reasons keywords (RFC 8011) in the operator's words.
    _PROBLEMS = (
        ("cover-open", "cover open"),
        ("door-open", "cover open"),
        ("media-empty", "paper out"),
        ("media-needed", "paper out"),
        ("media-jam", "paper jam"),
    )

    def __init__(self, name: str, timeout_s: float = 10.0) -> None:
        super().__init__(timeout_s)
        self.name = name

    def describe(self) -> str:
        return f"CUPS printer {self.name!r}"

    def _cups(self) -> Any:
        try:
            import cups
        except ImportError:
            raise _missing("CUPS printing", "cups", "pycups") from None
        return cups

    def _send(self, data: bytes) -> None:
        cups = self._cups()
        try:
            conn = cups.Connection()
            job = conn.createJob(self.name, "kiosk receipt", {})
            conn.startDocument(self.name, job, "receipt", cups.CUPS_FORMAT_RAW, 1)
            conn.writeRequestData(data, len(data))
            conn.finishDocument(self.name)
        except (cups.IPPError, cups.HTTPError, RuntimeError) as exc:
            raise PrinterUnavailable(f"{self.describe()}: {_plain(exc)}") from None

    def _status(self) -> PrinterStatus:
        try:
            cups = self._cups()
        except PrinterUnavailable as exc:
            return PrinterStatus(PrinterState.ERROR, exc.message)
        try:
            attrs = cups.Connection().getPrinterAttributes(
                self.name, requested_attributes=["printer-state", "printer-state-reasons"]
            )
        except (cups.IPPError, cups.HTTPError, RuntimeError) as exc:
            raise PrinterUnavailable(f"{self.describe()}: {_plain(exc)}") from None
        reasons = " ".join(attrs.get("printer-state-reasons", []))
        problems = dict.fromkeys(words for key, words in self._PROBLEMS if key in reasons)
        if problems:
            return PrinterStatus(PrinterState.ERROR, ", ".join(problems))
        if "offline" in reasons:
            return PrinterStatus(PrinterState.OFFLINE, f"{self.describe()} is offline")
        if attrs.get("printer-state") == 5:  # stopped
            return PrinterStatus(PrinterState.ERROR, f"the CUPS queue {self.name!r} is stopped")
        return READY


class Win32RawConnection(Connection):
    """A Windows printer queue fed raw bytes (pywin32); the spooler takes the job at once."""

    # Bits of PRINTER_INFO_2.Status (winspool.h).
    _PROBLEMS = ((0x400000, "cover open"), (0x10, "paper out"), (0x8, "paper jam"), (0x2, "error"))

    def __init__(self, name: str, timeout_s: float = 10.0) -> None:
        super().__init__(timeout_s)
        self.name = name

    def describe(self) -> str:
        return f"Windows printer {self.name!r}"

    def _win32print(self) -> Any:
        if sys.platform != "win32":
            raise PrinterUnavailable(
                "Windows printers (win32raw) can be used only on Windows", "not_installed"
            )
        try:
            import win32print
        except ImportError:
            raise _missing("Windows printing", "win32", "pywin32") from None
        return win32print

    def _send(self, data: bytes) -> None:
        win32print = self._win32print()
        handle = win32print.OpenPrinter(self.name)
        try:
            win32print.StartDocPrinter(handle, 1, ("kiosk receipt", None, "RAW"))
            try:
                win32print.StartPagePrinter(handle)
                win32print.WritePrinter(handle, data)
                win32print.EndPagePrinter(handle)
            finally:
                win32print.EndDocPrinter(handle)
        finally:
            win32print.ClosePrinter(handle)

    def _status(self) -> PrinterStatus:
        try:
            win32print = self._win32print()
        except PrinterUnavailable as exc:
            return PrinterStatus(PrinterState.ERROR, exc.message)
        handle = win32print.OpenPrinter(self.name)
        try:
            info = win32print.GetPrinter(handle, 2)
        finally:
            win32print.ClosePrinter(handle)
        flags = info.get("Status", 0)
        problems = [words for bit, words in self._PROBLEMS if flags & bit]
        if problems:
            return PrinterStatus(PrinterState.ERROR, ", ".join(problems))
        if flags & 0x80 or info.get("Attributes", 0) & 0x400:  # offline / work offline
            return PrinterStatus(PrinterState.OFFLINE, f"{self.describe()} is offline")
        return READY


# ---------------------------------------------------------------- file and dummy


class FileConnection(Connection):
    """Append each job to a file (fsync'd), or write it to a device node such as /dev/usb/lp0.

    A device node is written without blocking, so a printer that stops reading fails the
    job after ``timeout_s`` instead of hanging the counter.

    A folder gets each job as a numbered file, ``0001.bin``, ``0002.bin`` ..., with a
    picture of the slip beside it (``0001.png``, drawn for ``paper_mm``): receipts a person
    can open, as ``kiosk --demo`` prints them. A preview that cannot be drawn is logged,
    never a failed job (the bytes are written, and a retry would print the slip twice).
    """

    def __init__(self, path: Path, timeout_s: float = 10.0, paper_mm: int = 80) -> None:
        super().__init__(timeout_s)
        self.path = Path(path)
        self.paper_mm = paper_mm

    def describe(self) -> str:
        return f"printer {'folder' if self.path.is_dir() else 'file'} {self.path}"

    def _is_device(self) -> bool:
        try:
            mode = self.path.stat().st_mode
        except OSError:
            return self.path.as_posix().startswith("/dev/")
        return not stat.S_ISREG(mode)

    def _send(self, data: bytes) -> None:
        try:
            if self.path.is_dir():
                self._write_numbered(data)
            elif self._is_device() and hasattr(os, "O_NONBLOCK"):
                self._write_device(data)
            else:
                with open(self.path, "ab") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
        except FileNotFoundError:
            raise PrinterUnavailable(
                f"cannot write {self.describe()}: no such folder or device", "not_found"
            ) from None
        except PermissionError:
            raise PrinterUnavailable(
                f"no permission to write {self.describe()}", "no_permission"
            ) from None
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise PrinterUnavailable(
                    f"nothing is reading {self.describe()} (printer off?)", "refused"
                ) from None
            raise PrinterUnavailable(f"cannot write {self.describe()}: {_plain(exc)}") from None

    def _write_numbered(self, data: bytes) -> None:
        numbers = [int(p.stem) for p in self.path.glob("*.bin") if p.stem.isdecimal()]
        number = max(numbers, default=0) + 1
        while True:
            job = self.path / f"{number:04d}.bin"
            try:
                with open(job, "xb") as out:  # "x": never over another process's job
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                break
            except FileExistsError:
                number += 1
        png = job.with_suffix(".png")
        partial = png.with_name(f".{png.name}")  # a viewer never opens half a picture
        try:
            from kiosk.printer.layout import paper_for
            from kiosk.printer.preview import write_preview

            write_preview(data, paper_for(self.paper_mm), partial)
            os.replace(partial, png)
        except Exception as exc:
            log.warning("%s: no preview of %s: %s", self.describe(), job.name, _plain(exc))
            with contextlib.suppress(OSError):
                partial.unlink()

    def _write_device(self, data: bytes) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            view, done = memoryview(data), 0
            while done < len(view):
                _, ready, _ = select.select([], [fd], [], self.timeout_s)
                if not ready:
                    raise PrinterUnavailable(
                        f"{self.describe()} stopped taking data for {_secs(self.timeout_s)}",
                        "stalled",
                    )
                with contextlib.suppress(BlockingIOError):
                    done += os.write(fd, view[done : done + CHUNK])
        finally:
            os.close(fd)

    def _status(self) -> PrinterStatus:
        if self._is_device() and not self.path.exists():
            return PrinterStatus(
                PrinterState.OFFLINE, f"no device at {self.path} (printer unplugged?)"
            )
        if not self.path.parent.is_dir():
            return PrinterStatus(
                PrinterState.OFFLINE, f"the folder of {self.describe()} does not exist"
            )
        return READY


class DummyConnection(Connection):
    """Keeps every job in memory (``jobs``, ``output``); ``simulate()`` plays a broken printer."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        super().__init__(timeout_s)
        self.jobs: list[bytes] = []
        self.reported = READY

    @property
    def output(self) -> bytes:
        return b"".join(self.jobs)

    def describe(self) -> str:
        return "dummy printer"

    def simulate(self, state: PrinterState | str, detail: str = "") -> None:
        """Report ``state`` from now on; any state but ready makes ``send`` fail."""
        state = PrinterState(state)
        if not detail and state is not PrinterState.READY:
            detail = f"dummy printer is {state}"
        self.reported = PrinterStatus(state, detail)

    def _send(self, data: bytes) -> None:
        if self.reported.state is not PrinterState.READY:
            raise PrinterUnavailable(self.reported.detail, "refused")
        self.jobs.append(data)

    def _status(self) -> PrinterStatus:
        return self.reported


def open_connection(settings: PrinterSettings) -> Connection:
    """The connection for the configured printer; nothing is opened until it is used."""
    timeout = settings.write_timeout_s
    match settings.kind:
        case "network":
            assert settings.host is not None
            return NetworkConnection(settings.host, settings.port, timeout)
        case "usb":
            assert settings.usb_vendor_id is not None and settings.usb_product_id is not None
            return UsbConnection(settings.usb_vendor_id, settings.usb_product_id, timeout)
        case "serial":
            assert settings.serial_port is not None
            return SerialConnection(settings.serial_port, settings.baudrate, timeout)
        case "cups":
            assert settings.cups_printer is not None
            return CupsConnection(settings.cups_printer, timeout)
        case "win32raw":
            assert settings.win32_printer is not None
            return Win32RawConnection(settings.win32_printer, timeout)
        case "file":
            assert settings.file_path is not None
            return FileConnection(settings.file_path, timeout, settings.paper_mm)
        case "dummy":
            return DummyConnection(timeout)
    raise ValueError(f"unknown printer kind {settings.kind!r}")


# ---------------------------------------------------------------- --printer SPEC

_SPEC_RULES = {
    "dummy": "dummy",
    "file": "file:PATH",
    "network": "network:HOST[:PORT]",
    "tcp": "tcp://HOST[:PORT]",
    "usb": "usb:VID:PID",
    "serial": "serial:DEVICE[:BAUD]",
    "cups": "cups:NAME",
    "win32": "win32:NAME",
    "win32raw": "win32:NAME",
}
SPEC_FORMS = ", ".join(dict.fromkeys(_SPEC_RULES.values())) + " (then optionally ?paper=58|80)"
_HOST = re.compile(
    r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?"
)
_USB = re.compile(r"(?:0[xX])?([0-9A-Fa-f]{1,4}):(?:0[xX])?([0-9A-Fa-f]{1,4})")


def _shown(spec: str) -> str:
    shown = repr(spec)
    return shown if len(shown) <= 80 else shown[:76] + "...'"


def parse_printer_spec(spec: str) -> PrinterSettings:
    """``--printer SPEC`` as printer settings; a bad SPEC raises a one-line ValueError."""

    def bad(rule: str) -> ValueError:
        return ValueError(f"--printer: expected {rule}, got {_shown(spec)}")

    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in spec):
        raise bad("no control characters")
    text, paper = spec.strip(), None
    if "?" in text:
        text, _, query = text.rpartition("?")
        found = re.fullmatch(r"paper=(58|80)", query)
        if not found:
            raise bad("?paper=58 or ?paper=80 at the end")
        paper = int(found[1])
    kind, colon, rest = text.partition(":")
    kind = kind.lower()
    fields: dict[str, Any]
    if kind == "tcp" and rest.startswith("//"):
        fields = _network(rest[2:], bad("tcp://HOST[:PORT]"))
    elif kind == "network" and colon:
        fields = _network(rest, bad("network:HOST[:PORT]"))
    elif kind == "dummy" and not colon:
        fields = {"kind": "dummy"}
    elif kind == "file" and rest.strip():
        fields = {"kind": "file", "file_path": Path(rest)}
    elif kind == "usb" and colon:
        ids = _USB.fullmatch(rest)
        if not ids:
            raise bad("usb:VID:PID with hex ids such as usb:0416:5011")
        fields = {
            "kind": "usb",
            "usb_vendor_id": int(ids[1], 16),
            "usb_product_id": int(ids[2], 16),
        }
    elif kind == "serial" and rest.strip():
        device, _, baud = rest.rpartition(":")
        if device and re.fullmatch(r"[0-9]{1,9}", baud):
            if int(baud) not in (9600, 19200, 38400, 57600, 115200):
                raise bad("serial:DEVICE[:BAUD] with BAUD 9600, 19200, 38400, 57600 or 115200")
            fields = {"kind": "serial", "serial_port": device, "baudrate": int(baud)}
        else:
            fields = {"kind": "serial", "serial_port": rest}
    elif kind == "cups" and rest.strip():
        fields = {"kind": "cups", "cups_printer": rest}
    elif kind in ("win32", "win32raw") and rest.strip():
        fields = {"kind": "win32raw", "win32_printer": rest}
    elif kind in _SPEC_RULES:
        raise bad(_SPEC_RULES[kind])
    else:
        raise bad(SPEC_FORMS)
    if paper is not None:
        fields["paper_mm"] = paper
    try:
        return PrinterSettings(**fields)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise ValueError(
            f"--printer: {'.'.join(map(str, problem['loc'])) or 'printer'}: {problem['msg']}, "
            f"got {_shown(spec)}"
        ) from None


def _network(rest: str, error: ValueError) -> dict[str, Any]:
    found = _HOST.fullmatch(rest)
    if not found or (found["port"] is not None and not 0 < int(found["port"]) <= 65535):
        raise error
    host = found["v6"] or found["name"]
    if found["v6"]:
        try:
            socket.inet_pton(socket.AF_INET6, host)
        except OSError:
            raise error from None
    fields: dict[str, Any] = {"kind": "network", "host": host}
    if found["port"] is not None:
        fields["port"] = int(found["port"])
    return fields
