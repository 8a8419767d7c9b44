"""TREC and AQUAINT: ``<DOC>`` records with ``DOCNO``, a headline (``HEADLINE``,
``HL``, ``HEAD``, ``TI``), a date (``DATE_TIME``, ``DATE``, ``DD``, ``DATE1``),
``DATELINE``, ``BYLINE`` and ``TEXT`` (inside ``BODY`` in AQUAINT; several in AP).
A record's ``DOCTYPE`` other than a story is left out unless ``import.doc_types``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import ArchiveError
from .base import (
    Item,
    LeftOut,
    Reader,
    ReadOptions,
    Record,
    Source,
    error,
    parse_stated_date,
    story_of,
)
from .sgml import decode, doc_type, element, elements, paragraphs_of, records, text_of

_SNIFF = re.compile(rb"<DOCNO>", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z]+")
AGENCIES = {
    "AP": "AP",
    "APW": "AP",
    "NYT": "The New York Times",
    "XIE": "Xinhua",
    "WSJ": "The Wall Street Journal",
    "FT": "Financial Times",
    "LA": "Los Angeles Times",
    "SJMN": "San Jose Mercury News",
    "FBIS": "FBIS",
}


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
    docno = " ".join(text_of(element(record, "DOCNO") or "").split())
    if not docno:
        return error(source, line, "<DOC> without a <DOCNO>; left out")
    kind = doc_type(text_of(element(record, "DOCTYPE") or ""))
    if kind is not None and kind not in options.doc_types:
        return LeftOut(source.shown, line, f"{docno}: type {kind!r} left out (import.doc_types)")
    paragraphs = [p for text in elements(record, "TEXT") for p in paragraphs_of(text)]
    if not any(p.strip() for p in paragraphs):
        return LeftOut(source.shown, line, f"{docno}: no text; left out")
    headline = element(record, "HEADLINE", "HL", "HEAD", "TI", "TITLE")
    dateline = element(record, "DATELINE")
    stated = element(record, "DATE_TIME", "DATE", "DD", "DATE1")
    code = _CODE.match(docno)
    story = story_of(
        title=text_of(headline) if headline else None,
        paragraphs=paragraphs,
        dateline=text_of(dateline) if dateline else None,
        agency=AGENCIES.get(code.group(0).upper()) if code else None,
    )
    return Record(
        story=story,
        raw=raw,
        text=record,
        line=line,
        id=docno,
        date=parse_stated_date(text_of(stated)) if stated else None,
        name=docno,
    )


READER = Reader("trec", sniff, read)
