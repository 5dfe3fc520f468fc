"""``kiosk --config PATH`` as a counter starts every morning: the login shows from the few
values it needs while the whole config is checked and the database opened behind it; a
config that fails the check stops the counter with plain lines, before anyone signs in."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from kiosk.app import counter_app
from kiosk.cli import counter_screen_config, main
from kiosk.config import load_settings
from kiosk.config_file import ConfigError
from kiosk.screens.login import LoginScreen
from kiosk.screens.lookup import LookupScreen
from tests.ui.support import OPERATOR, OPERATOR_PIN, prepare_counter, sign_in

SIZE = (100, 30)


def write_config(folder: Path, extra: str = "") -> Path:
    config = folder / "kiosk.toml"
    config.write_text(
        '[counter]\nid = "CSC-LKO-0001"\nname = "Gram Sarai Kendra"\n'
        f'[operator]\ndefault_id = "{OPERATOR}"\n'
        f'[storage]\ndata_dir = "data"\n[printer]\nkind = "file"\nfile_path = "slips.bin"\n'
        + extra,
        encoding="utf-8",
    )
    return config


async def test_the_login_shows_from_the_file_and_signing_in_waits_for_the_database(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path)
    prepare_counter(load_settings(config))
    app = counter_app(config)
    assert app.station.settings is None  # not checked yet: that happens behind the login
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert "Gram Sarai Kendra (CSC-LKO-0001)" in str(screen.query_one("#counter").render())
        assert screen.query_one("#operator", Input).value == OPERATOR
        await sign_in(pilot, OPERATOR, OPERATOR_PIN)
        for _ in range(100):
            if isinstance(app.screen, LookupScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, LookupScreen)
        assert app.station.settings.counter.name == "Gram Sarai Kendra"


async def test_a_config_that_fails_the_check_stops_the_counter_with_plain_lines(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "[receipt]\n")
    config.write_text(config.read_text().replace('kind = "file"', 'kind = "file"\npaper_mm = 70'))
    app = counter_app(config)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2
    said = " ".join(capfd.readouterr().err.split())
    assert f"kiosk: {config}: printer.paper_mm: must be 58 or 80, got 70" in said


def test_a_file_that_cannot_be_read_is_refused_before_the_screen_starts(tmp_path: Path) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[counter\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        counter_app(bad)
    assert caught.value.lines[0].startswith(f"{bad}: not valid TOML")


def test_kiosk_with_an_unreadable_config_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "missing.toml")]) == 2
    assert capsys.readouterr().err == f"kiosk: {tmp_path / 'missing.toml'}: file not found\n"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], (True, None)),
        (["--config", "a.toml"], (True, Path("a.toml"))),
        (["--config=a.toml"], (True, Path("a.toml"))),
        (["--demo"], (False, None)),
        (["--help"], (False, None)),
        (["--config", "a.toml", "status"], (False, None)),
    ],
)
def test_only_the_counter_screen_takes_the_quick_way_in(words, expected) -> None:
    assert counter_screen_config(words) == expected
