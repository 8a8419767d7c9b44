"""What the search index is made of: :class:`SearchRecord` (one article as the index
shows it), the terms counted in it and the metadata shown for it.

Promises: pure functions of a record (no I/O); terms sort as the browser engine compares
them (:func:`sort_key`); a term's frequency is capped at :data:`MAX_TF`, and facet terms
(``place:…``, ``agency:…``) never clash with word terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..stemming import counts, terms

#: A title word counts this many times a body word.
TITLE_WEIGHT = 3
MAX_TF = 255
#: Characters of a body's plain text kept for the result excerpt.
EXCERPT_CHARS = 300
#: Facet terms: a prefix no word term can have (word terms never hold ``:``).
FACETS = ("place", "agency")
_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|[*_`#>|~]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchRecord:
    """One article as the index shows it. ``url`` is relative to the site root; ``text``
    the body's plain text; ``date`` ISO or ""; ``place``, ``agency``, ``lang`` or ""."""

    url: str
    title: str
    text: str
    date: str = ""
    year: int | None = None
    place: str = ""
    agency: str = ""
    lang: str = ""
    #: What the record was made from, as a digest (the build passes one): kept with its
    #: URL so that a later build finds the changed articles without reading them.
    key: str = ""


@dataclass(frozen=True)
class IndexStats:
    """What a write or update did: the searchable documents, the files it wrote and
    their bytes, the term files folded, and whether it wrote the whole index."""

    documents: int
    files: int
    bytes: int
    full: bool
    folded: int = 0
    seconds: float = 0.0


def plain_text(markdown: str) -> str:
    """A Markdown body's words: link and image text kept (not their targets), markup
    characters and tags dropped, white space collapsed."""
    return _SPACE.sub(" ", _MARKUP.sub(lambda m: m.group(1) or " ", markdown)).strip()


def excerpt_source(text: str) -> str:
    """The start of ``text`` the result excerpt is cut from (ends at a word's end)."""
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text.rfind(" ", 0, EXCERPT_CHARS + 1)
    return text[: cut if cut > EXCERPT_CHARS // 2 else EXCERPT_CHARS]


def sort_key(term: str) -> bytes:
    """Terms in the order JavaScript compares strings (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


def term_counts(r: SearchRecord) -> dict[str, int]:
    """Each term's frequency in ``r`` (title words weighted), and its facet terms (1)."""
    c = counts(r.text)
    for t in terms(r.title):
        c[t] += TITLE_WEIGHT
    found = dict(c)
    if found and max(found.values()) > MAX_TF:
        found = {t: min(n, MAX_TF) for t, n in found.items()}
    for facet in FACETS:
        value = getattr(r, facet)
        if value:
            found[f"{facet}:{value}"] = 1
    return found


def doc_meta(r: SearchRecord) -> list[str]:
    return [r.url, r.title, r.date, r.place, r.agency, r.lang, excerpt_source(r.text)]
