"""The Pagefind search index: what a build writes into build/pagefind/, and when.

The index is read back through Pagefind's own output: each ``*.pf_fragment`` is
a gzipped ``pagefind_dcd`` header followed by the JSON record of one page (URL,
text, filters, metadata) that the browser shows as a result.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archivesite import search
from archivesite.build import build
from archivesite.cli import cli
from archivesite.config import load_config
from archivesite.errors import ArchiveError
from archivesite.search import BackgroundIndexer, changed_article_pages, update_search_index

pytestmark = pytest.mark.timeout(300)

#: A cap on waiting for a build, an index or a reply, not a timing a test depends on.
WAIT = 120.0

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


def fragments(out: Path) -> dict[str, dict[str, Any]]:
    """Every indexed page's record, by URL."""
    records = {}
    for path in (out / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd") :])
        records[record["url"]] = record
    return records


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


def test_every_article_page_and_nothing_else_is_indexed(site: Path) -> None:
    report = build(load_config(site))
    out = site / "build"
    assert report.search is not None and report.search.action == "indexed"
    assert set(fragments(out)) == {
        "/2022/01/11/talks/",
        "/2022/01/12/harbor/",
        "/2023/03/02/peregovory/",
        "/undated/statement/",
    }
    assert report.search.pages == 4
    # The search page itself, listings and the About page are not in the index.
    assert "data-pagefind-body" not in (out / "search" / "index.html").read_text()
    assert "data-pagefind-body" not in (out / "index.html").read_text()


def test_records_carry_text_filters_metadata_and_sort(site: Path) -> None:
    build(load_config(site))
    talks = fragments(site / "build")["/2022/01/11/talks/"]
    assert talks["filters"] == {"agency": ["TASS"], "place": ["Moscow"], "year": ["2022"]}
    assert talks["meta"]["title"] == "Talks in Geneva"
    assert talks["meta"]["date"] == "Tuesday, January 11, 2022"
    assert talks["meta"]["place"] == "Moscow"
    # Headline, lede and body are searchable; the meta line and the footer are not.
    assert "Talks in Geneva" in talks["content"]
    assert "Diplomats met for a second day." in talks["content"]
    assert "Negotiations about missiles" in talks["content"]
    assert "Tags" not in talks["content"] and "More from" not in talks["content"]
    undated = fragments(site / "build")["/undated/statement/"]
    assert undated["filters"] == {"agency": ["AP"]}
    assert "date" not in undated["meta"]
    # The date sort is declared in each language's metadata file.
    metas = list((site / "build" / "pagefind").glob("pagefind.en_*.pf_meta"))
    assert len(metas) == 1 and b"date" in gzip.decompress(metas[0].read_bytes())


def test_each_page_is_indexed_in_its_own_language(site: Path) -> None:
    report = build(load_config(site))
    entry = json.loads((site / "build" / "pagefind" / "pagefind-entry.json").read_text())
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == {"en": 3, "ru": 1}
    assert report.search is not None and report.search.languages == (("en", 3), ("ru", 1))
    # Russian stemming: the index of the Russian page holds the stem, not the word.
    ru_index = [
        gzip.decompress(p.read_bytes())
        for p in (site / "build" / "pagefind" / "index").glob("ru_*.pf_index")
    ]
    assert any("переговор".encode() in data for data in ru_index)
    assert not any("переговоры".encode() in data for data in ru_index)


def test_search_page_and_header_box(site: Path) -> None:
    build(load_config(site))
    page = (site / "build" / "search" / "index.html").read_text()
    assert '<meta name="robots" content="noindex">' in page
    assert 'src="../pagefind/pagefind-ui.js"' in page  # relative: works from a sub-path
    assert 'href="../pagefind/pagefind-ui.css"' in page
    assert "https://" not in page.split("<script", 1)[1]  # no CDN
    home = (site / "build" / "index.html").read_text()
    assert 'action="search/"' in home and 'name="q"' in home
    ru = (site / "build" / "2023" / "03" / "02" / "peregovory" / "index.html").read_text()
    assert 'action="../../../../search/"' in ru
    assert '<input type="hidden" name="lang" value="ru">' in ru
    assert "sitemap" not in page and "search/" not in (site / "build" / "sitemap.xml").read_text()


def test_search_false_writes_no_index_and_no_search_page(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(FILES, config='title = "No search"\nsearch = false\n')
    report = build(load_config(root))
    out = root / "build"
    assert report.search is not None and report.search.action == "disabled"
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    assert 'name="q"' not in (out / "index.html").read_text()


def test_turning_search_off_removes_the_old_index(site: Path) -> None:
    build(load_config(site))
    assert (site / "build" / "pagefind" / "pagefind-entry.json").is_file()
    config = site / "archivesite.toml"
    config.write_text(config.read_text() + "search = false\n")
    report = build(load_config(site))
    assert report.search is not None and report.search.action == "removed"
    assert not (site / "build" / "pagefind").exists()
    assert not (site / "build" / "search").exists()


def test_missing_binary_is_a_clear_error(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site / "no-such-pagefind"))
    result = CliRunner().invoke(cli, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert 'pip install "pagefind[bin]"' in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, ArchiveError)  # handled: SystemExit(1)


def test_missing_package_is_a_clear_error(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pagefind.service", None)
    with pytest.raises(ArchiveError, match="not installed"):
        build(load_config(site))


def test_unchanged_rebuild_leaves_the_index_untouched(site: Path) -> None:
    build(load_config(site))
    index = site / "build" / "pagefind"
    before = snapshot(index)
    report = build(load_config(site))
    assert report.written == ()
    assert report.search is not None and report.search.action == "unchanged"
    assert snapshot(index) == before


def test_an_edited_article_is_reindexed(site: Path) -> None:
    build(load_config(site))
    fragment_dir = site / "build" / "pagefind" / "fragment"
    before = {p.name: p.stat().st_mtime_ns for p in fragment_dir.iterdir()}
    path = site / "content" / "2022" / "01" / "12" / "harbor.md"
    path.write_text(path.read_text().replace("harbor reopened", "port stayed closed"))
    report = build(load_config(site))
    assert report.search is not None and report.search.action == "indexed"
    record = fragments(site / "build")["/2022/01/12/harbor/"]
    assert "port stayed closed" in record["content"]
    assert "harbor reopened" not in record["content"]
    # The other pages' fragments are byte-identical and keep their mtimes (cheap deploys).
    after = {p.name: p.stat().st_mtime_ns for p in fragment_dir.iterdir()}
    same = {name for name in before.keys() & after.keys() if before[name] == after[name]}
    assert len(same) == 3 and len(after) == 4


def test_added_and_deleted_articles_are_found_and_gone(site: Path) -> None:
    build(load_config(site))
    (site / "content" / "2022" / "01" / "11" / "talks.md").unlink()
    new = site / "content" / "2022" / "02" / "01" / "grain.md"
    new.parent.mkdir(parents=True)
    new.write_text("---\ntitle: Grain deal\ndate: 2022-02-01\nagency: Reuters\n---\nWheat.\n")
    build(load_config(site))
    urls = set(fragments(site / "build"))
    assert "/2022/01/11/talks/" not in urls
    assert "/2022/02/01/grain/" in urls


def test_a_template_change_outside_articles_does_not_reindex(site: Path) -> None:
    build(load_config(site))
    before = snapshot(site / "build" / "pagefind")
    templates = site / "templates"
    templates.mkdir()
    (templates / "home.html").write_text(
        '{% extends "builtin/home.html" %}{% block footer %}<p>Changed.</p>{% endblock %}'
    )
    report = build(load_config(site))
    assert "index.html" in report.written
    assert snapshot(site / "build" / "pagefind") == before


def test_a_failed_index_keeps_the_old_one_and_is_retried(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(load_config(site))
    index = site / "build" / "pagefind"
    before = snapshot(index)
    path = site / "content" / "2022" / "01" / "12" / "harbor.md"
    path.write_text(path.read_text().replace("storm", "gale"))

    def broken(site_dir: Path, dest: Path, **_: object) -> int:
        dest.mkdir(parents=True)
        (dest / "half-written").write_text("x")
        raise ArchiveError("Pagefind failed: simulated")

    monkeypatch.setattr(search, "run_pagefind", broken)
    with pytest.raises(ArchiveError, match="simulated"):
        build(load_config(site))
    assert snapshot(index) == before  # the old index, whole
    assert not list((site).glob(".build.pagefind-*"))  # no temporary folder left
    monkeypatch.undo()
    # Nothing changed since, but the last index did not complete: index again.
    report = build(load_config(site))
    assert report.written == ()
    assert report.search is not None and report.search.action == "indexed"
    assert "gale" in fragments(site / "build")["/2022/01/12/harbor/"]["content"]


def test_an_index_with_a_file_left_empty_is_not_swapped_in(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind stopped before its answered writes reached the disk (a busy machine)."""
    build(load_config(site))
    index = site / "build" / "pagefind"
    before = snapshot(index)
    path = site / "content" / "2022" / "01" / "12" / "harbor.md"
    path.write_text(path.read_text().replace("storm", "gale"))
    real = search.run_pagefind

    def cut_short(site_dir: Path, dest: Path, **kw: Any) -> int:
        pages = real(site_dir, dest, **kw)
        (dest / search.ENTRY_FILE).write_bytes(b"")
        return pages

    monkeypatch.setattr(search, "run_pagefind", cut_short)
    with pytest.raises(ArchiveError, match=r"left 1 index file\(s\) empty"):
        build(load_config(site))
    assert snapshot(index) == before


def test_build_pruning_never_touches_the_index(site: Path) -> None:
    build(load_config(site))
    (site / "content" / "2023" / "03" / "02" / "peregovory.md").unlink()
    report = build(load_config(site))
    assert report.removed  # the Russian article's page and its year pages went
    assert not any(p.startswith("pagefind/") for p in report.removed)
    entry = json.loads((site / "build" / "pagefind" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"en"}


def test_background_indexer_never_blocks_the_build(site: Path) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(config: Any, out: Path, changed: Any, *, built_from: str = "") -> object:
        started.set()
        assert release.wait(WAIT)
        return update_search_index(config, out, changed, built_from=built_from)

    indexer = BackgroundIndexer(slow)
    try:
        report = build(load_config(site), index_search=indexer.request)
        assert report.search is None
        assert (site / "build" / "index.html").is_file()  # the build is done ...
        assert started.wait(WAIT)
        assert not (site / "build" / "pagefind").exists()  # ... the index is not yet
        # A second rebuild while indexing is merged into one follow-up run.
        build(load_config(site), index_search=indexer.request)
        release.set()
        assert indexer.wait(WAIT)
        assert indexer.last_error is None
        assert indexer.runs == 2
        assert len(fragments(site / "build")) == 4
    finally:
        release.set()
        indexer.close()


def test_closing_the_background_indexer_says_whether_a_run_is_still_going() -> None:
    """``archivesite serve`` exits at once on Ctrl-C rather than wait for Pagefind."""
    release = threading.Event()
    started = threading.Event()

    def stuck(config: Any, out: Path, changed: Any, *, built_from: str = "") -> object:
        started.set()
        release.wait(30)
        return None

    indexer = BackgroundIndexer(stuck)
    try:
        indexer.request(None, Path("out"), True)  # type: ignore[arg-type]
        assert started.wait(WAIT)
        assert indexer.close(timeout=0.2) is False
    finally:
        release.set()
    assert BackgroundIndexer(stuck).close(timeout=0.2) is True  # never started


def test_background_indexer_logs_failures_and_goes_on(
    site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[object] = []

    def failing(config: Any, out: Path, changed: Any, *, built_from: str = "") -> object:
        calls.append(changed)
        if len(calls) == 1:
            raise ArchiveError("Pagefind failed: simulated")
        return "ok"

    indexer = BackgroundIndexer(failing)
    try:
        indexer.request(load_config(site), site / "build", True)
        assert indexer.wait(WAIT)
        assert isinstance(indexer.last_error, ArchiveError)
        assert "simulated" in caplog.text
        indexer.request(load_config(site), site / "build", frozenset({"a/index.html"}))
        assert indexer.wait(WAIT)
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

    def gated(config: Any, out: Path, changed: Any, *, built_from: str = "") -> object:
        assert gate.wait(WAIT)
        return update_search_index(config, out, changed, built_from=built_from)

    indexer = BackgroundIndexer(gated)
    preview = Preview(
        site,
        build=lambda config, out: build(config, out=out, index_search=indexer.request),
        port=0,
    )
    try:
        preview.start()
        assert indexer.wait(WAIT)
        with urllib.request.urlopen(
            preview.url + "pagefind/pagefind-entry.json", timeout=WAIT
        ) as r:
            assert set(json.loads(r.read())["languages"]) == {"en", "ru"}
        with urllib.request.urlopen(preview.url + "search/?q=harbor", timeout=WAIT) as r:
            assert b"pagefind-ui.js" in r.read()

        # An edit: the rebuild (and so the browser's reload) completes while the
        # index is still being written.
        gate.clear()
        builds = preview.builds
        path = site / "content" / "2022" / "01" / "12" / "harbor.md"
        path.write_text(path.read_text().replace("harbor reopened", "quay flooded"))
        deadline = time.monotonic() + WAIT
        while preview.builds == builds and time.monotonic() < deadline:
            time.sleep(0.05)
        assert preview.builds > builds
        assert "quay flooded" not in json.dumps(fragments(preview.out))
        gate.set()
        assert indexer.wait(WAIT)
        assert "quay flooded" in fragments(preview.out)["/2022/01/12/harbor/"]["content"]
    finally:
        gate.set()
        preview.stop()
        indexer.close()
