"""Reuters-21578: ``<REUTERS NEWID=...>`` records with ``DATE`` (``1-APR-1987
11:04:07.01``), ``TOPICS`` and ``PLACES`` (``<D>`` codes, taken as tags), ``TITLE``,
``DATELINE`` and ``BODY``; an ``UNPROC`` record's body is its ``TEXT`` as filed.
A record with no body (many ``BRIEF`` ones) is left out and counted."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import ArchiveError
from ..wire import parse_wire
from .base import (
    Item,
    LeftOut,
    Reader,
    ReadOptions,
    Record,
    Source,
    clean,
    ordinal_id,
    parse_stated_date,
    story_of,
)
from .sgml import attribute, decode, element, elements, records, text_of

_SNIFF = re.compile(rb"<REUTERS[\s>]", re.IGNORECASE)
_HEAD_FIELDS = re.compile(r"<(TITLE|DATELINE|AUTHOR)>.*?</\1>", re.IGNORECASE | re.DOTALL)


def sniff(head: bytes, name: str) -> bool:
    return _SNIFF.search(head) is not None


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    ordinal = 0
    for found in records(stream, source, "REUTERS"):
        if isinstance(found, ArchiveError):
            yield found
            continue
        ordinal += 1
        line, raw = found
        try:
            yield _record(raw, line, ordinal, source)
        except ArchiveError as exc:
            yield exc


def _tags(record: str, field: str) -> tuple[str, ...]:
    inner = element(record, field) or ""
    return tuple(t for t in (" ".join(text_of(d).split()) for d in elements(inner, "D")) if t)


def _record(raw: bytes, line: int, ordinal: int, source: Source) -> Item:
    record = decode(raw, source, line)
    newid = attribute(record, "REUTERS", "NEWID")
    ident = newid or ordinal_id(ordinal, raw)
    body = element(record, "BODY")
    unprocessed = body is None and (attribute(record, "TEXT", "TYPE") or "").upper() == "UNPROC"
    if unprocessed:  # the text as filed: its first line is the headline
        body = _HEAD_FIELDS.sub("", element(record, "TEXT") or "")
    text = clean(text_of(body)) if body is not None else ""
    if not text:
        return LeftOut(source.shown, line, f"NEWID {ident}: no body; left out")
    title = element(record, "TITLE")
    dateline = element(record, "DATELINE")
    stated = element(record, "DATE")
    if unprocessed:
        story = dataclasses.replace(parse_wire(text), agency="Reuters")
    else:
        story = story_of(
            title=text_of(title) if title else None,
            paragraphs=[text],
            dateline=text_of(dateline) if dateline else None,
            agency="Reuters",
        )
    return Record(
        story=story,
        raw=raw,
        text=record,
        line=line,
        id=ident,
        date=parse_stated_date(text_of(stated)) if stated else None,
        tags=_tags(record, "TOPICS") + _tags(record, "PLACES"),
    )


READER = Reader("reuters-21578", sniff, read)
