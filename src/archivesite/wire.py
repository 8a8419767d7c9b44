"""Parsing raw wire copy: ``parse_wire(text) -> WireStory``.

Owns: boilerplate lines, title, lede, dateline (place, date parts, agency) and
paragraphs. Knows nothing of Markdown or front matter, and does no I/O: the input
is already decoded text with LF line ends (ingest handles bytes and charsets).

What ``parse_wire`` recognises:

* **Boilerplate**: breadcrumb and sharing lines before the title (``All news``,
  ``Share``, ``Read more``, ``Home > World``) and site footers after the body
  (``All Content by Mehr News Agency is licensed ...``, ``Share``, ``Read more``)
  are dropped. A header line holding only a date (``11 January 2022, 09:30``,
  ``2022-01-11T09:30:00+03:00``) is read as a dated header and dropped too.
* **Wire lines**: a slug line (``BC-Australia-India-Qantas,0225``) before or after the
  title and a filing line (``AP-NY-02-13-98 1435EST``) at either end are dropped; the
  filing line's date is kept as ``WireStory.filed`` and completes the dateline's.
* **Title**: the first real line; a title broken over two lines is joined and wire
  flash markers (``******``) are stripped. ``None`` where the text starts with its
  dateline, with a long body paragraph (Tehran Times files), or with a line that
  reads as a sentence (a broadcast transcript: it ends with a full stop after a
  word that is no abbreviation, most of its words in lower case; or it is long and
  ends like a sentence). A dateline printed alone before the headline (``PARIS,
  May 3 (AFP)``, blank line, headline, body) is the first paragraph's.
* **Lede**: the standfirst paragraph between the title and the dateline paragraph
  (TASS style); not repeated in ``paragraphs``.
* **Dateline** in the TASS, Reuters, AP, AFP, Xinhua and house styles, with an
  optional region (``IGORA /Leningrad Region/``, ``PORTLAND, Ore.``), several
  cities (``SEATTLE/WASHINGTON``), a date with a misspelled or lower-case month
  (``FEb 26``, ``Narch 2``, ``2 March``), or none; a bare ``(Reuters) -``, and a
  byline ``By Jane Doe (Reuters) -`` give the agency without a place. The marker
  may hold spaces (``(AP )``), the separator may be an underscore (``(AP)_``,
  ``NEWARK, N.J. _``), and a dateline may stand alone on its line; it is then
  joined to the paragraph after it.
* **Agency** from the dateline marker, a byline, or a ``Reuter`` sign-off as the
  last paragraph; spelling is normalised (``REUTER`` -> ``Reuters``). Never guessed.
* **Paragraphs**: blank-line separated blocks; inside a block a line indented more
  than the block's least indented line starts a paragraph (old wire copy and Tehran
  Times). Hard-wrapped lines (about 65 columns) are joined with one space, while
  short table rows (``Shr 16 cts vs 13 cts``) keep their line breaks: such a
  paragraph holds ``"\\n"``. The dateline stays at the start of its paragraph.

Helpers for the ingest stage:

* ``WireStory.lead``: the first body paragraph without its dateline (``The US
  focused on ...``), or ``None`` where there is no body. Use it for ``summary``
  (its first sentence, when there is no lede) and to look for the weekday of the
  reporting verb ("said on Tuesday").
* ``WireStory.dateline_prefix``: the whole dateline as printed at the start of the
  first paragraph, date, agency marker and separator included
  (``"MOSCOW, January 11. /TASS/. "``), or ``None``.
* ``normalise_agency(name)`` and ``parse_month(token)`` are public for reuse.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .dates import ABBREVIATIONS, expand_year
from .model import Dateline
from .versions import is_note_line, leading_notices

__all__ = ["WireStory", "normalise_agency", "parse_month", "parse_wire"]


@dataclass(frozen=True)
class WireStory:
    """What the text of one article says, before any date inference."""

    title: str | None
    lede: str | None
    dateline: Dateline | None
    agency: str | None
    month: int | None  # month and day as printed in the dateline (or a dated header)
    day: int | None
    year: int | None  # only where the text states the full date
    time: dt.time | None  # with tzinfo, only where the text gives a time with offset
    paragraphs: tuple[str, ...]  # body; a paragraph holding "\n" keeps those line breaks
    # The whole dateline as printed at the start of paragraphs[0] (place, date, agency
    # marker, separator and the following spaces), e.g. "MOSCOW, January 11. /TASS/. ",
    # "(Reuters) - " or "By Jane Doe (Reuters) - "; None where there is none.
    dateline_prefix: str | None = None
    # The date of a wire filing line ("AP-NY-02-13-98 1435EST"), where there is one.
    filed: dt.date | None = None
    # Correction and version notices before the body, as printed (see archivesite.versions).
    notes: tuple[str, ...] = ()
    slug_line: str | None = None  # the wire's slug line ("BC-US-Storm,2nd Ld-Writethru")

    @property
    def lead(self) -> str | None:
        """The first body paragraph without its dateline; None where the body is empty."""
        if not self.paragraphs:
            return None
        first = self.paragraphs[0]
        if self.dateline_prefix and first.startswith(self.dateline_prefix):
            return first[len(self.dateline_prefix) :].lstrip()
        return first


# ---------------------------------------------------------------------------
# Months and agencies

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(_MONTH_NAMES, start=1):
    _MONTHS[_name] = _i
    _MONTHS[_name[:3]] = _i
_MONTHS["sept"] = 9
for _i, _name in enumerate(
    (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    start=1,
):
    _MONTHS[_name] = _i


def _within_one_edit(a: str, b: str) -> bool:
    """True where ``a`` becomes ``b`` by at most one substitution, insertion,
    deletion or swap of two neighbouring letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    for i in range(len(a)):
        if a[i] != b[i]:
            return a[i:] == b[i + 1 :]
    return True


def parse_month(token: str) -> int | None:
    """The month (1-12) a dateline's month word means, in any case, abbreviated
    (``Jan.``, ``Sept``) or misspelled by one letter (``Narch``, ``Febuary``);
    None where it is no month."""
    word = token.strip().rstrip(".").lower()
    if not word.isalpha():
        return None
    found = _MONTHS.get(word)
    if found is not None:
        return found
    if len(word) < 4:
        return None
    for name in _MONTH_NAMES:
        if len(word) >= 4 and name.startswith(word):
            return _MONTHS[name]
    candidates = {_MONTHS[name] for name in _MONTH_NAMES if _within_one_edit(word, name)}
    if len(candidates) == 1:
        return candidates.pop()
    return None


_AGENCIES: dict[str, str] = {
    "reuters": "Reuters",
    "reuter": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "afp": "AFP",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "itar-tass": "TASS",
    "тасс": "TASS",
    "итар-тасс": "TASS",
    "irna": "IRNA",
    "dpa": "dpa",
    "upi": "UPI",
    "mna": "MNA",
    "isna": "ISNA",
    "irib": "IRIB",
    "app": "APP",
    "pti": "PTI",
    "ians": "IANS",
    "sputnik": "Sputnik",
    "bernama": "Bernama",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "interfax": "Interfax",
    "интерфакс": "Interfax",
    "ria novosti": "RIA Novosti",
    "ansa": "ANSA",
    "efe": "EFE",
    "anadolu": "Anadolu",
    "bloomberg": "Bloomberg",
}


_KNOWN_AGENCIES = frozenset(name.lower() for name in _AGENCIES.values())


def normalise_agency(name: str) -> str:
    """The house spelling of an agency name (``REUTER`` -> ``Reuters``); an unknown
    name is returned as printed, without surrounding spaces."""
    name = " ".join(name.split())
    return _AGENCIES.get(name.lower(), name)


# ---------------------------------------------------------------------------
# Datelines

_UP = "A-ZÀ-ÖØ-ÞА-ЯЁ"
_LOW = "a-zß-öø-ÿа-яё"
_CAPS_WORD = rf"[{_UP}][{_UP}'’.\-]*"
_CAPS_CITY = rf"{_CAPS_WORD}(?:[ ]{_CAPS_WORD})*"
_PARTICLE = r"(?:de|del|da|das|do|dos|di|es|al|el|la|le|les|am|an|on|upon|of|the|y)"
_TITLE_WORD = rf"[{_UP}][{_LOW}'’.\-]+"
_TITLE_CITY = rf"{_TITLE_WORD}(?:[ ](?:{_TITLE_WORD}|{_PARTICLE}))*"
_REGION = rf"[{_UP}][\w'’.\-]*(?:[ ][{_UP}][\w'’.\-]*){{0,3}}"
_SLASH_REGION = r"[ ]/[^\W\d_][^/\n]{1,40}/"


def _place(city: str) -> str:
    one = rf"{city}(?:,[ ]{_REGION})?(?:{_SLASH_REGION})?"
    return rf"{one}(?:/{one})*"


_PLACE_CAPS = _place(_CAPS_CITY)
_PLACE_ANY = _place(rf"(?:{_CAPS_CITY}|{_TITLE_CITY})")
_MON = r"[^\W\d_]{3,10}\.?"
_DATE = rf"(?:(?P<mon>{_MON})[ ]+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})[ ]+(?P<mon2>{_MON}))"
_YEAR = r"(?:,?[ ]+(?P<year>(?:1[89]|20)\d\d))?"
_AGENCY = r"[^\W\d_][\w.&\-]*(?:[ ][\w.&\-]+){0,2}"
# The separator after a dateline: hyphens and dashes (also doubled, mixed), or an
# underscore (spaced, or glued to an agency marker: "(AP)_"), then spaces; what follows
# must look like the start of a sentence.
# A dash touching words on both sides is a hyphen ("HARLEY-DAVIDSON"), not a separator.
_SEP = (
    r"(?:\s+(?:[-‐‑–—]{1,3}|_(?=\s))"
    r"|(?:[-‐‑–—]{1,3}|(?<=\))_)(?=\s))"
)
_AFTER = r"(?:\s+|(?=[\w\"“‘'«(\[]))"
_NOT_LOWER = rf"(?![{_LOW}])"

_DATELINE_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # MOSCOW, January 11. /TASS/. | IGORA /Leningrad Region/, December 26. /TASS/.
    (
        "tass",
        re.compile(
            rf"(?P<place>{_PLACE_ANY}),[ ]+{_DATE}{_YEAR}\.?[ ]*"
            r"/(?P<agency>[^/\s][^/\n]{0,20})/\.?\s*"
        ),
    ),
    # GENEVA, Jan 10 (Reuters) - | SALVADOR, Feb 26 - | AMSTERDAM, 2 March - |
    # BEIJING, Jan. 11 (Xinhua) -- | Caracas, feb 26 -
    (
        "dated",
        re.compile(
            rf"(?P<place>{_PLACE_ANY}),[ ]+{_DATE}{_YEAR}"
            rf"(?:[ ]*\([ ]?(?P<agency>{_AGENCY})[ ]?\))?{_SEP}{_AFTER}{_NOT_LOWER}"
        ),
    ),
    # WASHINGTON (AP) -- | VALENCIA, Spain (AP) -- | MOSCOW (Sputnik) Russian ...
    (
        "agency",
        re.compile(
            rf"(?P<place>{_PLACE_CAPS}),?[ ]*\([ ]?(?P<agency>{_AGENCY})[ ]?\)"
            rf"(?:{_SEP}{_AFTER}|[ ]+(?=[{_UP}\"“‘'«]))"
        ),
    ),
    # (Reuters) -
    ("bare", re.compile(rf"\([ ]?(?P<agency>{_AGENCY})[ ]?\){_SEP}{_AFTER}")),
    # By Jane Doe (Reuters) -
    (
        "byline",
        re.compile(
            rf"By[ ]+[{_UP}][\w.'’\-]*(?:[ ]+(?:and[ ]+)?[{_UP}][\w.'’\-]*){{0,5}}"
            rf"[ ]*\((?P<agency>{_AGENCY})\){_SEP}{_AFTER}"
        ),
    ),
    # TEHRAN – | TEHRAN _ | ASSALUYEH - (house style: a place in capitals, no date)
    ("house", re.compile(rf"(?P<place>{_PLACE_CAPS}){_SEP}{_AFTER}{_NOT_LOWER}")),
)

# Capitalised words that open a paragraph with a dash but are no place.
_NOT_PLACES = frozenset(
    [
        "UPDATE",
        "EXCLUSIVE",
        "FACTBOX",
        "WRAPUP",
        "ANALYSIS",
        "INTERVIEW",
        "BREAKING",
        "URGENT",
        "FLASH",
        "CORRECTED",
        "CORRECTION",
        "REFILE",
        "NEWSMAKER",
        "COLUMN",
        "BRIEF",
        "BRIEFS",
        "INSIGHT",
        "PREVIEW",
        "TIMELINE",
        "SPECIAL",
        "REPORT",
        "FEATURE",
        "EDITORIAL",
        "OPINION",
        "COMMENT",
        "NOTE",
        "NOTES",
        "EDITOR",
        "EDITORS",
        "UPDATED",
        "WATCH",
        "VIDEO",
        "PHOTO",
        "PHOTOS",
        "LIVE",
        "ALERT",
        "ADVISORY",
        "BULLETIN",
        "SUMMARY",
        "HIGHLIGHTS",
        "Q&A",
        "FACTS",
        "BACKGROUNDER",
        "CHRONOLOGY",
        "POLL",
        "QUOTES",
        "SIDEBAR",
        "TEXT",
        "TRANSCRIPT",
    ]
)

_TITLE_PARTICLES = frozenset(
    [
        "es",
        "de",
        "del",
        "della",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "al",
        "el",
        "la",
        "le",
        "les",
        "ul",
        "ur",
        "i",
        "e",
        "y",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "of",
        "the",
        "on",
        "upon",
        "am",
        "an",
        "au",
        "aux",
        "sur",
        "en",
    ]
)


def _capitalise(word: str) -> str:
    if not word:
        return word
    head, sep, tail = word.partition("'")
    if not sep:
        head, sep, tail = word.partition("’")
    if sep and len(head) == 1:  # O'Hare, N'Djamena
        return head.upper() + sep + tail[:1].upper() + tail[1:]
    return word[0].upper() + word[1:]


def _title_case(city: str) -> str:
    """``WEST PALM BEACH`` -> ``West Palm Beach``, ``DAR ES SALAAM`` -> ``Dar es
    Salaam``, ``ST. LOUIS`` -> ``St. Louis``; a city printed in mixed case is kept."""
    if not city.isupper():
        return city
    words = []
    for i, word in enumerate(city.lower().split(" ")):
        parts = []
        for j, part in enumerate(word.split("-")):
            if (i or j) and part in _TITLE_PARTICLES:
                parts.append(part)
            else:
                parts.append(_capitalise(part))
        words.append("-".join(parts))
    return " ".join(words)


_SLASH_REGION_RE = re.compile(rf"^(?P<city>.*?){_SLASH_REGION}$")


def _make_dateline(text: str) -> Dateline:
    """Split the printed place part into its first city and that city's region."""
    first = _first_segment(text)
    region: str | None = None
    city = first
    slash = re.match(r"^(?P<city>.*?)[ ]/(?P<region>[^/\n]+)/", first)
    if slash:
        city, region = slash.group("city"), slash.group("region").strip()
    if ", " in city:
        city, region = city.split(", ", 1)
    return Dateline(text=text, place=_title_case(city.strip()), region=region)


def _first_segment(text: str) -> str:
    """The first city (with its region) of ``SEATTLE/WASHINGTON`` or
    ``IGORA /Leningrad Region/``: slashes inside a `` /region/`` do not split."""
    depth_open = False
    for i, ch in enumerate(text):
        if ch == "/":
            if i > 0 and text[i - 1] == " " and not depth_open:
                depth_open = True
            elif depth_open:
                depth_open = False
            else:
                return text[:i]
    return text


@dataclass(frozen=True)
class _DatelineMatch:
    prefix: str
    dateline: Dateline | None
    agency: str | None
    month: int | None
    day: int | None
    year: int | None
    strong: bool  # has a date or an agency marker, not only a place and a dash


def _dated_matches(
    forms: Iterable[tuple[str, re.Pattern[str]]], text: str
) -> Iterator[tuple[str, re.Match[str], dict[str, str | None], tuple[int | None, ...]]]:
    """Each form that matches ``text`` (kind, match, groups, month, day and year), but
    those whose date is no date (a word that is no month, a day past 31)."""
    for kind, pattern in forms:
        m = pattern.match(text)
        if m is None:
            continue
        groups = m.groupdict()
        date = _date_groups(groups)
        if (groups.get("mon") or groups.get("mon2")) and date[0] is None:
            continue
        yield kind, m, groups, date


def _match_dateline(paragraph: str) -> _DatelineMatch | None:
    for kind, m, groups, (month, day, year) in _dated_matches(_DATELINE_FORMS, paragraph):
        place = groups.get("place")
        if kind == "house":
            assert place is not None
            city = place.split(",")[0].split("/")[0]
            # A short capitalised word before a dash is more often a name ("EMI - the
            # music group - said") than a place.
            if city in _NOT_PLACES or len(city) < 4:
                continue
        agency = groups.get("agency")
        if agency is not None and kind in ("agency", "bare", "byline") and not _agency_like(agency):
            continue
        return _DatelineMatch(
            prefix=m.group(0),
            dateline=_make_dateline(place) if place else None,
            agency=normalise_agency(agency) if agency else None,
            month=month,
            day=day,
            year=year,
            strong=kind != "house",
        )
    return None


def _date_groups(groups: dict[str, str | None]) -> tuple[int | None, int | None, int | None]:
    """Month, day and year of a dateline match; all None where its date is no date."""
    word = groups.get("mon") or groups.get("mon2")
    if not word:
        return None, None, None
    month = parse_month(word)
    day = int(groups.get("day") or groups.get("day2") or 0)
    if month is None or not 1 <= day <= 31:
        return None, None, None
    year = groups.get("year")
    return month, day, int(year) if year else None


def _agency_like(name: str) -> bool:
    """An agency marker names an agency: a known one, or at most three words."""
    return name.lower() in _AGENCIES or len(name.split()) <= 3


# ---------------------------------------------------------------------------
# Boilerplate, dated headers, sign-offs

_HEAD_BOILERPLATE = re.compile(
    r"(?i)^(?:all news|news|home|share|share this( article| story)?|tweet|print|email|"
    r"read more|read also|see also|related( news| articles| stories)?|advertisement|"
    r"subscribe|follow us|top stories|latest news|menu|search|"
    r"home\s*[>»/|›].*|news\s*[>»/|›].*|\*+)$"
)
_TAIL_BOILERPLATE = re.compile(
    r"(?i)^(?:all content by .{0,80} is licensed under a creative commons.*|"
    r"share|share this( article| story)?|tweet|print|email|read more|read also|"
    r"related( news| articles| stories)?|advertisement|subscribe|follow us.{0,60}|"
    r"tags?:.{0,200}|(?:©|\(c\)|copyright) ?\d{4}.{0,120}|\*+)$"
)
# A licence footer run on to the last paragraph (Tehran Times: "... markets. All
# Content by Mehr News Agency is licensed under a Creative Commons ... License.").
_RUN_ON_FOOTER = re.compile(
    r"(?i)\s+all content by \S.{0,80}? is licensed under a creative commons[^\n]{0,80}$"
)
_SIGN_OFF = re.compile(r"(?i)^reuters?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_HEADER_MONTH = r"(?P<mon>[^\W\d_]{3,10}\.?)"
_HEADER_TIME = (
    r"(?:,?\s*(?:at\s+)?(?P<hh>\d{1,2}):(?P<mm>\d\d)(?::(?P<ss>\d\d))?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+\-]\d\d:?\d\d|(?:UTC|GMT)\s*[+\-]\d{1,2}(?::?\d\d)?)?)?"
)
_DATED_HEADER = re.compile(
    r"(?i)^(?:(?:updated|published|posted)\s*:?\s*)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:"
    r"(?P<iy>\d{4})-(?P<im>\d\d)-(?P<id>\d\d)(?:[T ](?P<ih>\d\d):(?P<imin>\d\d)(?::(?P<isec>\d\d))?"
    r"(?:\.\d+)?(?P<itz>Z|[+\-]\d\d:?\d\d)?)?"
    rf"|{_HEADER_MONTH}\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}}){_HEADER_TIME}"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<mon2>[^\W\d_]{{3,10}}\.?),?\s+(?P<y2>\d{{4}})"
    + _HEADER_TIME.replace("?P<", "?P<b")
    + r")\s*$"
)


@dataclass(frozen=True)
class _Header:
    year: int
    month: int
    day: int
    time: dt.time | None


def _offset(tz: str | None) -> dt.tzinfo | None:
    if not tz:
        return None
    tz = tz.upper().replace(" ", "")
    if tz in ("Z", "UTC", "GMT"):
        return dt.UTC
    tz = tz.removeprefix("UTC").removeprefix("GMT")
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours = int(digits[:-2] if len(digits) > 2 else digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    if hours > 14 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _dated_header(line: str) -> _Header | None:
    if len(line) > 70:
        return None
    m = _DATED_HEADER.match(line)
    if m is None:
        return None
    g = m.groupdict()
    try:
        if g["iy"]:
            year, month, day = int(g["iy"]), int(g["im"]), int(g["id"])
            hh, mm, ss, ampm, tz = g["ih"], g["imin"], g["isec"], None, g["itz"]
        else:
            p = "" if g["y1"] else "b"
            mon = parse_month(g["mon"] if g["y1"] else g["mon2"])
            if mon is None:
                return None
            year, month = int(g["y1"] or g["y2"]), mon
            day = int(g["d1"] or g["d2"])
            hh, mm, ss = g[p + "hh"], g[p + "mm"], g[p + "ss"]
            ampm, tz = g[p + "ampm"], g[p + "tz"]
        dt.date(year, month, day)
        when: dt.time | None = None
        tzinfo = _offset(tz)
        if hh is not None and tzinfo is not None:
            hour = int(hh) % 12 + (12 if ampm and ampm[0] in "pP" else 0) if ampm else int(hh)
            when = dt.time(hour, int(mm), int(ss or 0), tzinfo=tzinfo)
    except ValueError:
        return None
    return _Header(year, month, day, when)


# ---------------------------------------------------------------------------
# Blocks, lines and paragraphs

_WRAP_MIN, _WRAP_MAX = 50, 100  # hard-wrapped wire copy is set at 60-80 columns
_ROW_MAX = 60  # a table row is short ...
_SENTENCE_END = tuple('.!?:;"”’»)')  # ... and does not end like a sentence


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _wrap_width(blocks: list[list[str]]) -> int | None:
    """The column hard-wrapped text was set at, or None where it is not wrapped."""
    width = 0
    for block in blocks:
        if len(block) > 1:
            width = max(width, *(len(line) for line in block))
    return width if _WRAP_MIN <= width <= _WRAP_MAX else None


def _is_wrapped(line: str, following: str, width: int | None) -> bool:
    if width is None:
        return False
    stripped = following.lstrip()
    next_word = len(stripped.split(" ", 1)[0])
    return len(line) + 1 + next_word > width or len(line) >= 0.8 * width


def _is_row(unit: list[str], width: int | None) -> bool:
    if len(unit) != 1:
        return False
    text = unit[0].strip()
    limit = _ROW_MAX if width is None else min(_ROW_MAX, int(0.75 * width))
    return len(text) < limit and not text.endswith(_SENTENCE_END) and not _SIGN_OFF.match(text)


def _block_paragraphs(block: list[str], width: int | None) -> list[str]:
    """The paragraphs of one blank-line separated block."""
    least = min(_indent(line) for line in block)
    units: list[list[str]] = []
    for i, line in enumerate(block):
        if (
            i == 0
            or _indent(line) > least
            or not _is_wrapped(block[i - 1], line, width)
            or (i <= 2 and _match_dateline(line.lstrip()) is not None)
        ):
            units.append([line])
        else:
            units[-1].append(line)
    paragraphs: list[str] = []
    previous_row = False
    for unit in units:
        text = " ".join(part.strip() for part in unit)
        row = _is_row(unit, width)
        if row and previous_row:
            paragraphs[-1] += "\n" + text
        else:
            paragraphs.append(text)
        previous_row = row
    return paragraphs


# ---------------------------------------------------------------------------
# Wire header and trailer lines

# A filing line (AP, NYT sign-offs): "AP-NY-02-13-98 1435EST", "NYT-02-06-98 1844EST":
# desk codes, then month, day and two-digit year, then the time and its zone.
_WIRE_FILED = re.compile(
    r"^(?:[A-Z]{2,5}-){1,3}(?P<m>\d\d)-(?P<d>\d\d)-(?P<y>\d\d)[ ]+\d{3,4}[ ]?(?:[A-Z]{3})?$"
)
# A wire slug line: a cycle code (BC, AM, PM) glued to the story's slug, often with a
# word count ("BC-Australia-India-Qantas,0225", "a0605 AM-Gulf-Jordan 1st Ld,1368"), and
# its version after a comma ("BC-US-Storm,2nd Ld-Writethru,0450").
_WIRE_SLUG = re.compile(
    r"^(?:[a-z]\d{3,4}[ ]+(?:[a-z][ ]+)?(?:[A-Z]{1,4}[ ]+)?)?(?:BC|AM|PM)-[A-Za-z0-9][\w.'&/-]*"
    r"(?:,[ ]?(?:\d{1,2}(?:st|nd|rd|th)[ ]?Ld|Writethru|Urgent)(?:-Writethru)?)?"
    r"(?:,\d{3,4})?(?:[ ]+\S+){0,4}$"
)


def _wire_slug(line: str) -> bool:
    """A slug line: a slug with two parts or a word count, never a sentence."""
    if len(line) > 80 or _WIRE_SLUG.match(line) is None:
        return False
    first = line.split()[0] if not line[0].islower() else line.split()[1]
    return re.search(r",\d{3,4}$", line) is not None or first.count("-") >= 2


def _wire_filed(line: str) -> _Header | None:
    """The date of a filing line (a two-digit year in the latest century that does
    not put it after next year)."""
    m = _WIRE_FILED.match(line)
    if m is None:
        return None
    year = expand_year(int(m.group("y")))
    try:
        dt.date(year, int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None
    return _Header(year, int(m.group("m")), int(m.group("d")), None)


def _wire_line(line: str) -> bool:
    return _wire_slug(line) or _wire_filed(line) is not None


# ---------------------------------------------------------------------------
# A dateline alone on its line: "PARIS, May 3 (AFP)", "WASHINGTON (AP) --"

_END_SEP = r"[ ]*(?:[-‐‑–—]{1,3}|_)?[ ]*$"
_DATELINE_ALONE = (
    re.compile(
        rf"(?P<place>{_PLACE_ANY}),[ ]+{_DATE}{_YEAR}\.?[ ]*"
        r"/(?P<agency>[^/\s][^/\n]{0,20})/\.?[ ]*$"
    ),
    re.compile(
        rf"(?P<place>{_PLACE_ANY}),[ ]+{_DATE}{_YEAR}"
        rf"[ ]*\([ ]?(?P<agency>{_AGENCY})[ ]?\){_END_SEP}"
    ),
    re.compile(rf"(?P<place>{_PLACE_CAPS}),[ ]+{_DATE}{_YEAR}{_END_SEP}"),
    re.compile(rf"(?P<place>{_PLACE_CAPS}),?[ ]*\([ ]?(?P<agency>{_AGENCY})[ ]?\){_END_SEP}"),
)


def _dateline_alone(line: str) -> _DatelineMatch | None:
    """A line holding only a dateline with a date or an agency marker."""
    line = line.strip()
    if len(line) > 80:
        return None
    alone = (("alone", pattern) for pattern in _DATELINE_ALONE)
    for _, _, groups, (month, day, year) in _dated_matches(alone, line):
        agency, place = groups.get("agency"), groups["place"]
        if place is None or (agency is not None and not _agency_like(agency)):
            continue
        return _DatelineMatch(
            prefix=line + " ",
            dateline=_make_dateline(place),
            agency=normalise_agency(agency) if agency else None,
            month=month,
            day=day,
            year=year,
            strong=True,
        )
    return None


# ---------------------------------------------------------------------------
# The parser

_FLASH = re.compile(r"^\*+\s*|\s*\*+$")
_TITLE_MAX = 200
_BYLINE = re.compile(rf"^By[ ]+[{_UP}][\w.'’\-]*(?:[ ]+(?:and[ ]+)?[{_UP}][\w.'’\-]*){{0,5}}$")
_ENDS_SENTENCE = re.compile(r"[.!?][\"”’']*$")


def _is_title(text: str) -> bool:
    """A headline: short, and not a sentence. Headlines do not end with a full stop
    (one after an abbreviation, ``Pacific First Financial Corp.``, is no sentence end),
    and a long line ending like a sentence is the first paragraph of a text without one
    (a broadcast transcript)."""
    if len(text) > _TITLE_MAX:
        return False
    if _ENDS_SENTENCE.search(text) is None:
        return True
    if len(text) > 100:
        return False
    words = text.rstrip("\"”’'").split()
    last = words[-1].rstrip(".").lower() if words else ""
    full_stop = text.rstrip("\"”’'").endswith(".") and not text.endswith("...")
    lower = sum(word[0].islower() for word in words)
    sentence = full_stop and len(words) >= 3 and 2 * lower >= len(words)
    return not (sentence and last not in ABBREVIATIONS and len(last) > 1)


def _plausible(match: _DatelineMatch, paragraph: str, index: int, title: str | None) -> bool:
    """Whether a dateline found at the start of ``paragraph`` really is one."""
    rest = paragraph[len(match.prefix) :]
    if not match.strong and len(rest) < 40:
        return False
    if index == 0 and title is None:
        # The text's first line: an all-capitals headline such as "CANADA CORN
        # DECISION UNJUSTIFIED - YEUTTER" is no dateline paragraph.
        # A known agency's marker is enough; otherwise the line must read as a
        # paragraph (long, or ending like a sentence) rather than a headline.
        known = match.agency is not None and match.agency.lower() in _KNOWN_AGENCIES
        return rest != rest.upper() and (
            known or len(paragraph) > 150 or paragraph.rstrip().endswith(_SENTENCE_END)
        )
    return index == 0 or title is not None


@dataclass
class _Head:
    """What the lines before the body said: dated header lines, wire lines."""

    header: _Header | None = None
    filed: _Header | None = None
    dateline: _DatelineMatch | None = None  # a dateline line printed before the headline
    slug: str | None = None  # the first wire slug line
    notes: list[str] = field(default_factory=list)  # editor's notes before the headline

    def date(self, found: _Header | None) -> None:
        self.header = self.header or found


def _skip_head(lines: list[str], head: _Head) -> int:
    """The index of the first line after leading boilerplate, dated headers and wire lines."""
    start = 0
    while start < len(lines):
        stripped = lines[start].strip()
        if stripped and _wire_slug(stripped):
            head.slug = head.slug or stripped
        elif stripped and is_note_line(stripped):
            head.notes.append(stripped)
            start += 1
            continue
        if not stripped or _HEAD_BOILERPLATE.match(stripped) or _wire_slug(stripped):
            start += 1
            continue
        filed = _wire_filed(stripped)
        found = filed or _dated_header(stripped)
        if found is None:
            break
        if filed is not None:
            head.filed = head.filed or filed
        else:
            head.date(found)
        start += 1
    return start


def _title_lines(first: list[str]) -> int:
    """How many lines of the first block the title takes: the whole block where it is
    short (a title broken over lines), else its first line."""
    if len(first) > 3 or sum(len(line) for line in first) > _TITLE_MAX + 50:
        return 1
    for i in range(1, len(first)):
        line = first[i].strip()
        if (
            _indent(first[i]) > _indent(first[0])
            or _match_dateline(line)
            or _BYLINE.match(line)
            or _wire_line(line)
        ):
            return i
    return len(first)


def _take_title(blocks: list[list[str]], head: _Head) -> tuple[str | None, list[list[str]]]:
    """The title and the blocks after it (with dated headers and boilerplate after the
    title dropped); a dateline alone before the headline goes to ``head``."""
    if not blocks:
        return None, blocks
    if len(blocks) > 1 and len(blocks[0]) == 1:
        before = _dateline_alone(blocks[0][0])
        if before is not None:  # "PARIS, May 3 (AFP)", blank line, headline, body
            head.dateline = before
            blocks = blocks[1:]
    title: str | None = None
    first = blocks[0]
    line = first[0].strip()
    opening = _match_dateline(line)
    starts_with_dateline = opening is not None and _plausible(opening, line, 0, None)
    # After a dateline line the headline is the next block, where a body follows it.
    may_be_title = len(blocks) > 1 if head.dateline is not None else not starts_with_dateline
    if may_be_title and _is_title(_FLASH.sub("", line)):
        taken = _title_lines(first)
        title = _FLASH.sub("", " ".join(part.strip() for part in first[:taken])) or None
        blocks = [first[taken:], *blocks[1:]] if taken < len(first) else blocks[1:]
    while blocks and len(blocks[0]) == 1:
        only = blocks[0][0].strip()
        found = _dated_header(only)
        if found is None and not _HEAD_BOILERPLATE.match(only) and not _wire_slug(only):
            break
        head.date(found)
        blocks = blocks[1:]
    return title, blocks


def _body(blocks: list[list[str]], head: _Head) -> list[str]:
    """The body's paragraphs without trailing boilerplate and filing lines."""
    width = _wrap_width(blocks)
    paragraphs: list[str] = []
    for block in blocks:
        paragraphs.extend(_block_paragraphs(block, width))
    while paragraphs:
        last = paragraphs[-1].strip()
        filed = _wire_filed(last)
        if filed is not None:
            head.filed = head.filed or filed
        elif not _TAIL_BOILERPLATE.match(last):
            break
        paragraphs.pop()
    if paragraphs and "icensed" in paragraphs[-1]:
        paragraphs[-1] = _RUN_ON_FOOTER.sub("", paragraphs[-1])
    return paragraphs


def _find_dateline(
    paragraphs: list[str], title: str | None, head: _Head
) -> tuple[str | None, _DatelineMatch | None, list[str]]:
    """The lede, the dateline and the paragraphs (a dateline printed on a line of its
    own joined to the paragraph after it). The dateline is in the first paragraph, or
    after a standfirst and/or a byline."""
    if head.dateline is not None and paragraphs:
        paragraphs[0] = head.dateline.prefix + paragraphs[0]
        return None, head.dateline, paragraphs
    for index, paragraph in enumerate(paragraphs[:3]):
        alone = _dateline_alone(paragraph) if index + 1 < len(paragraphs) else None
        candidate = alone or _match_dateline(paragraph)
        if alone is not None:
            paragraphs[index : index + 2] = [alone.prefix + paragraphs[index + 1]]
            paragraph = paragraphs[index]
        elif candidate is not None and not _plausible(candidate, paragraph, index, title):
            candidate = None
        if candidate is not None:
            lede: str | None = None
            before = paragraphs[:index]
            if before and _BYLINE.match(before[0]) is None:
                lede = before[0]
                paragraphs = paragraphs[1:]
            return lede, candidate, paragraphs
        if index == 0 and title is None:
            break
    return None, None, paragraphs


def _date_parts(
    match: _DatelineMatch | None, head: _Head
) -> tuple[int | None, int | None, int | None, dt.time | None]:
    """Month, day, year and time: the dateline's, completed by a dated header or a
    filing line of the same day (the dateline wins where they disagree)."""
    month = match.month if match else None
    day = match.day if match else None
    year = match.year if match else None
    when: dt.time | None = None
    for header in (head.header, head.filed):
        if header is not None and (month is None or (month, day) == (header.month, header.day)):
            month, day = header.month, header.day
            year = year or header.year
            when = when or header.time
    return month, day, year, when


def parse_wire(text: str) -> WireStory:
    """Read one article's decoded text (LF line ends) into a ``WireStory``."""
    text = _CONTROL.sub("", text.removeprefix("\ufeff"))
    lines = text.split("\n")
    head = _Head()
    start = _skip_head(lines, head)
    title, blocks = _take_title(_blocks(lines[start:]), head)
    paragraphs = _body(blocks, head)
    notices, paragraphs = leading_notices(paragraphs)
    lede, match, paragraphs = _find_dateline(paragraphs, title, head)

    agency = match.agency if match else None
    if agency is None and paragraphs and _SIGN_OFF.match(paragraphs[-1].strip()):
        agency = "Reuters"
    month, day, year, when = _date_parts(match, head)
    return WireStory(
        title=title,
        lede=lede,
        dateline=match.dateline if match else None,
        agency=agency,
        month=month,
        day=day,
        year=year,
        time=when,
        paragraphs=tuple(paragraphs),
        dateline_prefix=match.prefix if match else None,
        filed=dt.date(head.filed.year, head.filed.month, head.filed.day) if head.filed else None,
        notes=(*head.notes, *notices),
        slug_line=head.slug,
    )
