"""Plain text: a file is one story, read by the text rules of :mod:`archivesite.wire`
(title, lede, dateline, agency, dates in the text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..decode import decode_bytes
from ..errors import ArchiveError
from ..wire import parse_wire
from .base import Item, Reader, ReadOptions, Record, Source
from .sniffing import looks_like_text


def sniff(head: bytes, name: str) -> bool:
    return looks_like_text(head)


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    raw = stream.read()
    try:
        decoded = decode_bytes(raw, source.shown)
    except ArchiveError as exc:
        yield exc
        return
    yield Record(story=parse_wire(decoded.text), raw=raw, text=decoded.text)


READER = Reader("plain text", sniff, read)
