"""Every visible string comes from the catalogue, in both languages."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGES, MissingText, Translator, catalogue

ROOT = Path(__file__).resolve().parents[2] / "kiosk"
UI_SOURCES = [ROOT / "app.py", *sorted((ROOT / "screens").glob("*.py"))]
UI_SOURCES += sorted((ROOT / "widgets").glob("*.py"))
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Entries that are rightly the same in both languages (the key that names the other one).
SAME_IN_BOTH = {"keys.language"}


def _keys_used_in_code() -> dict[str, str]:
    """String literals shaped like catalogue keys whose section the catalogue has."""
    sections = {key.split(".")[0] for key in catalogue("en")}
    used: dict[str, str] = {}
    for path in UI_SOURCES:
        tree = ast.parse(path.read_text("utf-8"))
        # Pieces of f-strings ("status.printer_{state}") are checked by the tests that show them.
        pieces = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if id(node) in pieces:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                shaped = re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", text)
                if shaped and text.split(".")[0] in sections:
                    used[text] = f"{path.name}:{node.lineno}"
    return used


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys() -> None:
    english, hindi = set(catalogue("en")), set(catalogue("hi"))
    assert not english - hindi, f"missing in Hindi: {sorted(english - hindi)}"
    assert not hindi - english, f"missing in English: {sorted(hindi - english)}"


def test_every_key_the_screens_use_is_in_the_catalogue() -> None:
    used = _keys_used_in_code()
    assert len(used) > 20  # the scan finds the keys (it would pass vacuously otherwise)
    for language in LANGUAGES:
        missing = {key: where for key, where in used.items() if key not in catalogue(language)}
        assert not missing, f"{language}: {missing}"


def test_placeholders_match_between_languages() -> None:
    english, hindi = catalogue("en"), catalogue("hi")
    differ = {
        key: (_placeholders(english[key]), _placeholders(hindi[key]))
        for key in english
        if key in hindi and _placeholders(english[key]) != _placeholders(hindi[key])
    }
    assert not differ


def test_hindi_entries_are_written_in_hindi() -> None:
    hindi = catalogue("hi")
    untranslated = [
        key
        for key, text in hindi.items()
        if key not in SAME_IN_BOTH
        and not DEVANAGARI.search(text)
        and re.search("[a-z]{3}", re.sub(r"\{[^}]*\}", "", text))
    ]
    assert not untranslated, untranslated


def test_strict_translator_refuses_an_unknown_key() -> None:
    with pytest.raises(MissingText):
        Translator("hi", strict=True)("no.such.key")


def test_lenient_translator_shows_the_key_rather_than_crash() -> None:
    assert Translator("en")("no.such.key") == "no.such.key"


def test_switch_alternates_languages_and_fills_placeholders() -> None:
    tr = Translator("en", strict=True)
    assert tr("status.waiting", n=3) == "3 waiting"
    assert tr.switch() == "hi"
    assert tr("status.waiting", n=3) == "3 प्रतीक्षा में"
    assert tr.switch() == "en"
