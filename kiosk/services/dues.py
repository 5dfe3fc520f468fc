"""What a consumer still owes on the current bill, as far as this counter knows."""

from __future__ import annotations

from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.services.counter import Counter


def outstanding_paise(counter: Counter, snapshot: ConsumerSnapshot) -> int:
    """The bill's dues less payments since it was issued: the central's and this counter's.

    A payment the central already knows (same receipt number) is counted once.
    """
    bill = snapshot.bill
    if bill is None:
        return 0
    discom, account_no = snapshot.key
    since = bill.issued_on.isoformat()
    rows = counter.conn.execute(
        "SELECT receipt_no, amount_paise FROM payments WHERE discom = ? AND account_no = ?"
        " AND day >= ? AND status = 'active' AND purpose = 'bill'",
        (discom, account_no, since),
    ).fetchall()
    local = {row[0]: int(row[1]) for row in rows}
    central = {
        p.receipt_no: p.amount_paise
        for p in snapshot.recent_payments
        if p.paid_on >= bill.issued_on and p.receipt_no not in local
    }
    return max(0, bill.due_paise - sum(local.values()) - sum(central.values()))
