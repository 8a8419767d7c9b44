"""The reference "bare loop": the floor for our libraries on a cold build.

Owns nothing but the measurement: read each ``content/**/*.md`` with
python-frontmatter, convert its body with one reused Python-Markdown instance
(archivesite.markup's configuration), render one trivial Jinja2 template and
write one page per article (``OUT/YYYY/MM/DD/<slug>/index.html``). No listings,
no feeds: article pages only. ``--jobs N`` splits the files into chunks handed
to N worker processes, each with its own converter and template.

    python bench/bare_loop.py --site bench/work/ours-10000 --out /tmp/bare --jobs 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

import frontmatter
import jinja2
from markupsafe import Markup

from archivesite.markup import make_markdown

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><article><h1>{{ title }}</h1><p><time>{{ date }}</time> {{ dateline }}</p>
{{ body }}</article></body></html>
"""

_worker: dict[str, Any] = {}


def _init() -> None:
    env = jinja2.Environment(autoescape=True)
    _worker["md"] = make_markdown()
    _worker["template"] = env.from_string(TEMPLATE)


def _out_path(out: Path, meta: dict[str, Any], src: Path) -> Path:
    slug = str(meta.get("slug") or src.stem)
    date = meta.get("date")
    if isinstance(date, dt.datetime | dt.date):
        return out / f"{date:%Y/%m/%d}" / slug / "index.html"
    return out / "undated" / slug / "index.html"


def build_chunk(args: tuple[list[str], str]) -> int:
    """Build the pages of one chunk of files; returns how many were written."""
    paths, out_dir = args
    if not _worker:
        _init()
    md = _worker["md"]
    template = _worker["template"]
    out = Path(out_dir)
    for name in paths:
        src = Path(name)
        post = frontmatter.load(src)
        body = md.reset().convert(post.content)
        html = template.render(
            title=post.get("title", ""),
            date=post.get("date", ""),
            dateline=post.get("dateline", ""),
            body=Markup(body),
        )
        dest = _out_path(out, post.metadata, src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(html, encoding="utf-8")
    return len(paths)


def build(site: Path, out: Path, jobs: int, chunk: int = 200) -> int:
    """Build every article page; ``jobs`` worker processes (1: in this process)."""
    files = sorted(str(p) for p in (site / "content").rglob("*.md"))
    chunks = [(files[i : i + chunk], str(out)) for i in range(0, len(files), chunk)]
    if jobs <= 1:
        return sum(build_chunk(c) for c in chunks)
    with multiprocessing.Pool(jobs, initializer=_init) as pool:
        return sum(pool.imap_unordered(build_chunk, chunks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The bare loop: one page per article.")
    parser.add_argument("--site", type=Path, required=True, help="site root holding content/")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", "-j", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=200, help="files per task")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    n = build(args.site, args.out, args.jobs, args.chunk)
    print(
        f"bare loop: {n} pages with {args.jobs} process(es) in {time.perf_counter() - start:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
