"""The search-design prototypes (bench/search_design/) give the exact answers, small.

A few hundred generated articles: the inverted index (read back in Python the way
``web/inv.js`` reads it) and the FTS5 database answer the named queries with the
exact hit counts, an edit through the delta files is found, and the counting host
answers ranges as a static host must. Skipped without PyStemmer (the ``bench``
extra). The browser side is measured by ``run.py``, not here.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest

pytest.importorskip("Stemmer")

HERE = Path(__file__).resolve().parents[1] / "bench" / "search_design"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402
import fts  # noqa: E402
import inv  # noqa: E402
import truth  # noqa: E402
from server import Host  # noqa: E402
from text import terms  # noqa: E402

N = 400


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sd") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for r in corpus.records(N):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def inv_hits(out: Path, text: str, year: int | None) -> set[int]:
    """Documents matching every term, read from the files as the browser client does."""
    manifest = json.loads((out / "manifest.json").read_text())
    delta = json.loads((out / "delta.json").read_text())
    found: set[int] | None = None
    for term in set(terms(text)):
        n = bisect.bisect_right(manifest["shards"], term) - 1
        entry = json.loads((out / "t" / f"{n}.json").read_text()).get(term, [[], []])
        docs, doc = set(), 0
        for d in entry[0]:
            doc += d
            docs.add(doc)
        docs -= set(delta["void"])
        if n in delta["shards"]:
            extra = json.loads((out / "t" / f"{n}.delta.json").read_text()).get(term)
            docs |= set(extra[0]) if extra else set()
        found = docs if found is None else found & docs
    lo, hi = manifest["years"][str(year)] if year else (0, manifest["documents"])
    return {d for d in found or set() if lo <= d < hi}


def test_inverted_index_gives_the_exact_answers(corpus_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "inv"
    inv.build(corpus_path, out)
    expected: dict[str, Any] = truth.answers(corpus_path)
    for q in corpus.QUERIES:
        assert len(inv_hits(out, q.text, q.year)) == expected[q.name]["total"], q.name
    assert expected["russian"]["total"] > 0
    assert inv_hits(out, inv.EDIT_WORD, None) == set()
    inv.edit(corpus_path, out, 3)
    assert len(inv_hits(out, inv.EDIT_WORD, None)) == 3
    assert len(inv_hits(out, "russia", None)) == expected["common"]["total"]


def test_fts_database_gives_the_exact_answers(corpus_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "fts"
    fts.build(corpus_path, out)
    expected = truth.answers(corpus_path)
    db = sqlite3.connect(out / fts.DB)
    for q in corpus.QUERIES:
        match = " ".join(f'"{t}"' for t in terms(q.text))
        span = db.execute("SELECT lo, hi FROM years WHERE year = ?", (q.year,)).fetchone()
        lo, hi = span or (0, 2**31)
        (count,) = db.execute(
            "SELECT count(*) FROM fts WHERE fts MATCH ? AND rowid BETWEEN ? AND ?",
            (match, lo, hi),
        ).fetchone()
        assert count == expected[q.name]["total"], q.name
    db.close()
    fts.edit(corpus_path, out, 2)
    db = sqlite3.connect(out / fts.DB)
    (stem,) = terms(fts.EDIT_WORD)
    edited = db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (f'"{stem}"',))
    assert edited.fetchone() == (2,)
    db.close()


def get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as err:
        return err.code, dict(err.headers), b""


def test_counting_host_answers_ranges_like_a_static_host(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_bytes(b"0123456789")
    with Host(tmp_path) as host:
        url = f"{host.url}/index.json"
        status, headers, body = get(url, {"Range": "bytes=2-4"})
        assert (status, headers["Content-Range"], body) == (206, "bytes 2-4/10", b"234")
        assert get(url, {"Range": "bytes=-3"})[2] == b"789"
        assert get(url, {"Range": "bytes=7-"})[2] == b"789"
        status, headers, _ = get(url, {"Range": "bytes=20-30"})
        assert (status, headers["Content-Range"]) == (416, "bytes */10")
        status, headers, _ = get(url, {"Accept-Encoding": "gzip"})
        assert (status, headers["Content-Encoding"]) == (200, "gzip")
    with Host(tmp_path, whole_file=True) as host:
        status, _, body = get(f"{host.url}/index.json", {"Range": "bytes=2-4"})
        assert (status, body) == (200, b"0123456789")
