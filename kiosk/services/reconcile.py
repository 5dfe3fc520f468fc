"""The day's payments here against the central's day summary for this counter.

The central's summary (``GET /v1/counters/{id}/summary?date=``) gives counts and paise by
mode and a count of cancelled payments, nothing per receipt. So the comparison is made in
two steps:

1. Receipt by receipt, from this counter's side: a payment whose event has not reached
   the central yet, or that the central refused, is missing there; a cancellation that
   has not reached it (or was refused) leaves the payment counted there as valid.
2. By mode, count and paise: what the central should hold, given step 1, against what it
   says it holds. What is left over is a real difference: the central counts payments
   this counter does not know ("unknown here") or lacks payments it confirmed
   ("missing at the central").

Offline (no central set, the sync engine finds it down, or it does not answer) nothing
is compared and the result says why. Read only: nothing is written.
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from kiosk.services.central_client import CentralClient, CentralUnavailable
from kiosk.services.counter import Counter
from kiosk.services.day_export import DayPayment, check_day, day_payments
from kiosk.services.roles import require_role

Unreachable = Literal["no_central", "offline", "no_answer"]
# Why one receipt stands differently at the central than here.
Reason = Literal["not_synced", "refused", "cancel_not_synced", "cancel_refused"]


@dataclass(frozen=True, slots=True)
class ModeCheck:
    """One mode: valid payments here, what the central should hold, and what it holds."""

    mode: str
    local_count: int
    local_paise: int
    expected_count: int  # what the central should count, given what reached it
    expected_paise: int
    central_count: int
    central_paise: int

    @property
    def matches(self) -> bool:
        return (self.local_count, self.local_paise) == (self.central_count, self.central_paise)

    @property
    def unexplained_count(self) -> int:
        """Above 0: the central counts payments unknown here; below 0: it lacks some."""
        return self.central_count - self.expected_count

    @property
    def unexplained_paise(self) -> int:
        return self.central_paise - self.expected_paise


@dataclass(frozen=True, slots=True)
class ReceiptDifference:
    receipt_no: str
    mode: str
    amount_paise: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class Reconciliation:
    day: date
    unreachable: Unreachable | None = None  # set when nothing could be compared
    modes: tuple[ModeCheck, ...] = ()
    local_cancelled: int = 0
    central_cancelled: int = 0
    expected_cancelled: int = 0
    receipts: tuple[ReceiptDifference, ...] = ()

    @property
    def compared(self) -> bool:
        return self.unreachable is None

    @property
    def unexplained(self) -> tuple[ModeCheck, ...]:
        """Modes where the central differs by more than the receipts listed explain."""
        return tuple(m for m in self.modes if m.unexplained_count or m.unexplained_paise)

    @property
    def all_match(self) -> bool:
        return (
            self.compared
            and all(m.matches for m in self.modes)
            and self.local_cancelled == self.central_cancelled
            and not self.receipts
        )

    @property
    def local_count(self) -> int:
        return sum(m.local_count for m in self.modes)

    @property
    def local_paise(self) -> int:
        return sum(m.local_paise for m in self.modes)

    @property
    def central_count(self) -> int:
        return sum(m.central_count for m in self.modes)

    @property
    def central_paise(self) -> int:
        return sum(m.central_paise for m in self.modes)


def reconcile_day(
    counter: Counter,
    operator_id: str,
    *,
    day: date | None = None,
    central: CentralClient | None = None,
) -> Reconciliation:
    """Compare ``day`` (today by default) here and at the central; see the module."""
    require_role(counter, operator_id, "day.reconcile")
    wanted = check_day(counter, day)
    if central is None:
        return Reconciliation(day=wanted, unreachable="no_central")
    if not counter.is_online():
        return Reconciliation(day=wanted, unreachable="offline")
    try:
        summary = _summary(central.day_summary(counter.counter_id, wanted))
    except CentralUnavailable:
        return Reconciliation(day=wanted, unreachable="no_answer")
    if summary is None:
        return Reconciliation(day=wanted, unreachable="no_answer")
    by_mode, central_cancelled = summary
    return compare(wanted, day_payments(counter, wanted), by_mode, central_cancelled)


def compare(
    day: date,
    payments: list[DayPayment],
    central_by_mode: dict[str, tuple[int, int]],
    central_cancelled: int,
) -> Reconciliation:
    """The comparison itself (pure: the payments here and the central's figures)."""
    local: Tally[str] = Tally()
    local_paise: Tally[str] = Tally()
    expected: Tally[str] = Tally()
    expected_paise: Tally[str] = Tally()
    differences: list[ReceiptDifference] = []
    expected_cancelled = 0
    for p in payments:
        if p.status == "active":
            local[p.mode] += 1
            local_paise[p.mode] += p.amount_paise
        if p.sync != "synced":
            reason: Reason = "not_synced" if p.sync == "pending" else "refused"
            differences.append(ReceiptDifference(p.receipt_no, p.mode, p.amount_paise, reason))
            continue
        if p.status == "cancelled" and p.cancel_sync != "synced":
            reason = "cancel_not_synced" if p.cancel_sync == "pending" else "cancel_refused"
            differences.append(ReceiptDifference(p.receipt_no, p.mode, p.amount_paise, reason))
        if p.status == "active" or p.cancel_sync != "synced":
            expected[p.mode] += 1
            expected_paise[p.mode] += p.amount_paise
        else:
            expected_cancelled += 1
    modes = sorted(set(local) | set(expected) | set(central_by_mode))
    checks = tuple(
        ModeCheck(
            mode=mode,
            local_count=local[mode],
            local_paise=local_paise[mode],
            expected_count=expected[mode],
            expected_paise=expected_paise[mode],
            central_count=central_by_mode.get(mode, (0, 0))[0],
            central_paise=central_by_mode.get(mode, (0, 0))[1],
        )
        for mode in modes
    )
    return Reconciliation(
        day=day,
        modes=checks,
        local_cancelled=sum(1 for p in payments if p.status == "cancelled"),
        central_cancelled=central_cancelled,
        expected_cancelled=expected_cancelled,
        receipts=tuple(differences),
    )


def _summary(body: dict[str, Any]) -> tuple[dict[str, tuple[int, int]], int] | None:
    """The central's ``by_mode`` and ``cancelled``; None when the reply is not one."""
    by_mode = body.get("by_mode")
    cancelled = body.get("cancelled", 0)
    if not isinstance(by_mode, dict) or not _whole(cancelled):
        return None
    figures: dict[str, tuple[int, int]] = {}
    for mode, total in by_mode.items():
        if not isinstance(total, dict):
            return None
        count, paise = total.get("count"), total.get("amount_paise")
        if not _whole(count) or not _whole(paise):
            return None
        figures[str(mode)] = (int(count), int(paise))
    return figures, int(cancelled)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
