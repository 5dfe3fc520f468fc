"""Numbers in Hindi words, in the Indian system (hazaar, lakh, crore).

num2words has no Hindi currency, and Hindi number names from 1 to 99 are irregular, so
the whole table is written out here.
"""

from __future__ import annotations

# index n -> the word for n, 0..99
ONES_TO_99: tuple[str, ...] = (
    "शून्य", "एक", "दो", "तीन", "चार", "पाँच", "छह", "सात", "आठ", "नौ",
    "दस", "ग्यारह", "बारह", "तेरह", "चौदह", "पंद्रह", "सोलह", "सत्रह", "अठारह", "उन्नीस",
    "बीस", "इक्कीस", "बाईस", "तेईस", "चौबीस", "पच्चीस", "छब्बीस", "सत्ताईस", "अट्ठाईस", "उनतीस",
    "तीस", "इकतीस", "बत्तीस", "तैंतीस", "चौंतीस", "पैंतीस", "छत्तीस", "सैंतीस", "अड़तीस", "उनतालीस",
    "चालीस", "इकतालीस", "बयालीस", "तैंतालीस", "चौवालीस", "पैंतालीस", "छियालीस", "सैंतालीस",
    "अड़तालीस", "उनचास",
    "पचास", "इक्यावन", "बावन", "तिरेपन", "चौवन", "पचपन", "छप्पन", "सत्तावन", "अट्ठावन", "उनसठ",
    "साठ", "इकसठ", "बासठ", "तिरेसठ", "चौंसठ", "पैंसठ", "छियासठ", "सड़सठ", "अड़सठ", "उनहत्तर",
    "सत्तर", "इकहत्तर", "बहत्तर", "तिहत्तर", "चौहत्तर", "पचहत्तर", "छिहत्तर", "सतहत्तर", "अठहत्तर",
    "उनासी",
    "अस्सी", "इक्यासी", "बयासी", "तिरासी", "चौरासी", "पचासी", "छियासी", "सत्तासी", "अट्ठासी", "नवासी",
    "नब्बे", "इक्यानबे", "बानबे", "तिरानबे", "चौरानबे", "पंचानबे", "छियानबे", "सत्तानबे", "अट्ठानबे",
    "निन्यानबे",
)  # fmt: skip

HUNDRED = "सौ"
THOUSAND = "हज़ार"
LAKH = "लाख"
CRORE = "करोड़"


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [ONES_TO_99[hundreds], HUNDRED]
    if rest:
        words.append(ONES_TO_99[rest])
    return words


def hindi_number(n: int) -> str:
    """``123456`` -> ``एक लाख तेईस हज़ार चार सौ छप्पन``. Crores above 99 nest (``सौ करोड़``)."""
    if n < 0:
        raise ValueError(f"hindi_number takes a whole number of 0 or more, got {n}")
    if n == 0:
        return ONES_TO_99[0]
    words: list[str] = []
    crores, n = divmod(n, 1_00_00_000)
    if crores:
        words += [hindi_number(crores), CRORE]
    lakhs, n = divmod(n, 1_00_000)
    if lakhs:
        words += [ONES_TO_99[lakhs], LAKH]
    thousands, n = divmod(n, 1_000)
    if thousands:
        words += [ONES_TO_99[thousands], THOUSAND]
    words += _below_thousand(n)
    return " ".join(words)
