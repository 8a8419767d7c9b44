"""ANPA 1312 wire text (AP's DataStream and the agencies that followed it): stories
framed by control characters, one or several to a file.

A story runs from SOH (``0x01``, after the SYN characters of the line) to the next
SOH or EOT. Its header, before STX (``0x02``), holds the service level and sequence
number with the selector code (``a0417`` US ``-----``), then the priority, the
category and the keyword (slug) line: ``r a BC-US--Lighthouse-Vote 1stLd-Writethru
01-05 0412``. The text, from STX to ETX (``0x03``), starts with its own lines
marked ``^`` (the slug line again, the headline, editor's notes, the byline ending
``=``); each paragraph of the body starts with a tab. After ETX comes the sign-off
``AP-WF-01-05-26 1932GMT``: the agency, the desk, and the date and time the story
was filed, which is the story's date (``date_source: header``) with its zone.

The control characters are framing, never text: the reader takes a file by them
(so they do not make it look binary) and drops them from the words. The agency is
the sign-off's, read through the agency table; else the dateline's (``(AP)``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..dates import expand_year
from ..decode import decode_bytes
from ..errors import ArchiveError
from .agencies import known_agency
from .base import Item, LeftOut, Reader, ReadOptions, Record, Source, error, ordinal_id, story_of
from .newsxml import plain_paragraphs

_SOH, _STX, _ETX, _EOT = b"\x01", b"\x02", b"\x03", b"\x04"
# A file starts with its first story: SYN characters, then SOH (some captures add
# a line end first); a capture may also start inside a story, then the end of that
# story (ETX or EOT) comes before the first SOH.
_START = re.compile(rb"^[\s\x16]*\x01")
_CUT_START = re.compile(rb"^[^\x00\x01]*[\x03\x04][^\x00\x01]*\x01")
# Framing and typesetting controls: every C0 control but tab and the line ends.
_CONTROL_BYTES = bytes(c for c in range(32) if c not in b"\t\n\r") + b"\x7f"
_AS_SPACES = bytes.maketrans(_CONTROL_BYTES, b" " * len(_CONTROL_BYTES))
# The wire's typewriter marks: ``quotes'' and a spaced underscore for a dash.
_MARKS = (
    (re.compile(r"``"), "\u201c"),
    (re.compile(r"''"), "\u201d"),
    (re.compile(r"(?<= )_(?= )"), "\u2014"),
)
_SEQUENCE = re.compile(r"^\s*([A-Za-z])?(\d{4})\b\s*(.*)$")
_KEYWORD_LINE = re.compile(
    r"^\s*(?P<priority>[A-Za-z])\s+(?P<category>[A-Za-z])\s+(?P<keyword>\S+)(?P<version>.*?)"
    r"(?:\s+(?P<month>\d\d)-(?P<day>\d\d))?(?:\s+(?P<words>\d{3,5}))?\s*$"
)
_SIGN_OFF = re.compile(
    r"(?<![\w-])(?P<agency>[A-Za-z][A-Za-z&]{0,9})-(?:[A-Za-z]{1,4}-)?"
    r"(?P<m>\d\d)-(?P<d>\d\d)-(?P<y>\d\d(?:\d\d)?)\s+(?P<hh>\d\d)(?P<mm>\d\d)\s*(?P<zone>[A-Z]{1,4})?"
)
# North American zones a sign-off names (ANPA is a North American format), and GMT.
_ZONES = {
    "GMT": 0, "UTC": 0, "Z": 0, "UT": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AST": -4, "ADT": -3, "HST": -10, "AKST": -9, "AKDT": -8,
}  # fmt: skip
# Header lines that are not the headline: notes to editors, photo lists, the slug again.
_NOT_HEADLINE = re.compile(
    r"^(?:eds?\b|editors?'? ?note|ap photos?\b|with ap photos?|urgent\b|bulletin\b|"
    r"adv\d|advance for|embargoed|for release|correction|corrects|subs\b|lead:|note\b)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by\s+(.+)$", re.IGNORECASE)


def sniff(head: bytes, name: str) -> bool:
    if b"\x00" in head or _STX not in head:
        return False
    return _START.match(head) is not None or _CUT_START.match(head) is not None


@dataclass(frozen=True)
class _Header:
    """What a story's header states that the archive keeps (empty where a variant
    leaves it out). The selector, priority and category are routing codes for the
    newsroom's queues, not labels: they are read past, never made tags."""

    sequence: str | None = None  # the service level and number: the story's id in the file
    keyword: str | None = None  # the slug: tells the slug line at the top of the text


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    data = stream.read()
    try:
        encoding = decode_bytes(data.translate(None, _CONTROL_BYTES), source.shown).encoding
    except ArchiveError as exc:
        yield error(source, 1, exc.message)
        return
    starts = [m.start() for m in re.finditer(re.escape(_SOH), data)]
    if not starts:
        yield error(source, 1, "no ANPA story (no SOH control character)")
        return
    chunks = [data[a : b if b else None] for a, b in zip(starts, [*starts[1:], 0], strict=True)]
    found: list[Item] = []
    if data[: starts[0]].strip(b" \t\r\n\x16"):
        why = "text before the first story (a story cut off at its start); left out"
        found.append(LeftOut(source.shown, 1, why))
    seen: set[str] = set()
    for ordinal, (start, chunk) in enumerate(zip(starts, chunks, strict=True), 1):
        line = data.count(b"\n", 0, start) + 1
        item = _story(chunk, encoding, source, line, options)
        if isinstance(item, Record):
            ident = item.id if item.id and item.id not in seen else ordinal_id(ordinal, chunk)
            seen.add(ident)
            item = dataclasses.replace(item, id=ident)
        found.append(item)
    records = [r for r in found if isinstance(r, Record)]
    for item in found:
        if isinstance(item, Record) and len(records) == 1:
            yield dataclasses.replace(item, id=None, raw=data)
        else:
            yield item


def _text(data: bytes, encoding: str) -> str:
    text = data.translate(_AS_SPACES).decode(encoding, errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _typeset(paragraph: str) -> str:
    for mark, char in _MARKS:
        paragraph = mark.sub(char, paragraph)
    return paragraph


def _story(chunk: bytes, encoding: str, source: Source, line: int, options: ReadOptions) -> Item:
    """One story: SOH, header, STX, text, ETX, sign-off (EOT and fill after it)."""
    chunk = chunk[1:].split(_EOT, 1)[0]
    stx = chunk.find(_STX)
    if stx < 0:
        return LeftOut(source.shown, line, "ANPA header with no text (no STX); left out")
    etx = chunk.find(_ETX, stx)
    header = _header(_text(chunk[:stx], encoding))
    text = _text(chunk[stx + 1 : etx if etx >= 0 else None], encoding)
    trailer = _text(chunk[etx + 1 :], encoding) if etx >= 0 else ""
    signed = _SIGN_OFF.search(trailer)
    if signed is None:  # a variant that keeps the sign-off inside the text, on its own line
        lines = text.rstrip().split("\n")
        signed = _SIGN_OFF.fullmatch(lines[-1].strip(" \t<=")) if lines else None
        if signed is not None:
            text = "\n".join(lines[:-1])
    headline, byline, body = _parts(text, header.keyword)
    if not body:
        return LeftOut(source.shown, line, "ANPA story with no body text; left out")
    agency = known_agency(signed["agency"], options.agencies) if signed else None
    story = story_of(title=headline, paragraphs=body, agency=agency)
    if story.agency is None and signed is not None:
        story = story_of(title=headline, paragraphs=body, agency=signed["agency"])
    return Record(
        story=story,
        raw=chunk,
        text="\n\n".join([headline or "", *body]).strip(),
        line=line,
        id=header.sequence,
        date=_signed_time(signed),
        author=byline,
    )


def _header(text: str) -> _Header:
    """The header's first line (``a0417 -----``: sequence and selector) and its
    keyword line (``r a BC-US--Lighthouse-Vote 1stLd-Writethru 01-05 0412``)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    sequence = None
    if lines and (found := _SEQUENCE.match(lines[0])) is not None:
        sequence = f"{found[1] or ''}{found[2]}"
        lines = lines[1:]
    for line in lines:
        if (found := _KEYWORD_LINE.match(line)) is not None:
            return _Header(sequence, found["keyword"])
    return _Header(sequence)


def _parts(text: str, keyword: str | None) -> tuple[str | None, str | None, list[str]]:
    """(headline, byline, body paragraphs) of a story's text."""
    marked: list[str] = []
    body: list[str] = []
    tabbed = "\n\t" in "\n" + text
    for line in text.split("\n"):
        if line.startswith("^"):
            if not body:  # marked lines after the body are end notes (``END``, ``MORE``)
                marked.append(line.strip(" \t^<=>"))
        elif tabbed and line.startswith("\t"):
            body.append(line.strip(" \t<"))
        elif tabbed and line.strip() and body:
            body[-1] = f"{body[-1]} {line.strip(' <')}"  # a paragraph wrapped over lines
    if not tabbed:  # no tab marks: paragraphs at empty lines, else one per line
        rest = "\n".join(line for line in text.split("\n") if not line.startswith("^"))
        body = [p.rstrip(" <=") for p in plain_paragraphs(rest)]
    headline = byline = None
    for line in marked:
        by = _BYLINE.match(line)
        if by is not None and byline is None:
            byline = _name(by[1])
        elif headline is None and by is None and _headline(line, keyword):
            headline = line
    if headline is None and not marked and body and len(body) > 1 and len(body[0]) < 120:
        headline, body = body[0], body[1:]  # no marks at all: a title line first
    if headline is None and marked:
        headline = _readable_slug(marked[0])
    return headline, byline, [_typeset(p) for p in body if p]


def _headline(line: str, keyword: str | None) -> bool:
    return bool(line) and not _slug_line(line, keyword) and not _NOT_HEADLINE.match(line)


def _slug_line(line: str, keyword: str | None) -> bool:
    """The keyword line repeated at the top of the text (``BC-US--Giant Lobster Death,
    1st Ld-Writethru,127``): the keyword, or a cycle code and a word count."""
    if keyword and line.replace(" ", "").lower().startswith(keyword.replace(" ", "").lower()[:8]):
        return True
    return (
        re.match(r"^[A-Za-z]{1,3}-\S", line) is not None
        and re.search(r",\d{2,5}$", line) is not None
    )


def _readable_slug(line: str) -> str | None:
    """A slug line's words, where it spells them out (``BC-WEA--Global Weather-Fahrenheit,``
    -> ``Global Weather-Fahrenheit``): a title for a story without a headline."""
    found = re.match(r"^[A-Za-z]{1,3}-(?:[A-Za-z]{1,4}--)?([^,]+)", line)
    words = found[1].strip() if found else ""
    return words if " " in words else None


def _name(text: str) -> str:
    """A byline's names, the capitals of the wire (``PAUL BYRNE and ANN DOE``) in title case."""
    words = " ".join(text.split()).strip(" =,").split(" ")
    return " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in words)


def _signed_time(signed: re.Match[str] | None) -> dt.datetime | None:
    """The sign-off's date and time in its zone (unzoned where it names none we know)."""
    if signed is None:
        return None
    year = int(signed["y"]) if len(signed["y"]) == 4 else expand_year(int(signed["y"]))
    hours = _ZONES.get((signed["zone"] or "").upper())
    zone = dt.timezone(dt.timedelta(hours=hours)) if hours is not None else None
    if hours == 0:
        zone = dt.UTC
    try:
        return dt.datetime(
            year,
            int(signed["m"]),
            int(signed["d"]),
            int(signed["hh"]),
            int(signed["mm"]),
            tzinfo=zone,
        )
    except ValueError:
        return None


READER = Reader("ANPA 1312", sniff, read, (".anpa", ".txt", ".tst"))
