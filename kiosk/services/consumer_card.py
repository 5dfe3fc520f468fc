"""What the consumer card shows beyond the snapshot: payments and the relief-scheme hint.

The snapshot carries the payments the central knew when it was sent; payments taken at
this counter since then (not yet synced, or synced after the snapshot) live only in the
counter's own table. The card shows both, each once, so the operator sees a payment
taken an hour ago even when the counter has been offline all day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.services.counter import Counter
from kiosk.services.dues import outstanding_paise
from kiosk.services.errors import NotFound
from kiosk.services.scheme import SchemeRequest, scheme_view

LAST_PAYMENTS = 5


@dataclass(frozen=True, slots=True)
class PaymentLine:
    receipt_no: str
    paid_on: date
    amount_paise: int
    mode: str
    # Taken at this counter (known from its own records, whether synced yet or not).
    here: bool
    purpose: str = "bill"


@dataclass(frozen=True, slots=True)
class ReliefHint:
    """Eligible or not, with the first reason as a code the screen words in its language
    and how many more reasons the scheme screen lists."""

    eligible: bool
    reason: str  # eligible | registered | unknown | a scheme Reason code: category | load
    #              | not_open | closed | between_phases | no_arrears | compounding | case_rc
    #              | theft_assessment | other
    values: dict[str, str] = field(default_factory=dict)
    more: int = 0


@dataclass(frozen=True, slots=True)
class CardDetails:
    outstanding_paise: int
    payments: tuple[PaymentLine, ...]
    relief: ReliefHint | None


def card_details(counter: Counter, snapshot: ConsumerSnapshot) -> CardDetails:
    """Everything the card needs that comes from this counter's records, as of now."""
    outstanding = outstanding_paise(counter, snapshot)
    return CardDetails(
        outstanding_paise=outstanding,
        payments=last_payments(counter, snapshot),
        relief=relief_hint(counter, snapshot),
    )


def last_payments(
    counter: Counter, snapshot: ConsumerSnapshot, *, limit: int = LAST_PAYMENTS
) -> tuple[PaymentLine, ...]:
    """The newest payments: this counter's (not cancelled) and the central's, each once."""
    discom, account_no = snapshot.key
    rows = counter.conn.execute(
        "SELECT receipt_no, day, amount_paise, mode, purpose FROM payments"
        " WHERE discom = ? AND account_no = ? AND status = 'active'"
        " ORDER BY recorded_at DESC LIMIT ?",
        (discom, account_no, limit),
    ).fetchall()
    lines = [
        PaymentLine(row[0], date.fromisoformat(row[1]), int(row[2]), row[3], True, row[4])
        for row in rows
    ]
    mine = {line.receipt_no for line in lines}
    lines += [
        PaymentLine(p.receipt_no, p.paid_on, p.amount_paise, p.mode, False)
        for p in snapshot.recent_payments
        if p.receipt_no not in mine
    ]
    # Newest day first; on one day this counter's own come first (they are the newest news).
    lines.sort(key=lambda line: (line.paid_on, line.here), reverse=True)
    return tuple(lines[:limit])


def opening_case(snapshot: ConsumerSnapshot) -> str:
    """The case the scheme screen (S) opens with: RC for a connection under a Recovery
    Certificate, else normal (a disconnected connection's normal case is "disconnected")."""
    return "rc" if snapshot.consumer.status == "rc" else "normal"


def relief_hint(counter: Counter, snapshot: ConsumerSnapshot) -> ReliefHint | None:
    """One line about the relief scheme, from the scheme service's own view (the one the
    scheme screen shows on S), so the two never disagree: the full quote and every reason
    are the scheme screen's job. None when the consumer is not in this counter's data."""
    discom, account_no = snapshot.key
    request = SchemeRequest(
        discom=discom,
        account_no=account_no,
        option="",
        id_proof_type="",
        id_proof_number="",
        mobile="",
        operator_id="",
        case=opening_case(snapshot),
    )
    try:
        view = scheme_view(counter, request)
    except NotFound:
        return None
    if view.registration is not None:
        return ReliefHint(False, "registered", {"number": view.registration.number})
    quote = view.quote
    if quote.eligible:
        ends = quote.phase_ends
        return ReliefHint(
            True,
            "eligible",
            {"phase": str(quote.phase or ""), "until": f"{ends:%d.%m.%Y}" if ends else ""},
        )
    if not view.reasons:
        return ReliefHint(False, "unknown")
    first, *rest = view.reasons
    return ReliefHint(False, first.code, dict(first.values), more=len(rest))
