"""Which files an import reads: :func:`select_seeds`, the one place that decides.

Files named on the command line are always read, whatever their name. In folders
(recursively) a file is read when a reader of :mod:`archivesite.readers` takes it
(from its content, then its name: plain text, SGML collections, CSV, JSON Lines, and
these gzipped or in a zip archive), with any extension or none; other files are
counted as skipped (and listed with ``-v``), never skipped silently. Editor and OS
clutter is ignored without a count: hidden files and folders (``.DS_Store``, ``._x``
resource forks, ``.x.swp``), ``~`` backups, ``#x#`` autosaves, ``Thumbs.db`` and
``desktop.ini``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .readers import takes

_CLUTTER = re.compile(r"^(?:\..*|.*~|#.*#|Thumbs\.db|desktop\.ini|.*\.sw[a-p])$", re.IGNORECASE)


@dataclass(frozen=True)
class Selection:
    """The seed files to read (sorted, each once) and the files no reader takes."""

    files: tuple[Path, ...]
    not_text: tuple[Path, ...]


def is_clutter(name: str) -> bool:
    """Editor and OS files that are never articles."""
    return _CLUTTER.match(name) is not None


def folder_files(folder: Path) -> list[Path]:
    """The files of one folder that may be articles (no clutter), sorted by name."""
    try:
        entries = [e for e in os.scandir(folder) if not is_clutter(e.name) and e.is_file()]
    except OSError:
        return []
    return sorted((Path(e.path) for e in entries), key=lambda p: p.name)


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not is_clutter(d)]
        for name in names:
            if not is_clutter(name):
                yield Path(root, name)


def select_seeds(paths: Iterable[Path], *, named: bool = True) -> Selection:
    """The files to import from ``paths`` (files, and folders read recursively).

    ``named``: the files in ``paths`` were named by the user and are read whatever
    they hold; otherwise (a watcher's changed files) they are chosen as a folder's are.
    """
    found: dict[Path, Path] = {}
    not_text: dict[Path, Path] = {}
    for path in paths:
        if not path.is_dir():
            if named:
                found.setdefault(path.resolve(), path)
                continue
            candidates: Iterable[Path] = () if is_clutter(path.name) else (path,)
        else:
            candidates = _walk(path)
        for candidate in candidates:
            key = candidate.resolve()
            if key in found or key in not_text:
                continue
            if takes(candidate):
                found[key] = candidate
            else:
                not_text[key] = candidate
    return Selection(
        files=tuple(sorted(found.values(), key=lambda p: p.as_posix())),
        not_text=tuple(sorted(not_text.values(), key=lambda p: p.as_posix())),
    )
