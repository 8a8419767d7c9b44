"""Replacing a file safely: the one way archivesite writes its own records and content.

A file is written to a hidden temporary file in the same folder, then renamed over
its path, so a reader (or a crash) never sees it half-written.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    write_atomic_with(path, lambda f: f.write(data))


def write_atomic_with(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Like :func:`write_atomic`, with ``write(file)`` writing the bytes as it makes them
    (a large build record or warm state is never whole in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def pickle_atomic(path: Path, value: object) -> None:
    """Pickle ``value`` into ``path`` (atomically, streamed: no bytes object of it all)."""
    write_atomic_with(path, lambda f: pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL))


def stat_of(path: str | Path) -> tuple[int, int] | None:
    """(size, mtime in ns) of a file, or None where it cannot be read."""
    try:
        st = os.stat(path)  # noqa: PTH116 - strings, not Path objects: one call per output
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def process_running(pid: int) -> bool:
    """Whether process ``pid`` still runs: a temporary file it names is then still being
    written, not a leftover of a kill."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs, as another user
    return True
