"""Consumer lookups and the changes feed: the exact ConsumerSnapshot shape, paging, filters."""

from __future__ import annotations

import httpx
import pytest

from kiosk.domain.snapshot import ConsumerSnapshot
from offline_queue.protocol import MAX_CHANGES, ChangesResponse
from tests.central.conftest import DEMO_COUNT, OTHER_TOKEN
from tests.central.factories import event, first, payment


def snapshot_of(response: httpx.Response) -> ConsumerSnapshot:
    assert response.status_code == 200, response.text
    return ConsumerSnapshot.model_validate(response.json())


def pages(client, limit: int, cursor: str = "", headers=None) -> list[ChangesResponse]:
    replies = []
    while True:
        response = client.get(
            "/v1/consumers/changes", params={"cursor": cursor, "limit": limit}, headers=headers
        )
        assert response.status_code == 200, response.text
        reply = ChangesResponse.model_validate(response.json())
        replies.append(reply)
        cursor = reply.next_cursor
        if not reply.has_more:
            return replies


# --- one consumer --------------------------------------------------------------------


def test_lookup_returns_the_stored_snapshot_over_http(http, demo_snapshots):
    wanted = demo_snapshots[3]
    c = wanted.consumer
    assert snapshot_of(http.get(f"/v1/consumers/{c.discom}/{c.account_no}")) == wanted


def test_lookup_accepts_the_discom_in_any_letter_case(api, demo_snapshots):
    c = demo_snapshots[0].consumer
    assert snapshot_of(api.get(f"/v1/consumers/{c.discom.lower()}/{c.account_no}")).key == (
        c.discom,
        c.account_no,
    )


@pytest.mark.parametrize("account", ["123456789", "12345678901", "12345abcde", "1234567890123"])
def test_bad_account_number_is_422_naming_the_field(api, account):
    response = api.get(f"/v1/consumers/MVVNL/{account}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["detail"].startswith("account_no: ")
    assert account not in response.json()["detail"]


def test_unknown_discom_is_422_naming_the_known_ones(api):
    response = api.get("/v1/consumers/XYZ/1234567890")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("discom: ")
    assert "MVVNL" in response.json()["detail"]


def test_unknown_consumer_is_404_not_found(api):
    response = api.get("/v1/consumers/MVVNL/1000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_counter_limited_to_a_discom_may_not_read_another(api, demo_snapshots):
    other = first(demo_snapshots, discom="MVVNL").consumer
    response = api.get(
        f"/v1/consumers/MVVNL/{other.account_no}",
        headers={"Authorization": f"Bearer {OTHER_TOKEN}"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


# --- by mobile -----------------------------------------------------------------------


def test_lookup_by_mobile_finds_every_consumer_with_it(http, demo_snapshots):
    mobile = first(demo_snapshots, has_mobile=True).consumer.mobile
    expected = {s.key for s in demo_snapshots if s.consumer.mobile == mobile}
    response = http.get("/v1/consumers", params={"mobile": f"+91 {mobile}"})
    assert response.status_code == 200
    body = response.json()
    assert "server_time" in body
    found = [ConsumerSnapshot.model_validate(r) for r in body["records"]]
    assert {s.key for s in found} == expected


def test_lookup_by_unused_mobile_is_an_empty_list(api, demo_snapshots):
    used = {s.consumer.mobile for s in demo_snapshots}
    unused = next(m for m in (f"60000000{n:02d}" for n in range(100)) if m not in used)
    response = api.get("/v1/consumers", params={"mobile": unused})
    assert response.status_code == 200
    assert response.json()["records"] == []


@pytest.mark.parametrize("mobile", ["12345", "5876543210", "98765abc10", ""])
def test_bad_mobile_is_422_naming_the_field(api, mobile):
    response = api.get("/v1/consumers", params={"mobile": mobile})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("mobile: ")
    if mobile:
        assert mobile not in response.json()["detail"]


def test_missing_mobile_is_422_naming_the_field(api):
    response = api.get("/v1/consumers")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("mobile: ")


def test_lookup_by_mobile_keeps_to_the_counters_discoms(api, demo_snapshots):
    mobiles = {s.consumer.mobile for s in demo_snapshots if s.consumer.discom != "DVVNL"}
    mobile = sorted(m for m in mobiles if m)[0]
    response = api.get(
        "/v1/consumers",
        params={"mobile": mobile},
        headers={"Authorization": f"Bearer {OTHER_TOKEN}"},
    )
    assert all(r["consumer"]["discom"] == "DVVNL" for r in response.json()["records"])


# --- the changes feed ----------------------------------------------------------------


def test_changes_feed_pages_through_every_consumer_once_in_order(http, demo_snapshots):
    replies = pages(http, limit=7)
    records = [r for reply in replies for r in reply.records]
    assert len(replies) == -(-DEMO_COUNT // 7)
    assert [ConsumerSnapshot.model_validate(r) for r in records] == demo_snapshots
    assert [int(reply.next_cursor) for reply in replies] == sorted(
        int(reply.next_cursor) for reply in replies
    )
    assert replies[-1].has_more is False
    assert all(reply.has_more for reply in replies[:-1])


def test_changes_after_the_last_cursor_are_empty_and_keep_the_cursor(api):
    last = pages(api, limit=MAX_CHANGES)[-1].next_cursor
    response = api.get("/v1/consumers/changes", params={"cursor": last})
    assert response.json()["records"] == []
    assert response.json()["next_cursor"] == last
    assert response.json()["has_more"] is False


def test_changes_from_an_empty_database_keep_the_empty_cursor(tmp_path):
    from central.app import create_app
    from tests.central.conftest import TOKEN, TOKENS, TestClient

    with TestClient(create_app(tmp_path / "c.db", TOKENS)) as client:
        response = client.get("/v1/consumers/changes", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.json() == {
        "server_time": response.json()["server_time"],
        "records": [],
        "next_cursor": "",
        "has_more": False,
    }


def test_changes_default_limit_is_1000(api):
    assert len(api.get("/v1/consumers/changes").json()["records"]) == min(DEMO_COUNT, 1000)


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "0x10", " 7", "1" * 30])
def test_non_numeric_cursor_is_422(api, cursor):
    response = api.get("/v1/consumers/changes", params={"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("cursor: ")


@pytest.mark.parametrize("limit", ["0", "-5", str(MAX_CHANGES + 1), "ten", "2.5"])
def test_bad_limit_is_422(api, limit):
    response = api.get("/v1/consumers/changes", params={"limit": limit})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("limit: ")


def test_changes_limit_may_be_the_maximum(api):
    assert api.get("/v1/consumers/changes", params={"limit": MAX_CHANGES}).status_code == 200


def test_changes_feed_keeps_to_the_counters_discoms(api, demo_snapshots):
    replies = pages(api, limit=5, headers={"Authorization": f"Bearer {OTHER_TOKEN}"})
    records = [r for reply in replies for r in reply.records]
    expected = [s for s in demo_snapshots if s.consumer.discom == "DVVNL"]
    assert expected
    assert [ConsumerSnapshot.model_validate(r) for r in records] == expected


def test_a_paid_consumer_comes_again_after_the_cursor(http, demo_snapshots):
    cursor = pages(http, limit=MAX_CHANGES)[-1].next_cursor
    target = first(demo_snapshots, has_bill=True)
    c = target.consumer
    pay = payment(c.account_no, c.discom, 12_300)
    assert http.post("/v1/events/batch", json={"events": [event(pay)]}).status_code == 200
    reply = pages(http, limit=10, cursor=cursor)[0]
    assert len(reply.records) == 1
    changed = ConsumerSnapshot.model_validate(reply.records[0])
    assert changed.key == target.key
    assert changed.recent_payments[0].receipt_no == pay.receipt_no
    assert changed.recent_payments[0].amount_paise == 12_300
    assert changed.recent_payments[1:] == target.recent_payments
    assert int(reply.next_cursor) > int(cursor)
