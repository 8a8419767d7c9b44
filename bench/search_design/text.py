"""Terms of a text, as the Python-built candidates index them and the browser queries them.

Owns: :func:`terms`: lower-cased ``\\w+`` tokens, each stemmed by the Snowball
stemmer of its script (Cyrillic words by the Russian stemmer, the others by the
English one), so a query needs no language and a Russian word in an English
archive is still stemmed. PyStemmer is the Snowball C library; the browser uses
the JavaScript Snowball port (``web/``), which must give the same stems.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

TOKEN = re.compile(r"\w+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
MAX_TERM = 40

_EN = Stemmer.Stemmer("english")
_RU = Stemmer.Stemmer("russian")


@lru_cache(maxsize=1 << 20)
def stem(word: str) -> str:
    """The stem of one lower-cased token."""
    return (_RU if CYRILLIC.search(word) else _EN).stemWord(word)


def terms(text: str) -> list[str]:
    """The stemmed terms of ``text``, in order, repeats kept."""
    return [stem(w) for w in TOKEN.findall(text.lower().replace("ё", "е")) if len(w) <= MAX_TERM]
