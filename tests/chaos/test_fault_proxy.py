"""The fault proxy's faults do what the chaos tests count on (tests/support/fault_proxy.py).

The chaos test only sees that a fault was applied; these show what each one does to a
client and to the real central behind it: a black hole or reset never reaches the
central, a reset after commit or a late reply does; a reset is a TCP RST, not a close;
the changes feed comes in the proxy's small pages.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from kiosk.config import KioskSettings
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import open_counter
from tests.support.fault_proxy import FaultProxy
from tests.support.fixtures import LIVE_CENTRAL_SEED
from tests.support.live_central import LiveCentral

BATCH = "/v1/events/batch"
CHANGES = "/v1/consumers/changes"
TIMEOUT_S = 0.2


def _event_bodies(tmp_path: Path, counter_id: str, n: int) -> list[bytes]:
    """``n`` real payment events, as a counter enqueues them, each as a batch body."""
    settings = KioskSettings(
        counter={"id": counter_id, "name": "Proxy test", "discoms": ["MVVNL"]},
        storage={"data_dir": tmp_path / "counter"},
    )
    counter = open_counter(settings)
    try:
        for index in range(n):
            request = PaymentRequest(
                discom="MVVNL",
                account_no=f"{3_000_000_000 + index}",
                amount_paise=10_000,
                mode="cash",
                operator_id="op1",
            )
            record_payment(counter, request)
        rows = counter.conn.execute("SELECT body FROM outbox ORDER BY seq").fetchall()
    finally:
        counter.conn.close()
    return [f'{{"events":[{row[0]}]}}'.encode() for row in rows]


def _central_payments(central: LiveCentral) -> int:
    with closing(sqlite3.connect(central.db_path)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM payments").fetchone()[0])


@pytest.fixture(scope="module")
def live_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveCentral]:
    """One central for the module (each test looks at what it itself changed)."""
    path = tmp_path_factory.mktemp("central") / "central.db"
    with LiveCentral(path, seed=LIVE_CENTRAL_SEED) as central:
        yield central


@pytest.fixture
def proxy(live_central: LiveCentral) -> Iterator[FaultProxy]:
    proxy = FaultProxy(live_central.url, fault_paths=(BATCH, CHANGES)).start()
    yield proxy
    proxy.stop()


def test_faults_before_the_central_never_reach_it_and_after_it_commit(
    tmp_path, live_central, proxy
) -> None:
    bodies = _event_bodies(tmp_path, live_central.counter_id, 4)
    proxy.script(["reset", "black_hole", "reset_after_commit", "late_reply"], path=BATCH)
    headers = live_central.headers | {"Content-Type": "application/json"}
    outcomes = []
    with httpx.Client(base_url=proxy.url, headers=headers, timeout=TIMEOUT_S) as client:
        for body in bodies:
            before = _central_payments(live_central)
            with pytest.raises(httpx.TransportError) as caught:
                client.post(BATCH, content=body)
            outcomes.append((type(caught.value), _central_payments(live_central) - before))
    assert outcomes == [
        (httpx.ReadError, 0),  # reset: "connection reset by peer", nothing forwarded
        (httpx.ReadTimeout, 0),  # black hole: nothing until the client gives up
        (httpx.ReadError, 1),  # reset after commit
        (httpx.ReadTimeout, 1),  # late reply: committed, then held
    ]


@pytest.mark.parametrize("fault", ["reset", "reset_after_commit"])
def test_a_reset_is_a_tcp_rst_not_a_tidy_close(live_central, proxy, fault) -> None:
    proxy.script([fault], path=CHANGES)
    host, port = proxy.url.removeprefix("http://").split(":")
    request = f"GET {CHANGES} HTTP/1.1\r\nHost: {host}\r\nAuthorization: "
    request += f"{live_central.headers['Authorization']}\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request.encode())
        with pytest.raises(ConnectionResetError):  # a FIN would read as b"" instead
            sock.recv(100)


def test_the_changes_feed_comes_in_the_proxys_small_pages(live_central, proxy) -> None:
    proxy.page_limit = 7
    with httpx.Client(base_url=proxy.url, headers=live_central.headers) as client:
        page = client.get(CHANGES, params={"limit": 2500}).json()
        proxy.page_limit = None
        whole = client.get(CHANGES, params={"limit": 2500}).json()
    assert (len(page["records"]), page["has_more"], page["next_cursor"]) == (7, True, "7")
    assert (len(whole["records"]), whole["has_more"]) == (LIVE_CENTRAL_SEED, False)
