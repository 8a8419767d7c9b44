"""Site search: a Pagefind index of the built article pages in ``<out>/pagefind/``.

Pagefind (https://pagefind.app) indexes static HTML and ships the browser side
(``pagefind-ui.js`` and friends) inside the index folder, so the search page
needs no CDN. This module drives it through its Python API
(``pagefind.index.PagefindIndex``; the binary comes with ``pagefind[bin]``).

What is indexed: every page carrying ``data-pagefind-body`` (the theme puts it on
the ``<article>`` of article pages and nowhere else), and only those: the root
selector is ``[data-pagefind-body]``, so listings, the home page and the search
page are never indexed, even on a site with no articles. Filters
(``data-pagefind-filter``: year, agency, place), the date sort
(``data-pagefind-sort``) and result metadata (``data-pagefind-meta``: title,
date, place, agency) are attributes in ``article.html``. Each page is indexed in
the language of its ``<html lang>``, so Pagefind writes one index per language
(a Russian article gets Russian stemming in an English archive).

Incremental: Pagefind cannot update an index in place (Pagefind #71), so
:func:`update_search_index` either leaves ``pagefind/`` untouched (no article
page changed and the last index completed) or writes a whole new index into a
temporary folder next to the output folder and swaps it in, so a failed run
leaves the previous index. Each index records what it was built from:
``pagefind/archivesite-built-from.txt`` holds the digest of the article pages
(path and sha256) it indexed, which the build also keeps in its record
(:func:`built_from`); an index whose digest is not the build's is written again,
so an index a kill left behind the pages catches up, even with ``.archivesite/``
deleted. Files under ``pagefind/`` are not in the build's manifest: the build never
prunes them; this module removes the folder when ``search = false``.

:class:`BackgroundIndexer` runs the same update on a worker thread for the
preview server, coalescing bursts of rebuilds into one re-index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import urls
from .config import Config
from .errors import ArchiveError

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

#: The index folder inside the output folder (Pagefind's default name).
INDEX_DIR = urls.SEARCH_INDEX
#: Only elements carrying this are indexed; pages without one are skipped.
ROOT_SELECTOR = "[data-pagefind-body]"
#: The file Pagefind writes last and the UI reads first: its presence marks a complete index.
ENTRY_FILE = "pagefind-entry.json"
#: In the index folder: the digest of the pages the index was built from (see :func:`built_from`).
BUILT_FROM_FILE = "archivesite-built-from.txt"
#: Upper bound for one indexing run (a stuck service must not hang a build forever).
TIMEOUT_SECONDS = 3600.0

MISSING_PAGEFIND = (
    "search is on (search = true in archivesite.toml) but the Pagefind binary {what}; "
    'install it with: pip install "pagefind[bin]" (or set search = false)'
)

#: What changed since the last build: ``True`` (assume anything), ``False``/empty (nothing),
#: or the output paths of the article pages written or removed.
Changes = bool | Collection[str]


class IndexFn(Protocol):
    """``index(config, out_dir, changed, built_from=digest)``: what ``build()`` calls at
    its end (``built_from``: the digest of the article pages, :func:`built_from`)."""

    def __call__(
        self, config: Config, out_dir: Path, changed: Changes, *, built_from: str = ""
    ) -> object: ...


@dataclass(frozen=True)
class SearchReport:
    """What :func:`update_search_index` did.

    ``action`` is ``"indexed"`` (a new index was swapped in), ``"unchanged"``
    (the index was left alone), ``"disabled"`` (search is off, nothing there) or
    ``"removed"`` (search is off and an old index was deleted).
    """

    action: str
    pages: int = 0
    languages: tuple[tuple[str, int], ...] = ()
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if self.action in ("disabled", "removed"):
            return f"search index {self.action} (search = false)"
        langs = ", ".join(f"{lang} {n}" for lang, n in self.languages) or "none"
        verb = "written" if self.action == "indexed" else "unchanged"
        return (
            f"search index {verb}: {self.pages} pages ({langs}), {self.files} files, "
            f"{self.bytes / 1e6:.1f} MB" + (f" in {self.seconds:.1f} s" if self.seconds else "")
        )


def changed_article_pages(
    article_paths: Iterable[str], written: Iterable[str], removed: Iterable[str]
) -> frozenset[str]:
    """The article pages a build wrote, plus every HTML page it removed.

    A removed page may have been an article (the build no longer knows its
    kind), so any removed ``.html`` counts: over-approximating only costs a
    re-index.
    """
    articles = set(article_paths)
    return frozenset(p for p in written if p in articles) | frozenset(
        p for p in removed if p.endswith(".html")
    )


def built_from(pages: Iterable[tuple[str, str]]) -> str:
    """The digest of the article pages an index shows: (output path, sha256) each."""
    h = hashlib.sha256()
    for path, sha in sorted(pages):
        h.update(f"{path}\0{sha}\n".encode())
    return h.hexdigest()


def index_built_from(out_dir: Path) -> str:
    """What the index in ``out_dir`` says it was built from ("" where it does not say)."""
    try:
        return (out_dir / INDEX_DIR / BUILT_FROM_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(out_dir: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(out_dir, threading.Lock())


def update_search_index(
    config: Config, out_dir: Path, changed: Changes, *, built_from: str = ""
) -> SearchReport:
    """Bring ``<out_dir>/pagefind/`` up to date with the built pages.

    Re-indexes when ``changed`` is truthy, when there is no complete index, when
    an earlier run was interrupted, or when the index was built from other pages
    than ``built_from`` says (given); otherwise leaves every index file untouched.
    With ``search = false`` an existing index is removed. Raises
    :class:`ArchiveError` when Pagefind is missing or fails (the old index stays).
    Safe to call from several threads: runs for one folder are serialised.
    """
    out_dir = out_dir.resolve()
    index = out_dir / INDEX_DIR
    with _lock_for(out_dir):
        if not config.search:
            if (index / ENTRY_FILE).is_file():
                shutil.rmtree(index)
                log.info("search = false: removed %s", index)
                return SearchReport("removed")
            return SearchReport("disabled")
        pending = _pending_marker(config, out_dir)
        behind = bool(built_from) and index_built_from(out_dir) != built_from
        if not changed and not behind and (index / ENTRY_FILE).is_file() and not pending.exists():
            report = _describe(index, "unchanged")
            log.debug("%s", report.summary())
            return report
        pending.parent.mkdir(parents=True, exist_ok=True)
        pending.write_text(str(out_dir) + "\n", encoding="utf-8")
        report = write_search_index(out_dir, built_from=built_from)
        pending.unlink(missing_ok=True)
        log.info("%s", report.summary())
        return report


def write_search_index(out_dir: Path, *, built_from: str = "") -> SearchReport:
    """Index ``out_dir`` into a temporary folder, then swap it in as ``out_dir/pagefind``
    (with ``built_from`` in it, where given: it is swapped in with the index)."""
    started = time.perf_counter()
    out_dir = out_dir.resolve()
    index = out_dir / INDEX_DIR
    tmp = Path(
        tempfile.mkdtemp(prefix=f".{out_dir.name}.pagefind-{os.getpid()}-", dir=out_dir.parent)
    )
    try:
        fresh = tmp / "new"
        run_pagefind(out_dir, fresh)
        if not (fresh / ENTRY_FILE).is_file():
            raise ArchiveError(f"Pagefind wrote no {ENTRY_FILE}; the old index is kept", out_dir)
        if empty := _empty_files(fresh):
            raise ArchiveError(
                f"Pagefind left {len(empty)} index file(s) empty; the old index is kept", out_dir
            )
        if built_from:
            (fresh / BUILT_FROM_FILE).write_text(built_from + "\n", encoding="utf-8")
        kept = _keep_unchanged_mtimes(fresh, index)
        log.debug("search index: %d files byte-identical to the previous index", kept)
        _swap(fresh, index, tmp / "old")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = _describe(index, "indexed")
    return SearchReport(
        report.action,
        report.pages,
        report.languages,
        report.files,
        report.bytes,
        time.perf_counter() - started,
    )


def _keep_unchanged_mtimes(fresh: Path, index: Path) -> int:
    """Give each new file whose bytes equal the old index's copy that copy's mtime.

    Pagefind names most files by content hash, and one edit changes a few of
    them, so deploy tools comparing size and mtime (rsync) upload only those.
    """
    kept = 0
    if not index.is_dir():
        return kept
    for new in fresh.rglob("*"):
        old = index / new.relative_to(fresh)
        try:
            st = old.stat()
            if not new.is_file() or st.st_size != new.stat().st_size:
                continue
            if old.read_bytes() != new.read_bytes():
                continue
        except OSError:
            continue
        os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
        kept += 1
    return kept


def _swap(fresh: Path, index: Path, old: Path) -> None:
    """Put ``fresh`` where ``index`` is; the old index is moved aside first, and back on failure."""
    had_old = index.exists()
    if had_old:
        index.rename(old)
    try:
        fresh.rename(index)
    except OSError:
        if had_old:
            old.rename(index)
        raise


def mark_index_stale(config: Config, out_dir: Path) -> None:
    """Before the build changes pages the index shows: until an index of them is
    written, every later update re-indexes (a kill in between is caught up)."""
    if not config.search:
        return
    pending = _pending_marker(config, out_dir.resolve())
    pending.parent.mkdir(parents=True, exist_ok=True)
    pending.write_text(str(out_dir) + "\n", encoding="utf-8")


def _pending_marker(config: Config, out_dir: Path) -> Path:
    """Present while an index of ``out_dir`` is being written: an interrupted run re-indexes."""
    key = hashlib.sha256(str(out_dir).encode("utf-8")).hexdigest()[:16]
    return config.state_dir / "search" / f"{key}.pending"


def _describe(index: Path, action: str) -> SearchReport:
    try:
        entry = json.loads((index / ENTRY_FILE).read_text(encoding="utf-8"))
        langs = entry.get("languages", {})
        languages = tuple(sorted((str(k), int(v.get("page_count", 0))) for k, v in langs.items()))
    except (OSError, ValueError, AttributeError):
        languages = ()
    files = [p for p in index.rglob("*") if p.is_file()]
    return SearchReport(
        action,
        pages=sum(n for _, n in languages),
        languages=languages,
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
    )


# --- Pagefind ----------------------------------------------------------------


def pagefind_binary() -> Path:
    """The Pagefind binary the Python API will run, or a clear :class:`ArchiveError`."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise ArchiveError(MISSING_PAGEFIND.format(what="is not installed")) from exc
    try:
        binary = get_executable()
    except (FileNotFoundError, OSError) as exc:
        raise ArchiveError(MISSING_PAGEFIND.format(what=f"was not found ({exc})")) from exc
    if binary is None:
        raise ArchiveError(MISSING_PAGEFIND.format(what="was not found"))
    if not binary.is_file():
        raise ArchiveError(MISSING_PAGEFIND.format(what=f"was not found at {binary}"))
    return binary


def run_pagefind(site: Path, dest: Path, *, timeout: float = TIMEOUT_SECONDS) -> int:
    """Index the pages of ``site`` that carry ``data-pagefind-body`` into ``dest``.

    Returns the number of HTML files Pagefind looked at. Runs its own event
    loop (on a helper thread when the caller is already inside one).
    """
    import asyncio  # here: only indexing needs it, and importing it slows every build
    import concurrent.futures

    pagefind_binary()
    coroutine_fn = _index_directory
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_fn(site, dest, timeout))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_fn(site, dest, timeout)).result()


async def _index_directory(site: Path, dest: Path, timeout: float) -> int:
    import asyncio

    from pagefind.service import PagefindService

    config: Any = {"root_selector": ROOT_SELECTOR, "output_path": str(dest)}
    try:
        async with asyncio.timeout(timeout), PagefindService() as service:
            backend = getattr(service, "_backend", None)
            index = await _unless_exited(
                asyncio.ensure_future(service.create_index(config)), backend
            )
            work = asyncio.ensure_future(index.add_directory(str(site)))
            result = await _unless_exited(work, backend)
            await _unless_exited(asyncio.ensure_future(index.write_files()), backend)
            await _unless_exited(asyncio.ensure_future(_written(dest)), backend)
    except ArchiveError:
        raise
    except TimeoutError as exc:
        raise ArchiveError(f"Pagefind did not finish within {timeout:.0f} s", site) from exc
    except OSError as exc:
        raise ArchiveError(MISSING_PAGEFIND.format(what=f"could not be run ({exc})")) from exc
    except Exception as exc:  # the service reports its errors as bare Exceptions
        raise ArchiveError(f"Pagefind failed: {exc}", site) from exc
    return int(result.get("page_count", 0))


#: A cap on waiting for Pagefind's answered writes to reach its files.
WRITE_WAIT_SECONDS = 120.0


async def _written(dest: Path) -> None:
    """Until no file in ``dest`` is empty. Pagefind answers "written" once it has handed
    the bytes to its own I/O threads, and is stopped right after: on a busy machine that
    left files empty (an index of "0 pages"). It never writes an empty file itself."""
    import asyncio

    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    while _empty_files(dest) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def _empty_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size == 0]


async def _unless_exited(work: asyncio.Future[Any], backend: Any) -> Any:
    """Await ``work``, failing fast if the Pagefind process dies (its replies would never come)."""
    import asyncio

    if backend is None or not hasattr(backend, "wait"):
        return await work
    exited = asyncio.ensure_future(backend.wait())
    try:
        done, _ = await asyncio.wait({work, exited}, return_when=asyncio.FIRST_COMPLETED)
        if work in done:
            return work.result()
        work.cancel()
        raise ArchiveError(f"Pagefind exited unexpectedly (status {exited.result()})")
    finally:
        if not exited.done():
            exited.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await exited


# --- background indexing (the preview server) ----------------------------------


def _merge(a: Changes, b: Changes) -> Changes:
    if a is True or b is True:
        return True
    if not a:
        return b
    if not b:
        return a
    assert not isinstance(a, bool) and not isinstance(b, bool)
    return frozenset(a) | frozenset(b)


#: How much lower the background indexer runs (``nice`` steps): on a 2-core
#: machine a re-index must not slow the next rebuild.
BACKGROUND_NICENESS = 10


def _lower_this_threads_priority() -> None:
    """Renice the calling thread (Linux nice is per thread; Pagefind, started from it, inherits)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError) as exc:  # not Linux, or not allowed: run at normal priority
        log.debug("cannot lower the search indexer's priority: %s", exc)


class BackgroundIndexer:
    """Run :func:`update_search_index` on one worker thread, never blocking the caller.

    ``request(config, out_dir, changed, built_from=...)`` has the signature ``build()``
    expects of its ``index_search`` argument and returns at once. Requests that arrive while
    an index is being written are merged into one follow-up run, so a burst of
    rebuilds costs at most one extra index. Failures are logged (the old index
    stays) and kept in :attr:`last_error`; :meth:`wait` blocks until idle (tests).
    The worker thread, and the Pagefind process it starts, run at a lower CPU
    priority (:data:`BACKGROUND_NICENESS`) so they do not slow the next rebuild.
    """

    def __init__(self, index: IndexFn = update_search_index) -> None:
        self._index = index
        self._cond = threading.Condition()
        self._pending: tuple[Config, Path, Changes, str] | None = None
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.last_report: object = None
        self.last_error: BaseException | None = None

    def request(
        self, config: Config, out_dir: Path, changed: Changes, *, built_from: str = ""
    ) -> None:
        with self._cond:
            if self._closed:
                return
            if self._pending is not None and self._pending[1] == out_dir:
                changed = _merge(self._pending[2], changed)
            self._pending = (config, out_dir, changed, built_from)  # the newest build's pages
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="archivesite-search-index", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no run is pending or in progress; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._pending is None and not self._busy, timeout=timeout
            )

    def close(self, timeout: float = 10.0) -> bool:
        """Drop pending requests and stop the worker (waiting up to ``timeout`` for a run);
        False when a run is still going after that."""
        with self._cond:
            self._closed = True
            self._pending = None
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _work(self) -> None:
        _lower_this_threads_priority()
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    return
                assert self._pending is not None
                config, out_dir, changed, pages = self._pending
                self._pending = None
                self._busy = True
            try:
                self.last_report = self._index(config, out_dir, changed, built_from=pages)
                self.last_error = None
            except ArchiveError as exc:
                self.last_error = exc
                log.error("search index not updated (the old one is kept): %s", exc)
            except Exception as exc:
                self.last_error = exc
                log.error("search indexing crashed (a bug):\n%s", traceback.format_exc().rstrip())
            finally:
                with self._cond:
                    self._busy = False
                    self.runs += 1
                    self._cond.notify_all()
