"""What the IPTC XML readers (NITF, NewsML-G2, NewsML 1.2) share: the fields of
one story as its file states them (:class:`Fields`), its record (:func:`record_of`),
stated times kept with their offsets (:func:`stated_time`), the body of a content
element whatever it holds (NITF, XHTML or plain text: :func:`content_paragraphs`),
and NITF's own fields (:func:`nitf_fields`), which the NewsML readers also carry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Dateline
from .base import Record, parse_stated_date, story_of
from .xmlsafe import Element, attr, child, find, find_all, local, paragraphs, text_of


@dataclass(frozen=True)
class Fields:
    """One story as its file states it; empty where the file says nothing."""

    title: str | None = None
    paragraphs: tuple[str, ...] = ()
    dateline: str | None = None
    place: str | None = None  # the dateline's city, where the file marks it
    region: str | None = None  # its state, region or country
    agency: str | None = None
    date: dt.date | None = None  # a datetime where the file gives a time
    tags: tuple[str, ...] = ()
    language: str | None = None

    def over(self, fallback: Fields) -> Fields:
        """These fields, with ``fallback``'s where these are empty."""
        mine = dataclasses.asdict(self)
        theirs = dataclasses.asdict(fallback)
        return Fields(**{k: v if v else theirs[k] for k, v in mine.items()})


_STAMP = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[Tt ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def stated_time(text: str | None) -> dt.date | None:
    """A stated date or time as written: ISO 8601 in its extended or basic form
    (``2026-01-05T14:30:00-05:00``, ``20260105T143000-0500``) with its offset kept,
    a bare date as a date; else the forms of :func:`parse_stated_date`."""
    if not text or not text.strip():
        return None
    text = text.strip()
    found = _STAMP.match(text)
    if found is None:
        return parse_stated_date(text)
    year, month, day, hour, minute, second, offset = found.groups()
    try:
        if not 1800 <= int(year) <= 2200:
            return None
        if hour is None:
            return dt.date(int(year), int(month), int(day))
        zone = None
        if offset is not None:
            zone = dt.UTC if offset in "Zz" else _zone(offset)
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=zone
        )
    except ValueError:
        return None


def _zone(offset: str) -> dt.timezone:
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-delta if offset[0] == "-" else delta)


def first_time(*texts: str | None) -> dt.date | None:
    """The first of these stated times that reads as one."""
    for text in texts:
        found = stated_time(text)
        if found is not None:
            return found
    return None


WITHDRAWN = frozenset({"canceled", "cancelled", "withheld", "kill", "killed"})


def withdrawn(status: str | None) -> str | None:
    """The status of a story its sender withdrew (``stat:canceled``, ``withheld``), else None."""
    if not status:
        return None
    name = status.rsplit(":", 1)[-1].strip().lower()
    return name if name in WITHDRAWN else None


def tags_of(labels: Sequence[str | None]) -> tuple[str, ...]:
    """Tags from labels: white space joined, empty and repeated ones (any case) dropped."""
    seen: set[str] = set()
    out = []
    for label in labels:
        text = " ".join((label or "").split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return tuple(out)


def label_or_code(code: str | None) -> str | None:
    """A subject given only as a code: its name part where it is a word
    (``ex:politics``), never a number or a hash (``medtop:20000763``)."""
    if not code:
        return None
    name = code.rsplit(":", 1)[-1].replace("_", " ")
    return name if re.fullmatch(r"[^\W\d]+(?:[ -][^\W\d]+)*", name) else None


def plain_paragraphs(text: str) -> list[str]:
    """Plain text's paragraphs: split at empty lines, else at line ends."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(blocks) == 1:
        blocks = text.splitlines()
    return [" ".join(b.split()) for b in blocks if b.strip()]


def content_paragraphs(content: Element) -> tuple[str | None, list[str]]:
    """(title, paragraphs) of a content element: an inline NITF document's body,
    an XHTML page's body (its title from ``h1`` or ``title``), or plain text."""
    nitf = content if local(content) == "nitf" else find(content, "nitf")
    if nitf is not None:
        fields = nitf_fields(nitf)
        return fields.title, list(fields.paragraphs)
    html = content if local(content) == "html" else find(content, "html")
    body = find(html, "body") if html is not None else find(content, "body")
    if body is not None or html is not None:
        top = body if body is not None else html
        heading = find(top, "h1")
        title = text_of(heading) if heading is not None else text_of(find(html, "title")) or None
        found = paragraphs(top)
        if heading is not None and found and found[0] == title:
            found = found[1:]
        return title or None, found
    if len(content):
        return None, paragraphs(content)
    return None, plain_paragraphs(content.text or "")


# --- NITF -----------------------------------------------------------------------------------


def _nitf_dateline(nitf: Element) -> tuple[str | None, str | None, str | None]:
    """(dateline as printed, city, region) of an NITF document's ``dateline``."""
    dateline = find(nitf, "dateline")
    if dateline is None:
        return None, None, None
    location = find(dateline, "location")
    city = find(location if location is not None else dateline, "city")
    region = find(location if location is not None else dateline, "state", "region", "country")
    text = text_of(location) if location is not None else None
    if not text:
        # The dateline's words before its date: "CHATHAM, Mass., Jan. 5" -> "CHATHAM, Mass."
        story_date = find(dateline, "story.date")
        words = dateline.text or "" if story_date is not None else text_of(dateline)
        text = " ".join(words.split()).rstrip(" ,;-\u2013\u2014") or None
    return (
        text,
        text_of(city) or None if city is not None else None,
        text_of(region) or None if region is not None else None,
    )


def _nitf_tags(nitf: Element) -> tuple[str, ...]:
    labels: list[str | None] = []
    for subject in find_all(nitf, "tobject.subject"):
        labels.append(
            attr(subject, "tobject.subject.detail", "tobject.subject.matter")
            or attr(subject, "tobject.subject.type")
        )
    for keyword in find_all(nitf, "keyword"):
        labels.append(attr(keyword, "key") or text_of(keyword))
    for classifier in find_all(nitf, "classifier"):
        if attr(classifier, "type") in (None, "subject", "keyword", "topic"):
            labels.append(attr(classifier, "value") or text_of(classifier) or None)
    return tags_of(labels)


def nitf_fields(nitf: Element) -> Fields:
    """An NITF document's fields (the agency left to the caller's table: its raw
    sources are in :func:`nitf_sources`). The date is ``date.issue``, else
    ``date.release``, else ``pubdata``'s ``date.publication``, else ``story.date``."""
    head = child(nitf, "head")
    body = child(nitf, "body")
    docdata = find(head, "docdata")
    hedline = find(body, "hedline")
    title = text_of(child(hedline, "hl1")) if hedline is not None else ""
    if not title:
        title = text_of(find(head, "title"))
    # The body's text: its body.content elements, else all of it but its head and end.
    contents = find_all(body, "body.content") or [
        c for c in (body if body is not None else []) if local(c) not in ("body.head", "body.end")
    ]
    found = [p for c in contents for p in paragraphs(c)]
    dateline, city, region = _nitf_dateline(body if body is not None else nitf)
    story_date = find(body, "story.date")
    date = first_time(
        attr(find(docdata, "date.issue"), "norm"),
        attr(find(docdata, "date.release"), "norm"),
        attr(find(head, "pubdata"), "date.publication"),
        attr(story_date, "norm"),
    )
    language = attr(nitf, "lang") or attr(body, "lang") or attr(head, "lang")
    return Fields(
        title=title or None,
        paragraphs=tuple(found),
        dateline=dateline,
        place=city,
        region=region,
        date=date,
        tags=_nitf_tags(nitf),
        language=language,
    )


def nitf_sources(nitf: Element) -> list[str | None]:
    """What an NITF document says about its source, most telling first: ``distributor``
    (the agency that sent it), the ``byline``'s ``org``, ``doc.copyright`` holder,
    ``pubdata`` name, ``doc-id`` regsrc."""
    head = child(nitf, "head")
    body = child(nitf, "body")
    docdata = find(head, "docdata")
    byline = find(body, "byline")
    org = find(byline, "org") if byline is not None else None
    return [
        text_of(find(body, "distributor")),
        text_of(org) if org is not None else None,
        attr(find(docdata, "doc.copyright"), "holder"),
        attr(find(head, "pubdata"), "name"),
        attr(find(docdata, "doc-id"), "regsrc"),
    ]


# --- the record -----------------------------------------------------------------------------


def record_of(
    fields: Fields, *, raw: bytes, line: int, ident: str | None, story_id: str | None = None
) -> Record:
    """The record of one story: its stated title, agency and dateline win (a dateline
    the text rules do not read is cut to its place part; the city and region the
    file marks fill its place and region); the plain-text rules fill the rest."""
    body = list(fields.paragraphs)
    dateline = fields.dateline
    if dateline and body and _starts_with_place(body[0], fields.place or dateline):
        dateline = None  # the body's lead already carries it: read it from there
    story = story_of(title=fields.title, paragraphs=body, dateline=dateline, agency=fields.agency)
    if story.dateline is None and fields.dateline:
        story = story_of(title=fields.title, paragraphs=[], dateline=fields.dateline)
        story = dataclasses.replace(story, paragraphs=tuple(body), agency=fields.agency)
    if story.dateline is not None:
        read = story.dateline_prefix is not None
        text = story.dateline.text if read else place_part(story.dateline.text)
        place = story.dateline.place if read else fields.place or text.split(",")[0].strip()
        region = story.dateline.region or fields.region
        if text:
            place = place.title() if place.isupper() else place
            story = dataclasses.replace(story, dateline=Dateline(text, place, region))
    text = "\n\n".join([fields.title or "", *body]).strip()
    return Record(
        story=story,
        raw=raw,
        text=text,
        line=line,
        id=ident,
        story_id=story_id,
        date=fields.date,
        tags=fields.tags,
        language=fields.language,
    )


_NOT_PLACE = re.compile(r"\d|\(|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b\.?$")


def place_part(dateline: str) -> str:
    """A dateline's place as printed, without the date, agency and dash after it:
    ``VENEZIA, 14 LUG`` -> ``VENEZIA``, ``Otta (NTB):`` -> ``Otta``."""
    kept = []
    for part in dateline.split(","):
        cut = re.split(r"\s*[(\u2013\u2014:]|\s+-|\s+\d", part, maxsplit=1)[0].strip()
        if cut:
            kept.append(cut)
        if cut != part.strip() or _NOT_PLACE.search(part.strip().lower()):
            if cut and _NOT_PLACE.search(cut.lower()):
                kept.pop()
            break
    return ", ".join(kept).strip(" -")


def _starts_with_place(lead: str, place: str) -> bool:
    word = place.split(",")[0].split()
    return bool(word) and lead.casefold().startswith(" ".join(word).casefold())
