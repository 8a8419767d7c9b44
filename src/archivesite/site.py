"""The site as a value: ``assemble() -> Site`` and ``plan_outputs(site) -> Plan``.

``assemble`` gives every article its URL (through :mod:`urls`), groups the
archive and taxonomies and lists the static files; ``plan_outputs`` turns the
site into a :class:`Plan`: a sequence of one :class:`Output` per file, each
carrying plain data for its template and the template's name, made when it is
asked for (the plan itself holds only URLs, kinds, templates and how to make the
rest; :mod:`archivesite.pages` makes that). Two sources that would write one file
are an error naming both; no output path can leave the output folder. Renders and
writes nothing.

Each kind of output has one planner in :data:`PLANNERS`, a function adding that
kind's outputs with the articles each shows; ``plan_outputs`` runs them in order.
Asked for ``only`` some articles, it runs the same planners and keeps the outputs
that show one of them. A new kind of output is a planner, a row and its template.
"""

from __future__ import annotations

import array
import datetime as dt
import functools
import importlib.resources
import itertools
import operator
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, overload

from . import i18n, stories, taxonomies, urls
from .archive import build_archive, build_taxonomies
from .config import Config
from .entries import follows, skip_special
from .errors import ArchiveError, raise_all
from .model import (
    Archive,
    Article,
    BodyRef,
    NavLink,
    Output,
    Period,
    Site,
    SiteInfo,
    StaticFile,
    Taxonomy,
    Term,
    Theme,
    evolve,
)
from .pages import (
    LEAP_YEAR,
    Make,
    Pages,
    SitemapEntries,
    chunk,
    given,
    list_arg,
    list_page,
    page_count,
    period_url,
    sitemap_part,
)

SITEMAP_LIMIT = 50_000
_SKIP_STATIC = frozenset({"README.md", "README.txt"})


def builtin_theme_dirs() -> tuple[Path, Path]:
    """The built-in templates/ and static/: inside the installed package, else the repository's."""
    try:
        packaged = importlib.resources.files("archivesite") / "theme"
        if packaged.is_dir():
            root = Path(str(packaged))
            return root / "templates", root / "static"
    except (ModuleNotFoundError, OSError):  # pragma: no cover
        pass
    repo = Path(__file__).resolve().parents[2]
    return repo / "templates", repo / "static"


def locate_theme(config: Config) -> Theme:
    """The built-in theme, with the site's own templates/ and static/ where they differ."""
    templates, static = builtin_theme_dirs()

    def own(path: Path, builtin: Path) -> str | None:
        if not path.is_dir() or (builtin.is_dir() and path.resolve() == builtin.resolve()):
            return None
        if not os.access(path, os.R_OK | os.X_OK):  # else the built-in theme, silently
            raise ArchiveError("cannot read the folder: Permission denied", path)
        return str(path.resolve())

    return Theme(
        builtin_templates=str(templates.resolve()),
        builtin_static=str(static.resolve()),
        site_templates=own(config.templates_dir, templates),
        site_static=own(config.static_dir, static),
        site_locales=own(config.root / i18n.SITE_CATALOGUES, i18n.BUILTIN_CATALOGUES),
        follow_symlinks=config.follow_symlinks,
    )


def static_files(theme: Theme, *, follow_all: bool = False) -> tuple[StaticFile, ...]:
    """The theme's static files, the site's over them (hidden files, READMEs skipped).
    Links (files and folders) and special files follow :mod:`entries` (``follow_all``:
    the site's ``follow_symlinks``); a folder that cannot be read is an error naming it
    (a build without its files would remove them from the output)."""
    found: dict[str, str] = {}
    for folder in (theme.builtin_static, theme.site_static):
        if folder is None or not Path(folder).is_dir():
            continue
        top = str(folder)
        for path in _static_below(top, follow_all):
            rel = Path(path).relative_to(top)
            if any(p.startswith(".") for p in rel.parts):
                continue
            if len(rel.parts) == 1 and rel.name in _SKIP_STATIC:
                continue
            found[rel.as_posix()] = path
    return tuple(StaticFile(rel, src) for rel, src in sorted(found.items()))


def _static_below(top: str, follow_all: bool) -> Iterator[str]:
    def cannot_read(exc: OSError) -> None:
        raise ArchiveError(f"cannot read the folder: {exc.strerror}", exc.filename)

    def enters(root: str, name: str) -> bool:
        path = os.path.join(root, name)  # noqa: PTH118
        if not os.path.islink(path):  # noqa: PTH114
            return True
        if not follows(path, top, follow_all=follow_all):
            return False
        target, here = os.path.realpath(path), os.path.realpath(root)
        return not (here == target or here.startswith(target.rstrip(os.sep) + os.sep))

    for root, dirs, names in os.walk(top, onerror=cannot_read, followlinks=True):
        dirs[:] = [d for d in dirs if enters(root, d)]
        for name in names:
            path = os.path.join(root, name)  # noqa: PTH118
            if os.path.islink(path) and not follows(path, top, follow_all=follow_all):  # noqa: PTH114
                continue
            try:
                mode = os.stat(path).st_mode  # noqa: PTH116
            except OSError:
                continue  # a dangling link
            if not skip_special(path, mode) and stat.S_ISREG(mode):
                yield path


def assemble(config: Config, articles: Iterable[Article], theme: Theme | None = None) -> Site:
    """Give each article its URL, group the archive and taxonomies, list static files."""
    theme = theme or locate_theme(config)
    placed = [
        stories.place_versions(
            evolve(
                a,
                url=urls.page_url(a.slug)
                if a.kind == "page"
                else urls.article_url(config.permalink, a.slug, a.date),
            )
        )
        for a in stories.join_versions(articles)
    ]
    archive = build_archive(placed)
    pages = tuple(
        sorted((a for a in placed if a.kind == "page"), key=lambda a: (a.title, a.slug, a.source))
    )
    return Site(
        config=config,
        archive=archive,
        taxonomies=build_taxonomies(archive),
        pages=pages,
        static=static_files(theme, follow_all=config.follow_symlinks),
        theme=theme,
    )


def replace_articles(site: Site, new: dict[str, Article]) -> Site:
    """The site with the articles of the given sources swapped for new values, every
    grouping and order kept. Only for changes that move nothing (see ``build``'s warm path):
    same URL, date, time, slug, kind, tags, place and agency."""

    def sub(articles: tuple[Article, ...]) -> tuple[Article, ...]:
        if new.keys().isdisjoint(map(_source, articles)):  # C-speed: most tuples hold none
            return articles
        return tuple([new.get(a.source, a) for a in articles])

    def sub_period(p: Period) -> Period:
        articles = sub(p.articles)
        return p if articles is p.articles else replace(p, articles=articles)

    def sub_term(t: Term) -> Term:
        articles = sub(t.articles)
        return t if articles is t.articles else replace(t, articles=articles)

    arch = site.archive
    periods = [tuple(map(sub_period, ps)) for ps in (arch.years, arch.months, arch.days)]
    archive = Archive(sub(arch.dated), sub(arch.undated), *periods)
    grouped = tuple(Taxonomy(t.name, tuple(map(sub_term, t.terms))) for t in site.taxonomies)
    return replace(site, archive=archive, taxonomies=grouped, pages=sub(site.pages))


def site_info(site: Site) -> SiteInfo:
    c = site.config
    return SiteInfo(
        title=c.title,
        description=c.description,
        language=c.language,
        timezone=c.timezone,
        base_url=c.base_url,
        nav=tuple(NavLink(p.title, p.url) for p in site.pages),
        search=c.search,
        theme=site.theme,
        messages=i18n.catalogue_digest(c.language, site.theme.site_locales),
        nav_taxonomies=tuple(t.name for t in site.taxonomies if t.terms),
    )


_source = operator.attrgetter("source")
_articles = operator.attrgetter("articles")
_T = TypeVar("_T")

_TIMELESS = dt.date.max


class Head(NamedTuple):
    """What the plan keeps of one output; the rest is made by ``make(arg)`` when asked
    for, and its file path derived from its URL (:func:`urls.output_path`)."""

    url: str
    kind: str
    template: str | None
    make: Make
    arg: Any
    lastmod: dt.date | None  # the date the sitemap gives it
    at: dt.date | None  # the day of the first article it shows: where it sorts in time


class Plan(Sequence[Output]):
    """Every file of the built site, in a stable order: a sequence of :class:`Output`.

    Each output (with its context) is made when it is asked for and not kept: the plan
    holds what every output has (its URL, kind and template) and how to make the rest,
    about 100 bytes an output, so a large site's plan is small and a worker rendering
    a range makes just that range. An output made twice is equal to itself (its data
    is the site's, which never changes).
    """

    __slots__ = ("_heads", "info")

    def __init__(self, info: SiteInfo, heads: Iterable[Head]) -> None:
        self.info = info
        self._heads = tuple(heads)

    def __len__(self) -> int:
        return len(self._heads)

    @overload
    def __getitem__(self, index: int) -> Output: ...

    @overload
    def __getitem__(self, index: slice) -> list[Output]: ...

    def __getitem__(self, index: int | slice) -> Output | list[Output]:
        if isinstance(index, slice):
            return [self._output(h) for h in self._heads[index]]
        return self._output(self._heads[index])

    def __iter__(self) -> Iterator[Output]:
        return map(self._output, self._heads)

    def _output(self, head: Head) -> Output:
        context, body, copy_from = head.make(head.arg)
        path = urls.output_path(head.url)
        return Output(head.url, path, head.kind, head.template, self.info, context, body, copy_from)

    def paths(self, kind: str | None = None) -> list[str]:
        """The output paths, in plan order (only those of ``kind``, if given)."""
        path = urls.output_path
        return [path(h.url) for h in self._heads if kind is None or h.kind == kind]

    def templates(self) -> set[str]:
        """The templates the outputs render through."""
        return {h.template for h in self._heads if h.template is not None}

    def time_order(self) -> array.array[int]:
        """The outputs' indices in the time order of the articles they show (by the day of
        the first one; outputs that show none, or undated ones, last): a run of outputs in
        this order shows a run of neighbouring articles, so a process rendering a run of
        it touches few articles that another process's run touches too."""
        heads = self._heads
        return array.array("i", sorted(range(len(heads)), key=lambda i: heads[i].at or _TIMELESS))


_head = functools.partial(tuple.__new__, Head)  # Head(...) without its Python-level __new__


class _Draft:
    """The plan being drawn up: the planners add outputs to it. Refuses a second writer
    of one path and, with ``only``, keeps just the outputs showing one of those articles."""

    def __init__(self, site: Site, sitemap_limit: int, only: frozenset[str] | None) -> None:
        self.site = site
        self.info = site_info(site)
        self.pages = Pages(site)
        self.sitemap_limit = sitemap_limit
        self.only = only
        self.heads: list[Head] = []
        self.owners: dict[str, str] = {}
        self.folders: dict[str, str] = {}  # folders written after the pages, by their owner
        self.errors: list[ArchiveError] = []

    def add(
        self,
        url: str,
        kind: str,
        template: str | None,
        owner: str,
        make: Make,
        arg: Any,
        *,
        shows: Iterable[Article] = (),
        lastmod: dt.date | None = None,
        at: dt.date | None = None,
    ) -> None:
        """Plan the output at ``url``, made by ``make(arg)`` when it is asked for.
        ``shows``: the articles whose change changes it (read only with ``only``)."""
        only = self.only
        if only is not None and only.isdisjoint(map(_source, shows)):
            return
        path = urls.output_path(url)
        if not urls.is_safe_path(path):
            self.errors.append(
                ArchiveError(f"URL {url!r} would write outside the output folder", owner)
            )
            return
        too_long = next((n for n in path.split("/") if len(n.encode()) > urls.NAME_MAX), None)
        if too_long is not None:
            self.errors.append(
                ArchiveError(
                    f"URL /{url} has a name of {len(too_long.encode())} bytes, longer than a "
                    f"file system allows ({urls.NAME_MAX}); shorten it",
                    owner,
                )
            )
            return
        key = path.casefold()
        if key in self.owners:
            self.errors.append(
                ArchiveError(f"writes /{url} which {self.owners[key]} also writes", owner)
            )
            return
        self.owners[key] = owner
        self.heads.append(_head((url, kind, template, make, arg, lastmod, at)))

    def reserve(self, folder: str, owner: str) -> None:
        """A folder written whole after the pages (no page may be in it or named so)."""
        self.folders[folder.casefold()] = owner

    def check_paths(self) -> None:
        """Every output is a file no other output needs as a folder, and outside the
        reserved folders: each conflict named with both sources, before anything renders."""
        owners = self.owners
        for path, owner in owners.items():
            parts = path.split("/")
            for n in range(1, len(parts)):
                folder = "/".join(parts[:n])
                if folder in owners:
                    self.errors.append(
                        ArchiveError(
                            f"writes /{path} inside /{folder}, which {owners[folder]} "
                            "writes as a file",
                            owner,
                        )
                    )
                    break
                if folder in self.folders:
                    self.errors.append(
                        ArchiveError(
                            f"writes /{path} inside /{folder}/, which {self.folders[folder]} "
                            "writes",
                            owner,
                        )
                    )
                    break
            else:
                if path in self.folders:
                    self.errors.append(
                        ArchiveError(
                            f"writes /{path} where {self.folders[path]} writes the folder /{path}/",
                            owner,
                        )
                    )

    def add_fixed(
        self,
        url: str,
        kind: str,
        template: str,
        owner: str,
        context: dict[str, Any],
        shows: Sequence[Article] = (),
    ) -> None:
        """Plan an output whose context is made now (one of a few: feed, 404, robots)."""
        self.add(url, kind, template, owner, given, (context, None, None), shows=shows)

    # Two shortcuts for planners walking long sequences, so that with ``only`` they do not
    # make outputs that ``add`` would drop; without it, they give everything.

    def showing(
        self, items: Sequence[_T], shows: Callable[[_T], Iterable[Article]]
    ) -> Sequence[_T]:
        """``items``, or with ``only`` those whose ``shows`` hold a changed article."""
        only = self.only
        if only is None:
            return items
        return [x for x in items if not only.isdisjoint(map(_source, shows(x)))]

    def near(self, articles: Sequence[Article]) -> Iterable[int]:
        """The indices of ``articles``, or with ``only`` those of changed ones and their
        neighbours."""
        only = self.only
        if only is None:
            return range(len(articles))
        hit = [i for i, a in enumerate(articles) if a.source in only]
        return sorted({j for i in hit for j in (i - 1, i, i + 1) if 0 <= j < len(articles)})


def _paginate(
    p: _Draft,
    first_url: str,
    kind: str,
    template: str,
    owner: str,
    articles: Sequence[Article],
    context: dict[str, Any],
    crumbs: tuple[NavLink, ...],
) -> None:
    """A list of articles (newest first) in pages of ``per_page``: its first page at
    ``first_url`` showing the newest, and pages numbered from the oldest (stable URLs)."""
    per_page = p.site.config.per_page
    total = len(articles)
    pages = page_count(total, per_page)
    for n in range(pages + 1):
        shown = articles[chunk(total, per_page, n)]
        p.add(
            urls.paginated(first_url, n),
            kind,
            template,
            owner,
            list_page,
            list_arg((first_url, n, pages, per_page, articles, context, crumbs)),
            shows=shown,
            at=shown[0].date if shown else None,
        )


# --- one planner per output kind ---------------------------------------------------------


def _plan_articles(p: _Draft) -> None:
    """Each article's page; a dated one links to its neighbours in time and to its
    related coverage, so shows them."""
    dated, undated = p.site.archive.dated, p.site.archive.undated
    make = p.pages.dated  # one bound method for every head
    coverage = p.site.coverage
    for i in _covering(p, p.near(dated)):
        a = dated[i]
        shows: Sequence[Article] = dated[max(i - 1, 0) : i + 2]
        if a.source in coverage:
            shows = (*shows, *itertools.chain(*p.pages.coverage(a.source)))
        p.add(
            a.url, "article", "article.html", a.source, make, i,
            shows=shows, lastmod=_lastmod(a), at=a.date,
        )  # fmt: skip
    make = p.pages.undated
    for i, a in enumerate(undated):
        p.add(a.url, "article", "article.html", a.source, make, i, shows=(a,))


def _lastmod(a: Article) -> dt.date | None:
    """The sitemap's date of an article's page: when it last changed, else its date."""
    changed = stories.modified(a)
    if isinstance(changed, dt.datetime):
        return changed.date()
    return changed or a.date


def _plan_versions(p: _Draft) -> None:
    """The earlier versions of each story told in several, each at its own URL."""
    make = p.pages.version
    arch = p.site.archive
    for a in itertools.chain(arch.dated, arch.undated):
        for n, v in enumerate(a.versions):
            p.add(
                v.url, "version", "article.html", v.source, make, (a, n),
                shows=(a,), lastmod=v.date, at=v.date,
            )  # fmt: skip


def _covering(p: _Draft, near: Iterable[int]) -> Iterable[int]:
    """``near``, and with ``only`` the pages linking a changed article as coverage."""
    if p.only is None or not p.site.coverage:
        return near
    only, index = p.only, p.pages.dated_index
    linking = {index[t] for t, cov in p.site.coverage.items() if cov.shows_any(only)}
    return sorted(linking.union(near))


def _plan_pages(p: _Draft) -> None:
    """The static pages (About, ...)."""
    make = p.pages.page
    for a in p.site.pages:
        p.add(a.url, "page", "page.html", a.source, make, a, shows=(a,), lastmod=a.date)


def _plan_home(p: _Draft) -> None:
    """The home page: the latest day, its month's calendar, the years' counts (so every
    dated article's change may change it)."""
    dated = p.site.archive.dated
    p.add(urls.HOME, "home", "home.html", "the home page", p.pages.home_page, None,
          shows=dated, at=dated[-1].date if dated else None)  # fmt: skip


def _plan_on_this_day(p: _Draft) -> None:
    """A page per day of the year holding articles (that date's stories across the years,
    paginated), and their index."""
    days = p.pages.days_of_year
    p.add(urls.ON_THIS_DAY, "on_this_day_index", "on_this_day_index.html",
          "the on-this-day index", p.pages.on_this_day_index, None,
          shows=p.site.archive.dated)  # fmt: skip
    lang = p.pages.lang
    for month, day in p.showing(list(days), days.__getitem__):
        label = lang.day_of_year(dt.date(LEAP_YEAR, month, day))
        _paginate(
            p,
            urls.on_this_day_url(month, day),
            "on_this_day",
            "on_this_day.html",
            f"the on-this-day page of {month:02d}-{day:02d}",
            days[(month, day)],
            {"label": label},
            p.pages.on_this_day_crumbs(label),
        )


def _plan_archive(p: _Draft) -> None:
    """The archive page: every year with its months' counts."""
    dated = p.site.archive.dated
    p.add(urls.ARCHIVE, "archive", "archive.html", "the archive page", p.pages.archive, None,
          shows=dated)  # fmt: skip


def _plan_periods(level: str) -> Callable[[_Draft], None]:
    """A page per year, month or day holding articles."""

    def plan(p: _Draft) -> None:
        arch = p.site.archive
        periods = {"year": arch.years, "month": arch.months, "day": arch.days}[level]
        template, owner, make = f"{level}.html", f"the {level} page", p.pages.period
        for i in p.showing(range(len(periods)), lambda i: periods[i].articles):
            period = periods[i]
            p.add(
                period_url(period), level, template, owner, make, (level, i),
                shows=period.articles,
                lastmod=period.articles[-1].date if period.articles else None,
                at=period.articles[0].date if period.articles else None,
            )  # fmt: skip

    return plan


def _plan_undated(p: _Draft) -> None:
    """The undated list (always there: the footer links to it)."""
    crumbs = (p.pages.home, p.pages.here("Undated"))
    undated = p.site.archive.undated
    _paginate(p, urls.UNDATED, "undated", "undated.html", "the undated list", undated, {}, crumbs)


def _plan_taxonomies(p: _Draft) -> None:
    """Each taxonomy's index, and each term's articles, paginated."""
    for tax in p.site.taxonomies:
        kind = taxonomies.by_name(tax.name)
        p.add(
            kind.url, "terms", "terms.html", f"the {tax.name} index", p.pages.terms_index, tax,
            shows=itertools.chain.from_iterable(t.articles for t in tax.terms),
        )  # fmt: skip
        for term in p.showing(tax.terms, _articles):
            _paginate(
                p,
                kind.term_url(term.slug),
                "term",
                "term.html",
                f"the {kind.singular.lower()} page of {term.name!r}",
                term.articles,
                {
                    "taxonomy": tax.name,
                    "label": p.pages.lang.gettext(kind.singular),
                    "term": term.name,
                    "feed": kind.feed_url(term.slug),
                },
                (
                    p.pages.home,
                    NavLink(p.pages.lang.gettext(kind.plural), kind.url),
                    NavLink(term.name, ""),
                ),
            )


def _plan_not_found(p: _Draft) -> None:
    p.add_fixed(urls.NOT_FOUND, "404", "404.html", "the 404 page", {"crumbs": ()})


def _plan_feed(p: _Draft) -> None:
    """The Atom feed of the newest articles."""
    dated = p.site.archive.dated
    size = p.site.config.feed_size
    entries = tuple(reversed(dated[-size:])) if size > 0 else ()
    context = _feed_context(p.site, entries, urls.FEED, urls.HOME, "")
    p.add_fixed(urls.FEED, "feed", "feed.xml", "the feed", context, shows=entries)


def _plan_term_feeds(p: _Draft) -> None:
    """An Atom feed per tag, place and agency (every taxonomy's term): its newest dated
    articles, for a reader following one subject."""
    size = p.site.config.feed_size
    for tax in p.site.taxonomies:
        kind = taxonomies.by_name(tax.name)
        label = p.pages.lang.gettext(kind.singular)
        for term in p.showing(tax.terms, _articles):
            entries = tuple(itertools.islice((a for a in term.articles if a.date), size))
            context = _feed_context(
                p.site, entries, kind.feed_url(term.slug), kind.term_url(term.slug),
                f"{label}: {term.name}",
            )  # fmt: skip
            p.add_fixed(
                kind.feed_url(term.slug), "feed", "feed.xml",
                f"the feed of the {kind.singular.lower()} {term.name!r}", context, shows=entries,
            )  # fmt: skip


def _feed_context(
    site: Site, entries: tuple[Article, ...], url: str, page: str, title: str
) -> dict[str, Any]:
    """A feed's context: its entries, where it and the page it follows live, its own
    title ("" for the site's feed) and, with ``feed.full_text``, each entry's body."""
    root = site.config.root
    bodies = (
        tuple(BodyRef(f"{root}/{a.source}", a.body_offset, a.body_hash) for a in entries)
        if site.config.feed_full_text
        else ()
    )
    return {"entries": entries, "feed_url": url, "feed_page": page, "feed_title": title,
            "bodies": bodies}  # fmt: skip


def _plan_sitemap(p: _Draft) -> None:
    """The sitemap of the HTML pages planned so far (not the 404 page), in parts of
    ``sitemap_limit`` with an index above them where there are several."""
    html = [h for h in p.heads if urls.output_path(h.url).endswith(".html") and h.kind != "404"]
    limit = p.sitemap_limit
    parts = [html[i : i + limit] for i in range(0, len(html), limit)] or [[]]
    entries = _sitemap_entries(p.site.config.base_url, parts)
    if len(parts) == 1:
        p.add(urls.SITEMAP, "sitemap", "sitemap.xml", "the sitemap", sitemap_part, entries[0])
        return
    for n, part_entries in enumerate(entries, start=1):
        p.add(
            urls.sitemap_part(n), "sitemap", "sitemap.xml", "the sitemap", sitemap_part,
            part_entries,
        )  # fmt: skip
    base = p.site.config.base_url
    sitemaps = tuple(urls.absolute(base, urls.sitemap_part(n)) for n in range(1, len(parts) + 1))
    p.add_fixed(
        urls.SITEMAP, "sitemap_index", "sitemap_index.xml", "the sitemap index",
        {"sitemaps": sitemaps},
    )  # fmt: skip


def _plan_search(p: _Draft) -> None:
    """The search page, where search is on (it is not in the sitemap)."""
    if p.site.config.search:
        crumbs = (p.pages.home, p.pages.here("Search"))
        p.add_fixed(urls.SEARCH_URL, "search", "search.html", "the search page", {"crumbs": crumbs})
        p.reserve(urls.SEARCH_INDEX, "the search index")


def _plan_redirect_pages(p: _Draft) -> None:
    """A page at each published URL that moved, sending readers on (no script needed)."""
    for r in p.site.redirects:
        p.add_fixed(r.old, "redirect", "redirect.html", f"the redirect from /{r.old}",
                    {"target": r.new})  # fmt: skip


def _plan_redirect_file(p: _Draft) -> None:
    """``_redirects``: the same moves, for the static hosts that read the file (Netlify,
    Cloudflare Pages) at the root of what they publish."""
    redirects = p.site.redirects
    if redirects:
        p.add_fixed(urls.REDIRECTS, "redirects", "_redirects.txt", "the redirect file",
                    {"redirects": redirects})  # fmt: skip


def _plan_robots(p: _Draft) -> None:
    p.add_fixed(urls.ROBOTS, "robots", "robots.txt", "robots.txt", {})


def _plan_static(p: _Draft) -> None:
    """The theme's and the site's static files, copied as they are."""
    make = p.pages.copy
    for f in p.site.static:
        p.add(f.rel, "static", None, f.source, make, f.source)


class Planner(NamedTuple):
    """One kind of output: the function planning its outputs, and whether any of them
    shows an article (only those are asked for when just some articles changed)."""

    kind: str
    plan: Callable[[_Draft], None]
    shows_articles: bool


# In plan order: the sitemap lists the HTML pages planned before it.
PLANNERS: tuple[Planner, ...] = (
    Planner("article", _plan_articles, True),
    Planner("version", _plan_versions, True),
    Planner("page", _plan_pages, True),
    Planner("home", _plan_home, True),
    Planner("archive", _plan_archive, True),
    Planner("year", _plan_periods("year"), True),
    Planner("month", _plan_periods("month"), True),
    Planner("day", _plan_periods("day"), True),
    Planner("undated", _plan_undated, True),
    Planner("on_this_day", _plan_on_this_day, True),
    Planner("taxonomy", _plan_taxonomies, True),
    Planner("404", _plan_not_found, False),
    Planner("feed", _plan_feed, True),
    Planner("term_feed", _plan_term_feeds, True),
    Planner("sitemap", _plan_sitemap, False),
    Planner("redirect", _plan_redirect_pages, False),
    Planner("redirects", _plan_redirect_file, False),
    Planner("search", _plan_search, False),
    Planner("robots", _plan_robots, False),
    Planner("static", _plan_static, False),
)


def plan_outputs(
    site: Site, *, sitemap_limit: int = SITEMAP_LIMIT, only: Iterable[str] | None = None
) -> Plan:
    """Every file of the built site, in a stable order; raises on colliding or unsafe paths.

    ``only`` (content sources): of the same outputs, just those that show one of these
    articles (its page, its neighbours' pages, the lists holding it, the feed), so
    nothing that shows no article (sitemap, 404, robots, static files), and no
    collision check across outputs left out. For rebuilding after edits that moved
    no article (same URL, date, slug and terms).
    """
    p = _Draft(site, sitemap_limit, None if only is None else frozenset(only))
    for planner in PLANNERS:
        if p.only is None or planner.shows_articles:
            planner.plan(p)
    if p.only is None:
        p.check_paths()
    raise_all(p.errors)
    return Plan(p.info, p.heads)


def _sitemap_entries(base: str, parts: Sequence[Sequence[Head]]) -> list[SitemapEntries]:
    """Each part's URL paths and dates copied into two strings now, before workers fork:
    iterating the pages' own strings would write to them (reference counts) and so copy
    every page of the heap holding them into the process rendering the sitemap."""
    iso: dict[dt.date, str] = {}
    return [
        SitemapEntries(
            base,
            len(part),
            "\0".join(h.url for h in part),
            "\0".join(
                iso.get(d) or iso.setdefault(d, d.isoformat()) if d else ""
                for d in (h.lastmod for h in part)
            ),
        )
        for part in parts
    ]
