"""The day's payments as CSV for the office, read back with the csv module: every row of
the day (cancelled ones too), paise exact, Hindi in UTF-8, names with commas and quotes,
formula-like text defused, and no file ever overwritten."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.services.counter import Counter
from kiosk.services.day_export import COLUMNS, export_day
from kiosk.services.payments import cancel_receipt, record_payment
from tests.services.factories import make_snapshot
from tests.services.support import (
    OPERATOR,
    SUPERVISOR,
    TODAY,
    FixedClock,
    cache,
    card,
    cash,
    cheque,
    count,
    db_state,
    upi,
)

QUOTED = "0987654321"
FORMULA = "1122334455"


@pytest.fixture(autouse=True)
def _exporter(supervisor: str) -> str:
    """Exporting the day is a supervisor's (kiosk.services.roles): SUP1 exports here."""
    return supervisor


def read_back(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


def paise_of(text: str) -> int:
    value = Decimal(text) * 100
    assert value == value.to_integral_value(), text
    return int(value)


def test_every_payment_of_the_day_is_a_row_with_the_amount_exact_to_the_paisa(
    counter: Counter, consumer: str, supervisor: str, clock: FixedClock
) -> None:
    amounts = [1_234_50, 100_05, 2_00_000_01]
    made = [record_payment(counter, cash(amounts[0]))]
    clock.advance(minutes=7, seconds=5)
    made.append(record_payment(counter, upi(amounts[1]), confirm_second=True))
    made.append(record_payment(counter, cheque(amounts[2]), confirm_second=True))
    cancel_receipt(counter, made[1].receipt_no, reason="typed wrong", supervisor_id=supervisor)
    result = export_day(counter, SUPERVISOR)
    assert result.path == Path(counter.settings.storage.data_dir) / "exports/day-2026-01-10.csv"
    assert (result.rows, result.cancelled) == (3, 1)
    assert result.valid_paise == amounts[0] + amounts[2]
    rows = read_back(result.path)
    assert [r["receipt_no"] for r in rows] == [m.receipt_no for m in made]
    assert [paise_of(r["amount_rupees"]) for r in rows] == amounts
    assert [r["amount_rupees"] for r in rows] == ["1234.50", "100.05", "200000.01"]
    first, second, third = rows
    assert (first["date"], first["time_ist"], first["mode"]) == ("2026-01-10", "11:30:00", "cash")
    assert (second["time_ist"], second["mode"], second["reference"]) == (
        "11:37:05",
        "upi",
        "412345678901",
    )
    assert (second["status"], second["cancel_reason"], second["cancelled_by"]) == (
        "cancelled",
        "typed wrong",
        supervisor,
    )
    assert second["cancelled_at_ist"] == "2026-01-10 11:37:05"
    assert (third["mode"], third["reference"], third["status"]) == ("cheque", "004512", "active")
    assert {r["sync"] for r in rows} == {"pending"}  # no central here: nothing synced
    assert {r["central_ref"] for r in rows} == {""}
    assert (second["cancel_sync"], first["cancel_sync"]) == ("pending", "")
    assert {(r["discom"], r["account_no"], r["operator_id"]) for r in rows} == {
        ("MVVNL", consumer, OPERATOR)
    }
    assert {r["shift"] for r in rows} == {"1"} and {r["purpose"] for r in rows} == {"bill"}


def test_hindi_names_commas_and_quotes_come_back_exactly(counter: Counter) -> None:
    name = 'Sharma, Ramesh "Babloo"'
    name_hi = 'रमेश "बबलू" शर्मा, पुत्र श्री राम'
    cache(counter, make_snapshot(QUOTED, name=name, name_hi=name_hi))
    record_payment(counter, card(500_00, account_no=QUOTED))
    result = export_day(counter, SUPERVISOR)
    raw = result.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets then read UTF-8
    assert name_hi.encode("utf-8") in raw.replace(b'""', b'"')
    (only,) = read_back(result.path)
    assert (only["consumer_name"], only["consumer_name_hi"]) == (name, name_hi)
    assert (only["mode"], only["reference"]) == ("card", "POS-778812")


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_with_an_apostrophe(
    counter: Counter,
) -> None:
    cache(counter, make_snapshot(FORMULA, name='=HYPERLINK("http://x")', name_hi="@राम"))
    record_payment(counter, cash(500_00, account_no=FORMULA))
    (only,) = read_back(export_day(counter, SUPERVISOR).path)
    assert only["consumer_name"] == '\'=HYPERLINK("http://x")'
    assert only["consumer_name_hi"] == "'@राम"


def test_an_export_never_overwrites_a_file(counter: Counter, consumer: str, tmp_path: Path):
    record_payment(counter, cash(500_00))
    first = export_day(counter, SUPERVISOR)
    original = first.path.read_bytes()
    record_payment(counter, cash(250_00), confirm_second=True)
    second = export_day(counter, SUPERVISOR)
    assert second.path.name == "day-2026-01-10-2.csv"
    assert first.path.read_bytes() == original
    assert len(read_back(second.path)) == 2

    chosen = tmp_path / "office.csv"
    chosen.write_text("the office's own notes", encoding="utf-8")
    before = db_state(counter)
    with pytest.raises(InvalidInput) as refused:
        export_day(counter, SUPERVISOR, out=chosen)
    assert refused.value.field == "out" and "already exists" in refused.value.message
    assert chosen.read_text(encoding="utf-8") == "the office's own notes"
    assert db_state(counter) == before


def test_an_export_to_a_chosen_path_makes_its_folder_and_is_audited(
    counter: Counter, consumer: str, tmp_path: Path
) -> None:
    record_payment(counter, cash(500_00))
    target = tmp_path / "office" / "jan" / "today.csv"
    result = export_day(counter, SUPERVISOR, out=target)
    assert result.path == target and len(read_back(target)) == 1
    audit = counter.conn.execute(
        "SELECT operator_id, ref, detail FROM audit_log WHERE action = 'day.exported'"
    ).fetchall()
    assert [(op, ref, json.loads(detail)) for op, ref, detail in audit] == [
        (SUPERVISOR, "2026-01-10", {"path": str(target), "rows": 1})
    ]


def test_only_the_day_asked_for_is_exported(
    counter: Counter, consumer: str, clock: FixedClock
) -> None:
    yesterday = record_payment(counter, cash(500_00))
    clock.advance(days=1)
    today = record_payment(counter, cash(250_00))
    (row,) = read_back(export_day(counter, SUPERVISOR).path)
    assert row["receipt_no"] == today.receipt_no
    (row,) = read_back(export_day(counter, SUPERVISOR, day=TODAY).path)
    assert row["receipt_no"] == yesterday.receipt_no


def test_a_day_without_payments_gives_the_column_names_only(counter: Counter) -> None:
    result = export_day(counter, SUPERVISOR)
    assert result.rows == 0 and read_back(result.path) == []


def test_a_future_day_is_refused_and_writes_nothing(counter: Counter) -> None:
    before = db_state(counter)
    audited = count(counter, "audit_log")  # SUP1's registration
    with pytest.raises(InvalidInput) as refused:
        export_day(counter, SUPERVISOR, day=date(2026, 1, 11))
    assert refused.value.field == "date" and "in the future" in refused.value.message
    assert db_state(counter) == before
    assert not (Path(counter.settings.storage.data_dir) / "exports").exists()
    assert count(counter, "audit_log") == audited
