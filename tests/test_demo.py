"""``kiosk --demo`` without the screen: the real central on loopback, the counter's database,
its outage switch and its picture printer, all prepared in a temporary folder."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from central.db import CentralDB
from kiosk.demo import (
    CENTRAL_DB,
    DEMO_COUNTER_ID,
    DEMO_OPERATOR,
    DEMO_PIN,
    DEMO_SUPERVISOR,
    DEMO_SUPERVISOR_PIN,
    Demo,
    demo_settings,
    prepare_demo,
)
from kiosk.domain.snapshot import ConsumerSnapshot
from kiosk.printer.connections import open_connection
from kiosk.services import auth
from kiosk.services.counter import Counter
from kiosk.services.lookup import find_account
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import open_counter, wire_sync
from kiosk.store.consumers import count as cached_count

CONSUMERS = 200


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    prepared = prepare_demo(tmp_path / "demo", consumers=CONSUMERS)
    yield prepared
    prepared.close()


@pytest.fixture
def counter(demo: Demo) -> Iterator[Counter]:
    opened = open_counter(demo.settings)
    yield opened
    opened.conn.close()


def central_records(demo: Demo) -> list[ConsumerSnapshot]:
    rows = CentralDB(demo.data_dir / CENTRAL_DB).changes(0, 10_000, ())
    return [ConsumerSnapshot.model_validate_json(snapshot) for _, snapshot in rows]


def test_the_central_answers_on_loopback_with_the_counters_token(demo: Demo):
    url = demo.settings.central.url
    assert url == demo.central.url and url.startswith("http://127.0.0.1:")
    assert httpx.get(f"{url}/v1/health").status_code == 200
    token = demo.settings.central.resolved_token()
    summary = httpx.get(
        f"{url}/v1/counters/{DEMO_COUNTER_ID}/summary",
        params={"date": "2025-12-15"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert summary.status_code == 200


def test_settings_serve_every_discom_and_print_pictures(demo: Demo, tmp_path: Path):
    settings = demo.settings
    assert settings.counter.id == DEMO_COUNTER_ID
    assert settings.counter.discoms == ["MVVNL", "DVVNL", "PVVNL", "PuVVNL", "KESCO"]
    assert settings.counter.default_discom == "MVVNL"
    assert settings.upi.payee_vpa and settings.upi.payee_name
    assert settings.operator.idle_lock_minutes == 10
    assert (settings.printer.kind, settings.printer.paper_mm) == ("file", 80)
    assert settings.printer.file_path == demo.receipts_dir and demo.receipts_dir.is_dir()
    assert Path(settings.storage.data_dir) == demo.data_dir == tmp_path / "demo"


def test_the_environment_cannot_point_the_demo_elsewhere(tmp_path, monkeypatch):
    """A real counter's KIOSK_ variables must not send demo payments to its database."""
    monkeypatch.setenv("KIOSK_STORAGE__DATA_DIR", str(tmp_path / "real-counter"))
    monkeypatch.setenv("KIOSK_PRINTER__KIND", "usb")
    monkeypatch.setenv("KIOSK_COUNTER__ID", "CSC-REAL-0001")
    settings = demo_settings(tmp_path / "demo", "http://127.0.0.1:9", "t" * 32)
    assert Path(settings.storage.data_dir) == tmp_path / "demo"
    assert settings.printer.kind == "file"
    assert settings.counter.id == DEMO_COUNTER_ID


def test_every_demo_consumer_is_in_the_cache_and_at_the_central(demo: Demo, counter: Counter):
    records = central_records(demo)
    assert len(records) == CONSUMERS == cached_count(counter.conn)
    assert {r.consumer.discom for r in records} >= {"MVVNL", "DVVNL", "PVVNL", "PuVVNL"}
    wanted = records[7].consumer
    cached = find_account(counter, wanted.discom, wanted.account_no)
    assert cached is not None and cached.source == "cache"
    assert cached.snapshot == records[7]
    wiring = wire_sync(counter, transport=demo.transport)
    try:
        assert wiring.engine is not None and wiring.central is not None
        wiring.engine.sync_once()
        live = find_account(counter, wanted.discom, wanted.account_no, central=wiring.central)
        assert live is not None and live.source == "central"
        assert live.snapshot == records[7]
    finally:
        wiring.close()


def test_the_demo_operators_log_in_with_their_pins(counter: Counter):
    operator = auth.login(counter, DEMO_OPERATOR, DEMO_PIN)
    supervisor = auth.login(counter, DEMO_SUPERVISOR, DEMO_SUPERVISOR_PIN)
    assert (operator.operator_id, operator.role) == (DEMO_OPERATOR, "operator")
    assert (supervisor.operator_id, supervisor.role) == (DEMO_SUPERVISOR, "supervisor")
    assert not auth.needs_first_supervisor(counter)
    with pytest.raises(auth.LoginRefused):
        auth.login(counter, DEMO_OPERATOR, DEMO_SUPERVISOR_PIN)


def test_a_second_run_reuses_the_folder_without_seeding_again(tmp_path: Path):
    folder = tmp_path / "demo"
    with prepare_demo(folder, consumers=CONSUMERS) as first:
        counter = open_counter(first.settings)
        consumer = central_records(first)[0].consumer
        paid = record_payment(counter, cash(consumer, 500_00))
        staff_rows = audit_count(counter, "operator.%")
        counter.conn.close()
        first_url = first.central.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{first_url}/v1/health", timeout=2)

    with prepare_demo(folder, consumers=CONSUMERS + 50) as again:
        assert len(central_records(again)) == CONSUMERS
        counter = open_counter(again.settings)
        try:
            assert cached_count(counter.conn) == CONSUMERS
            assert audit_count(counter, "operator.%") == staff_rows
            receipt = counter.conn.execute(
                "SELECT receipt_no FROM payments WHERE receipt_no = ?", (paid.receipt_no,)
            ).fetchone()
            assert receipt is not None
            assert auth.login(counter, DEMO_OPERATOR, DEMO_PIN).role == "operator"
        finally:
            counter.conn.close()


def test_the_outage_switch_takes_the_counter_offline_and_back(demo: Demo, counter: Counter):
    wiring = wire_sync(counter, transport=demo.transport, backoff_base_s=0.05)
    engine = wiring.engine
    assert engine is not None
    try:
        assert engine.sync_once().delivered_all
        assert engine.state.online is True

        assert demo.transport.toggle() is True
        consumer = central_records(demo)[3].consumer
        paid = record_payment(counter, cash(consumer, 250_00))
        report = engine.sync_once(force=True)
        assert report.remaining == 1 and "cannot reach the central" in (report.error or "")
        assert engine.state.online is False
        assert not counter.is_online()
        # Only this counter is cut off: the central itself is still up.
        assert httpx.get(f"{demo.central.url}/v1/health").status_code == 200

        assert demo.transport.toggle() is False
        report = engine.sync_once(force=True)
        assert report.delivered_all and report.accepted == 1
        assert engine.state.online is True
        assert wiring.central is not None
        summary = wiring.central.day_summary(DEMO_COUNTER_ID, counter.today(paid.recorded_at))
        assert (summary["payments"], summary["amount_paise"]) == (1, 250_00)
    finally:
        wiring.close()


def test_a_printed_slip_appears_as_a_picture(demo: Demo):
    with open_connection(demo.settings.printer) as printer:
        printer.send(b"\x1b@DEMO RECEIPT\n\x1dV\x00")
    assert (demo.receipts_dir / "0001.bin").read_bytes() == b"\x1b@DEMO RECEIPT\n\x1dV\x00"
    assert (demo.receipts_dir / "0001.png").stat().st_size > 0


def test_importing_the_demo_is_cheap_and_has_no_screen_code():
    heavy = ["textual", "fastapi", "uvicorn", "faker", "argon2", "central.app"]
    code = f"import sys, kiosk.demo\nprint(','.join(m for m in {heavy!r} if m in sys.modules))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""


def cash(consumer, amount_paise: int) -> PaymentRequest:
    return PaymentRequest(
        discom=consumer.discom,
        account_no=consumer.account_no,
        amount_paise=amount_paise,
        mode="cash",
        operator_id=DEMO_OPERATOR,
        tendered_paise=amount_paise,
    )


def audit_count(counter: Counter, action_like: str) -> int:
    row = counter.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action LIKE ?", (action_like,)
    ).fetchone()
    return int(row[0])


def test_the_demo_customer_pays_a_upi_request_and_the_counter_reads_the_utr(
    demo: Demo, counter: Counter
) -> None:
    from kiosk.services.upi import upi_confirmation, upi_request

    wiring = wire_sync(counter, transport=demo.transport)
    try:
        wiring.engine.sync_once()  # online
        snapshot = central_records(demo)[0]
        account = snapshot.consumer
        request = upi_request(
            counter, account.discom, account.account_no, 500_00, central=wiring.central
        )
        assert request.registered
        assert upi_confirmation(counter, request.reference, central=wiring.central) is None
        utr = demo.customer_pays_upi(request.reference)
        assert len(utr) == 12 and utr.isdigit()
        assert upi_confirmation(counter, request.reference, central=wiring.central) == utr
    finally:
        wiring.close()
