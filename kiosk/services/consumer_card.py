"""What the consumer card shows beyond the snapshot: payments and the relief-scheme hint.

The snapshot carries the payments the central knew when it was sent; payments taken at
this counter since then (not yet synced, or synced after the snapshot) live only in the
counter's own table. The card shows both, each once, so the operator sees a payment
taken an hour ago even when the counter has been offline all day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kiosk.domain.relief import as_case, base_category, category_label
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.services.counter import Counter
from kiosk.services.dues import outstanding_paise

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
    """Eligible or not, with the main reason as a code the screen words in its language."""

    eligible: bool
    reason: str  # eligible | registered | category | load | not_open | closed | between_phases
    #                | no_arrears | other
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CardDetails:
    outstanding_paise: int
    payments: tuple[PaymentLine, ...]
    relief: ReliefHint


def card_details(counter: Counter, snapshot: ConsumerSnapshot) -> CardDetails:
    """Everything the card needs that comes from this counter's records, as of now."""
    outstanding = outstanding_paise(counter, snapshot)
    return CardDetails(
        outstanding_paise=outstanding,
        payments=last_payments(counter, snapshot),
        relief=relief_hint(counter, snapshot, outstanding),
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


def relief_hint(counter: Counter, snapshot: ConsumerSnapshot, outstanding: int) -> ReliefHint:
    """One line about the relief scheme: the full quote is the scheme screen's job."""
    scheme = counter.scheme
    consumer, bill = snapshot.consumer, snapshot.bill
    discom, account_no = snapshot.key
    earlier = counter.conn.execute(
        "SELECT local_no FROM scheme_registrations WHERE discom = ? AND account_no = ?"
        " AND scheme_code = ?",
        (discom, account_no, scheme.code),
    ).fetchone()
    if earlier is not None:
        return ReliefHint(False, "registered", {"number": earlier[0]})
    # What is still owed, split as the scheme service splits it (a bill paid in full
    # leaves no surcharge to settle either).
    surcharge = min(bill.surcharge_paise if bill else 0, outstanding)
    principal = outstanding - surcharge
    case = as_case(consumer.status if consumer.status != "active" else "normal")
    quote = scheme.quote(
        principal_paise=principal,
        surcharge_paise=surcharge,
        registered_on=counter.today(),
        category=consumer.category,
        load_kw=consumer.load_kw,
        case=case,
    )
    if quote.eligible:
        ends = quote.phase_ends
        return ReliefHint(
            True,
            "eligible",
            {"phase": str(quote.phase or ""), "until": f"{ends:%d.%m.%Y}" if ends else ""},
        )
    return ReliefHint(False, *_main_reason(counter, snapshot, outstanding, quote.reasons))


def _main_reason(
    counter: Counter, snapshot: ConsumerSnapshot, dues: int, reasons: list[str]
) -> tuple[str, dict[str, str]]:
    """The first rule the consumer fails, in the scheme's own order, as a code and values."""
    scheme = counter.scheme
    consumer = snapshot.consumer
    today = counter.today()
    base = base_category(consumer.category)
    limit = scheme.eligibility.max_load_kw.get(base)
    load = Decimal(consumer.load_kw)
    if limit is None:
        return "category", {"category": category_label(base)}
    if load > limit:
        return "load", {
            "load": f"{load.normalize():f}",
            "limit": f"{limit.normalize():f}",
            "category": category_label(base),
        }
    if today < scheme.opens:
        return "not_open", {"date": f"{scheme.opens:%d.%m.%Y}"}
    if today > scheme.closes:
        return "closed", {"date": f"{scheme.closes:%d.%m.%Y}"}
    if scheme.phase_on(today) is None:
        return "between_phases", {}
    if dues == 0:
        return "no_arrears", {}
    return "other", {"detail": reasons[0] if reasons else ""}
