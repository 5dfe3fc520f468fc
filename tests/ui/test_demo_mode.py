"""``kiosk --demo`` as a new user meets it: the demo operator's PIN on the login screen, a
cash payment by keys alone, the receipt as a picture, and the outage key that lets the
queue be seen filling and draining. Everything is real: the central on loopback, the
counter database, the file printer writing pictures."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from kiosk.app import KioskApp, create_app
from kiosk.cli.screen import demo_info
from kiosk.demo import DEMO_OPERATOR, DEMO_PIN, Demo, prepare_demo
from kiosk.screens.login import LoginScreen
from kiosk.screens.lookup import LookupScreen
from kiosk.screens.receipt_done import ReceiptDoneScreen
from kiosk.services.lookup import find_account
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.text import TLabel

SIZE = (100, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    prepared = prepare_demo(tmp_path_factory.mktemp("demo"), consumers=300)
    yield prepared
    prepared.close()


def demo_app(demo: Demo) -> KioskApp:
    """The app exactly as ``kiosk --demo`` builds it."""
    return create_app(
        demo.settings, transport=demo.transport, demo=demo_info(demo), strict_i18n=True
    )


def postpaid_accounts(demo: Demo) -> list[str]:
    with sqlite3.connect(demo.data_dir / "kiosk.db") as conn:
        rows = conn.execute(
            "SELECT account_no FROM consumers WHERE discom = 'MVVNL' AND meter_type = 'postpaid'"
            " AND status = 'active' AND length(account_no) = 10 ORDER BY account_no"
        ).fetchall()
    return [row[0] for row in rows]


async def an_account_with_dues(app: KioskApp, demo: Demo) -> str:
    for account in postpaid_accounts(demo):
        found = await app.station.call(find_account, "MVVNL", account)
        if found is not None and found.outstanding_paise > 0:
            return account
    raise AssertionError("the demo data has no MVVNL consumer with dues")


def central_payments(demo: Demo) -> int:
    url, token = demo.settings.central.url, demo.settings.central.resolved_token()
    day = demo_app_day()
    reply = httpx.get(
        f"{url}/v1/counters/{demo.settings.counter.id}/summary",
        params={"date": day},
        headers={"Authorization": f"Bearer {token}"},
    )
    reply.raise_for_status()
    return int(reply.json()["payments"])


def demo_app_day() -> str:
    from datetime import UTC, datetime

    from kiosk.services.counter import IST

    return datetime.now(UTC).astimezone(IST).date().isoformat()


async def wait_for(pilot, condition, seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("timed out waiting")


async def test_demo_shows_its_pin_and_takes_a_cash_payment_by_keys_alone(demo: Demo) -> None:
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        hint = str(app.screen.query_one("#demo-hint", TLabel).render())
        assert DEMO_PIN in hint and DEMO_OPERATOR in hint
        account = await an_account_with_dues(app, demo)
        before = len(list(demo.receipts_dir.glob("*.png")))
        keys = [*DEMO_PIN, "enter"]  # the demo operator's id is already filled in
        keys += [*account, "enter", "enter", "c", "enter", "enter"]
        await pilot.press(*keys)
        await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDoneScreen))
        await wait_for(pilot, lambda: len(list(demo.receipts_dir.glob("*.png"))) > before)
        await pilot.press("enter")  # next consumer
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)


async def test_outage_key_fills_the_queue_and_it_drains_when_the_network_is_back(
    demo: Demo,
) -> None:
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*DEMO_PIN, "enter")
        await pilot.pause()
        account = await an_account_with_dues(app, demo)
        await wait_for(pilot, lambda: app.status.online is True)
        paid_before = central_payments(demo)
        await pilot.press("ctrl+o")
        assert demo.transport.down
        await pilot.press(*account, "enter", "enter", "c", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDoneScreen))
        app.refresh_status()
        await wait_for(pilot, lambda: app.status.pending >= 1 and app.status.online is False)
        bar = str(app.screen.query_one(StatusBar).render())
        assert "OFFLINE" in bar and "waiting" in bar
        assert central_payments(demo) == paid_before
        await pilot.press("ctrl+o")
        assert not demo.transport.down
        app.refresh_status()
        await wait_for(pilot, lambda: app.status.pending == 0 and app.status.online is True)
        assert central_payments(demo) == paid_before + 1
