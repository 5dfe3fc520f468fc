"""Complaints: log one with a local number, and track it by either number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.errors import InvalidInput
from kiosk.domain.models import COMPLAINT_CATEGORIES, Complaint
from kiosk.printer.documents import ComplaintDoc
from kiosk.services.central_client import CentralClient, CentralUnavailable
from kiosk.services.counter import Counter
from kiosk.services.errors import NeedsConfirmation, NotFound
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, local_number, operator_action, validated
from kiosk.services.refs import central_ref
from kiosk.services.roles import require_role


@dataclass(frozen=True, slots=True)
class ComplaintRequest:
    category: str
    description: str
    mobile: str
    operator_id: str
    discom: str | None = None
    account_no: str | None = None
    location: str = ""
    landmark: str = ""


@dataclass(frozen=True, slots=True)
class ComplaintResult:
    local_no: str
    event_id: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ComplaintStatus:
    local_no: str | None
    central_no: str | None
    status: str
    category: str
    source: str  # "central" or "local"
    # When it was logged, and when the status was last known to change (the central's
    # update time; for this counter's own record, the time it was logged).
    recorded_at: datetime | None = None
    updated_at: datetime | None = None
    account_no: str | None = None
    logged_here: bool = False  # this counter holds the record (and can reprint its slip)


def log_complaint(
    counter: Counter, request: ComplaintRequest, *, confirm_disconnection: bool = False
) -> ComplaintResult:
    operator_id = require_role(counter, request.operator_id, "complaint.log")
    category = (request.category or "").strip().lower()
    if category not in COMPLAINT_CATEGORIES:
        raise InvalidInput(
            "category",
            f"must be one of {', '.join(COMPLAINT_CATEGORIES)}, got {request.category!r}",
        )
    discom = account_no = None
    if request.account_no:
        discom, account_no = counter.check_account(request.discom or "", request.account_no)
    elif category == "disconnection_request":
        raise InvalidInput("account number", "a disconnection request needs the account number")
    else:
        discom = _complaint_discom(counter, request.discom)
    for field, value, limit in (
        ("location", request.location, 200),
        ("landmark", request.landmark, 200),
    ):
        if len(value or "") > limit:
            raise InvalidInput(field, f"must be at most {limit} characters")
    now = counter.now()
    probe = validated(
        Complaint,
        complaint_no="pending",
        account_no=account_no,
        category=category,
        description=" ".join((request.description or "").split()),
        mobile=request.mobile,
        location=request.location,
        landmark=request.landmark,
        recorded_at=now,
    )
    # Asked only once every field is right: a "yes" must not be followed by a refusal.
    if category == "disconnection_request" and not confirm_disconnection:
        raise NeedsConfirmation(
            "a disconnection request cuts this consumer's supply: confirm with the consumer"
        )
    with operator_action(counter):
        local_no = local_number(counter, counter.today(now), "complaint", "C")
        complaint = probe.model_copy(update={"complaint_no": local_no})
        event_id = emit(counter, complaint, now=now, operator_id=operator_id)
        counter.conn.execute(
            "INSERT INTO complaints (local_no, event_id, discom, account_no, category, description,"
            " mobile, location, landmark, recorded_at, status, operator_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
            (
                local_no,
                event_id,
                discom,
                account_no,
                category,
                complaint.description,
                complaint.mobile,
                complaint.location,
                complaint.landmark,
                now.isoformat(),
                operator_id,
            ),
        )
        audit(
            counter,
            now=now,
            operator_id=operator_id,
            action="complaint.logged",
            ref=local_no,
            detail={"category": category},
        )
        slip = ComplaintDoc(
            local_no=local_no,
            event_id=event_id,
            recorded_at=now,
            operator_id=operator_id,
            discom=discom,
            account_no=account_no,
            category=category,
            description=complaint.description,
            mobile_masked=mask_mobile(complaint.mobile),
        )
        queue_slip(counter, slip, now=now)
    return ComplaintResult(local_no=local_no, event_id=event_id, recorded_at=now)


def mask_mobile(mobile: str) -> str:
    """Only the last four digits go on paper a consumer may lose."""
    return "X" * max(0, len(mobile) - 4) + mobile[-4:]


def _complaint_discom(counter: Counter, discom: str | None) -> str:
    """The discom a complaint without an account number goes to (the store needs one)."""
    if discom and discom.strip():
        return counter.check_discom(discom)
    served = counter.settings.counter
    if served.default_discom:
        return served.default_discom
    if len(served.discoms) == 1:
        return served.discoms[0]
    raise InvalidInput(
        "discom", f"choose the discom: this counter serves {', '.join(served.discoms)}"
    )


def complaint_status(
    counter: Counter, number: str, *, central: CentralClient | None = None
) -> ComplaintStatus:
    """The central's status when it answers; else what this counter recorded."""
    number = (number or "").strip()
    if not number or len(number) > 40:
        raise InvalidInput("complaint number", "type the complaint number from the slip")
    row = counter.conn.execute(
        "SELECT local_no, event_id, category, status, central_no, recorded_at, account_no"
        " FROM complaints WHERE local_no = ? OR central_no = ?",
        (number, number),
    ).fetchone()
    local_no = row[0] if row else None
    central_no = (row[4] or central_ref(counter.conn, row[1], "complaint_no")) if row else None
    recorded_at = _moment(row[5]) if row else None
    if central is not None and counter.is_online():
        try:
            remote = central.complaint(central_no or number)
        except CentralUnavailable:
            remote = None
        if remote is not None:
            return ComplaintStatus(
                local_no=remote.get("local_no") or local_no,
                central_no=remote.get("complaint_no"),
                status=str(remote.get("status", "open")),
                category=str(remote.get("category", row[2] if row else "")),
                source="central",
                recorded_at=_moment(remote.get("logged_at")) or recorded_at,
                updated_at=_moment(remote.get("updated_at")),
                account_no=remote.get("account_no") or (row[6] if row else None),
                logged_here=row is not None,
            )
    if row is None:
        raise NotFound(f"no complaint {number} at this counter (the central could not be asked)")
    return ComplaintStatus(
        local_no,
        central_no,
        row[3],
        row[2],
        "local",
        recorded_at=recorded_at,
        updated_at=recorded_at,
        account_no=row[6],
        logged_here=True,
    )


def _moment(value: object) -> datetime | None:
    """An ISO time from the database or the central's reply; None when there is none."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
