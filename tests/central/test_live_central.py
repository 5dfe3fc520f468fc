"""The live-central helper: a real server that tests can take down and bring back."""

from __future__ import annotations

import httpx
import pytest

from tests.central.factories import DAY, complaint, event
from tests.support.live_central import LiveCentral


def test_central_down_then_up_on_the_same_port_and_database(tmp_path):
    central = LiveCentral(tmp_path / "central.db", seed=10)
    with central:
        url = central.url
        with central.client() as client:
            stored = client.post("/v1/events/batch", json={"events": [event(complaint())]})
        number = stored.json()["results"][0]["refs"]["complaint_no"]
        central.stop()
        assert not central.running
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/v1/health", timeout=2)
        central.start()
        assert central.url == url
        with central.client() as client:
            assert client.get(f"/v1/complaints/{number}").status_code == 200
            assert len(client.get("/v1/consumers/changes").json()["records"]) == 10
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/health", timeout=2)


def test_helper_exposes_what_a_client_needs(live_central):
    assert live_central.url.startswith("http://127.0.0.1:")
    assert live_central.db_path.exists()
    assert live_central.counter_id == "CSC-LKO-0001"
    response = httpx.get(
        f"{live_central.url}/v1/counters/{live_central.counter_id}/summary",
        params={"date": DAY},
        headers=live_central.headers,
    )
    assert response.status_code == 200


def test_seeding_happens_once_per_database(tmp_path):
    first = LiveCentral(tmp_path / "c.db", seed=5)
    again = LiveCentral(tmp_path / "c.db", seed=7)
    with again, again.client() as client:
        assert len(client.get("/v1/consumers/changes").json()["records"]) == 5
    assert first.demo_snapshots()[0] == again.demo_snapshots(5)[0]


def test_an_added_counter_has_its_own_token(tmp_path):
    central = LiveCentral(tmp_path / "c.db")
    other = central.add_counter("SDO-AGR-0002", discoms=["DVVNL"])
    with central:
        response = httpx.get(
            f"{central.url}/v1/counters/SDO-AGR-0002/summary",
            headers={"Authorization": f"Bearer {other.token}"},
        )
    assert response.status_code == 200
