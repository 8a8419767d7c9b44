"""Updating an index in place with delta files (:func:`update_index`), and when a whole
write is due instead (:func:`due_for_rewrite`).

Promises: edits, additions and removals become searchable by small delta files and a new
manifest (renamed into place last, so a kill leaves the old index whole); only the files
that show the changed documents are written, and a term file's delta is folded into it
when it grows past :data:`FOLD_BYTES` (or :data:`FOLD_SHARE` of the file).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ArchiveError
from .files import (
    BUILT_FROM,
    DOC_CHUNK,
    MANIFEST,
    added_documents,
    added_list,
    by_number,
    count_facets,
    decode_entry,
    dumps,
    encode_entry,
    facet_lists,
    listed,
    put,
    read_manifest,
    remove_partial,
    replaced,
    shown_at,
    stamp_table,
    url_bucket,
    voided,
)
from .records import (
    FACETS,
    IndexStats,
    SearchRecord,
    doc_meta,
    sort_key,
    term_counts,
)

#: A term file's delta is folded into it past this many bytes, or this share of the file.
FOLD_BYTES = 1024
FOLD_SHARE = 0.02
#: Past this many documents added since the full write (or this share of it), or this
#: many voided, the index is due for a full write (:func:`due_for_rewrite`).
REWRITE_ADDED = 1000
REWRITE_SHARE = 0.02


def due_for_rewrite(manifest: dict[str, Any]) -> bool:
    """So many documents added or voided since the full write that a new one is due."""
    limit = max(REWRITE_ADDED, int(manifest["base"] * REWRITE_SHARE))
    added = sum(1 for entry in manifest["added"] if entry is not None)
    return added > limit or len(voided(manifest)) > 2 * limit


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
        b = url_bucket(url, self.m["url_buckets"])
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
        self.dirty_buckets.add(url_bucket(url, self.m["url_buckets"]))

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
                count_facets(counts, int(year) if year.isdigit() else None, meta[3], meta[4], -1)
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
        count_facets(counts, r.year, r.place, r.agency, 1)
        for term, tf in term_counts(r).items():
            fresh.setdefault(ix.file_of(term), {}).setdefault(term, {})[num] = tf
    files, size, folded = _write_update(ix, fresh, void)
    # Until the next full write (term files may still hold them); those an edit shows
    # in their place are implied (:func:`voided`).
    m["void"] = sorted(void - replaced(added))
    m["added"] = added_list(added, m["base"], m["next"])
    m["facets"] = facet_lists(counts)
    m["delta_docs"] = m.get("delta_docs", 0) + n_docs
    if built_from:
        m["built_from"] = built_from
    more_files, more_size = _commit_manifest(dest, ix, m, built_from)
    seconds = time.perf_counter() - started
    return IndexStats(m["count"], files + more_files, size + more_size, False, folded, seconds)


def _commit_manifest(dest: Path, ix: _Index, m: dict[str, Any], built_from: str) -> tuple[int, int]:
    """Write the changed URL buckets, ``built-from.txt`` and the new manifest (last: it
    makes the update visible), then remove the files only the old manifest listed;
    returns (files written, bytes)."""
    old_files = listed(dest)
    files = size = 0
    for n in sorted(ix.dirty_buckets):
        size += put(dest / "u" / f"{n}.json", dumps(dict(sorted(ix.buckets[n].items()))))
        files += 1
    if built_from:
        size += put(dest / BUILT_FROM, (built_from + "\n").encode())
        files += 1
    size += put(dest / MANIFEST, dumps(m))
    for path in old_files - listed(dest):
        path.unlink(missing_ok=True)
    return files + 1, size


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
            size += put(ix.dest / name.format(stamp), content)
        table[number] = stamp
    m["term_stamps"] = stamp_table(ix.term_stamps)
    m["delta"] = stamp_table(ix.deltas)
    m["doc_stamps"] = stamp_table(ix.doc_stamps)
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
        merged = {t: decode_entry(e) for t, e in json.loads(path.read_text("utf-8")).items()}
    for term, postings in new.items():
        merged.setdefault(term, {}).update(postings)
    kept = {t: {n: tf for n, tf in p.items() if n not in void} for t, p in merged.items()}
    return {t: p for t, p in kept.items() if p}


def _folded(term_path: Path, merged: dict[str, dict[int, int]], void: set[int]) -> bytes:
    """Term file ``term_path`` again, with the delta postings ``merged`` in and voided
    documents' postings out."""
    whole = dict(merged)
    for t, e in json.loads(term_path.read_text("utf-8")).items():
        kept = {n: tf for n, tf in decode_entry(e).items() if n not in void}
        kept.update(merged.get(t, {}))
        whole[t] = kept
    return _encode_all({t: p for t, p in whole.items() if p})


def _encode_all(postings: dict[str, dict[int, int]]) -> bytes:
    return dumps({t: encode_entry(t, postings[t]) for t in sorted(postings, key=sort_key)})


def _chunk_bytes(ix: _Index, n: int) -> bytes:
    """Metadata chunk ``n`` as it is now (trailing unused numbers past the base dropped)."""
    chunk = ix.chunks[n]
    while chunk and chunk[-1] is None and n * DOC_CHUNK + len(chunk) > ix.m["base"]:
        chunk.pop()
    return dumps(chunk)
