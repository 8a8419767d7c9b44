"""Terms of a text: the one rule the search index is written with and queried by.

Owns :func:`terms`, :func:`counts` and :func:`tokens`. A token is a maximal run of
letters, digits, combining marks and ``_`` (Unicode categories L, N, M) that starts
with one that is not a mark (a mark alone after a space is no word); each token is
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
from collections import Counter
from functools import cache, lru_cache

import Stemmer

MAX_TERM = 40
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_EN = Stemmer.Stemmer("english")
_RU = Stemmer.Stemmer("russian")


@cache
def _token_pattern(astral: bool = True) -> re.Pattern[str]:
    r"""``\w[\w<marks>]*``: Python's ``\w`` is categories L and N and ``_``, without marks.

    Marks are only assigned in planes 0, 1 and 14 (planes 2 and 3 hold ideographs
    only), so the scan reads those and is done once per process. Without ``astral``,
    only the marks of plane 0: a class of characters below U+10000 is a bitmap, several
    times faster to match, and gives the same tokens in a text without astral characters.
    """
    planes = (range(0x20000), range(0xE0000, 0xE1000)) if astral else (range(0x10000),)
    spans: list[list[int]] = []  # as ranges: a class of single characters matches slowly
    for cp in (cp for plane in planes for cp in plane):
        if unicodedata.category(chr(cp))[0] == "M":
            if spans and spans[-1][1] == cp - 1:
                spans[-1][1] = cp
            else:
                spans.append([cp, cp])
    marks = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans)
    return re.compile(r"\w[\w" + marks + "]*")


_ASCII_WORD = re.compile(r"\w+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _pattern_for(text: str) -> re.Pattern[str]:
    """The token pattern for ``text``: the same tokens, the fastest pattern that gives them
    (ASCII has no marks; a text without astral characters needs no astral marks)."""
    if text.isascii():
        return _ASCII_WORD
    return _token_pattern(_ASTRAL.search(text) is not None)


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
    for match in _pattern_for(text).finditer(text):
        t = term(match.group())
        if t is not None:
            found.append((match.start(), match.end(), t))
    return found


def terms(text: str) -> list[str]:
    """The stemmed terms of ``text``, in order, repeats kept."""
    return [t for t in map(term, _pattern_for(text).findall(text)) if t is not None]


def sort_key(t: str) -> bytes:
    """Terms in the order JavaScript compares strings (UTF-16 code units)."""
    return t.encode("utf-16-be", "surrogatepass")


def counts(text: str) -> Counter[str]:
    """Each term of ``text`` and how often it occurs (:func:`terms`, counted; each
    distinct token is stemmed once)."""
    found: Counter[str] = Counter()
    for token, n in Counter(_pattern_for(text).findall(text)).items():
        t = term(token)
        if t is not None:
            found[t] += n
    return found
