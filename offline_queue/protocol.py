"""The wire protocol between an outbox and its central server.

Both sides import these models, so the kiosk and the reference central cannot drift apart.
Payloads stay opaque here (``dict``): what an event *means* is the application's business.

- Push: ``POST /v1/events/batch`` with :class:`BatchRequest`; the reply is a
  :class:`BatchResponse` with one :class:`EventResult` per event, in the same order.
  ``accepted`` and ``duplicate`` carry the central's references; ``rejected`` carries a
  reason code and a reason in plain words.
- Pull: ``GET /v1/consumers/changes?cursor=..&limit=..`` answers :class:`ChangesResponse`.
- Every reply carries the server's clock in the ``X-Server-Time`` header (ISO 8601, UTC).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SERVER_TIME_HEADER = "X-Server-Time"
MAX_BATCH = 500
MAX_CHANGES = 5000

EventStatus = Literal["accepted", "duplicate", "rejected"]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class WireEvent(WireModel):
    """One event as it travels: the envelope of ARCHITECTURE.md's sync protocol."""

    event_id: str
    type: str
    recorded_at: str
    counter_id: str
    operator_id: str
    payload: dict[str, Any]


class BatchRequest(WireModel):
    # Events stay loose dicts on the way in: the server validates each one on its own,
    # so one malformed event is rejected alone instead of failing the whole batch.
    events: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH)]


class EventResult(WireModel):
    event_id: str
    status: EventStatus
    refs: dict[str, str] = {}
    code: str | None = None
    reason: str | None = None
    received_at: AwareDatetime | None = None


class BatchResponse(WireModel):
    server_time: AwareDatetime
    results: list[EventResult]


class ChangesResponse(WireModel):
    server_time: AwareDatetime
    records: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


class Health(WireModel):
    status: Literal["ok"] = "ok"
    server_time: AwareDatetime
    version: str


class Problem(WireModel):
    """An error reply: a stable code and a sentence a person can act on."""

    code: str
    detail: str
    server_time: datetime | None = None
