"""Article dates: the reporting-verb weekday, dates in file names, year inference.

Pure functions; the only clock is the reference date passed in.

Where the text gives month and day but no year, the year comes from a
reference date (``--as-of``, else ``import.as_of``, else a date in the file's
name, else the file's modification time; the caller picks it). The year is the
most recent one, not after the reference date and at most
:data:`MAX_YEARS_BACK` years before it, in which that day fell on the weekday
of the lead's reporting verb ("said on Tuesday", "told TASS on Tuesday",
"announced Monday"). A weekday tied to an event ("a meeting on Wednesday") is
not evidence. Without a usable weekday the year is that of the most recent
such day not after the reference date.

``date_source`` values (front matter):

* ``text``: the text states the full date.
* ``weekday``: month and day from the text, the year confirmed by the weekday
  of the lead's reporting verb.
* ``reference``: month and day from the text, the year that of the most recent
  such day not after the reference date, with no weekday to confirm it (a
  guess worth checking; the year is right when the archive is imported soon
  after publication).
* ``option``: month and day from the text, the year given with ``--year``.
* ``file``: the text gives no month and day; the full date is in the file name.
* ``none``: undated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

DateSource = Literal["text", "weekday", "reference", "option", "file", "none"]

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
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr co corp inc ltd no vs gen col lt sgt rep sen gov prof dept jan feb "  # noqa: SIM905
    "mar apr jun jul aug sep sept oct nov dec u.s u.n u.k e.g i.e".split()
)


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph (the whole of it where none ends early)."""
    text = " ".join(text.split())
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.start()].rsplit(None, 1)[-1] if text[: m.start()].strip() else ""
        word = before.lower().lstrip('("“«')
        if m.group().startswith(".") and (word in _ABBREVIATIONS or len(word) == 1):
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


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_NAME_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)"),  # 2022-01-11
    re.compile(r"(?<![\dA-Za-z])(\d{4})(\d{2})(\d{2})(?![\dA-Za-z])"),  # 20220111
)
_NAME_DMY = re.compile(
    r"(?<![\dA-Za-z])(\d{1,2})[-_]?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_]?"
    r"(\d{4})(?![\dA-Za-z])",
    re.IGNORECASE,
)
MIN_YEAR, MAX_YEAR = 1800, 2199


def date_in_name(name: str) -> dt.date | None:
    """A full date in a file name: ``2022-01-11-x``, ``20220111_x``, ``x_03jan2006_y``."""
    for pattern in _NAME_PATTERNS:
        for m in pattern.finditer(name):
            found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if found:
                return found
    for m in _NAME_DMY.finditer(name):
        found = _valid(int(m.group(3)), _MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
        if found:
            return found
    return None


def _valid(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class Reference:
    """The reference date for year inference and where it came from."""

    date: dt.date
    origin: Literal["option", "config", "file", "mtime"]
