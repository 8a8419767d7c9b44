"""Frozen dataclasses shared by the stages. No I/O, no jinja2/markdown/watchdog."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .config import Config


@dataclass(frozen=True, slots=True)
class Dateline:
    """The place part of a dateline.

    ``text`` is exactly as printed (``IGORA /Leningrad Region/``, ``PORTLAND, Ore.``);
    ``place`` is its first city in title case (``Igora``); ``region`` the state,
    region or country printed with it, where there is one (``Leningrad Region``).
    """

    text: str
    place: str
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of an article: when it was made (a date, or an aware time) and
    its words."""

    date: dt.date | None
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One content file's metadata (an article, or a static page such as About).

    The body is not held here: ``body_offset`` and ``body_hash`` locate it in
    ``source`` so that it is read only when its page is rendered.
    """

    source: str  # path relative to the site root, POSIX style ("content/2022/01/11/x.md")
    kind: str  # "article" or "page"
    slug: str
    title: str
    date: dt.date | None  # the date the article is filed under (None: undated)
    published: dt.datetime | None  # aware, in the site's time zone; None for a calendar date
    lede: str | None = None
    summary: str | None = None
    dateline: Dateline | None = None
    agency: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    author: str | None = None  # the byline, as its source states it
    site_name: str | None = None  # the site or outlet it was saved from
    source_url: str | None = None  # the address it was published at (http or https)
    excerpt: bool = False  # only an excerpt was saved (a feed's summary)
    body_offset: int = 0  # byte offset of the body in the source file
    body_line: int = 1  # the body's first line in the source file
    body_hash: str = ""  # sha256 of the body's bytes
    url: str = ""  # URL path relative to the site root; set when the site is assembled
    updated: dt.date | None = None  # a date, or an aware datetime in the site's zone
    corrections: tuple[Correction, ...] = ()  # oldest first
    story: str | None = None  # the story it is a version of (front matter ``story``)
    version: str | None = None  # its version markers as printed ("UPDATE 1")
    version_note: str | None = None  # what the version changed, in the wire's words
    # A story joined from several versions (archivesite.stories): every version but the
    # one shown, oldest first, each with its own URL; () for an article of one version.
    versions: tuple[Article, ...] = ()

    aliases: tuple[str, ...] = ()  # earlier URL paths (front matter ``aliases``): redirected here
    origin: str = ""  # where an import took it from (``source_file``); "" for hand-written


@dataclass(frozen=True, slots=True)
class Period:
    """A year, month or day holding at least one article (chronological order)."""

    kind: str  # "year", "month" or "day"
    year: int
    month: int | None
    day: int | None
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Archive:
    """Dated articles in time order, grouped into periods; undated ones apart."""

    dated: tuple[Article, ...]  # oldest first
    undated: tuple[Article, ...]  # by title, then slug
    years: tuple[Period, ...]
    months: tuple[Period, ...]
    days: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a taxonomy (a tag, a place, an agency) and its articles."""

    taxonomy: str  # the name of its archivesite.taxonomies.TaxonomyKind
    slug: str
    name: str
    articles: tuple[Article, ...]  # newest first, undated last


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str  # the name of its archivesite.taxonomies.TaxonomyKind
    terms: tuple[Term, ...]  # by slug


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file copied as it is: ``rel`` inside the output folder, from ``source``."""

    rel: str
    source: str  # absolute path


@dataclass(frozen=True, slots=True)
class Redirect:
    """A published URL path that moved, and where to (a URL path, or a full URL)."""

    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """What an article page links besides itself: near-copies of the same story
    ("also carried by") and other reports of the same event: each a content source
    and its similarity, the most similar first (then in time order), only as many of
    each as a page shows (``related.limit``)."""

    carried: tuple[tuple[str, float], ...] = ()
    related: tuple[tuple[str, float], ...] = ()

    def shows_any(self, sources: AbstractSet[str]) -> bool:
        """Whether it links any of ``sources``."""
        return any(s in sources for s, _ in self.carried) or any(
            s in sources for s, _ in self.related
        )


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the build shows, assembled once and never changed."""

    config: Config
    archive: Archive
    taxonomies: tuple[Taxonomy, ...]
    pages: tuple[Article, ...]  # content/pages/*.md, by title
    static: tuple[StaticFile, ...]
    theme: Theme
    redirects: tuple[Redirect, ...] = ()  # by old URL
    coverage: Mapping[str, Coverage] = field(default_factory=dict)  # by source; none: absent


@dataclass(frozen=True, slots=True)
class Theme:
    """Where templates and static files come from (absolute paths)."""

    builtin_templates: str
    builtin_static: str
    site_templates: str | None  # None when absent or the same folder as the built-in
    site_static: str | None
    site_locales: str | None = None  # the site's own message catalogues, where it has them
    follow_symlinks: bool = False  # the site's templates may link out of templates/


@dataclass(frozen=True, slots=True)
class NavLink:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The site-wide values every page shows (picklable; no Config paths needed)."""

    title: str
    description: str
    language: str
    timezone: str
    base_url: str
    nav: tuple[NavLink, ...]
    search: bool
    theme: Theme
    messages: str = ""  # digest of the message catalogues the site's language reads
    nav_taxonomies: tuple[str, ...] = ()  # the taxonomies with terms, which the menu shows


@dataclass(frozen=True, slots=True)
class BodyRef:
    """Where a page's Markdown body is: read and checked when the page renders."""

    source: str  # absolute path
    offset: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site, and everything needed to render it.

    ``render(output)`` is a pure function of this value (plus the files named in
    ``body``/``copy_from`` and the templates), so outputs can be rendered in
    worker processes. What it depends on is fingerprinted from these fields
    (:func:`archivesite.state.output_data`): the template it renders through,
    the data in its context, and ``body``, the one body it reads.
    """

    url: str  # URL path relative to the site root ("", "2022/", "feed.xml")
    path: str  # file path relative to the output folder ("2022/index.html")
    kind: str
    template: str | None  # None for a static copy
    site: SiteInfo
    context: dict[str, Any] = field(default_factory=dict, hash=False)
    body: BodyRef | None = None
    copy_from: str | None = None  # absolute path of a static file


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One page in the sitemap: its full URL and the date of what it shows, if any."""

    loc: str
    lastmod: str | None


@dataclass(frozen=True, slots=True)
class RenderedFile:
    path: str  # relative to the output folder
    data: bytes


_D = TypeVar("_D")


def evolve(obj: _D, **changes: Any) -> _D:
    """``dataclasses.replace`` for these slotted classes, without going through
    ``__init__`` with keywords (the site is assembled from copies of every article, on
    the build's one-process path): the fields are copied straight into a new object.
    None of the classes has a ``__post_init__`` or a field left out of ``__init__``,
    which ``replace`` would honour."""
    cls: type = type(obj)
    names, known = _slots(cls)
    if not changes.keys() <= known:
        raise TypeError(f"{cls.__name__} has no field {sorted(changes.keys() - known)}")
    new: _D = object.__new__(cls)
    for name in names:
        object.__setattr__(new, name, changes[name] if name in changes else getattr(obj, name))
    return new


@functools.cache
def _slots(cls: type) -> tuple[tuple[str, ...], frozenset[str]]:
    assert not hasattr(cls, "__post_init__"), cls
    names: tuple[str, ...] = cls.__slots__  # type: ignore[attr-defined]
    return names, frozenset(names)
