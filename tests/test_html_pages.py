"""Importing saved HTML article pages: the main text without the page's navigation,
comments, related lists, scripts or markup; the page's own JSON-LD NewsArticle or
``article:published_time`` for its date, then its meta tags, then trafilatura."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archivesite.readers import htmlpage, plain, reader_for
from importing import articles, cli_run, import_and_build, make_site, page_of, seed


def test_page_with_jsonld_main_text_only(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed(site, "html/ferry-page.html")
    imported, built = import_and_build(site)
    assert imported.exit_code == 0, imported.output
    assert built.exit_code == 0, built.output
    meta, body = articles(site)["seeds/ferry-page.html"]
    assert meta["title"] == "Ferry service returns to Gull Island"
    # JSON-LD's datePublished, with its offset, over the meta tag's UTC time.
    assert meta["date"] == dt.datetime(
        2026, 1, 5, 14, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5))
    )
    assert meta["date_source"] == "header"
    assert meta["author"] == "Mary Shore, Tom Keel"
    assert meta["site_name"] == "The Harbor Gazette"
    assert meta["source_url"] == "https://gazette.example.org/2026/01/05/ferry-returns"
    assert meta["tags"] == ["Transport", "Gull Island"]
    assert meta["dateline"] == "GULL ISLAND, Maine"
    assert "the harbor authority said, and islanders lined the pier" in body
    assert "“We have waited since October,” said Ruth Dory" in body
    assert "four crossings a day, runs until April" in body
    assert body.count("\n\n") == 3  # four paragraphs, the heading kept as the title
    for gone in (
        "Subscribe today",  # navigation
        "cookies",  # banner
        "Related stories", "landing closes for repairs", "holiday boat",  # related list
        "seagull42", "Nobody asked the taxpayers",  # comments
        "All rights reserved",  # footer
        "tracker", "font-family", "onclick", "javascript", "<",  # code and markup
    ):  # fmt: skip
        assert gone not in body, gone
    page = page_of(site, "Ferry service returns to Gull Island")
    assert '<p class="byline" itemprop="author">Mary Shore, Tom Keel</p>' in page
    assert '<meta property="article:author" content="Mary Shore, Tom Keel">' in page


def test_page_with_meta_tags_only(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed(site, "html/plain-page.html")
    imported, _ = import_and_build(site)
    assert imported.exit_code == 0, imported.output
    meta, body = articles(site)["seeds/plain-page.html"]
    assert meta["title"] == "Storm closes the causeway"
    assert meta["date"] == dt.datetime(2026, 2, 2, 7, 15, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert meta["author"] == "Lee Park"
    assert meta["site_name"] == "Point News"
    assert meta["tags"] == ["Weather"]
    assert meta["agency"] == "AP"  # the dateline's
    assert meta["place"] == "Chatham"
    assert "road would reopen by noon" in body
    for gone in ("Contact us", "Most read", "Ferry fares to rise"):
        assert gone not in body, gone


def test_html_is_told_from_text_by_content() -> None:
    assert reader_for(b"<!DOCTYPE html>\n<html><head>", "page.txt") is htmlpage.READER
    assert reader_for(b"\xef\xbb\xbf<!doctype html><html lang=ru>", "x") is htmlpage.READER
    assert reader_for(b"<!-- saved -->\n<html>\n<body>", "saved") is htmlpage.READER
    assert reader_for(b"PARIS, May 2 (AFP) - <b>Bold</b> claims.", "story.html") is plain.READER


def test_a_page_with_no_article_is_left_out_and_garbage_is_named(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "empty.html").write_text(
        "<!DOCTYPE html><html><head><title>Index</title></head><body><nav><a href='/'>Home</a>"
        "</nav></body></html>",
        encoding="utf-8",
    )
    (site / "seeds" / "noise.html").write_bytes(b"<html>\x00\x01\x02\xff" * 50)
    seed(site, "html/plain-page.html")
    result = cli_run("-v", "import", "--site", str(site))
    assert "empty.html:1: HTML page with no article text found; left out" in result.output
    assert "Traceback" not in result.output
    assert list(articles(site)) == ["seeds/plain-page.html"]


def laughs(root: str) -> str:
    """A document type declaring nested and external entities (billion laughs, XXE)."""
    nested = "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n' for i in range(1, 10)
    )
    return (
        f'<!DOCTYPE {root} [\n<!ENTITY lol "lol">\n{nested}'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    )


def test_a_page_declaring_entities_has_none_expanded(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "laughs.html").write_text(
        laughs("html") + "<html><body><article><h1>Laughs</h1><p>HALIFAX (CP) - A page with "
        "&lol9; and &xxe; in it.</p><p>A second paragraph of the story.</p></article>"
        "</body></html>",
        encoding="utf-8",
    )
    result = cli_run("import", "--site", str(site))
    assert result.exit_code == 0, result.output
    meta, body = articles(site)["seeds/laughs.html"]
    assert meta["agency"] == "CP"
    assert "lollol" not in body and "root:" not in body
    assert "A second paragraph of the story." in body
