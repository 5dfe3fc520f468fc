"""Hindi number words, Indian system."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.words_hi import CRORE, HUNDRED, LAKH, ONES_TO_99, THOUSAND, hindi_number

# A sample of well-known irregular names, written out independently of the table.
KNOWN = {
    1: "एक", 5: "पाँच", 11: "ग्यारह", 19: "उन्नीस", 21: "इक्कीस", 29: "उनतीस", 35: "पैंतीस",
    39: "उनतालीस", 45: "पैंतालीस", 49: "उनचास", 56: "छप्पन", 59: "उनसठ", 64: "चौंसठ",
    69: "उनहत्तर", 77: "सतहत्तर", 79: "उनासी", 88: "अट्ठासी", 89: "नवासी", 90: "नब्बे",
    99: "निन्यानबे",
}  # fmt: skip


def test_the_table_has_a_distinct_word_for_every_number_below_100():
    assert len(ONES_TO_99) == 100
    assert len(set(ONES_TO_99)) == 100
    assert all(word and " " not in word for word in ONES_TO_99)


@pytest.mark.parametrize(("n", "word"), sorted(KNOWN.items()))
def test_irregular_names(n, word):
    assert hindi_number(n) == word


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "शून्य"),
        (100, "एक सौ"),
        (105, "एक सौ पाँच"),
        (1000, "एक हज़ार"),
        (2_00_000, "दो लाख"),
        (1_00_00_000, "एक करोड़"),
        (123_45_67_890, "एक सौ तेईस करोड़ पैंतालीस लाख सड़सठ हज़ार आठ सौ नब्बे"),
        (10_01_001, "दस लाख एक हज़ार एक"),
    ],
)
def test_indian_system(n, words):
    assert hindi_number(n) == words


@given(st.integers(min_value=1, max_value=99_99_99_999))
def test_words_rebuild_the_number(n):
    """Reading the words back with the Indian place values gives the number again."""
    value = {w: i for i, w in enumerate(ONES_TO_99)}
    total, group = 0, 0
    for word in hindi_number(n).split():
        if word == HUNDRED:
            group *= 100
        elif word in (THOUSAND, LAKH):
            total += group * (1000 if word == THOUSAND else 1_00_000)
            group = 0
        elif word == CRORE:
            total = (total + group) * 1_00_00_000
            group = 0
        else:
            group += value[word]
    assert total + group == n


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        hindi_number(-1)
