"""Putting rendered files into the output folder, and taking stale ones out.

Rendered files are staged next to the output folder (same file system) while the build
renders; nothing in the output folder changes until every page has rendered. Then each
staged file goes into place: over a regular file, its bytes are copied into it (cheaper
than a rename, which frees the old file's blocks); elsewhere it is renamed to its path,
atomically and never through a link. Only files an earlier build wrote are ever removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat as stat_module
from collections.abc import Iterable
from pathlib import Path

from .config import Config
from .errors import ArchiveError
from .workers import Staged


def check_out(config: Config, out: Path) -> None:
    root = config.root.resolve()
    if out == root or out in root.parents:
        raise ArchiveError(
            f"the output folder {out} would hold the site's own files; choose another --out"
        )
    for source in (config.content_dir, config.templates_dir, config.static_dir, config.seeds_dir):
        s = source.resolve()
        if out == s or s in out.parents:
            raise ArchiveError(f"the output folder {out} is inside {source}; choose another --out")


def staging_folder(out: Path) -> Path:
    """A new empty folder next to ``out`` (same file system, so moves are renames),
    made with the default permissions, as ``out`` itself would be."""
    while True:
        staging = out.parent / f".{out.name}.staging-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging


def commit(staged: Iterable[tuple[str, Staged]], staging: Path, out: Path) -> None:
    """Put each staged file (site-relative path, where its bytes are) in place: copied
    into a regular file with no other link that is there, else through :func:`_replace`."""
    base = str(out) + os.sep
    packs: dict[str, int] = {}
    try:
        for rel, where in staged:
            assert where is not None
            name, offset, size = where
            source = packs.get(name)
            if source is None:
                pack = os.path.join(staging, name)  # noqa: PTH118
                source = packs[name] = os.open(pack, os.O_RDONLY | os.O_CLOEXEC)
            target = base + rel
            if not _copy_into(source, offset, size, target):
                _replace(source, offset, size, target)
    finally:
        for fd in packs.values():
            os.close(fd)


def _copy_range(source: int, offset: int, size: int, fd: int) -> None:
    """Make the file open as ``fd`` the ``size`` bytes of ``source`` at ``offset``."""
    done = 0
    while done < size:
        n = os.copy_file_range(source, fd, size - done, offset + done)
        if n == 0:
            raise OSError(errno.EIO, "the staged bytes end early")
        done += n
    os.ftruncate(fd, size)


def _copy_into(source: int, offset: int, size: int, target: str) -> bool:
    """Overwrite ``target`` in place; False (and ``target`` to be replaced whole) where
    it is not a regular file with one link that can be opened for writing, or the copy
    fails."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:  # missing, a symlink, a folder, read-only
        return False
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode) or st.st_nlink != 1:
            return False  # writing into it would change the file another name shares
        if not st.st_mode & stat_module.S_IWUSR:
            return False  # read-only: replaced, as for a user who cannot open it (not root)
        _copy_range(source, offset, size, fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _replace(source: int, offset: int, size: int, target: str) -> None:
    """Write a new file beside ``target`` and rename it over ``target`` (its folders
    are made where missing). The new file gets the usual permissions (0o666 less the
    umask), as a file archivesite writes for the first time does."""
    folder = os.path.dirname(target)  # noqa: PTH120
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")  # noqa: PTH118, PTH119
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103
            fd = os.open(tmp, flags, 0o666)
        try:
            try:
                _copy_range(source, offset, size, fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)  # noqa: PTH105
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # noqa: PTH108
            raise
    except IsADirectoryError:
        raise ArchiveError(f"cannot write {target}: a folder is in the way") from None
    except (FileExistsError, NotADirectoryError) as exc:
        raise ArchiveError(f"cannot write {target}: {exc.strerror}") from None


def prune(out: Path, stale: Iterable[str]) -> list[str]:
    """Delete files an earlier build wrote and this one does not; then empty folders."""
    removed = []
    for rel in stale:
        target = out / rel
        if not target.is_file() or target.is_symlink():
            continue
        target.unlink()
        removed.append(rel)
        parent = target.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed
