"""``archivesite demo DIR``: a site of generated stories, imported and built, every
browse-by-time page filled, each story labelled as sample text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from archivesite.samples import SAMPLE_NOTE, demo_files, generate_articles

ROOT = Path(__file__).resolve().parents[1]


def _archivesite(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("archivesite")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_demo_builds_a_site_with_every_browse_by_time_page_filled(tmp_path: Path) -> None:
    site = tmp_path / "demo"
    proc = _archivesite("demo", str(site), "--articles", "150")
    assert proc.returncode == 0, proc.stderr
    assert "imported 150" in proc.stdout
    assert f"archivesite serve --site {site}" in proc.stdout
    out = site / "build"
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "generated sample text" in home
    assert 'class="calendar"' in home and 'class="years-strip"' in home
    years = sorted(p.name for p in out.glob("[0-9][0-9][0-9][0-9]") if p.is_dir())
    assert len(years) >= 5, years
    assert (out / "archive" / "index.html").exists()
    assert len(list(out.glob("[0-9]*/[0-9][0-9]/index.html"))) > 50  # month pages
    # A day of the year with stories in several years: its on-this-day page lists each
    # year, newest first.
    by_day: dict[str, set[int]] = {}
    for a in generate_articles(150):
        by_day.setdefault(f"{a.date:%m-%d}", set()).add(a.date.year)
    day, day_years = max(by_day.items(), key=lambda item: len(item[1]))
    assert len(day_years) > 1
    on_day = (out / "on-this-day" / day / "index.html").read_text(encoding="utf-8")
    shown = [int(y) for y in re.findall(r"<h2>(\d{4})", on_day)]
    assert shown == sorted(day_years, reverse=True)
    assert (out / "on-this-day" / "index.html").exists()
    # Several agencies and places, each with its own page.
    assert len(list((out / "agencies").glob("*/index.html"))) == 5
    assert len(list((out / "places").glob("*/index.html"))) > 20
    # Every story says it is generated.
    article = next(out.glob("[0-9]*/[0-9][0-9]/[0-9][0-9]/*/index.html"))
    assert SAMPLE_NOTE in article.read_text(encoding="utf-8")


def test_demo_refuses_a_folder_that_holds_anything(tmp_path: Path) -> None:
    site = tmp_path / "mine"
    site.mkdir()
    (site / "notes.txt").write_text("keep me\n", encoding="utf-8")
    proc = _archivesite("demo", str(site), "--articles", "3")
    assert proc.returncode == 1
    assert f"{site}: exists and is not an empty folder" in proc.stderr
    assert sorted(p.name for p in site.iterdir()) == ["notes.txt"]


def test_demo_seeds_are_the_benchmarks_stories_with_the_sample_note() -> None:
    files = dict(demo_files(3))
    config = files.pop("archivesite.toml")
    assert "generated sample text" in config
    for (path, text), article in zip(sorted(files.items()), generate_articles(3), strict=True):
        assert path == f"seeds/{article.wire_name}"
        assert article.title in text
        assert text.rstrip().removesuffix("Share").rstrip().endswith(SAMPLE_NOTE)
