"""What every reader shares: :class:`Record` (one story read from a file),
:class:`Reader` (one registry row), :class:`LeftOut`, :class:`ReadOptions`, and
:func:`story_of`, which turns a format's fields into a ``WireStory``: what the
format states wins, the plain-text rules of :mod:`archivesite.wire` fill the gaps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import ArchiveError
from ..model import Dateline
from ..wire import WireStory, parse_wire

MAX_RECORD_BYTES = 16 * 1024 * 1024  # a record this big is a missing end tag


@dataclass(frozen=True)
class ReadOptions:
    """What the site's ``[import]`` table tells the readers."""

    doc_types: tuple[str, ...] = ("story",)
    columns: tuple[tuple[str, str], ...] = ()  # (field, column name) from [import.columns]
    agencies: tuple[tuple[str, str], ...] = ()  # (name, short name) from [import.agencies]


@dataclass(frozen=True)
class Record:
    """One story read from a file.

    ``id`` is the record's identity inside its file (its own id, else its ordinal
    and hash); None for a file that is one story. ``raw`` is the record's own bytes.
    ``date`` is a date the format states (``date_source: header``); ``name`` is
    where a date may be read as from a file name (a record id such as
    ``AFP_ENG_20030115.0042``)."""

    story: WireStory
    raw: bytes
    text: str
    line: int = 1
    id: str | None = None
    date: dt.date | None = None
    name: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    member: str | None = None  # its file's name inside a zip archive
    author: str | None = None  # the byline's names, as stated
    site_name: str | None = None  # the web site or feed it was published on
    url: str | None = None  # the address it was published at
    excerpt: bool = False  # the body is a summary the source gave, not the whole story
    story_id: str | None = None  # the id every version of its story shares (a NewsML guid)


@dataclass(frozen=True)
class LeftOut:
    """A record read and left out on purpose (a doc type not imported, no body)."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


Item = Record | LeftOut | ArchiveError


@dataclass(frozen=True)
class Source:
    """The file (or archive member) being read: its name as shown and as sniffed."""

    shown: str  # the path as given ("seeds/x.zip/member.sgm" in an archive): for errors
    key: str  # the same, relative to the site: the records' source_file before "#id"
    name: str  # the base name, without a compression suffix


@dataclass(frozen=True)
class Reader:
    """One registry row: a format's name, what it takes (for the README), whether it
    recognises a file (``sniff(head, name)``, the content first) and its records."""

    name: str
    sniff: Callable[[bytes, str], bool]
    read: Callable[[BinaryIO, Source, ReadOptions], Iterator[Item]]
    suffixes: tuple[str, ...] = field(default=())


def ordinal_id(ordinal: int, raw: bytes) -> str:
    """The identity of a record with no id of its own: its ordinal and its hash."""
    return f"{ordinal}-{hashlib.sha256(raw).hexdigest()[:12]}"


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Text without control characters (``&#3;`` and the like), ends stripped."""
    return _CONTROLS.sub("", text).strip()


def _with_dateline(dateline: str, first: str) -> str:
    if re.search(r"[-\u2013\u2014:]\s*$", dateline):
        return f"{dateline} {first}"
    return f"{dateline} - {first}"


def story_of(
    *,
    title: str | None,
    paragraphs: Sequence[str],
    dateline: str | None = None,
    agency: str | None = None,
) -> WireStory:
    """A story from a format's fields: its title, dateline and agency as stated;
    the lede, the dateline's date and an agency the format lacks from the text."""
    body = [p for p in (clean(p) for p in paragraphs) if p]
    dateline = clean(" ".join(dateline.split())) if dateline else None
    story = None
    if dateline and body:
        story = _parsed([_with_dateline(dateline, body[0]), *body[1:]])
        if story.dateline is None:  # not a form the text rules know: keep it as stated
            story = None
    if story is None:
        story = _parsed(body) if body else _empty()
        if dateline:
            story = dataclasses.replace(story, dateline=_stated_dateline(dateline))
    story = dataclasses.replace(story, title=clean(" ".join(title.split())) if title else None)
    return dataclasses.replace(story, agency=agency) if agency else story


# A headline the text rules take, so that the body's first paragraph is read as body.
_PLACEHOLDER = "Headline"


def _parsed(body: list[str]) -> WireStory:
    return parse_wire("\n\n".join([_PLACEHOLDER, *body]))


def _empty() -> WireStory:
    return WireStory(None, None, None, None, None, None, None, None, ())


def _stated_dateline(text: str) -> Dateline:
    place = re.split(r"[,(\-\u2013\u2014]", text, maxsplit=1)[0].strip() or text
    return Dateline(text=text, place=place.title() if place.isupper() else place, region=None)


MONTHS_BY_NAME = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_SLASHED = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?!\d)")
_DAY_MON_YEAR = re.compile(r"(?<!\d)(\d{1,2})[-\s]+([A-Za-z]{3,9})\.?[-\s,]+(\d{4}|\d{2})(?!\d)")
_MON_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)")
_DIGITS = re.compile(r"\d{6}|\d{8}")


def _year(text: str) -> int:
    year = int(text)
    return year + (1900 if year >= 50 else 2000) if len(text) == 2 else year


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day) if 1800 <= year <= 2200 else None
    except ValueError:
        return None


def parse_stated_date(text: str) -> dt.date | None:
    """The date in a format's date field: ISO, US ``MM/DD/YY``, ``1-APR-1987``,
    ``14 May 1991``, ``January 1, 1989``, or bare ``YYMMDD``/``YYYYMMDD``."""
    text = text.strip()
    if m := _ISO.search(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _SLASHED.search(text):
        return _valid(_year(m[3]), int(m[1]), int(m[2]))
    if (m := _DAY_MON_YEAR.search(text)) and m[2].lower()[:3] in MONTHS_BY_NAME:
        return _valid(_year(m[3]), MONTHS_BY_NAME[m[2].lower()[:3]], int(m[1]))
    if (m := _MON_DAY_YEAR.search(text)) and m[1].lower()[:3] in MONTHS_BY_NAME:
        return _valid(int(m[3]), MONTHS_BY_NAME[m[1].lower()[:3]], int(m[2]))
    if _DIGITS.fullmatch(text):
        year = _year(text[:-4])
        return _valid(year, int(text[-4:-2]), int(text[-2:]))
    return None


def error(source: Source, line: int, message: str) -> ArchiveError:
    return ArchiveError(message, Path(source.shown), line)
