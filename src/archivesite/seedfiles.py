"""Which files an import reads: :func:`select_seeds`, the one place that decides.

Files named on the command line are always read, whatever their name. In folders
(recursively) a file is read when a reader of :mod:`archivesite.readers` takes it
(from its content, then its name: plain text, SGML collections, CSV, JSON Lines, and
these gzipped or in a zip archive), with any extension or none; other files are
counted as skipped (and listed with ``-v``), never skipped silently. Editor and OS
clutter is ignored without a count: hidden files and folders (``.DS_Store``, ``._x``
resource forks, ``.x.swp``), ``~`` backups, ``#x#`` autosaves, ``Thumbs.db`` and
``desktop.ini``. Links and special files follow :mod:`entries`: a link in a folder is
followed only where it resolves within that folder, and a FIFO, socket or device is
skipped with a warning, never opened (even when named); ``follow_all`` (the site's
``follow_symlinks``) follows every link. A folder that cannot be read is an error of
the selection, naming it (the import reads the rest and fails).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .entries import follows, is_clutter, skip_special
from .errors import ArchiveError
from .readers import takes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """The seed files to read (sorted, each once) and the files no reader takes."""

    files: tuple[Path, ...]
    not_text: tuple[Path, ...]
    unreadable: tuple[ArchiveError, ...] = ()  # folders that could not be read


def folder_files(folder: Path) -> list[Path]:
    """The files of one folder that may be articles (no clutter), sorted by name."""
    try:
        entries = [e for e in os.scandir(folder) if not is_clutter(e.name) and e.is_file()]
    except OSError:
        return []
    return sorted((Path(e.path) for e in entries), key=lambda p: p.name)


def _walk(folder: Path, unreadable: list[ArchiveError], follow_all: bool) -> Iterable[Path]:
    def cannot_read(exc: OSError) -> None:
        unreadable.append(ArchiveError(f"cannot read the folder: {exc.strerror}", exc.filename))

    top = str(folder)
    for root, dirs, names in os.walk(folder, onerror=cannot_read, followlinks=True):
        dirs[:] = [
            d
            for d in dirs
            if not is_clutter(d) and _enters(os.path.join(root, d), top, follow_all)  # noqa: PTH118
        ]
        for name in names:
            if not is_clutter(name) and _reads(os.path.join(root, name), top, follow_all):  # noqa: PTH118
                yield Path(root, name)


def _enters(path: str, top: str, follow_all: bool) -> bool:
    if not os.path.islink(path):  # noqa: PTH114
        return True
    if not follows(path, top, follow_all=follow_all):
        return False
    target, here = os.path.realpath(path), os.path.realpath(os.path.dirname(path))  # noqa: PTH120
    return not (here == target or here.startswith(target.rstrip(os.sep) + os.sep))


def _reads(path: str, top: str | None, follow_all: bool = False) -> bool:
    """A regular file (through a link that follows the rule, below ``top``)."""
    try:
        if (
            top is not None
            and os.path.islink(path)  # noqa: PTH114
            and not follows(path, top, follow_all=follow_all)
        ):
            return False
        return not skip_special(path, os.stat(path).st_mode)  # noqa: PTH116
    except OSError:
        return True  # unreadable: the import reports it with its reason


def select_seeds(
    paths: Iterable[Path], *, named: bool = True, follow_all: bool = False
) -> Selection:
    """The files to import from ``paths`` (files, and folders read recursively).

    ``named``: the files in ``paths`` were named by the user and are read whatever
    they hold; otherwise (a watcher's changed files) they are chosen as a folder's are.
    """
    found: dict[Path, Path] = {}
    not_text: dict[Path, Path] = {}
    unreadable: list[ArchiveError] = []
    for path in paths:
        if not path.is_dir():
            if not _reads(str(path), None):
                continue
            if named:
                found.setdefault(path.resolve(), path)
                continue
            candidates: Iterable[Path] = () if is_clutter(path.name) else (path,)
        else:
            candidates = _walk(path, unreadable, follow_all)
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
        unreadable=tuple(unreadable),
    )
