"""The committed OpenAPI document is the app's: a changed contract must be committed too."""

from __future__ import annotations

import json
from pathlib import Path

from central.app import create_app
from tests.central.conftest import TOKENS

COMMITTED = Path(__file__).resolve().parents[2] / "central" / "openapi.json"
REGENERATE = "uv run kiosk-central openapi > central/openapi.json"


def test_committed_openapi_matches_the_app(tmp_path):
    current = create_app(tmp_path / "c.db", TOKENS).openapi()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert current == committed, (
        f"central/openapi.json is out of date with the app; regenerate it: {REGENERATE}"
    )


def test_every_endpoint_documents_its_replies():
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert set(document["paths"]) == {
        "/v1/health",
        "/v1/consumers",
        "/v1/consumers/changes",
        "/v1/consumers/{discom}/{account_no}",
        "/v1/events/batch",
        "/v1/complaints/{complaint_no}",
        "/v1/counters/{counter_id}/summary",
        "/v1/upi/intents",
        "/v1/upi/intents/{reference}",
        "/v1/upi/intents/{reference}/paid",
    }
    for path, operations in document["paths"].items():
        for operation in operations.values():
            replies = operation["responses"]
            assert "200" in replies
            assert "$ref" in json.dumps(replies["200"]) or path != "/v1/health"
            if path != "/v1/health":
                assert operation["security"] == [{"CounterToken": []}]
                assert replies["401"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
            assert "HTTPValidationError" not in json.dumps(replies)
    schemas = document["components"]["schemas"]
    for name in ("BatchRequest", "BatchResponse", "EventResult", "ChangesResponse", "Problem"):
        assert name in schemas
