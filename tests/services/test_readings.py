"""Self meter readings: checked against the last one, dated sensibly, photo hashed."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.printer.documents import ReadingDoc, load
from kiosk.services.counter import Counter
from kiosk.services.readings import KnownReading, ReadingResult, last_known, record_reading
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import OPERATOR, TODAY, FixedClock, cache, events, refused_by, row


def read(counter: Counter, reading: Any, **changes: Any) -> ReadingResult:
    args: dict[str, Any] = {
        "discom": "MVVNL",
        "account_no": ACCOUNT,
        "reading_kwh": reading,
        "read_on": TODAY,
        "operator_id": OPERATOR,
    }
    return record_reading(counter, **(args | changes))


def refused(counter: Counter, reading: Any, field: str, **changes: Any) -> Exception:
    return refused_by(counter, lambda: read(counter, reading, **changes), field=field)


def test_a_reading_is_recorded_with_a_local_number_and_an_event(
    counter: Counter, wakes: list[datetime]
) -> None:
    result = read(counter, 4_512, discom="dvvnl")
    assert result.local_no == "CSC-0001-M20260110-0001"
    assert result.previous_kwh is None
    stored = row(counter, "SELECT * FROM meter_readings")
    assert (stored["discom"], stored["account_no"], stored["reading_kwh"]) == (
        "DVVNL",
        ACCOUNT,
        4_512,
    )
    assert (stored["read_on"], stored["photo_sha256"], stored["meter_change"]) == (
        "2026-01-10",
        None,
        0,
    )
    [event] = events(counter)
    assert event["type"] == "reading.recorded"
    assert event["event_id"] == result.event_id
    assert event["payload"]["reading_kwh"] == 4_512
    assert row(counter, "SELECT action FROM audit_log")["action"] == "reading.recorded"
    assert wakes == [counter.now()]


def test_the_next_reading_reports_the_previous_one(counter: Counter) -> None:
    read(counter, 4_512, read_on=TODAY - timedelta(days=30))
    result = read(counter, 4_700)
    assert result.previous_kwh == 4_512
    assert result.local_no == "CSC-0001-M20260110-0002"
    assert read(counter, 4_700, discom="MVVNL").previous_kwh == 4_700  # same reading is fine


def test_a_reading_below_the_last_is_refused(counter: Counter) -> None:
    read(counter, 4_512)
    error = refused(counter, 4_511, "reading")
    assert "4512" in str(error)


def test_a_reading_below_the_last_is_taken_after_a_meter_change(counter: Counter) -> None:
    read(counter, 4_512)
    result = read(counter, 3, meter_change=True)
    assert result.previous_kwh == 4_512
    assert row(counter, "SELECT meter_change FROM meter_readings WHERE reading_kwh = 3") == {
        "meter_change": 1
    }
    # The new meter's reading is now the one to beat.
    assert read(counter, 10).previous_kwh == 3


def test_readings_of_other_consumers_do_not_interfere(counter: Counter) -> None:
    read(counter, 9_000)
    assert read(counter, 10, account_no="2222222222").previous_kwh is None
    assert read(counter, 10, discom="DVVNL").previous_kwh is None


@pytest.mark.parametrize("reading", [-1, 1.5, 100.0, True, "4512", None])
def test_a_reading_that_is_not_whole_kwh_is_refused(counter: Counter, reading: Any) -> None:
    refused(counter, reading, "reading")


def test_a_future_date_is_refused(counter: Counter) -> None:
    refused(counter, 100, "reading date", read_on=TODAY + timedelta(days=1))


def test_the_date_is_checked_against_the_day_in_india(counter: Counter, clock: FixedClock) -> None:
    clock.set(datetime(2026, 1, 10, 20, 0, tzinfo=UTC))  # 11 Jan 01:30 in India
    read(counter, 100, read_on=date(2026, 1, 11))
    refused(counter, 101, "reading date", read_on=date(2026, 1, 12))


def test_a_reading_older_than_sixty_days_is_refused(counter: Counter) -> None:
    refused(counter, 100, "reading date", read_on=TODAY - timedelta(days=61))
    read(counter, 100, read_on=TODAY - timedelta(days=60))


def test_bad_account_and_operator_are_refused(counter: Counter) -> None:
    refused(counter, 100, "account number", account_no="123")
    refused(counter, 100, "discom", discom="NPCL")
    refused(counter, 100, "operator", operator_id="")


# --- photo ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["meter.jpg", "meter.JPEG", "meter.png"])
def test_the_photo_is_kept_as_its_sha256(counter: Counter, tmp_path: Path, name: str) -> None:
    photo = tmp_path / name
    content = b"\x89PNG fake meter photo " + name.encode()
    photo.write_bytes(content)
    read(counter, 100, photo=photo)
    digest = hashlib.sha256(content).hexdigest()
    assert row(counter, "SELECT photo_sha256 FROM meter_readings") == {"photo_sha256": digest}
    assert events(counter)[0]["payload"]["photo_sha256"] == digest


@pytest.mark.parametrize("name", ["meter.gif", "meter.jpg.exe", "meter", "meter.pdf"])
def test_a_photo_of_the_wrong_kind_is_refused(counter: Counter, tmp_path: Path, name: str) -> None:
    photo = tmp_path / name
    photo.write_bytes(b"data")
    refused(counter, 100, "photo", photo=photo)


def test_a_missing_photo_is_refused(counter: Counter, tmp_path: Path) -> None:
    error = refused(counter, 100, "photo", photo=tmp_path / "gone.jpg")
    assert "gone.jpg" in str(error)


def test_a_folder_named_like_a_photo_is_refused(counter: Counter, tmp_path: Path) -> None:
    folder = tmp_path / "album.jpg"
    folder.mkdir()
    refused(counter, 100, "photo", photo=folder)


def test_an_oversized_photo_is_refused(
    counter: Counter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.services.readings.MAX_PHOTO_BYTES", 10)
    photo = tmp_path / "big.jpg"
    photo.write_bytes(b"x" * 11)
    refused(counter, 100, "photo", photo=photo)


@pytest.mark.parametrize("read_on", ["2026-01-09", None, datetime(2026, 1, 9, tzinfo=UTC)])
def test_a_reading_date_that_is_not_a_date_is_refused(counter: Counter, read_on: object) -> None:
    refused(counter, 100, "reading date", read_on=read_on)


def test_a_meter_change_travels_with_the_reading(counter: Counter) -> None:
    read(counter, 4_512)
    read(counter, 12, meter_change=True)
    assert [e["payload"]["meter_change"] for e in events(counter)] == [False, True]


# --- acknowledgement and the last known reading --------------------------------------------


def test_a_reading_queues_its_acknowledgement_in_the_same_commit(counter: Counter) -> None:
    cache(counter, make_snapshot(ACCOUNT))
    read(counter, 4_512, read_on=TODAY - timedelta(days=30))
    result = read(counter, 12, meter_change=True)
    kind, ref, body = counter.conn.execute(
        "SELECT kind, ref, body FROM print_jobs ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert (kind, ref) == ("reading", result.local_no)
    doc = load(body)
    assert isinstance(doc, ReadingDoc)
    assert (doc.reading_kwh, doc.read_on, doc.previous_kwh) == (12, TODAY, 4_512)
    assert doc.meter_change and not doc.photo_attached
    assert (doc.consumer_name, doc.consumer_name_hi) == ("Ram Kumar", "राम कुमार")


def test_a_reading_of_an_uncached_consumer_still_prints(counter: Counter, tmp_path: Path) -> None:
    photo = tmp_path / "meter.jpg"
    photo.write_bytes(b"jpeg")
    result = read(counter, 100, photo=photo)
    doc = load(row(counter, "SELECT body FROM print_jobs")["body"])
    assert isinstance(doc, ReadingDoc)
    assert doc.local_no == result.local_no
    assert doc.consumer_name == "" and doc.photo_attached


def test_the_last_known_reading_comes_with_its_date(counter: Counter) -> None:
    assert last_known(counter, "MVVNL", ACCOUNT) is None
    read(counter, 4_512, read_on=TODAY - timedelta(days=3))
    read(counter, 4_400, read_on=TODAY - timedelta(days=40), meter_change=True)
    known = last_known(counter, "mvvnl", ACCOUNT)
    assert known == KnownReading(4_512, TODAY - timedelta(days=3), False)
    assert last_known(counter, "DVVNL", ACCOUNT) is None
