"""JSON Lines (``.jsonl``, ``.ndjson``, or any text whose first line is a JSON object):
one story per line; see :mod:`archivesite.readers.rows` for the keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from .base import Item, Reader, ReadOptions, Source, error
from .rows import column_map, row_record


def sniff(head: bytes, name: str) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    if name.lower().endswith((".jsonl", ".ndjson", ".jsonlines")):
        return True
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    ordinal = 0
    for line, raw in enumerate(stream, 1):
        raw = raw.strip()
        if line == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw:
            continue
        ordinal += 1
        try:
            row = json.loads(raw)
        except ValueError as exc:
            yield error(source, line, f"not JSON: {exc}; line left out")
            continue
        if not isinstance(row, dict):
            yield error(source, line, "not a JSON object; line left out")
            continue
        columns = column_map(list(row), options.columns)
        yield row_record(row, columns, source, line, ordinal, raw)


READER = Reader("json lines", sniff, read)
