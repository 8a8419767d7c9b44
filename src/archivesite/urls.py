"""The URL scheme, and nowhere else: every page's URL path and file path.

URL paths are relative to the site root and never start with ``/``: the home
page is ``""``, a year ``"2022/"``, the feed ``"feed.xml"``. Pages link to each
other with :func:`relative` links (which work at a domain root, under a
sub-path and from ``file://``); the 404 page, served at any depth, uses
:func:`rooted` links (the base URL's path in front); the feed, sitemap and
canonical links use :func:`absolute` URLs built from ``base_url``.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections.abc import Collection, Iterable
from urllib.parse import quote, urlsplit

HOME = ""
ARCHIVE = "archive/"
UNDATED = "undated/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
STYLESHEET = "assets/archivesite.css"
SEARCH_URL = "search/"
SEARCH_INDEX = "search-index"  # the folder the search index is written to, after the pages
NAME_MAX = 255  # bytes in one file name, on the file systems an output goes to
ON_THIS_DAY = "on-this-day/"
REDIRECTS = "_redirects"  # the redirect file Netlify and Cloudflare Pages read
TERM_FEED = "feed.xml"  # a term's feed, in its page's folder


def article_url(permalink: str, slug: str, date: dt.date | None) -> str:
    """A dated article's URL from the permalink pattern; undated ones go to ``undated/``."""
    if date is None:
        return f"{UNDATED}{slug}/"
    path = permalink.format(
        year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug
    )
    return _clean(path)


def version_url(story_url: str, n: int) -> str:
    """The URL of the ``n``-th version (1: the first) of a story told in several,
    below the story's own: ``2022/01/11/<slug>/v1/``."""
    if story_url.endswith("/"):
        return f"{story_url}v{n}/"
    stem, dot, _ = story_url.rpartition(".")
    return f"{stem if dot and '/' not in _ else story_url}/v{n}/"


def page_url(slug: str) -> str:
    """A static page (content/pages/<slug>.md)."""
    return f"{slug}/"


def year_url(year: int) -> str:
    return f"{year:04d}/"


def month_url(year: int, month: int) -> str:
    return f"{year:04d}/{month:02d}/"


def day_url(year: int, month: int, day: int) -> str:
    return f"{year:04d}/{month:02d}/{day:02d}/"


def on_this_day_url(month: int, day: int) -> str:
    """The stories of one day of the year across the years: ``on-this-day/01-11/``."""
    return f"{ON_THIS_DAY}{month:02d}-{day:02d}/"


def paginated(url: str, page: int) -> str:
    """Page ``page`` of a listing whose first page is ``url``: 0 is that first page (the
    newest articles); 1, 2, ... count from the oldest (see :func:`archivesite.pages.chunk`)."""
    return url if page == 0 else f"{url}page/{page}/"


def taxonomy_url(taxonomy: str) -> str:
    return f"{taxonomy}/"


def term_url(taxonomy: str, slug: str) -> str:
    return f"{taxonomy}/{slug}/"


def term_feed_url(taxonomy: str, slug: str) -> str:
    """The Atom feed of one term's articles: ``tags/elections/feed.xml``."""
    return term_url(taxonomy, slug) + TERM_FEED


def url_path(written: str) -> str:
    """A URL path as a person writes it (``/2022/01/11/old/``, ``2022/01/11/old``) as the
    site's URL paths are (``2022/01/11/old/``): no leading slash, and a trailing one
    where the last segment names no file (has no dot); a full URL stays as it is."""
    text = written.strip()
    if is_absolute_base(text):
        return text
    path = _clean(text)
    last = path.rsplit("/", 1)[-1]
    return path if not last or "." in last else path + "/"


def sitemap_part(n: int) -> str:
    return f"sitemap-{n}.xml"


def output_path(url: str) -> str:
    """The file (relative to the output folder) a URL path is written to."""
    if url == "" or url.endswith("/"):
        return url + "index.html"
    return url


def is_safe_path(path: str) -> bool:
    """True when a relative output path cannot leave the output folder."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def relative(from_url: str, to_url: str) -> str:
    """A relative link from the page at ``from_url`` to ``to_url`` (both URL paths)."""
    return RelativeLinks(from_url).link(to_url)


class RelativeLinks:
    """Relative links from one page: ``RelativeLinks(page).link(target)`` is
    ``relative(page, target)``.

    A page links to some 25 targets, most of them shared by every page (home,
    archive, feed, stylesheet): the page's folder is split once, and each
    target's segments are split and percent-encoded once per process.
    """

    __slots__ = ("_from", "_up")

    def __init__(self, from_url: str) -> None:
        from_dir = (
            from_url if from_url == "" or from_url.endswith("/") else posixpath.dirname(from_url)
        )
        self._from = [p for p in from_dir.split("/") if p]
        self._up = "../" * len(self._from)

    def link(self, to_url: str) -> str:
        to_parts, quoted = _segments(to_url)
        from_parts = self._from
        if not from_parts or len(to_parts) < 2 or from_parts[0] != to_parts[0]:
            return self._up + quoted or "./"  # no folder in common: most links of a page
        limit = min(len(from_parts), len(to_parts) - 1)
        common = 0
        while common < limit and from_parts[common] == to_parts[common]:
            common += 1
        if common:
            quoted = quoted.split("/", common)[common]
        return "../" * (len(from_parts) - common) + quoted or "./"

    def key(self, folders: Collection[tuple[str, ...]]) -> tuple[int, tuple[str, ...]]:
        """What this page's links to URLs in ``folders`` (:func:`folders_of` them) depend
        on: the page's depth, and how far its folder runs down one of those folders.
        Two pages with one key have the same links to those URLs."""
        parts = self._from
        shared = 0
        while shared < len(parts) and tuple(parts[: shared + 1]) in folders:
            shared += 1
        return len(parts), tuple(parts[:shared])


def folders_of(targets: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Every folder the URL paths ``targets`` are in, and each folder above it, as
    segments: a link to one of them depends on no more of the linking page's folder."""
    out: set[tuple[str, ...]] = set()
    for target in targets:
        parts = target.split("/")[:-1]
        out.update(tuple(parts[:n]) for n in range(1, len(parts) + 1))
    return frozenset(out)


@functools.lru_cache(maxsize=1 << 13)  # bounded: an entry is a few hundred bytes
def _segments(url: str) -> tuple[tuple[str, ...], str]:
    """A URL path's segments, and the path percent-encoded (``/`` never is, so the
    encoded path has the same segments)."""
    quoted = quote(url, safe="/.~-_")
    return tuple(url.split("/")), url if quoted == url else quoted


def base_path(base_url: str) -> str:
    """The path part of the base URL, always ending with ``/`` (``/archive/``)."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def rooted(base_url: str, url: str) -> str:
    """A link absolute from the server root: the base URL's path, then ``url``."""
    return quote(base_path(base_url) + url, safe="/.~-_")


def is_absolute_base(base_url: str) -> bool:
    return base_url.startswith(("http://", "https://"))


def absolute(base_url: str, url: str) -> str:
    """The full URL of a page (only a rooted path when base_url has no scheme and host)."""
    if not is_absolute_base(base_url):
        return rooted(base_url, url)
    return base_url + quote(url, safe="/.~-_")


def _clean(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path)
    return path.lstrip("/")
