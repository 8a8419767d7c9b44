"""Listings keep their page URLs: pages are numbered from the oldest article."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archivesite.build import build
from archivesite.config import load_config
from conftest import front_matter_article


def _story(i: int) -> tuple[str, str]:
    day = f"2022-{1 + i // 28:02d}-{1 + i % 28:02d}"
    rel = f"{day.replace('-', '/')}/story-{i}.md"
    return rel, front_matter_article(f"Story {i}", date=day, tags="[economy]")


def _pages(root: Path) -> dict[str, bytes]:
    folder = root / "build" / "tags" / "economy"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.html")}


def test_importing_new_articles_changes_only_the_first_and_the_newest_page(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(dict(map(_story, range(48))), config='title = "T"\nper_page = 5\n')
    build(load_config(root))
    before = _pages(root)
    assert len([p for p in before if p.startswith("page/")]) == 10
    for i in range(48, 53):
        rel, text = _story(i)
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    build(load_config(root))
    after = _pages(root)
    changed = {p for p in before if before[p] != after.get(p)}
    # The first page (the newest) and page 10 (was 3 articles, now full) change; page 11
    # (the 3 newest of all) is new; pages 1 to 9 show exactly what they showed.
    assert changed == {"index.html", "page/10/index.html"}
    assert set(after) - set(before) == {"page/11/index.html"}
    page1 = after["page/1/index.html"].decode()
    assert "Story 0<" in page1 and "Story 4<" in page1 and "Story 5<" not in page1
    first = after["index.html"].decode()
    assert "Story 52<" in first and 'href="page/10/"' in first  # older: below the newest five
