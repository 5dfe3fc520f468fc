"""Text that looks like Rich/Textual markup is data, never markup, on every screen.

An operator may type ``[/]`` and a cached consumer's name, a central's reply or its
rejection reason may hold one: shown through a widget that parses markup, a malformed tag
raised MarkupError and closed the whole app, and a well-formed one (``[red]``,
``[@click=app.quit]``) was swallowed or made live. Each test drives the real app (real
database, real screens) with such text in every field the operator can type in, or in
every string field of the data shown, and checks the app is still running and shows the
text exactly as typed or received. Runs in about 17 s (the typed-text walk over ten
screens is 7 s of it).
"""

from __future__ import annotations

import ast
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

import kiosk.screens
import kiosk.widgets
from kiosk.app import KioskApp
from kiosk.i18n import LANGUAGES, Translator, catalogue
from kiosk.printer.connections import DummyConnection
from kiosk.screens.cancel_receipt import CancelReceiptScreen
from kiosk.screens.complaint import ComplaintScreen
from kiosk.screens.complaint_track import ComplaintTrackScreen
from kiosk.screens.consumer import ConsumerScreen
from kiosk.screens.lookup import LookupScreen
from kiosk.screens.new_connection import NewConnectionScreen
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.reading import ReadingScreen
from kiosk.screens.receipts import ReceiptDetailScreen, ReceiptsScreen
from kiosk.screens.recharge import RechargeScreen
from kiosk.screens.scheme import SchemeScreen
from kiosk.screens.shift import plain
from kiosk.services.lookup import Lookup, find_account
from kiosk.services.payments import record_payment
from kiosk.services.receipts import receipt_detail
from kiosk.widgets.message_line import MessageLine
from tests.services.factories import ACCOUNT, make_snapshot
from tests.services.support import cash
from tests.ui.support import SUPERVISOR, SUPERVISOR_PIN, build_app, message, sign_in, until
from tests.ui.test_dead_letters import open_dead_letters, reject

SIZE = (120, 40)
PREPAID = "2345678901"
# Every way a markup parser trips or obeys: a bare close, an unclosed tag, a style and an
# action. One string holds them all, so each field is tried once with every form.
HOSTILE = "12[/]34 [b [red]x[/red] [@click=app.quit]y[/]"
FORMS = ("[/]", "[b", "[red]x[/red]", "[@click=app.quit]x[/]")


def screen_text(screen: Screen[Any]) -> str:
    """Everything the screen's text widgets and tables show, as plain text."""
    parts = [str(widget.render()) for widget in screen.query(Static)]
    parts += [plain(w.content) for w in screen.query(Static) if not isinstance(w.content, str)]
    for table in screen.query(DataTable):
        parts += [str(cell) for row in table.ordered_rows for cell in table.get_row(row.key)]
    return "\n".join(parts)


def test_the_catalogue_carries_no_markup() -> None:
    """Screens show catalogue text literally (markup off): a tag in it would show as typed."""
    for language in LANGUAGES:
        for key, text in catalogue(language).items():
            assert not any(form in text for form in ("[/", "[b]", "[@", "[bold", "[dim")), key


@pytest.mark.parametrize("form", FORMS)
def test_translated_text_keeps_a_placeholder_value_as_it_is(form: str) -> None:
    """The Translator does not escape (nothing downstream parses): the value is unchanged."""
    assert form in Translator("en", strict=True)("errors.unexpected", detail=form)


def said(screen: Screen[Any]) -> str:
    """The screen's message line (a modal has its own, under another id)."""
    return "\n".join(str(line.render()) for line in screen.query(MessageLine))


# Widgets that read a str as markup; screens use Plain, TLabel, MessageLine and PlainTable.
PARSING_WIDGETS = {"Static", "Label", "Button", "DataTable", "Link", "Markdown"}


def test_no_screen_builds_a_widget_that_reads_its_text_as_markup() -> None:
    """The root of the fix, kept: a new screen gets literal widgets or this test fails."""
    sources = [
        *Path(kiosk.screens.__file__).parent.glob("*.py"),
        *Path(kiosk.widgets.__file__).parent.glob("*.py"),
    ]
    found = []
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            markup_off = any(
                k.arg == "markup" and getattr(k.value, "value", True) is False
                for k in node.keywords
            )
            if name in PARSING_WIDGETS and not markup_off:
                found.append(f"{source.name}:{node.lineno} {name}(...)")
    assert found == []


# --- what the operator types --------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> KioskApp:
    consumers = [make_snapshot(), make_snapshot(PREPAID, bill=False, meter_type="prepaid")]
    return build_app(tmp_path, printer=DummyConnection(), consumers=consumers)


async def _lookup(app: KioskApp, account: str = ACCOUNT) -> Lookup:
    found: Lookup | None = await app.station.call(find_account, "MVVNL", account)
    assert found is not None
    return found


async def _cancel_screen(app: KioskApp) -> CancelReceiptScreen:
    paid = await app.station.call(record_payment, cash(500_00, operator_id=SUPERVISOR))
    line = await app.station.call(receipt_detail, paid.receipt_no)
    return CancelReceiptScreen(line, "cash")


SCREENS: dict[str, Callable[[KioskApp], Any]] = {
    "lookup": lambda app: _as_async(LookupScreen()),
    "payment": lambda app: _with_lookup(app, PaymentScreen),
    "complaint": lambda app: _with_lookup(app, ComplaintScreen),
    "complaint number": lambda app: _as_async(ComplaintTrackScreen()),
    "scheme form": lambda app: _with_lookup(app, SchemeScreen),
    "reading": lambda app: _with_lookup(app, ReadingScreen),
    "new connection": lambda app: _as_async(NewConnectionScreen()),
    "recharge": lambda app: _with_lookup(app, RechargeScreen, PREPAID),
    "receipts search": lambda app: _as_async(ReceiptsScreen()),
    "cancel reason": _cancel_screen,
}


async def _as_async(screen: Screen[Any]) -> Screen[Any]:
    return screen


async def _with_lookup(app: KioskApp, make: Any, account: str = ACCOUNT) -> Screen[Any]:
    return make(await _lookup(app, account))


async def test_markup_typed_into_every_field_is_kept_as_typed_on_every_screen(
    app: KioskApp,
) -> None:
    """Every Input of the main flows gets the hostile text and Enter (a refusal echoes it,
    a search shows it); F10 redraws each screen in the other language."""
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SUPERVISOR, SUPERVISOR_PIN)
        home = app.screen
        tried: dict[str, int] = {}
        for name, make in SCREENS.items():
            screen = await make(app)
            await app.push_screen(screen)
            await pilot.pause()
            fields = list(screen.query(Input))
            for field in fields:
                if app.screen is not screen:  # an earlier Enter moved on: back to the form
                    while app.screen is not screen and len(app.screen_stack) > 2:
                        app.pop_screen()
                        await pilot.pause()
                field.value = HOSTILE
                field.post_message(Input.Submitted(field, HOSTILE))
                await pilot.pause()
                await app.workers.wait_for_complete()
                assert app.is_running, f"{name} #{field.id}"
                shown = said(screen)
                if "[" in shown:  # a refusal that echoes the field shows it whole
                    assert HOSTILE[:4] in shown and "[red]x[/red]" in shown, (name, shown)
            await pilot.press("f10")  # redrawn in the other language (left so for the next)
            await pilot.pause()
            assert app.is_running, name
            tried[name] = len(fields)
            while app.screen is not home:
                app.pop_screen()
                await pilot.pause()
        assert all(tried.values()), tried  # every screen had a field to try


async def test_the_lookup_echoes_a_typed_query_literally(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        for form in FORMS:
            query = app.screen.query_one("#query", Input)
            query.value = f"Nobody {form} here"
            query.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.is_running
            assert f"Nobody {form} here" in message(app.screen)  # "no name matches ..."


# --- what the data says -------------------------------------------------------------------


def hostile_snapshot() -> Any:
    return make_snapshot(
        name=f"Ram {HOSTILE} Kumar",
        name_hi=f"राम {HOSTILE}",
        address=f"Gali {HOSTILE}, Lucknow",
        division=f"EDD {HOSTILE}",
    )


async def test_a_cached_consumer_with_markup_in_every_text_field_is_shown_literally(
    tmp_path: Path,
) -> None:
    """Found by name, chosen, paid for and looked up among the receipts: the name, address
    and division show as cached at every step, in English and in Hindi."""
    app = build_app(tmp_path, printer=DummyConnection(), consumers=[hostile_snapshot()])
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press(*"Ram Kumar", "enter")  # the results table: name and address
        await until(pilot, lambda: HOSTILE in screen_text(app.screen))
        await pilot.press("enter")  # the chosen row: the consumer's card
        await until(pilot, lambda: isinstance(app.screen, ConsumerScreen))
        await pilot.pause()
        card = screen_text(app.screen)
        assert f"Ram {HOSTILE} Kumar" in card and f"Gali {HOSTILE}, Lucknow" in card
        await pilot.press("f10")
        await pilot.pause()
        assert f"राम {HOSTILE}" in screen_text(app.screen)
        await pilot.press("f10", "enter")  # to the payment screen
        await until(pilot, lambda: isinstance(app.screen, PaymentScreen))
        assert f"Ram {HOSTILE} Kumar" in screen_text(app.screen)
        await pilot.press("c", "enter")  # cash, the amount due: the confirm dialog
        await until(pilot, lambda: f"Ram {HOSTILE} Kumar" in screen_text(app.screen))
        await pilot.press("enter")  # saved: the done screen, then the receipts list
        await until(pilot, lambda: "done" in type(app.screen).__name__.lower())
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, ReceiptsScreen))
        await until(pilot, lambda: f"Ram {HOSTILE} Kumar" in screen_text(app.screen))
        await pilot.press("enter")  # from the search box to the list
        await pilot.pause()
        await pilot.press("enter")  # the receipt's detail
        await until(pilot, lambda: isinstance(app.screen, ReceiptDetailScreen))
        assert f"Ram {HOSTILE} Kumar" in screen_text(app.screen)
        assert app.is_running


class _HostileComplaints(BaseHTTPRequestHandler):
    """A central whose complaint reply holds markup in every string field."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {
                "complaint_no": f"CMP{HOSTILE}",
                "local_no": f"L{HOSTILE}",
                "status": HOSTILE,
                "category": HOSTILE,
                "account_no": f"12{HOSTILE}",
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def hostile_central() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileComplaints)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_a_complaint_reply_with_markup_in_every_field_is_shown_literally(
    tmp_path: Path, hostile_central: str
) -> None:
    app = build_app(
        tmp_path, printer=DummyConnection(), central={"url": hostile_central, "token": "t"}
    )
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = ComplaintTrackScreen()
        await app.push_screen(screen)
        await pilot.press(*"CMP-00001", "enter")
        await until(pilot, lambda: screen.found is not None or message(screen) != "")
        await pilot.pause()
        assert app.is_running
        shown = screen_text(screen) + message(screen)
        assert f"CMP{HOSTILE}" in shown, shown


async def test_a_rejection_reason_with_markup_is_shown_literally_on_f9(tmp_path: Path) -> None:
    app = build_app(tmp_path, printer=DummyConnection())
    async with app.run_test(size=SIZE) as pilot:
        paid = await app.station.call(record_payment, cash(1_000_00))
        reason = f"account_no: {HOSTILE} not known"
        await app.station.call(reject, paid.event_id, reason)
        screen = await open_dead_letters(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await pilot.pause()
        assert app.is_running
        shown = screen_text(screen)
        assert shown.count(reason) == 2, shown  # in its row and as the full reason below
        assert isinstance(screen.query_one("#dead-list", DataTable).get_row_at(0)[3], Text)
