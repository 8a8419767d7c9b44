"""The index step alone at growing sizes, to see how build time, memory and size grow.

Owns: for each size, generating the corpus (once, kept in ``--work``) and
running one candidate's ``--step build`` measured (``bench/measure.py``): wall
time, peak PSS, index bytes and files. Pagefind is left out: its memory per
article (about 210 KB, BENCHMARKS.md) rules out shards of 100,000 and more.

    python bench/search_design/scale.py inv --sizes 100000 200000 400000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidate", choices=("fts", "inv"))
    parser.add_argument("--sizes", type=int, nargs="+", required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/search-design"))
    args = parser.parse_args()
    (args.work / "results").mkdir(parents=True, exist_ok=True)
    path = args.work / "results" / f"scale-{args.candidate}.json"
    rows = json.loads(path.read_text()) if path.exists() else {}
    for n in args.sizes:
        c = run.corpus_file(args.work, n)
        out = args.work / f"{args.candidate}-{n}"
        cmd = run.steps(args.candidate, c, args.work, out)["build"]
        load = os.getloadavg()
        row = run.measured(cmd, args.work / f"scale-{args.candidate}-{n}.log")
        rows[str(n)] = {**row, **run.folder_size(out), "load_before": load}
        path.write_text(json.dumps(rows, indent=1))
        print(n, json.dumps(rows[str(n)]), flush=True)


if __name__ == "__main__":
    main()
