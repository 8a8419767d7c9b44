"""RSS (0.9x, 1.0, 2.0) and Atom feeds, read through feedparser: one article per entry.

A feed is told from other XML by its root element (``rss``, ``rdf:RDF``, ``feed``),
never by its name. It is first checked by the safe XML parser (:mod:`.xmlsafe`: no
entity declarations, a size limit), so an unsafe feed is refused as ``path:line:
message`` before feedparser reads it.

Each entry's body is its full content (``content:encoded``, Atom ``content``) where
the feed has it, else its summary (``description``, Atom ``summary``), then marked
``excerpt: true``; HTML in either is read as words and paragraphs by
:func:`.xmlsafe.paragraphs`, never passed on as markup. The date is the entry's
``published`` (``pubDate``, ``dc:date``), else its ``updated``, with its offset as
stated; ``author`` the entry's authors (``dc:creator``); tags its categories (their
labels where given, else their terms); ``site_name`` the feed's title and
``source_url`` the entry's link. The entry's id (``guid``, Atom ``id``), else its
link, is its record id: ``source_file: seeds/feed.xml#<id>``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from lxml import etree

from ..errors import ArchiveError
from .agencies import known_agency
from .base import Item, LeftOut, Reader, ReadOptions, Record, Source, error, ordinal_id, story_of
from .newsxml import plain_paragraphs, stated_time, tags_of
from .xmlsafe import Element, find_all, local, paragraphs, parse_html, parse_xml, root_name, text_of

_ROOTS = frozenset({"rss", "RDF", "feed"})
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_ID_UNSAFE = re.compile(r"[\s#]+")


def sniff(head: bytes, name: str) -> bool:
    return root_name(head) in _ROOTS


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    data = stream.read()
    try:
        root = parse_xml(data, source)  # refuses unsafe XML before feedparser sees it
    except ArchiveError as exc:
        yield exc
        return
    if local(root) not in _ROOTS:
        yield error(source, 1, f"not a feed (its root is <{local(root)}>)")
        return
    import feedparser  # here: only an import with feeds pays for it

    try:
        parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    except Exception as exc:  # feedparser's own failures, whatever they are
        yield error(source, 1, f"not readable as a feed: {exc}")
        return
    feed: Mapping[str, Any] = parsed.get("feed", {})
    entries = list(parsed.get("entries", []))
    if not entries:
        yield LeftOut(source.shown, 1, "feed with no entries; left out")
        return
    elements = find_all(root, "item", "entry")
    if len(elements) != len(entries):  # feedparser read them otherwise: no bytes per entry
        elements = [None] * len(entries)
    seen: set[str] = set()
    for ordinal, (entry, element) in enumerate(zip(entries, elements, strict=True), 1):
        item = _entry(entry, element, feed, source, options)
        if isinstance(item, Record):
            ident = item.id if item.id and item.id not in seen else ordinal_id(ordinal, item.raw)
            seen.add(ident)
            item = dataclasses.replace(item, id=ident)
        yield item


def _entry(
    entry: Mapping[str, Any],
    element: Element | None,
    feed: Mapping[str, Any],
    source: Source,
    options: ReadOptions,
) -> Item:
    """One entry's record; its bytes and line are its element's in the file."""
    line = element.sourceline or 1 if element is not None else 1
    ident = _ident(entry)
    title = _words(entry.get("title_detail"), entry.get("title"))
    body, excerpt = _body(entry)
    if not body:
        why = f"feed entry {ident or title or ''} with no text; left out".replace("  ", " ")
        return LeftOut(source.shown, line, why)
    agency = None
    source_info = entry.get("source") or {}
    for stated in (source_info.get("title"), entry.get("publisher"), entry.get("rights")):
        if isinstance(stated, str) and stated.strip():
            agency = known_agency(stated, options.agencies)
            if agency:
                break
    story = story_of(title=title, paragraphs=body, agency=agency)
    if element is not None:
        raw = etree.tostring(element, encoding="utf-8")
    else:
        raw = repr(sorted((k, str(v)) for k, v in entry.items())).encode("utf-8")
    return Record(
        story=story,
        raw=raw,
        text="\n\n".join([title or "", *body]).strip(),
        line=line,
        id=ident,
        date=_date(entry),
        tags=_tags(entry),
        language=_language(entry, feed),
        author=_authors(entry),
        site_name=_text(feed.get("title")),
        url=_text(entry.get("link")),
        excerpt=excerpt,
    )


def _text(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _ident(entry: Mapping[str, Any]) -> str | None:
    """The entry's id, else its link, as a record id (no spaces or ``#``)."""
    for key in ("id", "link"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return _ID_UNSAFE.sub("-", value.strip())[:300]
    return None


def _words(detail: Mapping[str, Any] | None, value: object) -> str | None:
    """A title's words (a title of type html read as words, not markup)."""
    if not isinstance(value, str) or not value.strip():
        return None
    if detail and detail.get("type") in _HTML_TYPES:
        return text_of(parse_html(value)) or None
    return " ".join(value.split())


def _paragraphs(detail: Mapping[str, Any]) -> list[str]:
    value = detail.get("value")
    if not isinstance(value, str) or not value.strip():
        return []
    if detail.get("type", "text/html") in _HTML_TYPES or "<" in value:
        return paragraphs(parse_html(value))
    return plain_paragraphs(value)


def _body(entry: Mapping[str, Any]) -> tuple[list[str], bool]:
    """(paragraphs, whether they are only the summary): the fullest content, else the summary."""
    contents = [_paragraphs(c) for c in entry.get("content") or [] if isinstance(c, Mapping)]
    contents = [c for c in contents if c]
    if contents:
        return max(contents, key=lambda c: sum(len(p) for p in c)), False
    summary = entry.get("summary_detail") or {"value": entry.get("summary"), "type": "text/html"}
    found = _paragraphs(summary) if isinstance(summary, Mapping) else []
    return found, bool(found)


def _date(entry: Mapping[str, Any]) -> dt.date | None:
    """The entry's publication date as stated (RFC 822 or ISO 8601), offset kept."""
    for key in ("published", "created", "updated", "issued", "modified"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            found = _stated(value.strip())
            if found is not None:
                return found
    return None


def _stated(text: str) -> dt.date | None:
    if text[:1].isdigit():
        found = stated_time(text)
        if found is not None:
            return found
    try:
        stamp = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return stated_time(text)
    return stamp if 1800 <= stamp.year <= 2200 else None


def _authors(entry: Mapping[str, Any]) -> str | None:
    names = []
    for author in entry.get("authors") or []:
        name = author.get("name") if isinstance(author, Mapping) else None
        if isinstance(name, str) and name.strip():
            names.append(name)
    if not names and isinstance(entry.get("author"), str):
        names.append(entry["author"])
    found = tags_of(names)
    return ", ".join(found) if found else None


def _tags(entry: Mapping[str, Any]) -> tuple[str, ...]:
    labels = []
    for tag in entry.get("tags") or []:
        if isinstance(tag, Mapping):
            label = tag.get("label") or tag.get("term")
            labels.append(label if isinstance(label, str) else None)
    return tags_of(labels)


def _language(entry: Mapping[str, Any], feed: Mapping[str, Any]) -> str | None:
    for detail in (entry.get("title_detail"), feed.get("title_detail")):
        if isinstance(detail, Mapping) and isinstance(detail.get("language"), str):
            return str(detail["language"]) or None
    language = feed.get("language")
    return language if isinstance(language, str) and language.strip() else None


READER = Reader("RSS and Atom feeds", sniff, read, (".xml", ".rss", ".atom"))
