"""``kiosk export-day`` as a clerk runs it: the day's CSV under the data folder (a new name
when one exists), ``--out`` and ``--date``, one-line refusals naming the argument, and the
role check (a supervisor's command: an operator id is refused with status 2, and the
supervisor's PIN is checked, since an id typed on the command line is only a claim)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.services.runtime import open_counter
from tests.support.cli_staff import (
    OPERATOR,
    SUPERVISOR,
    add_cli_staff,
    run_as,
    write_cli_config,
)

PAY = ["pay", "--account", "MVVNL:1234567890", "--amount", "1234.50", "--mode", "cash"]


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = write_cli_config(tmp_path, monkeypatch, "Export test")
    add_cli_staff(path)  # exporting the day is a supervisor's (kiosk.services.roles)
    return path


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_day_writes_todays_payments_and_a_new_file_each_time(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    assert main(["--config", config, *PAY, "--no-print"], out=out) == 0
    receipt_no = out.getvalue().split()[1].rstrip(":")
    out = io.StringIO()
    assert run_as(monkeypatch, config, SUPERVISOR, "export-day", out=out) == 0
    (first,) = sorted((tmp_path / "data" / "exports").glob("day-*.csv"))
    assert (
        out.getvalue() == f"1 payments of {first.stem[4:]} (₹1,234.50 valid) written to {first}\n"
    )
    (row,) = rows_of(first)
    assert (row["receipt_no"], row["amount_rupees"], row["mode"]) == (receipt_no, "1234.50", "cash")
    assert run_as(monkeypatch, config, SUPERVISOR, "export-day") == 0
    assert {p.name for p in first.parent.iterdir()} == {first.name, f"{first.stem}-2.csv"}


def test_export_day_to_a_chosen_file_for_a_chosen_day(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "office" / "old.csv"
    args = ["export-day", "--date", "2025-12-01", "--out", str(target)]
    out = io.StringIO()
    assert run_as(monkeypatch, config, SUPERVISOR, *args, out=out) == 0
    assert out.getvalue() == f"0 payments of 2025-12-01 (₹0.00 valid) written to {target}\n"
    assert rows_of(target) == []


def test_an_existing_out_file_is_refused_in_one_line_naming_the_argument(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("keep me", encoding="utf-8")
    assert run_as(monkeypatch, config, SUPERVISOR, "export-day", "--out", str(target)) == 2
    err = capsys.readouterr().err
    assert (
        err == f"kiosk export-day: error: argument --out: {target} already exists:"
        " choose another file name\n"
    )
    assert target.read_text(encoding="utf-8") == "keep me"


def test_a_bad_or_future_date_is_one_line_naming_the_argument(
    config: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as stopped:  # argparse refuses it before anything runs
        main(["--config", config, "export-day", "--date", "10-01-2026"])
    assert stopped.value.code == 2
    assert "argument --date: must be YYYY-MM-DD" in capsys.readouterr().err
    assert run_as(monkeypatch, config, SUPERVISOR, "export-day", "--date", "2999-01-01") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "argument --date: 2999-01-01 is in the future" in err


@pytest.mark.parametrize(
    ("operator", "said"),
    [
        (OPERATOR, "op1 is an operator: exporting"),
        ("nobody", "nobody is not known at this counter: exporting"),
    ],
)
def test_export_day_is_refused_to_an_operator_in_one_line_with_status_2(
    config: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    operator: str,
    said: str,
) -> None:
    assert run_as(monkeypatch, config, operator, "export-day") == 2  # with the right PIN too
    err = capsys.readouterr().err
    assert err == (
        f"kiosk export-day: error: {said} the day's payments is for a supervisor or an admin"
        " only. Nothing was changed.\n"
    )
    assert not (tmp_path / "data" / "exports").exists()


def _audit_actions(config: str) -> list[tuple[str, str]]:
    counter = open_counter(load_settings(Path(config)))
    try:
        rows = counter.conn.execute("SELECT operator_id, action FROM audit_log ORDER BY id")
        return [(row[0], row[1]) for row in rows]
    finally:
        counter.conn.close()


def test_a_supervisors_id_with_a_wrong_pin_exports_nothing_and_is_on_record(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_as(monkeypatch, config, SUPERVISOR, "export-day", pin="9999") == 2
    err = capsys.readouterr().err
    assert err.startswith("kiosk export-day: error: operator id or PIN is wrong")
    assert err.count("\n") == 1
    assert not (tmp_path / "data" / "exports").exists()
    assert _audit_actions(config)[-1] == (SUPERVISOR, "operator.command_refused")
    assert run_as(monkeypatch, config, SUPERVISOR, "export-day") == 0
    assert _audit_actions(config)[-2:] == [
        (SUPERVISOR, "operator.command"),
        (SUPERVISOR, "day.exported"),
    ]


def test_without_a_terminal_or_pin_stdin_it_says_how_to_give_the_pin(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe with nothing: not a terminal
    assert main(["--config", config, "export-day", "--operator", SUPERVISOR]) == 2
    err = capsys.readouterr().err
    assert err == (
        "kiosk export-day: error: argument --pin-stdin: this command is for a supervisor or an"
        " admin and needs their PIN: type it at the prompt, or pipe it in with --pin-stdin\n"
    )
    assert not (tmp_path / "data" / "exports").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_pin_is_asked_at_a_hidden_prompt(
    config: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal is the one stand-in here: getpass is replaced by a typist."""
    asked: list[str] = []

    def typist(prompt: str) -> str:
        asked.append(prompt)
        return "2580"

    monkeypatch.setattr("sys.stdin", _Terminal(""))
    monkeypatch.setattr("getpass.getpass", typist)
    assert main(["--config", config, "export-day", "--operator", SUPERVISOR]) == 0
    assert asked == ["PIN for sup1: "]
    assert len(list((tmp_path / "data" / "exports").glob("day-*.csv"))) == 1
