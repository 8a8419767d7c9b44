"""The site as a value: ``assemble() -> Site`` and ``plan_outputs(site) -> Output*``.

``assemble`` gives every article its URL (through :mod:`urls`), groups the
archive and taxonomies and lists the static files; ``plan_outputs`` turns the
site into one :class:`Output` per file, each carrying plain data for its
template and the template's name. Two sources
that would write one file are an error naming both; no output path can leave
the output folder. Renders and writes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.resources
import itertools
import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import urls
from .archive import build_archive, build_taxonomies
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
    StaticFile,
    Taxonomy,
    Term,
    Theme,
)
from .search import SEARCH_URL

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


class _Planner:
    """Collects outputs, refusing a second writer of one path."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.info = site_info(site)
        self.outputs: list[Output] = []
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
        context: dict[str, Any] | None = None,
        body: BodyRef | None = None,
        copy_from: str | None = None,
        path: str | None = None,
    ) -> None:
        path = path or urls.output_path(url)
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
        self.outputs.append(
            Output(
                url=url,
                path=path,
                kind=kind,
                template=template,
                site=self.info,
                context=context or {},
                body=body,
                copy_from=copy_from,
            )
        )


def _body(site: Site, article: Article) -> BodyRef:
    path = f"{site.config.root}/{article.source}"  # pathlib costs 0.3 s per 10,000 articles
    return BodyRef(path, article.body_offset, article.body_hash)


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
        chunk = tuple(articles[(n - 1) * per_page : n * per_page])
        if not planner.wants(chunk):
            continue
        url = urls.paginated(first_url, n)
        pagination = {
            "page": n,
            "pages": pages,
            "prev": urls.paginated(first_url, n - 1) if n > 1 else None,
            "next": urls.paginated(first_url, n + 1) if n < pages else None,
        }
        planner.add(
            url,
            kind,
            template,
            owner,
            {**context, "articles": chunk, "pagination": pagination, "crumbs": crumbs},
        )


def plan_outputs(
    site: Site, *, sitemap_limit: int = SITEMAP_LIMIT, only: Iterable[str] | None = None
) -> tuple[Output, ...]:
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
    home = NavLink("Home", urls.HOME)
    archive_crumb = NavLink("Archive", urls.ARCHIVE)
    place_of = {
        (a.source): t
        for tax in site.taxonomies
        if tax.name == "places"
        for t in tax.terms
        for a in t.articles
    }
    agency_of = {
        a.source: t
        for tax in site.taxonomies
        if tax.name == "agencies"
        for t in tax.terms
        for a in t.articles
    }
    tag_terms = {t.slug: t for tax in site.taxonomies if tax.name == "tags" for t in tax.terms}
    links: dict[Any, Any] = {}

    # Articles, with their neighbours in time.
    dated = arch.dated
    indices: Iterable[int] = range(len(dated))
    if p.only is not None:  # only the edited articles and their neighbours
        only = p.only
        hit = [i for i, a in enumerate(dated) if a.source in only]
        indices = sorted({j for i in hit for j in (i - 1, i, i + 1) if 0 <= j < len(dated)})
    for i in indices:
        a = dated[i]
        prev_a = dated[i - 1] if i > 0 else None
        next_a = dated[i + 1] if i + 1 < len(dated) else None
        if not p.wants((a, prev_a, next_a)):
            continue
        _article(p, site, a, prev_a, next_a, place_of, agency_of, tag_terms, links)
    for a in arch.undated:
        if not p.wants((a,)):
            continue
        _article(p, site, a, None, None, place_of, agency_of, tag_terms, links)
    for a in site.pages:
        if not p.wants((a,)):
            continue
        p.add(
            a.url,
            "page",
            "page.html",
            a.source,
            {"article": a, "crumbs": (home, NavLink(a.title, ""))},
            body=_body(site, a),
        )

    # Home, archive, periods.
    newest = tuple(reversed(dated))
    _paginate(p, urls.HOME, "home", "home.html", "the home page", newest, {}, ())
    if p.wants(dated):
        p.add(
            urls.ARCHIVE,
            "archive",
            "archive.html",
            "the archive page",
            {
                "years": tuple(_year_summary(y, arch.months) for y in reversed(arch.years)),
                "crumbs": (home, NavLink("Archive", "")),
            },
        )
    for level, periods in (("year", arch.years), ("month", arch.months), ("day", arch.days)):
        for i, period in enumerate(periods):
            prev_p = periods[i - 1] if i > 0 else None
            next_p = periods[i + 1] if i + 1 < len(periods) else None
            if not p.wants(period.articles):
                continue
            context: dict[str, Any] = {
                "period": period,
                "label": period_label(period),
                "prev": _link(period_label(prev_p), period_url(prev_p)) if prev_p else None,
                "next": _link(period_label(next_p), period_url(next_p)) if next_p else None,
                "crumbs": _period_crumbs(home, archive_crumb, period),
            }
            if level == "year":
                context["months"] = _year_summary(period, arch.months, YEAR_HEADLINES)["months"]
            elif level == "month":
                context.update(_month_grid(period))
            p.add(
                period_url(period),
                level,
                f"{level}.html",
                f"the {level} page",
                context,
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
        (home, NavLink("Undated", "")),
    )

    # Taxonomies.
    for tax in site.taxonomies:
        plural, singular = TAXONOMY_LABELS[tax.name]
        index_url = urls.taxonomy_url(tax.name)
        in_terms = tuple(itertools.chain.from_iterable(t.articles for t in tax.terms))
        if p.wants(in_terms):
            p.add(
                index_url,
                "terms",
                "terms.html",
                f"the {tax.name} index",
                {
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
                    "crumbs": (home, NavLink(plural, "")),
                },
            )
        for term in tax.terms:
            _paginate(
                p,
                urls.term_url(tax.name, term.slug),
                "term",
                "term.html",
                f"the {singular.lower()} page of {term.name!r}",
                term.articles,
                {"taxonomy": tax.name, "label": singular, "term": term.name},
                (home, NavLink(plural, index_url), NavLink(term.name, "")),
            )

    feed_entries = newest[: site.config.feed_size]
    if p.only is not None:  # only outputs that show one of the given articles
        if p.wants(feed_entries):
            p.add(
                urls.FEED,
                "feed",
                "feed.xml",
                "the feed",
                {"entries": feed_entries},
            )
        if p.errors:
            raise p.errors[0] if len(p.errors) == 1 else ArchiveErrors(p.errors)
        return tuple(p.outputs)
    p.add(urls.NOT_FOUND, "404", "404.html", "the 404 page", {"crumbs": ()})
    p.add(urls.FEED, "feed", "feed.xml", "the feed", {"entries": feed_entries})

    # Sitemap and robots.txt from the HTML pages planned so far.
    html = [o for o in p.outputs if o.path.endswith(".html") and o.kind != "404"]
    _sitemap(p, html, sitemap_limit)
    # The search page (issue 6, search.py): only with search on; not in the sitemap.
    if site.config.search:
        p.add(
            SEARCH_URL,
            "search",
            "search.html",
            "the search page",
            {"crumbs": (home, NavLink("Search", ""))},
        )
    p.add(urls.ROBOTS, "robots", "robots.txt", "robots.txt", {})

    for f in site.static:
        p.add(f.rel, "static", None, f.source, copy_from=f.source, path=f.rel)
    if p.errors:
        raise p.errors[0] if len(p.errors) == 1 else ArchiveErrors(p.errors)
    return tuple(p.outputs)


def _article(
    p: _Planner,
    site: Site,
    a: Article,
    prev_a: Article | None,
    next_a: Article | None,
    place_of: dict[str, Any],
    agency_of: dict[str, Any],
    tag_terms: dict[str, Any],
    links: dict[Any, Any],
) -> None:
    """An article's page. ``links``: the links many article pages share (those of a
    date, a term, a set of tags), made once per plan: 10,000 pages hold few distinct."""
    date_key = ("date", a.date)
    periods, crumbs = links.get(date_key) or links.setdefault(date_key, _date_links(a.date))
    place = place_of.get(a.source)
    agency = agency_of.get(a.source)
    tags_key = ("tags", a.tags)
    tags = links.get(tags_key) or links.setdefault(
        tags_key,
        tuple(
            _term_link(links, "tags", tag_terms[s])
            for s in dict.fromkeys(urls.slug_for(t) for t in a.tags)
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
    p.add(
        a.url,
        "article",
        "article.html",
        a.source,
        context,
        body=_body(site, a),
    )


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


def _sitemap(p: _Planner, html: Sequence[Output], limit: int) -> None:
    base = p.site.config.base_url
    entries = tuple({"loc": urls.absolute(base, o.url), "lastmod": _lastmod(o)} for o in html)
    if len(entries) <= limit:
        p.add(urls.SITEMAP, "sitemap", "sitemap.xml", "the sitemap", {"entries": entries})
        return
    parts = [entries[i : i + limit] for i in range(0, len(entries), limit)]
    for n, part in enumerate(parts, start=1):
        p.add(urls.sitemap_part(n), "sitemap", "sitemap.xml", "the sitemap", {"entries": part})
    p.add(
        urls.SITEMAP,
        "sitemap_index",
        "sitemap_index.xml",
        "the sitemap index",
        {
            "sitemaps": tuple(
                urls.absolute(base, urls.sitemap_part(n)) for n in range(1, len(parts) + 1)
            )
        },
    )


def _lastmod(output: Output) -> str | None:
    article = output.context.get("article")
    if isinstance(article, Article) and article.date is not None:
        return article.date.isoformat()
    period = output.context.get("period")
    if isinstance(period, Period) and period.articles:
        last = period.articles[-1].date
        return last.isoformat() if last else None
    return None
