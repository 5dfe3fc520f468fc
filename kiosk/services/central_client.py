"""Short questions to the central (a lookup refresh, a complaint's status, a UPI payment).

Records never go this way: they travel as outbox events. The one write here is a UPI
collection request, which is only a hint for the central (the operator can always type the
UTR instead). Every call has a short timeout, because an operator is waiting, and any
failure is one exception the caller falls back on.
"""

from __future__ import annotations

import logging
import ssl
import time
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from kiosk.domain.snapshot import ConsumerSnapshot
from offline_queue.tls import UNTRUSTED_CERTIFICATE, is_untrusted_certificate, require_verification


class _NoQueryInLogs(logging.Filter):
    """httpx logs every request's full URL (INFO), and a lookup by mobile carries the number
    in its query: log the path only, whatever level the logging is set to."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                arg.copy_with(query=None) if isinstance(arg, httpx.URL) and arg.query else arg
                for arg in record.args
            )
        return True


_HTTPX_LOG = logging.getLogger("httpx")
if not any(isinstance(f, _NoQueryInLogs) for f in _HTTPX_LOG.filters):
    _HTTPX_LOG.addFilter(_NoQueryInLogs())


# Lookup replies are a few kB (one consumer, a day's summary); far more is not the central.
MAX_REPLY_BYTES = 8 * 1024 * 1024


def _segment(value: str) -> str:
    """One path segment, whatever was typed: ``/``, ``..``, ``?`` and ``#`` cannot reach
    another of the central's routes or add a query."""
    return (
        quote(value, safe="")
        if value not in (".", "..")
        else quote(value, safe="").replace(".", "%2E")
    )


class CentralUnavailable(Exception):
    """The central did not answer usefully; use the local data instead."""


class CentralClient:
    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout_s: float = 1.5,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | None = None,
    ) -> None:
        """``verify``: the counter's TLS context for the central (the sync engine's too);
        None is httpx's default trust store. Checking cannot be turned off."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout_s = timeout_s
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
            verify=True if verify is None else require_verification(verify),
        )

    def close(self) -> None:
        self._client.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One exchange, whole within twice the timeout and at most MAX_REPLY_BYTES.

        httpx's timeout is per read: a peer dripping a byte a second would hold the
        operator for minutes, and a huge body would be read whole into memory.
        """
        deadline = time.monotonic() + 2 * self._timeout_s
        try:
            with self._client.stream(method, path, **kwargs) as response:
                content = bytearray()
                for chunk in response.iter_bytes():
                    content += chunk
                    if len(content) > MAX_REPLY_BYTES:
                        raise CentralUnavailable("the central's reply was too large to be real")
                    if time.monotonic() > deadline:
                        raise CentralUnavailable("no answer from the central in time")
        except httpx.HTTPError as exc:
            if is_untrusted_certificate(exc):
                raise CentralUnavailable(UNTRUSTED_CERTIFICATE) from None
            raise CentralUnavailable(f"no answer from the central ({type(exc).__name__})") from None
        # Decoded already: the headers stay behind, so no Content-Encoding is applied twice.
        return httpx.Response(response.status_code, content=bytes(content))

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any | None:
        response = self._send("GET", path, params=params)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise CentralUnavailable(f"the central answered HTTP {response.status_code}")
        return _json(response)

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = self._send("POST", path, json=body)
        if response.status_code != 200:
            raise CentralUnavailable(
                f"the central answered HTTP {response.status_code}{_problem_code(response)}"
            )
        return _json(response)

    def consumer(self, discom: str, account_no: str) -> ConsumerSnapshot | None:
        body = self._get(f"/v1/consumers/{_segment(discom)}/{_segment(account_no)}")
        return None if body is None else _snapshot(body)

    def consumers_by_mobile(self, mobile: str) -> list[ConsumerSnapshot]:
        body = self._get("/v1/consumers", {"mobile": mobile})
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            return []
        return [_snapshot(record) for record in body["records"]]

    def complaint(self, number: str) -> dict[str, Any] | None:
        body = self._get(f"/v1/complaints/{_segment(number)}")
        if body is not None and not isinstance(body, dict):
            raise CentralUnavailable("the central's reply could not be read")
        return body

    def day_summary(self, counter_id: str, day: date) -> dict[str, Any]:
        body = self._get(f"/v1/counters/{_segment(counter_id)}/summary", {"date": day.isoformat()})
        if not isinstance(body, dict):
            raise CentralUnavailable("the central has no summary for that day")
        return body

    def register_upi_intent(
        self, reference: str, discom: str, account_no: str, amount_paise: int
    ) -> dict[str, Any]:
        """Tell the central a UPI payment is expected under ``reference`` (the QR's ``tr``).

        Idempotent: the same request again answers the stored state. A refusal (e.g. the
        reference is taken by another payment) raises CentralUnavailable like no answer.
        """
        body = self._post(
            "/v1/upi/intents",
            {
                "reference": reference,
                "discom": discom,
                "account_no": account_no,
                "amount_paise": amount_paise,
            },
        )
        return _intent(body)

    def upi_intent(self, reference: str) -> dict[str, Any] | None:
        """``{reference, amount_paise, status, utr, paid_at}``; None when the central does
        not know this counter's request."""
        body = self._get(f"/v1/upi/intents/{_segment(reference)}")
        return None if body is None else _intent(body)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested past any sense
        raise CentralUnavailable("the central's reply could not be read") from None


def _intent(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("status") not in ("pending", "paid"):
        raise CentralUnavailable("the central's reply could not be read")
    return body


def _problem_code(response: httpx.Response) -> str:
    """``" (reference_conflict)"`` from a Problem reply, or nothing."""
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError, RecursionError):
        return ""
    return f" ({code})" if isinstance(code, str) and code.isidentifier() else ""


def _snapshot(body: Any) -> ConsumerSnapshot:
    try:
        return ConsumerSnapshot.model_validate(body)
    except ValidationError:
        raise CentralUnavailable("the central sent consumer data that does not check out") from None
