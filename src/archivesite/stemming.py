"""Terms of a text: the one rule the search index is written with and queried by.

Owns :func:`terms` and :func:`tokens`. A token is a maximal run of letters,
digits, combining marks and ``_`` (Unicode categories L, N, M); each token is
NFC-normalised, lower-cased, its ``ё`` read as ``е``, dropped if longer than
:data:`MAX_TERM` code points, and stemmed by the Snowball stemmer of its script:
Russian for a token with a Cyrillic letter, English for the others, none for a
token with a character beyond the Basic Multilingual Plane (no Snowball rule
knows one, and the browser's stemmer counts UTF-16 units where this one counts
code points). ``static/assets/search-terms.js`` applies the same rule in the
browser with a stemmer generated from the same Snowball release as PyStemmer's;
``tests/test_stemming_parity.py`` holds the two equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import Stemmer

MAX_TERM = 40
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_EN = Stemmer.Stemmer("english")
_RU = Stemmer.Stemmer("russian")


@cache
def _token_pattern() -> re.Pattern[str]:
    r"""``[\w<marks>]+``: Python's ``\w`` is categories L and N and ``_``, without marks.

    Marks are only assigned in planes 0, 1 and 14 (planes 2 and 3 hold ideographs
    only), so the scan reads those and is done once per process.
    """
    planes = (range(0x20000), range(0xE0000, 0xE1000))
    marks = "".join(
        chr(cp) for plane in planes for cp in plane if unicodedata.category(chr(cp))[0] == "M"
    )
    return re.compile(r"[\w" + re.escape(marks) + "]+")


@lru_cache(maxsize=1 << 20)
def term(token: str) -> str | None:
    """The index term of one token (as :func:`tokens` cuts them), or None if it is too long."""
    word = unicodedata.normalize("NFC", token).lower().replace("ё", "е")
    if len(word) > MAX_TERM:
        return None
    if _CYRILLIC.search(word):
        return str(_RU.stemWord(word))
    if max(word) > "\uffff":
        return word
    return str(_EN.stemWord(word))


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, term)`` of each term of ``text``; offsets index ``text`` itself."""
    found = []
    for match in _token_pattern().finditer(text):
        t = term(match.group())
        if t is not None:
            found.append((match.start(), match.end(), t))
    return found


def terms(text: str) -> list[str]:
    """The stemmed terms of ``text``, in order, repeats kept."""
    found = (term(w) for w in _token_pattern().findall(text))
    return [t for t in found if t is not None]


def sort_key(t: str) -> bytes:
    """Terms in the order JavaScript compares strings (UTF-16 code units)."""
    return t.encode("utf-16-be", "surrogatepass")
