"""The central's bearer token is never shown: not by the clerk's commands (whatever the
central answers, the right token or a wrong one, from the config or from the environment)
and not on any screen the operator can open. The logs are ``test_logs.py``'s."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.support.live_central import LiveCentral
from tests.ui.support import SUPERVISOR, SUPERVISOR_PIN, build_app, sign_in

WRONG_TOKEN = "wrong-token-Zq81xPw3nS"


def _write_config(tmp_path: Path, url: str, counter_id: str, token: str | None) -> str:
    path = tmp_path / "kiosk.toml"
    token_line = f'token = "{token}"\n' if token else ""
    path.write_text(
        f'[counter]\nid = "{counter_id}"\nname = "Token test"\ndiscoms = ["MVVNL"]\n'
        '[operator]\ndefault_id = "op1"\n'
        f'[storage]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        '[printer]\nkind = "dummy"\n'
        f'[central]\nurl = "{url}"\n{token_line}',
        encoding="utf-8",
    )
    return str(path)


def _everything_said(
    config: str, capsys: pytest.CaptureFixture[str], commands: list[list[str]]
) -> str:
    said = []
    for command in commands:
        out = io.StringIO()
        main(["--config", config, *command], out=out)
        captured = capsys.readouterr()
        said += [out.getvalue(), captured.out, captured.err]
    return "".join(said)


COMMANDS = [
    ["config", "check"],
    ["pay", "--account", "MVVNL:1234567890", "--amount", "100", "--mode", "cash", "--no-print"],
    ["sync"],
    ["status"],
    ["status", "--json"],
]


@pytest.mark.parametrize("where", ["config", "environment"])
@pytest.mark.parametrize("right", [True, False], ids=["right-token", "wrong-token"])
def test_no_command_prints_the_token(
    tmp_path: Path,
    live_central: LiveCentral,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    right: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    token = live_central.token if right else WRONG_TOKEN
    in_config = token if where == "config" else None
    if where == "environment":
        monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", token)
    config = _write_config(tmp_path, live_central.url, live_central.counter_id, in_config)
    said = _everything_said(config, capsys, COMMANDS)
    assert "events waiting" in said  # the commands ran and spoke
    if not right:
        assert "last problem:" in said or "stopped:" in said  # the central refused it
    assert token not in said
    assert token[:8] not in said  # not even a prefix


async def test_no_screen_shows_the_token(tmp_path: Path) -> None:
    """The status bar, the help, the task menu, the shift screen and the refused events,
    rendered whole, as a supervisor (who sees the most)."""
    secret = "screen-token-Yt55rBq0Lm"
    app = build_app(
        tmp_path,
        central={"url": "http://127.0.0.1:9/", "token": secret},
    )
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, SUPERVISOR, SUPERVISOR_PIN)
        for key in ("f1", "escape", "f7", "escape", "f9", "escape"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(app.export_screenshot())
    assert len(seen) == 6
    assert "Sunita Verma" in "".join(seen) or SUPERVISOR in "".join(seen)
    assert not [shot for shot in seen if secret in shot or secret[:8] in shot]
