"""What CSV and JSON Lines share: one story per row, its columns named by
``[import.columns]`` or by common names (``headline``, ``published``, ``content``...)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from .base import Item, Record, Source, error, ordinal_id, parse_stated_date, story_of

FIELDS = ("title", "date", "text", "dateline", "agency", "tags", "url", "id")
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading"),
    "date": ("date", "published", "publish_date", "published_at", "pubdate", "datetime"),
    "text": ("text", "content", "body", "article", "story"),
    "dateline": ("dateline",),
    "agency": ("agency", "source", "provider"),
    "tags": ("tags", "keywords", "topics", "categories"),
    "url": ("url", "link"),
    "id": ("id", "guid", "doc_id"),
}
_TAG_SPLIT = re.compile(r"\s*[,;|]\s*")


def column_map(names: list[str], configured: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Field -> the column holding it among ``names``: configured first, else the
    first default name present (case-insensitive)."""
    lower = {name.strip().lower(): name for name in names}
    found = {}
    stated = dict(configured)
    for field in FIELDS:
        if field in stated:
            if stated[field] in names:
                found[field] = stated[field]
            continue
        for candidate in DEFAULT_COLUMNS[field]:
            if candidate in lower:
                found[field] = lower[candidate]
                break
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value).strip()


def _date(value: str) -> dt.date | None:
    """A row's date: ISO 8601 (with its time where it has an offset), else the
    forms of :func:`parse_stated_date`."""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_stated_date(value)
    return when if when.tzinfo is not None else when.date()


def row_record(
    row: Mapping[str, Any],
    columns: dict[str, str],
    source: Source,
    line: int,
    ordinal: int,
    raw: bytes,
) -> Item:
    """One row as a record, or a ``path:line`` error naming what is missing."""
    if "text" not in columns:
        return error(source, line, "no text column (name one in [import.columns] text)")
    text = _text(row.get(columns["text"]))
    if not text:
        return error(source, line, f"row has no text (column {columns['text']!r}); left out")
    date = None
    stated = _text(row.get(columns["date"])) if "date" in columns else ""
    if stated:
        date = _date(stated)
        if date is None:
            return error(source, line, f"unparseable date {stated!r}; row left out")
    tags_value = row.get(columns["tags"]) if "tags" in columns else None
    if isinstance(tags_value, list):
        tags = tuple(_text(t) for t in tags_value if _text(t))
    else:
        tags = tuple(t for t in _TAG_SPLIT.split(_text(tags_value)) if t)
    ident = _text(row.get(columns["id"])) if "id" in columns else ""
    ident = ident or (_text(row.get(columns["url"])) if "url" in columns else "")
    story = story_of(
        title=_text(row.get(columns["title"])) if "title" in columns else None,
        paragraphs=[text],
        dateline=_text(row.get(columns["dateline"])) if "dateline" in columns else None,
        agency=_text(row.get(columns["agency"])) or None if "agency" in columns else None,
    )
    return Record(
        story=story,
        raw=raw,
        text=text,
        line=line,
        id=ident or ordinal_id(ordinal, raw),
        date=date,
        tags=tags,
    )
