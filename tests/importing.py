"""Helpers for the import tests of single formats: a site with seeds, its import and
build through the public CLI, and what a reader sees (front matter, pages)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from archivesite.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_site(tmp_path: Path, extra: str = "") -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    config = 'title = "Archive"\nlanguage = "en"\nbase_url = "https://example.org/"\n' + extra
    (site / "archivesite.toml").write_text(config, encoding="utf-8")
    return site


def seed(site: Path, *fixtures: str) -> None:
    """Copy fixture files (``folder/name``) into the site's seeds/."""
    for name in fixtures:
        shutil.copy(FIXTURES / name, site / "seeds" / Path(name).name)


def cli_run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def import_and_build(site: Path) -> tuple[Result, Result]:
    imported = cli_run("import", "--site", str(site))
    built = cli_run("build", "--site", str(site))
    return imported, built


def articles(site: Path) -> dict[str, tuple[dict[str, object], str]]:
    """Every imported article's front matter and body, by source_file."""
    found = {}
    for path in sorted((site / "content").rglob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(head)
        found[str(meta["source_file"])] = (meta, body)
    return found


def page_of(site: Path, title: str) -> str:
    """The built article page whose heading is ``title``."""
    for page in sorted((site / "build").rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        if re.search(f'<h1 itemprop="headline"[^>]*>{re.escape(title)}</h1>', html):
            return html
    raise AssertionError(f"no page titled {title!r}")
