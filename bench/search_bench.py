"""Search at archive scale: the search step in the build, under ``serve`` and in the browser.

Owns the search rows of ``make bench`` (bench/run.py runs it with ``--articles N``). The
site is N articles written from the search-design corpus (``search_design/corpus.py``:
bench/generate.py's articles of about 560 words, plus a long-tailed vocabulary and one
article in twenty in Russian, so the index is as large as real copy's), cached under
``<work>/site-N/``. Every build is a measured child process (wall time, peak PSS of its
process tree: bench/measure.py). Steps:

- ``cold``: ``build --clean`` with ``search = false`` (the page build) and ``true``,
  alternating, ``--rounds`` times; the search step's own seconds from the build's report;
- ``noop``: ``build`` again; the index files created, removed or whose mtime changed;
- ``browser``: the named queries in headless Chromium (bench/search_browser.py): runtime
  and index bytes (gzipped, as sent) for a first and a second query, time to results;
- ``serve``: ``archivesite serve`` on the site; ``--edits`` articles edited one after
  another, each timed from the save to the server's ``search-index`` event (the index
  updated), the edited word then searched in Chromium on the server; then the index the
  edits left against a clean one of the same articles (``build --clean``): size, and
  each named query's time (median of three fresh pages).

    .venv/bin/python bench/search_bench.py --articles 10000 --json numbers.json
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "search_design"))

import corpus  # noqa: E402
import truth  # noqa: E402

import generate  # noqa: E402
import search_browser  # noqa: E402
from archivesite.search import INDEX_DIR  # noqa: E402
from measure import run_measured  # noqa: E402
from serve_reload import EventStream, ServeError, ServeProcess, serve_command  # noqa: E402

#: serve's log lines after each page rebuild and each index update.
REBUILT = re.compile(r"rebuilt in ([0-9.]+) s")
INDEX_UPDATED = re.compile(r"search index updated: .* in ([0-9.]+) s")
#: The word every edit appends (not in the corpus).
EDIT_WORD = "zanzibarite"
STEPS = ("cold", "noop", "browser", "serve")


def log(msg: str) -> None:
    print(msg, flush=True)


# --- the site ------------------------------------------------------------------------


def content_text(r: dict[str, Any]) -> str:
    """One corpus record as an archivesite content file."""
    fm = [
        f"title: {generate.yaml_str(r['title'])}",
        f"date: {r['date']}",
        f"place: {generate.yaml_str(r['place'])}",
        f"agency: {generate.yaml_str(r['agency'])}",
    ]
    if r["lang"] != "en":
        fm.append(f"language: {r['lang']}")
    return "---\n" + "\n".join(fm) + "\n---\n" + r["text"] + "\n"


def write_site(n: int, site: Path) -> Path:
    """The N-article site in ``site`` (made once) and its corpus file; returns the corpus."""
    marker, corpus_path = site / ".generated", site / "corpus.jsonl"
    if marker.exists():
        return corpus_path
    shutil.rmtree(site, ignore_errors=True)
    (site / "content").mkdir(parents=True)
    with corpus_path.open("w", encoding="utf-8") as f:
        for r in corpus.records(n):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            path = site / "content" / f"{r['url'].strip('/')}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content_text(r), encoding="utf-8")
    marker.write_text(str(n))
    return corpus_path


def set_search(site: Path, on: bool) -> None:
    (site / "archivesite.toml").write_text(
        'title = "Search benchmark"\nbase_url = "/"\nlanguage = "en"\ntimezone = "UTC"\n'
        f"search = {'true' if on else 'false'}\n",
        encoding="utf-8",
    )


# --- builds --------------------------------------------------------------------------


def child_build(site: Path, out: Path, clean: bool) -> None:
    """In the measured child: one build; its search report as a JSON line."""
    from archivesite.build import build
    from archivesite.config import load_config

    started = time.perf_counter()
    report = build(load_config(site), out=out, clean=clean)
    seconds = time.perf_counter() - started
    search = getattr(report, "search", None)
    print(json.dumps({
        "build_s": seconds,
        "search_s": getattr(search, "seconds", None),
        "search_action": getattr(search, "action", None),
    }))  # fmt: skip


def measured_build(site: Path, out: Path, logs: Path, name: str, *, clean: bool) -> dict[str, Any]:
    """A build in a child process: wall seconds, peak PSS (MB) and its search report."""
    if clean:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(site / ".archivesite", ignore_errors=True)
    cmd = [sys.executable, __file__, "--child-build", str(site), str(out)]
    if clean:
        cmd.append("--clean")
    logfile = logs / f"{name}.log"
    m = run_measured(cmd, log=logfile)
    if not m.ok:
        raise SystemExit(f"build failed ({name}):\n{m.tail}")
    lines = [ln for ln in logfile.read_text().splitlines() if ln.startswith("{")]
    inner = json.loads(lines[-1]) if lines else {}
    return {"seconds": m.seconds, "peak_mb": m.peak_mb, **inner}


def cold(site: Path, out: Path, logs: Path, rounds: int) -> dict[str, Any]:
    """The page build (``search = false``) and the build with search, alternating."""
    off: list[dict[str, Any]] = []
    on: list[dict[str, Any]] = []
    for i in range(rounds):
        set_search(site, False)
        off.append(measured_build(site, out, logs, f"cold-off-{i}", clean=True))
        set_search(site, True)
        on.append(measured_build(site, out, logs, f"cold-on-{i}", clean=True))
        log(f"  round {i + 1}: page build {off[-1]['seconds']:.1f} s, with search "
            f"{on[-1]['seconds']:.1f} s (search step {on[-1]['search_s'] or 0:.1f} s), peak PSS "
            f"{off[-1]['peak_mb']:.0f} / {on[-1]['peak_mb']:.0f} MB")  # fmt: skip

    def med(runs: list[dict[str, Any]], key: str) -> float:
        return statistics.median(float(r[key] or 0.0) for r in runs)

    return {
        "page_build_cold_s": med(off, "seconds"),
        "with_search_cold_s": med(on, "seconds"),
        "search_adds_s": med(on, "seconds") - med(off, "seconds"),
        "search_step_s": med(on, "search_s"),
        "page_build_peak_mb": max(r["peak_mb"] for r in off),
        "with_search_peak_mb": max(r["peak_mb"] for r in on),
        "rounds": [[a["seconds"], b["seconds"]] for a, b in zip(off, on, strict=True)],
    }


def index_files(index: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(index)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in index.rglob("*")
        if p.is_file()
    }


def index_size(index: Path) -> dict[str, int]:
    files = index_files(index)
    return {"bytes": sum(size for _, size in files.values()), "files": len(files)}


def noop(site: Path, out: Path, logs: Path) -> dict[str, Any]:
    """A build with nothing changed: the index files it created, removed or touched."""
    before = index_files(out / INDEX_DIR)
    run = measured_build(site, out, logs, "noop", clean=False)
    after = index_files(out / INDEX_DIR)
    touched = [k for k in before.keys() & after.keys() if before[k][0] != after[k][0]]
    return {
        "noop_s": run["seconds"],
        "noop_search_action": run.get("search_action"),
        "index_files": len(after),
        "touched": len(touched),
        "created": len(after.keys() - before.keys()),
        "removed": len(before.keys() - after.keys()),
    }


# --- serve: edits made searchable ----------------------------------------------------


def edit_until_indexed(url: str, path: Path, text: str, timeout: float) -> float:
    """Write ``text`` to ``path``; seconds until the server's next ``search-index`` event.

    A fresh event stream per edit: its ``hello`` carries the server's count of indexes
    put in place so far, so an event from an earlier build is never taken for this one.
    """
    events = EventStream(url, timeout)
    try:
        name, state = events.next_event()
        if name != "hello":
            raise ServeError(f"the event stream began with {name!r}")
        before = int(str(state.get("search", 0)))
        started = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        while True:
            name, data = events.next_event()
            if name == "search-index" and int(str(data.get("search", 0))) > before:
                return time.perf_counter() - started
            if name == "build-error" and data.get("errors"):
                raise ServeError(f"the rebuild failed: {data}")
    finally:
        events.close()


def serve_edits(site: Path, logs: Path, count: int, timeout: float) -> dict[str, Any]:
    """``count`` articles edited under ``serve``, each timed from save to ``search-index``."""
    sources = sorted((site / "content").rglob("*.md"))
    count = min(count, len(sources))  # each edit a different article
    victims = [sources[(i * len(sources)) // count + len(sources) // (2 * count)]
               for i in range(count)]  # fmt: skip
    originals = {p: p.read_text(encoding="utf-8") for p in victims}
    seconds: list[float] = []
    found: dict[str, int] = {}
    server = ServeProcess(serve_command(site), logs / "serve.log")
    index = site / ".archivesite" / "serve" / INDEX_DIR
    try:
        with server:
            started = time.perf_counter()
            url = server.wait_serving(timeout)
            while not index.is_dir():  # the first index may be written after serving starts
                if time.perf_counter() - started > timeout:
                    raise ServeError(f"no {index} after {timeout:.0f} s")
                time.sleep(0.1)
            startup = time.perf_counter() - started
            log(f"  serve: first build, index and start {startup:.1f} s")
            for i, path in enumerate(victims):
                time.sleep(1.0)  # the previous edit's build and index are over
                text = originals[path] + f"\n{EDIT_WORD}.\n"
                seconds.append(edit_until_indexed(url, path, text, timeout))
                if i == 0:
                    found["after_1"] = search_browser.search(url, INDEX_DIR, EDIT_WORD)
                if (i + 1) % 10 == 0:
                    log(f"  serve: {i + 1} edits, median {statistics.median(seconds):.2f} s")
            found[f"after_{count}"] = search_browser.search(url, INDEX_DIR, EDIT_WORD)
    except (ServeError, OSError) as exc:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        raise SystemExit(f"serve failed: {exc}\n{server.tail()}") from exc
    text = server.text()
    rebuilds = [float(x) for x in REBUILT.findall(text)][1:]  # the first: the start-up build
    updates = [float(x) for x in INDEX_UPDATED.findall(text)]
    return {
        "serve_rebuild_median_s": statistics.median(rebuilds) if rebuilds else None,
        "serve_index_update_median_s": statistics.median(updates) if updates else None,
        "serve_startup_s": startup,
        "edit_to_searchable_s": seconds,
        "edit_to_searchable_median_s": statistics.median(seconds),
        "edit_to_searchable_max_s": max(seconds),
        "edit_word_found": found,
        "originals": originals,
    }


def overlay(out: Path, index: Path, root: Path) -> Path:
    """``out`` with its index folder replaced by ``index``, made of symlinks under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in out.iterdir():
        if entry.name != INDEX_DIR:
            (root / entry.name).symlink_to(entry.resolve())
    (root / INDEX_DIR).symlink_to(index.resolve())
    return root


def edited_vs_clean(
    site: Path, out: Path, logs: Path, work: Path, restore: Callable[[], None]
) -> dict[str, Any]:
    """The index serve's edits left against a clean index of the same articles."""
    edited = work / "edited-index"
    shutil.rmtree(edited, ignore_errors=True)
    shutil.copytree(site / ".archivesite" / "serve" / INDEX_DIR, edited)
    set_search(site, True)
    clean = measured_build(site, out, logs, "clean-after-edits", clean=True)
    restore()
    sizes = {"edited": index_size(edited), "clean": index_size(out / INDEX_DIR)}
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        costs = edited_against_clean(overlay(out, edited, Path(tmp) / "edited"), out)
    return {"clean_build_s": clean["seconds"], "sizes": sizes, "queries": costs}


def edited_against_clean(edited: Path, clean: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The named queries on an edited and a clean site root, each query run on one side
    then the other in the same browser, seven rounds: each query's median time (and each
    round's) and the index bytes it read, per side."""
    sides = {"edited": edited, "clean": clean}
    return search_browser.paired_query_costs(sides, INDEX_DIR)


# --- the report ----------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1000:.0f} kB"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def print_tables(r: dict[str, Any]) -> None:
    """The tables of BENCHMARKS.md from the numbers (a partial run prints what it has)."""
    log(f"\n| search, {r['articles']:,} articles | measured | target |\n|---|---|---|")
    if "cold" in r:
        c = r["cold"]
        page = c["page_build_cold_s"]
        log(f"| cold page build (search = false) | {page:.1f} s | |")
        log(f"| cold build with search | {c['with_search_cold_s']:.1f} s | |")
        log(f"| search step (build report) | {c['search_step_s']:.1f} s | <= {page:.1f} s |")
        log(f"| search adds (with - without) | {c['search_adds_s']:.1f} s | <= {page:.1f} s |")
        log(f"| peak PSS, build with search | {c['with_search_peak_mb']:.0f} MB (without: "
            f"{c['page_build_peak_mb']:.0f} MB) | < 1,500 MB at 100,000 |")  # fmt: skip
    if "index" in r:
        log(f"| index | {r['index']['bytes'] / 1e6:.1f} MB in {r['index']['files']:,} files | |")
    if "noop" in r:
        o = r["noop"]
        log(f"| no-op build: index files touched / created / removed | {o['touched']} / "
            f"{o['created']} / {o['removed']} of {o['index_files']:,} ({o['noop_s']:.1f} s) "
            f"| 0 |")  # fmt: skip
    if "serve" in r:
        s = r["serve"]
        k = len(s["edit_to_searchable_s"])
        log(f"| serve: save -> index updated, median (max) of {k} edits | "
            f"{s['edit_to_searchable_median_s']:.2f} s ({s['edit_to_searchable_max_s']:.2f} s)"
            f" | <= 5 s |")  # fmt: skip
        if s.get("serve_rebuild_median_s") is not None:
            log(f"| serve's log, medians: page rebuild; index update | "
                f"{s['serve_rebuild_median_s']:.2f} s; "
                f"{s['serve_index_update_median_s'] or 0:.2f} s | |")  # fmt: skip
        found = " / ".join(str(v) for v in s["edit_word_found"].values())
        log(f"| serve: the edited word found (after 1 / after all) | {found} | 1 / {k} |")
    if "edits" in r:
        e = r["edits"]
        se, sc = e["sizes"]["edited"], e["sizes"]["clean"]
        log(f"| index after the edits vs clean | {se['bytes'] / 1e6:.2f} MB in {se['files']:,} "
            f"files vs {sc['bytes'] / 1e6:.2f} MB in {sc['files']:,} "
            f"({ratio(se['bytes'], sc['bytes'])}) | <= 1.10x |")  # fmt: skip
        for q, got in e["queries"]["edited"].items():
            clean = e["queries"]["clean"][q]
            read = ratio(got["index_bytes"], clean["index_bytes"])
            log(f"| `{q}` after the edits vs clean: index read; time | "
                f"{kb(got['index_bytes'])} vs {kb(clean['index_bytes'])} ({read}); "
                f"{got['ms']:.0f} vs {clean['ms']:.0f} ms ({ratio(got['ms'], clean['ms'])}) "
                f"| <= 1.10x |")  # fmt: skip
    if "browser" in r:
        log(
            "\n| query | runtime | index, first query | requests | first results (engine) "
            "| second query | index, second | time, second | hits (exact) |"
        )
        log("|---|---|---|---|---|---|---|---|---|")
        for name, row in r["browser"].items():
            f, s = row["first"], row["second"]
            found = f", found {f['found']}" if "found" in f else ""
            log(f"| {name} | {kb(f['runtime_bytes'])} | {kb(f['index_bytes'])} | "
                f"{f['requests']} | {f['ms']} ms ({f['engine_ms']} ms) | {s['query']} | "
                f"{kb(s['index_bytes'])} | {s['ms']} ms | {f['total']} "
                f"({f.get('exact_total', '?')}{found}) |")  # fmt: skip
        log(
            "targets: runtime <= 600 kB, index <= 150 kB (first query), <= 100 kB (second), "
            "first results <= 1 s from navigation start (in brackets: opening the engine and "
            "searching); bytes gzipped as sent, the page's HTML and CSS not counted"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=BENCH / "work" / "search")
    parser.add_argument("--rounds", "--repeat", type=int, default=1, help="cold build rounds")
    parser.add_argument("--edits", type=int, default=100, help="articles edited under serve")
    parser.add_argument("--only", default=",".join(STEPS), help=f"of {','.join(STEPS)}")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds for serve's builds")
    parser.add_argument("--json", type=Path, default=None, help="the numbers, after each step")
    parser.add_argument("--report", type=Path, default=None, help="print the tables of a --json")
    parser.add_argument("--child-build", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--clean", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.work = args.work.resolve()
    if args.child_build:
        child_build(*args.child_build, clean=args.clean)
        return 0
    if args.report:
        print_tables(json.loads(args.report.read_text(encoding="utf-8")))
        return 0

    steps = set(args.only.split(","))
    site, out = args.work / f"site-{args.articles}", args.work / f"out-{args.articles}"
    logs = args.work / f"logs-{args.articles}"
    logs.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    corpus_path = write_site(args.articles, site)
    log(f"site: {args.articles:,} articles in {site} ({time.perf_counter() - t:.0f} s)")
    results: dict[str, Any] = {"articles": args.articles, "index_dir": INDEX_DIR}

    def keep(step: str, value: Any) -> None:
        results[step] = value
        if step == "cold":  # the keys bench/run.py reads
            results["index_step_s"] = value["search_step_s"]
            results["indexing_adds_s"] = value["search_adds_s"]
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")

    set_search(site, True)
    if "cold" in steps or not (out / INDEX_DIR).is_dir():
        keep("cold", cold(site, out, logs, args.rounds))
        keep("index", index_size(out / INDEX_DIR))
    if "noop" in steps:
        keep("noop", noop(site, out, logs))
    if "browser" in steps:
        keep("browser", search_browser.measure(out, INDEX_DIR, truth.answers(corpus_path)))
    if "serve" in steps and args.edits > 0:
        serve = serve_edits(site, logs, args.edits, args.timeout)
        originals = serve.pop("originals")

        def restore() -> None:
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")

        try:
            keep("serve", serve)
            keep("edits", edited_vs_clean(site, out, logs, args.work, restore))
        finally:
            restore()
    print_tables(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
