"""The site as a value: ``assemble() -> Site`` and ``plan_outputs(site) -> Plan``.

``assemble`` gives every article its URL (through :mod:`urls`), groups the
archive and taxonomies and lists the static files; ``plan_outputs`` turns the
site into a :class:`Plan`: a sequence of one :class:`Output` per file, each
carrying plain data for its template and the template's name, made when it is
asked for (the plan itself holds only URLs, kinds, templates and how to make the
rest). Two sources that would write one file are an error naming both; no output
path can leave the output folder. Renders and writes nothing.
"""

from __future__ import annotations

import array
import calendar
import datetime as dt
import importlib.resources
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, overload

from . import urls
from .archive import build_archive, build_taxonomies, place_name
from .config import Config
from .errors import ArchiveError, ArchiveErrors
from .labels import MONTHS, WEEKDAY_NAMES, WEEKDAYS, day_text
from .model import (
    Archive,
    Article,
    BodyRef,
    NavLink,
    Output,
    Period,
    Site,
    SiteInfo,
    SitemapEntry,
    StaticFile,
    Taxonomy,
    Term,
    Theme,
)
from .slugs import term_slug

SITEMAP_LIMIT = 50_000
YEAR_HEADLINES = 10  # a year page lists each month's first articles
TAXONOMY_LABELS = {
    "tags": ("Tags", "Tag"),
    "places": ("Places", "Place"),
    "agencies": ("Agencies", "Agency"),
}
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
        return str(path.resolve())

    return Theme(
        builtin_templates=str(templates.resolve()),
        builtin_static=str(static.resolve()),
        site_templates=own(config.templates_dir, templates),
        site_static=own(config.static_dir, static),
    )


def static_files(theme: Theme) -> tuple[StaticFile, ...]:
    """The theme's static files, the site's over them (hidden files, READMEs skipped)."""
    found: dict[str, str] = {}
    for folder in (theme.builtin_static, theme.site_static):
        if folder is None or not Path(folder).is_dir():
            continue
        base = Path(folder)
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base)
            if not path.is_file() or any(p.startswith(".") for p in rel.parts):
                continue
            if len(rel.parts) == 1 and rel.name in _SKIP_STATIC:
                continue
            found[rel.as_posix()] = str(path)
    return tuple(StaticFile(rel, src) for rel, src in sorted(found.items()))


def assemble(config: Config, articles: Iterable[Article], theme: Theme | None = None) -> Site:
    """Give each article its URL, group the archive and taxonomies, list static files."""
    theme = theme or locate_theme(config)
    placed = [
        replace(
            a,
            url=urls.page_url(a.slug)
            if a.kind == "page"
            else urls.article_url(config.permalink, a.slug, a.date),
        )
        for a in articles
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
        static=static_files(theme),
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
    taxonomies = tuple(Taxonomy(t.name, tuple(map(sub_term, t.terms))) for t in site.taxonomies)
    return replace(site, archive=archive, taxonomies=taxonomies, pages=sub(site.pages))


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
    )


def _link(label: str, url: str) -> NavLink:
    return NavLink(label, url)


def period_label(period: Period) -> str:
    if period.kind == "year":
        return f"{period.year}"
    if period.kind == "month":
        return f"{MONTHS[period.month or 0]} {period.year}"
    return f"{period.day} {MONTHS[period.month or 0]} {period.year}"


def period_url(period: Period) -> str:
    if period.kind == "year":
        return urls.year_url(period.year)
    if period.kind == "month":
        return urls.month_url(period.year, period.month or 0)
    return urls.day_url(period.year, period.month or 0, period.day or 0)


_source = operator.attrgetter("source")

# What a planned output is made from when it is asked for: its context, the body it
# reads and the static file it copies.
Part = tuple[dict[str, Any], BodyRef | None, str | None]
Make = Callable[[Any], Part]
# (url, kind, template, make, its argument, the date the sitemap gives it, where it sorts
# in time: the day of the first article it shows, or None). The output's path is derived
# from its URL (urls.output_path) when asked for: 16 MB fewer strings at 100,000 articles.
Head = tuple[str, str, str | None, Make, Any, dt.date | None, dt.date | None]
_TIMELESS = dt.date.max


class Plan(Sequence[Output]):
    """Every file of the built site, in a stable order: a sequence of :class:`Output`.

    Each output (with its context) is made when it is asked for and not kept: the plan
    holds what every output has (its URL, kind and template) and how to make the rest,
    about 100 bytes an output. So a 100,000-article site's plan costs some 20 MB,
    not its contexts' 150, and a worker rendering a range makes just that range. An
    output made twice is equal to itself (its data is the site's, which never changes).
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
        url, kind, template, make, arg, _, _ = head
        context, body, copy_from = make(arg)
        path = urls.output_path(url)
        return Output(url, path, kind, template, self.info, context, body, copy_from)

    def paths(self, kind: str | None = None) -> list[str]:
        """The output paths, in plan order (only those of ``kind``, if given)."""
        path = urls.output_path
        return [path(h[0]) for h in self._heads if kind is None or h[1] == kind]

    def templates(self) -> set[str]:
        """The templates the outputs render through."""
        return {h[2] for h in self._heads if h[2] is not None}

    def time_order(self) -> array.array[int]:
        """The outputs' indices in the time order of the articles they show (by the day of
        the first one; outputs that show none, or undated ones, last): a run of outputs in
        this order shows a run of neighbouring articles, so a process rendering a run of
        it touches few articles that another process's run touches too."""
        heads = self._heads
        return array.array("i", sorted(range(len(heads)), key=lambda i: heads[i][6] or _TIMELESS))


def _given(part: Part) -> Part:
    return part


class _Planner:
    """Collects outputs, refusing a second writer of one path."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.info = site_info(site)
        self.heads: list[Head] = []
        self.owners: dict[str, str] = {}
        self.errors: list[ArchiveError] = []
        self.only: frozenset[str] | None = None

    def wants(self, shows: Iterable[Article | None]) -> bool:
        """Whether to plan an output showing these articles (always, unless ``only``)."""
        only = self.only
        return only is None or not only.isdisjoint(map(_source, filter(None, shows)))

    def add(
        self,
        url: str,
        kind: str,
        template: str | None,
        owner: str,
        make: Make,
        arg: Any,
        *,
        lastmod: dt.date | None = None,
        at: dt.date | None = None,
    ) -> None:
        """Plan the output at ``url``, made by ``make(arg)`` when it is asked for; ``at``:
        the day of the first article it shows."""
        path = urls.output_path(url)
        if not urls.is_safe_path(path):
            self.errors.append(
                ArchiveError(f"URL {url!r} would write outside the output folder", owner)
            )
            return
        key = path.casefold()
        if key in self.owners:
            self.errors.append(
                ArchiveError(f"writes /{url} which {self.owners[key]} also writes", owner)
            )
            return
        self.owners[key] = owner
        self.heads.append((url, kind, template, make, arg, lastmod, at))

    def add_fixed(
        self, url: str, kind: str, template: str, owner: str, context: dict[str, Any]
    ) -> None:
        """Plan an output whose context is made now (one of a few: feed, 404, robots)."""
        self.add(url, kind, template, owner, _given, (context, None, None))


def _body(site: Site, article: Article) -> BodyRef:
    path = f"{site.config.root}/{article.source}"  # pathlib costs 0.3 s per 10,000 articles
    return BodyRef(path, article.body_offset, article.body_hash)


_HOME = NavLink("Home", urls.HOME)
_ARCHIVE = NavLink("Archive", urls.ARCHIVE)

# A list page: (first page's URL, its number, pages in all, articles per page, every
# article of the list, the list's own context, breadcrumbs)
_ListArg = tuple[str, int, int, int, Sequence[Article], dict[str, Any], tuple[NavLink, ...]]


def _list_page(arg: _ListArg) -> Part:
    first_url, n, pages, per_page, articles, context, crumbs = arg
    pagination = {
        "page": n,
        "pages": pages,
        "prev": urls.paginated(first_url, n - 1) if n > 1 else None,
        "next": urls.paginated(first_url, n + 1) if n < pages else None,
    }
    chunk = tuple(articles[(n - 1) * per_page : n * per_page])
    return {**context, "articles": chunk, "pagination": pagination, "crumbs": crumbs}, None, None


def _paginate(
    planner: _Planner,
    first_url: str,
    kind: str,
    template: str,
    owner: str,
    articles: Sequence[Article],
    context: dict[str, Any],
    crumbs: tuple[NavLink, ...],
) -> None:
    per_page = planner.site.config.per_page
    pages = max(1, math.ceil(len(articles) / per_page))
    for n in range(1, pages + 1):
        if planner.only is not None and not planner.wants(
            articles[(n - 1) * per_page : n * per_page]
        ):
            continue
        planner.add(
            urls.paginated(first_url, n),
            kind,
            template,
            owner,
            _list_page,
            (first_url, n, pages, per_page, articles, context, crumbs),
            at=articles[(n - 1) * per_page].date if articles else None,
        )


class _Pages:
    """Makes the contexts of article, static-page, archive, period and term-index pages
    from the site (the few lookups they share are made once per process)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        terms = {t.name: {term.slug: term for term in t.terms} for t in site.taxonomies}
        self.tag_terms = terms.get("tags", {})
        self.place_terms = terms.get("places", {})
        self.agency_terms = terms.get("agencies", {})
        self.links: dict[Any, Any] = {}

    def dated(self, i: int) -> Part:
        dated = self.site.archive.dated
        prev_a = dated[i - 1] if i > 0 else None
        next_a = dated[i + 1] if i + 1 < len(dated) else None
        return self.article(dated[i], prev_a, next_a)

    def undated(self, i: int) -> Part:
        return self.article(self.site.archive.undated[i], None, None)

    def article(self, a: Article, prev_a: Article | None, next_a: Article | None) -> Part:
        """An article's page. ``links``: the links many article pages share (those of a
        date, a term, a set of tags), made once: 10,000 pages hold few distinct."""
        links = self.links
        date_key = ("date", a.date)
        periods, crumbs = links.get(date_key) or links.setdefault(date_key, _date_links(a.date))
        name = place_name(a)
        place = self.place_terms[term_slug(name)] if name else None
        agency = self.agency_terms[term_slug(a.agency)] if a.agency else None
        tags_key = ("tags", a.tags)
        tags = links.get(tags_key) or links.setdefault(
            tags_key,
            tuple(
                _term_link(links, "tags", self.tag_terms[s])
                for s in dict.fromkeys(term_slug(t) for t in a.tags)
            ),
        )
        context = {
            "article": a,
            "prev": prev_a,
            "next": next_a,
            "periods": periods,
            "place": _term_link(links, "places", place) if place else None,
            "agency": _term_link(links, "agencies", agency) if agency else None,
            "tags": tags,
            "crumbs": (*crumbs, NavLink(a.title, "")),
        }
        return context, _body(self.site, a), None

    def page(self, a: Article) -> Part:
        context = {"article": a, "crumbs": (_HOME, NavLink(a.title, ""))}
        return context, _body(self.site, a), None

    def archive(self, _: None) -> Part:
        arch = self.site.archive
        context = {
            "years": tuple(_year_summary(y, arch.months) for y in reversed(arch.years)),
            "crumbs": (_HOME, NavLink("Archive", "")),
        }
        return context, None, None

    def period(self, arg: tuple[str, int]) -> Part:
        level, i = arg
        arch = self.site.archive
        periods = {"year": arch.years, "month": arch.months, "day": arch.days}[level]
        period = periods[i]
        prev_p = periods[i - 1] if i > 0 else None
        next_p = periods[i + 1] if i + 1 < len(periods) else None
        context: dict[str, Any] = {
            "period": period,
            "label": period_label(period),
            "prev": _link(period_label(prev_p), period_url(prev_p)) if prev_p else None,
            "next": _link(period_label(next_p), period_url(next_p)) if next_p else None,
            "crumbs": _period_crumbs(_HOME, _ARCHIVE, period),
        }
        if level == "year":
            context["months"] = _year_summary(period, arch.months, YEAR_HEADLINES)["months"]
        elif level == "month":
            context.update(_month_grid(period))
        return context, None, None

    def terms(self, arg: tuple[Taxonomy, str]) -> Part:
        tax, plural = arg
        context = {
            "taxonomy": tax.name,
            "label": plural,
            "terms": tuple(
                {
                    "name": t.name,
                    "url": urls.term_url(tax.name, t.slug),
                    "count": len(t.articles),
                }
                for t in tax.terms
            ),
            "crumbs": (_HOME, NavLink(plural, "")),
        }
        return context, None, None

    def copy(self, source: str) -> Part:
        return {}, None, source


def plan_outputs(
    site: Site, *, sitemap_limit: int = SITEMAP_LIMIT, only: Iterable[str] | None = None
) -> Plan:
    """Every file of the built site, in a stable order; raises on colliding or unsafe paths.

    ``only`` (content sources): plan just the outputs that show one of these articles
    (its page, its neighbours' pages, the lists holding it, the feed); nothing that
    shows no article (sitemap, 404, robots, static files), and no collision check
    across outputs left out. For the warm path of ``build``, where nothing moved.
    """
    p = _Planner(site)
    if only is not None:
        p.only = frozenset(only)
    arch = site.archive
    pages = _Pages(site)

    dated_page, undated_page, static_page = pages.dated, pages.undated, pages.page
    period_page = pages.period

    # Articles, with their neighbours in time.
    dated = arch.dated
    indices: Iterable[int] = range(len(dated))
    if p.only is not None:  # only the edited articles and their neighbours
        only_set = p.only
        hit = [i for i, a in enumerate(dated) if a.source in only_set]
        indices = sorted({j for i in hit for j in (i - 1, i, i + 1) if 0 <= j < len(dated)})
    for i in indices:
        a = dated[i]
        if p.only is not None:
            prev_a = dated[i - 1] if i > 0 else None
            next_a = dated[i + 1] if i + 1 < len(dated) else None
            if not p.wants((a, prev_a, next_a)):
                continue
        p.add(a.url, "article", "article.html", a.source, dated_page, i, lastmod=a.date, at=a.date)
    for i, a in enumerate(arch.undated):
        if not p.wants((a,)):
            continue
        p.add(a.url, "article", "article.html", a.source, undated_page, i)
    for a in site.pages:
        if not p.wants((a,)):
            continue
        p.add(a.url, "page", "page.html", a.source, static_page, a, lastmod=a.date)

    # Home, archive, periods.
    newest = tuple(reversed(dated))
    _paginate(p, urls.HOME, "home", "home.html", "the home page", newest, {}, ())
    if p.wants(dated):
        p.add(urls.ARCHIVE, "archive", "archive.html", "the archive page", pages.archive, None)
    for level, periods in (("year", arch.years), ("month", arch.months), ("day", arch.days)):
        for i, period in enumerate(periods):
            if not p.wants(period.articles):
                continue
            p.add(
                period_url(period),
                level,
                f"{level}.html",
                f"the {level} page",
                period_page,
                (level, i),
                lastmod=period.articles[-1].date if period.articles else None,
                at=period.articles[0].date if period.articles else None,
            )

    # Undated (always present: the footer links to it).
    _paginate(
        p,
        urls.UNDATED,
        "undated",
        "undated.html",
        "the undated list",
        arch.undated,
        {},
        (_HOME, NavLink("Undated", "")),
    )

    # Taxonomies.
    for tax in site.taxonomies:
        plural, singular = TAXONOMY_LABELS[tax.name]
        index_url = urls.taxonomy_url(tax.name)
        if p.only is None or p.wants(itertools.chain.from_iterable(t.articles for t in tax.terms)):
            p.add(
                index_url, "terms", "terms.html", f"the {tax.name} index", pages.terms,
                (tax, plural),
            )  # fmt: skip
        for term in tax.terms:
            _paginate(
                p,
                urls.term_url(tax.name, term.slug),
                "term",
                "term.html",
                f"the {singular.lower()} page of {term.name!r}",
                term.articles,
                {"taxonomy": tax.name, "label": singular, "term": term.name},
                (_HOME, NavLink(plural, index_url), NavLink(term.name, "")),
            )

    feed_entries = newest[: site.config.feed_size]
    if p.only is not None:  # only outputs that show one of the given articles
        if p.wants(feed_entries):
            p.add_fixed(urls.FEED, "feed", "feed.xml", "the feed", {"entries": feed_entries})
        if p.errors:
            raise p.errors[0] if len(p.errors) == 1 else ArchiveErrors(p.errors)
        return Plan(p.info, p.heads)
    p.add_fixed(urls.NOT_FOUND, "404", "404.html", "the 404 page", {"crumbs": ()})
    p.add_fixed(urls.FEED, "feed", "feed.xml", "the feed", {"entries": feed_entries})

    # Sitemap and robots.txt from the HTML pages planned so far.
    html = [h for h in p.heads if urls.output_path(h[0]).endswith(".html") and h[1] != "404"]
    _sitemap(p, html, sitemap_limit)
    # The search page (issue 6, search.py): only with search on; not in the sitemap.
    if site.config.search:
        p.add_fixed(
            urls.SEARCH_URL, "search", "search.html", "the search page",
            {"crumbs": (_HOME, NavLink("Search", ""))},
        )  # fmt: skip
    p.add_fixed(urls.ROBOTS, "robots", "robots.txt", "robots.txt", {})

    for f in site.static:
        p.add(f.rel, "static", None, f.source, pages.copy, f.source)
    if p.errors:
        raise p.errors[0] if len(p.errors) == 1 else ArchiveErrors(p.errors)
    return Plan(p.info, p.heads)


def _date_links(d: dt.date | None) -> tuple[tuple[NavLink, ...], tuple[NavLink, ...]]:
    """An article page's period links and breadcrumbs (shared by its day's articles)."""
    home = NavLink("Home", urls.HOME)
    if d is None:
        return (), (home, NavLink("Undated", urls.UNDATED))
    periods = (
        NavLink(day_text(d), urls.day_url(d.year, d.month, d.day)),
        NavLink(f"{MONTHS[d.month]} {d.year}", urls.month_url(d.year, d.month)),
        NavLink(f"{d.year}", urls.year_url(d.year)),
    )
    return periods, (home, NavLink("Archive", urls.ARCHIVE), periods[2], periods[1], periods[0])


def _term_link(links: dict[Any, Any], taxonomy: str, term: Term) -> NavLink:
    key = ("term", taxonomy, term.slug)
    link = links.get(key)
    if link is None:
        link = links[key] = NavLink(term.name, urls.term_url(taxonomy, term.slug))
    return link


def _period_crumbs(home: NavLink, archive: NavLink, period: Period) -> tuple[NavLink, ...]:
    crumbs = [home, archive, NavLink(str(period.year), urls.year_url(period.year))]
    if period.month:
        crumbs.append(NavLink(MONTHS[period.month], urls.month_url(period.year, period.month)))
    if period.day:
        crumbs.append(NavLink(str(period.day), ""))
    last = crumbs[-1]
    crumbs[-1] = NavLink(last.title, "")  # the current page is not a link
    return tuple(crumbs)


def _year_summary(year: Period, months: Sequence[Period], headlines: int = 0) -> dict[str, Any]:
    """A year's twelve months with counts (and each month's first ``headlines`` articles)."""
    of_year = {m.month: m.articles for m in months if m.year == year.year}
    counts = {month: len(articles) for month, articles in of_year.items()}
    return {
        "year": year.year,
        "url": urls.year_url(year.year),
        "count": len(year.articles),
        "months": tuple(
            {
                "name": MONTHS[m],
                "month": m,
                "count": counts.get(m, 0),
                "url": urls.month_url(year.year, m) if counts.get(m) else None,
                "articles": of_year.get(m, ())[:headlines],
            }
            for m in range(1, 13)
        ),
    }


def _month_grid(month: Period) -> dict[str, Any]:
    by_day: dict[int, list[Article]] = {}
    for a in month.articles:
        assert a.date is not None
        by_day.setdefault(a.date.day, []).append(a)
    weeks = tuple(
        tuple(
            None
            if d == 0
            else {
                "day": d,
                "count": len(by_day.get(d, ())),
                "url": urls.day_url(month.year, month.month or 0, d) if d in by_day else None,
                "label": f"{WEEKDAY_NAMES[dt.date(month.year, month.month or 1, d).weekday()]} "
                f"{d} {MONTHS[month.month or 0]}",
            }
            for d in week
        )
        for week in calendar.Calendar(firstweekday=0).monthdayscalendar(
            month.year, month.month or 1
        )
    )
    days = tuple(
        {
            "label": f"{WEEKDAY_NAMES[dt.date(month.year, month.month or 1, d).weekday()]}, "
            f"{d} {MONTHS[month.month or 0]} {month.year}",
            "url": urls.day_url(month.year, month.month or 0, d),
            "articles": tuple(arts),
        }
        for d, arts in sorted(by_day.items())
    )
    return {
        "weekdays": tuple(zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)),
        "weeks": weeks,
        "days": days,
    }


def _sitemap(p: _Planner, html: Sequence[Head], limit: int) -> None:
    """The sitemap of the HTML pages ``html``, in parts of ``limit`` with an index above."""
    base = p.site.config.base_url
    parts = [html[i : i + limit] for i in range(0, len(html), limit)] or [[]]
    # Each part's URL paths and dates are copied into two strings now, before workers
    # fork: iterating the pages' own strings would write to them (reference counts)
    # and so copy every page of the heap holding them into the process rendering it.
    iso: dict[dt.date, str] = {}
    entries = [
        SitemapEntries(
            base,
            len(part),
            "\0".join(h[0] for h in part),
            "\0".join(iso.get(d) or iso.setdefault(d, d.isoformat()) if d else "" for d in (
                h[5] for h in part)),
        )
        for part in parts
    ]  # fmt: skip
    if len(parts) == 1:
        p.add(urls.SITEMAP, "sitemap", "sitemap.xml", "the sitemap", _sitemap_part, entries[0])
        return
    for n, part_entries in enumerate(entries, start=1):
        p.add(
            urls.sitemap_part(n), "sitemap", "sitemap.xml", "the sitemap", _sitemap_part,
            part_entries,
        )  # fmt: skip
    sitemaps = tuple(urls.absolute(base, urls.sitemap_part(n)) for n in range(1, len(parts) + 1))
    p.add_fixed(
        urls.SITEMAP, "sitemap_index", "sitemap_index.xml", "the sitemap index",
        {"sitemaps": sitemaps},
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SitemapEntries(Sequence[SitemapEntry]):
    """The pages of one sitemap file, each :class:`SitemapEntry` made as a template
    iterates (50,000 of them at once took 20 MB): the pages' URL paths and ``lastmod``
    dates ("" for none), each list joined by NULs into one string."""

    base_url: str
    size: int
    urls: str
    lastmods: str

    def _pairs(self) -> Iterator[tuple[str, str]]:
        if not self.size:
            return iter(())
        return zip(self.urls.split("\0"), self.lastmods.split("\0"), strict=True)

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> SitemapEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[SitemapEntry]: ...

    def __getitem__(self, index: int | slice) -> SitemapEntry | list[SitemapEntry]:
        if isinstance(index, slice):
            return [self._entry(*pair) for pair in list(self._pairs())[index]]
        return self._entry(*list(self._pairs())[index])

    def _entry(self, url: str, lastmod: str) -> SitemapEntry:
        return SitemapEntry(urls.absolute(self.base_url, url), lastmod or None)

    def __iter__(self) -> Iterator[SitemapEntry]:
        return itertools.starmap(self._entry, self._pairs())


def _sitemap_part(entries: SitemapEntries) -> Part:
    return {"entries": entries}, None, None
