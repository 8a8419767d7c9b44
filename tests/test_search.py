"""The search index: what a build writes into build/search-index/, and when.

The index is read back with ``tests/search_reader.py`` (the browser engine's rules in
Python); ``tests/test_search_index.py`` covers the writer and the engine themselves.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archivesite import search
from archivesite.build import build
from archivesite.config import load_config
from archivesite.errors import ArchiveError
from archivesite.search import BackgroundIndexer, IndexRequest, changed_article_pages, index_now
from search_reader import Index

pytestmark = pytest.mark.timeout(120)

FILES = {
    "2022/01/11/talks.md": (
        "---\ntitle: Talks in Geneva\nlede: Diplomats met for a second day.\ndate: 2022-01-11\n"
        "dateline: MOSCOW\nplace: Moscow\nagency: TASS\ntags: [diplomacy]\n---\n"
        "MOSCOW, January 11. /TASS/. Negotiations about missiles went on in Geneva.\n"
    ),
    "2022/01/12/harbor.md": (
        "---\ntitle: Harbor reopens\ndate: 2022-01-12\ndateline: PORTLAND, Ore.\n"
        "place: Portland\nregion: Ore.\nagency: AP\n---\n"
        "PORTLAND, Ore. (AP) — The harbor reopened after the storm, officials said.\n"
    ),
    "2023/03/02/peregovory.md": (
        "---\ntitle: Переговоры продолжаются\ndate: 2023-03-02\nagency: Interfax\n"
        "language: ru\n---\nМинистры обсуждали ракеты и переговоры.\n"
    ),
    "undated/statement.md": "---\ntitle: A statement\nagency: AP\n---\nA statement on tariffs.\n",
    "pages/about.md": "---\ntitle: About\n---\nAn archive about negotiations.\n",
}


def index(site: Path) -> Index:
    return Index(site / "build" / "search-index")


def record(site: Path, url: str) -> list[Any]:
    """The indexed metadata of ``url``: [url, title, date, place, agency, lang, excerpt]."""
    ix = index(site)
    found = [m for m in (ix.meta(d) for d in _numbers(ix)) if m and m[0] == url]
    assert len(found) == 1, url
    return found[0]


def _numbers(ix: Index) -> list[int]:
    return [d for d in range(ix.m["next"]) if d not in ix.void]


def indexed_urls(site: Path) -> set[str]:
    ix = index(site)
    return {m[0] for m in (ix.meta(d) for d in _numbers(ix)) if m}


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file and folder below ``folder``, and of itself."""
    entries = {".": (folder.stat().st_mtime_ns, 0)}
    for p in folder.rglob("*"):
        st = p.stat()
        entries[str(p.relative_to(folder))] = (st.st_mtime_ns, st.st_size)
    return entries


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(FILES, config='title = "Search test"\nbase_url = "/sub/"\n')


def test_every_article_and_nothing_else_is_indexed(site: Path) -> None:
    report = build(load_config(site))
    assert report.search is not None and report.search.action == "indexed"
    assert indexed_urls(site) == {
        "2022/01/11/talks/",
        "2022/01/12/harbor/",
        "2023/03/02/peregovory/",
        "undated/statement/",
    }
    assert report.search.pages == 4
    # The About page is not an article: its words find nothing.
    assert index(site).search("archive") == []
    assert "pagefind" not in (site / "build" / "search" / "index.html").read_text()


def test_records_carry_text_filters_metadata_and_sort(site: Path) -> None:
    build(load_config(site))
    talks = record(site, "2022/01/11/talks/")
    assert talks[:6] == [
        "2022/01/11/talks/",
        "Talks in Geneva",
        "2022-01-11",
        "Moscow",
        "TASS",
        "en",
    ]
    # Headline, lede and body are searchable; the meta line and the footer are not.
    ix = index(site)
    assert ix.search("Geneva talks") == ["2022/01/11/talks/"]
    assert ix.search("diplomats second day") == ["2022/01/11/talks/"]
    assert ix.search("negotiations missiles") == ["2022/01/11/talks/"]
    assert ix.search("tags") == [] and ix.search("more from") == []
    assert record(site, "undated/statement/")[2:5] == ["", "", "AP"]
    # Filters and the date sort.
    assert ix.search("missiles", {"place": ["Moscow"]}) == ["2022/01/11/talks/"]
    assert ix.search("missiles", {"place": ["Portland, Ore."]}) == []
    assert ix.search("a", {"agency": ["AP"]}, sort="newest") == ["undated/statement/"]
    assert ix.search("storm", {"year": ["2023"]}) == []
    assert ix.m["facets"]["agency"] == [["AP", 2], ["Interfax", 1], ["TASS", 1]]
    assert ix.m["facets"]["year"] == [["2022", 2], ["2023", 1]]


def test_each_article_is_stemmed_in_its_own_script(site: Path) -> None:
    build(load_config(site))
    ix = index(site)
    assert record(site, "2023/03/02/peregovory/")[5] == "ru"
    # Russian stemming: another form of the word finds it; English words stem too.
    assert ix.search("переговоров") == ["2023/03/02/peregovory/"]
    assert ix.search("ракета") == ["2023/03/02/peregovory/"]
    assert ix.search("negotiation") == ["2022/01/11/talks/"]


def test_search_page_and_header_box(site: Path) -> None:
    build(load_config(site))
    page = (site / "build" / "search" / "index.html").read_text()
    assert '<meta name="robots" content="noindex">' in page
    assert "search-engine.js" in page
    assert "https://" not in page.split("<script", 1)[1]  # no CDN
    home = (site / "build" / "index.html").read_text()
    assert 'action="search/"' in home and 'name="q"' in home
    assert "sitemap" not in page and "search/" not in (site / "build" / "sitemap.xml").read_text()


def test_search_false_writes_no_index_and_no_search_page(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(FILES, config='title = "No search"\nsearch = false\n')
    report = build(load_config(root))
    out = root / "build"
    assert report.search is not None and report.search.action == "disabled"
    assert not (out / "search-index").exists()
    assert not (out / "search").exists()
    assert 'name="q"' not in (out / "index.html").read_text()


def test_turning_search_off_removes_the_old_index(site: Path) -> None:
    build(load_config(site))
    assert (site / "build" / "search-index" / "manifest.json").is_file()
    config = site / "archivesite.toml"
    config.write_text(config.read_text() + "search = false\n")
    report = build(load_config(site))
    assert report.search is not None and report.search.action == "removed"
    assert not (site / "build" / "search-index").exists()
    assert not (site / "build" / "search").exists()


def test_an_old_pagefind_index_is_removed(site: Path) -> None:
    old = site / "build" / "pagefind"
    old.mkdir(parents=True)
    (old / "pagefind-entry.json").write_text("{}")
    build(load_config(site))
    assert not old.exists()
    assert (site / "build" / "search-index" / "manifest.json").is_file()


def test_unchanged_rebuild_leaves_the_index_untouched(site: Path) -> None:
    build(load_config(site))
    index_dir = site / "build" / "search-index"
    before = snapshot(index_dir)
    report = build(load_config(site))
    assert report.written == ()
    assert report.search is not None and report.search.action == "unchanged"
    assert snapshot(index_dir) == before


def test_an_edited_article_is_reindexed_and_nothing_else_is_rewritten(site: Path) -> None:
    build(load_config(site))
    index_dir = site / "build" / "search-index"
    before = snapshot(index_dir)
    path = site / "content" / "2022" / "01" / "12" / "harbor.md"
    path.write_text(path.read_text().replace("reopened after the storm", "stayed shut in a gale"))
    report = build(load_config(site))
    assert report.search is not None and report.search.action == "indexed"
    assert report.search.incremental
    ix = index(site)
    assert ix.search("shut gale") == ["2022/01/12/harbor/"]
    assert ix.search("storm") == []
    assert "stayed shut in a gale" in record(site, "2022/01/12/harbor/")[6]
    # The term files and the other articles' metadata are as they were.
    after = snapshot(index_dir)
    kept = {p for p in before if p.startswith("t/") and not p.endswith(".delta.json")}
    assert kept and all(after.get(p) == before[p] for p in kept)


def test_added_and_deleted_articles_are_found_and_gone(site: Path) -> None:
    build(load_config(site))
    (site / "content" / "2022" / "01" / "11" / "talks.md").unlink()
    new = site / "content" / "2022" / "02" / "01" / "grain.md"
    new.parent.mkdir(parents=True)
    new.write_text("---\ntitle: Grain deal\ndate: 2022-02-01\nagency: Reuters\n---\nWheat.\n")
    report = build(load_config(site))
    assert report.search is not None and report.search.incremental
    assert indexed_urls(site) == {
        "2022/02/01/grain/",
        "2022/01/12/harbor/",
        "2023/03/02/peregovory/",
        "undated/statement/",
    }
    ix = index(site)
    assert ix.search("missiles") == []
    assert ix.search("wheat") == ["2022/02/01/grain/"]
    assert ix.search("wheat", {"year": ["2022"]}) == ["2022/02/01/grain/"]
    assert ix.search("wheat", {"year": ["2023"]}) == []
    # The new article sorts by its date among the others.
    number = {m[0]: d for d in _numbers(ix) if (m := ix.meta(d))}
    harbor, grain = number["2022/01/12/harbor/"], number["2022/02/01/grain/"]
    assert ix.position(harbor) < ix.position(grain) < ix.position(number["2023/03/02/peregovory/"])
    facets = {k: dict(map(tuple, v)) for k, v in ix.m["facets"].items()}
    assert "TASS" not in facets["agency"] and facets["agency"]["Reuters"] == 1


def test_a_template_change_outside_articles_does_not_reindex(site: Path) -> None:
    build(load_config(site))
    before = snapshot(site / "build" / "search-index")
    templates = site / "templates"
    templates.mkdir()
    (templates / "home.html").write_text(
        '{% extends "builtin/home.html" %}{% block footer %}<p>Changed.</p>{% endblock %}'
    )
    report = build(load_config(site))
    assert "index.html" in report.written
    assert snapshot(site / "build" / "search-index") == before


def test_a_failed_index_keeps_the_old_one_and_is_caught_up(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(load_config(site))
    index_dir = site / "build" / "search-index"
    before = snapshot(index_dir)
    path = site / "content" / "2022" / "01" / "12" / "harbor.md"
    path.write_text(path.read_text().replace("storm", "gale"))

    def broken(*_: object, **__: object) -> object:
        raise ArchiveError("indexing failed: simulated")

    monkeypatch.setattr(search.search_index, "update_index", broken)
    monkeypatch.setattr(search.search_index, "write_index", broken)
    with pytest.raises(ArchiveError, match="simulated"):
        build(load_config(site))
    assert snapshot(index_dir) == before  # the old index, whole
    assert not list(site.glob(".build.search-*"))  # no temporary folder left
    monkeypatch.undo()
    # Nothing changed since, but the index does not show the pages: it catches up.
    report = build(load_config(site))
    assert report.written == ()
    assert report.search is not None and report.search.action == "indexed"
    assert index(site).search("gale") == ["2022/01/12/harbor/"]


def test_a_deleted_state_folder_still_catches_the_index_up(site: Path) -> None:
    import shutil

    build(load_config(site))
    (site / "build" / "search-index" / "manifest.json").unlink()
    shutil.rmtree(site / ".archivesite")
    report = build(load_config(site))
    assert report.search is not None and report.search.action == "indexed"
    assert index(site).search("storm") == ["2022/01/12/harbor/"]


def test_build_pruning_never_touches_the_index(site: Path) -> None:
    build(load_config(site))
    (site / "content" / "2023" / "03" / "02" / "peregovory.md").unlink()
    report = build(load_config(site))
    assert report.removed  # the Russian article's page and its year pages went
    assert not any(p.startswith("search-index/") for p in report.removed)
    assert index(site).search("переговоры") == []
    assert (site / "build" / "search-index" / "manifest.json").is_file()


def test_background_indexer_never_blocks_the_build(site: Path) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(request: IndexRequest) -> object:
        started.set()
        assert release.wait(30)
        return index_now(request)

    indexer = BackgroundIndexer(slow)
    try:
        report = build(load_config(site), index_search=indexer.request)
        assert report.search is None
        assert (site / "build" / "index.html").is_file()  # the build is done ...
        assert started.wait(10)
        assert not (site / "build" / "search-index").exists()  # ... the index is not yet
        # A second rebuild while indexing is merged into one follow-up run.
        build(load_config(site), index_search=indexer.request)
        release.set()
        assert indexer.wait(60)
        assert indexer.last_error is None
        assert indexer.runs == 2
        assert len(indexed_urls(site)) == 4
    finally:
        release.set()
        indexer.close()


def test_closing_the_background_indexer_says_whether_a_run_is_still_going() -> None:
    """``archivesite serve`` exits at once on Ctrl-C rather than wait for the indexer."""
    release = threading.Event()
    started = threading.Event()

    def stuck(request: IndexRequest) -> object:
        started.set()
        release.wait(30)
        return None

    indexer = BackgroundIndexer(stuck)
    try:
        indexer.request(IndexRequest(None, Path("out"), True))  # type: ignore[arg-type]
        assert started.wait(10)
        assert indexer.close(timeout=0.2) is False
    finally:
        release.set()
    assert BackgroundIndexer(stuck).close(timeout=0.2) is True  # never started


def test_background_indexer_logs_failures_and_goes_on(
    site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[object] = []

    def failing(request: IndexRequest) -> object:
        calls.append(request.changed)
        if len(calls) == 1:
            raise ArchiveError("indexing failed: simulated")
        return "ok"

    indexer = BackgroundIndexer(failing)
    try:
        indexer.request(IndexRequest(load_config(site), site / "build", True))
        assert indexer.wait(10)
        assert isinstance(indexer.last_error, ArchiveError)
        assert "simulated" in caplog.text
        indexer.request(
            IndexRequest(load_config(site), site / "build", frozenset({"a/index.html"}))
        )
        assert indexer.wait(10)
        assert indexer.last_error is None and indexer.last_report == "ok"
    finally:
        indexer.close()


def test_changed_article_pages() -> None:
    articles = ["2022/01/11/a/index.html", "2022/01/12/b/index.html"]
    written = ["2022/01/11/a/index.html", "index.html", "feed.xml"]
    removed = ["2021/05/05/c/index.html", "assets/old.css"]
    assert changed_article_pages(articles, written, removed) == {
        "2022/01/11/a/index.html",
        "2021/05/05/c/index.html",
    }
    assert changed_article_pages(articles, ["index.html"], []) == frozenset()


def test_preview_server_serves_the_index_and_updates_it_in_the_background(
    site: Path,
) -> None:
    """The wiring of ``archivesite serve`` (cli.py): build with a BackgroundIndexer."""
    import time
    import urllib.request

    from archivesite.serve import Preview

    gate = threading.Event()
    gate.set()

    def gated(request: IndexRequest) -> object:
        assert gate.wait(30)
        return index_now(request)

    indexer = BackgroundIndexer(gated)
    preview = Preview(
        site,
        build=lambda config, out: build(config, out=out, index_search=indexer.request),
        port=0,
    )
    try:
        preview.start()
        assert indexer.wait(60)
        with urllib.request.urlopen(preview.url + "search-index/manifest.json", timeout=10) as r:
            assert json.loads(r.read())["count"] == 4
        with urllib.request.urlopen(preview.url + "search/?q=harbor", timeout=10) as r:
            assert b"search-engine.js" in r.read()

        # An edit: the rebuild (and so the browser's reload) completes while the
        # index is still being written.
        gate.clear()
        builds = preview.builds
        path = site / "content" / "2022" / "01" / "12" / "harbor.md"
        path.write_text(path.read_text().replace("harbor reopened", "quay flooded"))
        deadline = time.monotonic() + 30
        while preview.builds == builds and time.monotonic() < deadline:
            time.sleep(0.05)
        assert preview.builds > builds
        assert Index(preview.out / "search-index").search("quay flooded") == []
        gate.set()
        assert indexer.wait(60)
        assert Index(preview.out / "search-index").search("quay flooded") == ["2022/01/12/harbor/"]
        assert indexer.last_report is not None
        assert getattr(indexer.last_report, "incremental", False)
    finally:
        gate.set()
        preview.stop()
        indexer.close()


def test_a_body_edited_after_loading_is_indexed_as_it_is_now(tmp_path: Path) -> None:
    """Under serve the index is written after the build: an edit in between is read as
    it is now (the build the edit starts indexes it again), not refused."""
    import hashlib

    from archivesite.model import Article
    from archivesite.search import search_record

    source = tmp_path / "a.md"
    head, body = "---\ntitle: A\n---\n", "Old words.\n"
    source.write_text(head + body)
    a = Article(
        source="a.md",
        kind="article",
        slug="a",
        title="A",
        date=None,
        published=None,
        body_offset=len(head),
        body_hash=hashlib.sha256(body.encode()).hexdigest(),
        url="a/",
    )
    assert search_record(str(tmp_path), a, "en").text == "Old words."
    source.write_text("---\ntitle: A longer title\n---\nNew words.\n")
    assert search_record(str(tmp_path), a, "en").text == "New words."


def test_a_half_written_file_a_kill_left_is_removed_by_the_next_build(site: Path) -> None:
    build(load_config(site))
    index_dir = site / "build" / "search-index"
    (index_dir / "manifest.json.999999999.tmp").write_text("{")
    (index_dir / "t" / "0.abcdef12.delta.json.999999999.tmp").write_text("{")
    report = build(load_config(site))
    assert report.search is not None and report.search.action == "unchanged"
    assert not list(index_dir.rglob("*.tmp"))
    assert index(site).search("storm") == ["2022/01/12/harbor/"]


def test_an_article_template_change_rewrites_no_term_file(site: Path) -> None:
    """Every article page changes, none of what the index holds does: the index keeps
    each article's key and writes only its manifest (what it was built from)."""
    build(load_config(site))
    index_dir = site / "build" / "search-index"
    before = snapshot(index_dir)
    templates = site / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        '{% extends "builtin/article.html" %}{% block footer %}<p>New footer.</p>{% endblock %}'
    )
    report = build(load_config(site))
    assert "2022/01/12/harbor/index.html" in report.written
    assert report.search is not None and report.search.incremental
    after = snapshot(index_dir)
    assert {p for p in after if after[p] != before.get(p)} <= {
        ".",
        "manifest.json",
        "built-from.txt",
    }
    assert index(site).search("storm") == ["2022/01/12/harbor/"]
    again = build(load_config(site))
    assert again.search is not None and again.search.action == "unchanged"
