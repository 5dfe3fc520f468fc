"""What the operator types into a lookup stays one path segment of the central's address:
a complaint number with ``/``, ``..``, ``?`` or ``#`` cannot reach another route of the
central (a consumer's record) or add a query. Against the live central."""

from __future__ import annotations

import pytest

from kiosk.services.central_client import CentralClient
from tests.support.live_central import LiveCentral


@pytest.fixture
def client(live_central: LiveCentral) -> CentralClient:
    made = CentralClient(live_central.url, live_central.token)
    yield made  # type: ignore[misc]
    made.close()


def test_a_typed_complaint_number_cannot_walk_to_another_route(
    client: CentralClient, live_central: LiveCentral
) -> None:
    consumer = live_central.demo_snapshots()[0].consumer
    assert client.consumer(consumer.discom, consumer.account_no) is not None  # it is there
    route = f"consumers/{consumer.discom}/{consumer.account_no}"
    for typed in (
        f"CMP-1/../../{route}",
        f"../{route}",
        f"%2E%2E/{route}",
        f"CMP-1?mobile={consumer.mobile}",
        "CMP-1#x",
        "..",
        ".",
    ):
        assert client.complaint(typed) is None, typed  # no such complaint, and nothing else


def test_account_and_discom_stay_segments_too(
    client: CentralClient, live_central: LiveCentral
) -> None:
    consumer = live_central.demo_snapshots()[0].consumer
    assert client.consumer(consumer.discom, f"x/../{consumer.account_no}") is None
    assert client.consumer(f"../consumers/{consumer.discom}", consumer.account_no) is None
