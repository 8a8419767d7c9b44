"""What each page shows: the context an output is made of when it is asked for.

:class:`Pages` makes the context of an article, static page, the archive, a period
and a taxonomy's index from the site; :func:`list_page` one page of a paginated
list; :class:`SitemapEntries` a sitemap's entries as a template iterates them. Each
returns a :data:`Part`: the context, the body the page reads and the file it copies.
Pure functions of the site, which never changes, so an output made twice is equal.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from . import i18n, taxonomies, urls
from .i18n import Language
from .model import Article, BodyRef, NavLink, Period, Site, SitemapEntry, Taxonomy, Term
from .slugs import term_slug
from .taxonomies import TaxonomyKind

YEAR_HEADLINES = 10  # a year page lists each month's first articles
SHADES = 5  # the archive histogram's shades of a month's count (1 to SHADES; 0 for none)
LEAP_YEAR = 2000  # names a day of the year (29 February included)

# What a planned output is made from when it is asked for: its context, the body it
# reads and the static file it copies.
Part = tuple[dict[str, Any], BodyRef | None, str | None]
Make = Callable[[Any], Part]


def given(part: Part) -> Part:
    """The part of an output whose context is made when it is planned (feed, 404, robots)."""
    return part


def _link(label: str, url: str) -> NavLink:
    return NavLink(label, url)


def period_label(period: Period, lang: Language) -> str:
    """``2022``, ``March 2022``, ``Saturday, March 5, 2022`` (in the site's language)."""
    if period.kind == "year":
        return f"{period.year}"
    if period.kind == "month":
        return lang.month(period.year, period.month or 1)
    return lang.long_date(dt.date(period.year, period.month or 1, period.day or 1))


def period_url(period: Period) -> str:
    """The page of a year, month or day."""
    if period.kind == "year":
        return urls.year_url(period.year)
    if period.kind == "month":
        return urls.month_url(period.year, period.month or 0)
    return urls.day_url(period.year, period.month or 0, period.day or 0)


def _body(site: Site, article: Article) -> BodyRef:
    path = f"{site.config.root}/{article.source}"  # a plain string: pathlib is slow here
    return BodyRef(path, article.body_offset, article.body_hash)


class ListArg(NamedTuple):
    """One page of a paginated list."""

    first_url: str
    n: int  # 0: the first page; else the page's number counted from the oldest
    pages: int
    per_page: int
    articles: Sequence[Article]  # every article of the list, newest first
    context: dict[str, Any]  # the list's own context
    crumbs: tuple[NavLink, ...]


list_arg = functools.partial(tuple.__new__, ListArg)  # without NamedTuple's Python-level __new__


def page_count(total: int, per_page: int) -> int:
    """How many numbered pages a list of ``total`` has (none when one page holds it all)."""
    return 0 if total <= per_page else -(-total // per_page)


def chunk(total: int, per_page: int, n: int) -> slice:
    """The slice of a newest-first list that page ``n`` shows.

    Pages are numbered from the oldest article, so page ``n`` shows the same articles
    however many newer ones are added (only the newest numbered page and the first page
    change): page 1 holds the oldest ``per_page``, the last page the newest remainder.
    Page 0, the list's first page, shows the newest ``per_page``."""
    if n == 0:
        return slice(0, per_page)
    return slice(max(0, total - n * per_page), total - (n - 1) * per_page)


def list_page(arg: ListArg) -> Part:
    first_url, n, pages, per_page, articles, context, crumbs = arg
    total = len(articles)
    if n == 0:
        # The next older page holds the article just below the first page.
        older = (total - 1 - per_page) // per_page + 1 if pages else 0
        newer = None
    else:
        older = n - 1
        newer = urls.paginated(first_url, n + 1) if n < pages else None
    pagination = {
        "page": n,
        "pages": pages,
        "prev": newer,
        "next": urls.paginated(first_url, older) if older > 0 else None,
        "first": first_url if n else None,
    }
    shown = tuple(articles[chunk(total, per_page, n)])
    return {**context, "articles": shown, "pagination": pagination, "crumbs": crumbs}, None, None


class Pages:
    """Makes the contexts of article, static-page, archive, period and term-index pages
    from the site (the few lookups they share are made once per process)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.terms = {t.name: {term.slug: term for term in t.terms} for t in site.taxonomies}
        self.links: dict[Any, Any] = {}
        self.lang = lang = i18n.language(site.config.language, site.theme.site_locales)
        self.home = NavLink(lang.gettext("Home"), urls.HOME)
        self.archive_link = NavLink(lang.gettext("Archive"), urls.ARCHIVE)

    def here(self, word: str) -> NavLink:
        """The breadcrumb of the page itself, a word of the theme (``Search``, ``Undated``)."""
        return NavLink(self.lang.gettext(word), "")

    def dated(self, i: int) -> Part:
        dated = self.site.archive.dated
        prev_a = dated[i - 1] if i > 0 else None
        next_a = dated[i + 1] if i + 1 < len(dated) else None
        return self.article(dated[i], prev_a, next_a)

    def undated(self, i: int) -> Part:
        return self.article(self.site.archive.undated[i], None, None)

    def article(self, a: Article, prev_a: Article | None, next_a: Article | None) -> Part:
        """An article's page. ``links``: the links many article pages share (those of a
        date, a term, a set of tags), made once: thousands of pages hold few distinct."""
        links = self.links
        date_key = ("date", a.date)
        periods, crumbs = links.get(date_key) or links.setdefault(
            date_key, _date_links(a.date, self)
        )
        carried, related = self.coverage(a.source)
        context: dict[str, Any] = {
            "article": a,
            "prev": prev_a,
            "next": next_a,
            "periods": periods,
            "carried": carried,  # near-copies from other agencies or outlets
            "related": related,  # other reports of the same event
        }
        for kind in taxonomies.TAXONOMIES:
            names = kind.terms_of(a)
            key = (kind.name, names)
            found = links.get(key)
            if found is None:
                terms = self.terms[kind.name]
                found = links[key] = tuple(
                    _term_link(links, kind, terms[slug])
                    for slug in dict.fromkeys(map(term_slug, names))
                )
            context[kind.article_key] = (found[0] if found else None) if kind.single else found
        # The breadcrumb ends at the day: the headline is the page's h1 just below it.
        context["crumbs"] = crumbs
        return context, _body(self.site, a), None

    def version(self, arg: tuple[Article, int]) -> Part:
        """An earlier version of a story (``arg``: the story and the version's index):
        its own text and metadata, linked to the story; the story's terms and periods."""
        story, n = arg
        context, _, _ = self.article(story, None, None)
        version = story.versions[n]
        context = {**context, "article": version, "story": story, "version_number": n + 1}
        return context, _body(self.site, version), None

    @functools.cached_property
    def dated_index(self) -> dict[str, int]:
        """Each dated article's place in time order, by source."""
        return {a.source: i for i, a in enumerate(self.site.archive.dated)}

    def coverage(self, source: str) -> tuple[tuple[Article, ...], tuple[Article, ...]]:
        """The articles an article page links as its coverage (also carried by, related):
        the ``related.limit`` most similar of each."""
        found = self.site.coverage.get(source)
        if found is None:
            return (), ()
        dated, index = self.site.archive.dated, self.dated_index
        limit = self.site.config.related.limit
        return (
            tuple(dated[index[s]] for s, _ in found.carried[:limit]),
            tuple(dated[index[s]] for s, _ in found.related[:limit]),
        )

    def page(self, a: Article) -> Part:
        context = {"article": a, "crumbs": (self.home, NavLink(a.title, ""))}
        return context, _body(self.site, a), None

    def archive(self, _: None) -> Part:
        """Every year as a row of twelve months: counts in text, a shade for each."""
        arch = self.site.archive
        most = max((len(m.articles) for m in arch.months), default=0)
        years = tuple(_year_summary(y, arch.months, self.lang) for y in reversed(arch.years))
        for year in years:
            for month in year["months"]:
                month["shade"] = -(-month["count"] * SHADES // most) if most else 0
        context = {
            "years": years,
            "months": tuple(zip(self.lang.months_short[1:], self.lang.months[1:], strict=True)),
            "undated": len(arch.undated),
            "crumbs": (self.home, self.here("Archive")),
        }
        return context, None, None

    def home_page(self, _: None) -> Part:
        """The latest day's stories, its month's calendar and the years with their counts."""
        arch = self.site.archive
        lang = self.lang
        context: dict[str, Any] = {"latest": None, "crumbs": ()}
        if arch.days:
            day, month = arch.days[-1], arch.months[-1]
            context["latest"] = {
                "label": period_label(day, lang),
                "url": period_url(day),
                "articles": tuple(reversed(day.articles)),
                "month": period_label(month, lang),
                "month_url": period_url(month),
                **_month_grid(month, lang),
            }
        context["years"] = tuple(
            {"year": y.year, "url": urls.year_url(y.year), "count": len(y.articles)}
            for y in arch.years
        )
        # Today's on-this-day page is picked in the reader's browser, from these days.
        context["on_this_day"] = " ".join(f"{m:02d}-{d:02d}" for m, d in self.days_of_year)
        return context, None, None

    @functools.cached_property
    def days_of_year(self) -> dict[tuple[int, int], tuple[Article, ...]]:
        """Each (month, day) holding articles: its articles, newest year first (in time
        order within a year), in calendar order of the days."""
        found: dict[tuple[int, int], list[Article]] = {}
        for a in reversed(self.site.archive.dated):
            assert a.date is not None
            found.setdefault((a.date.month, a.date.day), []).append(a)
        return {key: _years_newest_first(found[key]) for key in sorted(found)}

    def on_this_day_index(self, _: None) -> Part:
        """Every day of the year holding articles, month by month, with counts."""
        lang = self.lang
        months: dict[int, list[dict[str, Any]]] = {}
        for (m, d), articles in self.days_of_year.items():
            months.setdefault(m, []).append(
                {
                    "label": lang.day_of_year(dt.date(LEAP_YEAR, m, d)),
                    "url": urls.on_this_day_url(m, d),
                    "count": len(articles),
                }
            )
        context = {
            "months": tuple({"name": lang.months[m], "days": days} for m, days in months.items()),
            "crumbs": (self.home, self.here("On this day")),
        }
        return context, None, None

    def on_this_day_crumbs(self, label: str) -> tuple[NavLink, ...]:
        return (
            self.home,
            NavLink(self.lang.gettext("On this day"), urls.ON_THIS_DAY),
            NavLink(label, ""),
        )

    def period(self, arg: tuple[str, int]) -> Part:
        level, i = arg
        arch = self.site.archive
        periods = {"year": arch.years, "month": arch.months, "day": arch.days}[level]
        period = periods[i]
        prev_p = periods[i - 1] if i > 0 else None
        next_p = periods[i + 1] if i + 1 < len(periods) else None
        lang = self.lang
        context: dict[str, Any] = {
            "period": period,
            "label": period_label(period, lang),
            "prev": _link(period_label(prev_p, lang), period_url(prev_p)) if prev_p else None,
            "next": _link(period_label(next_p, lang), period_url(next_p)) if next_p else None,
            "crumbs": _period_crumbs(self, period),
        }
        if level == "year":
            context["months"] = _year_summary(period, arch.months, lang, YEAR_HEADLINES)["months"]
        elif level == "month":
            context.update(_month_grid(period, lang))
        else:
            context["on_this_day"] = urls.on_this_day_url(period.month or 1, period.day or 1)
            context["on_this_day_label"] = lang.day_of_year(
                dt.date(LEAP_YEAR, period.month or 1, period.day or 1)
            )
        return context, None, None

    def terms_index(self, tax: Taxonomy) -> Part:
        kind = taxonomies.by_name(tax.name)
        context = {
            "taxonomy": tax.name,
            "label": self.lang.gettext(kind.plural),
            "terms": tuple(
                {"name": t.name, "url": kind.term_url(t.slug), "count": len(t.articles)}
                for t in tax.terms
            ),
            "crumbs": (self.home, self.here(kind.plural)),
        }
        return context, None, None

    def copy(self, source: str) -> Part:
        return {}, None, source


def _date_links(d: dt.date | None, pages: Pages) -> tuple[tuple[NavLink, ...], tuple[NavLink, ...]]:
    """An article page's period links and breadcrumbs (shared by its day's articles)."""
    lang = pages.lang
    if d is None:
        return (), (pages.home, NavLink(lang.gettext("Undated"), urls.UNDATED))
    periods = (
        NavLink(lang.day(d), urls.day_url(d.year, d.month, d.day)),
        NavLink(lang.month(d.year, d.month), urls.month_url(d.year, d.month)),
        NavLink(f"{d.year}", urls.year_url(d.year)),
    )
    crumbs = (
        pages.home,
        pages.archive_link,
        periods[2],
        NavLink(lang.months[d.month], periods[1].url),
        NavLink(str(d.day), periods[0].url),
    )
    return periods, crumbs


def _years_newest_first(articles: Sequence[Article]) -> tuple[Article, ...]:
    """Articles given newest first, as newest year first, each year in time order."""
    by_year: dict[int, list[Article]] = {}
    for a in articles:
        assert a.date is not None
        by_year.setdefault(a.date.year, []).append(a)
    return tuple(a for year in by_year.values() for a in reversed(year))


def _term_link(links: dict[Any, Any], kind: TaxonomyKind, term: Term) -> NavLink:
    key = ("term", kind.name, term.slug)
    link = links.get(key)
    if link is None:
        link = links[key] = NavLink(term.name, kind.term_url(term.slug))
    return link


def _period_crumbs(pages: Pages, period: Period) -> tuple[NavLink, ...]:
    crumbs = [pages.home, pages.archive_link, NavLink(str(period.year), urls.year_url(period.year))]
    if period.month:
        name = pages.lang.months[period.month]
        crumbs.append(NavLink(name, urls.month_url(period.year, period.month)))
    if period.day:
        crumbs.append(NavLink(str(period.day), ""))
    last = crumbs[-1]
    crumbs[-1] = NavLink(last.title, "")  # the current page is not a link
    return tuple(crumbs)


def _year_summary(
    year: Period, months: Sequence[Period], lang: Language, headlines: int = 0
) -> dict[str, Any]:
    """A year's twelve months with counts (and each month's first ``headlines`` articles)."""
    of_year = {m.month: m.articles for m in months if m.year == year.year}
    counts = {month: len(articles) for month, articles in of_year.items()}
    return {
        "year": year.year,
        "url": urls.year_url(year.year),
        "count": len(year.articles),
        "months": tuple(
            {
                "name": lang.months[m],
                "short": lang.months_short[m],
                "month": m,
                "count": counts.get(m, 0),
                "url": urls.month_url(year.year, m) if counts.get(m) else None,
                "articles": of_year.get(m, ())[:headlines],
            }
            for m in range(1, 13)
        ),
    }


def _month_grid(month: Period, lang: Language) -> dict[str, Any]:
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
                "label": lang.long_date(dt.date(month.year, month.month or 1, d)),
            }
            for d in week
        )
        for week in calendar.Calendar(firstweekday=0).monthdayscalendar(
            month.year, month.month or 1
        )
    )
    days = tuple(
        {
            "label": lang.long_date(dt.date(month.year, month.month or 1, d)),
            "url": urls.day_url(month.year, month.month or 0, d),
            "articles": tuple(arts),
        }
        for d, arts in sorted(by_day.items())
    )
    return {
        "weekdays": tuple(zip(lang.weekdays_short, lang.weekdays, strict=True)),
        "weeks": weeks,
        "days": days,
    }


@dataclass(frozen=True, slots=True)
class SitemapEntries(Sequence[SitemapEntry]):
    """The pages of one sitemap file, each :class:`SitemapEntry` made as a template
    iterates (so a large sitemap's entries are never all held at once): the pages' URL
    paths and ``lastmod`` dates ("" for none), each list joined by NULs into one string."""

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


def sitemap_part(entries: SitemapEntries) -> Part:
    return {"entries": entries}, None, None
