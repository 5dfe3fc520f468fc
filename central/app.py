"""The reference central API (FastAPI): the contract a counter syncs with.

``create_app(db_path, tokens)`` builds the app; ``kiosk-central serve`` runs it with uvicorn.
Every reply carries ``X-Server-Time`` (UTC, ISO 8601); every error is a
:class:`~offline_queue.protocol.Problem` with a stable code and a plain sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.auth import CounterAuth, check_tokens, find_counter
from central.clock import Clock, ist_day, utc_now, wire_time
from central.db import CentralDB, dumps
from central.discoms import canonical_discom, load_discoms
from central.ingest import ingest_batch, scrub
from central.schemas import (
    ComplaintStatus,
    ConsumerList,
    DaySummary,
    ModeTotal,
    UpiIntent,
    UpiIntentRequest,
    UpiPaid,
)
from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import validate_account_number, validate_mobile
from kiosk.domain.snapshot import ConsumerSnapshot
from offline_queue.protocol import (
    MAX_CHANGES,
    SERVER_TIME_HEADER,
    BatchRequest,
    BatchResponse,
    ChangesResponse,
    Health,
    Problem,
)

DEFAULT_CHANGES = 1000
_CURSOR = re.compile(r"[0-9]{1,18}", re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_PARAM_SOURCES = {"query", "path", "body", "header", "cookie"}
_UNAUTHENTICATED_PATHS = {"/v1/health"}


def package_version() -> str:
    try:
        return metadata.version("kiosk")
    except metadata.PackageNotFoundError:
        return "0.1.0"


class ApiError(Exception):
    """An error reply: HTTP status, Problem code, and a sentence a person can act on."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Central:
    db: CentralDB
    tokens: dict[str, CounterAuth]
    clock: Clock


class ServerTimeMiddleware:
    """Stamp every reply with ``X-Server-Time``; handlers read the same instant."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = self.clock()
        scope.setdefault("state", {})["server_now"] = now
        stamp = wire_time(now).encode()
        header = SERVER_TIME_HEADER.lower().encode()

        async def send_stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != header]
                message = {**message, "headers": [*headers, (header, stamp)]}
            await send(message)

        await self.app(scope, receive, send_stamped)


def server_now(request: Request) -> datetime:
    now = request.scope.get("state", {}).get("server_now")
    return now if isinstance(now, datetime) else central_of(request).clock()


def central_of(request: Request) -> Central:
    return request.app.state.central


def problem(request: Request, status: int, code: str, detail: str) -> JSONResponse:
    now = server_now(request)
    body = Problem(code=code, detail=detail, server_time=now).model_dump(mode="json")
    headers = {SERVER_TIME_HEADER: wire_time(now)}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, headers=headers)


# --- authentication ------------------------------------------------------------------

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="CounterToken",
    description="The counter's token, sent as `Authorization: Bearer <token>`.",
)


def _counter_for(request: Request, token: str | None) -> CounterAuth | None:
    if not token:
        return None
    return find_counter(central_of(request).tokens.values(), token)


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> CounterAuth:
    if credentials is None or not credentials.credentials:
        raise ApiError(
            401, "unauthorized", "Authorization: send the counter's token as 'Bearer <token>'"
        )
    counter = _counter_for(request, credentials.credentials)
    if counter is None:
        raise ApiError(
            401, "unauthorized", "Authorization: this token is not known here: check the token"
        )
    return counter


def _authenticated(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and _counter_for(request, token.strip()) is not None


Counter = Annotated[CounterAuth, Depends(authenticate)]


# --- error handlers --------------------------------------------------------------------


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:4]:
        loc = [str(part) for part in error.get("loc", ())]
        if error.get("type") == "json_invalid":
            parts.append("body: is not valid JSON")
            continue
        where = loc[1:] if len(loc) > 1 and loc[0] in _PARAM_SOURCES else loc
        parts.append(f"{'.'.join(where) or 'request'}: {scrub(str(error.get('msg', '')))}")
    return "; ".join(parts) or "request: is not valid"


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if request.url.path not in _UNAUTHENTICATED_PATHS and not _authenticated(request):
        return problem(
            request, 401, "unauthorized", "Authorization: send a known counter token as Bearer"
        )
    return problem(request, 422, "invalid_request", _validation_detail(exc))


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem(request, exc.status, exc.code, exc.detail)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # FastAPI's own 400 is a body it could not decode at all (bytes that are not
        # UTF-8): the same refusal as a body that is not JSON, documented as 422.
        if not _authenticated(request):
            return problem(
                request, 401, "unauthorized", "Authorization: send a known counter token as Bearer"
            )
        return problem(request, 422, "invalid_request", "body: is not valid JSON")
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = {
        404: f"{request.url.path}: no such endpoint (see /openapi.json)",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(exc.status_code, str(exc.detail))
    return problem(request, exc.status_code, code, detail)


async def _on_crash(request: Request, exc: Exception) -> Response:
    return problem(
        request, 500, "internal_error", "the central failed on this request: retry later"
    )


# --- endpoints -------------------------------------------------------------------------

UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or unknown counter token"}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "A parameter breaks a rule; detail names it"}
}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"model": Problem, "description": "This counter may not see that"}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Not known to the central"}
}

router = APIRouter(prefix="/v1")


@router.get("/health", response_model=Health, tags=["health"], summary="Is the central up")
def health(request: Request) -> Health:
    return Health(server_time=server_now(request), version=package_version())


@router.get(
    "/consumers/changes",
    response_model=ChangesResponse,
    responses={**UNAUTHORIZED, **INVALID},
    tags=["consumers"],
    summary="Consumer snapshots changed after a cursor (the counter's cache feed)",
)
def consumer_changes(
    request: Request,
    counter: Counter,
    cursor: Annotated[
        str, Query(description="next_cursor of the previous page; empty for the start")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES)] = DEFAULT_CHANGES,
) -> Response:
    if cursor and not _CURSOR.fullmatch(cursor):
        raise ApiError(
            422, "invalid_request", "cursor: must be the next_cursor of a reply, or empty"
        )
    rows = central_of(request).db.changes(int(cursor or 0), limit + 1, counter.discoms)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = str(rows[-1][0]) if rows else cursor
    body = (
        f'{{"server_time":{dumps(wire_time(server_now(request)))},'
        f'"records":[{",".join(snapshot for _, snapshot in rows)}],'
        f'"next_cursor":{dumps(next_cursor)},"has_more":{dumps(has_more)}}}'
    )
    return Response(body, media_type="application/json")


@router.get(
    "/consumers",
    response_model=ConsumerList,
    responses={**UNAUTHORIZED, **INVALID},
    tags=["consumers"],
    summary="Consumers registered with a mobile number",
)
def consumers_by_mobile(
    request: Request,
    counter: Counter,
    mobile: Annotated[str, Query(description="10 digits starting 6-9; +91 allowed")],
) -> Response:
    try:
        number = validate_mobile(mobile)
    except InvalidInput as exc:
        raise ApiError(422, "invalid_request", f"mobile: {scrub(exc.message)}") from None
    records = central_of(request).db.find_by_mobile(number, counter.discoms)
    body = (
        f'{{"server_time":{dumps(wire_time(server_now(request)))},"records":[{",".join(records)}]}}'
    )
    return Response(body, media_type="application/json")


@router.get(
    "/consumers/{discom}/{account_no}",
    response_model=ConsumerSnapshot,
    responses={**UNAUTHORIZED, **FORBIDDEN, **NOT_FOUND, **INVALID},
    tags=["consumers"],
    summary="One consumer: details, current bill, consumption, recent payments",
)
def consumer(request: Request, counter: Counter, discom: str, account_no: str) -> Response:
    code = canonical_discom(discom)
    if code is None:
        known = ", ".join(load_discoms())
        raise ApiError(422, "invalid_request", f"discom: is not known here: use one of {known}")
    if not counter.may_read(code):
        allowed = ", ".join(counter.discoms)
        raise ApiError(403, "forbidden", f"discom: this counter may read only {allowed}")
    try:
        number = validate_account_number(account_no, load_discoms()[code])
    except InvalidInput as exc:
        raise ApiError(422, "invalid_request", f"account_no: {scrub(exc.message)}") from None
    snapshot = central_of(request).db.get_snapshot_json(code, number)
    if snapshot is None:
        raise ApiError(404, "not_found", f"no {code} consumer with account number {number}")
    return Response(snapshot, media_type="application/json")


@router.post(
    "/events/batch",
    response_model=BatchResponse,
    responses={
        **UNAUTHORIZED,
        422: {
            "model": BatchResponse | Problem,
            "description": "Problem: the request itself is invalid (nothing was stored). "
            "BatchResponse: an event reused an event_id with other content "
            "(code event_id_conflict); the other events WERE processed.",
        },
    },
    tags=["events"],
    summary="Push up to 500 events; one result per event, in order",
)
def events_batch(
    request: Request, counter: Counter, batch: Annotated[BatchRequest, Body()]
) -> Response:
    now = server_now(request)
    outcome = ingest_batch(central_of(request).db, batch.events, counter, now)
    reply = BatchResponse(server_time=now, results=outcome.results)
    return Response(
        reply.model_dump_json(),
        status_code=422 if outcome.conflict else 200,
        media_type="application/json",
    )


@router.get(
    "/complaints/{complaint_no}",
    response_model=ComplaintStatus,
    responses={**UNAUTHORIZED, **NOT_FOUND, **INVALID},
    tags=["complaints"],
    summary="A complaint's status, by the central's number or the counter's local number",
)
def complaint_status(request: Request, counter: Counter, complaint_no: str) -> ComplaintStatus:
    row = central_of(request).db.find_complaint(complaint_no.strip(), counter.counter_id)
    if row is None:
        raise ApiError(404, "not_found", "complaint_no: no complaint with this number")
    return ComplaintStatus(
        complaint_no=row["complaint_no"],
        local_no=row["local_no"],
        status=row["status"],
        category=row["category"],
        account_no=row["account_no"],
        logged_at=row["logged_at"],
        updated_at=row["updated_at"],
    )


@router.get(
    "/counters/{counter_id}/summary",
    response_model=DaySummary,
    responses={**UNAUTHORIZED, **FORBIDDEN, **INVALID},
    tags=["counters"],
    summary="A counter's payments on one day (IST) as the central has them",
)
def counter_summary(
    request: Request,
    counter: Counter,
    counter_id: str,
    day: Annotated[
        str | None, Query(alias="date", description="YYYY-MM-DD (IST); default today")
    ] = None,
) -> DaySummary:
    if counter_id != counter.counter_id:
        raise ApiError(403, "forbidden", "counter_id: a counter may read only its own summary")
    wanted = ist_day(server_now(request)) if day is None else _parse_day(day)
    totals: dict[str, ModeTotal] = {}
    cancelled = 0
    for row in central_of(request).db.day_payments(counter_id, wanted.isoformat()):
        if row["cancelled"]:
            cancelled += int(row["n"])
        else:
            totals[row["mode"]] = ModeTotal(count=int(row["n"]), amount_paise=int(row["amount"]))
    return DaySummary(
        counter_id=counter_id,
        date=wanted,
        payments=sum(t.count for t in totals.values()),
        amount_paise=sum(t.amount_paise for t in totals.values()),
        cancelled=cancelled,
        by_mode=totals,
    )


def _parse_day(text: str) -> date:
    try:
        if _DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ApiError(422, "invalid_request", "date: must be a calendar day written YYYY-MM-DD")


# --- UPI collection requests -----------------------------------------------------------

UPI_CONFLICT: dict[int | str, dict[str, Any]] = {
    422: {
        "model": Problem,
        "description": "invalid_request: a field breaks a rule (detail names it); "
        "reference_conflict: the reference is already used for another payment",
    }
}
PAID_CONFLICT: dict[int | str, dict[str, Any]] = {
    422: {
        "model": Problem,
        "description": "invalid_request: the utr is not 12 digits; already_paid: the request "
        "was paid with another UTR; utr_conflict: that UTR already paid another request",
    }
}
_NO_INTENT = "reference: this counter has no UPI payment request with this reference"


def _upi_intent(row: Any) -> UpiIntent:
    return UpiIntent(
        reference=row["reference"],
        amount_paise=row["amount_paise"],
        status="pending" if row["utr"] is None else "paid",
        utr=row["utr"],
        paid_at=row["paid_at"],
    )


@router.post(
    "/upi/intents",
    response_model=UpiIntent,
    responses={**UNAUTHORIZED, **FORBIDDEN, **UPI_CONFLICT},
    tags=["upi"],
    summary="Register a UPI payment the counter expects (the tr of its dynamic QR)",
    description="Idempotent by `reference`: the same request again answers the stored "
    "intent (paid or not); the same reference with another discom, account, amount or "
    "counter is a 422 `reference_conflict`.",
)
def register_upi_intent(
    request: Request, counter: Counter, intent: Annotated[UpiIntentRequest, Body()]
) -> UpiIntent:
    code = canonical_discom(intent.discom)
    if code is None:
        known = ", ".join(load_discoms())
        raise ApiError(422, "invalid_request", f"discom: is not known here: use one of {known}")
    if not counter.may_read(code):
        allowed = ", ".join(counter.discoms)
        raise ApiError(403, "forbidden", f"discom: this counter may collect only for {allowed}")
    try:
        number = validate_account_number(intent.account_no, load_discoms()[code])
    except InvalidInput as exc:
        raise ApiError(422, "invalid_request", f"account_no: {scrub(exc.message)}") from None
    row = central_of(request).db.put_upi_intent(
        reference=intent.reference,
        counter_id=counter.counter_id,
        discom=code,
        account_no=number,
        amount_paise=intent.amount_paise,
        created_at=wire_time(server_now(request)),
    )
    if row is None:
        raise ApiError(
            422,
            "reference_conflict",
            "reference: is already used for another payment: make a new reference",
        )
    return _upi_intent(row)


@router.get(
    "/upi/intents/{reference}",
    response_model=UpiIntent,
    responses={**UNAUTHORIZED, **NOT_FOUND, **INVALID},
    tags=["upi"],
    summary="Has the counter's UPI payment request been paid (status, UTR, time)",
)
def upi_intent(request: Request, counter: Counter, reference: str) -> UpiIntent:
    row = central_of(request).db.upi_intent(reference, counter.counter_id)
    if row is None:
        raise ApiError(404, "not_found", _NO_INTENT)
    return _upi_intent(row)


@router.post(
    "/upi/intents/{reference}/paid",
    response_model=UpiIntent,
    responses={**UNAUTHORIZED, **NOT_FOUND, **PAID_CONFLICT},
    tags=["upi"],
    summary="DEMO/TEST ONLY: stand-in for the PSP's callback that a UPI request was paid",
    description="A real discom learns of a UPI payment from its PSP (the bank that runs "
    "its VPA), by the PSP's own authenticated callback, never from a counter. The "
    "reference server accepts it from the counter that registered the request so that "
    "demos and tests can play the customer's phone. Repeating it with the same UTR "
    "answers the same result.",
)
def upi_intent_paid(
    request: Request, counter: Counter, reference: str, paid: Annotated[UpiPaid, Body()]
) -> UpiIntent:
    outcome, row = central_of(request).db.mark_upi_paid(
        reference, counter.counter_id, paid.utr, wire_time(server_now(request))
    )
    if outcome == "not_found" or row is None:
        raise ApiError(404, "not_found", _NO_INTENT)
    if outcome == "already_paid":
        raise ApiError(422, "already_paid", "utr: this request was already paid with another UTR")
    if outcome == "utr_conflict":
        raise ApiError(422, "utr_conflict", "utr: this UTR already paid another request")
    return _upi_intent(row)


# --- the app ---------------------------------------------------------------------------


def create_app(
    db_path: Path, tokens: Mapping[str, CounterAuth], *, clock: Clock = utc_now
) -> FastAPI:
    """The central API over the SQLite file ``db_path`` (created if missing).

    ``tokens`` maps counter id -> :class:`CounterAuth`; ``clock`` returns an aware UTC
    datetime (tests pass a fixed one).
    """
    central = Central(CentralDB(db_path), check_tokens(tokens), clock)
    app = FastAPI(
        title="kiosk central",
        version=package_version(),
        description=(
            "Reference central API for kiosk counters: push events "
            "(`POST /v1/events/batch`), pull consumer snapshots "
            "(`GET /v1/consumers/changes`), look up consumers, complaints and day totals, "
            "and register UPI payment requests that the central confirms when paid. "
            f"Every reply carries `{SERVER_TIME_HEADER}` (UTC, ISO 8601); every error is a "
            "Problem `{code, detail, server_time}`."
        ),
    )
    app.state.central = central
    app.add_middleware(ServerTimeMiddleware, clock=clock)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_crash)
    app.include_router(router)
    return app
