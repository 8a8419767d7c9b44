"""The words of texts made with numpy (``archivesite.wordscan``) are those of the plain
definitions: the regular expression ``\\w+(?:[.,]\\d+)*`` for the words, ``str``'s
methods for letters, capitals and lowercase, and the sentence-start pattern for the
words that begin a sentence or a line. Checked on tricky Unicode, the related-coverage
fixtures and the shared corpus (when present), one text at a time and many together.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from archivesite import wordscan

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURE = ROOT / "tests" / "fixtures" / "related" / "articles.json"

WORD = re.compile(r"\w+(?:[.,]\d+)*")
# A word that begins a sentence or a line; a text begins as a line does (after "\n").
INITIAL = re.compile(r"""(?:[.!?:;]\s+|\n\s*)["'“‘«(*_>#—-]*\s*(\w+)""")
MASK = (1 << 64) - 1

TRICKY = [
    "“Quote” she said. (Bracket) words: More\n\n  # Title\n- item",
    "1.5a 3.5th 1,000km U.S. said, «Привет» мир. — Он 20.8% 1.2.3 a.5 .5 5. x,y 1,,2",
    "Москва — столица России. «Ёлка» и ЁЖИК; Ещё: раз!",
    "İstanbul DİYARBAKIR ΟΔΟΣ Straße STRASSE ǅemal ﬁne ½ ² ³ Ⅻ ٣٤ ४२ _under_ snake_case",
    "emoji 🙂 word🙂word 𝐀𝐁𝐂 𐌰𐌱 math 𝟏𝟐.𝟑 Gothic",
    "tabs\tand\u00a0nbsp\u2003em-space\u2028line\u2029para\r\nCRLF\x0bVT\x0cFF",
    "em—dash en–dash ‹angle› „low“ ‘single’ 'plain' \"double\" ‐hyphen‑nb",
    "The end.The start; next\tword! Why? Because: yes",
    "",
    " ",
    ". ",
    "\n\nWord",
    "a",
    "Über über ÜBER",
    "ﬀ ﬃ ǈ ǋ Σίσυφος ΣΊΣΥΦΟΣ",
    "\u0301combining e\u0301 café cafe\u0301",
    "long " + "Word" * 40 + " words 1.5" + "7" * 80 + "x",
]


def _lower(word: str) -> str:
    return "".join(c.lower()[:1] for c in word)


def _hash(word: str) -> int:
    """The definition of a word's hash, one character at a time."""
    h = 0
    for c in _lower(word):
        h = (h * 0x100000001B3 + ord(c)) & MASK
    h ^= h >> 33
    h = h * 0xFF51AFD7ED558CCD & MASK
    h ^= h >> 33
    h = h * 0xC4CEB9FE1A85EC53 & MASK
    return h ^ (h >> 33)


def _expected(text: str) -> list[tuple[int, int, int, bool, bool, bool, bool]]:
    initial = {m.start(1) for m in INITIAL.finditer("\n" + text)}
    return [
        (
            m.start(),
            m.end(),
            _hash(m.group()),
            m.group()[0].isupper(),
            m.start() + 1 in initial,
            m.group().isalpha(),
            len(m.group()) == 1 and not m.group().isdigit(),
        )
        for m in WORD.finditer(text)
    ]


def _found(texts: list[str]) -> list[list[tuple[int, int, int, bool, bool, bool, bool]]]:
    w = wordscan.words_of(texts)
    out: list[list[tuple[int, int, int, bool, bool, bool, bool]]] = [[] for _ in texts]
    for row in zip(*(part.tolist() for part in w), strict=True):
        text, *rest = row
        out[text].append(tuple(rest))  # type: ignore[arg-type]
    return out


def _assert_same(texts: list[str]) -> None:
    found = _found(texts)
    for text, words in zip(texts, found, strict=True):
        expected = _expected(text)
        # Whether a word begins a sentence matters only for capitalised words: the
        # pattern's opening characters include "_", a word character, so for a word
        # that begins with one the two may differ, as the word's forms differ.
        got = [w if w[3] else (*w[:4], e[4], *w[5:]) for w, e in zip(words, expected, strict=True)]
        assert got == expected, text[:200]


def test_tricky_texts_one_at_a_time_and_together() -> None:
    for text in TRICKY:
        _assert_same([text])
    _assert_same(TRICKY)


def test_quotes_dashes_and_guillemets_are_not_word_characters() -> None:
    text = "«Да» — “yes” ‘no’ „ja“ ‹oui› – -"
    words = wordscan.words_of([text])
    got = [text[a:b] for a, b in zip(words.start.tolist(), words.end.tolist(), strict=True)]
    assert got == ["Да", "yes", "no", "ja", "oui"]


def test_russian_words_are_lowercased_and_hashed_as_one_word() -> None:
    assert wordscan.word_hash("ЁЛКА") == wordscan.word_hash("ёлка") == _hash("ёлка")
    assert wordscan.word_hash("Москва") != wordscan.word_hash("москвы")


def test_the_fixtures_and_random_mixtures() -> None:
    texts = [a["text"] for a in json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]]
    _assert_same(texts)
    rng = random.Random(5)
    pieces = [*TRICKY, *texts[:3], "1", ".", ",", "5", "\n", " ", "A", "_", "—", "«"]
    mixed = [
        "".join(rng.choice(pieces)[: rng.randint(0, 40)] for _ in range(12)) for _ in range(300)
    ]
    _assert_same(mixed)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no shared corpus")
def test_the_shared_corpus() -> None:
    texts = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        data = path.read_bytes()
        try:
            texts.append(data.decode("utf-8"))
        except UnicodeDecodeError:  # the Russian seeds are in cp1251
            texts.append(data.decode("cp1251", errors="replace"))
    for start in range(0, len(texts), 200):
        _assert_same(texts[start : start + 200])
