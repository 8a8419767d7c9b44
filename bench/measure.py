"""Timing one command: wall time and peak memory of its whole process tree.

Owns: :func:`run_measured`. Wall time is ``perf_counter`` around the process's
life. Peak memory is the larger of

- the highest sum of resident set sizes over the process and all its
  descendants, polled from ``/proc`` every 50 ms (so worker pools count in
  full; shared copy-on-write pages are counted once per process, which
  overstates a forked pool a little: the conservative side for us), and
- ``ru_maxrss`` from ``wait4`` (the largest single process, exact even for runs
  shorter than one poll).

Linux only (``/proc``), no psutil.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measurement:
    """One run of one command."""

    seconds: float
    peak_mb: float
    returncode: int
    tail: str  # the last lines of its stderr and stdout, for error reports

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(b")", 1)[-1].split()
        kids[int(fields[1])].append(int(entry.name))
    return kids


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and all its descendants now."""
    kids = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, ()))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(
    cmd: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    log: Path | None = None,
) -> Measurement:
    """Run ``cmd`` to completion; its output goes to ``log`` (or is discarded)."""
    log_path = log or Path(os.devnull)
    with log_path.open("wb") as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                [str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        except OSError as exc:
            return Measurement(0.0, 0.0, 127, f"cannot run {cmd[0]}: {exc}")
        peak = 0
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, tree_rss(proc.pid))

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        killer = None
        if timeout:
            killer = threading.Timer(timeout, proc.kill)
            killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        poller.join()
        if killer:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss * 1024)
    tail = ""
    if log:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        tail = "\n".join(lines[-5:])
    return Measurement(seconds, peak / 2**20, proc.returncode, tail)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
