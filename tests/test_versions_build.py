"""Building a site whose stories came in several versions and were corrected: one
page per story (the latest text at the first version's URL) with its corrections in
one notice and its earlier versions at ``v1/``, ``v2/``; JSON-LD ``dateModified`` and
``correction``; the feed's ``<updated>`` and the sitemap's ``lastmod``; the story
listed once everywhere; Nu checker 0 errors; incremental equals clean.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree, html

from archivesite.build import build
from archivesite.cli import cli
from archivesite.config import load_config

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "versions"
BASE = "https://example.org/archive/"
STORY = "2026/12/25/harbour-fire-closes-northport-docks/"
CONFIG = f'title = "Wire"\nbase_url = "{BASE}"\nsearch = true\n'


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixtures imported (the update first, as a wire may deliver it) and built."""
    root = tmp_path_factory.mktemp("versions") / "site"
    (root / "seeds").mkdir(parents=True)
    (root / "archivesite.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copytree(FIXTURES / "reuters", root / "seeds" / "reuters")
    shutil.copytree(FIXTURES / "ap", root / "seeds" / "ap")
    seeds = root / "seeds" / "reuters"
    _cli("import", "--site", str(root), "--as-of", "2027-04-01", str(seeds / "02-update1.txt"))
    _cli("import", "--site", str(root), "--as-of", "2027-04-01")
    _cli("build", "--site", str(root))
    return root


def _page(site: Path, url: str) -> str:
    return (site / "build" / url / "index.html").read_text(encoding="utf-8")


def _jsonld(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def _iso(value: object) -> dt.date:
    assert isinstance(value, str)
    return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)


def test_the_story_page_shows_the_latest_version_at_the_first_versions_url(site: Path) -> None:
    page = _page(site, STORY)
    doc = html.fromstring(page)
    assert doc.findtext(".//h1").strip() == "Harbour fire closes Northport docks"
    body = doc.get_element_by_id("article-body").text_content().strip()
    assert "Jon Smith, said" in body and "Smyth" not in body  # the corrected text
    assert body.startswith("NORTHPORT, Dec 26 (Reuters) - ")
    # The earlier versions: listed with their times, each viewable at v1/, v2/.
    versions = doc.xpath('//section[@class="versions"]//a/@href')
    assert versions == ["v1/", "v2/"]
    assert doc.xpath('//section[@class="versions"]//time/@datetime') == [
        "2026-12-25",
        "2026-12-25",
    ]
    first = html.fromstring(_page(site, STORY + "v1/"))
    assert "Jon Smyth, said" in first.get_element_by_id("article-body").text_content()
    assert "earlier version" in first.xpath('string(//p[@class="version-notice"])')
    assert first.xpath('//p[@class="version-notice"]/a/@href') == ["../"]
    second = html.fromstring(_page(site, STORY + "v2/"))
    assert "Blue Line" in second.get_element_by_id("article-body").text_content()
    assert second.xpath('//section[@class="versions"]//*[@aria-current="page"]')
    # The versions are not pages of their own in the content's day folders' URLs.
    assert not (site / "build" / "2026/12/25/harbour-fire-closes-northport-docks-2").exists()
    assert not (site / "build" / "2026/12/26/harbour-fire-closes-northport-docks").exists()


def test_the_corrections_notice_is_shown_once_newest_first_and_dated(site: Path) -> None:
    page = _page(site, STORY)
    doc = html.fromstring(page)
    notices = doc.xpath('//section[@class="corrections"]')
    assert len(notices) == 1
    assert notices[0].get("aria-labelledby") == "corrections-title"
    items = notices[0].xpath(".//li")
    assert [li.xpath("string(.//time/@datetime)") for li in items] == ["2026-12-26"]
    assert page.count("corrects name of spokesman") == 2  # the notice and the JSON-LD
    assert "Updated" in doc.xpath('string(//p[@class="updated"])')


def test_jsonld_date_modified_and_correction(site: Path) -> None:
    data = _jsonld(_page(site, STORY))
    assert data["@type"] == "NewsArticle"
    assert _iso(data["datePublished"]) == dt.date(2026, 12, 25)
    assert _iso(data["dateModified"]) == dt.date(2026, 12, 26)
    corrections = data["correction"]
    assert isinstance(corrections, list) and len(corrections) == 1
    (correction,) = corrections
    assert correction["@type"] == "CorrectionComment"
    assert isinstance(correction["text"], str) and correction["text"].startswith("In Dec. 25")
    assert _iso(correction["datePublished"]) == dt.date(2026, 12, 26)
    # An article never changed says nothing of it.
    plain = _jsonld(_page(site, "2027/03/04/ferry-service-resumes-after-storm-rpt/"))
    assert "dateModified" not in plain and "correction" not in plain


def test_one_correction_form_per_article(site: Path) -> None:
    for url in (
        "2027/03/05/council-approves-new-bridge/",
        "2027/03/09/rail-strike-called-off/",
        "2004/08/21/county-fair-opens-1st-ld/",
    ):
        data = _jsonld(_page(site, url))
        assert isinstance(data["correction"], list) and len(data["correction"]) == 1, url
        assert "dateModified" in data


def test_the_story_is_listed_once(site: Path) -> None:
    out = site / "build"
    title = "Harbour fire closes Northport docks"
    for url in ("2026/12/25/", "2026/12/", "places/northport/", "agencies/reuters/"):
        page = (out / url / "index.html").read_text(encoding="utf-8")
        assert page.count(f">{title}<") == 1, url
    assert not (out / "2026/12/26").exists()  # the corrected version's day holds nothing else
    manifest = json.loads((out / "search-index" / "manifest.json").read_text(encoding="utf-8"))
    stories = len(list(out.glob("20*/*/*/*/index.html")))
    assert manifest["count"] == stories


def test_feed_and_sitemap_follow_the_update(site: Path) -> None:
    parsed = feedparser.parse((site / "build" / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    story = [e for e in parsed.entries if e.link == BASE + STORY]
    assert len(story) == 1
    assert story[0].published.startswith("2026-12-25")
    assert story[0].updated.startswith("2026-12-26")
    links = [e.link for e in parsed.entries]
    assert len(set(links)) == len(links)
    sitemap = etree.parse(str(site / "build" / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = sitemap.xpath(f'//s:url[s:loc="{BASE}{STORY}"]/s:lastmod/text()', namespaces=ns)
    assert lastmod == ["2026-12-26"]


@pytest.mark.skipif(shutil.which("java") is None, reason="vnu needs a JRE (make system-deps)")
def test_pages_with_corrections_and_versions_pass_vnu(site: Path) -> None:
    from test_validate_html import run_vnu

    out = site / "build"
    pages = [
        out / STORY / "index.html",
        out / STORY / "v1" / "index.html",
        out / STORY / "v2" / "index.html",
        out / "2027/03/05/council-approves-new-bridge/index.html",
        out / "2004/09/14/storm-lashes-coast/index.html",
    ]
    errors = [m for m in run_vnu(pages) if m.get("type") == "error"]
    assert not errors, errors


def test_front_matter_story_joins_and_splits_by_hand(tmp_path: Path) -> None:
    root = tmp_path / "site"
    content = root / "content" / "2024" / "05" / "01"
    content.mkdir(parents=True)
    (root / "archivesite.toml").write_text('title = "T"\nsearch = false\n', "utf-8")
    article = "---\ntitle: {t}\ndate: 2024-05-01T{h}:00:00+00:00\nstory: {s}\n---\n{t} text.\n"
    (content / "a.md").write_text(article.format(t="Vote counted", h="09", s="vote"), "utf-8")
    (content / "b.md").write_text(article.format(t="Result in", h="11", s="vote"), "utf-8")
    (content / "c.md").write_text(article.format(t="Vote counted", h="12", s="other"), "utf-8")
    build(load_config(root))
    out = root / "build" / "2024" / "05" / "01"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["a", "c"]
    doc = html.fromstring((out / "a" / "index.html").read_text("utf-8"))
    assert doc.findtext(".//h1").strip() == "Result in"  # the latest, at the first's URL
    assert doc.xpath('//section[@class="versions"]//a/@href') == ["v1/"]
    assert (out / "a" / "v1" / "index.html").is_file()


def test_incremental_build_equals_clean_after_a_version_arrives(site: Path, tmp_path: Path) -> None:
    """A new version of a story joins it on the next build as on a clean one."""
    work = tmp_path / "site"
    shutil.copytree(site, work, ignore=shutil.ignore_patterns("build", ".archivesite"))
    build(load_config(work), out=work / "build")
    day = work / "content" / "2026" / "12" / "26"
    later = day / "harbour-fire-closes-northport-docks-update-3.md"
    text = (day / "harbour-fire-closes-northport-docks-corrected-update-2.md").read_text("utf-8")
    later.write_text(
        text.replace("CORRECTED; UPDATE 2", "UPDATE 3").replace("Blue Line", "Red Line"), "utf-8"
    )
    build(load_config(work), out=work / "build")
    clean = tmp_path / "clean"
    build(load_config(work), out=clean, clean=True)

    def tree(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and "search-index" not in p.relative_to(root).parts
        }

    want, got = tree(clean), tree(work / "build")
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []
    assert (work / "build" / STORY / "v3" / "index.html").is_file()
    page = _page(work, STORY)
    assert "Red Line" in page
