"""Incremental builds: what a second build renders and writes, and that it is right.

Each change is checked against the truth: the set of files whose bytes differ
between a clean build of the sources before the change and a clean build after
it. An incremental build must write exactly those files (``BuildReport.written``,
and no other file's mtime changes) and remove exactly the files that went away.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import archivesite.build
import archivesite.load
import archivesite.render
import archivesite.workers
from archivesite.build import BuildReport, BuildSession, build
from archivesite.cli import cli
from archivesite.config import load_config
from archivesite.model import Output
from archivesite.record import record_path

CONFIG = """title = "Incremental archive"
base_url = "https://example.org/"
per_page = 3
feed_size = 4
search = false
"""

TAGS = ["economy", "weather", "diplomacy"]
PLACES = [("MOSCOW", "Moscow"), ("PARIS", "Paris"), ("BERLIN", "Berlin")]
AGENCIES = ["TASS", "AFP"]


def article(n: int, title: str | None = None, body: str | None = None) -> str:
    date = dt.date(2022, 1, 1) + dt.timedelta(days=(n * 5) % 45)
    dateline, place = PLACES[n % 3]
    return (
        "---\n"
        f"title: {title or f'Story number {n}'}\n"
        f"summary: Summary of story {n}.\n"
        f"date: {date.isoformat()}\n"
        f"dateline: {dateline}\n"
        f"place: {place}\n"
        f"agency: {AGENCIES[n % 2]}\n"
        f"tags: [{TAGS[n % 3]}]\n"
        "---\n"
        f"{dateline}, {date:%B} {date.day}. /{AGENCIES[n % 2]}/. "
        f"{body or f'Body of story {n}, with *emphasis*.'}\n"
    )


def path_of(n: int) -> str:
    date = dt.date(2022, 1, 1) + dt.timedelta(days=(n * 5) % 45)
    return f"content/{date:%Y/%m/%d}/story-{n}.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "templates").mkdir(parents=True)
    (root / "archivesite.toml").write_text(CONFIG, encoding="utf-8")
    for n in range(14):
        write(root, path_of(n), article(n))
    write(root, "content/pages/about.md", "---\ntitle: About\n---\nAbout this archive.\n")
    return root


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def tree(out: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def clean_build(root: Path, out: Path) -> dict[str, bytes]:
    """A from-scratch build of a copy of the sources (no caches, no state)."""
    copy = out.parent / (out.name + "-sources")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".archivesite"))
    shutil.rmtree(out, ignore_errors=True)
    build(load_config(copy), out=out, clean=True, jobs=1)
    return {k: v[0] for k, v in tree(out).items()}


class Checked:
    """Build incrementally around a change; compare with clean builds before and after."""

    def __init__(self, root: Path, tmp: Path, session: BuildSession | None = None) -> None:
        self.root, self.tmp, self.session = root, tmp, session
        self.markdown: list[str] = []  # Markdown calls during the last incremental build
        self.out = tmp / "out"
        build(load_config(root), out=self.out, jobs=1, session=session)

    def change(self, edit: Callable[[], None]) -> tuple[BuildReport, set[str], set[str]]:
        before_clean = clean_build(self.root, self.tmp / "clean-before")
        before = tree(self.out)
        assert {k: v[0] for k, v in before.items()} == before_clean
        edit()
        calls = _markdown_log[:]
        report = build(load_config(self.root), out=self.out, jobs=1, session=self.session)
        self.markdown = _markdown_log[len(calls) :]
        after_clean = clean_build(self.root, self.tmp / "clean-after")
        after = tree(self.out)
        assert {k: v[0] for k, v in after.items()} == after_clean, "differs from a clean build"
        changed = {p for p in after_clean if before_clean.get(p) != after_clean[p]}
        gone = set(before_clean) - set(after_clean)
        assert set(report.written) == changed
        assert set(report.removed) == gone
        untouched = {p: v[1] for p, v in after.items() if p not in changed}
        assert untouched == {p: before[p][1] for p in untouched}, "an unchanged file's mtime moved"
        return report, changed, gone


@pytest.fixture(params=["cold", "warm"])
def checked(site: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Checked:
    """Every change checked twice: a fresh build, and one through a kept BuildSession."""
    return Checked(site, tmp_path, BuildSession() if request.param == "warm" else None)


_markdown_log: list[str] = []


@pytest.fixture
def markdown_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every Python-Markdown call in this process (the tests build with jobs=1)."""
    _markdown_log.clear()
    real = archivesite.render.render_markdown

    def counting(text: str) -> str:
        _markdown_log.append(text)
        return real(text)

    monkeypatch.setattr(archivesite.render, "render_markdown", counting)
    yield _markdown_log


@pytest.fixture
def render_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = archivesite.workers.render

    def counting(output: object, *args: object) -> object:
        calls.append(output.path)  # type: ignore[attr-defined]
        return real(output, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(archivesite.workers, "render", counting)
    return calls


def test_second_build_renders_and_writes_nothing(
    site: Path, tmp_path: Path, render_calls: list[str], markdown_calls: list[str]
) -> None:
    out = tmp_path / "out"
    first = build(load_config(site), out=out, jobs=1)
    assert len(first.written) == first.outputs and len(markdown_calls) == 15
    before = tree(out)
    render_calls.clear()
    markdown_calls.clear()
    again = build(load_config(site), out=out, jobs=1)
    assert again.written == () and again.removed == () and again.rendered == 0
    assert again.unchanged == first.outputs and again.articles == 15
    assert render_calls == [] and markdown_calls == []
    assert tree(out) == before  # not even an mtime changed
    assert again.summary().startswith(f"15 articles: 0 pages written, {first.outputs} unchanged")


def test_body_edit_rewrites_only_its_page(checked: Checked) -> None:
    report, changed, _ = checked.change(
        lambda: write(checked.root, path_of(5), article(5, body="A corrected body."))
    )
    page = "2022/01/26/story-5/index.html"
    assert changed == {page}
    assert "A corrected body." in (checked.out / page).read_text(encoding="utf-8")
    # rendered: its page and those whose data holds its body's hash (neighbours, lists)
    assert report.rendered < 20 < report.outputs


def test_title_edit_rewrites_every_page_that_shows_it(checked: Checked) -> None:
    _report, changed, gone = checked.change(
        lambda: write(checked.root, path_of(5), article(5, title="A new headline"))
    )
    assert not gone
    expected_kinds = {
        "2022/01/26/story-5/index.html",  # its page
        "2022/01/26/index.html",  # its day
        "2022/01/index.html",  # its month
        "tags/diplomacy/index.html",
        "places/berlin/index.html",
        "agencies/afp/index.html",
    }
    assert expected_kinds <= changed
    assert "on-this-day/01-26/index.html" in changed
    neighbours = [p for p in changed if p[0].isdigit() and p.count("/") == 4 and "story-5" not in p]
    assert len(neighbours) == 2  # prev and next link to it by title
    for path in changed:
        assert "A new headline" in (checked.out / path).read_text(encoding="utf-8")


def test_date_change_moves_the_page_and_updates_every_list(checked: Checked) -> None:
    old = checked.root / path_of(3)

    def move() -> None:
        old.unlink()
        write(
            checked.root,
            "content/2022/03/01/story-3.md",
            article(3).replace("date: 2022-01-16", "date: 2022-03-01"),
        )

    _report, changed, gone = checked.change(move)
    assert "2022/01/16/story-3/index.html" in gone
    assert "2022/03/01/story-3/index.html" in changed
    assert "sitemap.xml" in changed and "feed.xml" in changed


def test_delete_and_rename_remove_old_pages(checked: Checked) -> None:
    _, changed, gone = checked.change(lambda: (checked.root / path_of(7)).unlink())
    assert "2022/02/05/story-7/index.html" in gone
    assert not (checked.out / "2022/02/05/story-7").exists()

    def rename() -> None:
        (checked.root / path_of(8)).rename(checked.root / path_of(8).replace("story-8", "eight"))

    _report, changed, gone = checked.change(rename)
    assert gone == {"2022/02/10/story-8/index.html"}
    assert "2022/02/10/eight/index.html" in changed


def test_template_edit_rewrites_exactly_its_pages_without_markdown(
    checked: Checked, markdown_calls: list[str]
) -> None:
    day = '{% extends "builtin/day.html" %}{% block title %}Day: {{ super() }}{% endblock %}\n'
    report, changed, _ = checked.change(lambda: write(checked.root, "templates/day.html", day))
    days = {p for p in changed if p.count("/") == 3 and p.startswith("2022/")}
    assert changed == days and len(days) >= 5  # day pages, and nothing else
    assert report.rendered == len(days) and checked.markdown == []
    base = (Path(archivesite.render.__file__).parents[2] / "templates/base.html").read_text(
        encoding="utf-8"
    )
    report, changed, _ = checked.change(
        lambda: write(
            checked.root, "templates/base.html", base.replace("</body>", "<!--x--></body>")
        )
    )
    assert set(report.written) == {p for p in tree(checked.out) if p.endswith(".html")}
    html = {p for p in tree(checked.out) if p.endswith(".html")}
    assert report.rendered == len(html)  # not the feed, sitemap, robots.txt, static files
    assert checked.markdown == []  # every article page re-rendered from cached body HTML


def test_new_override_of_an_included_template_is_noticed(checked: Checked) -> None:
    # base.html resolved from the built-in theme; an override appearing in the
    # site's templates/ must be found although no template that names it changed.
    base = (Path(archivesite.render.__file__).parents[2] / "templates/base.html").read_text(
        encoding="utf-8"
    )
    _, changed, _ = checked.change(
        lambda: write(
            checked.root, "templates/base.html", base.replace("<body", "<!-- override --><body")
        )
    )
    assert changed and all(
        "<!-- override -->" in (checked.out / p).read_text(encoding="utf-8")
        for p in changed
        if p.endswith(".html")
    )
    _report, changed, _ = checked.change(lambda: (checked.root / "templates/base.html").unlink())
    assert len(changed) > 20


def test_static_and_config_changes(checked: Checked) -> None:
    _, changed, _ = checked.change(
        lambda: write(checked.root, "static/extra.css", "body { color: red }\n")
    )
    assert changed == {"extra.css"}
    _, changed, gone = checked.change(
        lambda: (checked.root / "archivesite.toml").write_text(
            CONFIG.replace("per_page = 3", "per_page = 5"), encoding="utf-8"
        )
    )
    assert any("/page/" in p for p in gone)  # fewer pages of the longer lists
    _report, changed, gone = checked.change(lambda: (checked.root / "static/extra.css").unlink())
    assert gone == {"extra.css"}


def test_drafts(checked: Checked) -> None:
    draft = article(20).replace("---\n", "---\ndraft: true\n", 1)
    _, changed, _ = checked.change(lambda: write(checked.root, path_of(20), draft))
    assert changed == set()
    _report, changed, _ = checked.change(
        lambda: write(checked.root, path_of(20), draft.replace("draft: true\n", ""))
    )
    assert any("story-20" in p for p in changed)


def test_foreign_files_survive(checked: Checked) -> None:
    write(checked.out, "keep.txt", "mine\n")
    write(checked.out, "2022/01/26/story-5/notes.txt", "mine too\n")
    (checked.root / path_of(5)).unlink()
    report = build(load_config(checked.root), out=checked.out, jobs=1)
    assert "2022/01/26/story-5/index.html" in report.removed
    assert (checked.out / "keep.txt").read_text() == "mine\n"
    assert (checked.out / "2022/01/26/story-5/notes.txt").read_text() == "mine too\n"
    report = build(load_config(checked.root), out=checked.out, jobs=1, clean=True)
    assert (checked.out / "keep.txt").exists()


def test_front_matter_of_unchanged_files_is_not_parsed_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = archivesite.load.load_article

    def counting(path: Path, *args: object) -> object:
        parsed.append(path.name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(archivesite.load, "load_article", counting)
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=1)
    assert len(parsed) == 15
    parsed.clear()
    write(site, path_of(2), article(2, title="Edited"))
    build(load_config(site), out=out, jobs=1)
    assert parsed == ["story-2.md"]
    # A bad file is reported on every run, never cached away.
    write(site, "content/2022/01/01/bad.md", "---\ntitle: [unclosed\n---\nBody\n")
    for _ in range(2):
        code, _, stderr = run("build", "--site", str(site), "--out", str(out))
        assert code == 1 and "bad.md:" in stderr and "malformed front matter" in stderr


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_clean_discards_every_cache(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run("build", "--site", str(site), "--out", str(out))
    assert code == 0
    cache = site / ".archivesite/cache/bodies.sqlite"
    assert cache.exists() and (site / ".archivesite/cache/articles.pickle").exists()
    # Poison the body cache: a template change re-renders from it (proving it is used) ...
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE bodies SET html = '<p>POISON</p>'")
    write(site, "templates/article.html", '{% extends "builtin/article.html" %}\n')
    (site / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}{% block title %}T{% endblock %}\n'
    )
    run("build", "--site", str(site), "--out", str(out))
    page = out / "2022/01/26/story-5/index.html"
    assert "POISON" in page.read_text(encoding="utf-8")
    # ... and --clean ignores it, throws it away and renders every file from scratch.
    code, stdout, _ = run("build", "--site", str(site), "--out", str(out), "--clean")
    assert code == 0 and " 0 unchanged" in stdout
    assert "POISON" not in page.read_text(encoding="utf-8")
    with sqlite3.connect(cache) as db:
        assert not db.execute("SELECT 1 FROM bodies WHERE html LIKE '%POISON%'").fetchall()


@pytest.mark.parametrize(
    "damage",
    [
        "builds/*.json",
        "builds/*.pickle",
        "cache/articles.pickle",
        "cache/bodies.sqlite",
    ],
)
def test_corrupt_state_means_a_full_correct_rebuild(
    site: Path, tmp_path: Path, damage: str
) -> None:
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=1)
    (site / "content/pages/about.md").write_text("---\ntitle: About us\n---\nNew text.\n")
    for path in (site / ".archivesite").glob(damage):
        path.write_bytes(b"\x00garbage{[" * 50)
    report = build(load_config(site), out=out, jobs=1)
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    assert "about/index.html" in report.written
    again = build(load_config(site), out=out, jobs=1)
    assert again.written == () and again.rendered == 0


def test_state_is_kept_per_output_folder(site: Path, tmp_path: Path) -> None:
    config = load_config(site)
    one = build(config, out=tmp_path / "one", jobs=1)
    two = build(config, out=tmp_path / "two", jobs=1)
    assert len(two.written) == two.outputs == one.outputs
    assert record_path(config, tmp_path / "one") != record_path(config, tmp_path / "two")
    assert build(config, out=tmp_path / "one", jobs=1).rendered == 0


def test_touched_output_file_is_restored(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=1)
    good = (out / "index.html").read_bytes()
    (out / "index.html").write_text("vandalised")
    (out / "feed.xml").unlink()
    report = build(load_config(site), out=out, jobs=1)
    assert set(report.written) == {"index.html", "feed.xml"}
    assert (out / "index.html").read_bytes() == good


def test_rewritten_files_never_write_through_links(site: Path, tmp_path: Path) -> None:
    """A changed page is copied into the file that is there (cheaper than replacing it),
    except where that would write through a link or into a read-only file: those are
    replaced whole, and what the link pointed to keeps its bytes."""
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "feed.xml").write_text("not the feed\n")
    (out / "feed.xml").unlink()
    (out / "feed.xml").symlink_to(elsewhere / "feed.xml")
    (elsewhere / "index.html").hardlink_to(out / "index.html")  # as a deploy snapshot makes
    old_home = (elsewhere / "index.html").read_bytes()
    (out / "2022/index.html").chmod(0o444)
    write(
        site,
        "templates/base.html",
        '{% extends "builtin/base.html" %}{% block footer %}Footer edit{% endblock %}',
    )
    report = build(load_config(site), out=out, jobs=1)
    assert {"index.html", "2022/index.html", "feed.xml"} <= set(report.written)
    assert (elsewhere / "feed.xml").read_text() == "not the feed\n"
    assert not (out / "feed.xml").is_symlink() and "<feed" in (out / "feed.xml").read_text()
    assert (elsewhere / "index.html").read_bytes() == old_home
    assert (out / "index.html").stat().st_nlink == 1
    umask = os.umask(0o022)
    os.umask(umask)
    for replaced in ("feed.xml", "index.html", "2022/index.html"):  # as new files are made
        assert (out / replaced).stat().st_mode & 0o777 == 0o666 & ~umask
    assert "Footer edit" in (out / "2022/index.html").read_text()
    assert "Footer edit" in (out / "2022/01/index.html").read_text()  # copied in place
    # a shorter page leaves no tail of the longer one it overwrites, nor a longer one
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    (site / "templates/base.html").unlink()
    build(load_config(site), out=out, jobs=1)
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")


def test_something_in_the_way_of_a_page_is_named(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=1)
    (out / "feed.xml").unlink()
    (out / "feed.xml").mkdir()  # a folder where the feed goes
    code, _, stderr = run("build", "--site", str(site), "--out", str(out))
    assert code == 1 and f"cannot write {out / 'feed.xml'}: a folder is in the way" in stderr
    (out / "feed.xml").rmdir()
    write(site, "content/2022/03/01/new.md", article(99).replace("2022-01-01", "2022-03-01"))
    write(out, "2022/03", "a file where a folder goes\n")
    code, _, stderr = run("build", "--site", str(site), "--out", str(out))
    assert code == 1 and f"cannot write {out / '2022/03'}" in stderr, stderr
    assert list(out.rglob("*.tmp")) == []  # nothing half-written left behind


def test_parallel_incremental_build_matches(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=2)
    write(site, path_of(4), article(4, title="Parallel edit"))
    report = build(load_config(site), out=out, jobs=2)
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    assert report.rendered < report.outputs


def test_warm_session_replans_only_what_shows_an_edit(site: Path, tmp_path: Path) -> None:
    """A kept session (the preview server) plans only the pages that show an edit that
    moves nothing, and every page for any other change; each time the output is a clean
    build's."""
    out, session = tmp_path / "out", BuildSession()
    build(load_config(site), out=out, jobs=1, session=session)
    steps: list[tuple[Callable[[], None], bool]] = [
        (lambda: write(site, path_of(3), article(3, title="Warm headline")), True),
        (lambda: write(site, path_of(3), article(3, body="Warm body.")), True),
        (lambda: write(site, path_of(6), article(6).replace("TASS", "AFP")), False),  # agency
        (lambda: write(site, "content/pages/about.md", "---\ntitle: Who\n---\nUs.\n"), False),
        (lambda: (out / "index.html").write_text("vandalised"), False),  # untouched check
        (lambda: write(site, path_of(7), article(7, title="After full")), True),
        (lambda: write(site, path_of(8), article(8, body="Warm, last.")), True),
    ]
    for n, (edit, warm) in enumerate(steps):
        edit()
        report = build(load_config(site), out=out, jobs=1, session=session)
        assert (report.planned < report.outputs) == warm, n
        assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    # A warm build leaves the last full build's record on disk: a later build without the
    # session re-renders what the warm builds rewrote and writes nothing.
    report = build(load_config(site), out=out, jobs=1)
    assert report.written == () and report.removed == ()
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    assert build(load_config(site), out=out, jobs=1).rendered == 0


def test_content_scan_skips_what_is_not_content(site: Path, tmp_path: Path) -> None:
    """Hidden and ``_`` names, other extensions and links out of content/ are not content;
    a file linked within content/ is, a broken link within it is unreadable; the stat
    cache gives the same digests as hashing every file."""
    import hashlib

    from archivesite.scan import StatCache

    write(site, "content/_drafts/x.md", article(1))
    write(site, "content/.hidden/y.md", article(2))
    write(site, "content/2022/.z.md", article(3))
    write(site, "content/2022/notes.txt", "not content")
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere, "linked/w.md", article(4))
    (site / "content" / "linked").symlink_to(elsewhere / "linked", target_is_directory=True)
    (site / "content" / "2022" / "alias.md").symlink_to(site / path_of(5))
    (site / "content" / "2022" / "broken.md").symlink_to(site / "content" / "missing.md")
    (site / "content" / "2022" / "out.md").symlink_to(elsewhere / "linked" / "w.md")
    config = load_config(site)
    expected = {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((site / "content").rglob("*.md"))
        if path.is_file()
        and not any(p.startswith((".", "_")) for p in path.parts[-3:])
        and path.name != "out.md"
    }
    expected["content/2022/broken.md"] = "unreadable"
    expected = dict(sorted(expected.items()))
    assert "content/2022/alias.md" in expected and "content/linked/w.md" not in expected
    scan = StatCache()
    assert list(scan.scan(config).items()) == list(expected.items())
    assert scan.scan(config) == expected  # from the stat cache


def test_same_size_edit_with_restored_mtime_is_seen(site: Path, tmp_path: Path) -> None:
    """Files are re-hashed when their stat changed since the last scan (the stat cache in
    .archivesite/); an edit that keeps the size and puts the mtime back still changes
    the ctime, so it is seen, even long after the scan."""
    import os
    import time

    out = tmp_path / "out"
    target = site / path_of(4)
    old = target.stat()
    past = old.st_mtime_ns - 10_000_000_000
    os.utime(target, ns=(past, past))  # as if saved long before any scan
    build(load_config(site), out=out, jobs=1)
    time.sleep(0.01)
    text = target.read_text(encoding="utf-8").replace("Story number 4", "Story numbxr 4")
    target.write_text(text, encoding="utf-8")
    os.utime(target, ns=(past, past))
    report = build(load_config(site), out=out, jobs=1)
    assert "2022/01/21/story-4/index.html" in report.written
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")


def test_session_told_what_changed_looks_only_there(site: Path, tmp_path: Path) -> None:
    """The preview server tells the session which content files its watcher saw change
    (``hint``) and that it owns the output folder: the session trusts both, and falls
    back to a full scan when a hinted file is new or gone."""
    out, session = tmp_path / "out", BuildSession(owns_output=True)
    build(load_config(site), out=out, jobs=1, session=session)

    def told(*rels: str) -> None:
        session.hint = frozenset(rels)
        build(load_config(site), out=out, jobs=1, session=session)
        assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")

    write(site, path_of(3), article(3, body="Seen through the hint."))
    session.hint = frozenset({path_of(3)})
    report = build(load_config(site), out=out, jobs=1, session=session)
    assert report.planned < report.outputs  # the warm path
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    write(site, path_of(4), article(4, title="Moved by its title"))
    told(path_of(4))
    (site / path_of(5)).unlink()  # gone: the full scan finds it missing
    told(path_of(5))
    write(site, "content/2022/02/02/new.md", article(20))  # new: placed by the full scan
    told("content/2022/02/02/new.md")
    assert (out / "2022/01/11/new/index.html").exists()  # article 20 is dated 11 January
    # Without a hint, every stat is checked again.
    write(site, path_of(6), article(6, body="Found by the scan."))
    build(load_config(site), out=out, jobs=1, session=session)
    assert "Found by the scan." in (out / "2022/01/31/story-6/index.html").read_text()


def test_template_edit_reuses_what_each_page_shows(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the sources unchanged but a template, what each page shows is not encoded
    again: the digest recorded for it is reused; the result is still a clean build's."""
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=1)
    encoded: list[str] = []
    real = archivesite.workers.output_data

    def counting(output: Output, *args: Any) -> str:
        encoded.append(output.path)
        return real(output, *args)

    monkeypatch.setattr(archivesite.workers, "output_data", counting)
    footer = '{% extends "builtin/base.html" %}{% block footer %}<p>New footer</p>{% endblock %}'
    write(site, "templates/base.html", footer)
    report = build(load_config(site), out=out, jobs=1)
    assert encoded == [] and report.rendered > 20
    assert all("New footer" in p.read_text() for p in out.rglob("*.html"))
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    write(site, path_of(2), article(2, title="A new title orders the day anew"))
    build(load_config(site), out=out, jobs=1)  # the sources changed: encoded afresh
    assert len(encoded) > 20
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")


def test_a_fresh_process_resumes_the_warm_state_of_the_records_plan(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm state is kept per plan: a template edit leaves it (same sources), an edit
    after that resumes it (nothing is assembled again), and the result is a clean build."""
    out = tmp_path / "out"
    build(load_config(site), out=out, jobs=1)
    (snapshot,) = (site / ".archivesite/builds").glob("*.pickle")
    kept = snapshot.stat().st_mtime_ns
    write(site, "templates/base.html", '{% extends "builtin/base.html" %}')
    build(load_config(site), out=out, jobs=1)
    assert [p.stat().st_mtime_ns for p in snapshot.parent.glob("*.pickle")] == [kept]
    assembled: list[object] = []
    real = archivesite.build.assemble
    monkeypatch.setattr(archivesite.build, "assemble", lambda *a: assembled.append(a) or real(*a))
    write(site, path_of(5), article(5, body="Resumed."))
    report = build(load_config(site), out=out, jobs=1)
    assert assembled == [] and "Resumed." in (out / report.written[0]).read_text()
    assert {k: v[0] for k, v in tree(out).items()} == clean_build(site, tmp_path / "clean")
    assert len(list(snapshot.parent.glob("*.pickle"))) == 1  # the old plan's is gone
