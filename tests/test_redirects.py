"""Stable URLs: the record of published URLs, redirects from moved articles, gone ones.

Sites are built through the public API and CLI in a temp dir; a reader's view is
asserted: the redirect page at the old URL, the ``_redirects`` line, the warning or
(``--strict``) the failure for a URL gone without a successor.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from archivesite.build import build
from archivesite.config import load_config
from archivesite.published import PUBLISHED_NAME, read_published
from validation_fixtures import archivesite_command

STORM = "content/2022/01/11/storm.md"
CONFIG = 'title = "T"\nbase_url = "https://example.org/news/"\n'


def _storm(date: str = "2022-01-11", **meta: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return (
        f"---\ntitle: Storm hits the coast\ndate: {date}\ntags: [weather]\n{extra}---\n"
        "MIAMI (AP) - A storm hit the coast on Tuesday.\n"
    )


def _site(make_site: Callable[..., Path], config: str = CONFIG) -> Path:
    return make_site(
        {
            "2022/01/11/storm.md": _storm(),
            "2022/01/10/calm.md": "---\ntitle: A calm day\ndate: 2022-01-10\n---\nNothing.\n",
        },
        config=config,
    )


def _build(root: Path, **kwargs: object) -> object:
    return build(load_config(root), jobs=1, **kwargs)  # type: ignore[arg-type]


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*archivesite_command(), "build", "--site", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _move(root: Path) -> None:
    (root / STORM).write_text(_storm("2022-01-12"), encoding="utf-8")


def test_the_record_lists_every_published_url_with_its_source(
    make_site: Callable[..., Path],
) -> None:
    root = _site(make_site)
    _build(root)
    record = read_published(load_config(root))
    assert set(record) == {"2022/01/11/storm/", "2022/01/10/calm/"}
    assert record["2022/01/11/storm/"].source == STORM
    assert all(entry.now == "" for entry in record.values())


def test_a_moved_article_leaves_a_redirect_page_and_a_redirects_line(
    make_site: Callable[..., Path],
) -> None:
    root = _site(make_site)
    _build(root)
    _move(root)
    _build(root)
    page = (root / "build/2022/01/11/storm/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../../12/storm/">' in page
    assert '<link rel="canonical" href="https://example.org/news/2022/01/12/storm/">' in page
    assert '<a href="../../12/storm/">' in page
    assert "<script" not in page
    assert (root / "build/2022/01/12/storm/index.html").exists()
    lines = (root / "build/_redirects").read_text(encoding="utf-8").splitlines()
    assert lines == ["/news/2022/01/11/storm/ /news/2022/01/12/storm/ 301"]
    record = read_published(load_config(root))
    assert record["2022/01/11/storm/"].now == "2022/01/12/storm/"
    sitemap = (root / "build/sitemap.xml").read_text(encoding="utf-8")
    assert "2022/01/11/storm/" not in sitemap


def test_a_second_move_redirects_every_earlier_url_to_the_newest(
    make_site: Callable[..., Path],
) -> None:
    root = _site(make_site)
    _build(root)
    _move(root)
    _build(root)
    (root / STORM).write_text(_storm("2022-01-12", slug="storm-of-the-year"), encoding="utf-8")
    _build(root)
    lines = (root / "build/_redirects").read_text(encoding="utf-8").splitlines()
    assert lines == [
        "/news/2022/01/11/storm/ /news/2022/01/12/storm-of-the-year/ 301",
        "/news/2022/01/12/storm/ /news/2022/01/12/storm-of-the-year/ 301",
    ]


def test_the_record_survives_clean_and_the_state_folder_deleted(
    make_site: Callable[..., Path],
) -> None:
    root = _site(make_site)
    assert _cli(root).returncode == 0
    assert (root / PUBLISHED_NAME).exists()
    shutil.rmtree(root / ".archivesite")
    assert _cli(root, "--clean").returncode == 0
    _move(root)
    shutil.rmtree(root / ".archivesite")
    assert _cli(root, "--clean").returncode == 0
    assert (root / "build/2022/01/11/storm/index.html").exists()
    assert "/news/2022/01/11/storm/" in (root / "build/_redirects").read_text(encoding="utf-8")


def test_a_removed_article_is_reported_and_strict_fails_writing_nothing(
    make_site: Callable[..., Path],
) -> None:
    root = _site(make_site)
    assert _cli(root).returncode == 0
    before = (root / PUBLISHED_NAME).read_bytes()
    (root / STORM).unlink()
    strict = _cli(root, "--strict")
    assert strict.returncode != 0
    assert "/2022/01/11/storm/" in strict.stderr and "gone" in strict.stderr
    assert (root / "build/2022/01/11/storm/index.html").exists()  # nothing written
    assert (root / PUBLISHED_NAME).read_bytes() == before
    lenient = _cli(root)
    assert lenient.returncode == 0
    assert re.search(r"WARNING.*/2022/01/11/storm/.*gone|/2022/01/11/storm/.*gone", lenient.stderr)
    assert read_published(load_config(root))["2022/01/11/storm/"].now == "-"
    assert _cli(root, "--strict").returncode != 0  # still gone: still reported


def test_the_redirects_table_says_where_a_removed_article_went(
    make_site: Callable[..., Path],
) -> None:
    root = _site(make_site)
    _build(root)
    (root / STORM).unlink()
    (root / "archivesite.toml").write_text(
        CONFIG + '\n[redirects]\n"/2022/01/11/storm/" = "/2022/01/10/calm/"\n', encoding="utf-8"
    )
    assert _cli(root, "--strict").returncode == 0
    page = (root / "build/2022/01/11/storm/index.html").read_text(encoding="utf-8")
    assert 'url=../../10/calm/"' in page


def test_aliases_in_front_matter_redirect_to_the_article(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {"2022/01/11/storm.md": _storm(aliases="[/old/storm-story/, /2021/storm.html]")},
        config=CONFIG,
    )
    _build(root)
    page = (root / "build/old/storm-story/index.html").read_text(encoding="utf-8")
    assert 'url=../../2022/01/11/storm/"' in page
    assert (root / "build/2021/storm.html").exists()
    lines = set((root / "build/_redirects").read_text(encoding="utf-8").splitlines())
    assert "/news/old/storm-story/ /news/2022/01/11/storm/ 301" in lines


def test_an_alias_on_a_live_page_is_an_error_naming_both(make_site: Callable[..., Path]) -> None:
    root = _site(make_site)
    (root / STORM).write_text(_storm(aliases="[/2022/01/10/calm/]"), encoding="utf-8")
    # The alias names a live article: it stays live (no redirect hides it).
    _build(root)
    assert "refresh" not in (root / "build/2022/01/10/calm/index.html").read_text(encoding="utf-8")


def test_only_build_writes_the_record(make_site: Callable[..., Path]) -> None:
    root = _site(make_site)
    _build(root, publish=False, out=root / ".archivesite/serve")
    assert not (root / PUBLISHED_NAME).exists()
    _build(root, drafts=True)
    assert not (root / PUBLISHED_NAME).exists()
    _build(root)
    assert (root / PUBLISHED_NAME).exists()


def test_a_damaged_record_is_an_error_naming_its_line(make_site: Callable[..., Path]) -> None:
    root = _site(make_site)
    (root / PUBLISHED_NAME).write_text("# header\nonly-one-field\n", encoding="utf-8")
    result = _cli(root)
    assert result.returncode != 0
    assert f"{PUBLISHED_NAME}:2:" in result.stderr


@pytest.mark.parametrize("written", ["/a/b/", "a/b", "/a/b", "a/b/"])
def test_written_url_paths_are_normalised(written: str) -> None:
    from archivesite.urls import url_path

    assert url_path(written) == "a/b/"
    assert url_path("/x/page.html") == "x/page.html"
    assert url_path("https://example.org/x") == "https://example.org/x"
