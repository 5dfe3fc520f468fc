"""schemathesis against the central's published OpenAPI document, over loopback.

Every operation gets generated requests (valid and not) from central/openapi.json and is
sent to the real central (uvicorn on 127.0.0.1, seeded, the counter's token); the checks:
no 5xx, and every reply (status code, content type, headers, body) is one the document
describes. ``KIOSK_FUZZ_EXAMPLES`` raises the number of examples per operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.profile import examples
from tests.support.live_central import LiveCentral

OPENAPI = Path(__file__).parents[2] / "central" / "openapi.json"
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_path(OPENAPI)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveCentral]:
    with LiveCentral(tmp_path_factory.mktemp("schema") / "central.db", seed=20) as live:
        yield live


@schema.parametrize()
@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(case, central: LiveCentral) -> None:
    case.call_and_validate(base_url=central.url, headers=central.headers, checks=CHECKS)


@pytest.mark.parametrize("path", ["/v1/events/batch", "/v1/upi/intents"])
def test_a_body_that_is_not_even_utf8_is_the_documented_422(central: LiveCentral, path) -> None:
    """Found by schemathesis: such a body got an undocumented 400 from FastAPI."""
    body = b"e\xff\xfevK"
    with central.client() as client:
        reply = client.post(path, content=body, headers={"Content-Type": "application/json"})
        anonymous = httpx.post(
            central.url + path, content=body, headers={"Content-Type": "application/json"}
        )
    assert reply.status_code == 422
    assert (reply.json()["code"], reply.json()["detail"]) == (
        "invalid_request",
        "body: is not valid JSON",
    )
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthorized")
