"""CSV and TSV data sets (``.csv``, ``.tsv``, UTF-8): one story per row under a
header row; see :mod:`archivesite.readers.rows` for the columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from .base import Item, Reader, ReadOptions, Source, error
from .rows import column_map, row_record
from .sniffing import looks_like_text

csv.field_size_limit(64 * 1024 * 1024)


def sniff(head: bytes, name: str) -> bool:
    return name.lower().endswith((".csv", ".tsv")) and looks_like_text(head)


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    delimiter = "\t" if source.name.lower().endswith(".tsv") else ","
    rows = csv.reader(text, delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        return
    except csv.Error as exc:
        yield error(source, 1, f"unreadable header row: {exc}")
        return
    columns = column_map(header, options.columns)
    ordinal = 0
    while True:
        line = rows.line_num + 1
        try:
            values = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield error(source, line, f"unreadable row: {exc}")
            continue
        if not any(v.strip() for v in values):
            continue
        ordinal += 1
        if len(values) != len(header):
            yield error(source, line, f"{len(values)} fields, the header has {len(header)}")
            continue
        raw = "\x1f".join(values).encode("utf-8")
        row = dict(zip(header, values, strict=True))
        yield row_record(row, columns, source, line, ordinal, raw)


READER = Reader("csv", sniff, read)
