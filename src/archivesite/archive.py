"""Grouping articles: year/month/day periods (one sort, one pass) and taxonomies.

Time order: by filing date, then calendar dates before timed articles of the
same day, then time, then slug, then source path, so ties are always broken
the same way. Taxonomies: one per row of :data:`archivesite.taxonomies.TAXONOMIES`,
each term keyed by its slug; where two spellings share a slug the first in sort
order names the term. Computes no URLs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import groupby

from . import taxonomies
from .model import Archive, Article, Period, Taxonomy, Term
from .slugs import term_slug


def time_key(article: Article) -> tuple[dt.date, int, dt.time, str, str]:
    """Chronological sort key of a dated article."""
    assert article.date is not None
    clock = article.published.time() if article.published else dt.time(0)
    return (article.date, 1 if article.published else 0, clock, article.slug, article.source)


def undated_key(article: Article) -> tuple[str, str, str]:
    return (article.title.casefold(), article.slug, article.source)


def build_archive(articles: Iterable[Article]) -> Archive:
    """Sort once, then group into years, months and days in one pass."""
    dated = sorted((a for a in articles if a.kind == "article" and a.date), key=time_key)
    undated = sorted(
        (a for a in articles if a.kind == "article" and a.date is None), key=undated_key
    )
    years: list[Period] = []
    months: list[Period] = []
    days: list[Period] = []
    for year, in_year in groupby(dated, key=lambda a: a.date.year if a.date else 0):
        year_articles = tuple(in_year)
        for month, in_month in groupby(year_articles, key=lambda a: a.date.month if a.date else 0):
            month_articles = tuple(in_month)
            for day, in_day in groupby(month_articles, key=lambda a: a.date.day if a.date else 0):
                days.append(Period("day", year, month, day, tuple(in_day)))
            months.append(Period("month", year, month, None, month_articles))
        years.append(Period("year", year, None, None, year_articles))
    return Archive(tuple(dated), tuple(undated), tuple(years), tuple(months), tuple(days))


def build_taxonomies(archive: Archive) -> tuple[Taxonomy, ...]:
    """Every declared taxonomy; each term lists its articles newest first, undated last."""
    ordered: Sequence[Article] = (*reversed(archive.dated), *archive.undated)
    grouped_by: list[Taxonomy] = []
    for kind in taxonomies.TAXONOMIES:
        grouped: dict[str, list[Article]] = defaultdict(list)
        names: dict[str, set[str]] = defaultdict(set)
        for article in ordered:
            seen: set[str] = set()
            for term in kind.terms_of(article):
                slug = term_slug(term)
                names[slug].add(term)
                if slug not in seen:
                    seen.add(slug)
                    grouped[slug].append(article)
        terms = tuple(
            Term(kind.name, slug, min(names[slug]), tuple(grouped[slug]))
            for slug in sorted(grouped)
        )
        grouped_by.append(Taxonomy(kind.name, terms))
    return tuple(grouped_by)
