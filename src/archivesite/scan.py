"""What ``content/`` holds: the one walker of content files, and their digests.

:func:`walk_content` is the only place that decides which files are content: every
``*.md`` file below the folder, hidden and ``_``-prefixed names skipped, links followed
only within ``content/`` (:mod:`entries`), in sorted path order; a folder that cannot be
read is reported as an unreadable file, so its articles are never silently unpublished.
:class:`StatCache` gives each file's sha256, hashing again only files whose (size,
mtime, ctime, inode) changed since the last scan.
"""

from __future__ import annotations

import logging
import operator
import os
import pickle
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .entries import follows, skip_special
from .files import pickle_atomic
from .fingerprints import file_digest

log = logging.getLogger(__name__)

STATS_CACHE = "cache/stats.pickle"
STATS_VERSION = 2
UNREADABLE = "unreadable"  # the digest of a file that cannot be read

# A file modified this close to the last scan may change again within the same mtime
# tick (git's "racy clean" problem): hash it instead of trusting its stat.
_RACY_NS = 2_000_000_000

Signature = tuple[int, int, int, int]  # size, mtime, ctime, inode

_name = operator.attrgetter("name")


def walk_content(
    folder: str, rel: str, top: str | None = None, *, follow_all: bool = False
) -> Iterator[tuple[str, str, os.stat_result | None]]:
    """(``rel``-prefixed path, path, stat or None where unreadable) of every content file
    candidate below ``folder``, in sorted path order: names are sorted per folder, which
    orders paths as sorting their part tuples does. Links follow the rule of
    :mod:`entries`; special files are skipped with a warning; a folder below the top
    that cannot be read is given as unreadable (so it is reported, never skipped)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_name)
    except FileNotFoundError:
        if top is not None:
            yield rel, folder, None
        return  # no content folder: no articles
    except OSError:
        yield rel, folder, None
        return
    top = top or folder
    for e in entries:
        name = e.name
        if name.startswith((".", "_")):
            continue
        if e.is_symlink() and not follows(e.path, top, follow_all=follow_all):
            continue
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not e.is_symlink() or not _loops(e.path, folder):
                yield from walk_content(e.path, f"{rel}/{name}", top, follow_all=follow_all)
        elif name.endswith(".md"):
            try:
                st: os.stat_result | None = e.stat()
            except OSError:
                st = None
            if st is not None and skip_special(e.path, st.st_mode):
                continue
            yield f"{rel}/{name}", e.path, st


def _loops(link: str, folder: str) -> bool:
    """A linked folder that holds the folder it is in (walking it would never end)."""
    target = os.path.realpath(link)
    here = os.path.realpath(folder)
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep)


def content_files(config: Config) -> Iterator[tuple[str, str]]:
    """(site-relative path, path) of every content file, in load order."""
    base = str(config.content_dir)
    for rel, path, st in walk_content(base, _prefix(config), follow_all=config.follow_symlinks):
        if st is None or stat.S_ISREG(st.st_mode):
            yield rel, path  # an unreadable one too: loading it reports it


def _prefix(config: Config) -> str:
    return os.path.relpath(config.content_dir, config.root).replace(os.sep, "/")


def _signature(st: os.stat_result) -> Signature:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


@dataclass
class StatCache:
    """Each content file's stat signature and sha256 as of the last scan. A file whose
    signature is unchanged (outside the racy window) is taken to hold the same bytes."""

    stats: dict[str, Signature] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    scanned_ns: int = 0
    saved: tuple[object, object] | None = None  # what :meth:`read` found

    def read(self, path: Path, root: str) -> None:
        """The cache a previous process saved (nothing on any damage)."""
        try:
            with path.open("rb") as f:
                version, saved_root, stats, digests, scanned = pickle.load(f)
            if version == STATS_VERSION and saved_root == root:
                self.stats, self.digests, self.scanned_ns = stats, digests, int(scanned)
                self.saved = (stats, digests)
        except FileNotFoundError:
            pass
        except Exception as exc:  # any damage means: hash every file
            log.debug("%s: unusable stat cache (%s)", path, exc)

    def write(self, path: Path, root: str) -> None:
        if self.saved == (self.stats, self.digests):
            return  # only the scan time changed: the old one trusts the same files
        data = (STATS_VERSION, root, self.stats, self.digests, self.scanned_ns)
        try:
            pickle_atomic(path, data)
        except OSError as exc:
            log.warning("%s: cannot save the stat cache: %s", path, exc)

    def scan(
        self, config: Config, *, hash_new: bool = True, hint: frozenset[str] | None = None
    ) -> dict[str, str]:
        """The sha256 of every content file, by site-relative path, in load order. Only
        files whose signature changed, or that were modified just before the last scan,
        are hashed; ``hash_new=False`` gives them "" instead (the caller hashes them
        later). ``hint``: the only files that may have changed since the last scan."""
        if hint is not None and self.digests and hint <= self.digests.keys():
            found = self._hinted(config, hint)
            if found is not None:
                return found
        digests: dict[str, str] = {}
        stats: dict[str, Signature] = {}
        scanned = time.time_ns()
        racy = self.scanned_ns - _RACY_NS
        for rel, path, st in walk_content(
            str(config.content_dir), _prefix(config), follow_all=config.follow_symlinks
        ):
            if st is None:
                digests[rel] = UNREADABLE
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            sig = _signature(st)
            known = self.digests.get(rel)
            if known is not None and self.stats.get(rel) == sig and st.st_mtime_ns < racy:
                digests[rel] = known
            else:
                digests[rel] = file_digest(path) if hash_new else ""
            stats[rel] = sig
        self.stats, self.digests, self.scanned_ns = stats, digests, scanned
        return digests

    def _hinted(self, config: Config, hint: frozenset[str]) -> dict[str, str] | None:
        """The last digests with the hinted files looked at again; None when one of them
        is gone or no longer a file (the full scan places and reports it)."""
        digests, stats = dict(self.digests), dict(self.stats)
        for rel in hint:
            path = os.path.join(config.root, rel)  # noqa: PTH118
            try:
                st = os.stat(path)  # noqa: PTH116
            except OSError:
                return None
            if not stat.S_ISREG(st.st_mode):
                return None
            sig = _signature(st)
            if stats.get(rel) != sig or st.st_mtime_ns >= self.scanned_ns - _RACY_NS:
                digests[rel] = file_digest(path)
            stats[rel] = sig
        self.stats, self.digests = stats, digests  # the scan time stays: others are not seen
        return digests
