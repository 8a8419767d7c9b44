"""Feeds to follow: each tag, place and agency page has its own Atom feed, linked on the
page and advertised in its ``<head>``; ``feed.full_text`` puts each article's text in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import feedparser

from archivesite.build import build
from archivesite.config import load_config

CONFIG = 'title = "T"\nbase_url = "https://example.org/"\n'


def _article(title: str, date: str, tags: str, body: str) -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\nagency: AP\nplace: Lyon\n---\n{body}\n"
    )


def _site(make_site: Callable[..., Path], config: str = CONFIG) -> Path:
    return make_site(
        {
            "2022/01/11/a.md": _article(
                "Rail strike", "2022-01-11", "[labour, rail]", "Trains *stop*."
            ),
            "2022/01/12/b.md": _article("Rail deal", "2022-01-12", "[rail]", "Trains run again."),
            "c.md": _article("Undated note", "", "[rail]", "No date.").replace("date: \n", ""),
        },
        config=config,
    )


def _feeds(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("feed.xml") if p.parent != out)


def test_every_term_has_a_feed_that_parses(make_site: Callable[..., Path]) -> None:
    root = _site(make_site)
    build(load_config(root), jobs=1)
    out = root / "build"
    feeds = {p.relative_to(out).as_posix() for p in _feeds(out)}
    assert feeds == {
        "tags/labour/feed.xml",
        "tags/rail/feed.xml",
        "places/lyon/feed.xml",
        "agencies/ap/feed.xml",
    }
    for rel in feeds:
        parsed = feedparser.parse((out / rel).read_bytes())
        assert parsed.bozo == 0, (rel, parsed.get("bozo_exception"))
    rail = feedparser.parse((out / "tags/rail/feed.xml").read_bytes())
    assert rail.feed.title == "T: Tag: rail"
    assert [e.title for e in rail.entries] == ["Rail deal", "Rail strike"]  # dated, newest first
    assert rail.feed.link == "https://example.org/tags/rail/"
    selfs = [link.href for link in rail.feed.links if link.rel == "self"]
    assert selfs == ["https://example.org/tags/rail/feed.xml"]
    assert "content" not in rail.entries[0]


def test_the_term_page_links_its_feed_in_head_and_body(make_site: Callable[..., Path]) -> None:
    root = _site(make_site)
    build(load_config(root), jobs=1)
    page = (root / "build/places/lyon/index.html").read_text(encoding="utf-8")
    head, body = page.split("</head>")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="T: Place: Lyon" '
        'href="feed.xml">' in head
    )
    assert '<a href="feed.xml" type="application/atom+xml">Follow Lyon (Atom feed)</a>' in body


def test_full_text_puts_each_body_in_the_feeds(make_site: Callable[..., Path]) -> None:
    root = _site(make_site, CONFIG + "\n[feed]\nfull_text = true\n")
    build(load_config(root), jobs=1)
    for rel in ("feed.xml", "tags/rail/feed.xml"):
        parsed = feedparser.parse((root / "build" / rel).read_bytes())
        assert parsed.bozo == 0
        bodies = {e.title: e.content[0].value for e in parsed.entries}
        assert bodies["Rail strike"] == "<p>Trains <em>stop</em>.</p>"


def test_an_edited_body_changes_the_full_text_feeds(make_site: Callable[..., Path]) -> None:
    root = _site(make_site, CONFIG + "\n[feed]\nfull_text = true\n")
    build(load_config(root), jobs=1)
    path = root / "content/2022/01/11/a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Trains", "Buses"), encoding="utf-8")
    report = build(load_config(root), jobs=1)
    assert {"feed.xml", "tags/rail/feed.xml", "tags/labour/feed.xml"} <= set(report.written)
    assert "Buses" in (root / "build/tags/labour/feed.xml").read_text(encoding="utf-8")
