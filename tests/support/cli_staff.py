"""Staff with PINs for the command line's supervisor and admin commands (``export-day``,
``audit verify``, ``purge``), and a way to run one as them with the PIN piped in, as a
scheduled task would (``--pin-stdin``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.services.auth import create_first_supervisor, set_pin
from kiosk.services.operators import add_operator
from kiosk.services.runtime import open_counter

ADMIN = "adm1"
SUPERVISOR = "sup1"
OPERATOR = "op1"
PIN = "2580"


def write_cli_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> str:
    """A config file for ``kiosk`` commands, alone on this machine: its own data folder,
    no printer, no other config found (cwd, ``KIOSK_CONFIG``, the user folder)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[counter]\nid = "CSC-LKO-0001"\nname = "{name}"\ndiscoms = ["MVVNL"]\n'
        f'[operator]\ndefault_id = "{OPERATOR}"\n'
        f'[storage]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        '[printer]\nkind = "dummy"\n',
        encoding="utf-8",
    )
    return str(path)


def add_cli_staff(config: str | Path) -> None:
    """An admin, a supervisor and an operator, each with PIN, in the config's database."""
    counter = open_counter(load_settings(Path(config)))
    try:
        add_operator(counter, ADMIN, "Admin One", "admin")
        create_first_supervisor(counter, ADMIN, "Admin One", PIN)
        for who, role in ((SUPERVISOR, "supervisor"), (OPERATOR, "operator")):
            add_operator(counter, who, f"Staff {who}", role)
            set_pin(counter, who, PIN, by=ADMIN)
    finally:
        counter.conn.close()


def run_as(
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    who: str,
    *args: str,
    pin: str = PIN,
    out: io.StringIO | None = None,
) -> int:
    """``kiosk --config CONFIG ARGS --operator WHO --pin-stdin`` with ``pin`` on stdin."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{pin}\n"))
    argv = ["--config", config, *args, "--operator", who, "--pin-stdin"]
    return main(argv, out=out if out is not None else io.StringIO())
