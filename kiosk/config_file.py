"""Finding and reading the counter's config file, and the ``KIOSK_...`` environment.

Nothing here checks a value: :mod:`kiosk.config` does that with its models. This part is
kept free of pydantic so the counter screen can show its login at once, from the few
values the login needs (:class:`Basics`), while the whole file is checked behind it.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_NAME = "kiosk"
CONFIG_FILE_NAME = "kiosk.toml"
ENV_PREFIX = "KIOSK_"
# The config's tables and its top-level keys (a test holds them to KioskSettings' fields).
SECTIONS = ("counter", "operator", "central", "storage", "printer", "receipt", "upi")
SECTIONS += ("payments", "data")
SCALARS = ("language",)
NO_CONFIG = (
    "no config file: copy config.example.toml to ./kiosk.toml and edit it, "
    "or pass --config PATH (or run kiosk --demo)"
)


class ConfigError(Exception):
    """The configuration cannot be used; ``lines`` holds one problem each."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def find_config(
    explicit: Path | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path | None:
    """The config file to use, in the documented order; None when there is none."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit
    if env.get("KIOSK_CONFIG"):
        return Path(env["KIOSK_CONFIG"])
    local = (cwd or Path.cwd()) / CONFIG_FILE_NAME
    if local.is_file():
        return local
    from platformdirs import user_config_path

    user = user_config_path(APP_NAME) / CONFIG_FILE_NAME
    return user if user.is_file() else None


# Path keys in the file are relative to the file's folder, not to where kiosk started.
_PATH_KEYS = {
    "central": ("ca_file",),
    "storage": ("data_dir",),
    "printer": ("file_path",),
    "data": ("tariff_file", "scheme_file", "discoms_file"),
}


def _anchor_relative_paths(data: dict[str, Any], base: Path) -> None:
    for section, keys in _PATH_KEYS.items():
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for key in keys:
            value = table.get(key)
            if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
                table[key] = str(base / value)


def environment_overlay(environ: Mapping[str, str]) -> dict[str, Any]:
    """``KIOSK_SECTION__KEY=value`` as ``{"section": {"key": "value"}}``.

    A whole section may be given as JSON (``KIOSK_UPI='{"payee_vpa": ...}'``). Values stay
    text (the models convert them, naming the variable when one does not fit), except a
    JSON list or table, which is decoded. Names are not case-sensitive; variables that
    name no setting (``KIOSK_CONFIG``, ``KIOSK_CENTRAL_TOKEN``) are not settings here.
    """
    overlay: dict[str, Any] = {}
    for raw_name, value in environ.items():
        if not raw_name.upper().startswith(ENV_PREFIX):
            continue
        path = raw_name[len(ENV_PREFIX) :].lower().split("__")
        top = path[0]
        if top in SCALARS and len(path) == 1:
            overlay[top] = value
            continue
        if top not in SECTIONS:
            continue
        if len(path) == 1:
            try:
                table = json.loads(value)
            except ValueError:
                table = None
            if not isinstance(table, dict):
                name = raw_name.upper()
                raise ConfigError(
                    [
                        f"environment {name}: a whole section must be written as JSON; "
                        f"set single keys as {name}__KEY instead"
                    ]
                )
            overlay.setdefault(top, {}).update(table)
            continue
        node = overlay.setdefault(top, {})
        for key in path[1:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = _env_value(value)
    return overlay


def _env_value(value: str) -> Any:
    if value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """The file's values with the environment's on top, table by table."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_config(path: Path | None, allow_missing: bool = False) -> dict[str, Any]:
    """The file's tables with the environment on top, not yet checked."""
    data: dict[str, Any] = {}
    label = str(path) if path else "(no config file)"
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"{label}: file not found"]) from None
        except IsADirectoryError:
            raise ConfigError([f"{label}: is a directory, not a config file"]) from None
        except UnicodeDecodeError:
            raise ConfigError([f"{label}: is not UTF-8 text"]) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"{label}: not valid TOML: {exc}"]) from None
        _anchor_relative_paths(data, path.parent)
    elif not allow_missing:
        raise ConfigError([NO_CONFIG])
    return _merge(data, environment_overlay(os.environ))


@dataclass(frozen=True, slots=True)
class Basics:
    """What the login screen and the status bar show before the whole config is checked.

    Read as written: a value of the wrong type falls back to its default here, and the
    full check (started at once behind the login) then stops the counter naming it.
    """

    counter_id: str
    counter_name: str
    language: str = "en"
    default_operator_id: str = ""
    idle_lock_minutes: float = 10.0
    has_central: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Basics:
        def table(name: str) -> Mapping[str, Any]:
            value = data.get(name)
            return value if isinstance(value, Mapping) else {}

        def text(value: object, default: str = "") -> str:
            return value if isinstance(value, str) else default

        counter, operator = table("counter"), table("operator")
        minutes = operator.get("idle_lock_minutes", cls.idle_lock_minutes)
        ok_minutes = isinstance(minutes, int | float) and not isinstance(minutes, bool)
        language = text(data.get("language"), "en")
        return cls(
            counter_id=text(counter.get("id"), "?").upper(),
            counter_name=text(counter.get("name")),
            language=language if language in ("en", "hi") else "en",
            default_operator_id=text(operator.get("default_id")),
            idle_lock_minutes=float(minutes) if ok_minutes and minutes > 0 else 10.0,
            has_central=bool(text(table("central").get("url")).strip()),
        )
