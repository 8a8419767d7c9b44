"""Importing RSS and Atom feeds: one article per entry, the full content where the
feed has it (else the summary, marked ``excerpt: true``), the entry's date with its
offset, its authors and categories; its id or link as the record id. A feed is told
from agency XML by its content, and unsafe XML is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser

from archivesite.readers import feeds, newsmlg2, nitf, reader_for
from importing import articles, cli_run, import_and_build, make_site, page_of, seed
from test_html_pages import laughs

ZONE = dt.timezone(dt.timedelta(hours=1))


def test_rss_entries_with_content_and_summary_only(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed(site, "feeds/harbor-rss.xml")
    imported, built = import_and_build(site)
    assert imported.exit_code == 0, imported.output
    assert built.exit_code == 0, built.output
    found = articles(site)
    assert sorted(found) == [
        "seeds/harbor-rss.xml#gazette-2026-0105-ferry",  # its guid
        "seeds/harbor-rss.xml#https://gazette.example.org/2026/01/06/dredging",  # its link
    ]
    meta, body = found["seeds/harbor-rss.xml#gazette-2026-0105-ferry"]
    assert meta["title"] == "Ferry service returns to Gull Island"
    assert meta["date"] == dt.datetime(
        2026, 1, 5, 14, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5))
    )
    assert meta["date_source"] == "header"
    assert meta["author"] == "Mary Shore"  # dc:creator
    assert meta["site_name"] == "The Harbor Gazette"
    assert meta["source_url"] == "https://gazette.example.org/2026/01/05/ferry-returns"
    assert meta["tags"] == ["Transport", "Gull Island"]
    assert meta["dateline"] == "GULL ISLAND, Maine"
    assert "excerpt" not in meta  # content:encoded is the whole story
    assert "returned on Monday after a three-month pause" in body
    assert "Islanders met the first boat at the pier." in body
    assert "Read the timetable online." in body
    for gone in ("<", "script", "alert", "onclick", "javascript", "color: red", "winter without"):
        assert gone not in body, gone
    short, body = found["seeds/harbor-rss.xml#https://gazette.example.org/2026/01/06/dredging"]
    assert short["excerpt"] is True  # only a description
    assert short["author"] == "Tom Keel"  # the name from "email (name)"
    assert short["date"] == dt.datetime(2026, 1, 6, 9, 0, tzinfo=dt.UTC)
    assert body.strip() == "The council will meet Thursday to decide on dredging the inner harbor."
    page = page_of(site, "Ferry service returns to Gull Island")
    assert '<p class="byline" itemprop="author">Mary Shore</p>' in page
    # Where it came from, linked; the page of a saved summary says it is only that.
    source = (
        '<a href="https://gazette.example.org/2026/01/05/ferry-returns" rel="external nofollow">'
        "The Harbor Gazette</a>"
    )
    assert source in page
    assert "Only an excerpt" not in page
    short_page = page_of(site, "Harbor council meets on dredging")
    assert "Only an excerpt of this story was saved." in short_page
    assert 'href="https://gazette.example.org/2026/01/06/dredging"' in short_page
    assert (site / "build" / "tags").is_dir()


def test_atom_entries_authors_categories_and_dates(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed(site, "feeds/harbor-atom.xml")
    imported, built = import_and_build(site)
    assert imported.exit_code == 0, imported.output
    assert built.exit_code == 0, built.output
    found = articles(site)
    meta, body = found["seeds/harbor-atom.xml#tag:wire.example.org,2026:lighthouse-keeper"]
    assert meta["title"] == "Lighthouse keeper retires after 40 years"  # an html title's words
    assert meta["date"] == dt.datetime(2026, 2, 1, 18, 45, tzinfo=ZONE)  # published, not updated
    assert meta["author"] == "Ann Doe, Lee Park"
    assert meta["tags"] == ["People", "lighthouses"]  # the label where given, else the term
    assert meta["agency"] == "AP"
    assert meta["place"] == "Chatham"
    assert "excerpt" not in meta
    assert "She climbed the 64 steps every night, she said." in body
    storm, body = found["seeds/harbor-atom.xml#tag:wire.example.org,2026:storm-causeway"]
    assert storm["excerpt"] is True
    assert storm["date"] == dt.datetime(2026, 2, 2, 7, 15, tzinfo=ZONE)  # updated: no published
    assert "waves broke over it" in body
    assert "<b>" not in body
    # The built site's own feed holds the imported entries, and feedparser reads it.
    own = feedparser.parse((site / "build" / "feed.xml").read_bytes())
    assert not own.bozo
    assert {e.title for e in own.entries} >= {"Storm closes the causeway"}


def test_feeds_and_agency_xml_are_told_apart_by_content() -> None:
    rss = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title></channel></rss>'
    atom = b'<?xml version="1.0"?>\n<!-- a comment -->\n<feed xmlns="http://www.w3.org/2005/Atom">'
    rdf = b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
    for head in (rss, atom, rdf):
        assert reader_for(head, "news.xml") is feeds.READER
    assert reader_for(b'<?xml version="1.0"?>\n<nitf><head/>', "feed.xml") is nitf.READER
    assert reader_for(b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'>", "x.rss") is (
        newsmlg2.READER
    )


def test_unsafe_or_broken_feeds_are_refused_with_the_file_named(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "xxe.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
        "<rss><channel><item><title>&x;</title><description>&x;</description></item>"
        "</channel></rss>\n",
        encoding="utf-8",
    )
    (site / "seeds" / "laughs.xml").write_text(
        '<?xml version="1.0"?>\n' + laughs("rss") + '<rss version="2.0"><channel><item>'
        "<title>&lol9;</title><description>&lol9;</description></item></channel></rss>\n",
        encoding="utf-8",
    )
    (site / "seeds" / "cut.xml").write_text(
        '<rss version="2.0"><channel><item><title>Cut off', encoding="utf-8"
    )
    seed(site, "feeds/harbor-atom.xml")
    result = cli_run("import", "--site", str(site))
    assert result.exit_code == 1
    assert "xxe.xml:3: declares its own entities; not read (unsafe XML)" in result.output
    assert "cut.xml:1: not well-formed XML" in result.output
    assert "laughs.xml:3: declares its own entities; not read (unsafe XML)" in result.output
    assert len(articles(site)) == 2  # the good feed is still imported
    assert all("passwd" not in body for _, body in articles(site).values())
