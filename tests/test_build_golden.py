"""Golden files: the exact output of one page of each type.

Refresh after an intended change with ``pytest tests/test_build_golden.py --update-golden``
and review the diff of tests/golden/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archivesite.build import build
from archivesite.config import load_config

GOLDEN = Path(__file__).parent / "golden"

PAGES = {
    "article.html": "2022/01/11/talks/index.html",
    "undated-article.html": "undated/statement/index.html",
    "page.html": "about/index.html",
    "home.html": "index.html",
    "day.html": "2022/01/11/index.html",
    "month.html": "2022/01/index.html",
    "year.html": "2022/index.html",
    "archive.html": "archive/index.html",
    "term.html": "places/portland-ore/index.html",
    "terms.html": "tags/index.html",
    "undated.html": "undated/index.html",
    "404.html": "404.html",
    "feed.xml": "feed.xml",
    "sitemap.xml": "sitemap.xml",
    "robots.txt": "robots.txt",
    "search.html": "search/index.html",  # issue 6
    "on_this_day.html": "on-this-day/01-11/index.html",
    "on_this_day_index.html": "on-this-day/index.html",
    "redirect.html": "old/next-day/index.html",
}


# The pages whose words and dates depend on the site's language, in Russian too.
PAGES_RU = {
    name: PAGES[name]
    for name in ("article.html", "day.html", "month.html", "year.html", "archive.html",
                 "home.html", "term.html", "on_this_day.html", "on_this_day_index.html")
}  # fmt: skip

CONFIG = (
    'title = "Golden archive"\nbase_url = "https://example.org/news/"\n'
    'timezone = "Europe/Moscow"\nper_page = 2\ndescription = "Fixed test archive."\n'
)


def _build(root: Path, config: str) -> Path:
    files = {
        "2021/12/31/year-end.md": (
            "---\ntitle: Year end\nlede: The year closed quietly.\ndate: 2021-12-31\n"
            "dateline: PORTLAND, Ore.\nplace: Portland\nregion: Ore.\nagency: AP\n"
            "tags: [economy]\n---\nPORTLAND, Ore. (AP) — The year closed quietly.\n"
        ),
        "2022/01/11/talks.md": (
            "---\ntitle: Talks in Geneva — “progress”\nlede: Both sides said talks went on.\n"
            "date: 2022-01-11T09:30:00+03:00\ndateline: MOSCOW\nplace: Moscow\nagency: TASS\n"
            "tags: [diplomacy, economy]\n---\nMOSCOW, January 11. /TASS/. Talks went on.\n\n"
            '"We will see," he said.\n'
        ),
        "2022/01/12/next-day.md": (
            "---\ntitle: The next day\ndate: 2022-01-12\naliases: [/old/next-day/]\n---\nMore.\n"
        ),
        "undated/statement.md": "---\ntitle: A statement\nagency: Interfax\n---\nUndated.\n",
        "pages/about.md": "---\ntitle: About\n---\nAn archive for tests.\n",
    }
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "archivesite.toml").write_text(config)
    build(load_config(root))
    return root / "build"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("golden") / "site", CONFIG)


@pytest.fixture(scope="module")
def built_ru(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("golden-ru") / "site", CONFIG + 'language = "ru"\n')


@pytest.mark.parametrize("name", sorted(PAGES))
def test_golden(built: Path, name: str, update_golden: bool) -> None:
    _compare(built / PAGES[name], GOLDEN / name, update_golden)


@pytest.mark.parametrize("name", sorted(PAGES_RU))
def test_golden_russian(built_ru: Path, name: str, update_golden: bool) -> None:
    _compare(built_ru / PAGES_RU[name], GOLDEN / "ru" / name, update_golden)


def _compare(page: Path, golden: Path, update_golden: bool) -> None:
    actual = page.read_text(encoding="utf-8")
    if update_golden or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{golden} was missing and has been written; review and commit it")
        return
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{page} differs from {golden}; if intended, rerun with --update-golden"
    )


def test_golden_files_cover_every_template(built: Path) -> None:
    from archivesite.site import builtin_theme_dirs

    templates, _ = builtin_theme_dirs()
    page_templates = {
        p.name
        for p in templates.iterdir()
        if not p.name.startswith("_") and p.name not in ("base.html", "sitemap_index.xml")
    }
    assert page_templates <= set(PAGES)
