"""The taxonomies, declared once: the ways a reader browses the archive by term.

One :class:`TaxonomyKind` row per taxonomy says what it is called, where its pages
live, how it is labelled and how an article's terms are read. The archive groups
articles by every row (:func:`archivesite.archive.build_taxonomies`), the planner
gives every row an index page and a page per term (with its own Atom feed), an
article page shows its terms under the row's ``article_key``, and the templates get
the rows (``taxonomies``, and ``urls.<name>`` for each index). Adding a taxonomy is
a row here, plus its templates where its pages should look different from the shared
``terms.html``/``term.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import urls
from .model import Article


@dataclass(frozen=True, slots=True)
class TaxonomyKind:
    """One taxonomy: its name (the key of its :class:`~archivesite.model.Term` values),
    its URL folder, its labels, where an article page puts the links to its terms
    (one link or None where an article has at most one term, else a tuple) and how an
    article's terms are read."""

    name: str
    prefix: str
    plural: str
    singular: str
    article_key: str
    single: bool
    terms_of: Callable[[Article], tuple[str, ...]]

    @property
    def url(self) -> str:
        """The index page listing every term."""
        return urls.taxonomy_url(self.prefix)

    def term_url(self, slug: str) -> str:
        """The (first) page of the term with this slug."""
        return urls.term_url(self.prefix, slug)

    def feed_url(self, slug: str) -> str:
        """The Atom feed of the term's articles, beside its first page."""
        return urls.term_feed_url(self.prefix, slug)


def place_name(article: Article) -> str:
    """``Portland, Ore.``: the dateline's place with its region, as the place taxonomy
    names it (a region is kept so that Portland, Ore. and Portland, Maine are two
    places); empty where there is no dateline."""
    d = article.dateline
    if d is None:
        return ""
    return f"{d.place}, {d.region}" if d.region else d.place


def _tags(article: Article) -> tuple[str, ...]:
    return article.tags


def _places(article: Article) -> tuple[str, ...]:
    name = place_name(article)
    return (name,) if name else ()


def _agencies(article: Article) -> tuple[str, ...]:
    return (article.agency,) if article.agency else ()


# In the order the site lists them (navigation, plan, sitemap).
TAXONOMIES: tuple[TaxonomyKind, ...] = (
    TaxonomyKind("tags", "tags", "Tags", "Tag", "tags", False, _tags),
    TaxonomyKind("places", "places", "Places", "Place", "place", True, _places),
    TaxonomyKind("agencies", "agencies", "Agencies", "Agency", "agency", True, _agencies),
)


def by_name(name: str) -> TaxonomyKind:
    """The row of the taxonomy called ``name``."""
    for kind in TAXONOMIES:
        if kind.name == name:
            return kind
    raise KeyError(name)
