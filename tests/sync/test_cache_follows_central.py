"""After a sync the counter's consumer cache holds exactly what the central holds."""

from __future__ import annotations

import sqlite3

from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.store.consumers import get_by_account
from tests.sync.conftest import Rig


def _central_snapshots(rig: Rig) -> dict[tuple[str, str], ConsumerSnapshot]:
    conn = sqlite3.connect(rig.central.db_path)
    try:
        rows = conn.execute("SELECT snapshot FROM consumers").fetchall()
    finally:
        conn.close()
    snapshots = [ConsumerSnapshot.model_validate_json(row[0]) for row in rows]
    return {snapshot.key: snapshot for snapshot in snapshots}


def _assert_cache_equals_central(rig: Rig) -> None:
    central = _central_snapshots(rig)
    conn = rig.counter.conn
    assert conn.execute("SELECT count(*) FROM consumers").fetchone()[0] == len(central)
    for (discom, account_no), snapshot in central.items():
        cached = get_by_account(conn, discom, account_no)
        assert cached is not None and cached.snapshot == snapshot
        months = conn.execute(
            "SELECT month, units FROM consumption WHERE discom = ? AND account_no = ?"
            " ORDER BY month",
            (discom, account_no),
        ).fetchall()
        assert months == [(m.month, m.units) for m in snapshot.consumption]
        if snapshot.bill is not None:
            bill = conn.execute(
                "SELECT units, current_paise, arrears_paise, due_on FROM bills"
                " WHERE discom = ? AND account_no = ? AND bill_no = ?",
                (discom, account_no, snapshot.bill.bill_no),
            ).fetchone()
            b = snapshot.bill
            assert bill == (b.units, b.current_paise, b.arrears_paise, b.due_on.isoformat())


def test_payments_synced_in_one_batch_leave_the_cache_equal_to_the_central(rig_factory) -> None:
    rig: Rig = rig_factory()
    rig.engine.sync_once()  # the first download fills the cache
    _assert_cache_equals_central(rig)
    paid = [s for s in rig.central.demo_snapshots() if s.consumer.discom == "MVVNL"][:5]
    # The first consumer pays twice: the central changes one snapshot twice in one batch.
    for i, snapshot in enumerate([*paid, paid[0]]):
        record_payment(
            rig.counter,
            PaymentRequest(
                discom="MVVNL",
                account_no=snapshot.consumer.account_no,
                amount_paise=10_000 + i,
                mode="cash",
                operator_id="op1",
                tendered_paise=10_000 + i,
            ),
            confirm_second=i == len(paid),
        )

    report = rig.engine.sync_once()

    assert (report.accepted, report.remaining, report.error) == (6, 0, None)
    assert report.pulled == 5
    _assert_cache_equals_central(rig)
    first = get_by_account(rig.counter.conn, "MVVNL", paid[0].consumer.account_no)
    assert first is not None
    assert [p.amount_paise for p in first.snapshot.recent_payments[:2]] == [10_005, 10_000]
