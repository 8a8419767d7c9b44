"""IPTC NewsML-G2: a ``newsItem``, a ``packageItem`` or a ``newsMessage`` carrying
several; one article per text item (``itemClass`` ``ninat:text``, or any item with
text content). A package's items are read where the file carries them; an item it
only refers to is reported as left out.

Title ``contentMeta/headline``, else the content's own; body the first ``inlineXML``
(NITF or XHTML) or ``inlineData`` of ``contentSet`` that holds text; dateline
``dateline``, else ``located``; agency from ``creditline``, ``itemMeta/provider``,
``rightsInfo/copyrightHolder``, ``infoSource``; tags the names of ``subject`` (their
code only where no name is given and it is a word) and ``keyword``. The date is
``firstCreated``, else ``contentCreated``, else ``versionCreated``, with its offset.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from ..errors import ArchiveError
from .agencies import agency_of
from .base import Item, LeftOut, Reader, ReadOptions, Record, Source, ordinal_id
from .newsxml import (
    Fields,
    content_paragraphs,
    first_time,
    label_or_code,
    nitf_fields,
    nitf_sources,
    plain_paragraphs,
    record_of,
    tags_of,
    withdrawn,
)
from .xmlsafe import (
    Element,
    attr,
    child,
    children,
    find,
    find_all,
    local,
    paragraphs,
    parse_html,
    read_xml,
    root_name,
    text_of,
)

_ROOTS = frozenset({"newsItem", "packageItem", "newsMessage"})
# Items that hold no story: taken (not read as plain text) and left out.
_OTHER_ROOTS = frozenset({"conceptItem", "knowledgeItem", "planningItem", "catalogItem"})
_DATES = ("firstCreated", "contentCreated", "versionCreated")  # the publication date first
_NOT_TEXT = frozenset({"picture", "graphic", "video", "audio", "animated", "photo"})


def sniff(head: bytes, name: str) -> bool:
    return root_name(head) in _ROOTS | _OTHER_ROOTS


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    try:
        root, data = read_xml(stream, source)
    except ArchiveError as exc:
        yield exc
        return
    if local(root) not in _ROOTS:
        yield LeftOut(source.shown, 1, f"a {local(root)} holds no news story; left out")
        return
    items = [root] if local(root) != "newsMessage" else find_all(root, "newsItem", "packageItem")
    news = [item for item in items if local(item) == "newsItem"]
    carried = {attr(item, "guid") for item in news}
    inherited: dict[str, Fields] = {}
    found: list[Item] = []
    for package in (item for item in items if local(item) == "packageItem"):
        meta = _fields(package, options, None)
        for ref in find_all(package, "itemRef"):
            target = attr(ref, "residref", "href")
            if target in carried:
                inherited.setdefault(str(target), meta)
            elif _is_text(ref):
                why = f"package {attr(package, 'guid') or ''} refers to {target}, not in this file"
                found.append(LeftOut(source.shown, ref.sourceline or 1, why + "; not read"))
    sent = Fields(date=first_time(text_of(find(child(root, "header"), "sent"))))
    for item in news:
        package = inherited.get(attr(item, "guid") or "", Fields())
        found.append(_item(item, options, source, package.over(sent)))
    records = [r for r in found if isinstance(r, Record)]
    for ordinal, item in enumerate(found, 1):
        if isinstance(item, Record) and len(records) == 1:
            yield dataclasses.replace(item, raw=data, id=None)
        elif isinstance(item, Record):
            yield dataclasses.replace(item, id=item.id or ordinal_id(ordinal, item.raw))
        else:
            yield item


def _is_text(element: Element | None) -> bool:
    """Whether an item (its ``itemMeta``) or an ``itemRef`` is of a class that has text."""
    if element is None:
        return True
    qcode = attr(child(element, "itemClass"), "qcode", "literal") or ""
    return qcode.rsplit(":", 1)[-1].lower() not in _NOT_TEXT


def _item(item: Element, options: ReadOptions, source: Source, package: Fields) -> Item:
    guid = attr(item, "guid")
    line = item.sourceline or 1
    name = guid or f"item at line {line}"
    if not _is_text(child(item, "itemMeta")):
        return LeftOut(source.shown, line, f"{name}: not a text item; left out")
    status = withdrawn(attr(find(child(item, "itemMeta"), "pubStatus"), "qcode", "literal"))
    if status is not None:
        return LeftOut(source.shown, line, f"{name}: {status}; left out")
    title, body = _content(item)
    if not body:
        remote = find(child(item, "contentSet"), "remoteContent")
        why = "its content is in another file" if remote is not None else "no text"
        return LeftOut(source.shown, line, f"{name}: {why}; left out")
    fields = _fields(item, options, title)
    fields = dataclasses.replace(fields, paragraphs=tuple(body))
    fields = fields.over(dataclasses.replace(package, title=None, tags=()))
    # The guid names the item in every version (the version is an attribute of its own).
    return record_of(fields, raw=etree.tostring(item), line=line, ident=guid, story_id=guid)


def _content(item: Element) -> tuple[str | None, list[str]]:
    content_set = child(item, "contentSet")
    if content_set is None:
        return None, []
    for content in content_set:
        kind = local(content)
        if kind == "inlineXML":
            title, body = content_paragraphs(content)
        elif kind == "inlineData":
            title, body = None, _inline_data(content)
        else:
            continue
        if body:
            return title, body
    return None, []


def _inline_data(content: Element) -> list[str]:
    text = content.text or ""
    if (attr(content, "encoding") or "").lower() == "base64":
        try:
            text = base64.b64decode(text, validate=False).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return []
    if "html" in (attr(content, "contenttype") or "").lower():
        return paragraphs(parse_html(text))
    return plain_paragraphs(text)


def _name(
    element: Element | None, language: str | None, asserts: dict[str, Element] | None = None
) -> str | None:
    """A concept's name: in the item's language where it gives several, else its
    first; where it has none, the name an ``assert`` of the item gives its code."""
    if element is None:
        return None
    names = children(element, "name")
    if not names:
        code = attr(element, "qcode")
        asserted = asserts.get(code) if asserts is not None and code else None
        return _name(asserted, language) if asserted is not None else None
    if language is not None:
        base = language.split("-")[0].lower()
        for name in names:
            if (attr(name, "lang") or "").split("-")[0].lower() == base:
                return text_of(name) or None
    plain = [n for n in names if attr(n, "role") in (None, "nrol:full", "nrol:display")]
    return text_of((plain or names)[0]) or None


def _party(element: Element | None, language: str | None) -> list[str | None]:
    """What names a party: its name, its literal, its code, its web address."""
    if element is None:
        return []
    return [_name(element, language), attr(element, "literal"), attr(element, "qcode", "uri")]


def _fields(item: Element, options: ReadOptions, content_title: str | None) -> Fields:
    item_meta = child(item, "itemMeta")
    meta = child(item, "contentMeta")
    language = attr(child(meta, "language"), "tag") or attr(item, "lang")
    # The main headline: one with no role or a main role, else the first.
    headlines = sorted(
        children(meta, "headline"), key=lambda h: not (attr(h, "role") or "main").endswith("main")
    )
    headline = next((text_of(h) for h in headlines if text_of(h)), None)
    title = headline or content_title or (text_of(child(item_meta, "title")) or None)
    asserts = {str(attr(a, "qcode")): a for a in children(item, "assert") if attr(a, "qcode")}
    located = child(meta, "located")
    place = _name(located, language, asserts)
    broader = child(located, "broader")
    dateline = text_of(child(meta, "dateline")) or place
    stated: list[str | None] = [text_of(c) for c in children(meta, "creditline")]
    stated += _party(child(item_meta, "provider"), language)
    for rights in children(item, "rightsInfo"):
        stated += _party(child(rights, "copyrightHolder"), language)
    for info in children(meta, "infoSource"):
        stated += _party(info, language)
    inline = find(child(item, "contentSet"), "nitf")
    if inline is not None:
        stated += nitf_sources(inline)
    labels: list[str | None] = []
    for subject in children(meta, "subject"):
        labels.append(
            _name(subject, language, asserts) or label_or_code(attr(subject, "qcode", "literal"))
        )
    labels += [text_of(k) for k in children(meta, "keyword")]
    fields = Fields(
        title=title,
        dateline=dateline or None,
        place=place,
        region=_name(broader, language, asserts),
        agency=agency_of(stated, options.agencies),
        date=first_time(*(text_of(find(item, name)) for name in _DATES)),
        tags=tags_of(labels),
        language=language,
    )
    return fields.over(nitf_fields(inline)) if inline is not None else fields


READER = Reader("newsml-g2", sniff, read, (".xml",))
