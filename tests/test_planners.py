"""The planners and the taxonomy table: each concept declared once.

Every taxonomy in :data:`archivesite.taxonomies.TAXONOMIES` gets an index, a page per
term and a link in the site navigation, and a new row is all a new taxonomy needs;
planning for some changed articles asks the same planners, and gives exactly the
outputs of the full plan that show one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from archivesite import taxonomies
from archivesite.build import build
from archivesite.config import load_config
from archivesite.load import load_articles
from archivesite.model import Article, NavLink, Output, Site
from archivesite.site import assemble, plan_outputs
from archivesite.taxonomies import TaxonomyKind


def small_site(make_site: Callable[..., Path], article_md: Callable[..., str]) -> Path:
    stories = [
        (1, "MOSCOW", "TASS", "[economy, energy]", "ru"),
        (2, "PORTLAND, Ore.", "AP", "[economy]", "en"),
        (2, "PORTLAND, Maine", "AP", "[fishing]", "en"),
        (3, "PARIS", "AFP", "[]", "fr"),
        (4, "MOSCOW", "TASS", "[energy]", "ru"),
        (5, "KYIV", "Reuters", "[energy, war]", "en"),
    ]
    files = {
        f"2022/03/{day:02d}/story-{i}.md": article_md(
            f"Story {i}",
            date=f"2022-03-{day:02d}",
            dateline=place,
            agency=agency,
            tags=tags,
            language=lang,
        )
        for i, (day, place, agency, tags, lang) in enumerate(stories)
    }
    files["undated-note.md"] = article_md("An undated note", tags="[economy]")
    files["pages/about.md"] = article_md("About")
    config = 'title = "Planners"\nbase_url = "https://example.org/"\nper_page = 2\nfeed_size = 3\n'
    return make_site(files, config)


def _site(root: Path) -> Site:
    config = load_config(root)
    return assemble(config, load_articles(config))


def test_every_declared_taxonomy_has_an_index_term_pages_and_a_navigation_link(
    make_site: Callable[..., Path], article_md: Callable[..., str], tmp_path: Path
) -> None:
    root = small_site(make_site, article_md)
    out = tmp_path / "out"
    build(load_config(root), out=out, jobs=1)
    home = (out / "index.html").read_text(encoding="utf-8")
    site = _site(root)
    assert [t.name for t in site.taxonomies] == [k.name for k in taxonomies.TAXONOMIES]
    for kind, tax in zip(taxonomies.TAXONOMIES, site.taxonomies, strict=True):
        assert f'<a href="{kind.url}">{kind.plural}</a>' in home
        index = (out / kind.url / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{kind.plural}</h1>" in index
        assert tax.terms
        for term in tax.terms:
            page = (out / kind.term_url(term.slug) / "index.html").read_text(encoding="utf-8")
            assert f'<span class="sub">{kind.singular}:</span>' in page
            assert f'href="{term.slug}/"' in index
    places = {t.name for t in site.taxonomies[1].terms}
    assert {"Portland, Ore.", "Portland, Maine", "Moscow"} <= places


def _languages(article: Article) -> tuple[str, ...]:
    return (article.language,) if article.language else ()


def test_a_new_taxonomy_is_one_row(
    make_site: Callable[..., Path],
    article_md: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No code but the row: grouping, planning, article links and navigation follow it."""
    languages = TaxonomyKind(
        "languages", "in", "Languages", "Language", "language", True, _languages
    )
    monkeypatch.setattr(taxonomies, "TAXONOMIES", (*taxonomies.TAXONOMIES, languages))
    root = small_site(make_site, article_md)
    plan = plan_outputs(_site(root))
    by_url = {o.url: o for o in plan}
    assert by_url["in/"].context["label"] == "Languages"
    assert [t["name"] for t in by_url["in/"].context["terms"]] == ["fr", "ru"]
    russian = by_url["in/ru/"]
    assert russian.kind == "term" and russian.context["label"] == "Language"
    assert [a.title for a in russian.context["articles"]] == ["Story 4", "Story 0"]
    story = next(o for o in plan if o.kind == "article" and o.context["article"].title == "Story 0")
    assert story.context["language"] == NavLink("ru", "in/ru/")
    sitemap = plan.paths()
    assert sitemap.index("in/index.html") > sitemap.index("agencies/index.html")

    out = tmp_path / "out"
    build(load_config(root), out=out, jobs=1)
    assert '<a href="in/">Languages</a>' in (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Languages</h1>" in (out / "in/index.html").read_text(encoding="utf-8")


def _shows(output: Output, site: Site, changed: set[str]) -> bool:
    """Whether a reader sees one of the changed articles on this output (in a list, as
    the article or its neighbour), or a count that includes one (archive, term index)."""
    c = output.context
    found: list[object] = [c.get("article"), c.get("prev"), c.get("next")]
    found += [*c.get("articles", ()), *c.get("entries", ())]
    if "period" in c:
        found += c["period"].articles
    if output.kind in ("archive", "home", "on_this_day_index"):
        found += site.archive.dated
    if output.kind == "terms":
        tax = next(t for t in site.taxonomies if t.name == c["taxonomy"])
        found += [a for term in tax.terms for a in term.articles]
    return any(isinstance(a, Article) and a.source in changed for a in found)


def _sources(articles: Iterable[Article]) -> set[str]:
    return {a.source for a in articles}


def test_planning_for_changed_articles_gives_the_full_plans_outputs_that_show_them(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = _site(small_site(make_site, article_md))
    full = list(plan_outputs(site))
    dated, undated = site.archive.dated, site.archive.undated
    for changed in (
        _sources(dated[:1]),  # the oldest: last page of the home page's list
        _sources(dated[-1:]),  # the newest: in the feed
        _sources(dated[2:4]),
        _sources(undated),
        _sources(site.pages),
        set(),
    ):
        subset = list(plan_outputs(site, only=changed))
        assert subset == [o for o in full if _shows(o, site, changed)], changed
    newest = {o.kind for o in plan_outputs(site, only=_sources(dated[-1:]))}
    assert {"article", "home", "feed", "day", "month", "year", "term", "terms"} <= newest
    assert not {"sitemap", "static", "robots", "404"} & newest
