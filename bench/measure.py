"""Timing one command: wall time and peak memory of its whole process tree.

Owns: :func:`run_measured`, :class:`TreePeak` (the memory poller, also used
for the long-lived ``archivesite serve``) and :func:`tree_pss`. Wall time is
``perf_counter`` around the process's life. Two memory numbers:

- **peak memory (PSS, tree)**: the highest sum of proportional set sizes
  (``Pss:`` in ``/proc/<pid>/smaps_rollup``; RSS from ``statm`` where that is
  unreadable) over the process and all its descendants, polled every 50 ms
  once the command has started (before its ``exec`` the child is a copy of
  this harness, which holds the generated articles). PSS charges each page to
  the processes mapping it in equal shares, so a worker pool forked after
  planning, whose copy-on-write pages are shared with its parent, is counted
  once, not once per process as a sum of RSS would (which overstates a forked
  pool by its inherited heap times the number of workers). For a
  single-process tool (Hugo, Pelican, the one-process bare loop) PSS and RSS
  differ only by file pages it shares with other processes on the machine
  (libraries, the interpreter): at 1,000 articles Hugo's PSS was its RSS to
  1 MB, Pelican's 10 MB under it, since other Python processes share
  libpython. So the peers are measured the same way, and this is the number
  the memory target is judged on.
- **largest process (RSS)**: GNU time's ``%M`` where ``/usr/bin/time`` is GNU
  time (the high-water mark of the largest single process, exact even for runs
  shorter than one poll), or the largest RSS of one process seen while polling.

Where no poll landed (a run shorter than 50 ms) the PSS peak falls back to the
largest process. Linux only (``/proc``), no psutil.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import tempfile
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
    peak_mb: float  # the highest PSS summed over the process tree
    returncode: int
    tail: str  # the last lines of its stderr and stdout, for error reports
    largest_mb: float = 0.0  # the largest single process's RSS (GNU time's %M)
    # User + system CPU seconds of the command and every process it waited for: steadier
    # than wall time on a machine others load too.
    cpu_seconds: float = 0.0

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


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


_SELF = _cmdline(os.getpid())


def parse_smaps_rollup(data: bytes) -> tuple[int, int] | None:
    """``(pss, rss)`` in bytes from the text of ``/proc/<pid>/smaps_rollup``; None if absent."""
    pss = rss = None
    for line in data.splitlines():
        if line.startswith(b"Rss:"):
            rss = int(line.split()[1]) * 1024
        elif line.startswith(b"Pss:"):
            pss = int(line.split()[1]) * 1024
        if pss is not None and rss is not None:
            return pss, rss
    return None


def process_memory(pid: int) -> tuple[int, int]:
    """``(pss, rss)`` of one process in bytes: PSS from ``smaps_rollup``, else RSS for both.

    ``(0, 0)`` for a process that is gone.
    """
    try:
        found = parse_smaps_rollup(Path(f"/proc/{pid}/smaps_rollup").read_bytes())
    except (OSError, ValueError, IndexError):
        found = None
    if found is not None:
        return found
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0, 0
    return rss, rss


def tree_pss(root: int) -> tuple[int, int]:
    """``(PSS summed over root and all its descendants, largest single RSS)`` now, in bytes."""
    kids = _children()
    total = largest = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, ()))
        pss, rss = process_memory(pid)
        total += pss
        largest = max(largest, rss)
    return total, largest


class TreePeak:
    """Poll a process tree's memory on a thread, from its ``exec`` until :meth:`stop`.

    ``pss``: the highest PSS sum over the tree; ``largest``: the highest RSS of
    one process (bytes).
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.pss = 0
        self.largest = 0
        self.samples = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def start(self) -> TreePeak:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _poll(self) -> None:
        started = False
        while not self._done.wait(self.interval):
            # Until it has exec'd, the child is a copy of this (large) process.
            started = started or _cmdline(self.pid) not in (_SELF, b"")
            if started:
                pss, largest = tree_pss(self.pid)
                self.pss = max(self.pss, pss)
                self.largest = max(self.largest, largest)
                self.samples += 1


GNU_TIME = Path("/usr/bin/time")


def _has_gnu_time() -> bool:
    if not GNU_TIME.exists():
        return False
    probe = subprocess.run([str(GNU_TIME), "--version"], capture_output=True, text=True)
    return "GNU" in probe.stdout + probe.stderr


HAS_GNU_TIME = _has_gnu_time()


def run_measured(
    cmd: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    log: Path | None = None,
) -> Measurement:
    """Run ``cmd`` to completion; its output goes to ``log`` (or is discarded).

    The command runs under GNU time where present: ``ru_maxrss`` of a child
    forked from this harness would include this harness's own size (exec keeps
    the high-water mark), but one forked from ``time`` does not.
    """
    argv = [str(c) for c in cmd]
    maxrss_file = None
    if HAS_GNU_TIME:
        fd, name = tempfile.mkstemp(prefix="bench-maxrss-")
        os.close(fd)
        maxrss_file = Path(name)
        argv = [str(GNU_TIME), "-f", "%M", "-o", name, *argv]
    log_path = log or Path(os.devnull)
    with log_path.open("wb") as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            return Measurement(0.0, 0.0, 127, f"cannot run {cmd[0]}: {exc}")
        poller = TreePeak(proc.pid).start()

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        killer = None
        if timeout:
            killer = threading.Timer(timeout, kill)
            killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        poller.stop()
        if killer:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    largest = poller.largest
    if maxrss_file:
        lines = maxrss_file.read_text().split()
        maxrss_file.unlink()
        if lines and lines[-1].isdigit():
            largest = max(largest, int(lines[-1]) * 1024)
    peak = poller.pss if poller.samples else largest
    tail = ""
    if log:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        tail = "\n".join(lines[-5:])
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, peak / 2**20, proc.returncode, tail, largest / 2**20, cpu)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
