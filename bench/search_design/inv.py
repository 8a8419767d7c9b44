"""Candidate (c): a static inverted index split by term range, built in Python.

Owns the index layout (``web/inv.js`` reads it):

- documents are numbered in date order, so a year filter is a range of numbers
  and "sorted by date" is "the highest numbers first": neither needs a
  per-document lookup;
- ``manifest.json``: the number of documents, each year's range, the first term
  of every term file, the document-chunk size;
- ``t/<n>.json``: a run of consecutive terms, about ``SHARD_BYTES`` each;
  a term is ``[doc-number deltas, term frequencies]`` (title words count 3);
  a term whose postings alone exceed the target gets a file of its own;
- ``d/<n>.json``: result metadata (url, title, date, agency) of ``DOC_CHUNK``
  consecutive documents, fetched only for the results shown;
- ``delta.json``: the edits since the last full build (documents whose indexed
  postings are void, their metadata, the term files with a delta), read with every
  query, and ``t/<n>.delta.json``: the edited documents' postings for the terms of
  ``t/<n>.json``; so an edit is searchable without rewriting any term file.

    python bench/search_design/inv.py --corpus C.jsonl --out OUT --step build
    python bench/search_design/inv.py --corpus C.jsonl --out OUT --step edit --edits 100
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import shutil
import sys
import time
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from text import terms

SHARD_BYTES = 48_000
DOC_CHUNK = 100
TITLE_WEIGHT = 3
EDIT_WORD = "zanzibarite"


def counts(record: dict[str, Any]) -> Counter[str]:
    """Term frequencies of one record, title words weighted."""
    c = Counter(terms(record["text"]))
    for t in terms(record["title"]):
        c[t] += TITLE_WEIGHT
    return c


def doc_meta(record: dict[str, Any]) -> list[Any]:
    return [record["url"], record["title"], record["date"], record["agency"]]


def encode(packed: array) -> list[list[int]]:
    """Sorted ``doc << 8 | tf`` values as ``[deltas, tfs]``."""
    deltas, tfs, last = [], [], 0
    for v in sorted(packed):
        doc = v >> 8
        deltas.append(doc - last)
        tfs.append(v & 0xFF)
        last = doc
    return [deltas, tfs]


def write_json(path: Path, value: Any) -> int:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(data)
    return len(data)


def build(corpus_path: Path, out: Path) -> dict[str, Any]:
    keys = sorted((r["date"], r["id"]) for r in corpus.read(corpus_path))
    number = {rid: n for n, (_, rid) in enumerate(keys)}
    del keys
    postings: dict[str, array] = {}
    metas: list[Any] = [None] * len(number)
    years: dict[int, list[int]] = {}
    for r in corpus.read(corpus_path):
        n = number[r["id"]]
        metas[n] = doc_meta(r)
        span = years.setdefault(r["year"], [n, n + 1])
        span[0], span[1] = min(span[0], n), max(span[1], n + 1)
        for term, tf in counts(r).items():
            postings.setdefault(term, array("L")).append(n << 8 | min(tf, 255))
    shutil.rmtree(out, ignore_errors=True)
    (out / "t").mkdir(parents=True)
    (out / "d").mkdir()
    firsts: list[str] = []
    shard: dict[str, Any] = {}
    size = 0

    def flush() -> None:
        nonlocal shard, size
        if shard:
            write_json(out / "t" / f"{len(firsts)}.json", shard)
            firsts.append(next(iter(shard)))
        shard, size = {}, 0

    nterms = len(postings)
    for term in sorted(postings):
        entry = encode(postings.pop(term))
        cost = len(term) + 4 * len(entry[0]) + 8
        if size + cost > SHARD_BYTES:
            flush()
        shard[term] = entry
        size += cost
    flush()
    for start in range(0, len(metas), DOC_CHUNK):
        write_json(out / "d" / f"{start // DOC_CHUNK}.json", metas[start : start + DOC_CHUNK])
    manifest = {
        "documents": len(metas),
        "years": {str(y): span for y, span in sorted(years.items())},
        "shards": firsts,
        "doc_chunk": DOC_CHUNK,
    }
    write_json(out / "manifest.json", manifest)
    write_json(out / "delta.json", {"void": [], "docs": {}, "shards": []})
    state = out.parent / (out.name + "-state.json")
    state.write_text(json.dumps(number))
    return {"terms": nterms, "shards": len(firsts)}


def edit(corpus_path: Path, out: Path, edits: int) -> dict[str, Any]:
    """``edits`` edits since the full build (random articles each gain a word), as delta files."""
    state = json.loads((out.parent / (out.name + "-state.json")).read_text())
    number = {int(k): v for k, v in state.items()}
    chosen = set(random.Random(16).sample(range(len(number)), edits))
    records = [r for r in corpus.read(corpus_path) if r["id"] in chosen]
    started = time.perf_counter()
    firsts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["shards"]
    by_shard: dict[int, dict[str, list[list[int]]]] = {}
    docs: dict[str, Any] = {}
    for r in records:
        r["text"] += f"\n\nEdited: the {EDIT_WORD} delegation returned."
        n = number[r["id"]]
        docs[str(n)] = doc_meta(r)
        for term, tf in sorted(counts(r).items()):
            shard = by_shard.setdefault(bisect.bisect_right(firsts, term) - 1, {})
            entry = shard.setdefault(term, [[], []])
            entry[0].append(n)
            entry[1].append(min(tf, 255))
    for stale in (out / "t").glob("*.delta.json"):
        stale.unlink()
    size = sum(write_json(out / "t" / f"{i}.delta.json", s) for i, s in by_shard.items())
    summary = {"void": sorted(map(int, docs)), "docs": docs, "shards": sorted(by_shard)}
    size += write_json(out / "delta.json", summary)
    return {
        "edit_s": time.perf_counter() - started,
        "delta_bytes": size,
        "delta_files": len(by_shard) + 1,
        "edits": edits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--step", choices=("build", "edit"), required=True)
    parser.add_argument("--edits", type=int, default=1)
    args = parser.parse_args()
    if args.step == "build":
        started = time.perf_counter()
        info = build(args.corpus, args.out)
        info["build_s"] = time.perf_counter() - started
    else:
        info = edit(args.corpus, args.out, args.edits)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
