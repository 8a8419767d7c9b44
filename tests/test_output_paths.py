"""Every output path is checked before anything renders: two sources writing one file,
a file where another output needs a folder, a page inside the search index folder,
names too long for a file system, dates a page cannot show. Each is reported as
``path:line: message`` (or ``path: message``) naming both sources, and the previous
output is left as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivesite.cli import cli


def _build(site: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "--site", str(site)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("slug", "other"),
    [
        ("index.html", "the home page"),
        ("feed.xml", "the feed"),
        ("robots.txt", "robots.txt"),
        ("404.html", "the 404 page"),
        ("sitemap.xml", "the sitemap"),
        ("search-index", "the search index"),
    ],
)
def test_a_page_where_the_build_writes_a_file_or_folder_is_an_error_naming_both(
    make_site: Callable[..., Path], article_md: Callable[..., str], slug: str, other: str
) -> None:
    site = make_site(
        {
            "2021/03/01/a.md": article_md("Fine", date="2021-03-01"),
            "pages/odd.md": article_md("Odd", slug=slug),
        }
    )
    code, output = _build(site)
    assert code == 1
    assert "content/pages/odd.md" in output
    assert other in output
    assert "Traceback" not in output
    assert not (site / "build").exists()


def test_a_collision_leaves_the_previous_output_as_it_was(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site({"2021/03/01/a.md": article_md("Fine", date="2021-03-01")})
    assert _build(site)[0] == 0
    before = {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    page = site / "content/pages/odd.md"
    page.parent.mkdir()
    page.write_text(article_md("Odd", slug="feed.xml"))
    code, output = _build(site)
    assert code == 1
    assert "the feed" in output
    after = {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("key", ["slug", "tags", "place", "agency"])
def test_a_name_too_long_for_the_file_system_is_an_error_not_a_traceback(
    make_site: Callable[..., Path], article_md: Callable[..., str], key: str
) -> None:
    long = "x" * 300
    site = make_site({"2021/03/01/a.md": article_md("Long", date="2021-03-01", **{key: long})})
    code, output = _build(site)
    assert code == 1
    assert "longer than a file system allows" in output
    assert "content/2021/03/01/a.md:" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "date", ["0001-01-01T00:00:00+05:00", "0001-01-01", "9999-12-31", "9999-12-31T23:00:00-05:00"]
)
def test_a_date_at_the_ends_of_the_calendar_is_a_path_line_error(
    make_site: Callable[..., Path], article_md: Callable[..., str], date: str
) -> None:
    site = make_site({"2021/03/01/a.md": article_md("Edge", date=date)})
    code, output = _build(site)
    assert code == 1
    assert "content/2021/03/01/a.md:3: date" in output
    assert "out of range" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("static", "other"),
    [
        ("feed.xml", "the feed"),  # a file the build writes
        ("2021/03/01/a/index.html", "content/2021/03/01/a.md"),  # an article's page
        ("2021", "the month page"),  # a file where the build needs a folder
        ("index.html/x", "the home page"),  # a folder where the build writes a file
        ("search-index/x.js", "the search index"),  # inside the search index folder
        ("search/index.html", "the search page"),
    ],
)
def test_a_static_file_where_the_build_writes_is_an_error_naming_both(
    make_site: Callable[..., Path], article_md: Callable[..., str], static: str, other: str
) -> None:
    site = make_site({"2021/03/01/a.md": article_md("Fine", date="2021-03-01")})
    assert _build(site)[0] == 0
    before = {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    path = site / "static" / static
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    code, output = _build(site)
    assert code == 1
    assert f"static/{static.partition('/')[0]}" in output and other in output
    assert "Traceback" not in output
    assert {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()} == before
