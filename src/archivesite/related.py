"""Related coverage: which articles report the same story as which.

Two kinds, both symmetric (if A links B, B links A):

- **also carried by**: near-copies, the same story as another agency or outlet ran it.
  Each text's word 3-shingles get a MinHash signature (as ``datasketch`` makes it, of
  32-bit shingle hashes made from the words' CRC-32); locality-sensitive hashing
  finds the candidate pairs, in the bands ``MinHashLSH`` would choose and as it
  buckets them, and the signatures' estimate of their Jaccard similarity decides
  (``related.carried_threshold``). Signatures, bands and candidates are made with
  numpy and tested equal to datasketch's, which imports scipy.integrate (a second
  a build would spend on the import alone).
- **related coverage**: other reports of the same event, reworded, filed within
  ``related.window_days`` of each other: the cosine of weighted word vectors at or
  above ``related.related_threshold`` (near-copies are shown as carried, not here).

The word vector of a text depends on that text alone, so that an edit changes only the
pairs of the edited article, never every pair as corpus-wide weights (IDF) would: a
word's weight is ``1 + log(count)``, doubled for names and numbers (a word always
written with a capital, or with a digit), which is what tells one event from another
of the same kind; function words (``STOPWORDS``, English and Russian) are left out.
Words are hashed into ``2**22`` columns.

:class:`Features` of each text are made once (:func:`features`) and cached by the
body's hash (:class:`archivesite.caches.FeatureCache`); :func:`relate` gives every
article's :class:`~archivesite.model.Coverage` from them, and :func:`update` the
coverage after a few articles changed, comparing only those with the rest. Pure:
texts are given, never read here.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .config import RelatedConfig
from .model import Article, Coverage

if TYPE_CHECKING:
    from scipy import sparse

NUM_PERM = 128
SHINGLE = 3  # words per shingle
COLUMNS = 1 << 22
NAME_WEIGHT = 2.0
_WORD = re.compile(r"\w+(?:[.,]\d+)*")  # a number with its separators is one word
_SEED = 1
# A word that begins a sentence or a line (after any opening quote or bracket).
_INITIAL = re.compile(r"""(?:^|[.!?:;]\s+|\n\s*)["'“‘«(*_>#—-]*\s*(\w+)""")
_SCHEME = "affine32"

_STOPWORDS_TEXT = """
a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers him his how i if in into is
it its itself just me more most my no nor not now of off on once only or other our
ours out over own said same says she should so some such than that the their theirs
them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours mr mrs ms
monday tuesday wednesday thursday friday saturday sunday
а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да
даже для до его ее её если есть еще ещё же за здесь и из или им их к как ко когда кто
ли либо мне может мы на над надо наш не него нее неё нет ни них но ну о об однако он
она они оно от очень по под при с со так также такой там те тем то того тоже той только
том ты у уже хотя чего чей чем что чтобы чье чья эта эти это я заявил сообщил
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())  # function words: no sign of an event


class Features(NamedTuple):
    """What related coverage needs of one text (picklable, about 2 KB)."""

    signature: bytes  # the MinHash values, NUM_PERM unsigned 32-bit integers
    columns: bytes  # the weighted words' hashed columns, int32, ascending
    weights: bytes  # their weights, float64, the vector of unit length


def features(text: str) -> Features:
    """The features of one article's text (its body, Markdown as written)."""
    return features_of_many([text])[0]


def features_of_many(texts: Sequence[str]) -> list[Features]:
    """The features of many texts."""
    out = []
    for text in texts:
        words, names = _words(text)
        hashes = _word_hashes(words)
        columns, weights = _vector(words, hashes, names)
        signature = _min_hashes(shingle_hashes(hashes))
        out.append(Features(signature.tobytes(), columns.tobytes(), weights.tobytes()))
    return out


def _words(text: str) -> tuple[list[str], set[str]]:
    """A text's words, lowercased, and its names: the words written with a capital more
    often than a sentence or line begins with them, and never without one (``Kessel``,
    ``Brandt``), and those holding a digit. The first word of a sentence or of a line of
    a table is capitalised whatever it is, so it does not make a name."""
    written = _WORD.findall(text)
    words = " ".join(written).lower().split(" ") if written else []
    distinct = set(written)
    capital = {w for w in distinct if w[0].isupper()}
    lower = distinct - capital
    counts = Counter(written)
    initial = Counter(_INITIAL.findall(text))
    names = {w.lower() for w in capital if counts[w] > initial[w]}
    names.difference_update(lower)
    names.update(w for w in lower if not w.isalpha())  # numbers: "20.8", "4th", "1987"
    return words, names


def _word_hashes(words: Sequence[str]) -> np.ndarray:
    """Each word's CRC-32 (of its UTF-8 bytes)."""
    encoded = map(str.encode, words)
    return np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=len(words))


_SHINGLE_MIX = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77))  # odd: no word's bits lost


def shingle_hashes(word_hashes: np.ndarray) -> np.ndarray:
    """A 32-bit hash of each run of SHINGLE words, from the words' hashes (the set
    MinHash describes; one hash for a text shorter than a shingle)."""
    h = word_hashes
    if len(h) < SHINGLE:
        return np.array([int(h.sum()) & 0xFFFFFFFF if len(h) else 0], dtype=np.uint32)
    m1, m2 = _SHINGLE_MIX
    return h[:-2] * m1 + h[1:-1] * m2 + h[2:]  # type: ignore[no-any-return]


# MinHash as datasketch's MinHash computes it with scheme="affine32" (a test holds the two
# equal): each shingle's hash, mixed by the MurmurHash3 finalizer, under NUM_PERM affine
# permutations a*h + b mod 2**32 drawn from RandomState(_SEED); the least of each. Made
# here, with numpy, so that a build does not import datasketch (and with it
# scipy.integrate) to hash one edited text.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


@functools.cache
def _affine() -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _min_hashes(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = (hv ^ (hv >> s1)).reshape(-1, 1)
    a, b = _affine()
    return (hv * a + b).min(axis=0)  # type: ignore[no-any-return]


def _vector(
    words: Sequence[str], hashes: np.ndarray, names: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Hashed columns and unit-length weights of a text's words (see the module's doc)."""
    counts = Counter(words)
    terms = [w for w in counts.keys() - STOPWORDS if len(w) > 1 or w.isdigit()]
    if not terms:
        return np.zeros(0, dtype=np.int32), np.zeros(0)
    first = {w: i for i, w in enumerate(words)}  # a position of each word: its hash
    at = np.fromiter(map(first.__getitem__, terms), dtype=np.int64, count=len(terms))
    n = np.fromiter(map(counts.__getitem__, terms), dtype=np.float64, count=len(terms))
    boost = np.fromiter(map(names.__contains__, terms), dtype=bool, count=len(terms))
    weights = (1.0 + np.log(n)) * np.where(boost, NAME_WEIGHT, 1.0)
    columns, where = np.unique((hashes[at] & (COLUMNS - 1)).astype(np.int32), return_inverse=True)
    summed = np.bincount(where, weights=weights)
    return columns, summed / np.sqrt((summed * summed).sum())


def _signature(f: Features) -> np.ndarray:
    return np.frombuffer(f.signature, dtype=np.uint32)


def _matrix(items: Sequence[Features]) -> sparse.csr_matrix:
    """The word vectors as the rows of one sparse matrix."""
    from scipy import sparse

    cols = [np.frombuffer(f.columns, dtype=np.int32) for f in items]
    vals = [np.frombuffer(f.weights, dtype=np.float64) for f in items]
    indptr = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in cols], out=indptr[1:])
    data = np.concatenate(vals) if vals else np.zeros(0)
    indices = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(items), COLUMNS))


@functools.cache
def bands(threshold: float) -> tuple[int, int]:
    """The LSH's bands and rows per band for a Jaccard threshold: those that minimise the
    chance of a false positive plus that of a false negative, as ``MinHashLSH`` chooses
    them (there by integrating with scipy; here on a grid of similarities)."""
    s = np.linspace(0.0, 1.0, 4001)
    below, above = s <= threshold, s >= threshold
    best, found = math.inf, (0, 0)
    for b in range(1, NUM_PERM + 1):
        for r in range(1, NUM_PERM // b + 1):
            p = 1 - (1 - s**r) ** b  # the chance that a pair of similarity s is a candidate
            error = np.trapezoid(p[below], s[below]) + np.trapezoid(1 - p[above], s[above])
            if error < best:
                best, found = float(error), (b, r)
    return found


def candidates(signatures: np.ndarray, shape: tuple[int, int]) -> set[tuple[int, int]]:
    """The candidate pairs (i < j) of MinHash LSH with ``shape`` (bands, rows): the
    signatures alike in one whole band, as ``MinHashLSH`` buckets them (a test holds the
    two equal; made here so that a build does not import scipy.integrate for it)."""
    b, r = shape
    found: set[tuple[int, int]] = set()
    for k in range(b):
        buckets: dict[bytes, list[int]] = {}
        for i, key in enumerate(
            map(bytes, np.ascontiguousarray(signatures[:, k * r : (k + 1) * r]))
        ):
            buckets.setdefault(key, []).append(i)
        for members in buckets.values():
            if len(members) > 1:
                found.update(itertools.combinations(members, 2))
    return found


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return round(float(np.count_nonzero(a == b)) / NUM_PERM, 6)


Pair = tuple[str, str]


class _Pairs(NamedTuple):
    """The pairs found, each with its similarity (the ordered pair: the lesser first)."""

    carried: dict[Pair, float]
    related: dict[Pair, float]


def _eligible(articles: Iterable[Article]) -> list[Article]:
    """The articles coverage is found for: dated ones, in time order."""
    return sorted(
        (a for a in articles if a.kind == "article" and a.date is not None),
        key=lambda a: (a.date or dt.date.min, a.source),
    )


def relate(
    articles: Iterable[Article], feats: Callable[[Article], Features], settings: RelatedConfig
) -> dict[str, Coverage]:
    """Every article's coverage (only those with some), from each one's features."""
    if not settings.enabled:
        return {}
    dated = _eligible(articles)
    items = [feats(a) for a in dated]
    pairs = _Pairs({}, {})
    sigs = np.stack([_signature(f) for f in items]) if items else np.zeros((0, NUM_PERM))
    for i, j in sorted(candidates(sigs, bands(settings.carried_threshold))):
        _add_carried(pairs, dated[i].source, dated[j].source, sigs[i], sigs[j], settings)
    _related_pairs(dated, items, range(len(dated)), settings, pairs, later_only=True)
    return _coverage(pairs, dated)


def _add_carried(
    pairs: _Pairs, a: str, b: str, sig_a: np.ndarray, sig_b: np.ndarray, settings: RelatedConfig
) -> None:
    similarity = _jaccard(sig_a, sig_b)
    if similarity >= settings.carried_threshold:
        pairs.carried[_ordered(a, b)] = similarity


def _related_pairs(
    dated: Sequence[Article],
    items: Sequence[Features],
    rows: Iterable[int],
    settings: RelatedConfig,
    pairs: _Pairs,
    *,
    later_only: bool = False,
) -> None:
    """Add the related pairs of each article of ``rows`` with those filed within the
    window (``dated`` in time order; with ``later_only``, each pair once, from its
    earlier article), a block of rows at a time; near-copies are not added."""
    days = np.array([a.date.toordinal() if a.date else 0 for a in dated], dtype=np.int64)
    window, threshold = settings.window_days, settings.related_threshold
    rows = sorted(set(rows))
    block = 256
    for start in range(0, len(rows), block):
        chunk = np.array(rows[start : start + block], dtype=np.int64)
        lo = int(np.searchsorted(days, days[chunk[0]] - window, side="left"))
        hi = int(np.searchsorted(days, days[chunk[-1]] + window, side="right"))
        sims = (_matrix([items[i] for i in chunk]) @ _matrix(items[lo:hi]).T).toarray()
        sims = np.round(sims, 6)
        cols = np.arange(lo, hi)
        keep = (sims >= threshold) & (np.abs(days[lo:hi][None, :] - days[chunk][:, None]) <= window)
        keep &= cols[None, :] > chunk[:, None] if later_only else cols[None, :] != chunk[:, None]
        r, c = np.nonzero(keep)
        for i, j, similarity in zip(
            chunk[r].tolist(), (c + lo).tolist(), sims[r, c].tolist(), strict=True
        ):
            pair = _ordered(dated[i].source, dated[j].source)
            if pair not in pairs.carried:
                pairs.related[pair] = similarity


def _ordered(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _coverage(pairs: _Pairs, dated: Sequence[Article]) -> dict[str, Coverage]:
    """Each article's links, both ways, the most similar first (then in time order)."""
    order = {a.source: n for n, a in enumerate(dated)}
    carried: dict[str, list[tuple[str, float]]] = {}
    related: dict[str, list[tuple[str, float]]] = {}
    for found, into in ((pairs.carried, carried), (pairs.related, related)):
        for (a, b), similarity in found.items():
            if into is related and (a, b) in pairs.carried:
                continue
            into.setdefault(a, []).append((b, similarity))
            into.setdefault(b, []).append((a, similarity))

    def ranked(links: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
        return tuple(sorted(links, key=lambda link: (-link[1], order[link[0]])))

    return {
        source: Coverage(ranked(carried.get(source, [])), ranked(related.get(source, [])))
        for source in sorted(carried.keys() | related.keys(), key=order.__getitem__)
    }


def update(
    old: Mapping[str, Coverage],
    articles: Iterable[Article],
    changed: Iterable[str],
    feats: Callable[[Article], Features],
    settings: RelatedConfig,
) -> tuple[dict[str, Coverage], set[str]]:
    """The coverage after the texts of ``changed`` articles changed (none moved): only
    their pairs are found again. Also returns the articles whose coverage changed."""
    if not settings.enabled:
        return {}, set()
    dated = _eligible(articles)
    index = {a.source: n for n, a in enumerate(dated)}
    edited = {s for s in changed if s in index}
    pairs = _Pairs({}, {})
    for source, cov in old.items():  # every pair that does not involve an edited article
        if source in edited:
            continue
        for into, links in ((pairs.carried, cov.carried), (pairs.related, cov.related)):
            into.update((_ordered(source, t), sim) for t, sim in links if t not in edited)
    items = [feats(a) for a in dated]
    sigs = np.stack([_signature(f) for f in items]) if items else np.zeros((0, NUM_PERM))
    b, r = bands(settings.carried_threshold)
    for source in sorted(edited):
        i = index[source]
        sig = sigs[i]
        candidates = np.zeros(len(dated), dtype=bool)
        for start, end in ((k * r, (k + 1) * r) for k in range(b)):  # the LSH's own rule
            candidates |= (sigs[:, start:end] == sig[start:end]).all(axis=1)
        for j in np.flatnonzero(candidates).tolist():
            if j != i:
                _add_carried(pairs, source, dated[j].source, sig, sigs[j], settings)
    for pair in pairs.carried.keys() & pairs.related.keys():
        del pairs.related[pair]
    _related_pairs(dated, items, (index[s] for s in edited), settings, pairs)
    new = _coverage(pairs, dated)
    affected = {s for s in old.keys() | new.keys() if old.get(s) != new.get(s)}
    return new, affected
