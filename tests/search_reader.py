"""A reader of the search index for tests: the engine's rules (search-engine.js) in Python,
so a test can ask what a query finds without a browser."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from archivesite.search_index import (
    DOC_CHUNK,
    added_documents,
    by_number,
    query_terms,
    shown_at,
    sort_key,
    term_stamp,
    voided,
)


class Index:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        self.void = voided(self.m)
        self.added = added_documents(self.m)
        self.firsts = [sort_key(t) for t in self.m["terms"]]

    def _json(self, rel: str) -> Any:
        return json.loads((self.folder / rel).read_text(encoding="utf-8"))

    def postings(self, term: str) -> dict[int, int]:
        i = max(0, sum(1 for f in self.firsts if f <= sort_key(term)) - 1)
        out: dict[int, int] = {}
        for rel in (
            f"t/{i}.{term_stamp(self.m, i)}.json",
            f"t/{i}.{by_number(self.m['delta'])[i]}.delta.json"
            if i in by_number(self.m["delta"])
            else "",
        ):
            if not rel:
                continue
            entry = self._json(rel).get(term)
            if entry:
                doc = 0
                tfs = entry[1] if len(entry) > 1 else [1] * len(entry[0])
                for gap, tf in zip(entry[0], tfs, strict=True):
                    doc += gap
                    out[doc] = tf
        return {d: tf for d, tf in out.items() if d not in self.void}

    def meta(self, doc: int) -> list[Any]:
        at = shown_at(doc, self.m["base"], self.added)
        n = at // DOC_CHUNK
        stamp = by_number(self.m["doc_stamps"]).get(n, self.m["docs"])
        meta: list[Any] = self._json(f"d/{n}.{stamp}.json")[at % DOC_CHUNK]
        return meta

    def position(self, doc: int) -> float:
        return doc if doc < self.m["base"] else float(self.added[str(doc)][0])

    def year_of(self, doc: int) -> int | None:
        if doc >= self.m["base"]:
            year = self.added[str(doc)][1]
            return int(year) if year else None
        for y, (lo, hi) in self.m["years"].items():
            if lo <= doc < hi:
                return int(y)
        return None

    def search(
        self, q: str, filters: dict[str, list[str]] | None = None, sort: str = "relevance"
    ) -> list[str]:
        """The URLs a query finds, in the order the engine shows them."""
        terms = query_terms(q)
        if not terms:
            return []
        lists = [self.postings(t) for t in terms]
        n = max(1, self.m["count"])
        docs = set(lists[0]).intersection(*lists[1:])
        for facet, values in (filters or {}).items():
            if not values:
                continue
            if facet == "year":
                docs = {d for d in docs if str(self.year_of(d)) in values}
            else:
                allowed = set().union(*(self.postings(f"{facet}:{v}") for v in values))
                docs &= allowed
        score = {
            d: sum((1 + math.log(p[d])) * math.log(1 + n / len(p)) for p in lists) for d in docs
        }
        if sort == "relevance":
            order = sorted(docs, key=lambda d: (-score[d], -self.position(d), -d))
        elif sort == "newest":
            order = sorted(docs, key=lambda d: (-self.position(d), -d))
        else:
            order = sorted(docs, key=lambda d: (self.position(d), d))
        return [self.meta(d)[0] for d in order]
