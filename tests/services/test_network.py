"""The counter's outage switch: real requests over loopback, refused at the switch while down."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from kiosk.services.network import OUTAGE_MESSAGE, SwitchableTransport
from tests.support.live_central import LiveCentral


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket that answers nobody: it shows whether anyone tried to connect."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.3)
    yield sock
    sock.close()


def test_requests_pass_while_up_and_fail_at_the_switch_while_down(live_central: LiveCentral):
    transport = SwitchableTransport()
    with httpx.Client(transport=transport, base_url=live_central.url) as client:
        assert client.get("/v1/health").status_code == 200
        transport.down = True
        with pytest.raises(httpx.ConnectError, match=OUTAGE_MESSAGE) as caught:
            client.get("/v1/health")
        assert caught.value.request.url.path == "/v1/health"
        transport.down = False
        assert client.get("/v1/health").status_code == 200


def test_a_down_switch_touches_no_socket(listener: socket.socket):
    port = listener.getsockname()[1]
    with (
        httpx.Client(transport=SwitchableTransport(down=True)) as client,
        pytest.raises(httpx.ConnectError, match=OUTAGE_MESSAGE),
    ):
        client.get(f"http://127.0.0.1:{port}/")
    with pytest.raises(TimeoutError):
        listener.accept()


def test_toggle_returns_the_new_state():
    transport = SwitchableTransport()
    assert transport.down is False
    assert transport.toggle() is True
    assert transport.down is True
    assert transport.toggle() is False
    transport.close()


def test_toggling_from_many_threads_loses_no_flip():
    transport = SwitchableTransport()
    barrier = threading.Barrier(8)

    def flip() -> None:
        barrier.wait()
        for _ in range(1001):
            transport.toggle()

    threads = [threading.Thread(target=flip) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert transport.down is False  # 8 x 1001 flips: an even number


def test_the_transport_works_again_after_a_client_closed_it(live_central: LiveCentral):
    """wire_sync gives one transport to the engine and the lookup client; both close it."""
    transport = SwitchableTransport()
    for _ in range(2):
        with httpx.Client(transport=transport, base_url=live_central.url) as client:
            assert client.get("/v1/health").status_code == 200
