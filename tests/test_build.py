"""``archivesite build`` end to end: a reader's view of the built site."""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest
from click.testing import CliRunner
from tests.processes import ARCHIVESITE

from archivesite.build import build
from archivesite.cli import cli
from archivesite.config import load_config
from archivesite.errors import ArchiveError

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def read(out: Path, url: str) -> str:
    path = out / (url + "index.html" if url == "" or url.endswith("/") else url)
    return path.read_text(encoding="utf-8")


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    # search-index/ is compared by what it finds (tests/test_search.py checks it).
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).parts[0] != "search-index"
    }


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(text: str) -> list[str]:
    parser = Links()
    parser.feed(text)
    return parser.links


# --- The seed -----------------------------------------------------------------------------


def test_seed_article_and_its_periods(tmp_path: Path) -> None:
    site = tmp_path / "seed"
    shutil.copytree(FIXTURES / "seed", site)
    code, stdout, stderr = run("build", "--site", str(site))
    assert code == 0, stderr
    assert re.fullmatch(
        r"1 articles: \d+ pages written, 0 unchanged, 0 removed in \d+\.\d s\n", stdout
    )
    out = site / "build"
    pages = list((out / "2022/01/11").glob("*/index.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    slug = pages[0].parent.name
    assert (
        "US sidestepped some thorniest issues in talks with Russia, leaving them to NATO — expert"
        in page
    )
    assert "Moscow" in page and "TASS" in page
    assert 'that’s due to take place tomorrow," Russian' in page  # quotes, apostrophes intact
    assert page.count("<h1") == 1
    assert 'itemprop="articleBody"' in page
    assert '<time datetime="2022-01-11"' in page
    for period in ("2022/", "2022/01/", "2022/01/11/"):
        assert f"{slug}/" in read(out, period), period
    assert "US sidestepped" in read(out, "")


# --- A multi-year site with every page type ----------------------------------------------


def full_site(
    make_site: Callable[..., Path], article_md: Callable[..., str], **config: str
) -> Path:
    files = {
        "2021/12/31/year-end.md": article_md(
            "Year end",
            date="2021-12-31",
            dateline="PORTLAND, Ore.",
            place="Portland",
            region="Ore.",
            agency="AP",
            tags="[economy, weather]",
        ),
        "2022/01/11/talks.md": article_md(
            "Talks in Geneva",
            date="2022-01-11",
            dateline="MOSCOW",
            place="Moscow",
            agency="TASS",
            tags="[diplomacy]",
        ),
        "2022/01/11/second.md": article_md(
            "Second story",
            date="2022-01-11T15:00:00+03:00",
            dateline="PORTLAND, Maine",
            place="Portland",
            region="Maine",
            agency="Reuters",
            tags="[economy]",
        ),
        "2022/03/01/spring.md": article_md("Spring", date="2022-03-01", agency="TASS"),
        "2023/07/04/holiday.md": article_md("Holiday", date="2023-07-04", language="ru"),
        "undated/statement.md": article_md("A statement", agency="Interfax"),
        "pages/about.md": article_md("About us", body="We keep the news."),
    }
    extra = "".join(f"{k} = {v}\n" for k, v in config.items())
    return make_site(files, config='title = "Test archive"\nper_page = 2\n' + extra)


EXPECTED = [
    "",
    "on-this-day/",
    "on-this-day/01-11/",
    "on-this-day/07-04/",
    "archive/",
    "2021/",
    "2021/12/",
    "2021/12/31/",
    "2022/",
    "2022/01/",
    "2022/01/11/",
    "2022/03/",
    "2023/07/04/",
    "2022/01/11/talks/",
    "2022/01/11/second/",
    "undated/",
    "undated/statement/",
    "about/",
    "tags/",
    "tags/economy/",
    "tags/diplomacy/",
    "places/",
    "places/portland-ore/",
    "places/portland-maine/",
    "places/moscow/",
    "agencies/",
    "agencies/tass/",
    "agencies/tass/",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "assets/archivesite.css",
]


def test_every_page_type_present_and_links_resolve_under_a_sub_path(
    make_site: Callable[..., Path], article_md: Callable[..., str], tmp_path: Path
) -> None:
    site = full_site(make_site, article_md)
    out = tmp_path / "public"
    base = "https://example.org/archive/"
    code, _, stderr = run("build", "--site", str(site), "--out", str(out), "--base-url", base)
    assert code == 0, stderr
    for url in EXPECTED:
        assert (out / (url + "index.html" if url.endswith("/") or not url else url)).is_file(), url
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    reached = set()
    for rel in sorted(f for f in files if f.endswith(".html")):
        page_url = base + (
            rel.removesuffix("index.html") if rel != "404.html" else "missing/deep/x/"
        )
        for link in links_of((out / rel).read_text(encoding="utf-8")):
            if link.startswith("#"):
                continue
            target = urljoin(page_url, link).partition("#")[0]
            if not target.startswith(base):
                assert not target.startswith("https://example.org/"), (rel, link)
                continue
            path = unquote(urlsplit(target).path)[len("/archive/") :]
            path = path + "index.html" if path == "" or path.endswith("/") else path
            assert path in files, f"{rel}: broken link {link}"
            reached.add(path)
    # Every page but the 404 is reachable by a link.
    unreached = {f for f in files if f.endswith(".html")} - reached - {"404.html"}
    assert not unreached
    page = read(out, "2022/01/11/talks/")
    assert '<link rel="canonical" href="https://example.org/archive/2022/01/11/talks/">' in page
    assert 'href="/archive/archive/"' in read(out, "404.html")
    assert "Sitemap: https://example.org/archive/sitemap.xml" in read(out, "robots.txt")
    assert "<loc>https://example.org/archive/2022/01/11/talks/</loc>" in read(out, "sitemap.xml")


def test_period_pages(make_site: Callable[..., Path], article_md: Callable[..., str]) -> None:
    site = full_site(make_site, article_md)
    build(load_config(site))
    out = site / "build"
    month = read(out, "2022/01/")
    assert "<table" in month and '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in month
    assert re.search(r'<a href="11/"><span class="day">11</span> <span class="n">2<', month)
    assert '<a rel="prev" href="../../2021/12/">' in month  # nearest month with articles
    assert '<a rel="next" href="../03/">' in month
    year = read(out, "2022/")
    assert year.count('<li class="empty">') == 10
    assert re.search(r'href="01/">January</a> <span class="n">2 articles', year)
    assert '<a rel="next" href="../2023/">' in year
    day = read(out, "2022/01/11/")
    assert day.index("Talks in Geneva") < day.index("Second story")  # calendar date first
    assert 'aria-current="page">11</span>' in day
    assert '<a rel="next" href="../../03/01/">' in day
    archive = read(out, "archive/")
    # The histogram: a row per year, newest first; each month with articles a link
    # holding its count in text.
    assert (
        '<td class="s5"><a href="../2022/01/">2<span class="vh"> · January 2022</span>' in archive
    )
    assert archive.index("2023") < archive.index("2021")
    assert '<a href="../undated/">Undated articles</a> <span class="n">1 article</span>' in archive
    home = read(out, "")
    assert "Holiday" in home and "Spring" not in home  # the latest day only
    assert "<caption>July 2023: days with articles are links</caption>" in home
    assert '<a href="2022/">2022</a> <span class="n">3 articles</span>' in home
    assert 'href="on-this-day/"' in home and 'href="archive/"' in home
    assert 'href="../../../on-this-day/01-11/"' in day
    assert "Portland, Ore." in read(out, "places/")
    assert "Portland, Maine" in read(out, "places/")
    assert read(out, "2023/07/04/holiday/").startswith('<!DOCTYPE html>\n<html lang="ru">')
    article = read(out, "2022/01/11/second/")
    assert '<time datetime="2022-01-11T12:00:00+00:00"' in article  # shown in the site's zone
    assert "Tuesday, January 11, 2022, 12:00 UTC" in article
    assert '<a rel="prev" href="../talks/">' in article
    assert 'href="../../../../places/portland-maine/"' in article
    assert 'href="../../../../agencies/reuters/"' in article
    assert 'rel="tag"' in article
    assert "About us" in home  # pages are in the navigation
    assert "We keep the news." in read(out, "about/")


def test_time_zones(make_site: Callable[..., Path], article_md: Callable[..., str]) -> None:
    site = make_site(
        {
            "a.md": article_md("Late evening in New York", date="2022-01-11T23:30:00-05:00"),
            "b.md": article_md("A calendar date", date="2022-01-11"),
        },
        config='timezone = "Pacific/Kiritimati"\n',  # UTC+14
    )
    build(load_config(site))
    out = site / "build"
    late = read(out, "2022/01/12/a/")  # filed by its date in the site's time zone
    assert '<time datetime="2022-01-12T18:30:00+14:00"' in late
    calendar = read(out, "2022/01/11/b/")  # never shifted
    assert '<time datetime="2022-01-11"' in calendar and "Tuesday, January 11, 2022<" in calendar
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', calendar).group(1))
    assert data["datePublished"] == "2022-01-11"


def test_feed(make_site: Callable[..., Path], article_md: Callable[..., str]) -> None:
    site = full_site(make_site, article_md, base_url='"https://example.org/"', feed_size="3")
    build(load_config(site))
    feed = feedparser.parse((site / "build/feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Holiday", "Spring", "Second story"]
    assert feed.entries[0].link == "https://example.org/2023/07/04/holiday/"
    assert feed.feed.updated.startswith("2023-07-04T00:00:00")


def test_sitemap_split() -> None:
    pytest.importorskip("lxml")
    from lxml import etree

    from archivesite.render import render
    from archivesite.site import assemble, plan_outputs

    site_dir = FIXTURES / "seed"
    config = load_config(site_dir).with_base_url("https://example.org/")
    from archivesite.load import load_articles

    outputs = plan_outputs(assemble(config, load_articles(config)), sitemap_limit=3)
    maps = {o.path: render(o).data for o in outputs if o.kind.startswith("sitemap")}
    index = etree.fromstring(maps.pop("sitemap.xml"))
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locs = [e.text for e in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == [f"https://example.org/sitemap-{n}.xml" for n in range(1, len(maps) + 1)]
    counts = [len(etree.fromstring(data)) for data in maps.values()]
    assert max(counts) == 3 and len(maps) > 1


# --- Determinism, drafts, rebuilds --------------------------------------------------------


def test_deterministic_and_unchanged_rebuild_writes_nothing(
    make_site: Callable[..., Path], article_md: Callable[..., str], tmp_path: Path
) -> None:
    site = full_site(make_site, article_md)
    config = load_config(site)
    first = build(config, out=tmp_path / "one")
    build(config, out=tmp_path / "two")
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in two.items()}
    again = build(config, out=tmp_path / "one")
    assert again.written == () and again.unchanged == first.outputs and again.removed == ()
    assert snapshot(tmp_path / "one") == one  # not even an mtime changed
    forced = build(config, out=tmp_path / "one", clean=True)
    assert len(forced.written) == first.outputs


def test_drafts_left_out_unless_asked(
    make_site: Callable[..., Path], article_md: Callable[..., str], tmp_path: Path
) -> None:
    site = make_site(
        {
            "2022/01/01/shown.md": article_md("Shown", date="2022-01-01"),
            "2022/01/02/hidden.md": article_md("Hidden draft", date="2022-01-02", draft="true"),
        }
    )
    assert run("build", "--site", str(site))[0] == 0
    assert not (site / "build/2022/01/02/hidden").exists()
    assert "Hidden draft" not in read(site / "build", "")
    assert run("build", "--site", str(site), "--drafts")[0] == 0
    assert "Hidden draft" in read(site / "build", "2022/01/02/hidden/")


def test_stale_pages_removed_foreign_files_kept(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site(
        {
            "2022/01/01/kept.md": article_md("Kept", date="2022-01-01", tags="[gone]"),
            "2022/02/01/renamed.md": article_md("Renamed", date="2022-02-01"),
        }
    )
    config = load_config(site)
    build(config)
    out = site / "build"
    (out / "CNAME").write_text("example.org\n")
    (out / "2022/02/01/renamed/notes.txt").write_text("mine\n")
    (site / "content/2022/02/01/renamed.md").rename(site / "content/2022/02/01/new-name.md")
    (site / "content/2022/01/01/kept.md").write_text(article_md("Kept", date="2022-01-01"))
    report = build(config)
    assert "2022/02/01/renamed/index.html" in report.removed
    assert "tags/gone/index.html" in report.removed
    assert not (out / "tags/gone").exists()
    assert (out / "2022/02/01/new-name/index.html").is_file()
    assert (out / "CNAME").read_text() == "example.org\n"
    assert (out / "2022/02/01/renamed/notes.txt").is_file()


# --- Bad input and safety -----------------------------------------------------------------


def test_every_bad_file_reported_with_its_line(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site(
        {
            "2022/01/01/good.md": article_md("Good", date="2022-01-01"),
            "2022/01/02/malformed.md": (
                "---\ntitle: Fine\ndate: 2022-01-02\ntags: [unclosed\n---\nBody\n"
            ),
            "2022/01/03/untitled.md": "---\ndate: 2022-01-03\n---\nBody\n",
            "2022/01/04/baddate.md": (
                "---\ntitle: Bad date\nagency: AP\ndate: 2022-13-45\n---\nB\n"
            ),
            "2022/01/05/nofm.md": "Just text\n",
            "2022/01/06/badsource.md": (
                "---\ntitle: Bad source\ndate: 2022-01-06\nsource_url: javascript:alert(1)\n"
                "excerpt: maybe\n---\nB\n"
            ),
        }
    )
    (site / "build").mkdir()
    code, _, stderr = run("build", "--site", str(site))
    assert code == 1
    content = site.resolve() / "content/2022/01"
    assert f"{content}/02/malformed.md:4: malformed front matter" in stderr
    assert f"{content}/03/untitled.md:1: missing title" in stderr
    assert f"{content}/04/baddate.md:4: bad date '2022-13-45'" in stderr
    assert f"{content}/05/nofm.md:1: no front matter" in stderr
    assert f"{content}/06/badsource.md:4: 'source_url' must be an http or https address" in stderr
    assert f"{content}/06/badsource.md:5: 'excerpt' must be true or false" in stderr
    assert list((site / "build").iterdir()) == []


def test_colliding_urls_name_both_files(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site(
        {
            "2022/01/01/same.md": article_md("One", date="2022-01-01"),
            "undated/other.md": article_md("Two", date="2022-01-01", slug="same"),
            "pages/archive.md": article_md("A page named like the archive"),
        }
    )
    code, _, stderr = run("build", "--site", str(site))
    assert code == 1
    assert (
        "content/undated/other.md: writes /2022/01/01/same/ which "
        "content/2022/01/01/same.md also writes" in stderr
    )
    assert "the archive page: writes /archive/ which content/pages/archive.md also writes" in stderr
    assert not (site / "build").exists() or not any((site / "build").iterdir())


@pytest.mark.parametrize("slug", ['"../../../escaped"', '"a/b"', '".."', '"/etc"'])
def test_slug_cannot_escape_the_output_folder(
    make_site: Callable[..., Path], article_md: Callable[..., str], slug: str
) -> None:
    site = make_site({"2022/01/01/x.md": article_md("X", date="2022-01-01", slug=slug)})
    code, _, stderr = run("build", "--site", str(site))
    assert code == 1 and "x.md:4: bad slug" in stderr
    assert not (site / "escaped").exists() and not (site.parent / "escaped").exists()


def test_failed_build_leaves_previous_output(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site({"2022/01/01/a.md": article_md("A", date="2022-01-01")})
    config = load_config(site)
    build(config)
    before = snapshot(site / "build")
    (site / "content/2022/01/02").mkdir(parents=True)
    (site / "content/2022/01/02/b.md").write_text(article_md("B", date="2022-01-02"))
    (site / "templates").mkdir()
    (site / "templates/day.html").write_text("{{ no_such_variable }}\n")
    with pytest.raises(ArchiveError, match="no_such_variable"):
        build(config)
    assert snapshot(site / "build") == before
    assert [p.name for p in site.iterdir() if "staging" in p.name] == []


def test_text_is_escaped_in_html_attributes_and_json_ld(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    title = """'Evil </script><script>alert(1)</script> "quoted" & <b>bold</b>'"""
    site = make_site(
        {"2022/01/01/evil.md": article_md(title, date="2022-01-01", summary=title, agency="A&B")}
    )
    build(load_config(site))
    page = read(site / "build", "2022/01/01/evil/")
    assert "<script>alert(1)" not in page and "<b>bold" not in page
    assert page.count("</script>") == 1
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in script and "&" not in script
    data = json.loads(script)
    assert data["headline"] == title.strip("'")
    assert data["sourceOrganization"]["name"] == "A&B"
    assert (
        'content="Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34;'
        in page
    )


def test_sparse_articles_render_sensibly(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site(
        {
            "undated/no-date.md": article_md("No date, no body", body=""),
            "2022/05/05/empty.md": article_md("Empty body", date="2022-05-05", body=""),
            "2022/05/05/Spaces In Name.md": article_md("Odd file name", date="2022-05-05"),
        }
    )
    report = build(load_config(site))
    out = site / "build"
    assert report.articles == 3
    assert "No date, no body" in read(out, "undated/no-date/")
    assert "No date, no body" in read(out, "undated/")
    assert "Empty body" in read(out, "2022/05/05/empty/")
    assert "Odd file name" in read(out, "2022/05/05/spaces-in-name/")


def test_output_folder_cannot_hold_the_site(make_site: Callable[..., Path]) -> None:
    site = make_site({})
    code, _, stderr = run("build", "--site", str(site), "--out", str(site))
    assert code == 1 and "choose another --out" in stderr
    code, _, stderr = run("build", "--site", str(site), "--out", str(site / "content/x"))
    assert code == 1 and "choose another --out" in stderr


def test_empty_site_builds(make_site: Callable[..., Path]) -> None:
    site = make_site({})
    code, stdout, _ = run("build", "--site", str(site))
    assert code == 0 and stdout.startswith("0 articles:")
    assert "No articles yet." in read(site / "build", "")
    assert not feedparser.parse((site / "build/feed.xml").read_bytes()).bozo


def test_bad_base_url_option(make_site: Callable[..., Path]) -> None:
    site = make_site({})
    code, _, stderr = run("build", "--site", str(site), "--base-url", "example.org")
    assert code == 1 and "--base-url" in stderr


def test_worker_processes_give_the_same_output(
    make_site: Callable[..., Path], article_md: Callable[..., str], tmp_path: Path
) -> None:
    site = full_site(make_site, article_md)
    config = load_config(site)
    build(config, out=tmp_path / "serial", jobs=1)
    build(config, out=tmp_path / "parallel", jobs=2)
    serial, parallel = snapshot(tmp_path / "serial"), snapshot(tmp_path / "parallel")
    assert {k: v[0] for k, v in serial.items()} == {k: v[0] for k, v in parallel.items()}


def test_a_near_miss_of_a_front_matter_key_is_warned_with_its_line(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site(
        {"2021/03/01/a.md": article_md("A", date="2021-03-01", slgu="my-slug", image="x.jpg")},
        config='title = "T"\nsearch = false\n',
    )
    result = subprocess.run(
        [str(ARCHIVESITE), "build", "--site", str(site)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "content/2021/03/01/a.md:4: unknown key 'slgu'; did you mean 'slug'?" in result.stderr
    assert "image" not in result.stderr  # a theme's own key stays silent
