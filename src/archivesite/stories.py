"""Stories told in several versions: one article per story (pure; no I/O).

A wire sends a story again as it develops or is corrected; the importer writes each
version to its own content file (nothing is lost) with front matter ``story:`` (see
:mod:`archivesite.versions`). Here versions of one story become **one article**: the
latest version's text and metadata, at the first version's URL and filed under its
date, with ``updated`` the latest version's time, every version's corrections, and the
earlier versions in ``versions`` (each with its own URL, ``v1/``, ``v2/``, ...).

Which articles are versions of one story (:func:`story_groups`):

* articles with the same ``story`` value; a value from the wire's own id (``id:...``)
  or typed by hand joins exactly, one derived from a slug line (``slug:...``) or a
  headline (``title:...``) only versions filed within a day of the one before;
* an article without ``story`` has the ``title:`` key of its headline, place and
  agency, so that an original with no marker joins its marked updates; articles
  with no ``story`` and no version marker are never joined with each other alone.

The public API: :func:`story_key_of`, :func:`story_groups`, :func:`join_versions`,
:func:`first_version` (the canonical-URL rule); a version's URL is
:func:`archivesite.urls.version_url`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from . import urls
from .model import Article, Correction
from .versions import story_key

__all__ = [
    "first_version",
    "join_versions",
    "modified",
    "place_versions",
    "stay_apart",
    "story_groups",
    "story_key_of",
]

_CHAINED = ("slug:", "title:")  # keys that join only versions within a day of each other
_NEAR = dt.timedelta(days=1)
_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def story_key_of(article: Article) -> str | None:
    """The story an article is a version of: its ``story``, else the key of its headline,
    place and agency; None for a static page."""
    if article.kind != "article":
        return None
    if article.story:
        return article.story
    return story_key(
        title=article.title,
        place=article.dateline.place if article.dateline is not None else None,
        agency=article.agency,
    )


def _when(article: Article) -> dt.datetime:
    """When a version was filed, for ordering: its time, else its date's midnight (UTC)."""
    if article.published is not None:
        return article.published
    if article.date is not None:
        return dt.datetime.combine(article.date, dt.time(0), tzinfo=dt.UTC)
    return _EPOCH


_NUMBER = re.compile(r"\d+")


def _order(article: Article) -> tuple[dt.datetime, int, str]:
    """Versions in the order they were filed: by time, then the update's number (an
    original has none), then the file."""
    m = _NUMBER.search(article.version or "")
    return _when(article), int(m.group(0)) if m else 0, article.source


def _marked(article: Article) -> bool:
    return bool(article.story or article.version or article.corrections)


def _chain(group: list[Article]) -> list[list[Article]]:
    """A derived key's versions cut where one was filed over a day after the one before."""
    runs: list[list[Article]] = []
    for article in group:
        if runs and (
            article.date is None
            or runs[-1][-1].date is None
            or article.date - runs[-1][-1].date <= _NEAR
        ):
            runs[-1].append(article)
        else:
            runs.append([article])
    return runs


def story_groups(articles: Iterable[Article]) -> list[list[Article]]:
    """The stories told in more than one version, each its versions oldest first (in
    the order of their first version)."""
    articles = list(articles)
    # A story needs a marked version, so only a marked version's key can make one; an
    # unmarked article's headline key is worked out only where a marked version has one
    # of that kind (in most archives none has, and every article's would be a costly
    # part of assembling the site).
    marked = {id(a): story_key_of(a) for a in articles if _marked(a)}
    joinable = set(marked.values())
    headlines = any(key.startswith("title:") for key in joinable if key is not None)
    by_key: dict[str, list[Article]] = {}
    for article in articles:
        if id(article) in marked:
            key = marked[id(article)]
        else:
            key = story_key_of(article) if headlines else None
        if key is not None and key in joinable:
            by_key.setdefault(key, []).append(article)
    out: list[list[Article]] = []
    for key, group in by_key.items():
        if len(group) < 2:
            continue
        group.sort(key=_order)
        runs = _chain(group) if key.startswith(_CHAINED) else [group]
        out.extend(run for run in runs if len(run) > 1 and any(map(_marked, run)))
    out.sort(key=lambda run: _order(run[0]))
    return out


def stay_apart(edited: Iterable[Article], others: Iterable[Article]) -> bool:
    """Whether articles edited in place (a new title) still join no story: none of
    them is marked as a version and none has the key of a story told in versions."""
    edited = list(edited)
    if any(map(_marked, edited)):
        return False
    told = {story_key_of(a) for a in others if a.versions or _marked(a)}
    return told.isdisjoint(map(story_key_of, edited))


def first_version(versions: Sequence[Article]) -> Article:
    """The version whose URL and date the joined story keeps: the first filed, so that
    a story's address never changes as versions arrive in time order."""
    return min(versions, key=_order)


def modified(article: Article) -> dt.date | None:
    """When an article last changed: ``updated``, else its newest dated correction;
    None where it never changed."""
    if article.updated is not None:
        return article.updated
    dated = [c.date for c in article.corrections if c.date is not None]
    return dated[-1] if dated else None


def _joined(versions: list[Article]) -> Article:
    first = first_version(versions)
    latest = versions[-1]
    earlier = tuple(v for v in versions if v is not latest)
    corrections: dict[tuple[dt.date | None, str], Correction] = {}
    for v in versions:
        for c in v.corrections:
            corrections.setdefault((c.date, c.text), c)
    updated = latest.updated or latest.published or latest.date
    return replace(
        latest,
        slug=first.slug,
        date=first.date,
        published=first.published,
        updated=updated if updated != (first.published or first.date) else latest.updated,
        corrections=tuple(corrections.values()),
        versions=earlier,
    )


def join_versions(articles: Iterable[Article]) -> list[Article]:
    """The articles with each story of several versions replaced by one joined article
    (in the place of its first version); others as they are, in order."""
    articles = list(articles)
    joined: dict[str, Article] = {}  # by the source of each story's first version
    hidden: set[str] = set()
    for group in story_groups(articles):
        joined[first_version(group).source] = _joined(group)
        hidden.update(a.source for a in group)
    if not joined:
        return articles
    return [
        joined.get(a.source, a) for a in articles if a.source in joined or a.source not in hidden
    ]


def place_versions(article: Article) -> Article:
    """A placed story (with its URL) whose earlier versions get theirs."""
    if not article.versions:
        return article
    placed = tuple(
        replace(v, url=urls.version_url(article.url, n)) for n, v in enumerate(article.versions, 1)
    )
    return replace(article, versions=placed)
