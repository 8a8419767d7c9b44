"""Timing one command: wall time and peak memory of its whole process tree.

Owns: :func:`run_measured`. Wall time is ``perf_counter`` around the process's
life. Peak memory is the larger of

- the highest sum of resident set sizes over the process and all its
  descendants, polled from ``/proc`` every 50 ms once the command has started
  (before its ``exec`` the child is a copy of this harness, which holds the
  generated articles), so worker pools count in full; shared copy-on-write
  pages are counted once per process, which overstates a forked pool a little:
  the conservative side for us; and
- GNU time's ``%M`` where ``/usr/bin/time`` is GNU time (the largest single
  process, exact even for runs shorter than one poll).

Linux only (``/proc``), no psutil.
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


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


_SELF = _cmdline(os.getpid())


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
        peak = 0
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            started = False
            while not done.wait(0.05):
                # Until it has exec'd, the child is a copy of this (large) process.
                started = started or _cmdline(proc.pid) not in (_SELF, b"")
                if started:
                    peak = max(peak, tree_rss(proc.pid))

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        killer = None
        if timeout:
            killer = threading.Timer(timeout, kill)
            killer.start()
        _, status, _usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        poller.join()
        if killer:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if maxrss_file:
        lines = maxrss_file.read_text().split()
        maxrss_file.unlink()
        if lines and lines[-1].isdigit():
            peak = max(peak, int(lines[-1]) * 1024)
    tail = ""
    if log:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        tail = "\n".join(lines[-5:])
    return Measurement(seconds, peak / 2**20, proc.returncode, tail)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
