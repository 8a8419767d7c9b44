"""Edits in a preview session: the time of each build after one article is edited.

Owns nothing but the measurement. Builds the site once in a :class:`BuildSession` set up
as ``archivesite serve`` sets its own (it owns the output folder, its file watcher hints
which content files changed, and it does not publish), then, ``--edits`` times, appends a
line to one article (a different one each time), times the build that follows, and puts
the article back (building again, untimed). Search is left to the site's settings; the
preview would index in the background. Prints the first build's time, each edit's, their median and
the process's peak RSS. The version measured is the one first on ``PYTHONPATH``, so two
versions can be run in turn on one site (``git archive REV | tar -x -C DIR`` extracts an
old one):

    python bench/generate.py --articles 100000 --format ours --out bench/work/s100k
    PYTHONPATH=src .venv/bin/python bench/session_edits.py --site bench/work/s100k \\
        --out bench/work/o100k
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

from archivesite.build import build
from archivesite.config import load_config
from archivesite.session import BuildSession


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--edits", type=int, default=6)
    args = parser.parse_args(argv)
    config, session = load_config(args.site), BuildSession(owns_output=True)
    start = time.perf_counter()
    build(config, out=args.out, session=session, publish=False)
    print(f"first build {time.perf_counter() - start:.1f} s", flush=True)
    articles = sorted((args.site / "content").rglob("*.md"))
    times: list[float] = []
    for i in range(args.edits):
        path = articles[(len(articles) // 3 + i * 997) % len(articles)]
        original = path.read_text(encoding="utf-8")
        rel = frozenset({path.relative_to(args.site).as_posix()})
        path.write_text(original.rstrip("\n") + f"\n\nAn added line {i}.\n", encoding="utf-8")
        session.hint = rel
        start = time.perf_counter()
        report = build(config, out=args.out, session=session, publish=False)
        times.append(time.perf_counter() - start)
        path.write_text(original, encoding="utf-8")
        session.hint = rel
        build(config, out=args.out, session=session, publish=False)
        print(f"edit {i + 1}: {times[-1]:.3f} s, {report.rendered} pages rendered", flush=True)
    print(f"median edit {statistics.median(times):.3f} s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
