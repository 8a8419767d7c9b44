"""The static search index: written whole from a stream of records, or updated by delta files.

Owns the layout ``docs/search-index-format.md`` describes (``static/assets/search-engine.js``
reads it) and promises:

- :func:`write_index` reads its records once, holding at most :data:`RUN_POSTINGS`
  postings in memory (the rest go to sorted runs on disk, merged at the end), so a
  million records index in bounded memory; the new index is built in a temporary folder
  and swapped in, so a kill leaves the old one whole.
- :func:`update_index` makes edits, additions and removals searchable by writing small
  delta files and a new manifest (renamed into place last); only the files that show the
  changed documents are written, and a term file's delta is folded into it when it grows.
- Every file but ``manifest.json``, ``built-from.txt`` and the updater's URL buckets
  (``u/``) is named by a stamp of its content, so a browser may cache it for long.
- Output is a function of the records: the same records give byte-identical files.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import itertools
import json
import logging
import multiprocessing
import os
import pickle
import re
import shutil
import tempfile
import time
import zlib
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .errors import ArchiveError
from .stemming import counts, terms

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

FORMAT = 3
MANIFEST = "manifest.json"
BUILT_FROM = "built-from.txt"
#: A title word counts this many times a body word.
TITLE_WEIGHT = 3
MAX_TF = 255
#: About this many bytes of postings per term file (a longer term has a file of its own).
TERM_FILE_BYTES = 40_000
#: Documents per metadata chunk: ten results cost at most ten small chunks.
DOC_CHUNK = 16
#: Characters of a body's plain text kept for the result excerpt.
EXCERPT_CHARS = 300
#: Postings held in memory before a sorted run is written to disk.
RUN_POSTINGS = 20_000_000
#: Records counted in the calling process before worker processes take over, and per task.
PARALLEL_AFTER = 2000
COUNT_CHUNK = 500
#: Records one write can take (a posting packs its record's number in 24 bits).
MAX_RECORDS = 1 << 24
#: About this many URLs in each bucket of the updater's URL -> document-number map.
URLS_PER_BUCKET = 1000
#: A term file's delta is folded into it past this many bytes, or this share of the file.
FOLD_BYTES = 1024
FOLD_SHARE = 0.02
#: Past this many documents added since the full write (or this share of it), or this
#: many voided, the index is due for a full write (:func:`due_for_rewrite`).
REWRITE_ADDED = 1000
REWRITE_SHARE = 0.02
#: Facet terms: a prefix no word term can have (word terms never hold ``:``).
FACETS = ("place", "agency")

_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|[*_`#>|~]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchRecord:
    """One article as the index shows it. ``url`` is relative to the site root; ``text``
    the body's plain text; ``date`` ISO or ""; ``place``, ``agency``, ``lang`` or ""."""

    url: str
    title: str
    text: str
    date: str = ""
    year: int | None = None
    place: str = ""
    agency: str = ""
    lang: str = ""
    #: What the record was made from, as a digest (the build passes one): kept with its
    #: URL so that a later build finds the changed articles without reading them.
    key: str = ""


@dataclass(frozen=True)
class IndexStats:
    """What a write or update did: the searchable documents, the files it wrote and
    their bytes, the term files folded, and whether it wrote the whole index."""

    documents: int
    files: int
    bytes: int
    full: bool
    folded: int = 0
    seconds: float = 0.0


def plain_text(markdown: str) -> str:
    """A Markdown body's words: link and image text kept (not their targets), markup
    characters and tags dropped, white space collapsed."""
    return _SPACE.sub(" ", _MARKUP.sub(lambda m: m.group(1) or " ", markdown)).strip()


def excerpt_source(text: str) -> str:
    """The start of ``text`` the result excerpt is cut from (ends at a word's end)."""
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text.rfind(" ", 0, EXCERPT_CHARS + 1)
    return text[: cut if cut > EXCERPT_CHARS // 2 else EXCERPT_CHARS]


def sort_key(term: str) -> bytes:
    """Terms in the order JavaScript compares strings (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


def term_counts(r: SearchRecord) -> dict[str, int]:
    """Each term's frequency in ``r`` (title words weighted), and its facet terms (1)."""
    c = counts(r.text)
    for t in terms(r.title):
        c[t] += TITLE_WEIGHT
    found = dict(c)
    if found and max(found.values()) > MAX_TF:
        found = {t: min(n, MAX_TF) for t, n in found.items()}
    for facet in FACETS:
        value = getattr(r, facet)
        if value:
            found[f"{facet}:{value}"] = 1
    return found


def doc_meta(r: SearchRecord) -> list[str]:
    return [r.url, r.title, r.date, r.place, r.agency, r.lang, excerpt_source(r.text)]


def _is_facet(term: str) -> bool:
    return ":" in term


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _stamp(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def _bucket(url: str, buckets: int) -> int:
    return zlib.crc32(url.encode("utf-8")) % buckets


def _entry(term: str, nums: np.ndarray, tfs: np.ndarray) -> list[Any]:
    """A term's postings as stored: ``[gaps, tfs]`` (``[gaps]`` for a facet term)."""
    import numpy as np

    gaps = np.diff(nums, prepend=0).tolist()
    return [gaps] if _is_facet(term) else [gaps, tfs.tolist()]


def _decode(entry: list[Any]) -> dict[int, int]:
    doc, out = 0, {}
    tfs = entry[1] if len(entry) > 1 else itertools.repeat(1)
    for gap, tf in zip(entry[0], tfs, strict=False):
        doc += gap
        out[doc] = tf
    return out


def _encode(term: str, postings: dict[int, int]) -> list[Any]:
    import numpy as np

    nums = sorted(postings)
    return _entry(
        term, np.array(nums, dtype=np.int64), np.array([postings[n] for n in nums], dtype=np.int64)
    )


# --- the whole index ----------------------------------------------------------


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


def remove_leftovers(work: Path, prefix: str) -> None:
    """Temporary folders an index write a kill interrupted left in ``work``."""
    for leftover in work.glob(f"{prefix}tmp-*"):
        pid = leftover.name.removeprefix(f"{prefix}tmp-").partition("-")[0]
        if not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)


def remove_partial(dest: Path) -> None:
    """Files an update a kill interrupted left half-written in the index folder (none
    is ever listed by a manifest)."""
    for pattern in ("*.tmp", "*/*.tmp"):
        for stale in dest.glob(pattern):
            pid = stale.name.rsplit(".", 2)[-2]
            if not (pid.isdigit() and int(pid) != os.getpid() and _running(int(pid))):
                stale.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    size += _put(out / BUILT_FROM, (built_from + "\n").encode())
    size += _put(out / MANIFEST, _dumps(manifest))
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
            total += _put(out / "t" / f"{len(firsts)}.json", data, atomic=False)
            firsts.append(first)
        parts, size = [], 0

    for term, seqs, tfs in merged:
        nums = number[seqs]
        keep = nums >= 0
        nums, tfs = nums[keep], tfs[keep]
        if not len(nums):
            continue
        by = np.argsort(nums, kind="stable")
        piece = _dumps(term) + b":" + _dumps(_entry(term, nums[by], tfs[by]))
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
            buckets[_bucket(meta[0], n_buckets)][meta[0]] = [num, key]
            year = years[seq]
            if year:
                spans.setdefault(year, [num, num])[1] = num + 1
            _count_facets(counts, year, meta[3], meta[4], 1)
        data = _dumps(chunk)
        h.update(data)
        size += _put(out / "d" / f"{chunks}.json", data, atomic=False)
        chunks += 1
    stamp = h.hexdigest()[:8]
    for n in range(chunks):
        (out / "d" / f"{n}.json").rename(out / "d" / f"{n}.{stamp}.json")
    for i, bucket in enumerate(buckets):
        size += _put(out / "u" / f"{i}.json", _dumps(dict(sorted(bucket.items()))), atomic=False)
    return stamp, _facets(counts), spans, chunks, size


def _count_facets(
    counts: dict[str, Counter[str]],
    year: int | None,
    place: str | None,
    agency: str | None,
    step: int,
) -> None:
    """Count one document in (``step`` 1) or out of (-1) the year, place and agency lists."""
    if year:
        counts["year"][str(year)] += step
    for facet, value in (("place", place), ("agency", agency)):
        if value:
            counts[facet][value] += step


def _facets(counts: dict[str, Counter[str]]) -> dict[str, list[list[Any]]]:
    return {
        "year": [[v, n] for v, n in sorted(counts["year"].items()) if n > 0],
        **{
            f: [[v, n] for v, n in sorted(counts[f].items(), key=lambda i: (-i[1], i[0])) if n > 0]
            for f in FACETS
        },
    }


def _put(path: Path, data: bytes, *, atomic: bool = True) -> int:
    """Write ``data`` to ``path`` (beside it and renamed into place, when ``atomic``)."""
    if not atomic:
        path.write_bytes(data)
        return len(data)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


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


# --- reading and updating ------------------------------------------------------


def read_manifest(dest: Path) -> dict[str, Any] | None:
    """The index's manifest, or None where there is no complete index of this format."""
    try:
        manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return None
    return manifest


def indexed_keys(dest: Path, manifest: dict[str, Any]) -> dict[str, str]:
    """The key of every searchable document, by URL (what :class:`SearchRecord` ``key``
    said when it was indexed)."""
    keys: dict[str, str] = {}
    for n in range(manifest["url_buckets"]):
        path = dest / "u" / f"{n}.json"
        if path.exists():
            for url, (_, key) in json.loads(path.read_text(encoding="utf-8")).items():
                keys[url] = key
    return keys


def by_number(table: dict[str, list[int]]) -> dict[int, str]:
    """A manifest table of stamps (``{stamp: [gaps]}``: its file numbers ascending, each
    stored as the gap from the one before, the first from 0) as ``{number: stamp}``."""
    return {n: stamp for stamp, gaps in table.items() for n in itertools.accumulate(gaps)}


def _table(stamps: dict[int, str]) -> dict[str, list[int]]:
    """``{number: stamp}`` as the manifest stores it: each stamp once, its numbers as gaps
    (an update names every file written since the full write by its one stamp, so a
    touched file costs the manifest a small gap)."""
    numbers: dict[str, list[int]] = {}
    for n in sorted(stamps):
        numbers.setdefault(stamps[n], []).append(n)
    return {stamp: _gaps(numbers[stamp]) for stamp in sorted(numbers)}


def _gaps(ascending: list[int]) -> list[int]:
    return [n - prev for prev, n in zip([0, *ascending], ascending, strict=False)]


def term_stamp(manifest: dict[str, Any], i: int) -> str:
    """The stamp in the name of term file ``i``."""
    stamp: str = by_number(manifest["term_stamps"]).get(i, manifest["term_stamp"])
    return stamp


def added_documents(manifest: dict[str, Any]) -> dict[str, list[Any]]:
    """The manifest's ``added`` as ``{number: [position, year]}`` (each searchable
    document numbered since the full write). An entry stored as a whole number ``p`` is
    an edit of document ``p`` whose date did not change: it sorts at ``p``, has ``p``'s
    year and is shown in ``p``'s metadata entry (:func:`shown_at`)."""
    base = manifest["base"]
    out: dict[str, list[Any]] = {}
    for k, entry in enumerate(manifest["added"]):
        if isinstance(entry, list):
            out[str(base + k)] = entry
        elif entry is not None:
            out[str(base + k)] = [entry, _year_of(manifest, entry)]
    return out


def _added_list(added: dict[str, list[Any]], base: int, nxt: int) -> list[Any]:
    """``{number: [position, year]}`` as the manifest stores it (see :func:`added_documents`)."""
    out: list[Any] = []
    for num in range(base, nxt):
        entry = added.get(str(num))
        if entry is not None and _is_whole(entry[0]):
            out.append(int(entry[0]))
        else:
            out.append(entry)
    return out


def _year_of(manifest: dict[str, Any], num: int) -> int | None:
    """The year of a document of the full write."""
    for year, (lo, hi) in manifest["years"].items():
        if lo <= num < hi:
            return int(year)
    return None


def _is_whole(position: float) -> bool:
    """A position found by date is a half; a whole one is the number an edit replaced."""
    return float(position).is_integer()


def _replaced(added: dict[str, list[Any]]) -> set[int]:
    """The full write's documents an edit shows in their place (whole-number positions)."""
    return {int(p) for p, _ in added.values() if _is_whole(p)}


def voided(manifest: dict[str, Any]) -> set[int]:
    """The documents no longer searchable: ``void``, and those edits replaced."""
    return set(manifest["void"]) | _replaced(added_documents(manifest))


def due_for_rewrite(manifest: dict[str, Any]) -> bool:
    """So many documents added or voided since the full write that a new one is due."""
    limit = max(REWRITE_ADDED, int(manifest["base"] * REWRITE_SHARE))
    added = sum(1 for entry in manifest["added"] if entry is not None)
    return added > limit or len(voided(manifest)) > 2 * limit


def shown_at(num: int, base: int, added: dict[str, list[Any]]) -> int:
    """The number whose metadata entry shows document ``num``: an edit of a full write's
    document whose date did not change sorts at that document's number (a whole number;
    a place found by date is a half) and is shown in its entry, so a date-sorted query
    opens the metadata chunks it opens on a clean index; any other document in its own."""
    if num < base:
        return num
    position = added[str(num)][0]
    return int(position) if _is_whole(position) else num


class _Index:
    """An index folder being updated: its manifest, and the files read so far."""

    def __init__(self, dest: Path, manifest: dict[str, Any]) -> None:
        self.dest = dest
        self.m = manifest
        self.chunks: dict[int, list[Any]] = {}
        self.dirty_chunks: set[int] = set()
        self.buckets: dict[int, dict[str, list[Any]]] = {}
        self.dirty_buckets: set[int] = set()
        self.firsts = [sort_key(t) for t in manifest["terms"]]
        self.term_stamps = by_number(manifest["term_stamps"])
        self.deltas = by_number(manifest["delta"])
        self.doc_stamps = by_number(manifest["doc_stamps"])

    def chunk(self, n: int) -> list[Any]:
        if n not in self.chunks:
            stamp = self.doc_stamps.get(n, self.m["docs"])
            path = self.dest / "d" / f"{n}.{stamp}.json"
            self.chunks[n] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        return self.chunks[n]

    def meta(self, num: int) -> list[Any] | None:
        """The metadata entry in ``num``'s place (see :meth:`shown_at`)."""
        chunk = self.chunk(num // DOC_CHUNK)
        i = num % DOC_CHUNK
        return chunk[i] if i < len(chunk) else None

    def shown_at(self, num: int, added: dict[str, list[Any]]) -> int:
        """The number whose metadata entry shows document ``num`` (:func:`shown_at`)."""
        return shown_at(num, self.m["base"], added)

    def set_meta(self, num: int, meta: list[Any] | None) -> None:
        n = num // DOC_CHUNK
        chunk = self.chunk(n)
        i = num % DOC_CHUNK
        chunk.extend([None] * (i + 1 - len(chunk)))
        chunk[i] = meta
        self.dirty_chunks.add(n)

    def bucket(self, url: str) -> dict[str, list[Any]]:
        b = _bucket(url, self.m["url_buckets"])
        if b not in self.buckets:
            path = self.dest / "u" / f"{b}.json"
            self.buckets[b] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return self.buckets[b]

    def set_number(self, url: str, num: int | None, key: str = "") -> None:
        bucket = self.bucket(url)
        if num is None:
            bucket.pop(url, None)
        else:
            bucket[url] = [num, key]
        self.dirty_buckets.add(_bucket(url, self.m["url_buckets"]))

    def file_of(self, term: str) -> int:
        return max(0, bisect.bisect_right(self.firsts, sort_key(term)) - 1)

    def position(self, date: str, url: str) -> float:
        """Where a document dated ``date`` sorts among the full write's numbers."""
        base = self.m["base"]
        key = (date, url)
        lo, hi = 0, base  # find the number of base documents whose key is below ``key``
        while lo < hi:
            mid = (lo + hi) // 2
            probe = self._key_near(mid, lo, hi)
            if probe is None:
                break
            n, k = probe
            if k < key:
                lo = n + 1
            else:
                hi = n
        return lo - 0.5

    def _key_near(self, mid: int, lo: int, hi: int) -> tuple[int, tuple[str, str]] | None:
        """A document between ``lo`` and ``hi`` near ``mid`` that still has metadata."""
        for n in itertools.chain(range(mid, hi), range(mid - 1, lo - 1, -1)):
            meta = self.meta(n)
            if meta is not None:
                return n, (meta[2], meta[0])
        return None


def update_index(
    dest: Path,
    changed: Iterable[SearchRecord],
    removed: Iterable[str],
    *,
    built_from: str = "",
) -> IndexStats:
    """Make ``changed`` records (edited or new, by URL) and ``removed`` URLs searchable
    as they are now, by delta files and a new manifest; nothing else is rewritten.

    Raises :class:`ArchiveError` when ``dest`` holds no index to update.
    """
    started = time.perf_counter()
    dest = Path(dest)
    manifest = read_manifest(dest)
    if manifest is None:
        raise ArchiveError("no search index to update; write a whole one", dest)
    remove_partial(dest)
    ix = _Index(dest, manifest)
    m = manifest
    void = voided(m)
    added = added_documents(m)
    counts = {f: Counter({str(v): n for v, n in m["facets"][f]}) for f in ("year", *FACETS)}
    fresh: dict[int, dict[str, dict[int, int]]] = {}
    latest = {r.url: r for r in changed}
    gone = set(removed) - set(latest)
    n_docs = 0
    for url in sorted(gone | set(latest)):
        entry = ix.bucket(url).get(url)
        if entry and url in latest and latest[url].key and entry[1] == latest[url].key:
            continue  # indexed as it is (its page changed, not what the index holds)
        old = int(entry[0]) if entry else None
        position: float | None = None
        if old is not None:
            shown = ix.shown_at(old, added)
            meta = ix.meta(shown)
            if meta is not None:
                year = meta[2][:4]
                _count_facets(counts, int(year) if year.isdigit() else None, meta[3], meta[4], -1)
                if url in latest and meta[2] == latest[url].date:
                    position = old if old < m["base"] else added[str(old)][0]
            void.add(old)
            added.pop(str(old), None)
            if shown >= m["base"]:  # a full write's entry stays: dates are sought there
                ix.set_meta(shown, None)
            ix.set_number(url, None)
            m["count"] -= 1
        r = latest.get(url)
        if r is None:
            continue
        num = m["next"]
        m["next"] += 1
        m["count"] += 1
        n_docs += 1
        if position is None:
            position = ix.position(r.date, r.url)
        added[str(num)] = [position, r.year]
        ix.set_meta(shown_at(num, m["base"], added), doc_meta(r))
        ix.set_number(url, num, r.key)
        _count_facets(counts, r.year, r.place, r.agency, 1)
        for term, tf in term_counts(r).items():
            fresh.setdefault(ix.file_of(term), {}).setdefault(term, {})[num] = tf
    files, size, folded = _write_update(ix, fresh, void)
    # Until the next full write (term files may still hold them); those an edit shows
    # in their place are implied (:func:`voided`).
    m["void"] = sorted(void - _replaced(added))
    m["added"] = _added_list(added, m["base"], m["next"])
    m["facets"] = _facets(counts)
    m["delta_docs"] = m.get("delta_docs", 0) + n_docs
    if built_from:
        m["built_from"] = built_from
    old_files = _listed(dest)
    for n in sorted(ix.dirty_buckets):
        size += _put(dest / "u" / f"{n}.json", _dumps(dict(sorted(ix.buckets[n].items()))))
        files += 1
    if built_from:
        size += _put(dest / BUILT_FROM, (built_from + "\n").encode())
        files += 1
    size += _put(dest / MANIFEST, _dumps(m))
    for path in old_files - _listed(dest):
        path.unlink(missing_ok=True)
    return IndexStats(m["count"], files + 1, size, False, folded, time.perf_counter() - started)


def _write_update(
    ix: _Index, fresh: dict[int, dict[str, dict[int, int]]], void: set[int]
) -> tuple[int, int, int]:
    """The new delta files, folded term files and metadata chunks, all named by one
    stamp of what this update writes (so a name never stands for two contents), and
    every file an earlier update wrote linked under that stamp too (no bytes copied):
    the manifest names all of them by one stamp and a list of small gaps."""
    m = ix.m
    # table, number, name ("{}" for the stamp), bytes, or the earlier file to link
    out: list[tuple[dict[int, str], int, str, bytes | Path]] = []
    folded = 0
    for i, new in sorted(fresh.items()):
        merged = _merged_delta(ix, i, new, void)
        if not merged:
            ix.deltas.pop(i, None)
            continue
        data = _encode_all(merged)
        term_path = ix.dest / "t" / f"{i}.{ix.term_stamps.get(i, m['term_stamp'])}.json"
        if _due_to_fold(len(data), term_path.stat().st_size):
            out.append((ix.term_stamps, i, f"t/{i}.{{}}.json", _folded(term_path, merged, void)))
            ix.deltas.pop(i, None)
            folded += 1
        else:
            out.append((ix.deltas, i, f"t/{i}.{{}}.delta.json", data))
    for n in sorted(ix.dirty_chunks):
        out.append((ix.doc_stamps, n, f"d/{n}.{{}}.json", _chunk_bytes(ix, n)))
    if out:
        out += _carried(ix, {(id(table), n) for table, n, _, _ in out})
    h = hashlib.sha256()
    for _, _, name, content in out:
        # a linked file's name holds the stamp of its bytes
        h.update(name.encode() + b"\0")
        h.update(content.name.encode() if isinstance(content, Path) else content)
    stamp = h.hexdigest()[:8]
    size = 0
    for table, number, name, content in out:
        if isinstance(content, Path):
            _link(content, ix.dest / name.format(stamp))
        else:
            size += _put(ix.dest / name.format(stamp), content)
        table[number] = stamp
    m["term_stamps"] = _table(ix.term_stamps)
    m["delta"] = _table(ix.deltas)
    m["doc_stamps"] = _table(ix.doc_stamps)
    return len(out), size, folded


_Carried = tuple[dict[int, str], int, str, Path]


def _carried(ix: _Index, written: set[tuple[int, int]]) -> list[_Carried]:
    """The files earlier updates wrote that this one does not write again."""
    carried: list[_Carried] = []
    for table, name in (
        (ix.term_stamps, "t/{n}.{{}}.json"),
        (ix.deltas, "t/{n}.{{}}.delta.json"),
        (ix.doc_stamps, "d/{n}.{{}}.json"),
    ):
        for n, stamp in sorted(table.items()):
            if (id(table), n) not in written:
                pattern = name.format(n=n)
                carried.append((table, n, pattern, ix.dest / pattern.format(stamp)))
    return carried


def _link(src: Path, dest: Path) -> None:
    """``src`` under the name ``dest`` too (a hard link; a copy where links are not had)."""
    tmp = dest.with_name(f"{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    tmp.replace(dest)


def _due_to_fold(delta_bytes: int, term_bytes: int) -> bool:
    """A delta this big is folded into its term file: a query opening the file reads at
    most this share more, and a small term file is not read twice for long."""
    return delta_bytes > max(FOLD_BYTES, FOLD_SHARE * term_bytes)


def _merged_delta(
    ix: _Index, i: int, new: dict[str, dict[int, int]], void: set[int]
) -> dict[str, dict[int, int]]:
    """Term file ``i``'s delta postings with ``new`` added and voided documents dropped."""
    merged: dict[str, dict[int, int]] = {}
    stamp = ix.deltas.get(i)
    if stamp:
        path = ix.dest / "t" / f"{i}.{stamp}.delta.json"
        merged = {t: _decode(e) for t, e in json.loads(path.read_text("utf-8")).items()}
    for term, postings in new.items():
        merged.setdefault(term, {}).update(postings)
    kept = {t: {n: tf for n, tf in p.items() if n not in void} for t, p in merged.items()}
    return {t: p for t, p in kept.items() if p}


def _folded(term_path: Path, merged: dict[str, dict[int, int]], void: set[int]) -> bytes:
    """Term file ``term_path`` again, with the delta postings ``merged`` in and voided
    documents' postings out."""
    whole = dict(merged)
    for t, e in json.loads(term_path.read_text("utf-8")).items():
        kept = {n: tf for n, tf in _decode(e).items() if n not in void}
        kept.update(merged.get(t, {}))
        whole[t] = kept
    return _encode_all({t: p for t, p in whole.items() if p})


def _encode_all(postings: dict[str, dict[int, int]]) -> bytes:
    return _dumps({t: _encode(t, postings[t]) for t in sorted(postings, key=sort_key)})


def _chunk_bytes(ix: _Index, n: int) -> bytes:
    """Metadata chunk ``n`` as it is now (trailing unused numbers past the base dropped)."""
    chunk = ix.chunks[n]
    while chunk and chunk[-1] is None and n * DOC_CHUNK + len(chunk) > ix.m["base"]:
        chunk.pop()
    return _dumps(chunk)


def _listed(dest: Path) -> set[Path]:
    """The files the manifest in ``dest`` points to (besides the fixed ones)."""
    m = read_manifest(dest)
    if m is None:
        return set()
    terms = by_number(m["term_stamps"])
    paths = {
        dest / "t" / f"{i}.{terms.get(i, m['term_stamp'])}.json" for i in range(len(m["terms"]))
    }
    paths |= {dest / "t" / f"{i}.{s}.delta.json" for i, s in by_number(m["delta"]).items()}
    docs = by_number(m["doc_stamps"])
    last = (m["next"] - 1) // DOC_CHUNK if m["next"] else -1
    for n in range(last + 1):
        paths.add(dest / "d" / f"{n}.{docs.get(n, m['docs'])}.json")
    return paths


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, as the browser engine takes them (tests, bench)."""
    return list(dict.fromkeys(terms(text)))
