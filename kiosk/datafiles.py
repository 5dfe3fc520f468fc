"""Read the data files (tariff, relief scheme, discoms) into domain objects.

The shipped files live in ``kiosk/data/``; the config may point at replacements that an
office updates when a regulatory order changes a figure. Errors name the file and the key.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from kiosk.domain.ids import Discom
from kiosk.domain.relief import ReliefScheme
from kiosk.domain.tariff import Tariff

DEFAULT_TARIFF = "tariff_uppcl_2025_26.toml"
DEFAULT_SCHEME = "relief_2025_26.toml"
DEFAULT_DISCOMS = "discoms.toml"

T = TypeVar("T")


class DataFileError(Exception):
    """A data file is missing or does not follow its rules; one line per problem."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def _read(path: Path | None, default_name: str) -> tuple[str, dict]:
    if path is None:
        source = resources.files("kiosk.data") / default_name
        label = f"kiosk/data/{default_name}"
    else:
        source, label = path, str(path)
    try:
        return label, tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError([f"{label}: file not found"]) from None
    except IsADirectoryError:
        raise DataFileError([f"{label}: is a directory, not a data file"]) from None
    except OSError as exc:
        raise DataFileError([f"{label}: cannot be read ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise DataFileError([f"{label}: is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError([f"{label}: not valid TOML: {exc}"]) from None


def _parse(label: str, adapter: TypeAdapter[T], data: object) -> T:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise DataFileError(
            [
                f"{label}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
                for err in exc.errors()
            ]
        ) from None


M = TypeVar("M", bound=BaseModel)


def _load(model: type[M], path: Path | None, default_name: str) -> M:
    label, data = _read(path, default_name)
    return _parse(label, TypeAdapter(model), data)


def load_tariff(path: Path | None = None) -> Tariff:
    return _load(Tariff, path, DEFAULT_TARIFF)


def load_scheme(path: Path | None = None) -> ReliefScheme:
    return _load(ReliefScheme, path, DEFAULT_SCHEME)


def load_discoms(path: Path | None = None) -> dict[str, Discom]:
    label, data = _read(path, DEFAULT_DISCOMS)
    discoms = _parse(label, TypeAdapter(list[Discom]), data.get("discoms", []))
    if not discoms:
        raise DataFileError([f"{label}: discoms: lists no discom"])
    return {d.code: d for d in discoms}
