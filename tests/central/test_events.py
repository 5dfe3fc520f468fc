"""POST /v1/events/batch: one result per event, money always accepted, exactly-once by event_id."""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime

import pytest

from kiosk.domain.snapshot import ConsumerSnapshot
from offline_queue.protocol import MAX_BATCH, BatchResponse
from tests.central.conftest import DEMO_COUNT, OTHER_TOKEN
from tests.central.factories import (
    COUNTER,
    DAY,
    OTHER_COUNTER,
    cancellation,
    complaint,
    connection_request,
    event,
    first,
    payment,
    reading,
    recharge,
    registration,
)


def post(client, events: list[dict], **kwargs) -> tuple[int, BatchResponse]:
    response = client.post("/v1/events/batch", json={"events": events}, **kwargs)
    assert response.status_code in (200, 422), response.text
    return response.status_code, BatchResponse.model_validate(response.json())


def one(client, item: dict):
    status, reply = post(client, [item])
    assert status == 200
    assert len(reply.results) == 1
    return reply.results[0]


def summary(client, day: str = DAY) -> dict:
    response = client.get(f"/v1/counters/{COUNTER}/summary", params={"date": day})
    assert response.status_code == 200, response.text
    return response.json()


def consumer(client, snap: ConsumerSnapshot) -> ConsumerSnapshot:
    c = snap.consumer
    response = client.get(f"/v1/consumers/{c.discom}/{c.account_no}")
    assert response.status_code == 200
    return ConsumerSnapshot.model_validate(response.json())


# --- each event type -----------------------------------------------------------------


def test_payment_is_accepted_with_a_central_ref_over_http(http, demo_snapshots):
    snap = first(demo_snapshots, has_bill=True, discom="MVVNL")
    item = event(payment(snap.consumer.account_no, "MVVNL", 10_000))
    result = one(http, item)
    assert result.status == "accepted"
    assert result.event_id == item["event_id"]
    assert re.fullmatch(r"MVVNL-PAY-\d{9}", result.refs["central_ref"])
    assert "credit" not in result.refs
    assert result.received_at is not None and result.code is None


def test_payment_shows_in_the_consumers_recent_payments_newest_first(http, demo_snapshots):
    snap = first(demo_snapshots, has_bill=True)
    c = snap.consumer
    pays = [payment(c.account_no, c.discom, amount) for amount in (1_100, 2_200)]
    post(http, [event(p) for p in pays])
    after = consumer(http, snap)
    assert [p.receipt_no for p in after.recent_payments[:2]] == [
        pays[1].receipt_no,
        pays[0].receipt_no,
    ]
    assert after.recent_payments[0].paid_on.isoformat() == DAY
    assert after.recent_payments[0].mode == "cash"
    assert after.updated_at > snap.updated_at


def test_recent_payments_keep_the_ten_newest(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    pays = [payment(c.account_no, c.discom, 100 + n) for n in range(12)]
    post(api, [event(p) for p in pays])
    after = ConsumerSnapshot.model_validate(
        api.get(f"/v1/consumers/{c.discom}/{c.account_no}").json()
    )
    assert [p.receipt_no for p in after.recent_payments] == [
        p.receipt_no for p in reversed(pays[2:])
    ]


def test_payment_against_an_already_paid_bill_is_accepted_and_flagged_credit(http, demo_snapshots):
    snap = first(demo_snapshots, has_bill=True)
    c = snap.consumer
    due = snap.bill.due_paise
    full = one(http, event(payment(c.account_no, c.discom, due)))
    assert full.status == "accepted" and "credit" not in full.refs
    again = one(http, event(payment(c.account_no, c.discom, 5_000)))
    assert again.status == "accepted"
    assert again.refs["credit"] == "1"
    assert "unknown_consumer" not in again.refs
    assert summary(http)["payments"] == 2


def test_partial_payments_become_credit_only_once_the_bill_is_covered(api, demo_snapshots):
    snap = first(demo_snapshots, has_bill=True)
    c = snap.consumer
    due = snap.bill.due_paise
    results = [one(api, event(payment(c.account_no, c.discom, a))) for a in (due - 1, 1, 1)]
    assert ["credit" in r.refs for r in results] == [False, False, True]


def test_a_cancelled_payment_no_longer_covers_the_bill(api, demo_snapshots):
    snap = first(demo_snapshots, has_bill=True)
    c = snap.consumer
    full = payment(c.account_no, c.discom, snap.bill.due_paise)
    one(api, event(full))
    one(api, event(cancellation(full.receipt_no)))
    assert "credit" not in one(api, event(payment(c.account_no, c.discom, 100))).refs


def test_scheme_fee_and_recharge_money_is_never_a_credit(api, demo_snapshots):
    snap = first(demo_snapshots, has_bill=True)
    c = snap.consumer
    one(api, event(payment(c.account_no, c.discom, snap.bill.due_paise)))
    fee = payment(c.account_no, c.discom, 200_000).model_copy(update={"purpose": "scheme_fee"})
    result = one(api, event(fee))
    assert result.status == "accepted" and "credit" not in result.refs


def test_payment_for_an_unknown_consumer_is_accepted_and_flagged(http):
    result = one(http, event(payment("1000000001", "MVVNL", 7_700)))
    assert result.status == "accepted"
    assert result.refs["credit"] == "1"
    assert result.refs["unknown_consumer"] == "1"
    assert summary(http)["amount_paise"] == 7_700


def test_payment_in_every_mode_is_accepted_and_summed_by_mode(http, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    modes = ["cash", "upi", "cheque", "card", "cash"]
    for n, mode in enumerate(modes):
        assert one(http, event(payment(c.account_no, c.discom, 1_000 * (n + 1), mode=mode)))
    day = summary(http)
    assert day["payments"] == 5
    assert day["amount_paise"] == 15_000
    assert day["by_mode"] == {
        "card": {"count": 1, "amount_paise": 4_000},
        "cash": {"count": 2, "amount_paise": 6_000},
        "cheque": {"count": 1, "amount_paise": 3_000},
        "upi": {"count": 1, "amount_paise": 2_000},
    }


def test_cancelling_a_receipt_marks_the_payment_cancelled(http, demo_snapshots):
    snap = first(demo_snapshots, has_bill=True)
    c = snap.consumer
    kept, wrong = payment(c.account_no, c.discom, 3_000), payment(c.account_no, c.discom, 9_000)
    _, reply = post(http, [event(kept), event(wrong)])
    result = one(http, event(cancellation(wrong.receipt_no)))
    assert result.status == "accepted"
    assert result.refs["payment_ref"] == reply.results[1].refs["central_ref"]
    assert re.fullmatch(r"[A-Za-z]+-CAN-\d{9}", result.refs["central_ref"])
    day = summary(http)
    assert (day["payments"], day["amount_paise"], day["cancelled"]) == (1, 3_000, 1)
    assert [p.receipt_no for p in consumer(http, snap).recent_payments[:1]] == [kept.receipt_no]
    assert wrong.receipt_no not in {p.receipt_no for p in consumer(http, snap).recent_payments}


def test_cancelling_an_unknown_receipt_is_accepted_and_flagged(api):
    result = one(api, event(cancellation(f"{COUNTER}-20251215-99999")))
    assert result.status == "accepted"
    assert result.refs["unknown_receipt"] == "1"
    assert "central_ref" in result.refs


def test_cancelling_twice_is_flagged_and_counted_once(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    pay = payment(c.account_no, c.discom, 3_000)
    one(api, event(pay))
    one(api, event(cancellation(pay.receipt_no)))
    second = one(api, event(cancellation(pay.receipt_no)))
    assert second.refs["already_cancelled"] == "1"
    assert summary(api)["cancelled"] == 1


def test_a_cancellation_that_arrives_first_cancels_the_payment_when_it_comes(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    pay = payment(c.account_no, c.discom, 3_000)
    assert one(api, event(cancellation(pay.receipt_no))).refs["unknown_receipt"] == "1"
    result = one(api, event(pay))
    assert result.status == "accepted"
    assert result.refs["cancelled"] == "1"
    assert (summary(api)["payments"], summary(api)["cancelled"]) == (0, 1)


def test_a_cancellation_first_in_the_same_batch_cancels_its_payment(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    pay = payment(c.account_no, c.discom, 3_000)
    _, reply = post(api, [event(cancellation(pay.receipt_no)), event(pay)])
    assert reply.results[0].refs["unknown_receipt"] == "1"
    assert reply.results[1].refs["cancelled"] == "1"
    assert (summary(api)["payments"], summary(api)["cancelled"]) == (0, 1)


def test_a_receipt_number_sent_again_is_flagged_in_the_same_batch_and_later(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    receipt = "CSC-LKO-0001-20251215-00042"
    pays = [payment(c.account_no, c.discom, 1_000 + i, receipt=receipt) for i in range(3)]
    _, reply = post(api, [event(pays[0]), event(pays[1])])
    later = one(api, event(pays[2]))
    flags = [r.refs.get("duplicate_receipt") for r in [*reply.results, later]]
    assert flags == [None, "1", "1"]
    assert all(r.status == "accepted" for r in [*reply.results, later])


def test_a_counter_cannot_cancel_another_counters_receipt(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True, discom="DVVNL").consumer
    pay = payment(c.account_no, c.discom, 3_000)
    one(api, event(pay))
    other = {"Authorization": f"Bearer {OTHER_TOKEN}"}
    _, reply = post(
        api, [event(cancellation(pay.receipt_no), counter_id=OTHER_COUNTER)], headers=other
    )
    assert reply.results[0].refs["unknown_receipt"] == "1"
    assert summary(api)["cancelled"] == 0


def test_complaint_gets_a_central_number_and_keeps_the_local_one(http, demo_snapshots):
    c = first(demo_snapshots, discom="PVVNL").consumer
    result = one(http, event(complaint(c.account_no, local_no="CSC-LKO-0001-C-0007")))
    assert re.fullmatch(r"PVVNL-CMP-\d{8}", result.refs["complaint_no"])
    without_account = one(http, event(complaint()))
    assert re.fullmatch(r"UP-CMP-\d{8}", without_account.refs["complaint_no"])


def test_registration_gets_a_scheme_number(api, demo_snapshots):
    result = one(api, event(registration(demo_snapshots[0].consumer.account_no)))
    assert result.status == "accepted"
    assert re.fullmatch(r"BBRY-\d{8}", result.refs["registration_no"])


def test_recharge_raises_the_prepaid_balance(http, demo_snapshots):
    snap = first(demo_snapshots, meter_type="prepaid")
    result = one(http, event(recharge(snap.consumer.account_no, 50_000)))
    assert result.status == "accepted"
    assert re.fullmatch(rf"{snap.consumer.discom}-RCH-\d{{9}}", result.refs["central_ref"])
    assert consumer(http, snap).prepaid_balance_paise == snap.prepaid_balance_paise + 50_000


def test_recharge_of_a_postpaid_or_unknown_consumer_is_accepted_and_flagged(api, demo_snapshots):
    postpaid = first(demo_snapshots, meter_type="postpaid")
    assert one(api, event(recharge(postpaid.consumer.account_no))).refs["not_prepaid"] == "1"
    unknown = one(api, event(recharge("1000000002")))
    assert unknown.status == "accepted"
    assert unknown.refs["unknown_consumer"] == "1"
    assert unknown.refs["central_ref"].startswith("UP-RCH-")


def test_reading_and_connection_request_get_their_numbers(api, demo_snapshots):
    snap = demo_snapshots[0]
    read = one(api, event(reading(snap.consumer.account_no)))
    assert re.fullmatch(rf"{snap.consumer.discom}-RDG-\d{{9}}", read.refs["central_ref"])
    application = one(api, event(connection_request()))
    assert re.fullmatch(r"NC-\d{8}", application.refs["application_no"])


def test_numbers_count_up(api):
    first_no = one(api, event(connection_request())).refs["application_no"]
    second_no = one(api, event(connection_request())).refs["application_no"]
    assert int(second_no[3:]) == int(first_no[3:]) + 1


# --- idempotency ---------------------------------------------------------------------


def test_a_repeat_is_a_duplicate_with_the_same_refs_and_received_at(http, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    item = event(payment(c.account_no, c.discom, 4_400))
    original = one(http, item)
    time.sleep(0.01)
    repeat = one(http, item)
    assert repeat.status == "duplicate"
    assert repeat.refs == original.refs
    assert repeat.received_at == original.received_at
    assert summary(http)["payments"] == 1


def test_a_repeat_inside_one_batch_is_a_duplicate(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    item = event(payment(c.account_no, c.discom, 4_400))
    _, reply = post(api, [item, item])
    assert [r.status for r in reply.results] == ["accepted", "duplicate"]
    assert reply.results[0].refs == reply.results[1].refs
    assert summary(api)["payments"] == 1


def test_a_repeat_with_keys_in_another_order_is_still_a_duplicate(api):
    item = event(connection_request())
    one(api, item)
    shuffled = dict(reversed(list(item.items())))
    assert one(api, shuffled).status == "duplicate"


def test_same_event_id_with_other_content_is_422_and_the_others_are_processed(http, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    item = event(payment(c.account_no, c.discom, 4_400))
    original = one(http, item)
    changed = {**item, "payload": {**item["payload"], "amount_paise": 99_900}}
    changed["payload"]["details"] = {"mode": "cash", "tendered_paise": 99_900}
    fresh = event(payment(c.account_no, c.discom, 1_000))
    status, reply = post(http, [fresh, changed, event(complaint())])
    assert status == 422
    assert [r.status for r in reply.results] == ["accepted", "rejected", "accepted"]
    assert reply.results[1].code == "event_id_conflict"
    assert reply.results[1].event_id == item["event_id"]
    assert "99900" not in (reply.results[1].reason or "")
    assert summary(http)["amount_paise"] == 5_400
    again = one(http, item)
    assert (again.status, again.refs) == ("duplicate", original.refs)


# --- bad events ----------------------------------------------------------------------


def test_one_malformed_event_is_rejected_while_the_others_are_accepted(http, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    good = [event(payment(c.account_no, c.discom, 1_000 + n)) for n in range(3)]
    broken = {**event(payment(c.account_no, c.discom, 500)), "recorded_at": "yesterday"}
    status, reply = post(http, [good[0], broken, good[1], good[2]])
    assert status == 200
    assert [r.status for r in reply.results] == ["accepted", "rejected", "accepted", "accepted"]
    assert reply.results[1].code == "malformed"
    assert reply.results[1].reason.startswith("recorded_at: ")
    assert [r.event_id for r in reply.results] == [
        e["event_id"] for e in (good[0], broken, good[1], good[2])
    ]
    assert summary(http)["payments"] == 3


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"event_id": "not-a-uuid"}, "malformed", "event_id"),
        ({"event_id": None}, "malformed", "event_id"),
        ({"recorded_at": "2025-12-15T10:00:00"}, "malformed", "recorded_at"),
        ({"type": "Payment Recorded"}, "malformed", "type"),
        ({"payload": "money"}, "malformed", "payload"),
        ({"extra": 1}, "malformed", "extra"),
        ({"type": "payment.refunded"}, "unknown_type", "type"),
        ({"counter_id": ""}, "malformed", "counter_id"),
    ],
)
def test_bad_envelope_is_rejected_with_a_reason_naming_the_field(api, change, code, field):
    item = {**event(connection_request()), **change}
    result = one(api, item)
    assert result.status == "rejected"
    assert result.code == code
    assert field in result.reason
    assert result.refs == {}


def test_missing_envelope_fields_are_named(api):
    result = one(api, {"event_id": str(uuid.uuid4())})
    assert result.code == "malformed"
    assert "type: " in result.reason and "payload: " in result.reason


def test_invalid_payload_is_rejected_naming_the_field_without_the_value(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    item = event(payment(c.account_no, c.discom, 1_000))
    item["payload"] = {**item["payload"], "account_no": "98A65B43C2"}
    result = one(api, item)
    assert (result.status, result.code) == ("rejected", "invalid_payload")
    assert result.reason.startswith("payload.account_no: ")
    assert "98A65B43C2" not in result.reason


def test_invalid_complaint_mobile_is_not_echoed(api):
    item = event(complaint())
    item["payload"] = {**item["payload"], "mobile": "5123498765"}
    result = one(api, item)
    assert result.code == "invalid_payload"
    assert "payload.mobile" in result.reason
    assert "5123498765" not in result.reason


def test_an_event_of_another_counter_is_rejected_counter_mismatch(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    result = one(api, event(payment(c.account_no, c.discom, 1_000), counter_id=OTHER_COUNTER))
    assert (result.status, result.code) == ("rejected", "counter_mismatch")
    assert summary(api)["payments"] == 0


def test_a_rejected_event_is_not_stored_and_can_be_sent_again_fixed(api):
    item = event(connection_request())
    broken = {**item, "payload": {**item["payload"], "pincode": "012345"}}
    assert one(api, broken).code == "invalid_payload"
    assert one(api, item).status == "accepted"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"events": []}, "events: "),
        ({"events": [{}] * (MAX_BATCH + 1)}, "events: "),
        ({"events": "all of them"}, "events: "),
        ({"events": [1, 2]}, "events.0: "),
        ({}, "events: "),
        ({"events": [{}], "more": True}, "more: "),
    ],
)
def test_a_bad_batch_request_is_a_422_problem_and_stores_nothing(api, body, detail):
    response = api.post("/v1/events/batch", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["detail"].startswith(detail)


def test_an_oversized_batch_stores_none_of_its_events(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    events = [event(payment(c.account_no, c.discom, 100)) for _ in range(MAX_BATCH + 1)]
    assert api.post("/v1/events/batch", json={"events": events}).status_code == 422
    assert summary(api)["payments"] == 0


def test_body_that_is_not_json_is_a_422_problem(api):
    response = api.post(
        "/v1/events/batch", content=b"{events", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "body: is not valid JSON"


# --- whole batches -------------------------------------------------------------------


def test_a_full_batch_of_500_is_processed_in_order_and_quickly(http, demo_snapshots):
    accounts = [s.consumer for s in demo_snapshots]
    events = [
        event(payment(accounts[n % DEMO_COUNT].account_no, accounts[n % DEMO_COUNT].discom, 100))
        for n in range(MAX_BATCH)
    ]
    started = time.perf_counter()
    status, reply = post(http, events, timeout=60)
    elapsed = time.perf_counter() - started
    assert status == 200
    assert [r.event_id for r in reply.results] == [e["event_id"] for e in events]
    assert {r.status for r in reply.results} == {"accepted"}
    assert len({r.refs["central_ref"] for r in reply.results}) == MAX_BATCH
    assert summary(http)["payments"] == MAX_BATCH
    assert elapsed < 15, f"a batch of 500 took {elapsed:.1f}s"


def test_a_crash_mid_batch_stores_nothing_and_a_retry_stores_everything(
    tmp_path, monkeypatch, demo_snapshots
):
    from central import ingest
    from central.app import create_app
    from tests.central.conftest import TOKEN, TOKENS, TestClient

    headers = {"Authorization": f"Bearer {TOKEN}"}
    app = create_app(tmp_path / "c.db", TOKENS)
    events = [event(complaint()), event(complaint()), event(connection_request())]
    real = ingest._Applier._connection

    def crash(self, item):
        raise OSError("power cut")

    monkeypatch.setattr(ingest._Applier, "_connection", crash)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert (
            client.post("/v1/events/batch", json={"events": events}, headers=headers).status_code
            == 500
        )
        monkeypatch.setattr(ingest._Applier, "_connection", real)
        response = client.post("/v1/events/batch", json={"events": events}, headers=headers)
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["accepted", "accepted", "accepted"]
    assert response.json()["results"][0]["refs"]["complaint_no"].endswith("-CMP-00000001")


def test_server_time_in_the_reply_is_the_received_at_of_new_events(api):
    response = api.post("/v1/events/batch", json={"events": [event(complaint())]})
    body = response.json()
    received = datetime.fromisoformat(body["results"][0]["received_at"])
    assert received == datetime.fromisoformat(body["server_time"])
    assert received == datetime.fromisoformat(response.headers["X-Server-Time"])


def test_ten_thousand_events_drain_in_batches(http, demo_snapshots):
    consumers = [s.consumer for s in demo_snapshots]
    events = [
        event(payment(consumers[n % DEMO_COUNT].account_no, consumers[n % DEMO_COUNT].discom, 100))
        for n in range(10_000)
    ]
    started = time.perf_counter()
    for start in range(0, len(events), MAX_BATCH):
        status, _ = post(http, events[start : start + MAX_BATCH], timeout=60)
        assert status == 200
    elapsed = time.perf_counter() - started
    assert summary(http)["payments"] == 10_000
    assert elapsed < 60, f"10,000 events took {elapsed:.1f}s"
    print(f"10,000 events in {elapsed:.2f}s")


def test_refs_are_strings_only(api, demo_snapshots):
    c = first(demo_snapshots, has_bill=True).consumer
    result = one(api, event(payment(c.account_no, c.discom, 100)))
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.refs.items())


def test_a_counter_limited_to_a_discom_may_still_pay_any_consumer(api, demo_snapshots):
    c = first(demo_snapshots, discom="MVVNL", has_bill=True).consumer
    headers = {"Authorization": f"Bearer {OTHER_TOKEN}"}
    item = event(
        payment(c.account_no, c.discom, 1_000, counter_id=OTHER_COUNTER), counter_id=OTHER_COUNTER
    )
    status, reply = post(api, [item], headers=headers)
    assert status == 200 and reply.results[0].status == "accepted"


def test_unauthenticated_batch_is_refused_before_anything_is_stored(api):
    reply = api.post(
        "/v1/events/batch", json={"events": [event(complaint())]}, headers={"Authorization": ""}
    )
    assert reply.status_code == 401
