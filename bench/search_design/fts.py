"""Candidate (b): one static SQLite FTS5 database, read in the browser by HTTP range requests.

Owns the database layout (``web/fts.js`` queries it with the official SQLite
WebAssembly build and ``sqlite-wasm-http``'s HTTP VFS):

- ``page_size = 1024`` (what the HTTP VFS recommends: each page read is one
  small range request), ``journal_mode = delete``, vacuumed;
- ``fts``: a contentless FTS5 table (``content=''``, ``detail=none``: no
  positions, the smallest index) over the text stemmed in Python (``text.py``),
  because FTS5 has no Russian stemmer and the WebAssembly build cannot load one;
  rowids are document numbers in date order, so a year is a rowid range and
  "by date" is ``ORDER BY rowid DESC``;
- ``docs``: result metadata by the same number; ``years``: each year's range.

An edit is a contentless ``'delete'`` of the old terms and an insert of the new
ones; the host must then receive the whole changed file.

    python bench/search_design/fts.py --corpus C.jsonl --out OUT --step build
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from text import terms

DB = "search.db"
EDIT_WORD = "zanzibarite"


def stemmed(record: dict[str, Any]) -> str:
    return " ".join(terms(record["title"] + "\n" + record["text"]))


def pristine(out: Path) -> Path:
    """A copy of the built database, so each edit run starts from the build."""
    return out.parent / (out.name + "-built.db")


def build(corpus_path: Path, out: Path) -> dict[str, Any]:
    keys = sorted((r["date"], r["id"]) for r in corpus.read(corpus_path))
    number = {rid: n for n, (_, rid) in enumerate(keys)}
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    db = sqlite3.connect(out / DB)
    db.executescript(
        """
        PRAGMA page_size = 1024;
        PRAGMA journal_mode = delete;
        CREATE VIRTUAL TABLE fts USING fts5(body, content='', detail=none);
        CREATE TABLE docs(id INTEGER PRIMARY KEY, url TEXT, title TEXT, date TEXT,
                          agency TEXT);
        CREATE TABLE years(year INTEGER PRIMARY KEY, lo INTEGER, hi INTEGER);
        """
    )
    years: dict[int, list[int]] = {}
    with db:
        for r in corpus.read(corpus_path):
            n = number[r["id"]]
            db.execute("INSERT INTO fts(rowid, body) VALUES (?, ?)", (n, stemmed(r)))
            db.execute(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                (n, r["url"], r["title"], r["date"], r["agency"]),
            )
            span = years.setdefault(r["year"], [n, n])
            span[0], span[1] = min(span[0], n), max(span[1], n)
        db.executemany("INSERT INTO years VALUES (?, ?, ?)", [(y, *s) for y, s in years.items()])
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.execute("VACUUM")
    db.close()
    (out.parent / (out.name + "-state.json")).write_text(json.dumps(number))
    shutil.copyfile(out / DB, pristine(out))
    return {"db_bytes": (out / DB).stat().st_size}


def edit(corpus_path: Path, out: Path, edits: int) -> dict[str, Any]:
    """``edits`` edits (random articles, each gains a word) applied to the database in place."""
    number = {
        int(k): v
        for k, v in json.loads((out.parent / (out.name + "-state.json")).read_text()).items()
    }
    chosen = set(random.Random(16).sample(range(len(number)), edits))
    records = [r for r in corpus.read(corpus_path) if r["id"] in chosen]
    shutil.copyfile(pristine(out), out / DB)
    before = (out / DB).read_bytes()
    started = time.perf_counter()
    db = sqlite3.connect(out / DB)
    with db:
        for r in records:
            n = number[r["id"]]
            db.execute("INSERT INTO fts(fts, rowid, body) VALUES ('delete', ?, ?)", (n, stemmed(r)))
            r["text"] += f"\n\nEdited: the {EDIT_WORD} delegation returned."
            db.execute("INSERT INTO fts(rowid, body) VALUES (?, ?)", (n, stemmed(r)))
    db.close()
    seconds = time.perf_counter() - started
    after = (out / DB).read_bytes()
    changed = sum(
        1
        for i in range(0, max(len(before), len(after)), 1024)
        if before[i : i + 1024] != after[i : i + 1024]
    )
    return {
        "edit_s": seconds,
        "edits": edits,
        "db_bytes": len(after),
        "pages_changed": changed,
        "upload_bytes": len(after),
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
