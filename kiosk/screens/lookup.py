"""Finding the consumer: the home screen after login, one search box and a result list.

The box takes an account number (Enter opens the card at once: the counter's fast path),
a mobile number, or words of a name or place. The discom is shown beside the box; F6 or
a ``DVVNL:`` prefix changes it, and the counter remembers it for the next start.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from kiosk.domain.money import format_inr
from kiosk.screens.base import CounterScreen
from kiosk.services import preferences
from kiosk.services.consumer_search import (
    NAME_RESULTS,
    Found,
    LookupSetup,
    QueryProblem,
    find_consumers,
    lookup_setup,
    parse_query,
)
from kiosk.services.lookup import Lookup
from kiosk.widgets.text import Plain, PlainTable, TLabel

COLUMNS = ("account", "discom", "name", "address", "due")


class LookupScreen(CounterScreen):
    TITLE_KEY = "lookup.title"
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Enter", "lookup.key_find"),
        ("F6", "lookup.key_discom"),
        ("Esc", "lookup.key_clear"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6", "next_discom", show=False),
        Binding("down", "to_results", show=False),
        Binding("escape", "clear", show=False),
    ]
    CSS_PATH = "../styles/lookup.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.setup: LookupSetup | None = None
        self.discom = ""
        self.results: tuple[Lookup, ...] = ()
        self._busy = False

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="form"):
            with Horizontal(classes="lookup-row"):
                yield Plain("", id="discom")
                yield Input(id="query", max_length=120)
            yield TLabel("lookup.discom_name", values={"code": "", "name": ""}, id="discom-name")
            yield TLabel("lookup.hint", classes="hint")
        table: DataTable[str] = PlainTable(id="results", cursor_type="row", classes="-none")
        yield table

    async def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        await self._ensure_setup()

    async def _ensure_setup(self) -> LookupSetup | None:
        """The discoms and the remembered one (read once; again if the first read failed)."""
        if self.setup is None:
            outcome = await self.attempt(lookup_setup)
            if outcome.ok and outcome.value is not None and self.setup is None:
                self.setup = outcome.value
                self._show_discom(outcome.value.current)
        return self.setup

    # ----------------------------------------------------------------- the discom

    def _show_discom(self, code: str) -> None:
        self.discom = code
        self.query_one("#discom", Static).update(code)
        self.query_one("#discom-name", TLabel).set_key(
            "lookup.discom_name", code=code, name=self._discom_name(code)
        )

    def _discom_name(self, code: str) -> str:
        if self.setup is None:
            return code
        choice = self.setup.choice(code)
        return choice.name_hi if self.desk.language == "hi" and choice.name_hi else choice.name

    async def _switch_discom(self, code: str, *, announce: bool = True) -> bool:
        outcome = await self.attempt(preferences.remember_discom, code)
        if not outcome.ok or outcome.value is None:
            return False
        self._show_discom(outcome.value)
        if announce:
            name = self._discom_name(outcome.value)
            self.say(self.tr("lookup.discom_set", code=outcome.value, name=name), "ok")
        return True

    async def action_next_discom(self) -> None:
        if self.setup is None or self._busy:
            return
        if len(self.setup.discoms) < 2:
            self.say(self.tr("lookup.discom_only", code=self.discom), "info")
            return
        await self._switch_discom(self.setup.after(self.discom))

    # ----------------------------------------------------------------- searching

    @on(Input.Submitted, "#query")
    async def _search(self, event: Input.Submitted) -> None:
        setup = await self._ensure_setup()
        if setup is None or self._busy:
            return
        parsed = parse_query(event.value, setup, self.discom)
        if isinstance(parsed, QueryProblem):
            self.say(self.tr(f"lookup.bad_{parsed.code}", **parsed.values), "error")
            return
        switching = parsed.prefixed and (parsed.discom != self.discom or parsed.kind == "discom")
        if switching and not await self._switch_discom(
            parsed.discom, announce=parsed.kind == "discom"
        ):
            return
        if parsed.kind == "discom":
            self.query_one("#query", Input).value = ""
            return
        self._busy = True
        self.say(self.tr("lookup.searching"), "info")
        try:
            outcome = await self.attempt(find_consumers, parsed, central=self.desk.station.central)
        finally:
            self._busy = False
        if outcome.ok and outcome.value is not None:
            self._found(outcome.value)

    def _found(self, found: Found) -> None:
        query, matches = found.query, found.matches
        if not matches:
            self._show_results(())
            self.say(self._not_found(found), "warning")
            return
        if len(matches) == 1 and query.kind != "name":
            self.say("", "info")
            self.open_card(matches[0])
            return
        self._show_results(matches)
        if query.kind == "name" and len(matches) >= NAME_RESULTS:
            self.say(self.tr("lookup.found_limit", n=len(matches)), "info")
        elif query.kind == "name":
            self.say(self.tr("lookup.found_many", n=len(matches)), "info")
        else:
            mobile = query.mobile if found.tried_mobile else query.value
            self.say(self.tr("lookup.mobile_many", n=len(matches), mobile=mobile), "info")
        self.query_one("#results", DataTable).focus()

    def _not_found(self, found: Found) -> str:
        query = found.query
        if query.kind == "account" and found.tried_mobile:
            return self.tr(
                "lookup.not_found_account_mobile", account=query.value, discom=query.discom
            )
        if query.kind == "account":
            return self.tr("lookup.not_found_account", account=query.value, discom=query.discom)
        if query.kind == "mobile":
            return self.tr("lookup.not_found_mobile", mobile=query.value)
        return self.tr("lookup.not_found_name", text=query.value)

    # ----------------------------------------------------------------- the list

    def _show_results(self, matches: tuple[Lookup, ...]) -> None:
        self.results = matches
        table = self.query_one("#results", DataTable)
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(self.tr(f"lookup.col_{column}"), key=column)
        hindi = self.desk.language == "hi"
        for index, found in enumerate(matches):
            c = found.snapshot.consumer
            name = c.name_hi if hindi and c.name_hi else c.name
            if c.meter_type == "prepaid":
                name = f"{name} ({self.tr('consumer.meter_prepaid')})"
            table.add_row(
                c.account_no,
                c.discom,
                name,
                c.address,
                format_inr(found.outstanding_paise),
                key=str(index),
            )
        table.set_class(not matches, "-none")

    def action_to_results(self) -> None:
        if self.results:
            self.query_one("#results", DataTable).focus()

    @on(DataTable.RowSelected, "#results")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        index = int(event.row_key.value or 0)
        if 0 <= index < len(self.results):
            self.open_card(self.results[index])

    def open_card(self, found: Lookup) -> None:
        from kiosk.screens.consumer import ConsumerScreen

        self.app.push_screen(ConsumerScreen(found))

    # ----------------------------------------------------------------- reset and Esc

    def action_clear(self) -> None:
        """Esc: from the list back to the box; in the box, start again."""
        query = self.query_one("#query", Input)
        if not query.has_focus and self.results:
            query.focus()
            return
        self.reset()

    def reset(self) -> None:
        """The next consumer: an empty box, no list, no message (F2 from anywhere)."""
        query = self.query_one("#query", Input)
        query.value = ""
        self._show_results(())
        self.say("", "info")
        query.focus()

    def localise(self) -> None:
        if self.discom:
            self._show_discom(self.discom)
        if self.results:
            table = self.query_one("#results", DataTable)
            row = table.cursor_row
            self._show_results(self.results)
            table.move_cursor(row=row)
