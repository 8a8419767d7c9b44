"""The words of many texts at once, as numpy arrays: no Python string per word.

A word is what ``\\w+(?:[.,]\\d+)*`` matches (a number with its separators is one
word: ``20.8``, ``1,000``); Python's own ``\\w``, ``\\d`` and ``\\s`` decide which
characters are word characters, digits and spaces (so curly quotes, dashes and ``« »``
are not word characters, and every script is). Each word comes with

- its hash: a polynomial hash of its characters lowercased one by one (``str.lower``,
  the first character where that gives several), mixed by MurmurHash3's 64-bit
  finalizer; :func:`word_hash` gives the same for one word;
- whether it is capitalised, begins a sentence or a line (after any opening quote or
  bracket, as ``(?:^|[.!?:;]\\s+|\\n\\s*)["'“‘«(*_>#—-]*\\s*`` precedes it), is all
  letters, and is a single character that is not a digit.

Texts are scanned as their code points (UTF-32), joined by newlines; character
properties come from tables over the Basic Multilingual Plane made once from ``str``'s
own methods, and for any other code point from the same methods, one call per distinct
character of the batch.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

# Character properties, one bit each.
_WORD, _DIGIT, _DECIMAL, _UPPER, _OTHER, _SEPARATOR = (1 << k for k in range(6))
_BMP = 0x10000
_BASE = np.uint64(0x100000001B3)  # odd: invertible modulo 2**64
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_WORD_CHAR = re.compile(r"\w")
_HORNER_LONGEST = 64  # longer words (rare) are hashed by another way to the same hash


class Words(NamedTuple):
    """The words of a batch of texts, in order (text by text), as parallel arrays."""

    text: np.ndarray  # int64: the text each word is of, ascending
    start: np.ndarray  # int64: where the word starts in its text (a str index)
    end: np.ndarray  # int64: where it ends
    hashes: np.ndarray  # uint64: the hash of the word lowercased
    capital: np.ndarray  # bool: its first character is upper case
    initial: np.ndarray  # bool: it begins a sentence or a line
    letters: np.ndarray  # bool: all its characters are letters
    single: np.ndarray  # bool: one character, not a digit


def _properties(chars: str) -> tuple[np.ndarray, np.ndarray]:
    """The property bits and the lowercase code point of each of ``chars``."""
    each = np.array(list(chars), dtype="<U1")
    bits = np.zeros(len(chars), dtype=np.uint8)
    bits[[m.start() for m in _WORD_CHAR.finditer(chars)]] |= _WORD
    bits[np.strings.isdigit(each)] |= _DIGIT
    bits[np.strings.isdecimal(each)] |= _DECIMAL
    bits[np.strings.isupper(each)] |= _UPPER
    bits[((bits & _WORD) != 0) & ~np.strings.isalpha(each)] |= _OTHER
    bits[np.isin(each, [".", ","])] |= _SEPARATOR | _OTHER
    lower = np.frombuffer(np.strings.lower(each).tobytes(), dtype=np.uint32)  # first char
    return bits, lower.copy()


@functools.cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """The properties and lowercase of every character of the Basic Multilingual Plane."""
    return _properties("".join(map(chr, range(_BMP))))


def prepare() -> None:
    """Make the character tables now (before worker processes fork, so that each need
    not make its own)."""
    _tables()


def _lookup(points: np.ndarray, which: int) -> np.ndarray:
    """The property bits (``which`` 0) or the lowercase (1) of each code point."""
    table = _tables()[which]
    if not len(points) or int(points.max()) < _BMP:
        return table[points]  # type: ignore[no-any-return]
    beyond = points >= _BMP
    found = table[np.where(beyond, 0, points)]
    distinct, where = np.unique(points[beyond], return_inverse=True)
    found[beyond] = _properties("".join(map(chr, distinct.tolist())))[which][where]
    return found


def _powers(n: int) -> np.ndarray:
    """``_BASE ** k`` modulo 2**64 for k < n."""
    up = np.full(max(n, 1), _BASE, dtype=np.uint64)
    up[0] = 1
    return np.cumprod(up)


def _fmix64(h: np.ndarray) -> np.ndarray:
    shift, m1, m2 = _FMIX64
    h = h ^ (h >> shift)
    h *= m1
    h ^= h >> shift
    h *= m2
    h ^= h >> shift
    return h


# A word that begins a sentence or a line: after a line break, or a sentence's end and a
# space, then any spaces, opening quotes and brackets. The texts are joined by line
# breaks, so a text's first word is one too.
_INITIAL = re.compile(r"""[.!?:;\n](?:(?<=\n)|(?=\s))\s*["'“‘«(*_>#—-]*\s*(\w+)""")


def words_of(texts: Sequence[str]) -> Words:
    """The words of ``texts`` (see the module's doc)."""
    joined = "\n" + "\n".join(texts) + "\n"
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    bits = _lookup(points, 0)
    inside, start, end = _bounds(bits)
    offsets = np.cumsum([1, *(len(t) + 1 for t in texts)])[:-1]
    counts = np.diff(np.searchsorted(start, offsets), append=len(start))
    text = np.repeat(np.arange(len(texts)), counts)  # which text each word is of
    first = bits[start]
    letters = np.ones(len(start), dtype=bool)
    others = np.flatnonzero((bits & _OTHER) != 0)  # in a word, not a letter
    letters[np.searchsorted(start, others[inside[others]], side="right") - 1] = False
    return Words(
        text=text,
        start=start - offsets[text],
        end=end - offsets[text],
        hashes=_hashes(points, start, end),
        capital=(first & _UPPER) != 0,
        initial=_marked(len(points), [m.start(1) for m in _INITIAL.finditer(joined)])[start],
        letters=letters,
        single=(end - start == 1) & ((first & _DIGIT) == 0),
    )


def _bounds(bits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which characters are of words, and where each word starts and ends
    (``\\w+(?:[.,]\\d+)*``)."""
    inside = (bits & _WORD) != 0
    # A separator joins a number's parts: "20.8" and "1,000" are one word.
    separators = np.flatnonzero((bits & _SEPARATOR) != 0)
    joiners = separators[inside[separators - 1] & ((bits[separators + 1] & _DECIMAL) != 0)]
    inside[joiners] = True
    change = np.flatnonzero(inside[1:] != inside[:-1]) + 1
    start, end = change[0::2], change[1::2]
    if len(joiners):  # after a separator's digits a letter begins a word ("1.5a": "1.5", "a")
        split = _splits(bits, joiners)
        start = np.union1d(start, split)
        end = np.union1d(end, split)
    return inside, start, end


def _splits(bits: np.ndarray, joiners: np.ndarray) -> np.ndarray:
    """The word characters, not digits, right after the digits that follow a separator."""
    digits = np.flatnonzero((bits & _DECIMAL) != 0)
    run_ends = np.flatnonzero(np.diff(digits, append=-1) != 1)  # the last digit of each run
    after = digits[run_ends[np.searchsorted(run_ends, np.searchsorted(digits, joiners + 1))]] + 1
    return after[(bits[after] & (_WORD | _DECIMAL)) == _WORD]  # type: ignore[no-any-return]


def _hashes(points: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The hash of each word: its lowercased characters c as a polynomial in ``_BASE``,
    ``((c0 * B + c1) * B + c2) ...`` (modulo 2**64), mixed."""
    lengths = end - start
    if not len(lengths):
        return np.zeros(0, dtype=np.uint64)
    longest = int(lengths.max())
    if longest > _HORNER_LONGEST:
        return _fmix64(_by_places(_lookup(points, 1), start, lengths))
    if int(points.max()) < _BMP:  # through the table: one look-up a word character
        lowered, index = _tables()[1], points
    else:
        lowered, index = _lookup(points, 1), np.arange(len(points))
    # Horner's rule, a character at a time, for all the words that long at once: the
    # words longest first, so that those still going are always the first ones.
    order = np.argsort(-lengths.astype(np.int8), kind="stable")
    firsts = start[order]
    going = len(lengths) - np.cumsum(np.bincount(lengths, minlength=longest))
    h = np.zeros(len(lengths), dtype=np.uint64)
    for k, n in enumerate(going[:longest].tolist()):
        part = h[:n]
        part *= _BASE
        part += lowered[index[firsts[:n] + k]]
    hashes = np.empty_like(h)
    hashes[order] = h
    return _fmix64(hashes)


def _by_places(lowered: np.ndarray, start: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The same polynomials, each character times the power of its place from the end,
    summed (for words too long for a character at a time)."""
    firsts = np.cumsum(lengths) - lengths
    each = np.arange(int(lengths.sum()))
    place = np.repeat(firsts + lengths - 1, lengths) - each
    terms = lowered[np.repeat(start - firsts, lengths) + each].astype(np.uint64)
    terms *= _powers(int(lengths.max()))[place]
    return np.add.reduceat(terms, firsts)


def _marked(n: int, positions: list[int]) -> np.ndarray:
    marks = np.zeros(n, dtype=bool)
    marks[positions] = True
    return marks


def word_hash(word: str) -> int:
    """The hash of one word, as :func:`words_of` gives it."""
    (h,) = words_of([word]).hashes.tolist()
    return int(h)
