"""Generated sample news stories: the demo archive's articles and the benchmarks'.

Owns :func:`generate_articles` (``n`` deterministic wire stories of about 550 words
each: title, lede, dateline with place, region and agency from a fixed list, dates
spread over 2016-2023, 0-4 tags from a vocabulary of about 200) and two ways of
printing one: :func:`wire_text` (a raw seed in the style of TASS, Reuters, AP, AFP or
Xinhua) and :func:`ours_text` (archivesite's content format). Article ``i`` depends
only on ``(seed, i)`` and the slugs before it, so the first 1,000 of a 10,000-article
set are the 1,000-article set; same seed, same bytes; slugs are unique in a set.
The text is made up from word lists: it reads like wire copy and reports nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2023, 12, 31)
#: The reference date to import the wire files with (``--as-of``): every
#: generated date is within 11 years before it, so weekday inference finds it.
AS_OF = dt.date(2025, 12, 31)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A dateline as printed, with the place and region it names."""

    printed: str
    place: str
    region: str | None = None


# Each agency files from its own places, printed in its own style.
PLACES: dict[str, tuple[Place, ...]] = {
    "TASS": (
        Place("MOSCOW", "Moscow"),
        Place("ST. PETERSBURG", "St. Petersburg"),
        Place("IGORA /Leningrad Region/", "Igora", "Leningrad Region"),
        Place("KAZAN", "Kazan"),
        Place("VLADIVOSTOK", "Vladivostok"),
        Place("SOCHI", "Sochi"),
        Place("NOVO-OGARYOVO /Moscow Region/", "Novo-Ogaryovo", "Moscow Region"),
        Place("MINSK", "Minsk"),
        Place("GENEVA", "Geneva"),
        Place("BRUSSELS", "Brussels"),
        Place("UNITED NATIONS", "United Nations"),
        Place("YEKATERINBURG", "Yekaterinburg"),
    ),
    "Reuters": (
        Place("GENEVA", "Geneva"),
        Place("LONDON", "London"),
        Place("WASHINGTON", "Washington"),
        Place("NEW YORK", "New York"),
        Place("TOKYO", "Tokyo"),
        Place("FRANKFURT", "Frankfurt"),
        Place("SINGAPORE", "Singapore"),
        Place("SAO PAULO", "Sao Paulo"),
        Place("JOHANNESBURG", "Johannesburg"),
        Place("SEATTLE/WASHINGTON", "Seattle"),
        Place("PORTLAND, Maine", "Portland", "Maine"),
        Place("AMSTERDAM", "Amsterdam"),
    ),
    "AP": (
        Place("WASHINGTON", "Washington"),
        Place("PORTLAND, Ore.", "Portland", "Ore."),
        Place("VALENCIA, Spain", "Valencia", "Spain"),
        Place("ST. LOUIS", "St. Louis"),
        Place("WEST PALM BEACH, Fla.", "West Palm Beach", "Fla."),
        Place("CHICAGO", "Chicago"),
        Place("DAR ES SALAAM, Tanzania", "Dar es Salaam", "Tanzania"),
        Place("ATLANTA", "Atlanta"),
        Place("DENVER", "Denver"),
        Place("LOS ANGELES", "Los Angeles"),
    ),
    "AFP": (
        Place("PARIS", "Paris"),
        Place("NAIROBI", "Nairobi"),
        Place("BEIRUT", "Beirut"),
        Place("MEXICO CITY", "Mexico City"),
        Place("DAKAR", "Dakar"),
        Place("LYON, France", "Lyon", "France"),
        Place("BANGKOK", "Bangkok"),
        Place("BERLIN", "Berlin"),
    ),
    "Xinhua": (
        Place("BEIJING", "Beijing"),
        Place("SHANGHAI", "Shanghai"),
        Place("HONG KONG", "Hong Kong"),
        Place("GUANGZHOU", "Guangzhou"),
        Place("ISLAMABAD", "Islamabad"),
        Place("CAIRO", "Cairo"),
        Place("URUMQI", "Urumqi"),
    ),
}
AGENCIES = tuple(PLACES)
AGENCY_WEIGHTS = (30, 30, 15, 15, 10)

_COUNTRIES = (
    "Russia", "China", "India", "Brazil", "Germany", "France", "Japan", "Turkey", "Iran",
    "Egypt", "Nigeria", "Kenya", "Mexico", "Canada", "Australia", "Ukraine", "Poland",
    "Italy", "Spain", "Britain", "Belarus", "Kazakhstan", "Pakistan", "Indonesia",
    "Vietnam", "Argentina", "Chile", "South Africa", "Saudi Arabia", "Israel",
)  # fmt: skip
_ORGS = (
    "NATO", "OSCE", "the European Union", "the United Nations", "the IMF", "the World Bank",
    "OPEC", "the G20", "the WTO", "the central bank", "the finance ministry",
    "the foreign ministry", "the parliament", "the Security Council", "the IAEA",
)  # fmt: skip
_SUBJECTS = (
    "officials", "the government", "lawmakers", "analysts", "investors", "the ministry",
    "the company", "diplomats", "the regulator", "local authorities", "the opposition",
    "the delegation", "researchers", "the committee", "producers", "the prime minister",
    "the president", "the spokesman", "economists", "negotiators",
)  # fmt: skip
_VERBS = (
    "announced", "rejected", "discussed", "approved", "criticised", "welcomed", "proposed",
    "postponed", "reviewed", "confirmed", "expanded", "suspended", "signed", "backed",
    "questioned", "outlined", "extended", "tightened", "eased", "delayed",
)  # fmt: skip
_OBJECTS = (
    "new sanctions", "the trade agreement", "a security guarantee", "the budget plan",
    "fuel subsidies", "the arms control treaty", "an emergency loan", "import tariffs",
    "the gas pipeline project", "a ceasefire proposal", "interest rates", "the wheat deal",
    "the border agreement", "a new space programme", "the pension reform",
    "the election timetable", "an investment package", "the vaccine rollout",
    "the nuclear talks", "the fishing quotas", "export controls", "the rail link",
    "the climate pledge", "a debt restructuring", "the peace plan",
)  # fmt: skip
_PHRASES = (
    "after weeks of talks", "ahead of the summit", "despite strong objections",
    "in a closed session", "under pressure from allies", "for the first time in years",
    "amid rising prices", "following the latest report", "in a joint statement",
    "at a briefing in the capital", "during a televised address", "late in the evening",
    "by a narrow margin", "without further comment", "as markets opened",
)  # fmt: skip
_CLAUSES = (
    "the decision would take effect next month",
    "the measures were necessary to stabilise the market",
    "talks would continue in the coming weeks",
    "the country remained open to dialogue",
    "further steps depended on the outcome of the vote",
    "no agreement had been reached on the main issues",
    "the figures were better than expected",
    "the plan would cost about two billion dollars",
    "the region needed more investment in infrastructure",
    "the proposal had broad support among members",
    "it was too early to draw conclusions",
    "the situation was being closely monitored",
)  # fmt: skip
_NAMES = (
    "Andrey Kortunov", "Maria Silva", "John Carter", "Li Wei", "Fatima Hassan",
    "Pierre Dubois", "Anna Novak", "Kenji Sato", "Olga Ivanova", "David Mensah",
    "Carlos Romero", "Ingrid Larsen", "Ahmed Karimi", "Sarah Cohen", "Rajesh Kumar",
)  # fmt: skip
_ROLES = (
    "a senior official", "a spokesperson", "an analyst", "the minister", "a researcher",
    "the director general", "a lawmaker", "an economist", "the ambassador", "a senator",
)  # fmt: skip
_SOURCES = ("expert", "minister", "envoy", "official", "analyst", "spokesman", "senator")
_REPORT_VERBS = ("said", "told reporters", "announced", "said in a statement")
_TOPICS = (
    "arms control", "oil prices", "gas supplies", "inflation", "interest rates", "trade",
    "sanctions", "elections", "climate", "agriculture", "wheat", "space", "health",
    "vaccines", "diplomacy", "security", "defence", "energy", "nuclear power", "mining",
    "banking", "stock markets", "currencies", "tourism", "aviation", "shipping",
    "railways", "technology", "telecoms", "cybersecurity", "education", "science",
    "sport", "football", "ice hockey", "culture", "cinema", "migration", "labour",
    "pensions", "taxes", "budget", "debt", "housing", "transport", "fisheries",
    "forestry", "water", "floods", "earthquakes", "wildfires", "drought", "courts",
    "human rights", "media", "religion", "terrorism", "border disputes", "peace talks",
    "refugees", "automotive industry", "steel", "aluminium", "gold", "grain exports",
    "fertilisers", "pipelines", "renewables", "coal", "electricity", "startups",
    "artificial intelligence", "semiconductors", "satellites", "arctic", "ocean",
    "insurance", "retail", "real estate", "pharmaceuticals", "hospitals", "crime",
    "corruption", "protests", "strikes", "unemployment", "exports", "imports",
    "investment", "privatisation", "nuclear weapons", "missiles", "navy", "cyberattacks",
    "espionage", "heritage", "museums", "music", "literature", "chess",
)  # fmt: skip
_TAG_ORGS = (
    "nato", "osce", "eu", "un", "imf", "world bank", "opec", "g20", "wto", "brics",
    "sco", "asean", "african union", "iaea", "who", "interpol", "unesco", "fifa",
    "ioc", "red cross",
)  # fmt: skip
#: About 200 tags: topics, countries, organisations and a few recurring events.
TAGS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [*_TOPICS, *(c.lower() for c in _COUNTRIES), *_TAG_ORGS]
        + [f"{c.lower()} {t}" for c in _COUNTRIES[:8] for t in ("economy", "politics")]
        + [f"{t} {y}" for t in ("summit", "forum", "election") for y in range(2016, 2024)]
        + [f"{o} summit" for o in ("g20", "brics", "sco", "nato", "eu", "asean")]
        + [f"{t} policy" for t in ("energy", "trade", "climate", "migration", "tax")]
        + ["covid-19", "world cup", "olympics", "cop summit", "davos", "spief"]
    )
)
_TAG_WEIGHTS = tuple(1.0 / (rank + 3) for rank in range(len(TAGS)))


@dataclass(frozen=True)
class Article:
    """One generated article, independent of any output format."""

    index: int
    title: str
    slug: str
    lede: str | None
    date: dt.date
    agency: str
    place: Place
    tags: tuple[str, ...]
    first: str  # the first paragraph's text, without its dateline
    paragraphs: tuple[str, ...]  # the rest of the body

    @property
    def summary(self) -> str:
        """The lede, else the body's first sentence without its dateline."""
        if self.lede:
            return self.lede
        return self.first.split(". ")[0].rstrip(".") + "."

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    @property
    def wire_name(self) -> str:
        """The raw file's name: a running number, the date and the slug."""
        return f"{self.index:06d}_{self.date.isoformat()}_{self.slug[:40].rstrip('-')}.txt"

    @property
    def date_source(self) -> str:
        """How the importer finds the date: the weekday where the dateline has a date."""
        return "weekday" if self.agency in ("TASS", "Reuters", "Xinhua") else "file"

    def imported_date(self, as_of: dt.date = AS_OF) -> dt.date:
        """The date the importer must find: the full date in the seed's file name
        (``wire_name``) is the article's date, and the dateline's month and day agree
        with it. (``as_of`` is given to the importer too; it does not decide here.)"""
        return self.date

    def dateline(self) -> str:
        """The dateline opening the first paragraph, in the agency's style."""
        d, p = self.date, self.place.printed
        if self.agency == "TASS":
            return f"{p}, {MONTHS[d.month - 1]} {d.day}. /TASS/. "
        if self.agency == "Reuters":
            return f"{p}, {MONTHS[d.month - 1][:3]} {d.day} (Reuters) - "
        if self.agency == "Xinhua":
            month = MONTHS[d.month - 1]
            short = month if len(month) <= 4 else month[:3] + "."
            return f"{p}, {short} {d.day} (Xinhua) -- "
        if self.agency == "AP":
            return f"{p} (AP) -- "
        return f"{p} (AFP) - "

    def body_paragraphs(self) -> tuple[str, ...]:
        """The body as printed: the dateline paragraph, then the others."""
        return (self.dateline() + self.first, *self.paragraphs)

    def word_count(self) -> int:
        parts = [self.title, self.lede or "", *self.body_paragraphs()]
        return sum(len(p.split()) for p in parts)


def _sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        s = (
            f"{rng.choice(_SUBJECTS)} in {rng.choice(_COUNTRIES)} {rng.choice(_VERBS)} "
            f"{rng.choice(_OBJECTS)} {rng.choice(_PHRASES)}, and {rng.choice(_ROLES)} said "
            f"{rng.choice(_CLAUSES)}"
        )
    elif kind < 0.75:
        s = (
            f'"{rng.choice(_CLAUSES).capitalize()}, and {rng.choice(_CLAUSES)}," '
            f"{rng.choice(_NAMES)}, {rng.choice(_ROLES)} at {rng.choice(_ORGS)}, said"
        )
    else:
        s = (
            f"According to {rng.choice(_ORGS)}, {rng.choice(_OBJECTS)} and "
            f"{rng.choice(_OBJECTS)} were {rng.choice(_VERBS)} {rng.choice(_PHRASES)} "
            f"while {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
        )
    return s[0].upper() + s[1:] + "."


def _title(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        t = (
            f"{rng.choice(_COUNTRIES)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_PHRASES)}"
        )
    elif kind < 0.7:
        t = f"{rng.choice(_ORGS)} says {rng.choice(_CLAUSES)}, {rng.choice(_SOURCES)}"
        t += f" tells {rng.choice(_COUNTRIES)} media" if rng.random() < 0.5 else " reports"
    else:
        t = (
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"with {rng.choice(_COUNTRIES)} — {rng.choice(_SOURCES)}"
        )
    return t[0].upper() + t[1:]


def slugify(text: str) -> str:
    """ASCII slug of at most 80 characters, cut at a word boundary."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 80:
            break
        slug = candidate
    return slug or "article"


def _article(seed: int, index: int, taken: set[str]) -> Article:
    rng = random.Random(f"archivesite-bench:{seed}:{index}")
    agency = rng.choices(AGENCIES, AGENCY_WEIGHTS)[0]
    place = rng.choice(PLACES[agency])
    date = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    title = _title(rng)
    base = slugify(title)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    has_lede = agency == "TASS" or rng.random() < 0.3
    lede = _sentence(rng) if has_lede else None
    weekday = WEEKDAYS[date.weekday()]
    first = (
        f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
        f"{rng.choice(_PHRASES)}, {rng.choice(_ROLES)} {rng.choice(_REPORT_VERBS)} on "
        f"{weekday}. {_sentence(rng)}"
    )
    paragraphs: list[str] = []
    words = len(first.split()) + len(title.split()) + (len(lede.split()) if lede else 0)
    target = rng.randrange(480, 580)
    while words < target:
        para = " ".join(_sentence(rng) for _ in range(rng.randrange(1, 4)))
        paragraphs.append(para)
        words += len(para.split())
    ntags = rng.choices(range(5), (10, 25, 30, 20, 15))[0]
    tags: list[str] = []
    while len(tags) < ntags:
        tag = rng.choices(TAGS, _TAG_WEIGHTS)[0]
        if tag not in tags:
            tags.append(tag)
    return Article(
        index=index,
        title=title,
        slug=slug,
        lede=lede,
        date=date,
        agency=agency,
        place=place,
        tags=tuple(tags),
        first=first,
        paragraphs=tuple(paragraphs),
    )


def generate_articles(n: int, seed: int = 0) -> Iterator[Article]:
    """The first ``n`` articles of the set for ``seed``."""
    taken: set[str] = set()
    for index in range(n):
        yield _article(seed, index, taken)


# --- wire text -----------------------------------------------------------------


def wire_text(a: Article) -> str:
    """The raw text a scraper would have saved for the article."""
    lines: list[str] = []
    if a.agency == "TASS":
        lines.append("All news")
    lines.append(a.title)
    if a.lede:
        lines.append(a.lede)
    lines.extend(a.body_paragraphs())
    if a.agency in ("AP", "AFP"):
        lines.append("Share")
    return "\n\n".join(lines) + "\n"


# --- our content format -----------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .,'()/—-]*\Z")
_YAML_WORDS = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def yaml_str(value: str) -> str:
    """A YAML scalar for ``value``: plain where unambiguous, else double-quoted."""
    if (
        _PLAIN.match(value)
        and value.lower() not in _YAML_WORDS
        and not value.endswith((" ", ":"))
        and ": " not in value
        and " #" not in value
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


def yaml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def ours_path(a: Article) -> str:
    """Path of the article under the site root."""
    return f"content/{a.date:%Y/%m/%d}/{a.slug}.md"


def ours_text(a: Article) -> str:
    """The article in archivesite's content format (keys in the contract's order)."""
    raw = wire_text(a).encode("utf-8")
    fm = [f"title: {yaml_str(a.title)}"]
    if a.lede:
        fm.append(f"lede: {yaml_str(a.lede)}")
    fm.append(f"summary: {yaml_str(a.summary)}")
    fm.append(f"date: {a.date.isoformat()}")
    fm.append(f"date_source: {a.date_source}")
    fm.append(f"dateline: {yaml_str(a.place.printed)}")
    fm.append(f"place: {yaml_str(a.place.place)}")
    if a.place.region:
        fm.append(f"region: {yaml_str(a.place.region)}")
    fm.append(f"agency: {a.agency}")
    fm.append(f"source_file: seeds/{a.wire_name}")
    fm.append(f"source_sha256: {hashlib.sha256(raw).hexdigest()}")
    fm.append(f"tags: {yaml_list(a.tags)}")
    return "---\n" + "\n".join(fm) + "\n---\n" + "\n\n".join(a.body_paragraphs()) + "\n"


# --- the demo archive ---------------------------------------------------------------

#: Ends every demo story, so no reader mistakes one for news.
SAMPLE_NOTE = (
    "This story is generated sample text for the archivesite demo; it reports nothing real."
)
DEMO_ARTICLES = 2000
DEMO_DESCRIPTION = (
    "Every story here is generated sample text, made up to show how the archive is "
    "browsed by time, place and agency. None of it is news."
)

DEMO_CONFIG = f"""\
# A demo archive of generated sample stories (archivesite demo); see the README.
title = "archivesite demo: generated sample stories"
base_url = "/"
language = "en"
timezone = "UTC"
per_page = 20
description = "{DEMO_DESCRIPTION}"

[import]
# Every generated date is before this, so each story's year is found from its weekday.
as_of = {AS_OF.isoformat()}
"""


def demo_wire_text(a: Article) -> str:
    """A demo seed: the story's wire text with :data:`SAMPLE_NOTE` as its last paragraph."""
    text = wire_text(a)
    tail = "\n\nShare\n" if text.endswith("\n\nShare\n") else "\n"
    return text.removesuffix(tail) + f"\n\n{SAMPLE_NOTE}" + tail


def demo_files(n: int) -> Iterator[tuple[str, str]]:
    """``(path under the site root, text)`` of a demo archive of ``n`` stories:
    its configuration and one seed per story."""
    yield "archivesite.toml", DEMO_CONFIG
    for a in generate_articles(n):
        yield f"seeds/{a.wire_name}", demo_wire_text(a)
