"""The URL scheme: table tests."""

from __future__ import annotations

import datetime as dt

import pytest

from archivesite import slugs, urls


@pytest.mark.parametrize(
    ("frm", "to", "link"),
    [
        ("", "", "./"),
        ("", "2022/", "2022/"),
        ("2022/", "", "../"),
        ("2022/01/11/slug/", "2022/01/11/", "../"),
        ("2022/01/11/slug/", "2022/01/", "../../"),
        ("2022/01/11/slug/", "tags/x/", "../../../../tags/x/"),
        ("2022/01/", "2021/12/", "../../2021/12/"),
        ("2022/01/", "2022/01/11/", "11/"),
        ("tags/a/page/2/", "tags/a/", "../../"),
        ("feed.xml", "2022/", "2022/"),
        ("2022/", "assets/archivesite.css", "../assets/archivesite.css"),
        ("", "tags/caf\u00e9/", "tags/caf%C3%A9/"),
    ],
)
def test_relative(frm: str, to: str, link: str) -> None:
    assert urls.relative(frm, to) == link


@pytest.mark.parametrize(
    ("base", "url", "rooted", "absolute"),
    [
        ("/", "2022/", "/2022/", "/2022/"),
        ("https://example.org/", "2022/", "/2022/", "https://example.org/2022/"),
        ("https://example.org/archive/", "", "/archive/", "https://example.org/archive/"),
        ("http://127.0.0.1:8000/a/", "feed.xml", "/a/feed.xml", "http://127.0.0.1:8000/a/feed.xml"),
    ],
)
def test_rooted_and_absolute(base: str, url: str, rooted: str, absolute: str) -> None:
    assert urls.rooted(base, url) == rooted
    assert urls.absolute(base, url) == absolute


@pytest.mark.parametrize(
    ("permalink", "date", "url"),
    [
        ("/{year}/{month}/{day}/{slug}/", dt.date(2022, 1, 9), "2022/01/09/s/"),
        ("/{year}/{slug}/", dt.date(2022, 1, 9), "2022/s/"),
        ("/news/{slug}/", dt.date(2022, 1, 9), "news/s/"),
        ("/{year}/{month}/{day}/{slug}/", None, "undated/s/"),
    ],
)
def test_article_url(permalink: str, date: dt.date | None, url: str) -> None:
    assert urls.article_url(permalink, "s", date) == url


def test_paths() -> None:
    assert urls.output_path("") == "index.html"
    assert urls.output_path("2022/") == "2022/index.html"
    assert urls.output_path("feed.xml") == "feed.xml"
    assert urls.paginated("tags/x/", 0) == "tags/x/"
    assert urls.paginated("tags/x/", 1) == "tags/x/page/1/"
    assert urls.paginated("", 3) == "page/3/"
    assert urls.term_url("places", "portland-ore") == "places/portland-ore/"


@pytest.mark.parametrize("path", ["../x", "a/../../b", "/etc/passwd", "a//b", "a\\b", "", "./a"])
def test_unsafe_paths(path: str) -> None:
    assert not urls.is_safe_path(path)


@pytest.mark.parametrize(
    ("slug", "ok"),
    [
        ("talks", True),
        ("a.b-c_d", True),
        ("москва", True),
        ("..", False),
        ("a/b", False),
        (".hidden", False),
        ("a..b", False),
        ("", False),
        ("with space", False),
    ],
)
def test_slugs(slug: str, ok: bool) -> None:
    assert slugs.is_valid_slug(slug) is ok


def test_a_term_slug_is_never_empty() -> None:
    assert slugs.term_slug("Portland, Ore.") == "portland-ore"
    assert slugs.term_slug("Москва") == "moskva"
    assert slugs.term_slug("!!!").startswith("t-")
    assert slugs.term_slug("!!!") != slugs.term_slug("???")


def test_the_two_slug_policies_differ_where_they_should() -> None:
    """An article's slug is a short file name; a term's keeps every word and is unique."""
    long = " ".join(["economy"] * 20)
    assert len(slugs.article_slug(long)) <= slugs.MAX_SLUG < len(slugs.term_slug(long))
    assert slugs.article_slug("!!!") == "article"
    assert slugs.article_slug("Portland, Ore.") == slugs.term_slug("Portland, Ore.")


_PAGES = [
    "", "2022/", "2022/01/", "2022/01/11/", "2022/01/11/slug/", "2022/01/12/other/",
    "2023/05/01/slug/", "tags/", "tags/oil/", "tags/oil/page/2/", "tags/gas/",
    "about/", "about/team/", "404.html", "2022/01/11/slug/v1/",
]  # fmt: skip
_TARGETS = ["", "archive/", "tags/", "about/", "about/team/", "2022/01/", "feed.xml", "a b/"]


@pytest.mark.parametrize("targets", [_TARGETS, _TARGETS[:3], ["2022/01/11/slug/"], []])
def test_pages_with_one_links_key_have_the_same_links(targets: list[str]) -> None:
    """The key partial_cached files a rendering under: pages that share it link to
    each target alike, and pages that link to one differently never share it."""
    folders = urls.folders_of(targets)
    by_key: dict[object, list[str]] = {}
    for page in _PAGES:
        links = urls.RelativeLinks(page)
        by_key.setdefault(links.key(folders), []).append(page)
    for pages in by_key.values():
        seen = {tuple(urls.relative(page, t) for t in targets) for page in pages}
        assert len(seen) == 1, pages
    if targets == _TARGETS:  # articles outside 2022/01/ share one; tag pages one per depth
        article = urls.RelativeLinks("2023/05/01/slug/").key(folders)
        assert article == urls.RelativeLinks("2024/02/03/other/").key(folders)
        assert article != urls.RelativeLinks("2022/01/11/slug/").key(folders)
        assert article != urls.RelativeLinks("tags/oil/page/2/").key(folders)
