"""The readers: one module per format, one row per reader in :data:`READERS`.

A reader recognises a file from its first bytes (then its name) and yields its
:class:`Record` s, each a story with what the format states about it. The first
row whose ``sniff`` accepts a file reads it, so specific formats come before plain
text, the last row. ``.gz`` files and ``.zip`` archives are opened here and their
content read as a stream, never unpacked to disk.

To add a format: a module with ``sniff(head, name)``, ``read(stream, source,
options)`` and ``READER = Reader(...)``, and its row in :data:`READERS`.
"""

from __future__ import annotations

import dataclasses
import gzip
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import ArchiveError
from . import (
    anpa,
    csvrows,
    feeds,
    gigaword,
    htmlpage,
    jsonl,
    newsml,
    newsmlg2,
    nitf,
    plain,
    reuters,
    trec,
)
from .base import Item, LeftOut, Reader, ReadOptions, Record, Source
from .sniffing import SNIFF_BYTES

__all__ = [
    "READERS",
    "Item",
    "LeftOut",
    "ReadOptions",
    "Reader",
    "Record",
    "is_plain_text",
    "read_file",
    "reader_for",
    "takes",
]

READERS: tuple[Reader, ...] = (
    nitf.READER,
    newsmlg2.READER,
    newsml.READER,
    anpa.READER,
    feeds.READER,
    htmlpage.READER,
    gigaword.READER,
    trec.READER,
    reuters.READER,
    jsonl.READER,
    csvrows.READER,
    plain.READER,
)

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"


def reader_for(head: bytes, name: str) -> Reader | None:
    """The reader that takes a file with these first bytes and this name."""
    return next((reader for reader in READERS if reader.sniff(head, name)), None)


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(SNIFF_BYTES)


def _gunzipped_head(path: Path) -> bytes:
    with gzip.open(path, "rb") as f:
        return f.read(SNIFF_BYTES)


def _members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not any(part.startswith((".", "__MACOSX")) for part in info.filename.split("/"))
    ]


def takes(path: Path) -> bool:
    """Whether some reader takes the file (for a gzip file, its content; for a zip
    archive, one of its members). An unreadable file is taken: reading it reports why."""
    try:
        head = _head(path)
        if head.startswith(_GZIP):
            return reader_for(_gunzipped_head(path), path.name.removesuffix(".gz")) is not None
        if head.startswith(_ZIP):
            with zipfile.ZipFile(path) as archive:
                for info in _members(archive):
                    with archive.open(info) as member:
                        if reader_for(member.read(SNIFF_BYTES), info.filename) is not None:
                            return True
            return False
    except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile):
        return True
    return reader_for(head, path.name) is not None


def is_plain_text(path: Path) -> bool:
    """Whether the file is one story of plain text (not a collection, not compressed)."""
    try:
        head = _head(path)
    except OSError:
        return False
    return reader_for(head, path.name) is plain.READER


def read_file(path: Path, key: str, options: ReadOptions) -> Iterator[Item]:
    """Every record of one file, streamed (``key``: its ``source_file``). A file no
    reader takes is read as plain text (a file named on the command line)."""
    try:
        head = _head(path)
        if head.startswith(_ZIP):
            yield from _read_zip(path, key, options)
            return
        if head.startswith(_GZIP):
            name = path.name.removesuffix(".gz")
            source = Source(str(path), key, name)
            reader = reader_for(_gunzipped_head(path), name) or plain.READER
            with gzip.open(path, "rb") as stream:
                yield from reader.read(stream, source, options)  # type: ignore[arg-type]
            return
        reader = reader_for(head, path.name) or plain.READER
        with path.open("rb") as stream:
            yield from reader.read(stream, Source(str(path), key, path.name), options)
    except OSError as exc:
        yield ArchiveError(f"cannot read: {exc.strerror or exc}", path)
    except (EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as exc:
        yield ArchiveError(f"damaged archive: {exc}", path)


def _read_zip(path: Path, key: str, options: ReadOptions) -> Iterator[Item]:
    with zipfile.ZipFile(path) as archive:
        for info in _members(archive):
            source = Source(f"{path}/{info.filename}", f"{key}/{info.filename}", info.filename)
            with archive.open(info) as member:
                reader = reader_for(member.read(SNIFF_BYTES), info.filename)
            if reader is None:
                yield LeftOut(source.shown, 1, "no reader takes it; skipped")
                continue
            with archive.open(info) as member:
                stream: BinaryIO = member  # type: ignore[assignment]
                for item in reader.read(stream, source, options):
                    if isinstance(item, Record):
                        item = dataclasses.replace(item, member=info.filename)
                    yield item
