"""The whole index, written from a stream of records (:func:`write_index`).

Promises: the records are read once, with at most :data:`RUN_POSTINGS` postings in memory
(the rest go to sorted runs on disk, merged at the end), so a million records index in
bounded memory; terms are counted in worker processes past the first
:data:`PARALLEL_AFTER` records; the new index is built in a temporary folder and swapped
in, so a kill leaves the old one whole; the same records give byte-identical files.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import multiprocessing
import os
import pickle
import shutil
import tempfile
import time
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import ArchiveError
from .files import (
    BUILT_FROM,
    DOC_CHUNK,
    FORMAT,
    MANIFEST,
    count_facets,
    dumps,
    facet_lists,
    put,
    remove_leftovers,
    term_entry,
    url_bucket,
)
from .records import (
    IndexStats,
    SearchRecord,
    doc_meta,
    sort_key,
    term_counts,
)

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

#: About this many bytes of postings per term file (a longer term has a file of its own).
TERM_FILE_BYTES = 40_000
#: Postings held in memory before a sorted run is written to disk.
RUN_POSTINGS = 20_000_000
#: Records counted in the calling process before worker processes take over, and per task.
PARALLEL_AFTER = 2000
COUNT_CHUNK = 500
#: Records one write can take (a posting packs its record's number in 24 bits).
MAX_RECORDS = 1 << 24
#: About this many URLs in each bucket of the updater's URL -> document-number map.
URLS_PER_BUCKET = 1000


class _Runs:
    """Postings ``(term, record sequence number, tf)`` collected in memory and spilled
    to sorted run files when there are :data:`RUN_POSTINGS` of them."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.files: list[Path] = []
        self.terms: dict[str, array[int]] = {}  # each posting: sequence << 8 | tf
        self.held = 0

    def add(self, seq: int, counts: dict[str, int]) -> None:
        held = self.terms
        base = seq << 8
        for term, tf in counts.items():
            postings = held.get(term)
            if postings is None:
                postings = held[term] = array("I")
            postings.append(base | tf)
        self.held += len(counts)
        if self.held >= RUN_POSTINGS:
            self.spill()

    def extend(self, packed: list[tuple[str, bytes]]) -> None:
        """Add postings a worker counted (each term's packed array)."""
        held = self.terms
        for term, data in packed:
            postings = held.get(term)
            if postings is None:
                postings = held[term] = array("I")
            postings.frombytes(data)
            self.held += len(data) // 4
        if self.held >= RUN_POSTINGS:
            self.spill()

    def spill(self) -> None:
        path = self.work / f"run-{len(self.files)}.bin"
        with path.open("wb") as f:
            for item in self._sorted():
                pickle.dump(item, f, protocol=pickle.HIGHEST_PROTOCOL)
        self.files.append(path)
        self.terms, self.held = {}, 0

    def _sorted(self) -> Iterator[tuple[bytes, str, bytes]]:
        for term in sorted(self.terms, key=sort_key):
            yield sort_key(term), term, self.terms[term].tobytes()

    def merged(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """Each term once, in term order, with all its (sequence numbers, tfs)."""
        import numpy as np

        sources: list[Iterator[tuple[bytes, str, bytes]]] = [_read_run(p) for p in self.files]
        sources.append(self._sorted())
        for _, group in itertools.groupby(heapq.merge(*sources), key=lambda e: e[0]):
            parts = list(group)
            packed = np.concatenate([np.frombuffer(p[2], dtype=np.uint32) for p in parts])
            yield parts[0][1], (packed >> 8).astype(np.int64), packed & 0xFF


def _count_chunk(chunk: list[tuple[int, SearchRecord]]) -> list[tuple[str, bytes]]:
    """In a worker process: the packed postings of a chunk of records."""
    held: dict[str, array[int]] = {}
    for seq, r in chunk:
        base = seq << 8
        for term, tf in term_counts(r).items():
            postings = held.get(term)
            if postings is None:
                postings = held[term] = array("I")
            postings.append(base | tf)
    return [(term, postings.tobytes()) for term, postings in held.items()]


class _Counting:
    """Counts records' terms into ``runs``: in this process for the first
    :data:`PARALLEL_AFTER` records, then in ``jobs`` forked worker processes, with at
    most two chunks per worker in flight (the stream is never read far ahead)."""

    def __init__(self, runs: _Runs, jobs: int) -> None:
        self.runs = runs
        self.jobs = jobs
        self.chunk: list[tuple[int, SearchRecord]] = []
        self.pool: Any = None
        self.flying: deque[Any] = deque()

    def add(self, seq: int, r: SearchRecord) -> None:
        if self.jobs < 2 or seq < PARALLEL_AFTER:
            self.runs.add(seq, term_counts(r))
            return
        self.chunk.append((seq, r))
        if len(self.chunk) >= COUNT_CHUNK:
            self._send()

    def _send(self) -> None:
        if self.pool is None:
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        self.flying.append(self.pool.apply_async(_count_chunk, (self.chunk,)))
        self.chunk = []
        while len(self.flying) > 2 * self.jobs:
            self.runs.extend(self.flying.popleft().get())

    def finish(self) -> None:
        if self.chunk:
            self._send()
        while self.flying:
            self.runs.extend(self.flying.popleft().get())
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _read_run(path: Path) -> Iterator[tuple[bytes, str, bytes]]:
    with path.open("rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


class _Metas:
    """Each record's metadata, spilled to a file in arrival order and read back by number."""

    def __init__(self, work: Path) -> None:
        self.path = work / "metas.bin"
        self.file: BinaryIO = self.path.open("w+b")
        self.offsets = array("Q")

    def add(self, meta: list[str], key: str) -> None:
        self.offsets.append(self.file.tell())
        pickle.dump((meta, key), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def get(self, seq: int) -> tuple[list[str], str]:
        self.file.seek(self.offsets[seq])
        entry: tuple[list[str], str] = pickle.load(self.file)
        return entry

    def close(self) -> None:
        self.file.close()


def write_index(
    records: Iterable[SearchRecord],
    dest: Path,
    *,
    built_from: str = "",
    work: Path | None = None,
    prefix: str = "",
    jobs: int | None = None,
) -> IndexStats:
    """Write the index of ``records`` into ``dest`` (replacing any index there).

    The index is made in a temporary folder in ``work`` (default: beside ``dest``), named
    ``prefix`` (default ``.<dest name>.``) + ``tmp-<pid>-…``, and swapped in at the end.
    A record whose URL came before replaces the earlier one. Terms are counted in
    ``jobs`` worker processes (default: one per core) past the first few thousand records.
    """
    started = time.perf_counter()
    dest = Path(dest)
    work = Path(work) if work is not None else dest.parent
    prefix = prefix or f".{dest.name}."
    work.mkdir(parents=True, exist_ok=True)
    remove_leftovers(work, prefix)
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}tmp-{os.getpid()}-", dir=work))
    try:
        fresh = tmp / "index"
        files, size, count = _write_fresh(
            records, fresh, tmp, built_from, (os.cpu_count() or 1) if jobs is None else jobs
        )
        _swap(fresh, dest, tmp / "old")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return IndexStats(count, files, size, True, 0, time.perf_counter() - started)


def _write_fresh(
    records: Iterable[SearchRecord], out: Path, tmp: Path, built_from: str, jobs: int
) -> tuple[int, int, int]:
    import numpy as np

    runs = _Runs(tmp)
    counting = _Counting(runs, jobs)
    metas = _Metas(tmp)
    keys: list[tuple[str, str, int]] = []
    years = array("H")
    seen: dict[str, int] = {}
    try:
        for seq, r in enumerate(records):
            if seq >= MAX_RECORDS:
                raise ArchiveError(f"more than {MAX_RECORDS - 1:,} records to index", out)
            if r.url in seen:  # the later record wins: the earlier one's number is void
                log.warning("search index: %s indexed twice; the later record is kept", r.url)
                keys[seen[r.url]] = ("", "", -1)
            seen[r.url] = seq
            keys.append((r.date, r.url, seq))
            years.append(r.year or 0)
            metas.add(doc_meta(r), r.key)
            counting.add(seq, r)
        counting.finish()
        del seen
        keys = sorted(k for k in keys if k[2] >= 0)
        number = np.full(len(years), -1, dtype=np.int64)  # sequence -> document number
        order = np.fromiter((k[2] for k in keys), dtype=np.int64, count=len(keys))
        number[order] = np.arange(len(keys))
        del keys
        (out / "t").mkdir(parents=True)
        (out / "d").mkdir()
        (out / "u").mkdir()
        written, size = 0, 0
        firsts, term_stamp, size = _write_terms(runs.merged(), number, out)
        written += len(firsts)
        n_buckets = max(1, len(order) // URLS_PER_BUCKET)
        stamp, facets, spans, n_chunks, chunk_bytes = _write_docs(
            order, metas, years, out, n_buckets
        )
        written += n_chunks + n_buckets
        size += chunk_bytes
    finally:
        counting.close()
        metas.close()
    manifest = {
        "format": FORMAT,
        "built_from": built_from,
        "base": len(order),
        "next": len(order),
        "count": len(order),
        "doc_chunk": DOC_CHUNK,
        "url_buckets": n_buckets,
        "docs": stamp,
        "doc_stamps": {},
        "terms": firsts,
        "term_stamp": term_stamp,
        "term_stamps": {},
        "years": {str(y): span for y, span in sorted(spans.items())},
        "facets": facets,
        "added": [],
        "void": [],
        "delta": {},
        "delta_docs": 0,
    }
    size += put(out / BUILT_FROM, (built_from + "\n").encode())
    size += put(out / MANIFEST, dumps(manifest))
    return written + 2, size, len(order)


def _write_terms(
    merged: Iterator[tuple[str, np.ndarray, np.ndarray]], number: np.ndarray, out: Path
) -> tuple[list[str], str, int]:
    """The term files (consecutive terms up to :data:`TERM_FILE_BYTES` each, named by one
    stamp of them all): each one's first term, the stamp, their bytes."""
    import numpy as np

    firsts: list[str] = []
    h = hashlib.sha256()
    total = 0
    parts: list[bytes] = []
    first = ""
    size = 0

    def flush() -> None:
        nonlocal parts, size, total
        if parts:
            data = b"{" + b",".join(parts) + b"}"
            h.update(data)
            total += put(out / "t" / f"{len(firsts)}.json", data, atomic=False)
            firsts.append(first)
        parts, size = [], 0

    for term, seqs, tfs in merged:
        nums = number[seqs]
        keep = nums >= 0
        nums, tfs = nums[keep], tfs[keep]
        if not len(nums):
            continue
        by = np.argsort(nums, kind="stable")
        piece = dumps(term) + b":" + dumps(term_entry(term, nums[by], tfs[by]))
        if size and size + len(piece) > TERM_FILE_BYTES:
            flush()
        if not parts:
            first = term
        parts.append(piece)
        size += len(piece)
    flush()
    stamp = h.hexdigest()[:8]
    for i in range(len(firsts)):
        (out / "t" / f"{i}.json").rename(out / "t" / f"{i}.{stamp}.json")
    return firsts, stamp, total


def _write_docs(
    order: np.ndarray, metas: _Metas, years: array[int], out: Path, n_buckets: int
) -> tuple[str, dict[str, Any], dict[int, list[int]], int, int]:
    """The metadata chunks (named by one stamp of them all), the URL buckets, facet
    counts and each year's range of numbers."""
    h = hashlib.sha256()
    chunks = 0
    size = 0
    buckets: list[dict[str, list[Any]]] = [{} for _ in range(n_buckets)]
    counts: dict[str, Counter[str]] = {"year": Counter(), "place": Counter(), "agency": Counter()}
    spans: dict[int, list[int]] = {}
    for start in range(0, len(order), DOC_CHUNK):
        chunk = []
        for num in range(start, min(start + DOC_CHUNK, len(order))):
            seq = int(order[num])
            meta, key = metas.get(seq)
            chunk.append(meta)
            buckets[url_bucket(meta[0], n_buckets)][meta[0]] = [num, key]
            year = years[seq]
            if year:
                spans.setdefault(year, [num, num])[1] = num + 1
            count_facets(counts, year, meta[3], meta[4], 1)
        data = dumps(chunk)
        h.update(data)
        size += put(out / "d" / f"{chunks}.json", data, atomic=False)
        chunks += 1
    stamp = h.hexdigest()[:8]
    for n in range(chunks):
        (out / "d" / f"{n}.json").rename(out / "d" / f"{n}.{stamp}.json")
    for i, bucket in enumerate(buckets):
        size += put(out / "u" / f"{i}.json", dumps(dict(sorted(bucket.items()))), atomic=False)
    return stamp, facet_lists(counts), spans, chunks, size


def _swap(fresh: Path, index: Path, old: Path) -> None:
    """Put ``fresh`` where ``index`` is; the old index moved aside first, and back on failure."""
    had_old = index.exists()
    if had_old:
        index.rename(old)
    try:
        fresh.rename(index)
    except OSError:
        if had_old:
            old.rename(index)
        raise
