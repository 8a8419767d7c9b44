"""Records shaped like ``corpus.py``'s, made cheaply: for indexes of a million records.

Owns :func:`records` (deterministic: the same ``n`` and seed give the same records, and
the first ``k`` of ``n`` are the ``k``-record set). ``corpus.records`` writes every
sentence of every article afresh (about 0.25 ms a record in one process, more than the
index writer's share of a core at a million); here each article is put together from a
pool made once by the same generators:

- the paragraphs, first paragraphs (their weekday set to the new date's) and titles of
  ``bench/generate.py``'s first :data:`POOL` articles; an article takes a title, a first
  paragraph and pool paragraphs until it has 480-580 words, as ``generate.py`` does;
  agency, place and date drawn as ``generate.py`` draws them (the dateline printed by
  its ``Article``);
- the long tail as in ``corpus.py``: about 60 words a record drawn from the same Zipf
  law over 300,000 made-up words; one record in twenty in Russian (12 paragraphs of a
  pool of ``corpus.py``'s Russian ones); the rare term in the same records.

The draws are made with numpy a block of records at a time. The words, their
frequencies and each record's length are those of ``corpus.py``; what differs is that
sentences recur across the archive more than fresh ones would (which a word index does
not see: it counts a word once per document).

    python bench/search_design/pooled.py --articles 1000 --out /tmp/pooled.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import itertools
import json
import random
import sys
from array import array
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

import generate

#: Articles of ``generate.py`` whose titles and paragraphs every record is made from.
POOL = 2000
RUSSIAN_POOL = 400
#: Records drawn at once (one numpy generator each, seeded by the block's number).
BLOCK = 10_000
#: Pool paragraphs drawn per record (more than any record needs).
PARAGRAPH_DRAWS = 32
RUSSIAN_PARAGRAPHS = 12


class Pool(NamedTuple):
    articles: list[generate.Article]  # titles with slugs of their own (no "-2")
    paragraphs: list[str]
    paragraph_words: np.ndarray
    russian: list[str]  # Russian paragraphs
    russian_titles: list[str]
    made_up: str  # the Zipf words, by rank, one string (a list of 300,000 is 20 MB more)
    starts: array[int]  # where each rank's word starts in it (and one past the last)
    cumulative: np.ndarray  # their cumulative weights, normalised
    agency_weights: np.ndarray


@cache
def pool() -> Pool:
    """Made once per process from the same generators ``corpus.py`` uses."""
    articles = list(generate.generate_articles(POOL))
    paragraphs = [p for a in articles for p in a.paragraphs]
    rng = random.Random("pooled:russian")
    russian: list[str] = []
    russian_titles: list[str] = []
    for _ in range(RUSSIAN_POOL):
        title, text = corpus._russian_text(rng)
        russian_titles.append(title)
        russian.extend(text.split(". /ТАСС/. ", 1)[1].split("\n\n"))
    weights = np.array(generate.AGENCY_WEIGHTS, dtype=np.float64)
    cumulative = np.array(corpus._CUMULATIVE)
    words = [corpus._made_up(r) for r in range(corpus.VOCABULARY)]
    made = Pool(
        articles=[a for a in articles if a.slug == generate.slugify(a.title)],
        paragraphs=paragraphs,
        paragraph_words=np.array([len(p.split()) for p in paragraphs]),
        russian=russian,
        russian_titles=russian_titles,
        made_up="".join(words),
        starts=array("I", itertools.accumulate(map(len, words), initial=0)),
        cumulative=cumulative / cumulative[-1],
        agency_weights=weights / weights.sum(),
    )
    # Out of the collector's reach: worker processes forked later (the index writer's)
    # share the pool's pages instead of copying each one the collector touches.
    gc.freeze()
    return made


def _word(p: Pool, rank: int) -> str:
    return p.made_up[p.starts[rank] : p.starts[rank + 1]]


def _body(p: Pool, a: generate.Article, draws: np.ndarray, target: int) -> tuple[str, ...]:
    """Pool paragraphs (in ``draws`` order) until the article has ``target`` words."""
    words = len(a.first.split()) + len(a.title.split())
    chosen = []
    for i in draws:
        if words >= target:
            break
        chosen.append(p.paragraphs[i])
        words += int(p.paragraph_words[i])
    return tuple(chosen)


def records(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """The first ``n`` records (the dict shape of ``corpus.records``)."""
    p = pool()
    uses: dict[str, int] = {}
    days = (generate.LAST_DAY - generate.FIRST_DAY).days + 1
    for start in range(0, n, BLOCK):
        size = min(BLOCK, n - start)
        rng = np.random.default_rng([seed, start // BLOCK])
        # a whole block is drawn even when fewer records are asked: the first k of n
        # are the k-record set.
        agencies = rng.choice(len(generate.AGENCIES), size=BLOCK, p=p.agency_weights)
        places = rng.random(BLOCK)
        offsets = rng.integers(0, days, BLOCK)
        titles = rng.integers(0, len(p.articles), BLOCK)
        firsts = rng.integers(0, len(p.articles), BLOCK)
        targets = rng.integers(480, 580, BLOCK)
        paras = rng.integers(0, len(p.paragraphs), (BLOCK, PARAGRAPH_DRAWS))
        zipf = np.searchsorted(p.cumulative, rng.random((BLOCK, corpus.ZIPF_WORDS)), side="right")
        russian = rng.integers(0, len(p.russian), (BLOCK, RUSSIAN_PARAGRAPHS))
        russian_titles = rng.integers(0, len(p.russian_titles), BLOCK)
        ru_places = rng.integers(0, len(corpus._RU_PLACES), BLOCK)
        for k in range(size):
            index = start + k
            agency = generate.AGENCIES[agencies[k]]
            choices = generate.PLACES[agency]
            date = generate.FIRST_DAY + dt.timedelta(days=int(offsets[k]))
            titled = p.articles[titles[k]]
            uses[titled.slug] = seen = uses.get(titled.slug, 0) + 1
            lead = p.articles[firsts[k]]
            a = dataclasses.replace(
                titled,
                index=index,
                slug=titled.slug if seen == 1 else f"{titled.slug}-{seen}",
                date=date,
                agency=agency,
                place=choices[int(places[k] * len(choices))],
                first=lead.first.replace(f" on {lead.weekday}.", f" on {_weekday(date)}.", 1),
                paragraphs=(),
            )
            lang = "ru" if index % corpus.RUSSIAN_EVERY == 7 else "en"
            if lang == "ru":
                title = p.russian_titles[russian_titles[k]]
                body = "\n\n".join(p.russian[i] for i in russian[k])
                text = f"{corpus._RU_PLACES[ru_places[k]].upper()}. /ТАСС/. {body}"
            else:
                title = a.title
                made_up = " ".join(_word(p, r) for r in zipf[k].tolist())
                rest = _body(p, a, paras[k], int(targets[k]))
                text = "\n\n".join((a.dateline() + a.first, *rest, made_up.capitalize() + "."))
            if index % corpus.RARE_EVERY == 17:
                text += f"\n\nThe delegation later travelled to {corpus.RARE_TERM.capitalize()}."
            yield {
                "id": index,
                "url": f"/{date:%Y/%m/%d}/{a.slug}/",
                "title": title,
                "date": date.isoformat(),
                "year": date.year,
                "agency": agency,
                "place": a.place.place,
                "lang": lang,
                "text": text,
            }


def _weekday(date: dt.date) -> str:
    return generate.WEEKDAYS[date.weekday()]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as f:
        for record in records(args.articles):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
