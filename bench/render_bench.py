"""Rendering alone: ms per page for each kind of output, in one process.

Owns nothing but the measurement. Plans every output of a site (as ``build``
does) and times ``render(output, bodies)`` for each, with the body HTML from
the site's body cache, so no Markdown runs when the site was built once
before. This is what a template edit costs, free of the build's pipeline,
workers and writes: CPU time of this process (the machine is shared), with the
cyclic garbage collector off, as ``build`` runs. ``--dump DIR`` also writes
every rendered file there (to diff the bytes before and after a change to
templates or render.py); the sha256 printed last covers every output.

    python bench/generate.py -n 10000 --format ours --out /tmp/r10k
    archivesite build --site /tmp/r10k --out /tmp/r10k-out   # fills the body cache
    python bench/render_bench.py --site /tmp/r10k
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import sys
import time
from collections import defaultdict
from pathlib import Path

from archivesite.caches import BODIES_CACHE, BodyCache
from archivesite.config import load_config
from archivesite.load import load_articles
from archivesite.render import render
from archivesite.site import assemble, locate_theme, plan_outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--dump", type=Path, help="write every rendered file under this folder")
    parser.add_argument("--rounds", type=int, default=1, help="best of this many passes")
    parser.add_argument("--each", action="store_true", help="also print every pass, by kind")
    args = parser.parse_args(argv)

    gc.disable()  # as build() does
    config = load_config(args.site)
    outputs = [
        o
        for o in plan_outputs(assemble(config, load_articles(config), locate_theme(config)))
        if o.template is not None
    ]
    bodies = BodyCache(config.state_dir / BODIES_CACHE)
    best: dict[str, float] = {}
    count: dict[str, int] = defaultdict(int)
    digest = hashlib.sha256()
    for round_ in range(args.rounds):
        spent: dict[str, float] = defaultdict(float)
        for output in outputs:
            start = time.process_time()
            rendered = render(output, bodies)
            spent[output.kind] += time.process_time() - start
            if round_ == 0:
                count[output.kind] += 1
                digest.update(rendered.path.encode() + b"\0" + rendered.data)
                if args.dump is not None:
                    target = args.dump / rendered.path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(rendered.data)
        for kind, seconds in spent.items():
            best[kind] = min(best.get(kind, seconds), seconds)
        if args.each:
            kinds = sorted(spent, key=spent.__getitem__, reverse=True)
            parts = " ".join(f"{k}={spent[k]:.2f}" for k in kinds)
            print(f"pass {round_ + 1}: {sum(spent.values()):.2f} s: {parts}")

    row = "{:<14}{:>8}{:>10.3f}{:>10.2f}"
    print(f"{'kind':<14}{'pages':>8}{'ms/page':>10}{'total s':>10}")
    for kind in sorted(best, key=best.__getitem__, reverse=True):
        print(row.format(kind, count[kind], best[kind] * 1000 / count[kind], best[kind]))
    total = sum(best.values())
    print(row.format("all", len(outputs), total * 1000 / len(outputs), total))
    print(f"sha256 of every output: {digest.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
