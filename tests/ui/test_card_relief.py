"""The consumer card's relief-scheme line agrees with the scheme screen (S): the same first
reason, and "+N more (S)" when the screen lists more, on one line, in English and Hindi."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.widgets import Static

from kiosk.screens.consumer import ConsumerScreen
from kiosk.screens.scheme import SchemeScreen
from kiosk.widgets.consumer_card import ConsumerCard
from tests.services.factories import make_snapshot
from tests.ui.support import build_app, sign_in

SIZE = (110, 36)
SHOP = "2000000021"  # LMV-2 at 5 kW (limit 1 kW), postpaid, nothing owed: two reasons
RC = "2000000022"  # under a Recovery Certificate: the screen opens on the RC case


def consumers() -> list[Any]:
    return [
        make_snapshot(),
        make_snapshot(
            SHOP, name="Mohan Stores", category="lmv2-urban", load_kw=Decimal("5"), bill=False
        ),
        make_snapshot(RC, name="Rakesh Singh", status="rc"),
    ]


async def until(pilot: Any, condition: Callable[[], bool], timeout_s: float = 8.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def open_card(pilot: Any, account: str) -> ConsumerCard:
    await pilot.press(*account, "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConsumerScreen))
    card = pilot.app.screen.query_one(ConsumerCard)
    await until(pilot, lambda: card.details is not None)
    return card


def relief_line(card: ConsumerCard) -> str:
    return card.query_one("#card-relief", Static).render().plain  # type: ignore[union-attr]


async def scheme_screen(pilot: Any) -> SchemeScreen:
    await pilot.press("s")
    await until(pilot, lambda: isinstance(pilot.app.screen, SchemeScreen))
    screen = pilot.app.screen
    assert isinstance(screen, SchemeScreen)
    await until(pilot, lambda: screen.view is not None)
    return screen


def eligibility(screen: SchemeScreen) -> list[str]:
    text = screen.query_one("#scheme-eligibility", Static).render().plain  # type: ignore[union-attr]
    return text.splitlines()


async def test_the_card_gives_the_first_reason_and_counts_the_rest_the_screen_lists(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path, consumers=consumers())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        card = await open_card(pilot, SHOP)
        line = relief_line(card)
        assert line == (
            "Relief scheme (OTS): not eligible: load 5 kW is above the 1 kW limit for LMV-2."
            " +1 more (S)"
        )
        assert "\n" not in line  # one line on the card, not a list
        screen = await scheme_screen(pilot)
        reasons = eligibility(screen)[1:]
        assert len(reasons) == 2  # the first the card gave, and one more
        assert reasons[0] == "- load 5 kW is above the 1 kW limit for LMV-2."
        assert "nothing is owed" in reasons[1]


async def test_the_count_of_more_reasons_is_said_in_hindi_too(tmp_path: Path) -> None:
    app = build_app(tmp_path, consumers=consumers())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        card = await open_card(pilot, SHOP)
        await pilot.press("f10")
        await pilot.pause()
        line = relief_line(card)
        assert line.startswith("राहत योजना (ओटीएस): पात्र नहीं: भार 5 किलोवाट")
        assert line.endswith("+1 और कारण (S)")


async def test_an_rc_connection_is_eligible_on_the_card_as_on_the_scheme_screen(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path, consumers=consumers())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        card = await open_card(pilot, RC)
        assert relief_line(card) == "Relief scheme (OTS): eligible, phase 2 until 31.01.2026."
        screen = await scheme_screen(pilot)
        assert screen.case == "rc"
        assert screen.view is not None and screen.view.eligible
