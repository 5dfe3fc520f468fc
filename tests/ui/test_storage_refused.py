"""A full disk or a read-only database, seen from the counter screen: the operator reads
what happened in their language, and nothing was saved (no payment row, no receipt
number used, no login audited, no cancellation).

The faults are real SQLite refusals on the app's own connection (the technique of
tests/chaos/test_disk_full_and_read_only.py): ``PRAGMA max_page_count`` pinned to the
file's size and filled up (SQLITE_FULL, as on a full disk), or ``PRAGMA query_only``
(SQLITE_READONLY). Runs in about 11 s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.app import KioskApp
from kiosk.i18n import Translator
from kiosk.screens.confirm_payment import ConfirmPayment
from kiosk.screens.login import LoginScreen
from kiosk.screens.receipt_done import ReceiptDoneScreen
from kiosk.services.counter import Counter
from kiosk.services.payments import record_payment
from kiosk.services.receipts import receipt_detail
from kiosk.services.recording import audit
from kiosk.store.db import transaction
from kiosk.store.errors import StoreError
from tests.services.support import cash, db_state
from tests.ui.support import SUPERVISOR, SUPERVISOR_PIN, message, rows, sign_in, until
from tests.ui.test_payment import open_payment
from tests.ui.test_receipts import fill_cancel, message_of, open_cancel, open_receipts, pay

SIZE = (100, 30)
MOST_WRITES = 5_000  # a pinned file fills up long before this
UNLIMITED = 1_073_741_823  # SQLite's default max_page_count: the space is back


def fill_the_disk(counter: Counter) -> None:
    """Pin the file to its size, then record payments (other consumers) and after them
    the smallest audit rows until SQLite refuses each for want of space: what is left
    on the last pages is too little for a payment or a login's audit row."""
    pages = counter.conn.execute("PRAGMA page_count").fetchone()[0]
    counter.conn.execute(f"PRAGMA max_page_count = {pages}")
    _until_full(lambda n: record_payment(counter, cash(100_00, account_no=f"{3_000_000_000 + n}")))

    def tiny_audit_row(_: int) -> None:
        with transaction(counter.conn):
            audit(counter, now=counter.now(), operator_id="", action="", ref="")

    _until_full(tiny_audit_row)


def _until_full(write: Callable[[int], object]) -> None:
    for n in range(MOST_WRITES):
        try:
            write(n)
        except StoreError as exc:
            assert "disk is full" in str(exc)
            return
    raise AssertionError(f"the pinned database took {MOST_WRITES} writes")


def read_only(counter: Counter) -> None:
    counter.conn.execute("PRAGMA query_only = ON")


def writable_again(counter: Counter) -> None:
    counter.conn.execute("PRAGMA query_only = OFF")
    counter.conn.execute(f"PRAGMA max_page_count = {UNLIMITED}")


FAULTS = {"disk_full": fill_the_disk, "read_only": read_only}


def state(counter: Counter) -> dict[str, list[tuple[Any, ...]]]:
    """Every record table and the staff table (a login counts failed tries there)."""
    found = db_state(counter)
    # The spool may print earlier jobs meanwhile (a status change, no new page): the jobs
    # themselves are what a refused action must not add to.
    found["print_jobs"] = [job[:4] for job in found["print_jobs"]]
    found["operators"] = counter.conn.execute("SELECT * FROM operators ORDER BY 1").fetchall()
    return found


def said(key: str, language: str = "en") -> str:
    return Translator(language, strict=True)(key)  # type: ignore[arg-type]


def sequence(receipt_no: str) -> int:
    """The running number at the end of a receipt number."""
    return int(receipt_no.rsplit("-", 1)[1])


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_payment_on_a_full_or_read_only_disk_says_so_and_saves_nothing(
    app: KioskApp, fault: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payment(pilot)
        await app.station.call(FAULTS[fault])
        before = await app.station.call(state)
        await pilot.press("c", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmPayment))
        await pilot.press("enter")
        await until(pilot, lambda: message(screen) != "")

        assert app.screen is screen  # back on the form, the amount still there to retry
        assert message(screen) == said(f"errors.{fault}")
        assert "went wrong" not in message(screen) and "StoreError" not in message(screen)
        assert await app.station.call(state) == before  # no payment, outbox, print, audit row
        last = await rows(app, "SELECT receipt_no FROM payments ORDER BY rowid DESC LIMIT 1")

        await app.station.call(writable_again)  # the supervisor freed the disk
        await pilot.press("enter")  # the mode chooser still says cash: Enter confirms again
        await until(pilot, lambda: isinstance(app.screen, ConfirmPayment))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptDoneScreen))
        receipt_no = app.screen.result.receipt_no  # type: ignore[attr-defined]
        # The refused payment used no number: this one follows the last saved receipt.
        expected = sequence(last[0][0]) + 1 if last else 1
        assert sequence(receipt_no) == expected


@pytest.mark.parametrize(("fault", "language"), [("read_only", "en"), ("disk_full", "hi")])
async def test_a_login_on_a_full_or_read_only_disk_says_so_in_the_operators_language(
    app: KioskApp, fault: str, language: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if language == "hi":
            await pilot.press("f10")
        await app.station.call(FAULTS[fault])
        before = await app.station.call(state)
        await sign_in(pilot)
        login = app.screen
        await until(pilot, lambda: message(login) != "")

        assert isinstance(login, LoginScreen)  # not signed in
        assert app.operator is None
        assert message(login) == said(f"errors.{fault}", language)
        assert await app.station.call(state) == before  # no audit row, no failed-try count


async def test_a_cancellation_on_a_read_only_disk_says_so_and_the_receipt_stays_valid(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(110, 34)) as pilot:
        paid = await pay(app, cash(1_000_00))
        await open_receipts(pilot)
        modal = await open_cancel(pilot, paid.receipt_no)
        await app.station.call(read_only)
        before = await app.station.call(state)
        await fill_cancel(pilot, "Wrong account typed", SUPERVISOR, SUPERVISOR_PIN)

        assert pilot.app.screen is modal  # still open: the supervisor can retry
        assert message_of(modal) == said("errors.read_only")
        assert await app.station.call(state) == before
        assert (await app.station.call(receipt_detail, paid.receipt_no)).status == "valid"
