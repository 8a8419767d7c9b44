"""One build at a time per output folder, one import at a time per site.

A lock is ``flock`` on a small file in the site's ``.archivesite/`` (for an output
folder, beside its build record; for import, ``import.lock``) holding the holder's
process id and command line. The kernel releases it when its holder exits, however
it exits, so a lock left by a dead process is simply taken over. A second holder
waits, saying which process holds it, or with ``wait=False`` fails at once. The CLI
and the preview server take the same locks; within one process, threads take turns.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from .errors import ArchiveError

log = logging.getLogger(__name__)

_held: dict[Path, int] = {}  # lock file -> how many holders in this process
_guard = threading.Lock()
_in_process: dict[Path, threading.RLock] = {}


def output_lock(record: Path) -> Path:
    """The lock of the output folder whose build record is ``record``."""
    return record.with_suffix(".lock")


def import_lock(state_dir: Path) -> Path:
    return state_dir / "import.lock"


@contextlib.contextmanager
def holding(path: Path, what: str, *, wait: bool = True) -> Iterator[None]:
    """Hold the lock ``path`` for ``what`` (e.g. "the output folder build/")."""
    with _guard:
        local = _in_process.setdefault(path, threading.RLock())
    if not local.acquire(blocking=wait):
        raise ArchiveError(f"{what} is in use by this process; try again when it is done")
    try:
        with _guard:
            again = _held.get(path, 0) > 0
            _held[path] = _held.get(path, 0) + 1
        if again:  # this thread holds it already (a build inside a build's caller)
            yield
            return
        fd = _take(path, what, wait=wait)
        try:
            yield
        finally:
            os.close(fd)  # releases the flock
    finally:
        with _guard:
            _held[path] -= 1
        local.release()


def _take(path: Path, what: str, *, wait: bool) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise ArchiveError(
                    f"{what} is in use by {holder}; try again when it is done "
                    "(without --no-wait, archivesite waits for it)"
                ) from None
            log.warning("waiting for %s, which is using %s", holder, what)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {' '.join(sys.argv)}\n".encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _holder(fd: int) -> str:
    """Who holds the lock, as the holder wrote it: "process 1234 (archivesite build)"."""
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    pid, _, command = text.partition(" ")
    if not pid.isdigit():
        return "another process"
    return f"process {pid} ({command})" if command else f"process {pid}"
