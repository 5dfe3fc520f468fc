"""Every parser and validator an operator's typing or a config file reaches, fed anything:
it returns a valid value or refuses with InvalidInput naming the field (ConfigError naming
the file or variable), never another exception.

tests/domain already fuzzes the identifier validators, parse_amount's round trip and UPI
links built by the kiosk; this adds what they leave out: any text (and any type) to
parse_amount, the load and units checks, dates, billing months, UPI links from a QR code,
and config files and environment variables of any shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import KioskSettings, load_settings, settings_from
from kiosk.config_file import Basics, ConfigError, environment_overlay
from kiosk.domain.dates import parse_day
from kiosk.domain.errors import InvalidInput
from kiosk.domain.money import MAX_PAISE, parse_amount
from kiosk.domain.quantities import MAX_LOAD_KW, MAX_UNITS, MIN_LOAD_KW, check_load_kw, check_units
from kiosk.domain.tariff import parse_month
from kiosk.domain.upi import parse_upi_link
from tests.fuzz.profile import fuzz_settings

typed = st.text(st.characters(codec="utf-8"), max_size=40)
anything = st.one_of(
    typed,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=2),
)
# Text that looks like what each parser wants, so the accepting branches are reached too.
amount_like = st.from_regex(r"\A(₹|Rs\.? ?)?[+-]?[0-9,]{0,12}(\.[0-9]{0,3})?(/-)?\Z")
date_like = st.from_regex(r"\A[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}\Z")
month_like = st.from_regex(r"\A ?[0-9]{2,5}-[0-9]{1,3} ?\Z")
load_like = st.from_regex(r"\A[0-9]{0,5}(\.[0-9]{0,4})?\Z")


def refused_or(parse: Callable[[Any], Any], value: Any, field: str) -> Any:
    """``parse(value)``, or None after checking the refusal names ``field`` with a rule."""
    try:
        return parse(value)
    except InvalidInput as exc:
        assert exc.field == field
        assert exc.message and str(exc).startswith(f"{field}: ")
        return None


@fuzz_settings(60)
@given(st.one_of(typed, amount_like, anything))
def test_parse_amount_gives_paise_in_range_or_names_the_field(value: Any) -> None:
    paise = refused_or(lambda v: parse_amount(v, field="tendered"), value, "tendered")
    if paise is not None:
        assert type(paise) is int and 0 <= paise <= MAX_PAISE
        assert isinstance(value, str)


@fuzz_settings(60)
@given(st.one_of(typed, load_like, anything))
def test_check_load_gives_a_load_in_range_or_names_the_field(value: Any) -> None:
    load = refused_or(check_load_kw, value, "load")
    if load is not None:
        assert isinstance(load, Decimal) and MIN_LOAD_KW <= load <= MAX_LOAD_KW


@fuzz_settings(60)
@given(st.one_of(anything, st.integers(min_value=-5, max_value=MAX_UNITS + 5)))
def test_check_units_gives_whole_units_in_range_or_names_the_field(value: Any) -> None:
    units = refused_or(check_units, value, "units")
    if units is not None:
        assert type(units) is int and 0 <= units <= MAX_UNITS


@fuzz_settings(60)
@given(st.one_of(typed, date_like))
def test_parse_day_gives_a_date_or_none(text: str) -> None:
    day = parse_day(text)
    assert day is None or (isinstance(day, date) and 1 <= day.year <= 9999)


@fuzz_settings(60)
@given(st.one_of(typed, month_like, anything))
def test_parse_month_gives_a_first_of_month_or_names_the_field(value: Any) -> None:
    month = refused_or(parse_month, value, "month")
    if month is not None:
        assert month.day == 1 and 2000 <= month.year <= 2099


link_values = st.text(st.characters(codec="utf-8", exclude_characters="&#"), max_size=12)
upi_like = st.builds(
    lambda pairs: "upi://pay?" + "&".join(f"{k}={v}" for k, v in pairs),
    st.lists(st.tuples(st.sampled_from(["pa", "pn", "am", "tr", "tn", "cu", "x"]), link_values)),
)


@fuzz_settings(60)
@given(st.one_of(typed, upi_like, anything))
def test_a_scanned_upi_link_reads_or_is_refused_by_field(value: Any) -> None:
    try:
        payment = parse_upi_link(value)
    except InvalidInput as exc:
        assert exc.field in ("UPI link", "am") and exc.message
    else:
        assert payment.amount_paise is None or 0 <= payment.amount_paise <= MAX_PAISE


# --- config ------------------------------------------------------------------------------

KEYS = {
    "counter": ["id", "name", "discoms", "default_discom", "x"],
    "operator": ["default_id", "idle_lock_minutes"],
    "central": ["url", "token", "allow_http", "timeout_s"],
    "printer": ["kind", "host", "port", "device", "width"],
    "payments": ["cash_limit_rupees", "minimum_rupees"],
    "upi": ["payee_vpa", "payee_name"],
    "storage": ["data_dir"],
}
toml_scalars = st.one_of(
    st.text(max_size=12), st.integers(), st.floats(allow_nan=False), st.booleans()
)
toml_values = st.one_of(toml_scalars, st.lists(toml_scalars, max_size=3))
sections = st.fixed_dictionaries(
    {},
    optional={
        name: st.dictionaries(st.sampled_from(keys), toml_values, max_size=4)
        for name, keys in KEYS.items()
    },
)
config_data = st.one_of(
    sections,
    st.builds(lambda s, lang: {**s, "language": lang}, sections, toml_scalars),
    st.dictionaries(st.text(max_size=8), toml_values, max_size=3),
)


def _toml(value: Any) -> str:
    """A tiny TOML writer for the scalars and lists above (no TOML writer is installed)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # inf and -inf are TOML as Python writes them
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    escaped = value.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    return f'"{escaped}"'


def _write_toml(data: dict[str, Any]) -> str:
    lines = [f'"{k}" = {_toml(v)}' for k, v in data.items() if not isinstance(v, dict)]
    for name, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{name}]")
            lines += [f"{key} = {_toml(v)}" for key, v in table.items()]
    return "\n".join(lines) + "\n"


def _checked(load: Callable[[], KioskSettings], label: str) -> KioskSettings | None:
    try:
        return load()
    except ConfigError as exc:
        assert exc.lines
        for line in exc.lines:
            assert line.startswith((label, "environment KIOSK_")), line
        return None


@fuzz_settings(40)
@given(config_data)
def test_any_config_tables_are_settings_or_errors_naming_the_key(data: dict[str, Any]) -> None:
    settings = _checked(lambda: settings_from(data, "kiosk.toml"), "kiosk.toml")
    assert settings is None or isinstance(settings, KioskSettings)
    basics = Basics.from_data(data)  # the login screen reads the file before any check
    assert basics.language in ("en", "hi") and basics.idle_lock_minutes > 0


@fuzz_settings(40)
@given(st.one_of(config_data.map(_write_toml), typed, st.binary(max_size=40)))
def test_any_config_file_loads_or_says_what_is_wrong_with_it(
    tmp_path_factory: pytest.TempPathFactory, content: str | bytes
) -> None:
    path = tmp_path_factory.mktemp("config") / "kiosk.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    settings = _checked(lambda: load_settings(Path(path)), str(path))
    assert settings is None or isinstance(settings, KioskSettings)


env_names = st.one_of(
    st.sampled_from(
        [
            "KIOSK_LANGUAGE",
            "KIOSK_COUNTER",
            "KIOSK_COUNTER__ID",
            "KIOSK_CENTRAL__URL",
            "KIOSK_PRINTER__PORT",
            "KIOSK_UPI",
            "KIOSK_X__Y",
            "KIOSK_COUNTER__A__B",
            "PATH",
        ]
    ),
    st.text(max_size=10).map(lambda s: "KIOSK_" + s),
)


@fuzz_settings(40)
@given(st.dictionaries(env_names, st.one_of(typed, st.just('{"id": 5}'), st.just("[1, 2]"))))
def test_any_environment_overlays_or_names_the_variable(environ: dict[str, str]) -> None:
    try:
        overlay = environment_overlay(environ)
    except ConfigError as exc:
        assert all(line.startswith("environment KIOSK_") for line in exc.lines)
    else:
        assert isinstance(overlay, dict)


@pytest.mark.parametrize("value", [None, b"upi://pay?pa=a@b&pn=x", 12])
def test_a_upi_link_that_is_not_text_is_refused_plainly(value: Any) -> None:
    """Found by the fuzz test: None reached ``link[:20]`` and raised TypeError."""
    with pytest.raises(InvalidInput) as caught:
        parse_upi_link(value)
    assert (caught.value.field, caught.value.message) == ("UPI link", "is not a link")
