"""Article dates: the evidence a file carries and how it decides the date.

Pure functions; the only clocks are the references passed in (and "next year",
the latest a date in a file name may have).

Evidence, strongest first (:func:`decide_date`):

* a **full date in the file's name or folders** (:func:`date_in_path`):
  ``2022-01-11-x.txt``, ``20220111_x``, ``APW19980213.1320``, ``AFP_ENG_20030115.0042``,
  ``AP900815-0044`` (six digits only right after a known agency or outlet code),
  ``…/2022/01/11/x``; a valid date from 1850 to next year. It is the article's date;
* a **month and day in the text** (dateline, dated header, wire filing line), with the
  year where printed. Within two days of the file name's date the text's day wins,
  in the year that puts it nearest the name's date; further off, the name wins and
  the conflict is reported;
* with month and day and no year (and no date in the path), the year from the first
  **reference** there is: the file's year/month folder, ``--as-of`` / ``import.as_of``
  (an upper bound), a neighbouring file's own date, the file's modification time.
  Against an upper bound the year is the most recent one, at most
  :data:`MAX_YEARS_BACK` years back, in which that day fell on the weekday of the
  lead's reporting verb ("said on Tuesday"; a weekday tied to an event is not
  evidence), else the year of the most recent such day; against a folder or a
  neighbour it is the year that puts the day nearest that date;
* a weekday alone never dates an article.

``date_source`` values (front matter):

* ``header``: the date a collection format states for the record (a ``DATE`` field,
  a data set's date column); it wins over the text.
* ``text``: the text gives the month and day, with the year printed or taken from
  the file name (``date_reference: file-name``).
* ``weekday``: month and day from the text, the year confirmed by the weekday
  of the lead's reporting verb.
* ``reference``: month and day from the text, the year from a reference with no
  weekday to confirm it (a guess worth checking).
* ``option``: month and day from the text, the year given with ``--year``.
* ``file``: the full date in the file's name or folders.
* ``none``: undated.

``date_reference`` (where the year came from, when it was not printed): ``file-name``,
``folder``, ``as-of``, ``config``, ``neighbour``, ``file-time``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

DateSource = Literal["header", "text", "weekday", "reference", "option", "file", "none"]

MAX_YEARS_BACK = 11

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_VERB = (
    r"(?:said|says|told|tells|announced|announces|stated|states|reported|reports|added|"
    r"declared|confirmed|noted|warned|wrote|claimed|denied|insisted|urged|explained|"
    r"stressed|emphasized|emphasised|revealed|disclosed|acknowledged|admitted|argued|"
    r"indicated|suggested|commented|remarked|replied|responded|tweeted|posted|"
    r"quoted|cited|estimated|predicted|forecast|projected|informed|saying|briefed)"
)
# What may stand between the verb and the weekday: whom it was said to, or how.
_RECIPIENT = (
    r"(?:(?:to\s+)?(?:reporters|journalists|the\s+press|the\s+media|media|lawmakers|"
    r"parliament|the\s+parliament|a\s+news\s+conference|a\s+press\s+conference|"
    r"a\s+briefing|a\s+news\s+briefing|the\s+(?:[A-Z][\w.&'-]*\s+){0,3}[A-Z][\w.&'-]*|"
    r"(?:[A-Z][\w.&'-]*)(?:\s+[A-Z][\w.&'-]*){0,3})|"
    r"in\s+(?:a|an|the)\s+(?:written\s+|joint\s+|televised\s+)?"
    r"(?:statement|interview|speech|address|report|note|post|tweet|letter|briefing)"
    r"(?:\s+(?:with|to|on)\s+(?:[\w.&'’-]+\s+){0,6}?[\w.&'’-]+)?|here|there|today)"
)
_WHEN = r"(?:(?:late|early)\s+)?(?:on\s+)?(?:(?:late|early)\s+)?"
_AFTER_VERB = re.compile(
    rf"\b{_VERB}(?:,?\s+{_RECIPIENT}){{0,2}},?\s+{_WHEN}{_WEEKDAY}\b(?!\s+(?:night|morning|"
    r"evening|afternoon)?\s*(?:meeting|talks|session|summit|vote|election))"
)
_BEFORE_VERB = re.compile(
    rf"^(?:(?:Late|Early)\s+)?(?:On\s+)?{_WEEKDAY}\s*,?\s+(?:[\w.'&-]+\s+){{0,6}}?{_VERB}\b"
)


_WEEKDAY_THEN_VERB = re.compile(rf"\b[Oo]n\s+{_WEEKDAY}\s+{_VERB}\b")


def reporting_weekday(lead: str) -> int | None:
    """The weekday (0 = Monday) of the lead's reporting verb, if it names one.

    Looks at the lead's first sentence (without its dateline): "said on
    Tuesday", "told TASS on Tuesday", "said Sunday", "Putin told reporters on
    Thursday", "On Monday, the ministry said". A weekday that dates an event
    ("a meeting on Wednesday") is not taken.
    """
    sentence = first_sentence(lead)
    for text in (sentence, lead) if sentence != lead else (lead,):
        m = _AFTER_VERB.search(text) or _BEFORE_VERB.search(text) or _WEEKDAY_THEN_VERB.search(text)
        if m is not None:
            return WEEKDAYS.index(m.group(1).lower())
    return None


_SENTENCE_END = re.compile(r"[.!?][\"”’»)]?(?=\s+[\"“«(]?[A-ZА-ЯЁ0-9])")
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr co corp inc ltd no vs gen col lt sgt rep sen gov prof dept jan feb "  # noqa: SIM905
    "mar apr jun jul aug sep sept oct nov dec u.s u.n u.k e.g i.e".split()
)


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph (the whole of it where none ends early)."""
    text = " ".join(text.split())
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.start()].rsplit(None, 1)[-1] if text[: m.start()].strip() else ""
        word = before.lower().lstrip('("“«')
        if m.group().startswith(".") and (word in ABBREVIATIONS or len(word) == 1):
            continue  # "Mr. Smith", "U.S. officials", "J. Doe"
        return text[: m.end()]
    return text


def infer_date(
    month: int, day: int, reference: dt.date, weekday: int | None
) -> tuple[dt.date, DateSource] | None:
    """The date of ``month``/``day`` nearest before ``reference`` (see module docstring).

    None where the month and day name no real day in the window (February 30).
    """
    candidates = []
    for year in range(reference.year, reference.year - MAX_YEARS_BACK - 1, -1):
        try:
            day_ = dt.date(year, month, day)
        except ValueError:
            continue
        if day_ <= reference and (reference - day_).days <= 366 * MAX_YEARS_BACK:
            candidates.append(day_)
    if not candidates:
        return None
    if weekday is not None:
        for candidate in candidates:
            if candidate.weekday() == weekday:
                return candidate, "weekday"
    return candidates[0], "reference"


# The English names the import's notes print (wire copy's own language, not the site's).
_MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_NAME_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)"),  # 2022-01-11, nyt-2000-01-05
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),  # 20220111_x, APW19980213.1320
)
_NAME_DMY = re.compile(
    r"(?<![\dA-Za-z])(\d{1,2})[-_]?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_]?"
    r"(\d{4})(?![\dA-Za-z])",
    re.IGNORECASE,
)
# Document ids that glue a two-digit-year date (YYMMDD) to an agency's or outlet's code,
# as news collections name their files (AP900815-0044, WSJ900813-0157, and the broadcast
# ids ea980120.1830.0071 / ed980111.1130.0089 of English ABC-style news recordings). Six
# digits after any other letters are no date: too many ids are six-digit numbers.
OUTLET_PREFIXES = frozenset(
    "ap apw nyt wsj afp afe xin xie reu upi dpa efe ansa kyodo cna ltw lat sjmn ft fbis "  # noqa: SIM905
    "cnn abc nbc cbs pri voa npr mnb bbc ea ed".split()
)
_NAME_YYMMDD = re.compile(r"^(?P<prefix>[A-Za-z]{2,5})[-_]?(?P<d>\d{6})(?!\d)")
_FOLDER_DATE = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})$")
_FOLDER_MONTH = re.compile(r"(?:^|/)(\d{4})/(\d{2})$")
EARLIEST_YEAR = 1850


def latest_year(today: dt.date | None = None) -> int:
    """The latest year a date in a name may have: next year."""
    return (today or dt.date.today()).year + 1


def expand_year(two_digits: int, today: dt.date | None = None) -> int:
    """A two-digit year in the latest century that does not put it after next year."""
    year = 2000 + two_digits % 100
    return year if year <= latest_year(today) else year - 100


def date_in_name(name: str, today: dt.date | None = None) -> dt.date | None:
    """A full date in a file name: ``2022-01-11-x``, ``20220111_x``, ``x_03jan2006_y``,
    ``APW19980213.1320``, ``AP900815-0044``; a valid date from 1850 to next year."""
    latest = latest_year(today)
    for pattern in _NAME_PATTERNS:
        for m in pattern.finditer(name):
            found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)), latest)
            if found:
                return found
    for m in _NAME_DMY.finditer(name):
        found = _valid(int(m.group(3)), _MONTHS[m.group(2).lower()[:3]], int(m.group(1)), latest)
        if found:
            return found
    glued = _NAME_YYMMDD.match(name)
    if glued is not None and glued.group("prefix").lower() in OUTLET_PREFIXES:
        digits = glued.group("d")
        year = expand_year(int(digits[:2]), today)
        return _valid(year, int(digits[2:4]), int(digits[4:]), latest)
    return None


@dataclass(frozen=True, slots=True)
class PathDate:
    """What a file's name and folders say about its date."""

    date: dt.date | None  # a full date: the article's
    where: Literal["name", "folder"] | None
    folder_month: dt.date | None  # the first of the month a year/month folder names


def date_in_path(path: PurePath, today: dt.date | None = None) -> PathDate:
    """The date in a file's name, else in its last folders (``2022/01/11/x``,
    ``2022-01-11/x``); a ``1998/08/`` folder gives only a month, a reference."""
    found = date_in_name(path.name, today)
    if found is not None:
        return PathDate(found, "name", None)
    folders = "/".join(path.parent.parts[-3:])
    latest = latest_year(today)
    m = _FOLDER_DATE.search(folders)
    if m is not None:
        found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)), latest)
        if found is not None:
            return PathDate(found, "folder", None)
    for folder in reversed(path.parent.parts[-3:]):
        found = date_in_name(folder, today)
        if found is not None:
            return PathDate(found, "folder", None)
    m = _FOLDER_MONTH.search(folders)
    if m is not None:
        month = _valid(int(m.group(1)), int(m.group(2)), 1, latest)
        if month is not None:
            return PathDate(None, None, month)
    return PathDate(None, None, None)


def _valid(year: int, month: int, day: int, latest: int) -> dt.date | None:
    if not EARLIEST_YEAR <= year <= latest:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- deciding the date ---------------------------------------------------------------

DateReference = Literal["file-name", "folder", "as-of", "config", "neighbour", "file-time"]
NEAR_DAYS = 2  # a text date this close to the file name's is the same story's date


@dataclass(frozen=True)
class Reference:
    """Where the year of a month and day may come from, and how to read it: an upper
    bound (``--as-of``, the file time: the latest such day not after it) or a date
    the article is near (a folder's month, a neighbour's date: the nearest such day)."""

    date: dt.date
    origin: DateReference
    upper_bound: bool


@dataclass(frozen=True, slots=True)
class Clues:
    """What one file says about its date."""

    path_date: dt.date | None  # a full date in its name or folders
    path_where: Literal["name", "folder"] | None
    month: int | None  # month and day from the dateline, a header or a filing line
    day: int | None
    year: int | None  # where printed with them
    time: dt.time | None
    weekday: int | None  # the weekday of the lead's reporting verb


@dataclass(frozen=True, slots=True)
class Dating:
    """The article's date, what decided it, and what to tell the archivist."""

    date: dt.date | None  # a datetime where the text gives the time with its offset
    source: DateSource
    reference: DateReference | None = None
    because: str = "no date in the file name, dateline or wire lines"
    warnings: tuple[str, ...] = ()


_WHERE = {"name": "the file name", "folder": "the folders"}
_REFERENCE_WORDS: dict[DateReference, str] = {
    "file-name": "the file name",
    "folder": "the folder's month",
    "as-of": "--as-of",
    "config": "import.as_of",
    "neighbour": "a neighbouring file's date",
    "file-time": "the file's modification time",
}


def nearest_year(month: int, day: int, near: dt.date) -> dt.date | None:
    """The date of ``month``/``day`` nearest ``near`` (the year before, of, or after)."""
    found = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            found.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(found, key=lambda d: (abs((d - near).days), d)) if found else None


def _weekday_note(weekday: int | None, date: dt.date) -> tuple[str, tuple[str, ...]]:
    """How the reporting verb's weekday compares with a date decided without it."""
    if weekday is None:
        return "", ()
    name = WEEKDAYS[weekday].capitalize()
    if date.weekday() == weekday:
        return f"; the lead's weekday {name} agrees", ()
    actual = WEEKDAYS[date.weekday()].capitalize()
    return "", (f"the lead's weekday {name} is not the date's ({actual})",)


def decide_date(
    clues: Clues, references: Iterable[Reference], *, year: int | None = None
) -> Dating:
    """The article's date from its clues; ``references`` (tried in order, lazily) give
    the year of a month and day printed without one. See the module docstring."""
    if clues.month and clues.day:
        found = _from_text(clues, references, year)
        if found is not None:
            return found
    if clues.path_date is not None:
        note, warnings = _weekday_note(clues.weekday, clues.path_date)
        where = _WHERE[clues.path_where or "name"]
        return Dating(clues.path_date, "file", None, f"from {where}{note}", warnings)
    if clues.weekday is not None:
        return Dating(None, "none", because="only a weekday in the lead, which is no date")
    return Dating(None, "none")


def _from_text(clues: Clues, references: Iterable[Reference], year: int | None) -> Dating | None:
    month, day = clues.month or 0, clues.day or 0
    printed = f"{_MONTH_NAMES[month]} {day}"
    if clues.year:
        found = _full(clues.year, month, day)
        if found is None:
            return None
        return _against_path(clues, found, None, f"from the text ({printed}, {clues.year})")
    if clues.path_date is not None:
        near = nearest_year(month, day, clues.path_date)
        if near is None:
            return None
        return _against_path(
            clues, near, "file-name", f"from the text ({printed}), the year from the file name"
        )
    if year is not None:
        found = _full(year, month, day)
        if found is not None:
            return Dating(found, "option", None, f"from the text ({printed}), the year from --year")
    for reference in references:
        dating = _with_reference(clues, month, day, reference, printed)
        if dating is not None:
            return dating
    return None


def _full(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _against_path(
    clues: Clues, found: dt.date, reference: DateReference | None, because: str
) -> Dating:
    """A text date checked against the file name's: within two days the text's day
    wins (time zones, filing the next morning); further off the name's date does."""
    path_date = clues.path_date
    if path_date is not None and abs((found - path_date).days) > NEAR_DAYS:
        note, warnings = _weekday_note(clues.weekday, path_date)
        where = _WHERE[clues.path_where or "name"]
        conflict = f"the text's date {found.isoformat()} is not {where}'s; {where} wins"
        return Dating(path_date, "file", None, f"from {where}{note}", (conflict, *warnings))
    date: dt.date = found
    if clues.time is not None and clues.year:
        date = dt.datetime.combine(found, clues.time)
    note, warnings = _weekday_note(clues.weekday, found)
    if path_date is not None and found != path_date:
        note += f"; {_WHERE[clues.path_where or 'name']} says {path_date.isoformat()}"
    return Dating(date, "text", reference, because + note, warnings)


def _with_reference(
    clues: Clues, month: int, day: int, reference: Reference, printed: str
) -> Dating | None:
    origin = _REFERENCE_WORDS[reference.origin]
    if reference.upper_bound:
        inferred = infer_date(month, day, reference.date, clues.weekday)
        if inferred is None:
            return None
        found, inferred_source = inferred
        how = (
            f"the year in which it fell on the lead's weekday "
            f"{WEEKDAYS[found.weekday()].capitalize()}, not after {origin} "
            f"({reference.date.isoformat()})"
            if inferred_source == "weekday"
            else f"the year of the latest such day not after {origin} "
            f"({reference.date.isoformat()})"
        )
        return Dating(found, inferred_source, reference.origin, f"from the text ({printed}), {how}")
    near = nearest_year(month, day, reference.date)
    if near is None:
        return None
    note, warnings = _weekday_note(clues.weekday, near)
    source: DateSource = "weekday" if note else "reference"
    because = f"from the text ({printed}), the year nearest {origin} ({reference.date.isoformat()})"
    return Dating(near, source, reference.origin, because + note, warnings)
