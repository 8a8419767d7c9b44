"""The index folder's layout (``docs/search-index-format.md``): how its files are encoded,
named and written, and how its manifest is read.

Owns the postings encoding, the manifest's stamp tables, the bookkeeping of documents
added or voided since the full write, and the removal of files a kill left behind. Both
the writer (:mod:`.write`) and the updater (:mod:`.update`) go through it, so the two
never disagree on what a file holds. :func:`put` is the one way an index file is written.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import zlib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import process_running
from .records import FACETS

if TYPE_CHECKING:
    import numpy as np

FORMAT = 3
MANIFEST = "manifest.json"
BUILT_FROM = "built-from.txt"
#: Documents per metadata chunk: ten results cost at most ten small chunks.
DOC_CHUNK = 16


def _is_facet(term: str) -> bool:
    return ":" in term


def dumps(value: Any) -> bytes:
    """JSON as every index file holds it: compact, UTF-8."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def url_bucket(url: str, buckets: int) -> int:
    """The URL bucket (``u/<n>.json``) that holds ``url``'s number."""
    return zlib.crc32(url.encode("utf-8")) % buckets


def term_entry(term: str, nums: np.ndarray, tfs: np.ndarray) -> list[Any]:
    """A term's postings as stored: ``[gaps, tfs]`` (``[gaps]`` for a facet term)."""
    import numpy as np

    gaps = np.diff(nums, prepend=0).tolist()
    return [gaps] if _is_facet(term) else [gaps, tfs.tolist()]


def decode_entry(entry: list[Any]) -> dict[int, int]:
    """A stored entry (:func:`term_entry`) as ``{number: tf}``."""
    doc, out = 0, {}
    tfs = entry[1] if len(entry) > 1 else itertools.repeat(1)
    for gap, tf in zip(entry[0], tfs, strict=False):
        doc += gap
        out[doc] = tf
    return out


def encode_entry(term: str, postings: dict[int, int]) -> list[Any]:
    """``{number: tf}`` as stored (:func:`term_entry`)."""
    import numpy as np

    nums = sorted(postings)
    return term_entry(
        term, np.array(nums, dtype=np.int64), np.array([postings[n] for n in nums], dtype=np.int64)
    )


def count_facets(
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


def facet_lists(counts: dict[str, Counter[str]]) -> dict[str, list[list[Any]]]:
    return {
        "year": [[v, n] for v, n in sorted(counts["year"].items()) if n > 0],
        **{
            f: [[v, n] for v, n in sorted(counts[f].items(), key=lambda i: (-i[1], i[0])) if n > 0]
            for f in FACETS
        },
    }


def put(path: Path, data: bytes, *, atomic: bool = True) -> int:
    """Write ``data`` to ``path`` (beside it and renamed into place, when ``atomic``)."""
    if not atomic:
        path.write_bytes(data)
        return len(data)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


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


def stamp_table(stamps: dict[int, str]) -> dict[str, list[int]]:
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


def added_list(added: dict[str, list[Any]], base: int, nxt: int) -> list[Any]:
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


def replaced(added: dict[str, list[Any]]) -> set[int]:
    """The full write's documents an edit shows in their place (whole-number positions)."""
    return {int(p) for p, _ in added.values() if _is_whole(p)}


def voided(manifest: dict[str, Any]) -> set[int]:
    """The documents no longer searchable: ``void``, and those edits replaced."""
    return set(manifest["void"]) | replaced(added_documents(manifest))


def shown_at(num: int, base: int, added: dict[str, list[Any]]) -> int:
    """The number whose metadata entry shows document ``num``: an edit of a full write's
    document whose date did not change sorts at that document's number (a whole number;
    a place found by date is a half) and is shown in its entry, so a date-sorted query
    opens the metadata chunks it opens on a clean index; any other document in its own."""
    if num < base:
        return num
    position = added[str(num)][0]
    return int(position) if _is_whole(position) else num


def listed(dest: Path) -> set[Path]:
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


def remove_leftovers(work: Path, prefix: str) -> None:
    """Temporary folders an index write a kill interrupted left in ``work``."""
    for leftover in work.glob(f"{prefix}tmp-*"):
        pid = leftover.name.removeprefix(f"{prefix}tmp-").partition("-")[0]
        if not (pid.isdigit() and process_running(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)


def remove_partial(dest: Path) -> None:
    """Files an update a kill interrupted left half-written in the index folder (none
    is ever listed by a manifest)."""
    for pattern in ("*.tmp", "*/*.tmp"):
        for stale in dest.glob(pattern):
            pid = stale.name.rsplit(".", 2)[-2]
            if not (pid.isdigit() and int(pid) != os.getpid() and process_running(int(pid))):
                stale.unlink(missing_ok=True)
