"""Seeded generator of realistic news articles for the benchmarks.

The articles come from :mod:`archivesite.samples` (the demo archive's generator:
N deterministic articles of about 550 words, dates over several years, several
agencies, places and tags); this script writes them out as

- ``ours``: archivesite's content format, ``content/YYYY/MM/DD/<slug>.md``;
- ``pelican``: Pelican Markdown with ``Title:``/``Date:``/... metadata;
- ``hugo``: Hugo YAML front matter, year/month/day sections (``content/YYYY/MM/DD/``);
- ``hugo-flat``: the same in one ``content/posts/`` section;
- ``wire``: raw wire text files (breadcrumb, title, lede, dateline paragraph in
  the styles of TASS, Reuters, AP, AFP and Xinhua) for the import benchmark.

Article ``i`` depends only on ``(seed, i)`` and the slugs of the articles
before it, so the first 1,000 articles of a 10,000-article set are the
1,000-article set. Same seed, same bytes. Slugs are unique in the whole set
(Pelican drops all but one of the articles sharing a slug).

Importable (``import generate`` with ``bench/`` on ``sys.path``) and runnable::

    python bench/generate.py --articles 1000 --format ours --out /tmp/site
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from archivesite.samples import (  # re-exported: the benchmarks import them from here
    AGENCIES,
    AGENCY_WEIGHTS,
    AS_OF,
    FIRST_DAY,
    LAST_DAY,
    MONTHS,
    PLACES,
    TAGS,
    WEEKDAYS,
    Article,
    Place,
    generate_articles,
    ours_path,
    ours_text,
    slugify,
    wire_text,
    yaml_list,
    yaml_str,
)

__all__ = [
    "AGENCIES",
    "AGENCY_WEIGHTS",
    "AS_OF",
    "FIRST_DAY",
    "FORMATS",
    "LAST_DAY",
    "MONTHS",
    "PLACES",
    "TAGS",
    "WEEKDAYS",
    "Article",
    "Place",
    "files_for",
    "generate_articles",
    "ours_path",
    "ours_text",
    "slugify",
    "wire_text",
    "write",
    "yaml_str",
]

FORMATS = ("ours", "pelican", "hugo", "hugo-flat", "wire")


# --- Pelican ---------------------------------------------------------------------


def pelican_path(a: Article) -> str:
    return f"content/{a.date:%Y}/{a.date:%m}/{a.slug}.md"


def pelican_text(a: Article) -> str:
    """Pelican Markdown: metadata lines, a blank line, the body (lede first)."""
    meta = [
        f"Title: {a.title}",
        f"Date: {a.date.isoformat()} 09:00",
        f"Category: {a.agency}",
        f"Slug: {a.slug}",
        f"Summary: {a.summary}",
    ]
    if a.tags:
        meta.append(f"Tags: {', '.join(a.tags)}")
    place = a.place.place + (f", {a.place.region}" if a.place.region else "")
    meta.append(f"Place: {place}")
    body = ([f"*{a.lede}*"] if a.lede else []) + list(a.body_paragraphs())
    return "\n".join(meta) + "\n\n" + "\n\n".join(body) + "\n"


# --- Hugo ------------------------------------------------------------------------


def hugo_path(a: Article, flat: bool) -> str:
    if flat:
        return f"content/posts/{a.date:%Y-%m-%d}-{a.slug}.md"
    return f"content/{a.date:%Y/%m/%d}/{a.slug}.md"


def hugo_text(a: Article) -> str:
    """Hugo Markdown with YAML front matter; places and agencies are taxonomies."""
    place = a.place.place + (f", {a.place.region}" if a.place.region else "")
    fm = [
        f"title: {json.dumps(a.title, ensure_ascii=False)}",
        f"date: {a.date.isoformat()}",
        f"slug: {a.slug}",
        f"summary: {json.dumps(a.summary, ensure_ascii=False)}",
    ]
    if a.lede:
        fm.append(f"lede: {json.dumps(a.lede, ensure_ascii=False)}")
    fm += [
        f"dateline: {json.dumps(a.place.printed)}",
        f"tags: {yaml_list(a.tags)}",
        f"places: {yaml_list([place])}",
        f"agencies: {yaml_list([a.agency])}",
    ]
    return "---\n" + "\n".join(fm) + "\n---\n" + "\n\n".join(a.body_paragraphs()) + "\n"


def _hugo_sections(dates: set[dt.date]) -> dict[str, str]:
    """``_index.md`` files making years, months and days nested sections."""
    out: dict[str, str] = {}
    for d in dates:
        for path, title in (
            (f"{d:%Y}", f"{d:%Y}"),
            (f"{d:%Y/%m}", f"{MONTHS[d.month - 1]} {d.year}"),
            (f"{d:%Y/%m/%d}", f"{d.day} {MONTHS[d.month - 1]} {d.year}"),
        ):
            out[f"content/{path}/_index.md"] = f'---\ntitle: "{title}"\n---\n'
    return out


# --- writing ---------------------------------------------------------------------


def files_for(articles: Iterable[Article], fmt: str) -> Iterator[tuple[str, str]]:
    """``(relative path, text)`` of every file of the format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    dates: set[dt.date] = set()
    for a in articles:
        dates.add(a.date)
        if fmt == "ours":
            yield ours_path(a), ours_text(a)
        elif fmt == "pelican":
            yield pelican_path(a), pelican_text(a)
        elif fmt in ("hugo", "hugo-flat"):
            yield hugo_path(a, flat=fmt == "hugo-flat"), hugo_text(a)
        else:
            yield f"seeds/{a.wire_name}", wire_text(a)
    if fmt == "hugo":
        yield from sorted(_hugo_sections(dates).items())


def write(articles: Iterable[Article], fmt: str, root: Path) -> int:
    """Write the files of ``fmt`` under ``root``; returns how many were written."""
    count = 0
    made: set[Path] = set()
    for rel, text in files_for(articles, fmt):
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(text.encode("utf-8"))
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=FORMATS, default="ours")
    parser.add_argument("--out", type=Path, required=True, help="the site root to write into")
    args = parser.parse_args(argv)
    n = write(generate_articles(args.articles, args.seed), args.format, args.out)
    print(f"wrote {n} files ({args.format}) under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
