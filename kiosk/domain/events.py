"""The event envelope and payloads a counter sends to the central (see ARCHITECTURE.md).

Each operator action becomes one event with a client-made, time-ordered ``event_id`` so
the central can deduplicate a resend after a lost reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kiosk.domain.models import (
    Complaint,
    ConnectionRequest,
    MeterReading,
    Payment,
    Recharge,
    SchemeRegistration,
    Text,
)


def new_event_id(now: datetime, entropy: bytes) -> UUID:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then 74 random bits.

    ``now`` and ``entropy`` (at least 10 random bytes) are passed in so this stays pure;
    ids made later sort later, which keeps the outbox and the central's log in order.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if len(entropy) < 10:
        raise ValueError("entropy must be at least 10 bytes")
    millis = int(now.timestamp() * 1000)
    if not 0 <= millis < 1 << 48:
        raise ValueError("now is outside the UUIDv7 time range")
    rand = int.from_bytes(entropy[:10], "big")
    rand_a = rand >> 68  # 12 bits
    rand_b = rand & ((1 << 62) - 1)
    value = (millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return UUID(int=value)


class Envelope(BaseModel):
    """What travels: ``{event_id, type, recorded_at, counter_id, operator_id, payload}``."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    event_id: UUID
    type: Annotated[str, Field(pattern=r"^[a-z]+(\.[a-z_]+)+$")]
    recorded_at: AwareDatetime
    counter_id: Text
    operator_id: Text
    payload: dict[str, Any]


class ReceiptCancelled(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    receipt_no: Text
    reason: Annotated[str, Field(min_length=5, max_length=200)]
    supervisor_id: Text
    cancelled_at: AwareDatetime


EVENT_TYPES: dict[str, type[BaseModel]] = {
    "payment.recorded": Payment,
    "receipt.cancelled": ReceiptCancelled,
    "complaint.logged": Complaint,
    "scheme.registered": SchemeRegistration,
    "recharge.recorded": Recharge,
    "reading.recorded": MeterReading,
    "connection.requested": ConnectionRequest,
}


def make_envelope(
    payload: BaseModel,
    *,
    now: datetime,
    entropy: bytes,
    counter_id: str,
    operator_id: str,
) -> Envelope:
    """Wrap a record as the event that reports it; its type comes from the record's class."""
    kinds = [name for name, model in EVENT_TYPES.items() if isinstance(payload, model)]
    if not kinds:
        raise ValueError(f"no event type for {type(payload).__name__}")
    return Envelope(
        event_id=new_event_id(now, entropy),
        type=kinds[0],
        recorded_at=now,
        counter_id=counter_id,
        operator_id=operator_id,
        payload=payload.model_dump(mode="json"),
    )


def read_payload(envelope: Envelope) -> BaseModel:
    """The typed payload of an envelope; raises pydantic's ValidationError naming the field."""
    model = EVENT_TYPES.get(envelope.type)
    if model is None:
        raise ValueError(f"type: unknown event type {envelope.type!r}")
    return model.model_validate(envelope.payload)
