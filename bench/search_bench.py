"""What the Pagefind search index costs a large build (issue 6).

Generates N articles with ``bench/generate.py`` (default 10,000), then measures:

- a clean build with ``search = false`` and one with ``search = true``: the
  difference is the time indexing adds to a full build (the index's own time,
  from the build's SearchReport, is shown too);
- a no-op rebuild: must leave ``build/pagefind/`` untouched (checked);
- a rebuild after editing one article: Pagefind cannot update an index in place
  (Pagefind #71), so this is a full re-index;
- the index size (bytes, files, per language) and what a first search fetches
  (UI + runtime + WebAssembly + metadata + one index chunk + five fragments);
- whether Pagefind's output is byte-for-byte repeatable (indexing the same
  pages twice).

    .venv/bin/python bench/search_bench.py --articles 10000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
from archivesite.build import build
from archivesite.config import load_config
from archivesite.search import INDEX_DIR, write_search_index


def write_config(root: Path, search: bool) -> None:
    (root / "archivesite.toml").write_text(
        f'title = "Search benchmark"\nsearch = {"true" if search else "false"}\n',
        encoding="utf-8",
    )


def timed_build(root: Path, out: Path, *, clean: bool) -> tuple[float, object]:
    if clean:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(root / ".archivesite", ignore_errors=True)
    started = time.perf_counter()
    report = build(load_config(root), out=out, clean=clean)
    return time.perf_counter() - started, report


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in folder.rglob("*")
    }


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def first_search_bytes(index: Path) -> int:
    """Roughly what a browser fetches for its first query on the English index."""

    def size(pattern: str) -> list[int]:
        return sorted(p.stat().st_size for p in index.glob(pattern))

    fixed = sum(
        (index / name).stat().st_size
        for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "wasm.en.pagefind")
    )
    meta = sum(size("pagefind.en_*.pf_meta"))
    chunks = size("index/en_*.pf_index")
    fragments = size("fragment/en_*.pf_fragment")
    chunk = int(statistics.median(chunks)) if chunks else 0
    fragment = int(statistics.median(fragments)) if fragments else 0
    filters = sum(size("filter/en_*.pf_filter"))
    return fixed + meta + chunk + 5 * fragment + filters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=None, help="folder to build in (kept)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each clean build")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    root = work / "site"
    out = root / "build"
    if not (root / "content").is_dir():
        root.mkdir(parents=True, exist_ok=True)
        print(f"generating {args.articles} articles into {root}/content ...", flush=True)
        generate.write(generate.generate_articles(args.articles), "ours", root)

    results: dict[str, object] = {"articles": args.articles}

    write_config(root, search=False)
    off = [timed_build(root, out, clean=True)[0] for _ in range(args.repeat)]
    write_config(root, search=True)
    on_runs = [timed_build(root, out, clean=True) for _ in range(args.repeat)]
    on = [t for t, _ in on_runs]
    index_seconds = [r.search.seconds for _, r in on_runs]  # type: ignore[attr-defined]
    results["build_search_off_s"] = statistics.median(off)
    results["build_search_on_s"] = statistics.median(on)
    results["indexing_adds_s"] = statistics.median(on) - statistics.median(off)
    results["index_step_s"] = statistics.median(index_seconds)

    index = out / INDEX_DIR
    before = snapshot(index)
    t_noop, noop = timed_build(root, out, clean=False)
    results["noop_rebuild_s"] = t_noop
    results["noop_index_untouched"] = snapshot(index) == before
    results["noop_search_action"] = noop.search.action  # type: ignore[attr-defined]

    sources = sorted((root / "content").rglob("*.md"))
    victim = sources[len(sources) // 2]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nAn added sentence.\n", "utf-8")
    t_edit, edit = timed_build(root, out, clean=False)
    results["edit_one_rebuild_s"] = t_edit
    results["edit_one_reindex_s"] = edit.search.seconds  # type: ignore[attr-defined]

    files = [p for p in index.rglob("*") if p.is_file()]
    results["index_files"] = len(files)
    results["index_bytes"] = sum(p.stat().st_size for p in files)
    results["index_languages"] = dict(edit.search.languages)  # type: ignore[attr-defined]
    results["first_search_bytes_estimate"] = first_search_bytes(index)

    first = hashes(index)
    write_search_index(out)
    second = hashes(index)
    differing = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    results["reindex_identical_files"] = len(first) - len(differing)
    results["reindex_differing_files"] = differing

    print(json.dumps(results, indent=1, ensure_ascii=False))
    print()
    print(f"| search, {args.articles:,} articles | value |")
    print("|---|---|")
    print(f"| clean build, search = false | {results['build_search_off_s']:.1f} s |")
    print(f"| clean build, search = true | {results['build_search_on_s']:.1f} s |")
    print(f"| time indexing adds | {results['indexing_adds_s']:.1f} s |")
    print(f"| Pagefind step alone | {results['index_step_s']:.1f} s |")
    print(
        f"| no-op rebuild (index untouched: {results['noop_index_untouched']}) | {t_noop:.2f} s |"
    )
    print(f"| rebuild after editing one article (full re-index) | {t_edit:.1f} s |")
    print(f"| index size | {results['index_bytes'] / 1e6:.1f} MB in {len(files):,} files |")
    first_kb = int(str(results["first_search_bytes_estimate"])) / 1e3
    print(f"| first search fetches (estimate) | {first_kb:.0f} kB |")
    print(f"| re-index byte-identical | {len(differing) == 0} ({len(differing)} files differ) |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
