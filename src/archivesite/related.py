"""Related coverage: which articles report the same story as which.

Two kinds, both symmetric (if A links B, B links A):

- **also carried by**: near-copies, the same story as another agency or outlet ran it.
  Each text's word 3-shingles get a MinHash signature (as ``datasketch`` makes it, of
  32-bit shingle hashes made from the words' hashes, :mod:`archivesite.wordscan`);
  locality-sensitive hashing finds the candidate pairs, in the bands ``MinHashLSH``
  would choose and as it buckets them, and the signatures' estimate of their Jaccard
  similarity decides
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
Words are hashed into ``2**22`` columns. The words of many texts are found, counted
and hashed together, as numpy arrays (:mod:`archivesite.wordscan`), where parsing
workers read them.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from . import wordscan
from .config import RelatedConfig
from .model import Article, Coverage

if TYPE_CHECKING:
    from scipy import sparse

FORMAT = "wordscan 1"  # what features are made from: another never reads this one's cache
NUM_PERM = 128
SHINGLE = 3  # words per shingle
COLUMNS = 1 << 22
NAME_WEIGHT = 2.0
_BLOCK = 48  # rows: about as many as one window holds, so few products fall outside it
_SEED = 1
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
    """The features of many texts, made together (see :mod:`archivesite.wordscan`)."""
    if len(texts) > _BATCH:
        batches = (texts[i : i + _BATCH] for i in range(0, len(texts), _BATCH))
        return [f for batch in batches for f in features_of_many(batch)]
    if not texts:
        return []
    words = wordscan.words_of(texts)
    hashes = word_hashes(words)
    columns, weights = _vectors(words, hashes, len(texts))
    signatures = _signatures(words.text, hashes, len(texts))
    return [
        Features(sig.tobytes(), cols.tobytes(), vals.tobytes())
        for sig, cols, vals in zip(signatures, columns, weights, strict=True)
    ]


def word_hashes(words: wordscan.Words) -> np.ndarray:
    """Each word's 32-bit hash (of the shingles, and of the word vectors' columns)."""
    return (words.hashes >> np.uint64(32)).astype(np.uint32)


@functools.cache
def _stopword_hashes() -> np.ndarray:
    return np.unique(wordscan.words_of(sorted(STOPWORDS)).hashes)


_BATCH = 1000  # texts at most made together: a text's number fits in 10 bits of a key
_FIELD = 21  # bits of each count packed in one integer


def _terms(words: wordscan.Words) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct words of each text, by text, then by column (one sort serves both
    the counts and the columns' sums): the place of one occurrence of each, its count,
    and whether it is a name or a number."""
    h = words.hashes
    key = (
        (words.text.astype(np.uint64) << np.uint64(54))
        | ((h >> np.uint64(32)) & np.uint64(COLUMNS - 1)) << np.uint64(32)
        | (h & np.uint64(0xFFFFFFFF))
    )
    order = np.argsort(key)
    key = key[order]
    starts = np.flatnonzero(np.diff(key, prepend=key[:1] + np.uint64(1)))
    counts = np.diff(np.append(starts, len(key)))
    # A name is written with a capital more often than a sentence or a line begins with
    # it, and never without one; a number is a word holding a digit. Three counts a
    # word, summed packed in one integer.
    packed = (words.capital & ~words.initial).astype(np.int64)
    packed |= (~words.capital).astype(np.int64) << _FIELD
    packed |= (~words.letters).astype(np.int64) << 2 * _FIELD
    sums = np.add.reduceat(packed[order], starts) if len(starts) else packed[:0]
    mask = (1 << _FIELD) - 1
    free, uncapital, other = sums & mask, (sums >> _FIELD) & mask, sums >> 2 * _FIELD
    names = ((free > 0) & (uncapital == 0)) | ((uncapital > 0) & (other > 0))
    return order[starts], counts, names


def _vectors(
    words: wordscan.Words, hashes: np.ndarray, n: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each text's hashed columns and unit-length weights (see the module's doc)."""
    first, counts, names = _terms(words)
    stop = _stopword_hashes()
    at = np.minimum(np.searchsorted(stop, words.hashes[first]), len(stop) - 1)
    keep = (stop[at] != words.hashes[first]) & ~words.single[first]
    first, counts, names = first[keep], counts[keep], names[keep]
    weights = (1.0 + np.log(counts)) * np.where(names, NAME_WEIGHT, 1.0)
    # Terms in order of text and column: those that share a column, their weights summed.
    key = (words.text[first] << 22) | (hashes[first] & np.uint32(COLUMNS - 1)).astype(np.int64)
    starts = np.flatnonzero(np.diff(key, prepend=-1))
    summed = np.add.reduceat(weights, starts) if len(starts) else weights
    key = key[starts]
    text, columns = key >> 22, (key & (COLUMNS - 1)).astype(np.int32)
    norms = np.sqrt(np.bincount(text, weights=summed * summed, minlength=n))
    summed /= norms[text]
    bounds = np.searchsorted(text, np.arange(n + 1)).tolist()
    return (
        [columns[a:b] for a, b in itertools.pairwise(bounds)],
        [summed[a:b] for a, b in itertools.pairwise(bounds)],
    )


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
_MINHASH_ROWS = 4096  # shingles permuted at a time: the matrix stays in the cache


@functools.cache
def _affine() -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _mixed(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s1)  # type: ignore[no-any-return]


def _signatures(text: np.ndarray, hashes: np.ndarray, n: int) -> np.ndarray:
    """The MinHash signature of each of ``n`` texts, from its words' hashes (``text``:
    the text of each word, ascending)."""
    bounds = np.searchsorted(text, np.arange(n + 1))
    sizes = np.diff(bounds)
    out = np.empty((n, NUM_PERM), dtype=np.uint32)
    for t in np.flatnonzero(sizes < SHINGLE).tolist():  # one shingle each
        out[t] = _min_hashes(shingle_hashes(hashes[bounds[t] : bounds[t + 1]]))
    m1, m2 = _SHINGLE_MIX
    shingles = hashes[:-2] * m1 + hashes[1:-1] * m2 + hashes[2:]
    whole = np.flatnonzero(sizes >= SHINGLE)
    if not len(whole):
        return out
    # The shingles of the texts of SHINGLE words or more, text by text.
    firsts = bounds[whole]
    lasts = bounds[whole + 1] - (SHINGLE - 1)
    inside = np.zeros(len(shingles) + 1, dtype=np.int64)
    np.add.at(inside, firsts, 1)
    np.add.at(inside, lasts, -1)
    hv = _mixed(shingles[np.cumsum(inside[:-1]) > 0])
    starts = np.concatenate([[0], np.cumsum(lasts - firsts)])
    # Texts in groups of about _MINHASH_ROWS shingles: each group's permutations in one
    # matrix, a row per permutation, made in place and reduced along its rows.
    a, b = _affine()
    a, b = a[:, None], b[:, None]
    group = starts[:-1] // _MINHASH_ROWS
    edges = [*np.flatnonzero(np.diff(group, prepend=-1)).tolist(), len(whole)]
    for lo, hi in itertools.pairwise(edges):
        rows = hv[starts[lo] : starts[hi]]
        permuted = np.multiply(a, rows[None, :])
        permuted += b
        out[whole[lo:hi]] = np.minimum.reduceat(permuted, starts[lo:hi] - starts[lo], axis=1).T
    return out


def _min_hashes(hv: np.ndarray) -> np.ndarray:
    """The MinHash signature of one set of shingle hashes."""
    a, b = _affine()
    permuted = np.multiply.outer(_mixed(hv), a)  # one matrix, added to in place
    permuted += b
    return permuted.min(axis=0)  # type: ignore[no-any-return]


def _signature(f: Features) -> np.ndarray:
    return np.frombuffer(f.signature, dtype=np.uint32)


def _matrix(items: Sequence[Features]) -> sparse.csr_matrix:
    """The word vectors as the rows of one sparse matrix, with only the columns they use
    (renumbered in the same order, so every product sums in the same order)."""
    from scipy import sparse

    cols = [np.frombuffer(f.columns, dtype=np.int32) for f in items]
    vals = [np.frombuffer(f.weights, dtype=np.float64) for f in items]
    indptr = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in cols], out=indptr[1:])
    data = np.concatenate(vals) if vals else np.zeros(0)
    used, indices = np.unique(
        np.concatenate(cols) if cols else np.zeros(0, np.int32), return_inverse=True
    )
    return sparse.csr_matrix(
        (data, indices.astype(np.int32), indptr), shape=(len(items), len(used))
    )


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
        band = signatures[:, k * r : (k + 1) * r]
        for rows in _alike(band):
            buckets: dict[bytes, list[int]] = {}
            for i in rows:
                buckets.setdefault(band[i].tobytes(), []).append(i)
            for members in buckets.values():
                found.update(itertools.combinations(members, 2))
    return found


_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd


def _alike(band: np.ndarray) -> list[list[int]]:
    """The groups of rows (ascending) whose band hashes alike: every set of equal rows
    is within one (a few unequal ones may share a group: the caller compares bytes)."""
    h = np.zeros(len(band), dtype=np.uint64)
    for column in band.T:
        h = (h ^ column) * _BAND_MIX
        h ^= h >> np.uint64(29)
    order = np.argsort(h, kind="stable")
    h = h[order]
    same = np.flatnonzero(h[1:] == h[:-1])
    if not len(same):
        return []
    # Runs of equal hashes: each pair (i, i + 1) alike joins its run.
    starts = same[np.diff(same, prepend=-2) != 1]
    ends = same[np.diff(same, append=len(h) + 1) != 1] + 2
    return [order[s:e].tolist() for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


# A pair's Jaccard estimate by the number of equal MinHash values: one float for each.
_JACCARD = np.array([round(k / NUM_PERM, 6) for k in range(NUM_PERM + 1)])


class _Links(NamedTuple):
    """Links as arrays: each one's article and the other (places in time order), and
    their similarity. Each pair is listed under each of its articles."""

    own: np.ndarray
    other: np.ndarray
    similarity: np.ndarray


def _no_links() -> _Links:
    return _Links(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def _joined(parts: Sequence[_Links]) -> _Links:
    if not parts:
        return _no_links()
    return _Links(*(np.concatenate(columns) for columns in zip(*parts, strict=True)))


def _eligible(articles: Iterable[Article]) -> list[Article]:
    """The articles coverage is found for: dated ones, in time order."""
    return sorted(
        (a for a in articles if a.kind == "article" and a.date is not None),
        key=lambda a: (a.date or dt.date.min, a.source),
    )


def _signature_rows(items: Sequence[Features]) -> np.ndarray:
    """The texts' MinHash signatures, a row each."""
    return (
        np.stack([_signature(f) for f in items])
        if items
        else np.zeros((0, NUM_PERM), dtype=np.uint32)
    )


def relate(
    articles: Iterable[Article], feats: Callable[[Article], Features], settings: RelatedConfig
) -> dict[str, Coverage]:
    """Every article's coverage (only those with some), from each one's features: of
    each kind the ``settings.limit`` links a page shows, never more (an archive's links
    grow with the square of the articles a day)."""
    if not settings.enabled:
        return {}
    dated = _eligible(articles)
    items = [feats(a) for a in dated]
    sigs = _signature_rows(items)
    found = sorted(candidates(sigs, bands(settings.carried_threshold)))
    first = np.array([i for i, _ in found], dtype=np.int64)
    second = np.array([j for _, j in found], dtype=np.int64)
    del found
    carried = _both_ways(_carried_of(sigs, first, second, settings))
    related = _related_links(dated, items, range(len(dated)), settings, carried, settings.limit)
    return _coverage(dated, _top(carried, settings.limit), related)


def _carried_of(
    sigs: np.ndarray, first: np.ndarray, second: np.ndarray, settings: RelatedConfig
) -> _Links:
    """Of candidate pairs, the near-copies (each listed under ``first``'s article)."""
    similarity = _JACCARD[np.count_nonzero(sigs[first] == sigs[second], axis=1)]
    return _select(_Links(first, second, similarity), similarity >= settings.carried_threshold)


def _both_ways(links: _Links) -> _Links:
    """Links listed under each of their articles."""
    return _Links(
        np.concatenate([links.own, links.other]),
        np.concatenate([links.other, links.own]),
        np.concatenate([links.similarity, links.similarity]),
    )


def _related_links(
    dated: Sequence[Article],
    items: Sequence[Features],
    rows: Iterable[int],
    settings: RelatedConfig,
    carried: _Links,
    limit: int | None,
) -> _Links:
    """The related links of each article of ``rows`` with those filed within the window
    (``dated`` in time order) but its ``carried`` ones; with ``limit``, only the first
    ``limit`` of each in rank order (:func:`_top`). A block of rows at a time, so that
    only one block's links are ever held in full."""
    days = np.array([a.date.toordinal() if a.date else 0 for a in dated], dtype=np.int64)
    window, threshold = settings.window_days, settings.related_threshold
    shown = np.sort(carried.own * len(dated) + carried.other)
    found: list[_Links] = []
    for chunk in _blocks(sorted(set(rows)), days, window):
        lo = int(np.searchsorted(days, days[chunk[0]] - window, side="left"))
        hi = int(np.searchsorted(days, days[chunk[-1]] + window, side="right"))
        vectors = _matrix(items[lo:hi])  # the chunk's rows are among them
        sims = np.round((vectors[chunk - lo] @ vectors.T).toarray(), 6)
        cols = np.arange(lo, hi)
        keep = (sims >= threshold) & (np.abs(days[lo:hi][None, :] - days[chunk][:, None]) <= window)
        keep &= cols[None, :] != chunk[:, None]
        r, c = np.nonzero(keep)
        links = _Links(chunk[r], c + lo, sims[r, c])
        if len(shown):  # a near-copy is shown as carried, not here
            links = _select(links, ~_among(links.own * len(dated) + links.other, shown))
        found.append(links if limit is None else _top(links, limit))
    return _joined(found)


def _blocks(rows: Sequence[int], days: np.ndarray, window: int) -> Iterable[np.ndarray]:
    """``rows`` (ascending) in blocks of at most ``_BLOCK``, a new one wherever a row's
    window does not meet the row before's: a block's product spans every article from
    its first row's window to its last's."""
    block: list[int] = []
    for row in rows:
        if block and (len(block) == _BLOCK or days[row] - days[block[-1]] > 2 * window + 1):
            yield np.array(block, dtype=np.int64)
            block = []
        block.append(row)
    if block:
        yield np.array(block, dtype=np.int64)


def _among(keys: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Which of ``keys`` are in the ascending array ``ordered``."""
    if not len(ordered):
        return np.zeros(len(keys), dtype=bool)
    at = np.searchsorted(ordered, keys).clip(max=len(ordered) - 1)
    return ordered[at] == keys  # type: ignore[no-any-return]


def _select(links: _Links, keep: np.ndarray) -> _Links:
    return _Links(links.own[keep], links.other[keep], links.similarity[keep])


def _top(links: _Links, limit: int) -> _Links:
    """Each article's first ``limit`` links, in rank order: the most similar first,
    then the others in time order (by article, then rank)."""
    order = np.lexsort((links.other, -links.similarity, links.own))
    own = links.own[order]
    starts = np.flatnonzero(np.diff(own, prepend=-1))
    rank = np.arange(len(own)) - np.repeat(starts, np.diff(np.append(starts, len(own))))
    return _select(_Links(own, links.other[order], links.similarity[order]), rank < limit)


def _coverage(dated: Sequence[Article], carried: _Links, related: _Links) -> dict[str, Coverage]:
    """Each article's coverage from its links of each kind (each in rank order)."""
    by_kind = [_ranked(dated, links) for links in (carried, related)]
    return {
        dated[n].source: Coverage(by_kind[0].get(n, ()), by_kind[1].get(n, ()))
        for n in sorted(by_kind[0].keys() | by_kind[1].keys())
    }


def _ranked(dated: Sequence[Article], links: _Links) -> dict[int, tuple[tuple[str, float], ...]]:
    """Each article's links of one kind (``links`` by article, each in rank order), by
    its place in time order: (source, similarity) of each other article."""
    own, other, similarity = links
    sources = np.array([a.source for a in dated] or [""], dtype=object)
    found = list(zip(sources[other], _shared_floats(similarity), strict=True))
    starts = np.flatnonzero(np.diff(own, prepend=-1)).tolist()
    ends = [*starts[1:], len(found)] if starts else []
    return {int(own[a]): tuple(found[a:b]) for a, b in zip(starts, ends, strict=True)}


def _shared_floats(values: np.ndarray) -> np.ndarray:
    """``values`` as Python floats (an object array), one float object for each distinct
    value: a similarity is listed under both its articles, and an archive holds many
    times its articles' links, so each saved object counts."""
    distinct, where = np.unique(values, return_inverse=True)
    return np.array(distinct.tolist() or [0.0], dtype=object)[where]


def update(
    old: Mapping[str, Coverage],
    articles: Iterable[Article],
    changed: Iterable[str],
    feats: Callable[[Article], Features],
    settings: RelatedConfig,
) -> tuple[dict[str, Coverage], set[str]]:
    """The coverage after the texts of ``changed`` articles changed (none moved), equal
    to :func:`relate`'s, and the articles whose coverage changed. The edited articles'
    links are found again in full, and so are those of each article that showed an
    edited one (what came after its shown links was not kept); any other article that
    gains a link to an edited one ranks it with the links it showed."""
    if not settings.enabled:
        return {}, set()
    dated = _eligible(articles)
    index = {a.source: n for n, a in enumerate(dated)}
    edited = {s for s in changed if s in index}
    if not edited:
        return dict(old), set()
    items = [feats(a) for a in dated]
    again = sorted({index[s] for s in edited} | {index[s] for s in linking(old, edited)})
    carried = _carried_rows(_signature_rows(items), again, settings)
    related = _related_links(dated, items, again, settings, carried, None)
    edited_rows = np.array(sorted(index[s] for s in edited), dtype=np.int64)
    reached = [_reached(links, edited_rows, again) for links in (carried, related)]
    gaining = np.union1d(reached[0].own, reached[1].own).tolist()
    fresh = _coverage(
        dated,
        *(
            _top(_joined([links, reached[kind], _shown(old, dated, index, gaining, kind)]), limit)
            for kind, links, limit in ((0, carried, settings.limit), (1, related, settings.limit))
        ),
    )
    touched = {dated[i].source for i in again} | fresh.keys()
    new = {s: c for s, c in old.items() if s not in touched} | fresh
    return new, {s for s in touched if old.get(s) != new.get(s)}


def _carried_rows(sigs: np.ndarray, rows: Sequence[int], settings: RelatedConfig) -> _Links:
    """The near-copies of each article of ``rows``: its LSH candidates (signatures alike
    in one whole band, as :func:`candidates` finds them) whose estimate reaches the
    threshold."""
    b, r = bands(settings.carried_threshold)
    parts = []
    for i in rows:
        mates = np.zeros(len(sigs), dtype=bool)
        for start in range(0, b * r, r):
            maybe = np.flatnonzero(sigs[:, start] == sigs[i, start])  # few share a value
            same = (sigs[maybe, start : start + r] == sigs[i, start : start + r]).all(axis=1)
            mates[maybe[same]] = True
        mates[i] = False
        other = np.flatnonzero(mates).astype(np.int64)
        parts.append(_carried_of(sigs, np.full(len(other), i, dtype=np.int64), other, settings))
    return _joined(parts)


def _reached(links: _Links, edited: np.ndarray, again: Sequence[int]) -> _Links:
    """The links of edited articles (of ``links``, the rows found again) to articles
    not found again, listed under the latter."""
    reached = _select(links, _among(links.own, edited) & ~np.isin(links.other, again))
    return _Links(reached.other, reached.own, reached.similarity)


def _shown(
    old: Mapping[str, Coverage],
    dated: Sequence[Article],
    index: Mapping[str, int],
    rows: Sequence[int],
    kind: int,
) -> _Links:
    """The links of one kind (0: carried, 1: related) the articles of ``rows`` showed."""
    parts = []
    for n in rows:
        had = old.get(dated[n].source)
        shown = () if had is None else (had.carried, had.related)[kind]
        parts.append(
            _Links(
                np.full(len(shown), n, dtype=np.int64),
                np.array([index[s] for s, _ in shown], dtype=np.int64),
                np.array([sim for _, sim in shown], dtype=np.float64),
            )
        )
    return _joined(parts)


def linking(coverage: Mapping[str, Coverage], sources: AbstractSet[str]) -> set[str]:
    """The articles whose coverage shows any of ``sources``."""
    return {s for s, cov in coverage.items() if cov.shows_any(sources)}
