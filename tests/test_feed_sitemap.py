"""The sample site's Atom feed parses cleanly; its sitemap validates against sitemaps.org 0.9.

feedparser must report no bozo error; entries carry absolute links under the
base URL, newest first, at most 50. The sitemap (or sitemap index and every
sitemap it lists) validates with lxml against tests/schemas/ (the published
sitemaps.org schemas, kept here so no network is needed), lists only absolute
URLs under the base URL, each naming a file that exists, and ``robots.txt``
names it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from validation_fixtures import SampleBuild, sample_build

__all__ = ["sample_build"]

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FEED_SIZE = 50


@cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _output_file(sample: SampleBuild, url: str) -> Path:
    """The output file an absolute URL under the base URL is served from."""
    assert url.startswith(sample.base_url), f"{url} is not under {sample.base_url}"
    rel = url.removeprefix(sample.base_url)
    path = sample.out / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def test_feed_parses_without_bozo(sample_build: SampleBuild) -> None:
    feed_path = sample_build.out / "feed.xml"
    assert feed_path.is_file()
    parsed = feedparser.parse(feed_path.read_bytes())
    assert parsed.bozo == 0, f"feedparser: {parsed.get('bozo_exception')!r}"
    assert parsed.version == "atom10"
    assert parsed.feed.get("title")
    entries = parsed.entries
    assert 0 < len(entries) <= FEED_SIZE
    # The sample site has more than 50 articles, so the feed is full.
    assert len(entries) == FEED_SIZE
    for entry in entries:
        assert entry.get("title"), entry
        assert entry.get("id"), entry
        link = entry.get("link", "")
        assert link.startswith(sample_build.base_url), f"not absolute under base: {link!r}"
        assert _output_file(sample_build, link).is_file(), f"feed links to a missing page {link}"
        assert entry.get("updated_parsed") or entry.get("published_parsed"), entry
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids), "duplicate entry ids"
    stamps = [e.get("published_parsed") or e.get("updated_parsed") for e in entries]
    assert stamps == sorted(stamps, reverse=True), "entries are not newest first"


def test_feed_is_well_formed_atom_with_absolute_self_link(sample_build: SampleBuild) -> None:
    root = etree.parse(str(sample_build.out / "feed.xml")).getroot()
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    links = root.findall("{http://www.w3.org/2005/Atom}link")
    self_links = [ln.get("href", "") for ln in links if ln.get("rel") == "self"]
    assert self_links == [sample_build.base_url + "feed.xml"]


def _sitemaps(sample: SampleBuild) -> list[Path]:
    """sitemap.xml, or every sitemap its index lists (each index validated on the way)."""
    top = sample.out / "sitemap.xml"
    assert top.is_file()
    doc = etree.parse(str(top))
    if doc.getroot().tag == SITEMAP_NS + "sitemapindex":
        schema = _schema("siteindex.xsd")
        assert schema.validate(doc), str(schema.error_log)
        locs = [el.text or "" for el in doc.getroot().iter(SITEMAP_NS + "loc")]
        return [_output_file(sample, loc.strip()) for loc in locs]
    return [top]


def test_sitemap_validates_against_the_sitemaps_org_schema(sample_build: SampleBuild) -> None:
    schema = _schema("sitemap.xsd")
    urls: list[str] = []
    for path in _sitemaps(sample_build):
        doc = etree.parse(str(path))
        assert doc.getroot().tag == SITEMAP_NS + "urlset", path
        assert schema.validate(doc), f"{path.name}: {schema.error_log}"
        locs = [(el.text or "").strip() for el in doc.getroot().iter(SITEMAP_NS + "loc")]
        assert len(locs) <= 50_000
        urls.extend(locs)
    assert len(urls) == len(set(urls)), "a URL is listed twice"
    missing = [u for u in urls if not _output_file(sample_build, u).is_file()]
    assert not missing, f"sitemap lists URLs with no page: {missing[:10]}"
    # Every article page is in the sitemap.
    listed = {_output_file(sample_build, u) for u in urls}
    articles = list(
        sample_build.out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html")
    )
    assert articles, "no article pages at /YYYY/MM/DD/<slug>/"
    unlisted = sorted(str(p.relative_to(sample_build.out)) for p in set(articles) - listed)
    assert not unlisted, f"article pages missing from the sitemap: {unlisted[:10]}"


def test_sitemap_lastmod_is_not_the_build_time(sample_build: SampleBuild) -> None:
    """Determinism: no build-time now() leaks into lastmod values."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for path in _sitemaps(sample_build):
        text = path.read_text(encoding="utf-8")
        assert f"<lastmod>{today}" not in text, f"{path.name} carries today's date"


def test_robots_txt_names_the_sitemap(sample_build: SampleBuild) -> None:
    robots = (sample_build.out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {sample_build.base_url}sitemap.xml" in robots.splitlines()


@pytest.mark.parametrize("name", ["sitemap.xsd", "siteindex.xsd"])
def test_schemas_reject_bad_documents(name: str) -> None:
    """The schemas are real: a bad lastmod or a relative loc fails them."""
    root = "urlset><url" if name == "sitemap.xsd" else "sitemapindex><sitemap"
    outer, inner = root.split("><")
    bad = (
        f'<{outer} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><{inner}>'
        f"<loc>/x/</loc><lastmod>2022-13-40</lastmod></{inner}></{outer}>"
    )
    assert not _schema(name).validate(etree.fromstring(bad.encode()))
