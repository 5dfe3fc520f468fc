"""Whatever a counter sends, each event gets exactly one result and the server never fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from central.app import create_app
from central.ingest import REJECT_CODES
from tests.central.conftest import TOKEN, TOKENS, TestClient
from tests.central.factories import complaint, connection_request, event

ENVELOPE_KEYS = ["event_id", "type", "recorded_at", "counter_id", "operator_id", "payload"]
json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
loose_events = st.dictionaries(
    st.sampled_from([*ENVELOPE_KEYS, "extra"]) | st.text(max_size=6), json_values, max_size=8
)


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    app = create_app(tmp_path_factory.mktemp("fuzz") / "c.db", TOKENS)
    with TestClient(app, raise_server_exceptions=True) as test_client:
        test_client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield test_client


def check(client: TestClient, events: list[dict]) -> list[dict]:
    response = client.post("/v1/events/batch", json={"events": events})
    assert response.status_code in (200, 422), response.text
    results = response.json()["results"]
    assert len(results) == len(events)
    for result in results:
        assert result["status"] in ("accepted", "duplicate", "rejected")
        if result["status"] == "rejected":
            assert result["code"] in REJECT_CODES
            assert result["reason"]
        assert all(isinstance(v, str) for v in result["refs"].values())
    return results


@settings(max_examples=60)
@given(st.lists(loose_events, min_size=1, max_size=5))
def test_arbitrary_dicts_are_each_answered(client, events):
    results = check(client, events)
    assert all(r["status"] == "rejected" for r in results)


@settings(max_examples=60)
@given(
    st.sampled_from(ENVELOPE_KEYS),
    json_values,
    st.sampled_from(["complaint", "connection"]),
)
def test_one_spoiled_field_rejects_only_that_event(client, key, value, kind):
    good = event(complaint() if kind == "complaint" else connection_request())
    spoiled = {**event(connection_request()), key: value}
    results = check(client, [good, spoiled])
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] in ("accepted", "rejected")


@settings(max_examples=60)
@given(
    st.dictionaries(
        st.sampled_from(
            ["category", "description", "mobile", "recorded_at", "account_no", "status", "x"]
        ),
        json_values,
        max_size=4,
    )
)
def test_spoiled_payloads_are_rejected_as_invalid_payload_without_echo(client, changes):
    item = event(complaint())
    item["payload"] = {**item["payload"], **changes}
    [result] = check(client, [item])
    if result["status"] == "rejected":
        assert result["code"] == "invalid_payload"
        assert result["reason"].startswith("payload")
        for value in changes.values():
            # A typed value (digits and all) must never come back in the reason.
            if isinstance(value, str) and len(value) >= 8 and any(c.isdigit() for c in value):
                assert value not in result["reason"]
