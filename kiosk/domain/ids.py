"""Validators for the identifiers an operator types at the counter.

Each takes what was typed, tolerates the usual spacing and prefixes, and returns the
normalised value, or raises :class:`InvalidInput` naming the field and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field
from stdnum.in_ import aadhaar as stdnum_aadhaar

from kiosk.domain.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s\-]+")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text.strip()) if isinstance(text, str) else ""


def _digits(text: str, field: str, length: int, what: str) -> str:
    value = _compact(text)
    if not value:
        raise InvalidInput(field, f"is empty: type the {length}-digit {what}")
    if not _DIGITS.fullmatch(value):
        raise InvalidInput(field, f"must contain only digits, got {text!r}")
    if len(value) != length:
        raise InvalidInput(field, f"must be {length} digits, got {len(value)}")
    return value


class Discom(BaseModel):
    """A distribution company and its account-number rules, as the data file gives them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Za-z0-9]{1,15}$")
    name: str = Field(min_length=1)
    name_hi: str = ""
    state: str = Field(min_length=2)
    account_lengths: tuple[int, ...] = Field(min_length=1)


def validate_account_number(text: str, discom: Discom | None = None) -> str:
    """An account (connection) number: digits only, a length the discom uses.

    Without a discom, any length UPPCL uses (10, or 12 for consumer numbers) is accepted.
    """
    lengths: Iterable[int] = discom.account_lengths if discom else (10, 12)
    value = _compact(text)
    if value and _DIGITS.fullmatch(value) and len(value) in lengths:
        return value  # the usual case: no message to build
    allowed = " or ".join(str(n) for n in sorted(lengths))
    where = f" for {discom.code}" if discom else ""
    if not value:
        raise InvalidInput("account number", f"is empty: type the {allowed}-digit number")
    if not _DIGITS.fullmatch(value):
        raise InvalidInput("account number", f"must contain only digits, got {text!r}")
    raise InvalidInput("account number", f"must be {allowed} digits{where}, got {len(value)}")


def validate_mobile(text: str) -> str:
    """An Indian mobile: 10 digits starting 6-9; ``+91``, ``91`` or ``0`` in front is fine."""
    value = _compact(text)
    if value.startswith("+91"):
        value = value[3:]
    elif value.startswith("0091"):
        value = value[4:]
    elif len(value) == 12 and value.startswith("91"):
        value = value[2:]
    elif len(value) == 11 and value.startswith("0"):
        value = value[1:]
    value = _digits(value, "mobile", 10, "mobile number")
    if value[0] not in "6789":
        raise InvalidInput("mobile", f"must start with 6, 7, 8 or 9, got {value[0]}")
    return value


def mask_aadhaar(text: str) -> str:
    """Check an Aadhaar number (12 digits, Verhoeff check digit) and return ONLY the masked form.

    The full number is never returned, so it cannot be stored by mistake (UIDAI rule).
    """
    value = _compact(text)
    if not value:
        raise InvalidInput("aadhaar", "is empty: type the 12-digit Aadhaar number")
    if not _DIGITS.fullmatch(value):
        raise InvalidInput("aadhaar", "must contain only digits")
    if len(value) != 12:
        raise InvalidInput("aadhaar", f"must be 12 digits, got {len(value)}")
    try:
        stdnum_aadhaar.validate(value)
    except stdnum_aadhaar.InvalidChecksum:
        raise InvalidInput("aadhaar", "check digit does not match: a digit is mistyped") from None
    except stdnum_aadhaar.ValidationError:
        raise InvalidInput(
            "aadhaar", "is not a valid Aadhaar number: check it against the card"
        ) from None
    return stdnum_aadhaar.mask(value)


_MASKED_AADHAAR = re.compile(r"XXXX XXXX [0-9]{4}", re.ASCII)


def is_masked_aadhaar(text: str) -> bool:
    """True only for the stored form ``XXXX XXXX 1234``."""
    return bool(_MASKED_AADHAAR.fullmatch(text))


_VPA = re.compile(r"[a-z0-9][a-z0-9._\-]{1,255}@[a-z][a-z0-9]{1,63}", re.ASCII)


def validate_vpa(text: str) -> str:
    """A UPI virtual payment address (``name@bank``), lower-cased."""
    value = text.strip().lower() if isinstance(text, str) else ""
    if not value:
        raise InvalidInput("UPI ID", "is empty: type an address such as name@bank")
    if value.count("@") != 1:
        raise InvalidInput("UPI ID", f"must have one @ between name and bank, got {text!r}")
    if not _VPA.fullmatch(value):
        raise InvalidInput(
            "UPI ID",
            "must be letters, digits, '.', '-' or '_' before @ and a bank handle after, "
            f"got {text!r}",
        )
    return value


def validate_utr(text: str) -> str:
    """The UPI reference (UTR / RRN) the consumer's app shows: 12 digits."""
    return _digits(text, "UPI reference", 12, "UPI reference (UTR)")


def validate_cheque_number(text: str) -> str:
    """A cheque or DD number: the 6 digits printed on the leaf."""
    return _digits(text, "cheque number", 6, "cheque number")


def validate_pincode(text: str) -> str:
    """An Indian PIN code: 6 digits, the first not 0."""
    value = _digits(text, "pincode", 6, "PIN code")
    if value[0] == "0":
        raise InvalidInput("pincode", "cannot start with 0")
    return value
