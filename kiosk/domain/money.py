"""Money as integer paise: parsing what an operator types, formatting, and amounts in words.

Floats never touch money. Operator input goes through :func:`parse_amount`; display goes
through :func:`format_inr` (babel, ``en_IN`` grouping) and the words functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import NewType

from kiosk.domain.errors import InvalidInput
from kiosk.domain.words_hi import hindi_number

Paise = NewType("Paise", int)

PAISE_PER_RUPEE = 100
# 99,99,99,999 paise = Rs 99,99,999.99, just under one crore: the largest amount the
# counter accepts or prints. Anything above is a typing slip at a bill counter.
MAX_PAISE = Paise(99_99_99_999)

_CURRENCY_PREFIX = re.compile(r"^(?:₹|rs\.?|inr)\s*", re.IGNORECASE)
# "100/-" is how amounts are written on Indian forms and cheques.
_FORM_SUFFIX = re.compile(r"\s*/-$")
# Plain digits, western grouping (1,234,567) or Indian grouping (12,34,567); a grouped
# number does not start with 0.
_INTEGER_PART = re.compile(r"^(?:\d+|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d?(?:,\d{2})*,\d{3})$", re.ASCII)
_MAX_TYPED = 32
_FRACTION_PART = re.compile(r"^\d*$", re.ASCII)


def paise(rupees: int | str | Decimal) -> Paise:
    """Exact conversion of a rupee figure written in code or data (``"3.35"`` -> 335)."""
    try:
        value = Decimal(str(rupees))
    except ArithmeticError:
        raise InvalidInput("amount", f"is not an amount in rupees: {rupees!r}") from None
    if not value.is_finite() or value < 0:
        raise InvalidInput("amount", f"must be a finite amount of 0 or more: {rupees!r}")
    scaled = value * PAISE_PER_RUPEE
    if scaled != scaled.to_integral_value():
        raise InvalidInput("amount", f"has more than 2 decimal places: {rupees}")
    return Paise(int(scaled))


def parse_amount(text: str, field: str = "amount") -> Paise:
    """Turn what the operator typed (``1,234.50``, ``1234``, ``₹ 99.5``) into paise.

    Refuses negatives, more than two decimals, misplaced commas and anything that is not
    a number, each with a message that says which rule was broken.
    """
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        raise InvalidInput(field, "is empty: type an amount such as 1250 or 1,250.50")
    if len(raw) > _MAX_TYPED:
        raise InvalidInput(field, f"is too long for an amount ({len(raw)} characters)")
    body = _FORM_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", raw).strip())
    if body.startswith("-") or body.startswith("−"):
        raise InvalidInput(field, f"must not be negative, got {raw!r}")
    if body.startswith("+"):
        body = body[1:]
    whole, dot, fraction = body.partition(".")
    if dot and not whole and fraction:
        whole = "0"  # ".50" is fifty paise
    if not _INTEGER_PART.fullmatch(whole) or not _FRACTION_PART.fullmatch(fraction):
        raise InvalidInput(field, f"is not an amount in rupees, got {raw!r}")
    if len(fraction) > 2:
        raise InvalidInput(field, f"has more than 2 decimal places (paise), got {raw!r}")
    rupees = int(whole.replace(",", ""))
    amount = rupees * PAISE_PER_RUPEE + int(fraction.ljust(2, "0") or "0")
    if amount > MAX_PAISE:
        raise InvalidInput(field, f"must be at most {format_inr(MAX_PAISE)}, got {raw!r}")
    return Paise(amount)


def to_decimal(amount: int) -> Decimal:
    """Paise as an exact rupee Decimal with two places (for display and wire formats)."""
    return (Decimal(amount) / PAISE_PER_RUPEE).quantize(Decimal("0.01"))


CASH_LIMIT_269ST = Paise(2_00_000_00)


def check_cash_limit(
    cash_today_paise: int, new_cash_paise: int, limit_paise: int = CASH_LIMIT_269ST
) -> None:
    """Refuse cash that would bring one consumer's day to the legal limit or above.

    Income Tax Act s.269ST forbids receiving Rs 2,00,000 or more in cash from one person
    in a day; a counter may set a lower limit, never a higher one.
    """
    limit = min(limit_paise, CASH_LIMIT_269ST)
    if cash_today_paise + new_cash_paise >= limit:
        raise InvalidInput(
            "amount",
            f"cash of {format_inr(limit)} or more from one consumer in a day is not allowed "
            f"(already {format_inr(cash_today_paise)} today; Income Tax Act s.269ST): "
            "take UPI, cheque or card for this payment",
        )


def format_inr(amount: int) -> str:
    """``₹1,23,456.50``: Indian digit grouping, always two decimals."""
    from babel.numbers import format_currency  # here, not at the top: it slows start-up

    text = format_currency(to_decimal(abs(amount)), "INR", locale="en_IN")
    return f"-{text}" if amount < 0 else text


def format_rupees_ascii(amount: int) -> str:
    """``Rs. 1,23,456.50`` for places that cannot show the rupee sign (ESC/POS text mode)."""
    return "Rs. " + format_inr(amount).replace("₹", "")


def _check_words_range(amount: int) -> None:
    if not 0 <= amount <= MAX_PAISE:
        raise InvalidInput("amount", f"must be between 0 and {MAX_PAISE} paise, got {amount}")


def _in_words(
    amount: int,
    number: Callable[[int], str],
    rupee: tuple[str, str],
    paisa: tuple[str, str],
    joiner: str,
    closing: str,
) -> str:
    """Rupees, then paise, each left out when zero (but never both); singular for one."""
    _check_words_range(amount)
    rupees, rest = divmod(amount, PAISE_PER_RUPEE)
    parts = []
    if rupees or not rest:
        parts.append(f"{number(rupees)} {rupee[rupees != 1]}")
    if rest:
        parts.append(f"{number(rest)} {paisa[rest != 1]}")
    return joiner.join(parts) + closing


def _english_number(n: int) -> str:
    from num2words import num2words  # here, not at the top: it slows start-up

    return str(num2words(n, lang="en_IN"))


def amount_in_words_en(amount: int) -> str:
    """Indian English words: ``one lakh, ... rupees and fifty paise only``."""
    return _in_words(
        amount,
        _english_number,
        ("rupee", "rupees"),
        ("paisa", "paise"),
        " and ",
        " only",
    )


def amount_in_words_hi(amount: int) -> str:
    """Hindi words: ``एक लाख ... रुपये और पचास पैसे मात्र``."""
    return _in_words(amount, hindi_number, ("रुपया", "रुपये"), ("पैसा", "पैसे"), " और ", " मात्र")
