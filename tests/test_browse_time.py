"""Browsing by time: the home page, the archive's histogram and the on-this-day pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po

from archivesite.build import build
from archivesite.config import load_config
from archivesite.i18n import BUILTIN_CATALOGUES
from archivesite.site import builtin_theme_dirs
from conftest import front_matter_article


def _read(root: Path, url: str) -> str:
    return (root / "build" / url / "index.html").read_text(encoding="utf-8")


def test_on_this_day_lists_a_dates_stories_across_years_newest_year_first(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {
            "2019/03/05/a.md": front_matter_article("Story of 2019", date="2019-03-05"),
            "2022/03/05/b.md": front_matter_article("Story of 2022", date="2022-03-05"),
            "2022/03/05/c.md": front_matter_article("Later 2022", date="2022-03-05T18:00:00Z"),
            "2021/03/05/d.md": front_matter_article("Story of 2021", date="2021-03-05"),
            "2021/03/06/e.md": front_matter_article("Next day", date="2021-03-06"),
        }
    )
    build(load_config(root))
    page = _read(root, "on-this-day/03-05")
    assert '<h1><span class="sub">On this day:</span> March 5</h1>' in page
    years = re.findall(r"<h2>(\d{4})</h2>", page)
    assert years == ["2022", "2021", "2019"]
    assert page.index("Story of 2022") < page.index("Later 2022") < page.index("Story of 2021")
    assert "Next day" not in page
    index = _read(root, "on-this-day")
    assert '<a href="03-05/">March 5</a> <span class="n">4</span>' in index
    assert '<a href="03-06/">March 6</a> <span class="n">1</span>' in index
    day = _read(root, "2021/03/06")
    assert '<a href="../../../on-this-day/03-06/">On this day in other years: March 6</a>' in day


def test_every_word_of_the_theme_is_in_the_russian_catalogue() -> None:
    templates, _ = builtin_theme_dirs()
    text = "".join(p.read_text(encoding="utf-8") for p in templates.glob("*.html"))
    words = set(re.findall(r'_\("([^"]*)"\)', text))
    with (BUILTIN_CATALOGUES / "ru.po").open("rb") as f:
        catalogue = read_po(f, locale="ru")
    translated = {m.id for m in catalogue if m.id and m.string}
    assert words - translated == set()
