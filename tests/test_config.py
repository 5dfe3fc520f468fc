"""kiosk/config.py: where the config comes from, what it may say, and how it says no."""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs
import pytest
from pydantic import BaseModel

from kiosk.config import ConfigError, KioskSettings, basics_of, find_config, load_settings
from kiosk.config_file import SCALARS, SECTIONS, Basics, read_config

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"

# The smallest config that loads: everything but [counter] has defaults.
COUNTER = '[counter]\nid = "CSC-LKO-0042"\nname = "Test counter"\n'
SECRET = "s3cr3t-BEARER-7f3a9c"


@pytest.fixture(autouse=True)
def _no_kiosk_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No KIOSK_* variable from the developer's shell, and no real user config dir."""
    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(platformdirs, "user_config_path", lambda app: tmp_path / "no-user-dir")


def write(tmp_path: Path, text: str, name: str = "kiosk.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def only_problem(tmp_path: Path, text: str, key: str) -> str:
    """The rule of the single problem a config has, after checking it names file and key."""
    path, lines = problems(tmp_path, text)
    assert len(lines) == 1, lines
    prefix = f"{path}: {key}: "
    assert lines[0].startswith(prefix), lines[0]
    return lines[0].removeprefix(prefix)


def problems(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    """Write a config that must be refused; return its path and the error lines."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.lines, "a ConfigError must say what is wrong"
    return path, caught.value.lines


# --- config.example.toml -----------------------------------------------------------------


def test_example_config_loads_with_the_values_it_documents() -> None:
    settings = load_settings(EXAMPLE)
    assert settings.counter.id == "CSC-LKO-0001"
    assert settings.counter.default_discom in settings.counter.discoms
    assert settings.printer.kind == "usb"
    assert settings.printer.usb_vendor_id == 0x0416
    assert settings.printer.usb_product_id == 0x5011
    assert settings.central.url is not None
    assert settings.central.url.startswith("https://")
    assert settings.payments.minimum_partial == 100 * 100
    assert settings.payments.cash_limit_per_day == 2_00_000 * 100


def _example_keys_by_section() -> dict[str, set[str]]:
    """Keys written in the example (commented-out ones count), by [section]; "" = top."""
    keys: dict[str, set[str]] = {"": set()}
    section = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        header = re.fullmatch(r"\s*\[([A-Za-z0-9_]+)\]\s*", line)
        if header:
            section = header[1]
            keys.setdefault(section, set())
            continue
        key = re.match(r"\s*#?\s*([a-z_][a-z0-9_]*)\s*=", line)
        if key:
            keys[section].add(key[1])
    return keys


def test_example_config_documents_every_section_and_key() -> None:
    documented = _example_keys_by_section()
    missing = []
    for name, field in KioskSettings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            if name not in documented:
                missing.append(f"[{name}]")
                continue
            missing += [
                f"{name}.{key}" for key in model.model_fields if key not in documented[name]
            ]
        elif name not in documented[""]:
            missing.append(name)
    assert missing == []


# --- find_config ---------------------------------------------------------------------------


@pytest.fixture
def candidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """One config file in each place find_config looks."""
    user_dir = tmp_path / "user-config"
    user_dir.mkdir()
    monkeypatch.setattr(platformdirs, "user_config_path", lambda app: user_dir)
    workdir = tmp_path / "work"
    workdir.mkdir()
    files = {
        "explicit": tmp_path / "explicit.toml",
        "env": tmp_path / "from-env.toml",
        "cwd": workdir / "kiosk.toml",
        "user": user_dir / "kiosk.toml",
    }
    for path in files.values():
        path.write_text(COUNTER, encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(files["env"]))
    return files


def test_find_config_explicit_path_beats_everything(candidates: dict[str, Path]) -> None:
    found = find_config(candidates["explicit"], cwd=candidates["cwd"].parent)
    assert found == candidates["explicit"]


def test_find_config_kiosk_config_variable_beats_local_and_user_files(
    candidates: dict[str, Path],
) -> None:
    assert find_config(None, cwd=candidates["cwd"].parent) == candidates["env"]


def test_find_config_environ_argument_is_used_instead_of_os_environ(
    candidates: dict[str, Path], tmp_path: Path
) -> None:
    other = tmp_path / "other.toml"
    assert find_config(None, environ={"KIOSK_CONFIG": str(other)}) == other


def test_find_config_local_kiosk_toml_beats_user_config_dir(
    candidates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG")
    assert find_config(None, cwd=candidates["cwd"].parent) == candidates["cwd"]


def test_find_config_falls_back_to_user_config_dir(
    candidates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG")
    candidates["cwd"].unlink()
    assert find_config(None, cwd=candidates["cwd"].parent) == candidates["user"]


def test_find_config_is_none_when_no_file_exists(
    candidates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG")
    candidates["cwd"].unlink()
    candidates["user"].unlink()
    assert find_config(None, cwd=candidates["cwd"].parent) is None


def test_find_config_ignores_a_directory_named_kiosk_toml(
    candidates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG")
    candidates["cwd"].unlink()
    candidates["cwd"].mkdir()
    assert find_config(None, cwd=candidates["cwd"].parent) == candidates["user"]


def test_no_config_file_error_says_how_to_get_one() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None)
    assert len(caught.value.lines) == 1
    assert "config.example.toml" in caught.value.lines[0]
    assert "--config" in caught.value.lines[0]


# --- environment overrides ------------------------------------------------------------------


def test_env_variable_overrides_the_file_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, COUNTER)
    monkeypatch.setenv("KIOSK_COUNTER__ID", "CSC-ENV-0007")
    assert load_settings(path).counter.id == "CSC-ENV-0007"


def test_env_variable_overrides_one_key_and_keeps_the_rest_of_the_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path,
        COUNTER + '[printer]\nkind = "usb"\nusb_vendor_id = "0x0416"\nusb_product_id = "0x5011"\n',
    )
    monkeypatch.setenv("KIOSK_PRINTER__USB_PRODUCT_ID", "0x5012")
    printer = load_settings(path).printer
    assert (printer.kind, printer.usb_vendor_id, printer.usb_product_id) == ("usb", 0x0416, 0x5012)


def test_env_paper_width_58_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, COUNTER + "[printer]\npaper_mm = 80\n")
    monkeypatch.setenv("KIOSK_PRINTER__PAPER_MM", "58")
    assert load_settings(path).printer.paper_mm == 58


def test_env_list_value_is_read_as_json_and_names_are_not_case_sensitive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, COUNTER)
    monkeypatch.setenv("kiosk_counter__discoms", '["MVVNL", "DVVNL"]')
    monkeypatch.setenv("KIOSK_LANGUAGE", "hi")
    settings = load_settings(path)
    assert (settings.counter.discoms, settings.language) == (["MVVNL", "DVVNL"], "hi")


def test_env_whole_section_as_json_merges_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, COUNTER + "[printer]\npaper_mm = 80\n")
    monkeypatch.setenv("KIOSK_PRINTER", '{"paper_mm": 58}')
    assert load_settings(path).printer.paper_mm == 58


def test_env_variables_that_name_no_setting_are_left_alone_but_unknown_keys_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, COUNTER)
    monkeypatch.setenv("KIOSK_SOMETHING_ELSE", "x")
    assert load_settings(path).counter.id
    monkeypatch.setenv("KIOSK_PRINTER__PAPER", "58")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.lines == [
        "environment KIOSK_PRINTER__PAPER: printer.paper: is not a known key"
        " (see config.example.toml)"
    ]


@pytest.mark.parametrize(
    ("variable", "value", "expected_start"),
    [
        (
            "KIOSK_PRINTER__PAPER_MM",
            "70",
            "environment KIOSK_PRINTER__PAPER_MM: printer.paper_mm: must be 58 or 80, got ",
        ),
        (
            "KIOSK_OPERATOR__IDLE_LOCK_MINUTES",
            "0",
            "environment KIOSK_OPERATOR__IDLE_LOCK_MINUTES: operator.idle_lock_minutes: "
            "must be at least 1, got ",
        ),
    ],
)
def test_bad_env_value_names_the_variable_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected_start: str
) -> None:
    monkeypatch.setenv(variable, value)
    path, lines = problems(tmp_path, COUNTER)
    assert len(lines) == 1
    assert lines[0].startswith(expected_start)
    assert value in lines[0][len(expected_start) :]
    assert str(path) not in lines[0]


# --- bad config files: one line per problem, naming file, key and rule ----------------------


def test_bad_paper_width_names_file_key_and_rule(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, COUNTER + "[printer]\npaper_mm = 70\n")
    assert lines == [f"{path}: printer.paper_mm: must be 58 or 80, got 70"]


def test_unknown_keys_are_each_named_with_their_section(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, 'colour = "blue"\n' + COUNTER + "[printer]\nspeed = 3\n")
    assert sorted(lines) == [
        f"{path}: colour: is not a known key (see config.example.toml)",
        f"{path}: printer.speed: is not a known key (see config.example.toml)",
    ]


def test_missing_counter_section_is_required(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, 'language = "hi"\n')
    assert lines == [f"{path}: counter: is required"]


def test_missing_counter_id_is_required(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, '[counter]\nname = "Test counter"\n')
    assert lines == [f"{path}: counter.id: is required"]


@pytest.mark.parametrize("bad_id", ["CSC 0042", "X", "CSC-LKO-0042-EXTRA-LONG", "-CSC"])
def test_bad_counter_id_explains_the_id_rule(tmp_path: Path, bad_id: str) -> None:
    path, lines = problems(tmp_path, f'[counter]\nid = "{bad_id}"\nname = "Test counter"\n')
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: counter.id: must be 2-20 capital letters")
    assert repr(bad_id) in lines[0]


def test_counter_id_is_upper_cased(tmp_path: Path) -> None:
    path = write(tmp_path, '[counter]\nid = " csc-lko-0042 "\nname = "Test counter"\n')
    assert load_settings(path).counter.id == "CSC-LKO-0042"


@pytest.mark.parametrize("amount", ['"-100"', "-100"])
def test_negative_money_is_refused(tmp_path: Path, amount: str) -> None:
    assert "negative" in only_problem(
        tmp_path, COUNTER + f"[payments]\nminimum_partial = {amount}\n", "payments.minimum_partial"
    )


def test_money_with_fractions_of_a_paisa_is_refused(tmp_path: Path) -> None:
    assert "decimal" in only_problem(
        tmp_path,
        COUNTER + '[payments]\ncash_limit_per_day = "100.005"\n',
        "payments.cash_limit_per_day",
    )


def test_bad_vpa_is_refused_with_the_vpa_rule(tmp_path: Path) -> None:
    text = COUNTER + '[upi]\npayee_vpa = "counter at bank"\npayee_name = "MVVNL"\n'
    assert "@" in only_problem(tmp_path, text, "upi.payee_vpa")


def test_vpa_is_lower_cased(tmp_path: Path) -> None:
    path = write(tmp_path, COUNTER + '[upi]\npayee_vpa = "MVVNL.Counter@SBI"\npayee_name = "M"\n')
    assert load_settings(path).upi.payee_vpa == "mvvnl.counter@sbi"


def test_payee_vpa_without_payee_name_asks_for_the_name(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, COUNTER + '[upi]\npayee_vpa = "mvvnl.counter@sbi"\n')
    assert lines == [f"{path}: upi.payee_name: is required with payee_vpa"]


def test_plain_http_to_another_host_is_refused(tmp_path: Path) -> None:
    text = COUNTER + '[central]\nurl = "http://central.example.org/"\n'
    path, lines = problems(tmp_path, text)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: central.url: must use https://")
    assert "allow_insecure_http" in lines[0]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787"]
)
def test_plain_http_to_this_machine_is_allowed(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, COUNTER + f'[central]\nurl = "{url}"\n')
    assert load_settings(path).central.url == url


@pytest.mark.parametrize(
    "url", ["HTTP://central.example.org/", "Http://10.0.0.5:8000", "hTTp://[2001:db8::1]/"]
)
def test_plain_http_in_capitals_is_refused_too(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, COUNTER + f'[central]\nurl = "{url}"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "must use https://" in caught.value.lines[0]


def test_a_scheme_in_capitals_is_kept_in_lower_case(tmp_path: Path) -> None:
    path = write(tmp_path, COUNTER + '[central]\nurl = "HTTPS://Central.example.org/api/"\n')
    assert load_settings(path).central.url == "https://Central.example.org/api"


def test_plain_http_to_another_host_allowed_when_insecure_http_is_set(tmp_path: Path) -> None:
    text = COUNTER + '[central]\nurl = "http://10.0.0.5:8787/"\nallow_insecure_http = true\n'
    path = write(tmp_path, text)
    assert load_settings(path).central.url == "http://10.0.0.5:8787"


def test_empty_central_url_means_offline(tmp_path: Path) -> None:
    path = write(tmp_path, COUNTER + '[central]\nurl = ""\n')
    assert load_settings(path).central.url is None


def test_network_printer_without_host_names_the_host_key(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, COUNTER + '[printer]\nkind = "network"\n')
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: printer.host: is required when kind is ")


def test_usb_ids_written_in_hex_parse_to_integers(tmp_path: Path) -> None:
    text = (
        COUNTER + '[printer]\nkind = "usb"\nusb_vendor_id = "0x0416"\nusb_product_id = "0x5011"\n'
    )
    printer = load_settings(write(tmp_path, text)).printer
    assert printer.usb_vendor_id == 1046  # 4*256 + 1*16 + 6
    assert printer.usb_product_id == 20497  # 5*4096 + 1*16 + 1


def test_usb_id_above_ffff_is_refused(tmp_path: Path) -> None:
    text = COUNTER + '[printer]\nkind = "usb"\nusb_vendor_id = "0x10000"\nusb_product_id = 1\n'
    assert "65535" in only_problem(tmp_path, text, "printer.usb_vendor_id")


def test_invalid_toml_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, COUNTER + "[printer\npaper_mm = 80\n")
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: not valid TOML")
    assert "line 4" in lines[0]


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "kiosk.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.lines == [f"{path}: file not found"]


def test_directory_instead_of_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith(f"{tmp_path}: ")


def test_default_discom_must_be_one_of_the_counters_discoms(tmp_path: Path) -> None:
    text = COUNTER + 'discoms = ["MVVNL", "PUVVNL"]\ndefault_discom = "PVVNL"\n'
    path, lines = problems(tmp_path, text)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: counter.default_discom: must be one of counter.discoms")
    assert "MVVNL, PUVVNL" in lines[0]


def test_every_problem_in_a_file_gets_its_own_line(tmp_path: Path) -> None:
    text = (
        '[counter]\nid = "bad id"\nname = "Test counter"\n'
        "[printer]\npaper_mm = 70\nspeed = 3\n"
        "[operator]\nmax_pin_attempts = 1\n"
    )
    path, lines = problems(tmp_path, text)
    keys = sorted(line.split(": ")[1] for line in lines)
    assert keys == ["counter.id", "operator.max_pin_attempts", "printer.paper_mm", "printer.speed"]
    assert all(line.startswith(f"{path}: ") and "\n" not in line for line in lines)
    assert str(ConfigError(lines)) == "\n".join(lines)


@pytest.mark.parametrize(
    ("section", "key", "shown"),
    [
        ('[printer]\nkind = "network"\n', "printer.host", "network"),
        (
            '[printer]\nkind = "usb"\nusb_vendor_id = "zz"\nusb_product_id = 1\n',
            "printer.usb_vendor_id",
            "zz",
        ),
        ('[central]\nurl = "ftp://central.example.org/"\n', "central.url", "ftp://"),
        ('default_discom = "PVVNL"\n', "counter.default_discom", "PVVNL"),
    ],
    ids=["printer-kind", "usb-id", "url-scheme", "default-discom"],
)
def test_rule_messages_show_the_offending_value(
    tmp_path: Path, section: str, key: str, shown: str
) -> None:
    path, lines = problems(tmp_path, COUNTER + section)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: {key}: ")
    rule = lines[0].removeprefix(f"{path}: {key}: ")
    assert "{" not in rule, rule
    assert shown in rule


@pytest.mark.parametrize(
    "central",
    [
        "token = 987654321987\n",
        f'token = ["{SECRET}"]\n',
        f'token = {{ value = "{SECRET}" }}\n',
        f'tokn = "{SECRET}"\n',
        f'token = "{SECRET}"\nurl = "http://central.example.org/"\nbatch_size = 0\n',
        f'token = "{SECRET}"\nurl = "ftp://central.example.org/"\n',
    ],
    ids=["int", "list", "table", "misspelt-key", "other-errors", "bad-url"],
)
def test_token_is_never_echoed_in_an_error(tmp_path: Path, central: str) -> None:
    secret = "987654321987" if "987654321987" in central else SECRET
    _, lines = problems(tmp_path, COUNTER + "[central]\n" + central)
    assert all(secret not in line for line in lines), lines
    assert secret not in str(ConfigError(lines))


def test_token_from_environment_is_not_echoed_when_it_is_bad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CENTRAL__TOKEN", SECRET)
    monkeypatch.setenv("KIOSK_CENTRAL__BATCH_SIZE", "0")
    _, lines = problems(tmp_path, COUNTER)
    assert lines and all(SECRET not in line for line in lines)


def test_token_is_hidden_in_the_settings_repr(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, COUNTER + f'[central]\ntoken = "{SECRET}"\n'))
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())


# --- central.resolved_token -----------------------------------------------------------------


def test_resolved_token_prefers_the_config_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", "from-environment")
    central = load_settings(write(tmp_path, COUNTER + f'[central]\ntoken = "{SECRET}"\n')).central
    assert central.resolved_token() == SECRET
    assert central.resolved_token({"KIOSK_CENTRAL_TOKEN": "other"}) == SECRET


def test_resolved_token_reads_the_variable_named_by_token_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    central = load_settings(
        write(tmp_path, COUNTER + '[central]\ntoken_env = "LKO_CENTRAL_BEARER"\n')
    ).central
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", "not-this-one")
    monkeypatch.setenv("LKO_CENTRAL_BEARER", SECRET)
    assert central.resolved_token() == SECRET
    assert central.resolved_token({"LKO_CENTRAL_BEARER": "given"}) == "given"


def test_resolved_token_default_variable_is_kiosk_central_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    central = load_settings(write(tmp_path, COUNTER)).central
    monkeypatch.setenv("KIOSK_CENTRAL_TOKEN", SECRET)
    assert central.resolved_token() == SECRET


def test_resolved_token_is_none_without_token_or_variable(tmp_path: Path) -> None:
    central = load_settings(write(tmp_path, COUNTER)).central
    assert central.resolved_token() is None
    assert central.resolved_token({"KIOSK_CENTRAL_TOKEN": ""}) is None


def test_empty_config_token_falls_back_to_the_environment(tmp_path: Path) -> None:
    central = load_settings(write(tmp_path, COUNTER + '[central]\ntoken = ""\n')).central
    assert central.resolved_token({"KIOSK_CENTRAL_TOKEN": SECRET}) == SECRET


# --- money written in rupees ----------------------------------------------------------------


def test_money_in_config_is_rupees_held_as_paise(tmp_path: Path) -> None:
    text = COUNTER + '[payments]\nminimum_partial = "100"\ncash_limit_per_day = "2,00,000"\n'
    payments = load_settings(write(tmp_path, text)).payments
    assert payments.minimum_partial == 10000
    assert payments.cash_limit_per_day == 20000000


def test_money_as_a_toml_integer_is_rupees_too(tmp_path: Path) -> None:
    text = COUNTER + "[payments]\nminimum_partial = 250\n"
    assert load_settings(write(tmp_path, text)).payments.minimum_partial == 250 * 100


def test_money_as_a_toml_float_is_refused(tmp_path: Path) -> None:
    path, lines = problems(tmp_path, COUNTER + "[payments]\nminimum_partial = 100.5\n")
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: payments.minimum_partial: ")


def test_relative_paths_in_the_file_are_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    conf_dir = tmp_path / "etc"
    conf_dir.mkdir()
    path = write(
        conf_dir,
        COUNTER
        + '[data]\ntariff_file = "tariff.toml"\nscheme_file = "/abs/relief.toml"\n'
        + '[storage]\ndata_dir = "data"\n',
    )
    settings = load_settings(path)
    assert settings.data.tariff_file == conf_dir / "tariff.toml"
    assert settings.data.scheme_file == Path("/abs/relief.toml")
    assert settings.storage.data_dir == conf_dir / "data"


def test_a_whole_section_in_the_environment_that_is_not_json_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_COUNTER", "abc")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, COUNTER))
    assert caught.value.lines == [
        "environment KIOSK_COUNTER: a whole section must be written as JSON; "
        "set single keys as KIOSK_COUNTER__KEY instead"
    ]


@pytest.mark.parametrize("key", ["_env_prefix = 5", "_cli_parse_args = true"])
def test_underscore_keys_never_reach_the_settings_machinery(tmp_path: Path, key: str) -> None:
    path = write(tmp_path, key + "\n" + COUNTER)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    name = key.split(" ")[0]
    assert caught.value.lines == [f"{path}: {name}: is not a known key (see config.example.toml)"]


def test_cash_limit_may_be_lowered_but_never_raised_past_269st(tmp_path: Path) -> None:
    lower = load_settings(write(tmp_path, COUNTER + '[payments]\ncash_limit_per_day = "50000"\n'))
    assert lower.payments.cash_limit_per_day == 50_000_00
    path = write(tmp_path, COUNTER + '[payments]\ncash_limit_per_day = "50,00,000"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.lines == [
        f"{path}: payments.cash_limit_per_day: must be more than 0 and at most ₹2,00,000 "
        "(Income Tax Act s.269ST)"
    ]


def test_the_environment_reader_knows_every_table_and_key_of_the_settings() -> None:
    fields = KioskSettings.model_fields
    assert set(SECTIONS) | set(SCALARS) == set(fields)
    assert all(issubclass(fields[name].annotation, BaseModel) for name in SECTIONS)


def test_basics_read_as_written_fall_back_on_a_wrong_type() -> None:
    basics = Basics.from_data(
        {
            "counter": {"id": "csc-1", "name": "Kendra"},
            "operator": {"idle_lock_minutes": "ten", "default_id": "OP1"},
            "central": {"url": "https://central.example"},
            "language": "xx",
        }
    )
    assert basics == Basics("CSC-1", "Kendra", "en", "OP1", 10.0, True)


def test_basics_of_checked_settings_match_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, COUNTER + '[operator]\ndefault_id = "OP7"\nidle_lock_minutes = 3\n')
    settings = load_settings(path)
    from_file = Basics.from_data(read_config(path))
    assert basics_of(settings) == from_file
    assert from_file.default_operator_id == "OP7" and from_file.idle_lock_minutes == 3
