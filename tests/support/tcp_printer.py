"""A network ESC/POS printer on 127.0.0.1 for tests.

    with TcpPrinter() as printer:
        open_connection(printer.settings()).send(job)
        assert printer.jobs == [job]
        printer.stop()              # printer off: connections are refused
        printer.start()             # on again, on the SAME port
        printer.status = PAPER_OUT  # or READY, PAPER_LOW, COVER_OPEN, SILENT
        printer.hang = True         # accept connections but never read from them
        printer.slow = 0.05         # read 4 KB, then pause this long (a printer printing)

Job framing, as on a raw port-9100 (JetDirect) printer: a job is every byte of one TCP
connection, ended by the sender's half-close or close. The printer then records the job
and closes its side, so a sender that waits for that close knows the job arrived whole.
A connection that carried nothing but DLE EOT status queries is not a job (its questions
are in ``queries``). The bytes of a connection cut by ``stop()`` go to ``cut_jobs``.

DLE EOT n is answered at once with ``status[n]`` (no answer when n is missing), wherever
it appears in the stream, as a real printer does.

``unreachable()`` gives an address whose connections neither succeed nor fail: the
listen queue is full, so the SYN is dropped, like a printer unplugged from the network.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from kiosk.config import PrinterSettings

HOST = "127.0.0.1"
DLE_EOT = b"\x10\x04"

# Replies to DLE EOT 1 (printer), 2 (offline cause), 3 (error cause), 4 (paper sensor).
READY = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}
PAPER_LOW = {**READY, 4: 0x1E}  # near-end sensor bits 2-3
PAPER_OUT = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}  # offline; stopped by paper end; roll end
COVER_OPEN = {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}  # offline; cover open
CUTTER_JAM = {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}  # offline; error; autocutter error
SILENT: dict[int, int] = {}  # a printer that does not implement DLE EOT


class TcpPrinter:
    """A threaded loopback printer that records jobs; stop/start keep the port."""

    def __init__(self, status: dict[int, int] = READY, port: int = 0) -> None:
        self.host = HOST
        self.port = port
        self.status = dict(status)
        self.hang = False
        self.slow = 0.0
        self.jobs: list[bytes] = []
        self.cut_jobs: list[bytes] = []
        self.queries: list[int] = []
        self.connections = 0
        self._changed = threading.Condition()
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- lifecycle

    def start(self) -> TcpPrinter:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A small receive window, like a printer's buffer: a hanging printer fills it fast.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.bind((self.host, self.port))
        listener.listen(16)
        listener.settimeout(0.05)  # the accept loop looks at the stop flag this often
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping = threading.Event()
        self._spawn(self._accept_loop, listener, self._stopping)
        return self

    def stop(self) -> None:
        """Switch the printer off: refuse new connections and cut the open ones."""
        self._stopping.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> TcpPrinter:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def settings(self, **overrides: Any) -> PrinterSettings:
        """Printer settings pointing at this printer (short write timeout for tests)."""
        fields: dict[str, Any] = {
            "kind": "network",
            "host": self.host,
            "port": self.port,
            "write_timeout_s": 2.0,
        }
        return PrinterSettings(**(fields | overrides))

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.jobs) >= count, timeout=timeout)
            return list(self.jobs)

    # -- the server

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="tcp-printer")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self, listener: socket.socket, stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by stop()
            with self._changed:
                self.connections += 1
            self._spawn(self._serve, conn, stopping)

    def _serve(self, conn: socket.socket, stopping: threading.Event) -> None:
        with conn:
            if self.hang:
                stopping.wait()
                return
            conn.settimeout(0.05)
            received = bytearray()
            scanned = 0  # where the DLE EOT scan goes on from
            while True:
                if stopping.is_set():
                    self._record(self.cut_jobs, received)
                    return
                try:
                    data = conn.recv(4096 if self.slow else 65536)
                    if self.slow:
                        stopping.wait(self.slow)
                except TimeoutError:
                    continue
                except OSError:
                    self._record(self.cut_jobs, received)
                    return
                if not data:
                    break
                received += data
                scanned = self._answer_queries(conn, received, scanned)
            self._record(self.jobs, received, only_queries=self._only_queries(received))
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def _answer_queries(self, conn: socket.socket, received: bytearray, scanned: int) -> int:
        while (at := received.find(DLE_EOT, scanned)) >= 0:
            if at + 2 >= len(received):
                return at  # the n byte has not arrived yet
            n = received[at + 2]
            if 1 <= n <= 4:
                with self._changed:
                    self.queries.append(n)
                if n in self.status:
                    conn.sendall(bytes([self.status[n]]))
            scanned = at + 3
        return max(scanned, len(received) - 1)

    @staticmethod
    def _only_queries(received: bytes) -> bool:
        rest = bytes(received)
        for n in (1, 2, 3, 4):
            rest = rest.replace(DLE_EOT + bytes([n]), b"")
        return not rest

    def _record(self, where: list[bytes], received: bytearray, only_queries: bool = False) -> None:
        if received and not only_queries:
            with self._changed:
                where.append(bytes(received))
                self._changed.notify_all()


@contextlib.contextmanager
def unreachable() -> Iterator[tuple[str, int]]:
    """(host, port) where a connect times out: a listener whose queue is full, never accepting."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((HOST, port))
            fillers.append(filler)
        time.sleep(0.05)
        yield HOST, port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
