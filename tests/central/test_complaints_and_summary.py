"""Complaint status by either number, and a counter's day summary as the central has it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from central.app import create_app
from tests.central.conftest import OTHER_TOKEN, TOKEN, TOKENS, TestClient
from tests.central.factories import (
    COUNTER,
    DAY,
    OTHER_COUNTER,
    RECORDED,
    cancellation,
    complaint,
    event,
    first,
    payment,
)


def accepted(client, item: dict) -> dict:
    response = client.post("/v1/events/batch", json={"events": [item]})
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert result["status"] == "accepted", result
    return result


def test_complaint_status_by_central_and_by_local_number(http, demo_snapshots):
    c = demo_snapshots[5].consumer
    local = "CSC-LKO-0001-C-20251215-0003"
    central_no = accepted(http, event(complaint(c.account_no, local_no=local)))["refs"][
        "complaint_no"
    ]
    by_central = http.get(f"/v1/complaints/{central_no}")
    by_local = http.get(f"/v1/complaints/{local}")
    assert by_central.status_code == by_local.status_code == 200
    assert by_central.json() == by_local.json()
    body = by_central.json()
    assert body["complaint_no"] == central_no
    assert body["local_no"] == local
    assert body["status"] == "open"
    assert body["category"] == "no_supply"
    assert body["account_no"] == c.account_no
    assert datetime.fromisoformat(body["logged_at"]) == RECORDED
    assert datetime.fromisoformat(body["updated_at"]).tzinfo is not None


def test_unknown_complaint_number_is_404(api):
    response = api.get("/v1/complaints/MVVNL-CMP-99999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"].startswith("complaint_no: ")


def test_a_complaint_without_a_local_number_is_found_by_the_central_one(api):
    number = accepted(api, event(complaint()))["refs"]["complaint_no"]
    assert api.get(f"/v1/complaints/{number}").json()["local_no"] is None


# --- day summary ---------------------------------------------------------------------


def test_day_summary_counts_and_sums_payments_not_cancelled(http, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    pays = [
        payment(c.account_no, c.discom, 10_000),
        payment(c.account_no, c.discom, 20_000, mode="upi"),
        payment(c.account_no, c.discom, 40_000),
    ]
    for p in pays:
        accepted(http, event(p))
    accepted(http, event(cancellation(pays[2].receipt_no)))
    # Another day and another counter do not count.
    yesterday = RECORDED.replace(day=14)
    accepted(http, event(payment(c.account_no, c.discom, 777, recorded_at=yesterday)))
    response = http.get(f"/v1/counters/{COUNTER}/summary", params={"date": DAY})
    assert response.status_code == 200
    assert response.json() == {
        "counter_id": COUNTER,
        "date": DAY,
        "payments": 2,
        "amount_paise": 30_000,
        "cancelled": 1,
        "by_mode": {
            "cash": {"count": 1, "amount_paise": 10_000},
            "upi": {"count": 1, "amount_paise": 20_000},
        },
    }
    before = http.get(f"/v1/counters/{COUNTER}/summary", params={"date": "2025-12-14"}).json()
    assert (before["payments"], before["amount_paise"]) == (1, 777)


def test_day_is_the_indian_calendar_day(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    # 19:00 UTC on the 14th is 00:30 IST on the 15th.
    late = datetime(2025, 12, 14, 19, 0, tzinfo=UTC)
    accepted(api, event(payment(c.account_no, c.discom, 5_000, recorded_at=late)))
    on_15 = api.get(f"/v1/counters/{COUNTER}/summary", params={"date": "2025-12-15"}).json()
    on_14 = api.get(f"/v1/counters/{COUNTER}/summary", params={"date": "2025-12-14"}).json()
    assert (on_15["payments"], on_14["payments"]) == (1, 0)


def test_a_counter_may_read_only_its_own_summary(api):
    response = api.get(f"/v1/counters/{OTHER_COUNTER}/summary", params={"date": DAY})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    own = api.get(
        f"/v1/counters/{OTHER_COUNTER}/summary",
        params={"date": DAY},
        headers={"Authorization": f"Bearer {OTHER_TOKEN}"},
    )
    assert own.status_code == 200
    assert own.json()["payments"] == 0


@pytest.mark.parametrize(
    "day", ["2025-02-30", "15-12-2025", "2025/12/15", "today", "2025-12-15T00:00", "20251215", ""]
)
def test_bad_date_is_422_naming_the_field(api, day):
    response = api.get(f"/v1/counters/{COUNTER}/summary", params={"date": day})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("date: ")


def test_summary_defaults_to_today_in_india(tmp_path):
    # 20:00 UTC on 31 Dec is already 1 Jan in India.
    clock = lambda: datetime(2025, 12, 31, 20, 0, tzinfo=UTC)  # noqa: E731
    with TestClient(create_app(tmp_path / "c.db", TOKENS, clock=clock)) as client:
        response = client.get(
            f"/v1/counters/{COUNTER}/summary", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    assert response.json()["date"] == "2026-01-01"
