"""The terms of a text (archivesite.stemming): the rule the index and the browser share."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivesite.stemming import MAX_TERM, counts, sort_key, terms, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials said negotiations went on", ["offici", "said", "negoti", "went", "on"]),
        ("Ёжики ЁЛКИ всё", ["ежик", "елк", "все"]),  # ё is е, the Russian stemmer
        ("Министры обсуждали ракеты", ["министр", "обсужда", "ракет"]),
        # Snowball 3 keeps these apart from 'emerge', 'even' and 'universe'.
        ("emergency evening university", ["emergenc", "evening", "universiti"]),
        ("café cafe\u0301 CAFÉ", ["café", "café", "café"]),  # NFC: one term
        ("don't O'Neill's", ["don", "t", "o", "neill", "s"]),  # apostrophes split
        ("1990s 3.14 snake_case", ["1990s", "3", "14", "snake_cas"]),
        ("хлеб-bread MixedСлово", ["хлеб", "bread", "mixedслов"]),  # any Cyrillic: Russian
        ("\u0301lonely", ["lone"]),  # a mark alone starts no word
        ("हिन्दी", ["हिन्दी"]),  # vowel signs stay in their word
        ("𝐀ies", ["𝐀ies"]),  # beyond the BMP: not stemmed
        ("a" * MAX_TERM + " " + "b" * (MAX_TERM + 1), ["a" * MAX_TERM]),  # over-long: dropped
        ("", []),
    ],
)
def test_terms(text: str, expected: list[str]) -> None:
    assert terms(text) == expected


def test_tokens_give_offsets_into_the_text() -> None:
    text = "Kidal: Ёжики, cafe\u0301."
    found = tokens(text)
    assert [t for _, _, t in found] == terms(text)
    assert [text[a:b] for a, b, _ in found] == ["Kidal", "Ёжики", "cafe\u0301"]


def test_sort_key_is_javascript_string_order() -> None:
    # JavaScript compares UTF-16 code units: an astral character (a surrogate pair,
    # from U+D800) sorts before U+FFFF, unlike code point order.
    words = ["\uffff", "\U00010000", "z", "ж"]
    assert sorted(words, key=sort_key) == ["z", "ж", "\U00010000", "\uffff"]


@given(st.text(max_size=200))
def test_counts_tokens_and_terms_agree(text: str) -> None:
    found = terms(text)
    assert counts(text) == Counter(found)
    assert [t for _, _, t in tokens(text)] == found
    assert all(len(t) <= 4 * MAX_TERM for t in found)
