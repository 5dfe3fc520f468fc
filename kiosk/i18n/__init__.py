"""The catalogue every visible string of the counter screen comes from (English and Hindi).

Strings live in ``en/*.toml`` and ``hi/*.toml`` beside this file (one file per area of the
screen, so people adding screens do not edit one file), under the same dotted keys;
``{name}`` placeholders are filled with :meth:`str.format`. A test fails when a key is
missing in either language, and a strict translator (used by the tests) raises on a key
the catalogue lacks, so a screen cannot ship an untranslated line.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

Language = Literal["en", "hi"]
LANGUAGES: tuple[Language, ...] = ("en", "hi")
LANGUAGE_NAMES: Mapping[Language, str] = {"en": "English", "hi": "हिन्दी"}

log = logging.getLogger(__name__)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise ValueError(f"catalogue entry {name} must be text, got {type(value).__name__}")
    return flat


@cache
def catalogue(language: Language) -> Mapping[str, str]:
    """Every string of one language, by dotted key."""
    folder = resources.files(__package__).joinpath(language)
    merged: dict[str, str] = {}
    for part in sorted(folder.iterdir(), key=lambda p: p.name):
        if not part.name.endswith(".toml"):
            continue
        texts = _flatten(tomllib.loads(part.read_text("utf-8")))
        twice = sorted(set(texts) & set(merged))
        if twice:
            raise ValueError(f"{language}/{part.name} repeats keys {', '.join(twice[:5])}")
        merged.update(texts)
    return merged


class MissingText(KeyError):
    """A key the catalogue lacks (raised only by a strict translator)."""


class Translator:
    """``tr("login.title")`` in the current language; switchable at run time."""

    def __init__(self, language: Language = "en", *, strict: bool = False) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        self.language: Language = language
        self.strict = strict
        self._warned: set[str] = set()

    def __call__(self, key: str, /, **values: object) -> str:
        text = catalogue(self.language).get(key)
        if text is None:
            text = catalogue("en").get(key)
            if text is None or self.strict:
                if self.strict:
                    raise MissingText(f"{key} is not in the {self.language} catalogue")
                if key not in self._warned:
                    self._warned.add(key)
                    log.error("text %s is missing from the catalogue", key)
                return key
        return text.format(**values) if values else text

    def switch(self) -> Language:
        """The next language (English <-> Hindi)."""
        index = LANGUAGES.index(self.language)
        self.language = LANGUAGES[(index + 1) % len(LANGUAGES)]
        return self.language
