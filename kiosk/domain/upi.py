"""``upi://pay`` links for dynamic QR codes (amount filled in, one reference per payment).

Rules (NPCI's linking spec as counters use it): ``pa`` and ``pn`` are mandatory, ``tr`` is
mandatory for a merchant's dynamic QR and holds letters, digits, ``-`` and ``_``; ``am`` has
two decimals; ``tn`` is kept to 50 characters. Values are percent-encoded (spaces as
``%20``: some UPI apps show a ``+`` literally).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit

from pydantic import BaseModel, ConfigDict

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import validate_vpa
from kiosk.domain.money import MAX_PAISE, format_inr, parse_amount, to_decimal

MAX_NOTE = 50
MAX_REFERENCE = 35
MAX_PAYEE_NAME = 99
_REFERENCE = re.compile(r"[A-Za-z0-9_\-]+", re.ASCII)


class UpiPayment(BaseModel):
    """What a ``upi://pay`` link asks a payer's app to do."""

    model_config = ConfigDict(frozen=True)

    payee_vpa: str
    payee_name: str
    amount_paise: int | None
    reference: str | None
    note: str | None
    currency: str = "INR"


def build_upi_link(
    *,
    payee_vpa: str,
    payee_name: str,
    amount_paise: int,
    reference: str,
    note: str = "",
) -> str:
    """A dynamic-QR payment link; every argument is checked before anything is encoded."""
    vpa = validate_vpa(payee_vpa)
    name = " ".join(payee_name.split()) if isinstance(payee_name, str) else ""
    if not name:
        raise InvalidInput("payee name", "is required in a UPI link")
    if len(name) > MAX_PAYEE_NAME:
        raise InvalidInput("payee name", f"must be at most {MAX_PAYEE_NAME} characters")
    if isinstance(amount_paise, bool) or not isinstance(amount_paise, int):
        raise InvalidInput("amount", f"must be whole paise, got {amount_paise!r}")
    if not 0 < amount_paise <= MAX_PAISE:
        raise InvalidInput(
            "amount", f"must be more than ₹0 and at most {format_inr(MAX_PAISE)} for UPI"
        )
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise InvalidInput(
            "reference", f"must be letters, digits, '-' or '_' only, got {reference!r}"
        )
    if len(reference) > MAX_REFERENCE:
        raise InvalidInput("reference", f"must be at most {MAX_REFERENCE} characters")
    if not isinstance(note, str):
        raise InvalidInput("note", f"must be text, got {type(note).__name__}")
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise InvalidInput("note", f"must be at most {MAX_NOTE} characters, got {len(note)}")
    params = [
        ("pa", vpa),
        ("pn", name),
        ("am", f"{to_decimal(amount_paise):.2f}"),
        ("cu", "INR"),
        ("tr", reference),
    ]
    if note:
        params.append(("tn", note))
    return "upi://pay?" + "&".join(f"{k}={quote(v, safe='@.-_')}" for k, v in params)


def parse_upi_link(link: str) -> UpiPayment:
    """Read a ``upi://pay`` link back (to check what a QR code says)."""
    if not isinstance(link, str):  # urlsplit takes None and bytes without complaint
        raise InvalidInput("UPI link", "is not a link")
    try:
        parts = urlsplit(link)
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput("UPI link", "is not a link") from None
    if parts.scheme != "upi" or parts.netloc != "pay":
        raise InvalidInput("UPI link", f"must start with upi://pay, got {link[:20]!r}")
    fields = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "pa" not in fields or "pn" not in fields:
        raise InvalidInput("UPI link", "must carry pa (payee UPI ID) and pn (payee name)")
    amount = fields.get("am")
    return UpiPayment(
        payee_vpa=fields["pa"],
        payee_name=fields["pn"],
        amount_paise=parse_amount(amount, field="am") if amount else None,
        reference=fields.get("tr"),
        note=fields.get("tn"),
        currency=fields.get("cu", "INR"),
    )
