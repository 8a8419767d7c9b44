"""Site search: the static inverted index of the site's articles in ``<out>/search-index/``.

What is indexed: every article the site shows (not static pages, not a story's earlier
versions), as a :class:`~archivesite.search_index.SearchRecord` made from the site model:
title, the plain text of its lede and body, date, year, place, agency, language and URL.
No page is parsed. :mod:`archivesite.search_index` owns the files
(``docs/search-index-format.md``); ``static/assets/search-engine.js`` reads them.

Incremental: the build hands over the article pages it wrote or removed and the digest
of the article pages before and after (:func:`built_from`). When the index shows what
the last build showed (its ``built_from`` is the digest before), the changed articles go
into delta files (:func:`~archivesite.search_index.update_index`), searchable at once;
otherwise each article's key (:func:`record_key`, no body read) is compared with the one
the index keeps, and the articles whose key changed go into delta files. When many
changed, or the delta is due for a clean index, the whole index is written again. An
index a kill left behind the pages is therefore caught up, even with ``.archivesite/``
deleted; a no-op build reads the manifest and writes nothing. The index folder is not
in the build's manifest: the build never prunes it; this module removes it when
``search = false``.

:class:`BackgroundIndexer` runs the same update on a worker thread for the preview
server, coalescing bursts of rebuilds into one update.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import search_index, urls
from .config import Config
from .errors import ArchiveError
from .model import Article, Site
from .search_index import IndexStats, SearchRecord, plain_text, read_manifest
from .taxonomies import place_name

log = logging.getLogger(__name__)

#: The index folder inside the output folder.
INDEX_DIR = urls.SEARCH_INDEX
#: In the index folder: the digest of the pages the index was built from (see :func:`built_from`).
BUILT_FROM_FILE = search_index.BUILT_FROM
#: Folders an earlier engine wrote into the output (removed with the first new index).
LEGACY_DIRS = ("pagefind",)
#: Past this share of the indexed articles changed at once, the index is written whole.
REWRITE_SHARE = 0.1

#: What changed since the last build: ``True`` (assume anything), ``False``/empty (nothing),
#: or the output paths of the article pages written or removed.
Changes = bool | Collection[str]


@dataclass(frozen=True)
class SiteRecords:
    """The site's articles as search records, each made (its body read) when asked for."""

    root: str
    language: str
    articles: Mapping[str, Article] = field(hash=False)  # by URL, in date order

    def __len__(self) -> int:
        return len(self.articles)

    def all(self) -> Iterator[SearchRecord]:
        for a in self.articles.values():
            yield search_record(self.root, a, self.language)

    def keys(self) -> dict[str, str]:
        """Each article's key (:func:`record_key`) by URL: no body is read."""
        return {url: record_key(a, self.language) for url, a in self.articles.items()}

    def of(self, urls: Iterable[str]) -> Iterator[SearchRecord]:
        for url in urls:
            a = self.articles.get(url)
            if a is not None:
                yield search_record(self.root, a, self.language)


def site_records(config: Config, site: Site) -> SiteRecords:
    """What the search index of ``site`` holds: its articles, undated then by date."""
    articles = {a.url: a for a in (*site.archive.undated, *site.archive.dated)}
    return SiteRecords(str(config.root), config.language, articles)


def record_key(a: Article, language: str) -> str:
    """A digest of everything a search record is made from (the body by its hash)."""
    date = a.date.isoformat() if a.date else ""
    place = place_name(a) if a.dateline else ""
    parts = (a.url, a.title, a.lede or "", a.body_hash, date, place, a.agency or "", language)
    return hashlib.sha256("\0".join((*parts, a.language or "")).encode()).hexdigest()[:16]


def search_record(root: str, a: Article, language: str) -> SearchRecord:
    """One article as the index shows it (its body read from its source)."""
    body = plain_text(_body(f"{root}/{a.source}", a))
    text = f"{a.lede} {body}" if a.lede and not body.startswith(a.lede[:40]) else body
    return SearchRecord(
        url=a.url,
        title=a.title,
        text=text,
        date=a.date.isoformat() if a.date else "",
        year=a.date.year if a.date else None,
        place=place_name(a) if a.dateline else "",
        agency=a.agency or "",
        lang=a.language or language,
        key=record_key(a, language),
    )


def _body(path: str, a: Article) -> str:
    """The body of ``a``; where the file changed since it was loaded (an edit under
    ``serve`` while the index is written), its body now: the build that edit starts
    indexes it again."""
    try:
        with Path(path).open("rb") as f:
            f.seek(a.body_offset)
            data = f.read()
            if hashlib.sha256(data).hexdigest() != a.body_hash:
                f.seek(0)
                data = _after_front_matter(f.read())
    except OSError as exc:
        raise ArchiveError(f"cannot read: {exc.strerror}", path) from exc
    return data.decode("utf-8", "replace")


def _after_front_matter(data: bytes) -> bytes:
    if not data.startswith(b"---"):
        return data
    end = data.find(b"\n---", 3)
    return data[data.find(b"\n", end + 4) + 1 :] if end >= 0 else data


@dataclass(frozen=True)
class IndexRequest:
    """What ``build()`` asks of the search index at its end: the index in ``out_dir``
    brought up to date with the pages built (``changed``: the article pages written or
    removed, True for all; ``built_from``: the digest of the article pages,
    :func:`built_from`; ``since``: the last build's; ``records``: the site's articles,
    None when the build did not load the site)."""

    config: Config
    out_dir: Path
    changed: Changes
    built_from: str = ""
    since: str = ""
    records: SiteRecords | None = None


# What ``build()`` hands its :class:`IndexRequest` to: :func:`index_now` by default,
# a :class:`BackgroundIndexer`'s ``request`` in the preview.
IndexFn = Callable[[IndexRequest], object]


@dataclass(frozen=True)
class SearchReport:
    """What :func:`update_search_index` did.

    ``action`` is ``"indexed"`` (a new index, or new delta files: ``incremental``, are in
    place), ``"unchanged"`` (the index was left alone), ``"disabled"`` (search is off,
    nothing there) or ``"removed"`` (search is off and an old index was deleted).
    """

    action: str
    pages: int = 0
    languages: tuple[tuple[str, int], ...] = ()
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    incremental: bool = False

    def summary(self) -> str:
        if self.action in ("disabled", "removed"):
            return f"search index {self.action} (search = false)"
        if self.action == "unchanged":
            return f"search index unchanged: {self.pages} articles"
        how = "updated" if self.incremental else "written"
        return (
            f"search index {how}: {self.pages} articles, {self.files} files, "
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
    manifest = read_manifest(out_dir / INDEX_DIR)
    return str(manifest.get("built_from", "")) if manifest else ""


def index_behind(config: Config, out_dir: Path, digest: str) -> bool:
    """Search is on and the index in ``out_dir`` does not show the pages ``digest`` names
    (missing, or a kill came between the pages and the index)."""
    return config.search and index_built_from(out_dir.resolve()) != digest


_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(out_dir: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(out_dir, threading.Lock())


def _page_url(path: str) -> str:
    """The URL path of the page written to ``path`` (the inverse of ``urls.output_path``)."""
    return path.removesuffix("index.html") if path.rsplit("/", 1)[-1] == "index.html" else path


def index_now(request: IndexRequest) -> SearchReport:
    """The request carried out in this thread: :func:`update_search_index`."""
    return update_search_index(
        request.config,
        request.out_dir,
        request.changed,
        built_from=request.built_from,
        since=request.since,
        records=request.records,
    )


def update_search_index(
    config: Config,
    out_dir: Path,
    changed: Changes,
    *,
    built_from: str = "",
    since: str = "",
    records: SiteRecords | None = None,
) -> SearchReport:
    """Bring ``<out_dir>/search-index/`` up to date with the built pages.

    Leaves every index file untouched when nothing changed and the index shows the pages
    ``built_from`` names. When the index shows what the last build showed (``since``),
    the changed articles go into delta files; otherwise the whole index is written from
    ``records``. With ``search = false`` an existing index is removed. Raises
    :class:`ArchiveError` when the index must be written and ``records`` is None. Safe
    to call from several threads: runs for one folder are serialised.
    """
    out_dir = out_dir.resolve()
    index = out_dir / INDEX_DIR
    with _lock_for(out_dir):
        removed_legacy = _remove_legacy(out_dir)
        if not config.search:
            if index.exists():
                shutil.rmtree(index)
                log.info("search = false: removed %s", index)
                return SearchReport("removed")
            return SearchReport("removed" if removed_legacy else "disabled")
        search_index.remove_partial(index)
        manifest = read_manifest(index)
        current = manifest is not None and (
            not built_from or manifest.get("built_from") == built_from
        )
        if current and not changed:
            assert manifest is not None
            report = SearchReport("unchanged", pages=int(manifest["count"]))
            log.debug("%s", report.summary())
            return report
        if records is None:
            raise ArchiveError(
                "the search index is behind the pages and this build did not load the site; "
                "build again",
                index,
            )
        plan = None
        if manifest is not None and not search_index.due_for_rewrite(manifest):
            plan = _delta(index, manifest, changed, since, records)
        if plan is not None:
            stale, gone = plan
            stats = search_index.update_index(
                index, list(records.of(stale)), gone, built_from=built_from
            )
        else:
            stats = write_search_index(out_dir, records, built_from=built_from)
        report = _report(stats)
        log.info("%s", report.summary())
        return report


def _delta(
    index: Path, manifest: dict[str, Any], changed: Changes, since: str, records: SiteRecords
) -> tuple[list[str], list[str]] | None:
    """The URLs to index again and those to drop, when few enough for delta files; None
    when the index is better written whole.

    Where the index shows what the last build did (``since``), the article pages that
    build changed say which; otherwise (a kill between the pages and the index, a
    template that rewrote every article page) each article's key is compared with the
    key the index keeps for its URL."""
    count = manifest.get("count")
    limit = max(50, int(REWRITE_SHARE * count)) if isinstance(count, int) else 50
    if changed is not True and since and manifest.get("built_from") == since:
        urls_ = sorted({_page_url(p) for p in (changed or ())})
        if len(urls_) <= limit:
            return [u for u in urls_ if u in records.articles], [
                u for u in urls_ if u not in records.articles
            ]
    stored = search_index.indexed_keys(index, manifest)
    keys = records.keys()
    stale = sorted(u for u, k in keys.items() if stored.get(u) != k)
    gone = sorted(set(stored) - set(keys))
    return (stale, gone) if len(stale) + len(gone) <= limit else None


def write_search_index(
    out_dir: Path, records: SiteRecords | Iterable[SearchRecord], *, built_from: str = ""
) -> IndexStats:
    """Write the whole index of ``records`` into ``out_dir/search-index`` (built beside
    the output folder, then swapped in)."""
    out_dir = out_dir.resolve()
    stream = records.all() if isinstance(records, SiteRecords) else records
    return search_index.write_index(
        stream,
        out_dir / INDEX_DIR,
        built_from=built_from,
        work=out_dir.parent,
        prefix=temp_prefix(out_dir),
    )


def temp_prefix(out_dir: Path) -> str:
    """How the temporary folders of index writes beside ``out_dir`` begin."""
    return f".{out_dir.name}.search-"


def _remove_legacy(out_dir: Path) -> bool:
    removed = False
    for name in LEGACY_DIRS:
        if (out_dir / name / "pagefind-entry.json").is_file():
            shutil.rmtree(out_dir / name, ignore_errors=True)
            removed = True
    return removed


def _report(stats: IndexStats) -> SearchReport:
    return SearchReport(
        "indexed",
        pages=stats.documents,
        files=stats.files,
        bytes=stats.bytes,
        seconds=stats.seconds,
        incremental=not stats.full,
    )


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
    """Renice the calling thread (Linux nice is per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError) as exc:  # not Linux, or not allowed: run at normal priority
        log.debug("cannot lower the search indexer's priority: %s", exc)


class BackgroundIndexer:
    """Run :func:`update_search_index` on one worker thread, never blocking the caller.

    :meth:`request` is an :data:`IndexFn` for ``build()``'s ``index_search`` and returns
    at once. Requests that arrive while an index is being written are merged into one
    follow-up run, so a burst of rebuilds costs at most one extra index. Failures are
    logged (the old index stays) and kept in :attr:`last_error`; :meth:`wait` blocks
    until idle (tests). The worker thread runs at a lower CPU priority
    (:data:`BACKGROUND_NICENESS`) so that it does not slow the next rebuild.
    """

    def __init__(self, index: IndexFn = index_now) -> None:
        self._index = index
        self._cond = threading.Condition()
        self._pending: IndexRequest | None = None
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.last_report: object = None
        self.last_error: BaseException | None = None

    def request(self, request: IndexRequest) -> None:
        with self._cond:
            if self._closed:
                return
            pending = self._pending
            if pending is not None and pending.out_dir == request.out_dir:
                request = replace(
                    request,  # the newest build's pages
                    changed=_merge(pending.changed, request.changed),
                    since=pending.since,  # the index is still where the first request found it
                    records=request.records if request.records is not None else pending.records,
                )
            self._pending = request
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
                job = self._pending
                self._pending = None
                self._busy = True
            try:
                self.last_report = self._index(job)
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
