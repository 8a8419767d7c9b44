"""Putting rendered files into the output folder, and taking stale ones out, so that
the output is always the whole previous site or the whole new one.

Rendered files are staged next to the output folder (same file system) while the build
renders; nothing in the output folder changes until every page has rendered. Then:

1. the room the commit needs is checked (``os.statvfs``); the bytes of every file about
   to be overwritten are saved into the staging folder (the undo), and the staged bytes
   and the undo are flushed to disk;
2. the commit journal (each staged file, where its new and old bytes are, the stale
   files to remove) is written beside the output, flushed, and renamed into place;
3. each staged file goes into place: over a regular file its bytes are copied into it
   (its inode, links and mode stay; unchanged files are never touched); elsewhere it is
   renamed to its path, atomically and never through a link; then stale files go;
4. the build record is written and flushed, and the journal removed.

A failure in step 3 (a full disk) puts the saved bytes back: the previous site, byte
for byte. After a kill or a power loss, the next command finds the journal
(:func:`replay`) and finishes the commit from the flushed staging folder (or, if that
fails, rolls it back), and records every file the journal names as written (so a later
build removes it when stale). Only files an earlier build wrote are ever removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import logging
import os
import secrets
import shutil
import stat as stat_module
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from . import faults
from .config import Config
from .errors import ArchiveError
from .files import process_running
from .record import record_interrupted
from .workers import StagedBytes

log = logging.getLogger(__name__)

JOURNAL_VERSION = 1
_UNDO = "undo.pack"
_NEW = -1  # undo offset of a file that did not exist: rolling back removes it


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


def journal_path(out: Path) -> Path:
    return out.parent / f".{out.name}.journal"


class Put(NamedTuple):
    """One file of a commit: its path, its new bytes, and its old bytes in the undo."""

    rel: str
    new: StagedBytes
    undo_offset: int  # _NEW: there was no file
    undo_size: int


class Journal(NamedTuple):
    out: Path
    staging: Path
    record: Path  # the build record of ``out``
    tree: bool  # a first build: the staging folder becomes the output
    puts: Sequence[Put]
    remove: Sequence[str]

    @property
    def token(self) -> str:
        """Names this commit's temporary files in the output (each removed on replay)."""
        return self.staging.name.rpartition("-")[2]


def begin(
    out: Path,
    staging: Path,
    staged: Sequence[tuple[str, StagedBytes | None]],
    remove: Sequence[str],
    record: Path,
    *,
    tree: bool,
) -> Journal:
    """Steps 1 and 2: check the room, save the undo, flush, write the journal. Raises
    :class:`ArchiveError` (with nothing in the output changed) where the disk is full."""
    try:
        faults.reach("staged")
        if tree:
            _check_room(out.parent, 0, 0)
            puts: list[Put] = []
            _syncfs(staging)
        else:
            news = [(rel, where) for rel, where in staged if where is not None]
            _check_room(out, sum(w.size for _, w in news), len(news))
            puts = _save_undo(out, staging, news)
            for pack in {p.new.pack for p in puts} | {_UNDO}:
                _fsync_file(staging / pack)
        _fsync_dir(staging)
        journal = Journal(out, staging, record, tree, puts, remove)
        _write_journal(journal)
    except OSError as exc:
        raise ArchiveError(
            f"cannot commit the build into {out}: {exc.strerror}; the output is unchanged"
        ) from None
    faults.reach("journal")
    return journal


def apply(journal: Journal) -> list[str]:
    """Step 3: put every staged file in place and remove the stale ones; returns those
    removed. A failure while files go into place rolls them all back and raises
    :class:`ArchiveError`: the output is then as it was."""
    try:
        _forward(journal)
    except (OSError, ArchiveError) as exc:
        _roll_back(journal)
        journal_path(journal.out).unlink(missing_ok=True)
        message = exc.message if isinstance(exc, ArchiveError) else exc.strerror
        raise ArchiveError(
            f"cannot commit the build into {journal.out}: {message}; "
            "the previous output was put back as it was"
        ) from None
    return prune(journal.out, journal.remove)


def end(journal: Journal) -> None:
    """Step 4's end, once the build record is written: flush the output's and the
    record's file systems, then remove the journal and the staging folder."""
    faults.reach("committed")
    _syncfs(journal.out if journal.out.exists() else journal.out.parent)
    if journal.record.parent.exists() and not _same_device(journal.record.parent, journal.out):
        _syncfs(journal.record.parent)
    journal_path(journal.out).unlink(missing_ok=True)
    shutil.rmtree(journal.staging, ignore_errors=True)


def replay(out: Path) -> bool:
    """Finish (or undo) a commit that a kill or power loss interrupted, then remove the
    staging and index folders of builds into ``out`` that no longer run. Call with the
    output's lock held. True if there was a commit to finish."""
    path = journal_path(out)
    journal = _read_journal(path, out)
    if journal is not None:
        try:
            _forward(journal)
        except (OSError, ArchiveError) as exc:
            log.warning("%s: cannot finish the interrupted build (%s); rolling it back", out, exc)
            _roll_back(journal)
        else:
            prune(out, journal.remove)
            record_interrupted(journal.record, out, [p.rel for p in journal.puts], journal.remove)
            log.warning("%s: finished the build that was interrupted", out)
        _syncfs(out if out.exists() else out.parent)
    path.unlink(missing_ok=True)
    _remove_leftovers(out)
    return journal is not None


def _remove_leftovers(out: Path) -> None:
    """Staging folders and journal temporary files beside ``out`` (with the lock held, no
    running build owns them), and search index folders whose process has exited."""
    if not out.parent.is_dir():
        return
    for leftover in out.parent.glob(f".{out.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out.parent.glob(f".{out.name}.search-tmp-*"):
        pid = leftover.name.rpartition(".search-tmp-")[2].partition("-")[0]
        if not (pid.isdigit() and process_running(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)
    with contextlib.suppress(OSError):
        out.parent.joinpath(f".{out.name}.journal.tmp").unlink()


# --- the steps ----------------------------------------------------------------------------


def _check_room(out: Path, size: int, files: int) -> None:
    """Fail, with nothing changed, where the output's file system cannot take ``size``
    bytes in ``files`` files twice (new bytes and the saved old ones)."""
    st = os.statvfs(out if out.exists() else out.parent)
    block = st.f_frsize or 4096
    needed = 2 * (size + files * block)
    free = st.f_bavail * block
    if needed > free:
        raise ArchiveError(
            f"not enough room to commit the build into {out}: it needs {_mb(needed)} "
            f"and the file system has {_mb(free)} free; the output is unchanged"
        )


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _save_undo(out: Path, staging: Path, news: Sequence[tuple[str, StagedBytes]]) -> list[Put]:
    """Append the current bytes of each file about to be overwritten to the undo pack."""
    base = str(out) + os.sep
    puts = []
    fd = os.open(staging / _UNDO, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    offset = 0
    try:
        for rel, where in news:
            try:
                old = os.open(base + rel, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            except OSError:
                puts.append(Put(rel, where, _NEW, 0))
                continue
            try:
                if not stat_module.S_ISREG(os.fstat(old).st_mode):
                    puts.append(Put(rel, where, _NEW, 0))
                    continue
                size = _copy_all(old, fd, offset)
            finally:
                os.close(old)
            puts.append(Put(rel, where, offset, size))
            offset += size
    finally:
        os.close(fd)
    return puts


def _copy_all(source: int, fd: int, at: int) -> int:
    """Append all of ``source`` to ``fd`` (at ``at``); its size."""
    size = 0
    while True:
        n = os.copy_file_range(source, fd, 1 << 30, None, at + size)
        if n == 0:
            return size
        size += n


def _forward(journal: Journal) -> None:
    """Put every file of the journal in place (again: each step can be repeated)."""
    if journal.tree:
        if journal.staging.is_dir() and not journal.out.exists():
            journal.staging.rename(journal.out)
        return
    base = str(journal.out) + os.sep
    packs: dict[str, int] = {}
    try:
        for put in journal.puts:
            name, offset, size = put.new
            source = packs.get(name)
            if source is None:
                source = packs[name] = os.open(journal.staging / name, os.O_RDONLY | os.O_CLOEXEC)
            faults.reach("commit")
            target = base + put.rel
            if not _copy_into(source, offset, size, target):
                _replace(source, offset, size, target, journal.token)
    finally:
        for fd in packs.values():
            os.close(fd)


def _roll_back(journal: Journal) -> None:
    """Put back the saved bytes of every file of the journal; remove the new ones."""
    if journal.tree:
        return  # the output appeared by one rename, or not at all
    base = str(journal.out) + os.sep
    try:
        undo = os.open(journal.staging / _UNDO, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        log.error("%s: cannot roll the interrupted build back: %s", journal.out, exc)
        return
    try:
        for put in journal.puts:
            target = base + put.rel
            _remove_tmp(target, journal.token)
            if put.undo_offset == _NEW:
                _remove_new(journal.out, target)
            elif not _copy_into(undo, put.undo_offset, put.undo_size, target):
                _replace(undo, put.undo_offset, put.undo_size, target, journal.token)
    finally:
        os.close(undo)


def _remove_new(out: Path, target: str) -> None:
    path = Path(target)
    if path.is_symlink() or not path.is_file():
        return
    path.unlink()
    _remove_empty_folders(out, path.parent)


def _remove_empty_folders(out: Path, parent: Path) -> None:
    while parent != out and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


# --- the journal on disk ------------------------------------------------------------------


def _write_journal(journal: Journal) -> None:
    data = {
        "version": JOURNAL_VERSION,
        "out": str(journal.out),
        "staging": journal.staging.name,
        "record": str(journal.record),
        "tree": journal.tree,
        "put": [[p.rel, *p.new, p.undo_offset, p.undo_size] for p in journal.puts],
        "remove": list(journal.remove),
    }
    path = journal_path(journal.out)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


def _read_journal(path: Path, out: Path) -> Journal | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable commit journal (%s); ignored", path, exc)
        return None
    try:
        if data["version"] != JOURNAL_VERSION or data["out"] != str(out):
            return None
        puts = [
            Put(str(rel), StagedBytes(str(pack), int(off), int(size)), int(uoff), int(usize))
            for rel, pack, off, size, uoff, usize in data["put"]
        ]
        return Journal(
            out,
            out.parent / str(data["staging"]),
            Path(data["record"]),
            bool(data["tree"]),
            puts,
            [str(rel) for rel in data["remove"]],
        )
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("%s: malformed commit journal (%s); ignored", path, exc)
        return None


# --- files --------------------------------------------------------------------------------


def _copy_range(source: int, offset: int, size: int, fd: int) -> None:
    """Make the file open as ``fd`` the ``size`` bytes of ``source`` at ``offset``."""
    done = 0
    while done < size:
        n = os.copy_file_range(source, fd, size - done, offset + done, done)
        if n == 0:
            raise OSError(errno.EIO, "the staged bytes end early")
        done += n
    os.ftruncate(fd, size)


def _copy_into(source: int, offset: int, size: int, target: str) -> bool:
    """Overwrite ``target`` in place; False (and ``target`` to be replaced whole) where
    it is not a regular file with one link that can be opened for writing. A full disk
    is raised."""
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
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise
        return False
    finally:
        os.close(fd)


def _tmp_name(target: str, token: str) -> str:
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.{token}.tmp")  # noqa: PTH118


def _remove_tmp(target: str, token: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(_tmp_name(target, token))  # noqa: PTH108


def _replace(source: int, offset: int, size: int, target: str, token: str) -> None:
    """Write a new file beside ``target`` and rename it over ``target`` (its folders
    are made where missing). The new file gets the usual permissions (0o666 less the
    umask), as a file archivesite writes for the first time does. Its temporary name
    is the commit's own, so a replay finds it."""
    folder = os.path.dirname(target)  # noqa: PTH120
    tmp = _tmp_name(target, token)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
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


def prune(out: Path, stale: Sequence[str]) -> list[str]:
    """Delete files an earlier build wrote and this one does not; then empty folders."""
    removed = []
    for rel in stale:
        target = out / rel
        if not target.is_file() or target.is_symlink():
            continue
        faults.reach("prune")
        target.unlink(missing_ok=True)
        removed.append(rel)
        _remove_empty_folders(out, target.parent)
    return removed


# --- flushing -----------------------------------------------------------------------------


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == (b if b.exists() else b.parent).stat().st_dev
    except OSError:
        return False


_libc = ctypes.CDLL(None, use_errno=True)


def _syncfs(path: Path) -> None:
    """Flush every file of the file system holding ``path`` (one call, not one fsync a
    file); ``os.sync`` where ``syncfs`` is missing."""
    syncfs = getattr(_libc, "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)
