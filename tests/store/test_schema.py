"""The schema itself refuses what would corrupt money, receipts, identity or the audit trail."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from kiosk.store.db import transaction


def payment_row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "receipt_no": "CSC-LKO-0001-20260115-00001",
        "event_id": "01945c7e-0000-7000-8000-000000000001",
        "counter_id": "CSC-LKO-0001",
        "operator_id": "op1",
        "discom": "MVVNL",
        "account_no": "1234567890",
        "bill_no": "B1234567890-2512",
        "amount_paise": 100_000,
        "mode": "cash",
        "reference": None,
        "details": '{"mode": "cash", "tendered_paise": 150000}',
        "tendered_paise": 150_000,
        "change_paise": 50_000,
        "purpose": "bill",
        "recorded_at": "2026-01-15T05:00:00.000000+00:00",
        "day": "2026-01-15",
    }
    return row | changes


def insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row)


def test_a_good_payment_is_stored(conn):
    insert(conn, "payments", payment_row())
    assert conn.execute("SELECT amount_paise, status FROM payments").fetchone() == (
        100_000,
        "active",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"amount_paise": 0},
        {"amount_paise": -500},
        {"amount_paise": 100.5, "tendered_paise": None, "change_paise": 0},
        {"amount_paise": "hundred", "tendered_paise": None, "change_paise": 0},
        {"mode": "bitcoin", "tendered_paise": None, "change_paise": 0},
        {"mode": "CASH"},
        {"purpose": "tip"},
        {"change_paise": 40_000},  # tendered - amount is 50,000
        {"tendered_paise": 50_000, "change_paise": 0},  # cash short
        {"mode": "upi", "reference": "512345678901"},  # tendered only for cash
        {"details": "not json"},
        {"status": "cancelled"},  # cancelled without when, why and by whom
    ],
)
def test_payment_check_constraints_refuse_bad_rows(conn, changes):
    with pytest.raises(sqlite3.IntegrityError):
        insert(conn, "payments", payment_row(**changes))
    assert conn.execute("SELECT count(*) FROM payments").fetchone()[0] == 0


def test_receipt_numbers_and_event_ids_are_unique(conn):
    insert(conn, "payments", payment_row())
    with pytest.raises(sqlite3.IntegrityError):
        insert(conn, "payments", payment_row(event_id="another"))
    with pytest.raises(sqlite3.IntegrityError):
        insert(conn, "payments", payment_row(receipt_no="another"))


def _cancel(conn: sqlite3.Connection, receipt_no: str, cancel_event_id: str) -> None:
    conn.execute(
        "UPDATE payments SET status = 'cancelled', cancelled_at = '2026-01-15T06:00:00+00:00',"
        " cancel_reason = 'wrong account', cancelled_by = 'sup1', cancel_event_id = ?"
        " WHERE receipt_no = ?",
        (cancel_event_id, receipt_no),
    )


def test_two_cancellations_never_share_an_event_id(conn):
    for n in (1, 2, 3):
        insert(conn, "payments", payment_row(receipt_no=f"R{n}", event_id=f"e{n}"))
    _cancel(conn, "R1", "c1")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        _cancel(conn, "R2", "c1")
    _cancel(conn, "R2", "c2")
    assert conn.execute(
        "SELECT receipt_no FROM payments WHERE cancel_event_id IS NULL"
    ).fetchall() == [("R3",)], "active payments carry no cancellation event"


def test_payments_are_never_deleted(conn):
    insert(conn, "payments", payment_row())
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM payments")


def test_a_recorded_amount_cannot_be_changed(conn):
    insert(conn, "payments", payment_row())
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        conn.execute("UPDATE payments SET amount_paise = 1, tendered_paise = 1, change_paise = 0")


def test_cancelling_records_who_and_why_and_is_final(conn):
    insert(conn, "payments", payment_row())
    conn.execute(
        "UPDATE payments SET status = 'cancelled', cancelled_at = '2026-01-15T06:00:00+00:00',"
        " cancel_reason = 'wrong account', cancelled_by = 'sup1', cancel_event_id = 'e2'"
    )
    with pytest.raises(sqlite3.IntegrityError, match="stays cancelled"):
        conn.execute("UPDATE payments SET status = 'active', cancelled_at = NULL")


def test_fee_receipt_must_be_a_real_payment(conn):
    row = {
        "local_no": "R1",
        "event_id": "e1",
        "discom": "MVVNL",
        "account_no": "1234567890",
        "scheme_code": "BBRY-2025-26",
        "case_type": "normal",
        "option": "lump_sum",
        "id_proof_type": "aadhaar",
        "id_proof_ref": "XXXX XXXX 1234",
        "mobile": "9876543210",
        "fee_paise": 200_000,
        "payable_paise": 1_500_000,
        "registered_on": "2026-01-15",
        "fee_receipt_no": "no-such-receipt",
        "operator_id": "op1",
        "recorded_at": "2026-01-15T05:00:00.000000+00:00",
    }
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        insert(conn, "scheme_registrations", row)
    insert(conn, "payments", payment_row(purpose="scheme_fee"))
    insert(conn, "scheme_registrations", row | {"fee_receipt_no": payment_row()["receipt_no"]})


@pytest.mark.parametrize("table", ["scheme_registrations", "connection_requests"])
def test_a_full_aadhaar_number_is_never_stored(conn, table):
    common = {
        "local_no": "L1",
        "event_id": "e1",
        "mobile": "9876543210",
        "id_proof_type": "aadhaar",
        "id_proof_ref": "234123412346",
        "recorded_at": "2026-01-15T05:00:00.000000+00:00",
        "operator_id": "op1",
    }
    specific = {
        "scheme_registrations": {
            "discom": "MVVNL",
            "account_no": "1234567890",
            "scheme_code": "BBRY",
            "case_type": "normal",
            "option": "lump_sum",
            "fee_paise": 0,
            "payable_paise": 0,
            "registered_on": "2026-01-15",
        },
        "connection_requests": {
            "applicant_name": "Sita Devi",
            "address": "Gram Sarai",
            "pincode": "226301",
            "category": "lmv1-rural",
            "load_kw": "1",
        },
    }[table]
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        insert(conn, table, common | specific)
    insert(conn, table, common | specific | {"id_proof_ref": "XXXX XXXX 2346"})


def test_a_counter_has_one_open_shift_at_a_time(conn):
    shift = {"counter_id": "C1", "operator_id": "op1", "opened_at": "2026-01-15T03:00:00+00:00"}
    insert(conn, "shifts", shift)
    with pytest.raises(sqlite3.IntegrityError):
        insert(conn, "shifts", shift)
    insert(conn, "shifts", shift | {"counter_id": "C2"})


def test_operator_roles_are_checked_and_a_pin_may_come_later(conn):
    staff = {"operator_id": "OP1", "name": "Asha Verma", "role": "operator"}
    insert(conn, "operators", staff | {"created_at": "2026-01-15T05:00:00+00:00"})
    with pytest.raises(sqlite3.IntegrityError):
        insert(conn, "operators", staff | {"operator_id": "OP2", "role": "cashier"})


def test_the_audit_log_is_append_only(conn):
    insert(conn, "audit_log", {"at": "2026-01-15T05:00:00+00:00", "action": "login"})
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET action = 'nothing'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log")


def test_print_job_states_are_checked(conn):
    job = {"kind": "receipt", "ref": "R1", "body": b"\x1b@", "created_at": "2026-01-15"}
    insert(conn, "print_jobs", job)
    with pytest.raises(sqlite3.IntegrityError):
        insert(conn, "print_jobs", job | {"copy": "triplicate"})
    with pytest.raises(sqlite3.IntegrityError):
        insert(conn, "print_jobs", job | {"status": "lost"})


def test_a_refused_row_inside_a_transaction_rolls_back_the_whole_action(conn):
    with pytest.raises(sqlite3.IntegrityError), transaction(conn):
        insert(conn, "payments", payment_row())
        insert(conn, "payments", payment_row(receipt_no="x", event_id="y", mode="barter"))
    assert conn.execute("SELECT count(*) FROM payments").fetchone()[0] == 0
