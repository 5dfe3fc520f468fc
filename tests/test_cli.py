"""The ``kiosk`` command: calculators, config check, and one-line usage errors.

(``kiosk --demo`` runs the counter screen: tests/ui/test_demo_mode.py drives it.)
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from kiosk.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"
SHIPPED_TARIFF = ROOT / "kiosk" / "data" / "tariff_uppcl_2025_26.toml"
COUNTER = '[counter]\nid = "CSC-LKO-0042"\nname = "Test counter"\n'

BILL = ["calc", "bill", "--category", "lmv1-urban", "--load-kw", "2", "--units", "250"]
BILL_FEB = [*BILL, "--month", "2026-02"]
RELIEF = ["calc", "relief", "--principal", "20000", "--surcharge", "10000"]
RELIEF_OK = [*RELIEF, "--registered-on", "2025-12-15", "--category", "lmv1", "--load-kw", "2"]

# LMV-1 urban domestic energy rates as published (paise per kWh), telescopic:
# 0-100 Rs 5.50, 101-150 Rs 5.50, 151-300 Rs 6.00, above 300 Rs 6.50.
LMV1_URBAN_SLABS = [(100, 550), (150, 550), (300, 600), (None, 650)]
# LMV-2 urban non-domestic above 4 kW: up to 1000 units Rs 7.50, above Rs 8.75.
LMV2_URBAN_BIG_LOAD_SLABS = [(1000, 750), (None, 875)]


def telescopic_energy_paise(units: int, slabs: list[tuple[int | None, int]]) -> int:
    """Each unit is charged at the rate of the slab it falls in."""
    total, lower = 0, 0
    for upper, rate in slabs:
        top = units if upper is None else min(units, upper)
        total += max(0, top - lower) * rate
        if upper is None or units <= upper:
            break
        lower = upper
    return total


def indian_grouping(rupees: int) -> str:
    """12345678 -> 1,23,45,678 (last three digits, then pairs)."""
    digits = str(rupees)
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail])


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No KIOSK_* variables, no ./kiosk.toml and no user config dir from the real machine."""
    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(platformdirs, "user_config_path", lambda app: tmp_path / "no-user-dir")


def run(argv: list[str]) -> tuple[int, str]:
    """main() in-process: (exit status, stdout); argparse's SystemExit counts as a status."""
    out = io.StringIO()
    try:
        code = main(argv, out=out)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def run_json(argv: list[str]) -> dict:
    code, out = run([*argv, "--json"])
    assert code == 0
    return json.loads(out)


# --- calc bill ------------------------------------------------------------------------------


def test_telescopic_helper_agrees_with_hand_arithmetic() -> None:
    assert telescopic_energy_paise(250, LMV1_URBAN_SLABS) == 100 * 550 + 50 * 550 + 100 * 600
    assert telescopic_energy_paise(400, LMV1_URBAN_SLABS) == 150 * 550 + 150 * 600 + 100 * 650


def test_calc_bill_json_has_the_breakdown_and_telescopic_energy() -> None:
    bill = run_json(BILL_FEB)
    for key in ("lines", "energy_paise", "fixed_paise", "duty_paise", "fppas_paise"):
        assert key in bill
    assert bill["energy_paise"] == 142500 == telescopic_energy_paise(250, LMV1_URBAN_SLABS)
    assert bill["fixed_paise"] == 2 * 110_00  # Rs 110 per kW per month, 2 kW
    assert bill["total_paise"] == sum(line["amount_paise"] for line in bill["lines"])
    energy_lines = [line for line in bill["lines"] if line["kind"] == "energy"]
    assert sum(line["amount_paise"] for line in energy_lines) == bill["energy_paise"]
    assert bill["total_paise"] == sum(
        bill[k] for k in ("energy_paise", "fixed_paise", "duty_paise", "fppas_paise")
    )


@pytest.mark.parametrize("units", [0, 1, 100, 101, 150, 151, 300, 301, 1234])
def test_calc_bill_energy_follows_the_published_slabs(units: int) -> None:
    bill = run_json(_bill_with("--units", str(units)))
    assert bill["units"] == units
    assert bill["energy_paise"] == telescopic_energy_paise(units, LMV1_URBAN_SLABS)
    assert bill["total_paise"] == sum(line["amount_paise"] for line in bill["lines"])


def test_calc_bill_table_shows_every_line_total_in_rupees_and_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["calc", "bill", "--category", "lmv2-urban", "--load-kw", "10", "--units", "20000"]
    argv += ["--month", "2026-02"]
    bill = run_json(argv)
    assert bill["energy_paise"] == telescopic_energy_paise(20000, LMV2_URBAN_BIG_LOAD_SLABS)
    total = bill["total_paise"]
    assert total >= 1_00_000_00  # at least a lakh of rupees, so Indian grouping shows

    code, table = run(argv)
    assert code == 0
    for line in bill["lines"]:
        assert line["label"] in table
    rupees, paise = divmod(total, 100)
    total_text = f"₹{indian_grouping(rupees)}.{paise:02d}"
    total_rows = [row for row in table.splitlines() if row.startswith("Total")]
    assert len(total_rows) == 1
    assert total_rows[0].endswith(total_text)
    words = [row for row in table.splitlines() if row.startswith("(") and row.endswith("only)")]
    assert len(words) == 1
    assert "lakh" in words[0]
    assert ("paise" in words[0]) == bool(paise)
    assert capsys.readouterr().err == ""


# --- calc relief ----------------------------------------------------------------------------


def test_calc_relief_in_phase_one_gives_three_options() -> None:
    quote = run_json(RELIEF_OK)
    assert quote["eligible"] is True
    options = {o["option"]: o for o in quote["options"]}
    assert list(options) == ["lump_sum", "emi_750", "emi_500"]
    principal, surcharge = 20000_00, 10000_00
    # Phase 1 (December 2025): rebate on the principal 25% lump sum, 10% / 5% by instalments;
    # the surcharge is waived in full in every option.
    for code, percent in (("lump_sum", 25), ("emi_750", 10), ("emi_500", 5)):
        rebate = principal * percent // 100
        assert options[code]["waived_paise"] == surcharge
        assert options[code]["rebate_paise"] == rebate
        assert options[code]["payable_paise"] == principal - rebate
    assert [o["payable_paise"] for o in quote["options"]] == [1500000, 1800000, 1900000]
    assert [o["rebate_paise"] for o in quote["options"]] == [500000, 200000, 100000]
    assert {o["waived_paise"] for o in quote["options"]} == {1000000}


def test_calc_relief_too_much_load_after_the_scheme_closed_gives_both_reasons() -> None:
    argv = [*RELIEF, "--registered-on", "2026-03-10", "--category", "lmv1", "--load-kw", "3"]
    quote = run_json(argv)
    assert quote["eligible"] is False
    assert quote["options"] == []
    reasons = quote["reasons"]
    assert len(reasons) == 2
    assert any("load" in r and "3" in r and "2" in r for r in reasons)
    assert any("closed" in r for r in reasons)


def test_calc_relief_table_says_eligible_and_lists_the_options() -> None:
    code, table = run(RELIEF_OK)
    assert code == 0
    assert "Eligible: yes" in table
    assert "Lump sum" in table
    assert "₹15,000.00" in table  # the lump sum payable: 20,000 less 25%


# --- bad arguments: status 2 and one line naming the argument -------------------------------


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out = run(argv)
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


def _bill_with(option: str, value: str) -> list[str]:
    argv = list(BILL_FEB)
    argv[argv.index(option) + 1] = value
    return argv


@pytest.mark.parametrize(
    ("argv", "argument"),
    [
        (_bill_with("--units", "-5"), "--units"),
        (_bill_with("--units", "abc"), "--units"),
        (_bill_with("--units", "2.5"), "--units"),
        (_bill_with("--load-kw", "0"), "--load-kw"),
        (_bill_with("--load-kw", "5000"), "--load-kw"),
        (_bill_with("--month", "2026-13"), "--month"),
        (_bill_with("--month", "2024-01"), "--month"),
        (_bill_with("--category", "lmv9"), "--category"),
        ([a for a in BILL_FEB if a not in ("--units", "250")], "--units"),
        (["calc", "relief", "--principal", "1.234", *RELIEF_OK[4:]], "--principal"),
        (["calc", "relief", "--principal", "-5", *RELIEF_OK[4:]], "--principal"),
        ([*RELIEF_OK[:5], "abc", *RELIEF_OK[6:]], "--surcharge"),
        ([*RELIEF, "--registered-on", "15-12-2025", *RELIEF_OK[8:]], "--registered-on"),
        ([*RELIEF_OK[:-2], "--load-kw", "0"], "--load-kw"),
    ],
    ids=[
        "units-negative",
        "units-abc",
        "units-fraction",
        "load-zero",
        "load-huge",
        "month-13",
        "month-before-tariff",
        "category-unknown",
        "units-missing",
        "principal-three-decimals",
        "principal-negative",
        "surcharge-abc",
        "registered-on-dd-mm-yyyy",
        "relief-load-zero",
    ],
)
def test_bad_argument_exits_2_with_one_line_naming_it(
    argv: list[str], argument: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(argv, capsys)
    assert argument in line
    assert line.startswith("kiosk")


def test_month_before_the_tariff_says_when_it_starts(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(_bill_with("--month", "2024-01"), capsys)
    assert "2025-04" in line


# --- config check ---------------------------------------------------------------------------


def test_config_check_bad_file_prints_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[counter]\nid = "bad id"\nname = "Test counter"\n[printer]\npaper_mm = 70\nspeed = 3\n',
        encoding="utf-8",
    )
    code, out = run(["config", "check", "--config", str(bad)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"kiosk config check: {bad}: ") for line in lines)
    assert {line.split(": ")[2] for line in lines} == {
        "counter.id",
        "printer.paper_mm",
        "printer.speed",
    }


def test_config_check_missing_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["config", "check", "--config", str(tmp_path / "absent.toml")], capsys)
    assert "absent.toml" in line and "not found" in line


def test_config_check_example_file_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["config", "check", "--config", str(EXAMPLE)])
    assert code == 0
    assert str(EXAMPLE) in out
    assert "CSC-LKO-0001" in out  # the counter id written in the example
    assert capsys.readouterr().err == ""


def test_config_check_finds_the_file_through_kiosk_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_CONFIG", str(EXAMPLE))
    code, out = run(["config", "check"])
    assert code == 0
    assert "CSC-LKO-0001" in out


def test_config_check_without_any_config_says_how_to_make_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = usage_error(["config", "check"], capsys)
    assert "config.example.toml" in line


# --- the counter itself ---------------------------------------------------------------------


def test_counter_without_config_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error([], capsys)
    assert "--config" in line


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["--version"])
    assert code == 0
    assert capsys.readouterr().out.startswith("kiosk ")


# --- data files are configurable ------------------------------------------------------------


def test_config_can_point_calc_at_a_replacement_tariff(tmp_path: Path) -> None:
    shipped = SHIPPED_TARIFF.read_text(encoding="utf-8")
    old_slab = '{ upto = 300, rate = "6.00" }'
    assert shipped.count(old_slab) == 1  # only LMV-1 urban has this 151-300 slab
    tariff = tmp_path / "tariff.toml"
    tariff.write_text(shipped.replace(old_slab, '{ upto = 300, rate = "7.00" }'), encoding="utf-8")
    config = tmp_path / "custom.toml"
    config.write_text(COUNTER + f"[data]\ntariff_file = '{tariff}'\n", encoding="utf-8")

    shipped_bill = run_json(BILL_FEB)
    custom_bill = run_json(["--config", str(config), *BILL_FEB])
    assert shipped_bill["energy_paise"] == 100 * 550 + 50 * 550 + 100 * 600
    assert custom_bill["energy_paise"] == 100 * 550 + 50 * 550 + 100 * 700
    assert custom_bill["total_paise"] > shipped_bill["total_paise"]


def test_broken_replacement_tariff_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "custom.toml"
    missing = tmp_path / "missing-tariff.toml"
    config.write_text(COUNTER + f"[data]\ntariff_file = '{missing}'\n", encoding="utf-8")
    line = usage_error(["--config", str(config), *BILL_FEB], capsys)
    assert str(missing) in line


# --- the installed entry point --------------------------------------------------------------


def test_installed_kiosk_script_runs_calc_bill(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "kiosk"
    if not script.exists():
        script = Path(shutil.which("kiosk") or "kiosk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    result = subprocess.run(
        [str(script), *BILL_FEB, "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["energy_paise"] == 142500


def test_calc_relief_theft_case_shows_the_compounding_fee_it_adds() -> None:
    argv = ["calc", "relief", "--principal", "50000", "--surcharge", "5000",
            "--registered-on", "2026-01-10", "--category", "lmv1", "--load-kw", "1",
            "--case", "theft", "--compounding-fee", "3000"]  # fmt: skip
    code, text = run(argv)
    assert code == 0
    assert "incl. compounding fee ₹3,000.00" in text
    (lump,) = run_json([*argv, "--json"])["options"]
    assert lump["compounding_fee_paise"] == 3000_00
    assert lump["payable_paise"] == (50000 - 50000 * 55 // 100 + 3000) * 100


def test_config_check_also_reads_the_data_files_it_points_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "kiosk.toml"
    conf.write_text(
        '[counter]\nid = "CSC-1"\nname = "x"\n[data]\ntariff_file = "missing-tariff.toml"\n',
        encoding="utf-8",
    )
    code, _ = run(["config", "check", "--config", str(conf)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"kiosk config check: {tmp_path / 'missing-tariff.toml'}: file not found"


def test_config_check_refuses_a_discom_the_data_does_not_know(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "kiosk.toml"
    conf.write_text('[counter]\nid = "CSC-1"\nname = "x"\ndiscoms = ["XYZVNL"]\n', "utf-8")
    assert run(["config", "check", "--config", str(conf)])[0] == 2
    assert "counter.discoms: XYZVNL not in the discoms data" in capsys.readouterr().err


def test_a_data_file_that_is_a_directory_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "kiosk.toml"
    conf.write_text(
        f'[counter]\nid = "CSC-1"\nname = "x"\n[data]\ntariff_file = "{tmp_path}"\n', "utf-8"
    )
    code, _ = run(["--config", str(conf), "calc", "bill", "--category", "lmv1-urban",
                   "--load-kw", "2", "--units", "1"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"kiosk calc bill: {tmp_path}: is a directory, not a data file"


@pytest.mark.parametrize(
    ("argument", "value"),
    [("--load-kw", "1_5"), ("--load-kw", "1e-999999"), ("--units", "9" * 5000)],
)
def test_odd_numbers_are_refused_not_misread(
    argument: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["calc", "bill", "--category", "lmv1-urban", "--load-kw", "2", "--units", "3"]
    argv[argv.index(argument) + 1] = value
    code, out = run(argv)
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and argument in err


def test_calc_bill_flags_an_over_bill_outlier_against_144_units_per_kw() -> None:
    base = ["calc", "bill", "--category", "lmv1-urban", "--load-kw", "1", "--month", "2026-02"]
    normal = run_json([*base, "--units", "200"])["over_bill"]
    assert normal["normative_units"] == 144 and normal["is_outlier"] is False
    high = run_json([*base, "--units", "400"])["over_bill"]
    assert high["is_outlier"] is True
    code, text = run([*base, "--units", "400"])
    assert code == 0 and "over-bill outlier, reassessed at 144 units" in text
