"""LDC Gigaword (English, Spanish, Chinese, Arabic, French): ``<DOC id="AFP_ENG_20030115.0042"
type="story">`` with ``HEADLINE``, ``DATELINE`` and ``TEXT`` of ``<P>`` paragraphs.
The date is the record id's (a dateline's month and day refine it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import ArchiveError
from .base import Item, LeftOut, Reader, ReadOptions, Record, Source, error, story_of
from .sgml import attribute, decode, doc_type, element, paragraphs_of, records, text_of

_SNIFF = re.compile(rb"<DOC\s[^>]*\bid\s*=", re.IGNORECASE)
AGENCIES = {
    "AFP": "AFP",
    "APW": "AP",
    "NYT": "The New York Times",
    "XIN": "Xinhua",
    "CNA": "Central News Agency",
    "LTW": "Los Angeles Times-Washington Post",
    "WPB": "Washington Post-Bloomberg",
}
LANGUAGES = {"ENG": "en", "SPA": "es", "CMN": "zh", "ARB": "ar", "FRE": "fr"}


def sniff(head: bytes, name: str) -> bool:
    return _SNIFF.search(head) is not None


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    for found in records(stream, source, "DOC"):
        if isinstance(found, ArchiveError):
            yield found
            continue
        line, raw = found
        try:
            yield _record(raw, line, source, options)
        except ArchiveError as exc:
            yield exc


def _record(raw: bytes, line: int, source: Source, options: ReadOptions) -> Item:
    record = decode(raw, source, line)
    doc_id = attribute(record, "DOC", "id")
    if not doc_id:
        return error(source, line, "<DOC> without an id attribute; left out")
    kind = doc_type(attribute(record, "DOC", "type"))
    if kind is not None and kind not in options.doc_types:
        return LeftOut(source.shown, line, f"{doc_id}: type {kind!r} left out (import.doc_types)")
    body = element(record, "TEXT")
    paragraphs = paragraphs_of(body) if body is not None else []
    if not any(p.strip() for p in paragraphs):
        return LeftOut(source.shown, line, f"{doc_id}: no text; left out")
    headline = element(record, "HEADLINE")
    dateline = element(record, "DATELINE")
    code, _, rest = doc_id.partition("_")
    story = story_of(
        title=text_of(headline) if headline else None,
        paragraphs=paragraphs,
        dateline=text_of(dateline) if dateline else None,
        agency=AGENCIES.get(code.upper()),
    )
    return Record(
        story=story,
        raw=raw,
        text=record,
        line=line,
        id=doc_id,
        name=doc_id,
        language=LANGUAGES.get(rest.partition("_")[0].upper()),
    )


READER = Reader("gigaword", sniff, read)
