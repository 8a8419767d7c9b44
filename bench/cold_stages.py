"""One cold build in this process, timed by stage, and the CPU each rendering process spent.

Owns nothing but the measurement. Deletes the output folder and the site's
``.archivesite/``, then runs ``build(clean=True)`` at the default jobs, with wall-clock
timers wrapped around the build's stages (whichever of them the version being measured
has) and CPU timers around each batch of outputs a process renders. Prints the build's
wall time, the CPU of this process and of its workers, each stage, and for each
rendering process its CPU, its outputs and when it finished. The version measured is
the one first on ``PYTHONPATH``, so two versions can be run in turn on copies of one
site (``bench/compare.py`` extracts old trees under ``bench/work/compare``); a site and
output on tmpfs (``/dev/shm``) leave out the file system's time:

    PYTHONPATH=src .venv/bin/python bench/cold_stages.py --site /dev/shm/s --out /dev/shm/o
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import archivesite.build as build_module
import archivesite.commit as commit_module
import archivesite.workers as workers_module
from archivesite.config import load_config

STAGES = (
    "_scan",
    "_parse_new",
    "load_articles",
    "assemble",
    "_coverage",
    "plan_outputs",
    "_load_and_plan",
    "_render",
    "_records",
    "_render_and_commit",
)


def _timed(owner: Any, name: str, spent: dict[str, float], label: str) -> None:
    """Wrap ``owner.name`` (where it exists) to add its wall time to ``spent[label]``."""
    real: Callable[..., Any] | None = getattr(owner, name, None)
    if real is None:
        return

    @functools.wraps(real)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    setattr(owner, name, timed)


def _logged_batches(log: Path) -> None:
    """Each batch a process renders appends (pid, CPU, end time, outputs) to ``log``:
    forked workers share no memory with this process, but they share the file."""
    real = workers_module._process

    @functools.wraps(real)
    def logged(outputs: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return real(outputs, *args, **kwargs)
        finally:
            line = f"{os.getpid()} {time.process_time() - start} {time.time()} {len(outputs)}\n"
            with log.open("a", encoding="utf-8") as f:
                f.write(line)

    workers_module._process = logged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    spent: dict[str, float] = collections.defaultdict(float)
    for name in STAGES:
        _timed(build_module, name, spent, name)
    _timed(commit_module, "begin", spent, "commit.begin")
    log = args.out.parent / f".{args.out.name}-batches.log"
    log.unlink(missing_ok=True)
    _logged_batches(log)

    shutil.rmtree(args.out, ignore_errors=True)
    shutil.rmtree(args.site / ".archivesite", ignore_errors=True)
    config = load_config(args.site)
    started, wall = time.time(), time.perf_counter()
    build_module.build(config, out=args.out, clean=True)
    wall = time.perf_counter() - wall
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"wall {wall:.2f} s; CPU: this process {own.ru_utime + own.ru_stime:.2f} s, "
        f"its workers {workers.ru_utime + workers.ru_stime:.2f} s"
    )
    for label, seconds in spent.items():
        print(f"  {label:<20}{seconds:>7.2f} s")
    per: dict[str, list[float]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, cpu, end, count = line.split()
        row = per.setdefault(pid, [0.0, 0.0, 0.0])
        row[0] += float(cpu)
        row[1] += int(count)
        row[2] = max(row[2], float(end) - started)
    log.unlink()
    for pid, (cpu, count, end) in per.items():
        who = "this process" if int(pid) == os.getpid() else f"worker {pid}"
        print(f"  rendering, {who}: CPU {cpu:.2f} s, {count:.0f} outputs, done at {end:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
