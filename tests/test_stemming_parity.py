"""The browser's terms (search-terms.js under Node) equal the index's (archivesite.stemming).

A query finds an article only if the browser cuts and stems its words as the build
did, so both sides run over one large list: the words of the real copy in
../shared/corpus (when present), generated English and Russian inflections, random
words, every letter, digit and mark Python knows inside a word, and the tricky
lines of tests/fixtures/stemming/tricky.txt. Zero differences are expected.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import Stemmer

from archivesite import stemming

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "tools" / "search-terms.cjs"
TRICKY = ROOT / "tests" / "fixtures" / "stemming" / "tricky.txt"
CORPUS = ROOT.parent / "shared" / "corpus"

NEEDS_NODE = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

EN_STEMS = [
    "connect",
    "generat",
    "nation",
    "organ",
    "univers",
    "emerg",
    "even",
    "later",
    "past",
    "commun",
    "arsen",
    "inter",
    "hop",
    "run",
    "sky",
    "die",
    "lie",
    "news",
    "agree",
    "feed",
    "proceed",
    "succeed",
    "happy",
    "fly",
    "cry",
    "dry",
    "relat",
    "condition",
    "rational",
    "valen",
    "hesitan",
    "digit",
    "conform",
    "radical",
    "differ",
    "analog",
]
EN_SUFFIXES = [
    "",
    "s",
    "es",
    "ed",
    "ing",
    "ingly",
    "ly",
    "edly",
    "ies",
    "ied",
    "y",
    "ational",
    "tional",
    "enci",
    "anci",
    "izer",
    "bli",
    "alli",
    "entli",
    "eli",
    "ousli",
    "ization",
    "ation",
    "ator",
    "alism",
    "aliveness",
    "fulness",
    "ousness",
    "aliti",
    "iviti",
    "biliti",
    "logi",
    "icate",
    "ative",
    "alize",
    "iciti",
    "ical",
    "ful",
    "ness",
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
    "ion",
    "ogist",
    "'s",
    "s'",
    "'",
]
RU_STEMS = [
    "москв",
    "город",
    "президент",
    "работ",
    "прав",
    "стран",
    "сил",
    "дел",
    "говор",
    "человек",
    "ёж",
    "красн",
    "нов",
]
RU_ENDINGS = [
    "",
    "а",
    "я",
    "о",
    "е",
    "ы",
    "и",
    "у",
    "ю",
    "ой",
    "ей",
    "ом",
    "ем",
    "ам",
    "ям",
    "ами",
    "ями",
    "ах",
    "ях",
    "ов",
    "ев",
    "ия",
    "ие",
    "ию",
    "ием",
    "иях",
    "ость",
    "ости",
    "ный",
    "ная",
    "ное",
    "ные",
    "ного",
    "ному",
    "ным",
    "ных",
    "ыми",
    "ейший",
    "ейшая",
    "ать",
    "ять",
    "ить",
    "ил",
    "ила",
    "ило",
    "или",
    "ет",
    "ют",
    "ует",
    "уют",
    "ующий",
    "вший",
    "вшись",
    "ся",
    "сь",
    "ться",
    "нн",
    "ь",
]


def corpus_words() -> set[str]:
    words: set[str] = set()
    if not CORPUS.is_dir():
        return words
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # the Russian seeds are in cp1251
            text = data.decode("cp1251", errors="replace")
        words.update(re.findall(r"\S+", text))
    return words


def generated_words() -> Iterator[str]:
    for stem in EN_STEMS:
        for suffix in EN_SUFFIXES:
            yield stem + suffix
            yield (stem + suffix).upper()
    for stem in RU_STEMS:
        for ending in RU_ENDINGS:
            yield stem + ending
            yield (stem + ending).capitalize()
    rng = random.Random(17)
    latin, cyrillic = "abcdefghijklmnopqrstuvwxyz'y", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    for alphabet in (latin, cyrillic, latin + cyrillic + "0123456789_"):
        for _ in range(20_000):
            yield "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))


def every_word_character() -> Iterator[str]:
    """Each letter, digit and mark alone, inside an English word, and after a Russian one."""
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if unicodedata.category(c)[0] in "LNM":
            yield f"{c} x{c}ing {c}{c}ies ёж{c}ами"


def test_one_snowball_release_on_both_sides() -> None:
    """The vendored browser stemmers name the release PyStemmer's libstemmer is."""
    vendored = (ROOT / "static" / "assets" / "snowball-stemmers.js").read_text(encoding="utf-8")
    release = re.search(r"release: '([^']+)'", vendored)
    assert release is not None
    assert release.group(1) == Stemmer.version()


def test_fixture_lines_cover_the_tricky_cases() -> None:
    lines = TRICKY.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 10
    assert stemming.terms("Ёжики running") == ["ежик", "run"]


@NEEDS_NODE
def test_browser_terms_equal_python_terms() -> None:
    texts = sorted(
        {line for line in TRICKY.read_text(encoding="utf-8").splitlines() if line}
        | corpus_words()
        | set(generated_words())
        | set(every_word_character())
    )
    result = subprocess.run(
        ["node", str(RUNNER)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=300,
    )
    browser = json.loads(result.stdout)
    differ = [
        (text, py, js)
        for text, js in zip(texts, browser, strict=True)
        if (py := stemming.terms(text)) != js
    ]
    assert not differ, f"{len(differ)} of {len(texts)} texts differ, e.g. {differ[:10]}"
    assert len(texts) > 100_000
