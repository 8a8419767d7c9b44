"""Candidate (a): Pagefind indexes split into period shards, merged in the browser.

Owns: writing each record as a minimal article page (the attributes the theme's
``article.html`` carries: body, title/date meta, year/agency filters, date
sort, ``<html lang>``), one folder of pages per year, and running the Pagefind
CLI once per year into ``<out>/pf/<year>/``. The browser loads one shard's
``pagefind.js`` and merges the others with ``mergeIndex`` (``web/pf.html``).

An edit re-indexes the edited article's year (Pagefind cannot update an index
in place), so :func:`reindex_shard` is the cost of one edit.

    python bench/search_design/pf.py --corpus C.jsonl --work W --out OUT
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pagefind_bin import get_executable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

PAGE = (
    '<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
    "</head><body><article data-pagefind-body>"
    '<h1 data-pagefind-meta="title">{title}</h1>'
    '<p><time data-pagefind-meta="date:{date}, link:{url}" data-pagefind-sort="date:{date}" '
    'data-pagefind-filter="year">{year}</time> '
    '<span data-pagefind-filter="agency">{agency}</span></p>{body}</article></body></html>'
)


def page(record: dict[str, Any]) -> str:
    """The article page Pagefind indexes for one record."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in record["text"].split("\n\n"))
    return PAGE.format(
        lang=record["lang"],
        title=html.escape(record["title"]),
        date=record["date"],
        url=record["url"],
        year=record["year"],
        agency=record["agency"],
        body=body,
    )


def write_pages(records: Iterable[dict[str, Any]], work: Path) -> dict[int, Path]:
    """One folder of pages per year under ``work``; the folders by year."""
    by_year: dict[int, Path] = {}
    for r in records:
        folder = work / str(r["year"])
        if r["year"] not in by_year:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            by_year[r["year"]] = folder
        (folder / f"a{r['id']}.html").write_text(page(r), encoding="utf-8")
    return by_year


def index_shard(site: Path, out: Path) -> None:
    """Run the Pagefind CLI over one year's pages into ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [str(get_executable()), "--site", str(site), "--output-path", str(out), "--quiet"],
        check=True,
    )


def reindex_shard(site: Path, out: Path, record: dict[str, Any]) -> None:
    """One edit: rewrite the article's page and re-index its year."""
    (site / f"a{record['id']}.html").write_text(page(record), encoding="utf-8")
    index_shard(site, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True, help="where the pages go")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--step", choices=("pages", "index", "edit"), required=True)
    parser.add_argument("--year", type=int, help="with --step edit: the year shard")
    args = parser.parse_args()
    timings: dict[str, float] = defaultdict(float)
    if args.step == "pages":
        started = time.perf_counter()
        write_pages(corpus.read(args.corpus), args.work)
        timings["pages_s"] = time.perf_counter() - started
    elif args.step == "index":
        for site in sorted(p for p in args.work.iterdir() if p.is_dir()):
            started = time.perf_counter()
            index_shard(site, args.out / site.name)
            timings[site.name] = time.perf_counter() - started
    else:
        record = next(r for r in corpus.read(args.corpus) if r["year"] == args.year)
        record["text"] += "\n\nEdited: the zanzibarite delegation returned."
        started = time.perf_counter()
        site = args.work / str(args.year)
        reindex_shard(site, args.out / str(args.year), record)
        timings["edit_s"] = time.perf_counter() - started
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
