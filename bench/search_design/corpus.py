"""The search-design corpus: N article records with a realistic vocabulary.

Owns: :func:`records` (deterministic, article ``i`` depends only on ``i``) and
the named query set :data:`QUERIES` every candidate answers. Built on
``bench/generate.py``'s articles (title, date, agency, place, body), with two
changes a search index notices and a page build does not:

- **a long-tailed vocabulary**: the generator writes from a few hundred words,
  while news copy has hundreds of thousands of distinct terms (names, places,
  numbers). Each English article gets about 60 words drawn from a Zipf law over
  300,000 made-up words, so the term dictionary, and so the number and size of
  index files, grows with the archive as it does with real copy;
- **Russian articles**: one article in twenty is in Russian, written from
  inflected forms of real words, so a stemmer that conflates them is needed to
  find them.

Records are JSON lines: ``id`` (0..N-1), ``url``, ``title``, ``date``, ``year``,
``agency``, ``place``, ``lang`` (``en``/``ru``), ``text`` (the body).

    python bench/search_design/corpus.py --articles 100000 --out /tmp/corpus.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import generate

VOCABULARY = 300_000
ZIPF_WORDS = 60
RUSSIAN_EVERY = 20
#: One article in this many carries the rare term.
RARE_EVERY = 9_973
RARE_TERM = "kidal"

_ONSETS = ("b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "ch", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")


def _made_up(rank: int) -> str:
    """The made-up word of a Zipf rank: a few syllables spelling the number."""
    syllables = []
    n = rank + 7
    while n:
        n, r = divmod(n, len(_ONSETS) * len(_VOWELS))
        syllables.append(_ONSETS[r % len(_ONSETS)] + _VOWELS[r // len(_ONSETS)])
    return "".join(syllables)


_CUMULATIVE = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(VOCABULARY)))

# Real Russian words in several inflected forms each (a stemmer must conflate them).
_RU_LEMMAS = (
    ("переговоры", "переговоров", "переговорах", "переговорам"),
    ("правительство", "правительства", "правительству", "правительством"),
    ("министр", "министра", "министру", "министром", "министры"),
    ("выборы", "выборов", "выборах", "выборам"),
    ("экономика", "экономики", "экономике", "экономику"),
    ("санкции", "санкций", "санкциям", "санкциях"),
    ("президент", "президента", "президенту", "президентом"),
    ("соглашение", "соглашения", "соглашению", "соглашением"),
    ("заявил", "заявила", "заявили", "заявление", "заявления"),
    ("город", "города", "городе", "городов"),
    ("область", "области", "областей", "областью"),
    ("цены", "цен", "ценах", "ценам"),
    ("нефть", "нефти", "нефтью"),
    ("газ", "газа", "газом", "газу"),
    ("безопасность", "безопасности"),
    ("встреча", "встречи", "встрече", "встречу"),
    ("делегация", "делегации", "делегацию"),
    ("совещание", "совещания", "совещании"),
    ("решение", "решения", "решению", "решений"),
    ("проект", "проекта", "проекте", "проектов"),
    ("бюджет", "бюджета", "бюджете"),
    ("страна", "страны", "стране", "стран"),
    ("компания", "компании", "компаний", "компанию"),
    ("рынок", "рынка", "рынке", "рынков"),
    ("сотрудничество", "сотрудничества", "сотрудничеству"),
    ("развитие", "развития", "развитию"),
    ("вопрос", "вопроса", "вопросы", "вопросов"),
    ("новый", "новая", "новые", "новых", "новой"),
    ("важный", "важная", "важные", "важных"),
    ("сегодня", "вчера", "завтра"),
)
_RU_PLACES = ("Москва", "Казань", "Сочи", "Минск", "Владивосток")


class Query(NamedTuple):
    """One query of the named set: terms (all must match), an optional year, the sort."""

    name: str
    text: str
    lang: str
    year: int | None = None
    by_date: bool = False


QUERIES = (
    Query("rare", RARE_TERM, "en"),
    Query("common", "russia", "en"),
    Query("two+year", "sanctions wheat", "en", year=2019, by_date=True),
    Query("russian", "переговоры", "ru"),
)


def _russian_text(rng: random.Random) -> tuple[str, str]:
    def sentence() -> str:
        words = [rng.choice(rng.choice(_RU_LEMMAS)) for _ in range(rng.randrange(7, 13))]
        return " ".join(words).capitalize() + "."

    title = sentence().rstrip(".")
    paras = [" ".join(sentence() for _ in range(rng.randrange(2, 5))) for _ in range(12)]
    return title, f"{rng.choice(_RU_PLACES).upper()}. /ТАСС/. " + "\n\n".join(paras)


def _english_text(a: generate.Article, rng: random.Random) -> str:
    extra = rng.choices(range(VOCABULARY), cum_weights=_CUMULATIVE, k=ZIPF_WORDS)
    made_up = " ".join(_made_up(r) for r in extra)
    return "\n\n".join((*a.body_paragraphs(), made_up.capitalize() + "."))


def records(n: int) -> Iterator[dict[str, Any]]:
    """The first ``n`` records."""
    for a in generate.generate_articles(n):
        rng = random.Random(f"search-design:{a.index}")
        lang = "ru" if a.index % RUSSIAN_EVERY == 7 else "en"
        if lang == "ru":
            title, text = _russian_text(rng)
        else:
            title, text = a.title, _english_text(a, rng)
        if a.index % RARE_EVERY == 17:
            text += f"\n\nThe delegation later travelled to {RARE_TERM.capitalize()}."
        yield {
            "id": a.index,
            "url": f"/{a.date:%Y/%m/%d}/{a.slug}/",
            "title": title,
            "date": a.date.isoformat(),
            "year": a.date.year,
            "agency": a.agency,
            "place": a.place.place,
            "lang": lang,
            "text": text,
        }


def read(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a corpus file, in order."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as f:
        for record in records(args.articles):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
