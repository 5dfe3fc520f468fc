"""Prepaid smart-meter recharge: money taken as a payment, plus the meter credit event.

Also what the recharge screen shows before the money is taken: the meter's balance (the
central's figure when it answers, else the cached one with its age) and the last recharge
this counter made for the consumer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.domain.errors import InvalidInput
from kiosk.domain.models import Recharge
from kiosk.domain.money import Paise, format_inr, parse_amount
from kiosk.printer.documents import RechargeDoc
from kiosk.services.central_client import CentralClient
from kiosk.services.counter import Counter
from kiosk.services.errors import NotFound
from kiosk.services.lookup import Lookup, find_account
from kiosk.services.payments import PaymentRequest, PaymentResult, prepare_payment, write_payment
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, operator_action, validated
from kiosk.services.roles import require_role
from kiosk.store.consumers import get_by_account

if TYPE_CHECKING:
    from kiosk.services.payments import _Prepared

PRESETS_PAISE = (100_00, 500_00, 1000_00)
# A meter is credited for weeks, not years: a larger figure is nearly always a slip of the
# finger (an extra zero), so it is refused rather than confirmed. Not from any UPPCL order.
MAX_RECHARGE_PAISE = Paise(50_000_00)


@dataclass(frozen=True, slots=True)
class RechargeResult:
    payment: PaymentResult
    event_id: str


@dataclass(frozen=True, slots=True)
class LastRecharge:
    """The latest recharge this counter took for the consumer (a cancelled one is not)."""

    receipt_no: str
    amount_paise: int
    recorded_at: datetime
    synced: bool  # the central has the recharge event


@dataclass(frozen=True, slots=True)
class RechargeStatus:
    """What the recharge screen shows before the money is taken."""

    lookup: Lookup  # source "central" (live) or "cache" (offline: with its age)
    balance_paise: int | None  # None: neither the central nor the cache knows it
    last: LastRecharge | None

    @property
    def prepaid(self) -> bool:
        return self.lookup.snapshot.consumer.meter_type == "prepaid"

    @property
    def live(self) -> bool:
        return self.lookup.source == "central"

    @property
    def negative(self) -> bool:
        """On emergency credit: the meter may cut the supply by itself."""
        return self.balance_paise is not None and self.balance_paise < 0


def recharge_amount(text: str) -> Paise:
    """What the operator typed, as a recharge amount: more than zero, at most the cap."""
    amount = parse_amount(text, "amount")
    check_recharge_amount(amount)
    return amount


def check_recharge_amount(amount: int) -> None:
    if amount <= 0:
        raise InvalidInput("amount", "must be more than ₹0.00")
    if amount > MAX_RECHARGE_PAISE:
        raise InvalidInput("amount", f"a recharge must be at most {format_inr(MAX_RECHARGE_PAISE)}")


def recharge_status(
    counter: Counter, discom: str, account_no: str, *, central: CentralClient | None = None
) -> RechargeStatus:
    """The balance from the central when it answers (the cache is refreshed with it), else
    the cached balance; and this counter's last recharge for the consumer."""
    found = find_account(counter, discom, account_no, central=central)
    if found is None:
        raise NotFound(f"no consumer {discom} {account_no} at the central or in the cache")
    key_discom, key_account = found.snapshot.key
    row = counter.conn.execute(
        "SELECT r.receipt_no, r.amount_paise, r.recorded_at,"
        " COALESCE(o.status, 'synced') = 'synced'"
        " FROM recharges r JOIN payments p ON p.receipt_no = r.receipt_no"
        " LEFT JOIN outbox o ON o.event_id = r.event_id"
        " WHERE r.discom = ? AND r.account_no = ? AND p.status = 'active'"
        " ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1",
        (key_discom, key_account),
    ).fetchone()
    last = None
    if row is not None:
        last = LastRecharge(
            receipt_no=row[0],
            amount_paise=int(row[1]),
            recorded_at=datetime.fromisoformat(row[2]),
            synced=bool(row[3]),
        )
    return RechargeStatus(found, found.snapshot.prepaid_balance_paise, last)


def check_recharge(counter: Counter, payment: PaymentRequest, *, meter_no: str = "") -> None:
    """Every rule of a recharge, without writing (the payment screen asks before confirm)."""
    _checked(counter, payment, meter_no, counter.now())


def _checked(
    counter: Counter, payment: PaymentRequest, meter_no: str, now: datetime
) -> tuple[PaymentRequest, str, _Prepared]:
    require_role(counter, payment.operator_id, "recharge.record")
    discom, account_no = counter.check_account(payment.discom, payment.account_no)
    cached = get_by_account(counter.conn, discom, account_no)
    if cached is not None and cached.snapshot.consumer.meter_type != "prepaid":
        raise InvalidInput(
            "account number", "is a postpaid connection: take a bill payment instead"
        )
    meter = (meter_no or "").strip()
    if len(meter) > 20 or (meter and not meter.isalnum()):
        raise InvalidInput("meter number", "must be up to 20 letters and digits")
    request = dataclasses.replace(payment, discom=discom, account_no=account_no)
    prepared = prepare_payment(counter, request, now=now, purpose="recharge")
    check_recharge_amount(prepared.amount_paise)
    return request, meter, prepared


def recharge(counter: Counter, payment: PaymentRequest, *, meter_no: str = "") -> RechargeResult:
    """Recharge a prepaid meter. A consumer the cache knows as postpaid is refused."""
    now = counter.now()
    request, meter, prepared = _checked(counter, payment, meter_no, now)
    operator_id = prepared.operator_id
    discom, account_no = request.discom, request.account_no
    with operator_action(counter):
        receipt = write_payment(counter, prepared, now=now, purpose="recharge")
        record = validated(
            Recharge,
            account_no=account_no,
            meter_no=meter,
            amount_paise=receipt.amount_paise,
            receipt_no=receipt.receipt_no,
            recorded_at=now,
        )
        event_id = emit(counter, record, now=now, operator_id=operator_id)
        counter.conn.execute(
            "INSERT INTO recharges (receipt_no, event_id, discom, account_no, meter_no,"
            " amount_paise, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                receipt.receipt_no,
                event_id,
                discom,
                account_no,
                meter,
                receipt.amount_paise,
                now.isoformat(),
            ),
        )
        audit(
            counter,
            now=now,
            operator_id=operator_id,
            action="recharge.recorded",
            ref=receipt.receipt_no,
            detail={"amount_paise": receipt.amount_paise},
        )
        slip = RechargeDoc(
            receipt_no=receipt.receipt_no,
            event_id=event_id,
            recorded_at=now,
            operator_id=operator_id,
            discom=discom,
            account_no=account_no,
            consumer_name=prepared.consumer_name,
            meter_no=meter,
            amount_paise=receipt.amount_paise,
            mode=receipt.mode,
            reference=prepared.reference,
        )
        queue_slip(counter, slip, now=now)
    return RechargeResult(payment=receipt, event_id=event_id)
