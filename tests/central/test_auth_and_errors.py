"""Every endpoint but health needs a known counter token; every reply carries the server time
and every error is a Problem in plain words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

import central.auth
from central.app import create_app
from tests.central.conftest import TOKEN, TOKENS, TestClient
from tests.support.live_central import LiveCentral

PROTECTED = [
    ("GET", "/v1/consumers/MVVNL/1234567890", None),
    ("GET", "/v1/consumers?mobile=9876543210", None),
    ("GET", "/v1/consumers/changes", None),
    ("POST", "/v1/events/batch", {"events": [{}]}),
    ("GET", "/v1/complaints/MVVNL-CMP-00000001", None),
    ("GET", "/v1/counters/CSC-LKO-0001/summary?date=2025-12-15", None),
]


def server_time(response: httpx.Response) -> datetime:
    value = datetime.fromisoformat(response.headers["X-Server-Time"])
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
    return value


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_protected_endpoint_without_token_is_401_problem(app_client, method, path, body):
    response = app_client.request(method, path, json=body)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert "Bearer" in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    server_time(response)


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
@pytest.mark.parametrize(
    "header", ["Bearer not-a-known-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "]
)
def test_protected_endpoint_with_unknown_token_is_401(app_client, method, path, body, header):
    response = app_client.request(method, path, json=body, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_bad_body_without_token_is_401_not_a_validation_error(app_client):
    response = app_client.post(
        "/v1/events/batch", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401


def test_health_needs_no_token_and_reports_version_and_time(app_client):
    response = app_client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == "0.1.0"
    assert datetime.fromisoformat(body["server_time"]) == server_time(response)


def test_live_central_refuses_a_request_without_token(live_central: LiveCentral):
    response = httpx.get(f"{live_central.url}/v1/consumers/changes")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert abs(server_time(response) - datetime.now(UTC)) < timedelta(minutes=1)


def test_tokens_are_compared_in_constant_time(monkeypatch, api):
    calls = []
    real = central.auth.hmac.compare_digest

    def spy(a, b):
        calls.append(1)
        return real(a, b)

    monkeypatch.setattr(central.auth.hmac, "compare_digest", spy)
    assert api.get("/v1/consumers/changes?limit=1").status_code == 200
    assert len(calls) >= len(TOKENS)


def test_token_never_appears_in_counter_repr():
    assert TOKEN not in repr(TOKENS["CSC-LKO-0001"])


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/v1/no-such-thing", 404, "not_found"),
        ("DELETE", "/v1/consumers/changes", 405, "method_not_allowed"),
        ("GET", "/v1/consumers/changes?limit=abc", 422, "invalid_request"),
        ("GET", "/v1/consumers/MVVNL/0000000001", 404, "not_found"),
    ],
)
def test_errors_are_problems_with_server_time(api, method, path, status, code):
    response = api.request(method, path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "detail", "server_time"}
    assert body["code"] == code
    assert body["detail"]
    assert datetime.fromisoformat(body["server_time"]) == server_time(response)


def test_a_crash_is_a_500_problem_with_server_time(tmp_path, monkeypatch):
    app = create_app(tmp_path / "c.db", TOKENS)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.state.central.db, "changes", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/consumers/changes", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "disk on fire" not in response.text
    server_time(response)


def test_server_time_comes_from_the_app_clock(tmp_path):
    fixed = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with TestClient(create_app(tmp_path / "c.db", TOKENS, clock=lambda: fixed)) as client:
        response = client.get("/v1/health")
    assert server_time(response) == fixed
    assert response.headers["X-Server-Time"] == "2026-01-02T03:04:05Z"


def test_validation_problem_names_the_field_and_rule(api):
    response = api.get("/v1/consumers/changes?limit=5001")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("limit: ")
    assert "5000" in response.json()["detail"]


def test_create_app_refuses_tokens_keyed_by_another_counter(tmp_path):
    with pytest.raises(ValueError, match="holds counter"):
        create_app(tmp_path / "c.db", {"X": TOKENS["CSC-LKO-0001"]})
