"""Slugs and fallback titles: pure functions.

Owns: :func:`slug_for` (title -> ASCII slug, Cyrillic transliterated, at most
:data:`MAX_SLUG` characters cut at a word boundary), :func:`numbered` (the
``-2``, ``-3`` suffixes that keep slugs unique within a day) and
:func:`title_from_filename` (a title for a title-less seed where its file name
reads as one).
"""

from __future__ import annotations

import re

from slugify import slugify

MAX_SLUG = 80
FALLBACK_SLUG = "article"

_TEHRAN_PREFIX = re.compile(r"^_?news_\d+_", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_\s.]+")
_HASHLIKE = re.compile(r"^(?=.*\d)(?=.*[a-z])[0-9a-z]{8,}$|^[0-9a-f]{12,}$|^\d+$", re.IGNORECASE)


def slug_for(title: str) -> str:
    """``title`` as a lower-case ASCII slug (``article`` where nothing is left)."""
    slug: str = slugify(title, max_length=MAX_SLUG, word_boundary=True, save_order=True)
    return slug or FALLBACK_SLUG


def numbered(slug: str, n: int) -> str:
    """The ``n``-th slug for the same base within a day: ``slug``, ``slug-2``, ..."""
    if n <= 1:
        return slug
    suffix = f"-{n}"
    return slug[: MAX_SLUG - len(suffix)].rstrip("-") + suffix


def title_from_filename(stem: str) -> str | None:
    """A title from a file name that reads as one, else None.

    ``_news_114913_Crude-exports-hit-over-44b`` -> ``Crude exports hit over 44b``;
    ``000_917121954e88cef5`` (numbers, a hash) -> None.
    """
    stem = _TEHRAN_PREFIX.sub("", stem)
    words = [w for w in _SEPARATORS.split(stem) if w]
    while words and _HASHLIKE.match(words[0]):
        words.pop(0)  # leading ids: 000_, 12345-
    if len(words) < 2 or any(_HASHLIKE.match(w) and not w.isdigit() for w in words):
        return None
    alphabetic = [w for w in words if w.isalpha()]
    if len(alphabetic) < 2 or len(alphabetic) * 2 < len(words):
        return None
    joined: list[str] = []
    for word in words:
        if word.lower() == "s" and joined:
            joined[-1] += "'s"  # Iran-s-culture -> Iran's culture
        else:
            joined.append(word)
    title = " ".join(joined)
    return title[0].upper() + title[1:]
