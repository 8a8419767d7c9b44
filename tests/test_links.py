"""No broken internal link or asset when the sample site is served under a sub-path.

The output is built with ``--base-url http://127.0.0.1:PORT/archive/`` into the
``archive/`` folder of a directory that a real HTTP server (stdlib
``http.server`` in a thread) serves, so a link that forgets the sub-path asks
for a file outside ``archive/`` and gets a 404. The crawler starts from the home
page and from every file of the output (so orphans are checked too), follows
``a``/``area``/``link`` ``href``, ``src``/``srcset`` of ``img``/``script``/
``source``/..., CSS ``url()``, site-absolute ``meta`` values (``og:url``), the
sitemap's ``loc``, the feed's links and ``robots.txt``'s ``Sitemap:``, and
checks every ``#fragment`` against the ids of the page it points into.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from validation_fixtures import build, serve, write_sample_site

pytestmark = pytest.mark.slow

SUB_PATH = "/archive/"
URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "iframe": ("src",),
    "form": ("action",),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


class _PageParser(HTMLParser):
    """Collects the URLs a page refers to and the ids it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self.base: str | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name") if tag == "a" else ("id",):
            if key in values:
                self.ids.add(values[key])
        if tag == "base" and "href" in values:
            self.base = values["href"]
        for attr in URL_ATTRIBUTES.get(tag, ()):
            value = values.get(attr)
            if not value:
                continue
            if attr == "srcset":
                self.refs.extend(part.strip().split()[0] for part in value.split(",") if part)
            else:
                self.refs.append(value)
        if tag == "meta" and values.get("content", "").startswith(("http://", "https://")):
            self.refs.append(values["content"])
        if "style" in values:
            self.refs.extend(CSS_URL.findall(values["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs.extend(CSS_URL.findall(data))


@dataclass
class Crawl:
    """What the crawler saw: broken references, and each fetched page's ids."""

    origin: str
    site: str
    broken: dict[str, set[str]] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    fragments: list[tuple[str, str, str]] = field(default_factory=list)
    fetched: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)

    def fetch(self, url: str) -> tuple[int, str, bytes]:
        if url not in self.fetched:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    ctype = response.headers.get_content_type()
                    self.fetched[url] = (response.status, ctype, response.read())
            except urllib.error.HTTPError as exc:
                self.fetched[url] = (exc.code, "", b"")
        return self.fetched[url]

    def is_internal(self, url: str) -> bool:
        return url.startswith(self.origin + "/")


def _refs_of(body: bytes, ctype: str, url: str) -> tuple[list[str], set[str], str]:
    """(references, ids, base URL) of a fetched document."""
    if ctype == "text/html":
        parser = _PageParser()
        parser.feed(body.decode("utf-8"))
        return parser.refs, parser.ids, urllib.parse.urljoin(url, parser.base or "")
    if ctype == "text/css":
        return CSS_URL.findall(body.decode("utf-8")), set(), url
    if url.endswith(".xml") or ctype in ("application/xml", "text/xml", "application/atom+xml"):
        root = etree.fromstring(body)
        refs = [t.strip() for t in root.xpath("//*[local-name()='loc']/text()")]
        refs += root.xpath("//*[local-name()='link']/@href")
        refs += [t.strip() for t in root.xpath("//*[local-name()='id']/text()")]
        refs = [r for r in refs if r.startswith(("http://", "https://", "/"))]
        return refs, set(), url
    if url.endswith("robots.txt"):
        lines = body.decode("utf-8").splitlines()
        refs = [ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("sitemap:")]
        return refs, set(), url
    return [], set(), url


def crawl(origin: str, out: Path, start: str, sub_path: str = SUB_PATH) -> Crawl:
    """Fetch ``start`` and every file of ``out`` (served at ``origin`` + ``sub_path``)
    over HTTP; check what they refer to."""
    result = Crawl(origin=origin, site=origin + sub_path)
    queue: list[tuple[str, str]] = [(start, "(start)")]
    for path in sorted(out.rglob("*")):
        if path.is_file():
            rel = path.relative_to(out).as_posix()
            queue.append((result.site + urllib.parse.quote(rel), "(output file)"))
    seen: set[str] = set()
    while queue:
        url, referrer = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, ctype, body = result.fetch(url)
        if status != 200:
            result.broken.setdefault(url, set()).add(referrer)
            continue
        # The 404 page is served for any missing URL, so resolve its links from a deep one.
        deep = result.site + "no/such/page/"
        refs, ids, base_url = _refs_of(body, ctype, deep if url.endswith("/404.html") else url)
        result.ids[url] = ids
        if url.endswith("/index.html"):
            result.ids[url.removesuffix("index.html")] = ids
        elif url.endswith("/"):
            result.ids[url + "index.html"] = ids
        for ref in refs:
            target, fragment = urllib.parse.urldefrag(urllib.parse.urljoin(base_url, ref))
            if target == deep:
                target = url  # the 404 page pointing at itself (its skip link)
            parts = urllib.parse.urlsplit(target)
            if parts.scheme not in ("http", "https"):
                continue  # mailto:, tel:, data:, javascript:
            if not result.is_internal(target):
                if parts.hostname in ("127.0.0.1", "localhost"):
                    result.broken.setdefault(target, set()).add(f"{url} (wrong origin)")
                continue  # an external link
            if not target.startswith(result.site):
                result.broken.setdefault(target, set()).add(f"{url} (outside {sub_path})")
                continue
            if fragment:
                result.fragments.append((target, fragment, url))
            queue.append((target, url))
    return result


def _report(lines: Iterator[str]) -> str:
    items = list(lines)
    return f"{len(items)} problems:\n" + "\n".join(items[:60])


@pytest.fixture(scope="module")
def served_crawl(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    tmp = tmp_path_factory.mktemp("links")
    site = write_sample_site(tmp / "site")
    parent = tmp / "www"
    parent.mkdir()
    with serve(parent) as origin:
        base_url = origin + SUB_PATH
        out = build(site, parent / SUB_PATH.strip("/"), base_url)
        _move_an_article(site)  # a published URL moves: a redirect page stands at the old one
        out = build(site, parent / SUB_PATH.strip("/"), base_url)
        return crawl(origin, out, base_url)


MOVED_SLUG = "moved-for-the-crawler"


def _move_an_article(site: Path) -> None:
    """Give the first article without a slug of its own a new one (so a new URL)."""
    for path in sorted((site / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "pages" not in path.parts and "\nslug:" not in text and "\ndate:" in text:
            path.write_text(text.replace("---\n", f"---\nslug: {MOVED_SLUG}\n", 1), "utf-8")
            return
    raise AssertionError("no article to move")


def test_no_broken_internal_link_or_asset(served_crawl: Crawl) -> None:
    print(f"crawled {len(served_crawl.fetched)} URLs, {len(served_crawl.fragments)} fragment links")
    assert len(served_crawl.fetched) > 100
    assert not served_crawl.broken, _report(
        f"{url}  <- {', '.join(sorted(refs)[:3])}"
        for url, refs in sorted(served_crawl.broken.items())
    )


def test_a_moved_article_redirects_under_the_sub_path(served_crawl: Crawl) -> None:
    """The old URL's page sends readers (refresh, link, canonical) to the new one, which
    is served; ``_redirects`` names both from the server root, sub-path included."""
    fetched = served_crawl.fetched  # the server is gone: what the crawl fetched
    status, _, body = fetched[served_crawl.site + "_redirects"]
    assert status == 200
    old, new, code = body.decode("utf-8").splitlines()[0].split()
    assert code == "301" and old.startswith(SUB_PATH) and new.endswith(f"/{MOVED_SLUG}/")
    origin = served_crawl.origin
    status, _, page = fetched[origin + old + "index.html"]
    assert status == 200
    text = page.decode("utf-8")
    refresh = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', text)
    assert refresh is not None
    target = urllib.parse.urljoin(origin + old, refresh.group(1))
    assert target == origin + new
    assert fetched[target][0] == 200  # the crawler followed the visible link to it
    assert f'href="{refresh.group(1)}"' in text


def test_every_fragment_points_at_an_id(served_crawl: Crawl) -> None:
    missing = sorted(
        {
            f"{target}#{fragment}  <- {referrer}"
            for target, fragment, referrer in served_crawl.fragments
            if target in served_crawl.ids and fragment not in served_crawl.ids[target]
        }
    )
    assert not missing, _report(iter(missing))


def test_home_page_reaches_every_article(served_crawl: Crawl) -> None:
    """Crawling from the home page alone finds every article page (nothing is orphaned)."""
    site = served_crawl.site
    reachable: set[str] = set()
    queue = [site]
    while queue:
        url = queue.pop()
        if url in reachable:
            continue
        reachable.add(url)
        status, ctype, body = served_crawl.fetch(url)
        if status != 200 or ctype != "text/html":
            continue
        refs, _, base_url = _refs_of(body, ctype, url)
        for ref in refs:
            target = urllib.parse.urldefrag(urllib.parse.urljoin(base_url, ref))[0]
            if target.startswith(site) and target.endswith("/"):
                queue.append(target)
    pages = {
        url.removesuffix("index.html")
        for url in served_crawl.fetched
        if url.endswith("/index.html")
        and url.startswith(site)
        and b'http-equiv="refresh"' not in served_crawl.fetched[url][2]  # a moved URL's page
    }
    orphans = sorted(pages - reachable)
    assert not orphans, _report(iter(orphans))


def test_the_crawler_catches_what_it_should(tmp_path: Path) -> None:
    """A hand-made broken site: a missing page, a link that forgets the sub-path, a bad
    fragment, a missing stylesheet and a CSS url(); all five are reported."""
    out = tmp_path / "archive"
    (out / "a").mkdir(parents=True)
    (out / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title>'
        '<link rel="stylesheet" href="missing.css"><style>b{background:url(gone.png)}</style>'
        '<a href="a/">ok</a> <a href="nope/">missing</a> <a href="/a/">no sub-path</a>'
        '<a href="a/#there">fragment</a> <a href="https://example.com/">external</a>',
        encoding="utf-8",
    )
    (out / "a" / "index.html").write_text('<p id="here">a</p>', encoding="utf-8")
    with serve(tmp_path) as origin:
        result = crawl(origin, out, origin + SUB_PATH)
    site = origin + SUB_PATH
    assert set(result.broken) == {
        site + "nope/",
        origin + "/a/",
        site + "missing.css",
        site + "gone.png",
    }
    assert {(t, f) for t, f, _ in result.fragments} == {(site + "a/", "there")}
    assert "there" not in result.ids[site + "a/"]
