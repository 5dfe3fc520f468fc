"""New-connection applications taken at the counter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kiosk.domain.errors import InvalidInput
from kiosk.domain.models import ConnectionRequest
from kiosk.domain.quantities import check_load_kw
from kiosk.printer.documents import ConnectionDoc
from kiosk.services.complaints import mask_mobile
from kiosk.services.counter import Counter
from kiosk.services.id_proof import id_proof_for_storage
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, local_number, operator_action, validated
from kiosk.services.roles import require_role


@dataclass(frozen=True, slots=True)
class ConnectionApplication:
    applicant_name: str
    mobile: str
    address: str
    pincode: str
    category: str
    load_kw: str | Decimal
    id_proof_type: str
    id_proof_number: str
    operator_id: str


@dataclass(frozen=True, slots=True)
class ConnectionResult:
    local_no: str
    event_id: str


def request_connection(counter: Counter, application: ConnectionApplication) -> ConnectionResult:
    operator_id = require_role(counter, application.operator_id, "connection.apply")
    proof_type, proof_ref = id_proof_for_storage(
        application.id_proof_type, application.id_proof_number
    )
    try:
        load = check_load_kw(application.load_kw)
    except InvalidInput as exc:
        raise InvalidInput("load", exc.message) from None
    now = counter.now()
    record = validated(
        ConnectionRequest,
        applicant_name=" ".join((application.applicant_name or "").split()),
        mobile=application.mobile,
        address=" ".join((application.address or "").split()),
        pincode=application.pincode,
        category=(application.category or "").strip().lower(),
        load_kw=load,
        id_proof_type=proof_type,
        id_proof_ref=proof_ref,
        recorded_at=now,
    )
    with operator_action(counter):
        local_no = local_number(counter, counter.today(now), "connection", "N")
        event_id = emit(counter, record, now=now, operator_id=operator_id)
        counter.conn.execute(
            "INSERT INTO connection_requests (local_no, event_id, applicant_name, mobile, address,"
            " pincode, category, load_kw, id_proof_type, id_proof_ref, recorded_at, operator_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                local_no,
                event_id,
                record.applicant_name,
                record.mobile,
                record.address,
                record.pincode,
                record.category,
                str(load),
                proof_type,
                proof_ref,
                now.isoformat(),
                operator_id,
            ),
        )
        audit(
            counter,
            now=now,
            operator_id=operator_id,
            action="connection.requested",
            ref=local_no,
            detail={"category": record.category},
        )
        slip = ConnectionDoc(
            local_no=local_no,
            event_id=event_id,
            recorded_at=now,
            operator_id=operator_id,
            applicant_name=record.applicant_name,
            address=record.address,
            pincode=record.pincode,
            category=record.category,
            load_kw=str(load),
            id_proof_type=proof_type,
            id_proof_masked=paper_id(proof_ref),
            mobile_masked=mask_mobile(record.mobile),
        )
        queue_slip(counter, slip, now=now)
    return ConnectionResult(local_no=local_no, event_id=event_id)


def paper_id(stored: str) -> str:
    """What of an ID number goes on paper: Aadhaar as stored (masked), others' last 4."""
    if stored.startswith("XXXX"):
        return stored
    return "X" * max(0, len(stored) - 4) + stored[-4:]
