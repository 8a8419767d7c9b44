"""The page build's memory at scale: ``build --clean`` stopped at the end of planning.

Loads, assembles, relates and plans a site as the build does (``build._load_and_plan``),
writes no page, and prints the related-coverage links kept, wall and CPU seconds (this
process and its parsing workers) and the main process's high-water mark (VmHWM). Run it
with ``PYTHONPATH=<a checkout>/src`` to measure another version of the code:

    .venv/bin/python bench/plan_memory.py bench/work/search/site-20000
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import archivesite
from archivesite.build import _load_and_plan, _scan, _target
from archivesite.config import load_config


def main(site: Path) -> str:
    config = load_config(site)
    started = time.perf_counter()
    target = _target(config, (site / "build").resolve(), None, clean=True)
    planned = _load_and_plan(config, target, _scan(config, target, False), False, 2)
    wall = time.perf_counter() - started
    coverage = planned.site.coverage
    links = sum(len(c.carried) + len(c.related) for c in coverage.values())
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return (
        f"{archivesite.__file__}: {len(planned.site.archive.dated)} articles, {links} links kept, "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU, VmHWM {status['VmHWM'].strip()}"
    )


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
