"""How well each way of scoring two texts tells reports of the same event from others.

Reads the labelled articles in ``tests/fixtures/related/articles.json`` (invented
stories: pairs of the same event reworded, near-copies, same topic but another event,
unrelated) and prints, per method, the lowest score of a same-event pair and the
highest of a same-topic and of an unrelated pair: a method separates them where the
first is above the others, and a threshold between them is safe.

    python bench/related_eval.py
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from archivesite import related

FIXTURE = Path(__file__).resolve().parents[1] / "tests/fixtures/related/articles.json"
WORD = re.compile(r"\w+")


def label(a: dict[str, str], b: dict[str, str]) -> str:
    if a.get("copy_of") == b["id"] or b.get("copy_of") == a["id"]:
        return "near-copy"
    if a["event"] == b["event"]:
        return "same event"
    if a["topic"] == b["topic"]:
        return "same topic"
    return "unrelated"


def _cosine(u: Counter[str], v: Counter[str]) -> float:
    dot = sum(w * v[t] for t, w in u.items() if t in v)
    nu = math.sqrt(sum(w * w for w in u.values()))
    nv = math.sqrt(sum(w * w for w in v.values()))
    return dot / (nu * nv) if nu and nv else 0.0


def plain_tf(texts: Sequence[str]) -> list[Counter[str]]:
    return [
        Counter(w.lower() for w in WORD.findall(t) if w.lower() not in related.STOPWORDS)
        for t in texts
    ]


def tf_idf(texts: Sequence[str]) -> list[Counter[str]]:
    tfs = plain_tf(texts)
    df = Counter(t for tf in tfs for t in tf)
    n = len(texts)
    return [
        Counter({t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) for t, c in tf.items()})
        for tf in tfs
    ]


def ours(texts: Sequence[str]) -> list[Counter[str]]:
    out = []
    for f in related.features_of_many(texts):
        cols = np.frombuffer(f.columns, dtype=np.int32).tolist()
        vals = np.frombuffer(f.weights, dtype=np.float64).tolist()
        out.append(Counter(dict(zip(map(str, cols), vals, strict=True))))
    return out


def minhash_jaccard(texts: Sequence[str]) -> list[np.ndarray]:
    return [related._signature(f) for f in related.features_of_many(texts)]


METHODS: dict[str, Callable[[Sequence[str]], list[Counter[str]]]] = {
    "cosine, plain tf": plain_tf,
    "cosine, tf-idf (idf of the set)": tf_idf,
    "cosine, names x2 (chosen)": ours,
}


def main() -> int:
    articles = json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]
    texts = [a["text"] for a in articles]
    pairs = [
        (i, j, label(articles[i], articles[j]))
        for i, j in itertools.combinations(range(len(articles)), 2)
    ]
    counts = Counter(lab for _, _, lab in pairs)
    print(
        f"{len(articles)} articles, pairs: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    print("| method | min same event | min near-copy | max same topic | max unrelated | margin |")
    print("|---|---|---|---|---|---|")
    scores: dict[str, Callable[[int, int], float]] = {}
    for name, fn in METHODS.items():
        vecs = fn(texts)
        scores[name] = lambda i, j, vecs=vecs: _cosine(vecs[i], vecs[j])
    sigs = minhash_jaccard(texts)
    scores["MinHash Jaccard, 3-shingles"] = lambda i, j: float(
        related._JACCARD[np.count_nonzero(sigs[i] == sigs[j])]
    )
    for name, score in scores.items():
        by: dict[str, list[float]] = {}
        for i, j, lab in pairs:
            by.setdefault(lab, []).append(score(i, j))
        same = min(by["same event"])
        other = max(max(by["same topic"]), max(by["unrelated"]))
        print(
            f"| {name} | {same:.3f} | {min(by['near-copy']):.3f} | {max(by['same topic']):.3f} "
            f"| {max(by['unrelated']):.3f} | {same - other:+.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
