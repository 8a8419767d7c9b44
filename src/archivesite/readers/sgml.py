"""A tolerant, streaming reader of SGML story collections (not well-formed XML:
many roots, stray entities): :func:`records` cuts a byte stream into records at
their open and end tags, a line at a time, so a file of any size is read in
memory for one record; :func:`element`, :func:`attribute` and :func:`text_of`
read the fields of one record.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO

from ..decode import decode_bytes
from ..errors import ArchiveError
from .base import MAX_RECORD_BYTES, Source, error


def records(
    stream: BinaryIO, source: Source, tag: str
) -> Iterator[tuple[int, bytes] | ArchiveError]:
    """Each ``<tag ...>...</tag>`` record with the line it starts on; a record
    without its end tag (another starts, or the file ends) is an error at its line,
    and reading goes on with the next record."""
    opening = re.compile(rb"<" + tag.encode() + rb"(?=[\s>])", re.IGNORECASE)
    closing = re.compile(rb"</" + tag.encode() + rb"\s*>", re.IGNORECASE)
    missing = f"record has no </{tag}> end tag; left out"
    parts: list[bytes] | None = None
    start = size = 0
    for number, line in enumerate(stream, 1):
        pos = 0
        while pos < len(line):
            if parts is None:
                found = opening.search(line, pos)
                if found is None:
                    break
                parts, start, size, pos = [], number, 0, found.start()
                scan = found.end()
            else:
                scan = pos
            end = closing.search(line, scan)
            again = opening.search(line, scan)
            if again is not None and (end is None or again.start() < end.start()):
                yield error(source, start, missing)
                parts = None
                pos = again.start()
                continue
            if end is not None:
                parts.append(line[pos : end.end()])
                yield start, b"".join(parts)
                parts, pos = None, end.end()
                continue
            parts.append(line[pos:])
            size += len(line) - pos
            if size > MAX_RECORD_BYTES:
                yield error(source, start, f"record over {MAX_RECORD_BYTES} bytes; {missing}")
                parts = None
            break
    if parts is not None:
        yield error(source, start, missing)


def decode(raw: bytes, source: Source, line: int) -> str:
    """One record's text (its charset detected on its own bytes)."""
    try:
        return decode_bytes(raw, source.shown).text
    except ArchiveError as exc:
        raise ArchiveError(exc.message, exc.path, line) from exc


@lru_cache(maxsize=64)
def _element(name: str) -> re.Pattern[str]:
    return re.compile(rf"<{name}(?:\s[^>]*)?>(.*?)</{name}\s*>", re.IGNORECASE | re.DOTALL)


def element(record: str, *names: str) -> str | None:
    """The content of the first of ``names`` found in one record, tags and all."""
    for name in names:
        found = _element(name).search(record)
        if found is not None:
            return found.group(1)
    return None


def elements(record: str, name: str) -> list[str]:
    """The content of every ``name`` element of one record (or fragment), in order."""
    return [m.group(1) for m in _element(name).finditer(record)]


def attribute(record: str, tag: str, name: str) -> str | None:
    """An attribute of the record's open tag: ``id="x"``, ``id=x`` or ``id='x'``."""
    opening = re.search(rf"<{tag}(\s[^>]*)?>", record, re.IGNORECASE)
    if opening is None or opening.group(1) is None:
        return None
    found = re.search(
        rf"\b{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", opening.group(1), re.IGNORECASE
    )
    if found is None:
        return None
    return next(g for g in found.groups() if g is not None).strip()


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# Entities of the TREC collections that HTML does not define.
_SGML_ENTITIES = {"&blank;": " ", "&hyph;": "-", "&equals;": "=", "&ur;": "", "&lr;": ""}
_SGML_ENTITY = re.compile(r"&(?:blank|hyph|equals|ur|lr);", re.IGNORECASE)


def text_of(fragment: str) -> str:
    """A fragment's text: tags removed, entities (``&lt;``, ``&#3;``) resolved."""
    text = _SGML_ENTITY.sub(lambda m: _SGML_ENTITIES[m.group(0).lower()], _TAG.sub("", fragment))
    return html.unescape(text)


def paragraphs_of(fragment: str) -> list[str]:
    """A body's paragraphs: its ``<P>`` elements (white space joined), else its text
    as printed (the plain-text rules split it)."""
    marked = elements(fragment, "P")
    if marked:
        return [" ".join(text_of(p).split()) for p in marked]
    return [text_of(fragment)]


def doc_type(value: str | None) -> str | None:
    """A record's kind as ``import.doc_types`` names it: ``story`` for Gigaword's
    ``story`` and AQUAINT's ``NEWS STORY``, else its first word, lower case."""
    if value is None or not value.strip():
        return None
    words = value.lower().split()
    return "story" if "story" in words else words[0]
