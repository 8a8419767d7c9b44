"""An index written from streamed records (bench/search_million.py --keep), measured alone.

Owns the index-level rows of BENCHMARKS.md where a whole site of that size is not built:
on the index of N corpus records (``search_design/corpus.py``, the same records as
bench/search_bench.py's N-article site) and a built site's pages (its ``/search/``
page and scripts, any size: the engine is told the index's URL):

- ``browser``: the named queries in Chromium (bench/search_browser.py), checked
  against the exact answers of the N records (``search_design/truth.py``);
- ``page``: each named query opened as the search page's address (``/search/?q=…``)
  in a fresh context, timed from navigation start until its first result is shown,
  with the files the page fetched and when;
- ``updates``: ``--updates`` records edited one at a time through ``update_index``
  (what the build's index step does after one article is edited), each timed, with
  the index files each update wrote; then the index after them against the clean one
  (copied before the first update): size, and each named query's bytes read and time.

    .venv/bin/python bench/search_index_bench.py --index I --corpus C.jsonl --pages OUT
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "search_design"))

import corpus  # noqa: E402
import truth  # noqa: E402

import search_bench  # noqa: E402
import search_browser  # noqa: E402
from archivesite.search import INDEX_DIR  # noqa: E402
from archivesite.search_index import SearchRecord, update_index  # noqa: E402


def record(r: dict[str, Any], extra: str = "") -> SearchRecord:
    return SearchRecord(
        url=r["url"].lstrip("/"), title=r["title"], text=r["text"] + extra, date=r["date"],
        year=r["year"], place=r["place"], agency=r["agency"], lang=r["lang"],
    )  # fmt: skip


def updates(index: Path, corpus_path: Path, count: int) -> dict[str, Any]:
    """``count`` records edited one per ``update_index``: seconds and files written each."""
    n = sum(1 for _ in corpus_path.open(encoding="utf-8"))
    wanted = {(i * n) // count + n // (2 * count) for i in range(count)}
    edits = [r for i, r in enumerate(corpus.read(corpus_path)) if i in wanted]
    seconds, written = [], []
    for r in edits:
        before = search_bench.index_files(index)
        started = time.perf_counter()
        update_index(index, [record(r, f"\n\n{search_bench.EDIT_WORD}.")], [])
        seconds.append(time.perf_counter() - started)
        after = search_bench.index_files(index)
        written.append(sum(1 for k, v in after.items() if before.get(k) != v))
    return {
        "edits": len(edits),
        "update_s": seconds,
        "update_median_s": statistics.median(seconds),
        "update_max_s": max(seconds),
        "files_written_median": statistics.median(written),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="an index folder (kept)")
    parser.add_argument("--corpus", type=Path, required=True, help="its records, JSON lines")
    parser.add_argument("--pages", type=Path, required=True, help="a built site's output")
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--no-truth", action="store_true", help="skip the exact answers")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"index": search_bench.index_size(args.index)}

    def keep(step: str, value: Any) -> None:
        results[step] = value
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")

    with tempfile.TemporaryDirectory(dir=args.index.parent) as tmp:
        work = Path(tmp)
        served = search_bench.overlay(args.pages, args.index, work / "served")
        exact = None if args.no_truth else truth.answers(args.corpus)
        keep("browser", search_browser.measure(served, INDEX_DIR, exact))
        keep("page", search_browser.page_first_results(served))
        clean = work / "clean-index"
        shutil.copytree(args.index, clean)
        keep("updates", updates(args.index, args.corpus, args.updates))
        costs = search_bench.edited_against_clean(
            search_bench.overlay(args.pages, args.index, work / "edited"),
            search_bench.overlay(args.pages, clean, work / "clean"),
        )
        sizes = {"edited": search_bench.index_size(args.index), "clean": results["index"]}
        keep("edits", {"clean_build_s": 0.0, "sizes": sizes, "queries": costs})
    n = sum(1 for _ in args.corpus.open(encoding="utf-8"))
    u = results["updates"]
    print(f"\n| index of {n:,} streamed records | measured | target |\n|---|---|---|")
    print(f"| update_index of one edited record, median (max) of {u['edits']} | "
          f"{u['update_median_s']:.2f} s ({u['update_max_s']:.2f} s), "
          f"{u['files_written_median']:.0f} files written | <= 5 s |")  # fmt: skip
    search_bench.print_tables({"articles": n, **results})
    print("\n| query, opened as the page's address | first result shown (median; all) |\n|---|---|")
    for name, row in results["page"].items():
        print(f"| {name} | {row['ms']:,} ms ({', '.join(map(str, row['all_ms']))}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
