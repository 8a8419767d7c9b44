"""Run one search-design candidate end to end and record its numbers as JSON.

Candidates: ``pf`` (Pagefind year shards + ``mergeIndex``), ``fts`` (SQLite FTS5
read through HTTP range requests), ``inv`` (a static inverted index split by
term range). Steps, each a measured child process (wall time, peak PSS of its
process tree, ``bench/measure.py``):

- ``build``: the corpus (``corpus.py``, generated once and reused), then the
  candidate's index; its size on disk and gzipped;
- ``edit``: one edited article made searchable; ``edits``: 100 edits;
- ``browser``: the named queries in Chromium through ``server.Host``
  (``browser.py``): bytes on the wire, split into runtime and index data, for a
  first and a second query; time to first result; the results, checked
  against the exact answer (``truth.py``).

    .venv/bin/python bench/search_design/run.py inv --articles 100000 --work /tmp/sd

Results go to ``<work>/results/<candidate>-<articles>.json``; ``report.py``
prints the tables in BENCHMARKS.md from them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import run_measured

HERE = Path(__file__).resolve().parent
PY = sys.executable
CANDIDATES = ("pf", "fts", "inv")
#: The steps in the order they run; the browser steps measure the index as the steps
#: before them left it (one edit; then 100 edits).
ORDER = ("pages", "build", "edit", "browser", "edits", "after_edits")
BROWSER = {"browser": "measure", "after_edits": "after_edits"}


def measured(cmd: list[str], log: Path) -> dict[str, Any]:
    """Run ``cmd`` measured; its JSON line of timings merged in."""
    m = run_measured(cmd, log=log)
    if not m.ok:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{m.tail}")
    lines = [ln for ln in log.read_text(encoding="utf-8").splitlines() if ln.startswith("{")]
    inner = json.loads(lines[-1]) if lines else {}
    return {"seconds": round(m.seconds, 2), "peak_mb": round(m.peak_mb), **inner}


def folder_size(folder: Path) -> dict[str, int]:
    """Bytes, gzipped bytes (as a host would send each file) and files under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    return {"bytes": raw, "files": len(files)}


def gz_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def corpus_file(work: Path, n: int) -> Path:
    path = work / f"corpus-{n}.jsonl"
    if not path.exists():
        m = run_measured(
            [PY, str(HERE / "corpus.py"), "--articles", str(n), "--out", str(path)],
            log=work / "corpus.log",
        )
        if not m.ok:
            raise SystemExit(m.tail)
    return path


def steps(candidate: str, c: Path, work: Path, out: Path) -> dict[str, list[str]]:
    """The commands of each step of one candidate."""
    script = str(HERE / f"{candidate}.py")
    base = [PY, script, "--corpus", str(c), "--out", str(out)]
    if candidate == "pf":
        pages = str(work / "pf-pages")
        return {
            "pages": [*base, "--work", pages, "--step", "pages"],
            "build": [*base, "--work", pages, "--step", "index"],
            "edit": [*base, "--work", pages, "--step", "edit", "--year", "2019"],
        }
    return {
        "build": [*base, "--step", "build"],
        "edit": [*base, "--step", "edit", "--edits", "1"],
        "edits": [*base, "--step", "edit", "--edits", "100"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidate", choices=CANDIDATES)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/search-design"))
    parser.add_argument(
        "--only",
        nargs="*",
        help="steps to run (default: all): pages build edit browser edits after_edits",
    )
    args = parser.parse_args()
    work = args.work
    (work / "results").mkdir(parents=True, exist_ok=True)
    c = corpus_file(work, args.articles)
    out = work / f"{args.candidate}-{args.articles}"
    result_path = work / "results" / f"{args.candidate}-{args.articles}.json"
    result: dict[str, Any] = json.loads(result_path.read_text()) if result_path.exists() else {}
    result.update(candidate=args.candidate, articles=args.articles, load=os.getloadavg())
    todo = steps(args.candidate, c, work, out)
    for name in ORDER:
        if (args.only and name not in args.only) or (name not in todo and name not in BROWSER):
            continue
        print(f"{args.candidate} {name} ...", flush=True)
        if name in BROWSER:
            import browser

            result[name] = getattr(browser, BROWSER[name])(args.candidate, out, c)
        else:
            result[name] = measured(todo[name], work / f"{args.candidate}-{name}.log")
        if name == "build":
            result["size"] = folder_size(out)
        result[f"load_after_{name}"] = os.getloadavg()
        result_path.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
