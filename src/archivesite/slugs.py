"""Slugs and fallback titles: pure functions.

Owns the two slug policies, which differ on purpose (changing either changes URLs):

- :func:`article_slug`: an imported article's file name from its title (ASCII,
  Cyrillic transliterated, at most :data:`MAX_SLUG` characters cut at a word
  boundary, ``article`` where nothing is left), kept short for paths;
- :func:`term_slug`: a taxonomy term's URL segment, or a content file's whose name is
  no valid slug (no cap, so distinct names stay distinct; a hash of the text where
  nothing is left, so it is never empty and two such names never share one);

and :func:`is_valid_slug` (what a slug given in front matter may be),
:func:`numbered` (the ``-2``, ``-3`` suffixes that keep slugs unique within a day)
and :func:`title_from_filename` (a title for a title-less seed whose file name
reads as one).
"""

from __future__ import annotations

import functools
import hashlib
import re

from slugify import slugify

MAX_SLUG = 80
FALLBACK_SLUG = "article"

_TEHRAN_PREFIX = re.compile(r"^_?news_\d+_", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_\s.]+")
_HASHLIKE = re.compile(r"^(?=.*\d)(?=.*[a-z])[0-9a-z]{8,}$|^[0-9a-f]{12,}$|^\d+$", re.IGNORECASE)


_SLUG_RE = re.compile(r"[\w][\w.\-~]*")


def is_valid_slug(slug: str) -> bool:
    """A slug is one path segment: word characters, ``.``, ``-``, ``~``; no ``..``."""
    return bool(_SLUG_RE.fullmatch(slug)) and ".." not in slug


def article_slug(title: str) -> str:
    """``title`` as a lower-case ASCII slug (``article`` where nothing is left)."""
    slug: str = slugify(title, max_length=MAX_SLUG, word_boundary=True, save_order=True)
    return slug or FALLBACK_SLUG


@functools.lru_cache(maxsize=1 << 16)  # every article names a few terms, mostly the same ones
def term_slug(text: str) -> str:
    """A URL-safe slug for a term or file name; never empty."""
    slug: str = slugify(text)
    if not slug:
        slug = "t-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return slug


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
