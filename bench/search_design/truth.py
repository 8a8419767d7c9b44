"""The exact answers to the named queries, to judge each candidate's results by.

Owns: :func:`answers`: for each query of ``corpus.QUERIES``, every article
containing all its terms (``text.terms``: Snowball stems, as the Python-built
candidates index), in the year asked; its count and the dates of the ten newest.
Cached next to the corpus as ``<corpus>.truth.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import corpus
from text import terms


def answers(corpus_path: Path) -> dict[str, Any]:
    cached = corpus_path.with_suffix(".truth.json")
    if cached.exists():
        return dict(json.loads(cached.read_text()))
    wanted = {q.name: (set(terms(q.text)), q.year) for q in corpus.QUERIES}
    hits: dict[str, list[tuple[str, str]]] = {name: [] for name in wanted}
    for r in corpus.read(corpus_path):
        words = set(terms(r["title"] + "\n" + r["text"]))
        for name, (needed, year) in wanted.items():
            if needed <= words and (year is None or r["year"] == year):
                hits[name].append((r["date"], r["url"]))
    result = {
        name: {
            "total": len(found),
            "newest_dates": sorted((d for d, _ in found), reverse=True)[:10],
            "urls": sorted(u for _, u in found) if len(found) <= 50 else [],
        }
        for name, found in hits.items()
    }
    cached.write_text(json.dumps(result, indent=1))
    return result
