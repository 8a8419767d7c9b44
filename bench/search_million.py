"""The search index of a million articles, built from generated records, not from pages.

Owns the 1,000,000-article row of BENCHMARKS.md. A measured child process (wall time,
peak PSS of its process tree: bench/measure.py) streams N records of the search-design
corpus (``search_design/corpus.py``: bench/generate.py's articles of about 560 words
with a long-tailed vocabulary, one in twenty in Russian; generated one at a time, never
held in a list) as ``SearchRecord``s into ``write_index(records, dest)``: the same
writer the build calls, without the page build. The child reports the seconds spent
generating records (inside the generator), so the index step alone is the difference.
``--generate-only`` measures the generator alone (its own memory: the slugs taken).
``--records pooled`` takes ``search_design/pooled.py``'s records instead: the same
shape, words and lengths, put together from a pool made once (about a fifth of the
generating time), so that at a million the index writer, not the harness, is measured.

    .venv/bin/python bench/search_million.py --articles 1000000 --records pooled --dest /tmp/idx-1m
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "search_design"))

import corpus  # noqa: E402
import pooled  # noqa: E402

from measure import run_measured, tree_pss  # noqa: E402

#: Records between two progress lines (a run that cannot finish still tells its rate).
PROGRESS_EVERY = 50_000


def index_api() -> Any:
    """The module holding ``SearchRecord`` and ``write_index`` (``search`` re-exports them)."""
    try:
        from archivesite import search_index
    except ImportError:
        from archivesite import search as search_index
    return search_index


#: Where the records come from (``--records``).
SOURCES = {"corpus": corpus.records, "pooled": pooled.records}


def search_records(n: int, clock: list[float], source_name: str) -> Iterator[Any]:
    """The first ``n`` records as ``SearchRecord``s; generating time into ``clock``."""
    SearchRecord = index_api().SearchRecord

    source = SOURCES[source_name](n)
    begun = time.perf_counter()
    for i in itertools.count():
        if i and i % PROGRESS_EVERY == 0:
            pss = tree_pss(os.getpid())[0] / 2**20
            load = os.getloadavg()[0]
            print(f"{i} records read in {time.perf_counter() - begun:.0f} s "
                  f"(generating {clock[0]:.0f} s), PSS now {pss:.0f} MB, load {load:.1f}",
                  flush=True)  # fmt: skip
        started = time.perf_counter()
        r = next(source, None)
        clock[0] += time.perf_counter() - started
        if r is None:
            return
        yield SearchRecord(
            url=r["url"].lstrip("/"),
            title=r["title"],
            text=r["text"],
            date=r["date"],
            year=r["year"],
            place=r["place"],
            agency=r["agency"],
            lang=r["lang"],
        )


def child(n: int, dest: Path, generate_only: bool, source: str) -> None:
    """In the measured child: write the index (or only generate); timings as a JSON line."""
    clock = [0.0]
    started = time.perf_counter()
    if generate_only:
        count = sum(1 for _ in SOURCES[source](n))
        clock[0] = time.perf_counter() - started
        stats: object = f"{count} records"
    else:
        stats = index_api().write_index(search_records(n, clock, source), dest)
    t = os.times()  # the worker processes, ended and waited for, are in children_*
    cpu = t.user + t.system + t.children_user + t.children_system
    total = time.perf_counter() - started
    print(json.dumps({"total_s": total, "generating_s": clock[0], "stats": repr(stats),
                      "cpu_s": cpu}))  # fmt: skip


def folder_size(folder: Path) -> dict[str, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {"bytes": sum(p.stat().st_size for p in files), "files": len(files)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=1_000_000)
    parser.add_argument("--dest", type=Path, default=BENCH / "work" / "search-million")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--records",
        choices=sorted(SOURCES),
        default="corpus",
        help="corpus.py's records (the sites' own), or pooled.py's (cheap)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the index written")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.articles, args.dest, args.generate_only, args.records)
        return 0

    shutil.rmtree(args.dest, ignore_errors=True)
    args.dest.parent.mkdir(parents=True, exist_ok=True)
    logfile = args.dest.with_name(args.dest.name + ".log")
    cmd = [sys.executable, __file__, "--child", "--articles", str(args.articles),
           "--dest", str(args.dest), "--records", args.records]  # fmt: skip
    if args.generate_only:
        cmd.append("--generate-only")
    m = run_measured(cmd, log=logfile)
    if not m.ok:
        raise SystemExit(f"failed:\n{m.tail}")
    lines = [ln for ln in logfile.read_text().splitlines() if ln.startswith("{")]
    inner = json.loads(lines[-1])
    result = {
        "articles": args.articles,
        "what": "generated records -> write_index" if not args.generate_only else "generate only",
        "records": args.records,
        "wall_s": round(m.seconds, 1),
        "peak_pss_mb": round(m.peak_mb),
        "largest_rss_mb": round(m.largest_mb),
        "generating_s": round(inner["generating_s"], 1),
        "index_s": round(inner["total_s"] - inner["generating_s"], 1),
        "cpu_s": round(inner.get("cpu_s", 0.0), 1),
        "stats": inner["stats"],
    }
    if not args.generate_only:
        result["index"] = folder_size(args.dest)
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    if not args.keep:
        shutil.rmtree(args.dest, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
