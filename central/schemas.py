"""Reply models of the central's own endpoints (the sync ones live in offline_queue.protocol)."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict

from kiosk.domain.snapshot import ConsumerSnapshot


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsumerList(Reply):
    """Consumers found by mobile number, within the discoms the counter may read."""

    server_time: AwareDatetime
    records: list[ConsumerSnapshot]


class ComplaintStatus(Reply):
    complaint_no: str
    local_no: str | None
    status: str
    category: str
    account_no: str | None
    logged_at: AwareDatetime
    updated_at: AwareDatetime


class ModeTotal(Reply):
    count: int
    amount_paise: int


class DaySummary(Reply):
    """One counter's payments on one day (IST), as the central has them; cancelled excluded."""

    counter_id: str
    date: date
    payments: int
    amount_paise: int
    cancelled: int
    by_mode: dict[str, ModeTotal]
