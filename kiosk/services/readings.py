"""Self meter readings: checked against the last known reading before they are kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.domain.errors import InvalidInput
from kiosk.domain.models import MeterReading
from kiosk.printer.documents import ReadingDoc
from kiosk.services.counter import Counter
from kiosk.services.printing import queue_slip
from kiosk.services.recording import audit, emit, local_number, operator_action, validated
from kiosk.services.roles import require_role
from kiosk.store.consumers import get_by_account

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_READING_AGE_DAYS = 60


@dataclass(frozen=True, slots=True)
class ReadingResult:
    local_no: str
    event_id: str
    previous_kwh: int | None


def last_reading(counter: Counter, discom: str, account_no: str) -> int | None:
    row = counter.conn.execute(
        "SELECT reading_kwh FROM meter_readings WHERE discom = ? AND account_no = ?"
        " ORDER BY read_on DESC, id DESC LIMIT 1",
        (discom, account_no),
    ).fetchone()
    return None if row is None else int(row[0])


@dataclass(frozen=True, slots=True)
class KnownReading:
    reading_kwh: int
    read_on: date
    meter_change: bool


def last_known(counter: Counter, discom: str, account_no: str) -> KnownReading | None:
    """The last reading this counter took for the account, with its date (for the screen)."""
    discom, account_no = counter.check_account(discom, account_no)
    row = counter.conn.execute(
        "SELECT reading_kwh, read_on, meter_change FROM meter_readings"
        " WHERE discom = ? AND account_no = ? ORDER BY read_on DESC, id DESC LIMIT 1",
        (discom, account_no),
    ).fetchone()
    if row is None:
        return None
    return KnownReading(int(row[0]), date.fromisoformat(row[1]), bool(row[2]))


def record_reading(
    counter: Counter,
    *,
    discom: str,
    account_no: str,
    reading_kwh: int,
    read_on: date,
    operator_id: str,
    photo: Path | None = None,
    meter_change: bool = False,
) -> ReadingResult:
    operator_id = require_role(counter, operator_id, "reading.record")
    discom, account_no = counter.check_account(discom, account_no)
    if not isinstance(reading_kwh, int) or isinstance(reading_kwh, bool) or reading_kwh < 0:
        raise InvalidInput("reading", "must be a whole number of kWh, 0 or more")
    if not isinstance(read_on, date) or isinstance(read_on, datetime):
        raise InvalidInput("reading date", "must be a date (YYYY-MM-DD)")
    now = counter.now()
    today = counter.today(now)
    if read_on > today:
        raise InvalidInput("reading date", "is in the future")
    if read_on < today - timedelta(days=MAX_READING_AGE_DAYS):
        raise InvalidInput("reading date", f"is more than {MAX_READING_AGE_DAYS} days ago")
    previous = last_reading(counter, discom, account_no)
    if previous is not None and reading_kwh < previous and not meter_change:
        raise InvalidInput(
            "reading",
            f"{reading_kwh} kWh is below the last reading {previous} kWh: "
            "check the meter, or confirm that the meter was changed",
        )
    photo_sha = _photo_digest(photo) if photo is not None else None
    record = validated(
        MeterReading,
        account_no=account_no,
        reading_kwh=reading_kwh,
        read_on=read_on,
        photo_sha256=photo_sha,
        meter_change=meter_change,
        recorded_at=now,
    )
    with operator_action(counter):
        local_no = local_number(counter, today, "reading", "M")
        event_id = emit(counter, record, now=now, operator_id=operator_id)
        counter.conn.execute(
            "INSERT INTO meter_readings (local_no, event_id, discom, account_no, reading_kwh,"
            " read_on, photo_sha256, meter_change, recorded_at, operator_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                local_no,
                event_id,
                discom,
                account_no,
                reading_kwh,
                read_on.isoformat(),
                photo_sha,
                int(meter_change),
                now.isoformat(),
                operator_id,
            ),
        )
        audit(
            counter,
            now=now,
            operator_id=operator_id,
            action="reading.recorded",
            ref=local_no,
            detail={"reading_kwh": reading_kwh, "meter_change": meter_change},
        )
        cached = get_by_account(counter.conn, discom, account_no)
        consumer = cached.snapshot.consumer if cached is not None else None
        slip = ReadingDoc(
            local_no=local_no,
            event_id=event_id,
            recorded_at=now,
            operator_id=operator_id,
            discom=discom,
            account_no=account_no,
            consumer_name=consumer.name if consumer else "",
            consumer_name_hi=consumer.name_hi if consumer else "",
            reading_kwh=reading_kwh,
            read_on=read_on,
            previous_kwh=previous,
            meter_change=meter_change,
            photo_attached=photo_sha is not None,
        )
        queue_slip(counter, slip, now=now)
    return ReadingResult(local_no=local_no, event_id=event_id, previous_kwh=previous)


def _photo_digest(photo: Path) -> str:
    """The photo stays on this PC; its hash travels so the office can match it later."""
    if photo.suffix.lower() not in PHOTO_SUFFIXES:
        raise InvalidInput("photo", "must be a .jpg or .png file")
    try:
        size = photo.stat().st_size
        if size > MAX_PHOTO_BYTES:
            raise InvalidInput("photo", "is larger than 10 MB")
        return hashlib.sha256(photo.read_bytes()).hexdigest()
    except OSError:
        raise InvalidInput("photo", f"cannot read the file {photo.name}") from None
