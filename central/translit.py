"""A small Devanagari -> Latin transliteration for demo names ("रमेश शर्मा" -> "Ramesh Sharma").

Good enough for generated Hindi names and places: consonants keep their inherent ``a``
unless a vowel sign or virama follows, and a word's final inherent ``a`` is dropped, as
Hindi speakers say it. Long and short vowels are written alike (``i``, ``u``, ``a``).
"""

from __future__ import annotations

CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n",
    "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n",
    "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
    "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m",
    "य": "y", "र": "r", "ल": "l", "व": "v", "ळ": "l",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}  # fmt: skip
NUKTA_FORMS = {
    "क": "q", "ख": "kh", "ग": "gh", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y",
}  # fmt: skip
# The precomposed nukta letters U+0958..U+095F (Unicode normalisation splits them anyway).
PRECOMPOSED = dict(zip((chr(c) for c in range(0x0958, 0x0960)), "कखगजडढफय", strict=True))
VOWELS = {
    "अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ऋ": "ri",
    "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e",
}  # fmt: skip
VOWEL_SIGNS = {
    "ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri",
    "े": "e", "ै": "ai", "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e",
}  # fmt: skip
MARKS = {"ं": "n", "ँ": "n", "ः": "h"}
VIRAMA = "्"
NUKTA = "़"
DIGITS = {chr(0x0966 + n): str(n) for n in range(10)}
_LABIALS = ("p", "b", "m")
_LONG = set("ाीूेैोौआईऊएऐओऔ")
_SCHWA = "a?"  # an inherent vowel: said or silent depending on its neighbours


class _Unit:
    """A syllable: consonant cluster, its vowel (or the inherent schwa), then a mark."""

    def __init__(self) -> None:
        self.consonants: list[str] = []
        self.vowel = ""
        self.long = False
        self.mark = ""

    @property
    def schwa(self) -> bool:
        return self.vowel == _SCHWA


def _units(word: str) -> list[_Unit] | None:
    units: list[_Unit] = []
    current: _Unit | None = None
    for char in word:
        base = PRECOMPOSED.get(char)
        if char in CONSONANTS or base:
            if current is None or current.vowel:
                current = _Unit()
                units.append(current)
            current.consonants.append(NUKTA_FORMS[base] if base else CONSONANTS[char])
            current.vowel = _SCHWA
        elif char == NUKTA and current is not None and current.consonants:
            last = next((k for k, v in CONSONANTS.items() if v == current.consonants[-1]), "")
            current.consonants[-1] = NUKTA_FORMS.get(last, current.consonants[-1])
        elif char == VIRAMA and current is not None:
            current.vowel = ""  # the next consonant joins this cluster
        elif char in VOWEL_SIGNS and current is not None:
            current.vowel = VOWEL_SIGNS[char]
            current.long = char in _LONG
        elif char in MARKS and current is not None:
            current.mark = MARKS[char]
        elif char in VOWELS:
            current = _Unit()
            current.vowel = VOWELS[char]
            current.long = char in _LONG
            units.append(current)
        else:
            return None  # not Devanagari: leave the word as it is
    return units


def _word(word: str) -> str:
    units = _units(word)
    if not units:
        return "".join(DIGITS.get(char, char) for char in word)
    said = [not unit.schwa for unit in units]
    said[0] = True
    last = len(units) - 1
    # A final schwa is silent, unless it ends a cluster (nitya) or the word is one letter.
    said[last] = not units[last].schwa or len(units[last].consonants) > 1 or last == 0
    # Medial schwa between two said syllables is silent (kamala -> kamla), right to left,
    # but not between a long vowel and the word's final vowel (varanasi, lilavati).
    for i in range(last - 1, 0, -1):
        unit, after = units[i], units[i + 1]
        before_final = i + 1 == last and not after.schwa
        if (
            unit.schwa
            and not unit.mark
            and said[i - 1]
            and said[i + 1]
            and len(after.consonants) == 1
            and not (units[i - 1].long and before_final)
        ):
            said[i] = False
        elif unit.schwa:
            said[i] = True
    out = []
    for i, unit in enumerate(units):
        out.append("".join(unit.consonants))
        if unit.schwa:
            out.append("a" if said[i] or unit.mark else "")
        else:
            out.append(unit.vowel)
        if unit.mark:
            following = units[i + 1].consonants[:1] if i < last else []
            nasal_m = unit.mark == "n" and following and following[0].startswith(_LABIALS)
            out.append("m" if nasal_m else unit.mark)
    return "".join(out)


def to_latin(text: str) -> str:
    """Latin letters for a Devanagari name or place; each word capitalised."""
    return " ".join(_word(word).capitalize() for word in text.split())
