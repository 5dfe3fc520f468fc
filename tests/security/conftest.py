"""The security tests use the service tests' real counter (a temporary SQLite file, a clock
and randomness the test controls) and a CLI config of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.services.conftest import clock, counter, entropy, settings, supervisor, wakes

__all__ = ["clock", "counter", "entropy", "settings", "supervisor", "wakes"]


@pytest.fixture
def cli_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A config file for ``kiosk`` commands, with its own data folder and no printer."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[counter]\nid = "CSC-LKO-0001"\nname = "Security test"\ndiscoms = ["MVVNL"]\n'
        '[operator]\ndefault_id = "op1"\n'
        f'[storage]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        '[printer]\nkind = "dummy"\n',
        encoding="utf-8",
    )
    return str(path)
