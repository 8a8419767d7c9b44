"""IPTC NewsML 1.2: ``<NewsML>`` with one or more ``NewsItem`` s; one article per
news component that carries text (a ``ContentItem`` whose ``DataContent`` holds
NITF, XHTML or plain text), with the ``NewsLines`` nearest it.

Title ``HeadLine`` (else the content's own); dateline ``DateLine``, else the
``Location`` of origin; agency from ``CreditLine``, the ``Provider``, ``Creator`` or
``Source`` party, ``CopyrightLine``, ``ProviderId``; tags from ``Topic``
descriptions, ``Keyword`` properties, ``KeywordLine`` and subject codes that are
words. The date is ``NewsManagement/FirstCreated``, else ``ThisRevisionCreated``,
else the envelope's ``DateAndTime``, with its offset.
"""

from __future__ import annotations

import dataclasses
import re
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

_NOT_TEXT = frozenset({"photo", "picture", "graphic", "video", "audio", "image"})


def sniff(head: bytes, name: str) -> bool:
    return root_name(head) == "NewsML"


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    try:
        root, data = read_xml(stream, source)
    except ArchiveError as exc:
        yield exc
        return
    sent = text_of(find(child(root, "NewsEnvelope"), "DateAndTime"))
    found: list[Item] = []
    for item in find_all(root, "NewsItem") or [root]:
        found.extend(_item(item, sent, options, source))
    records = [r for r in found if isinstance(r, Record)]
    for ordinal, each in enumerate(found, 1):
        if isinstance(each, Record) and len(records) == 1:
            yield dataclasses.replace(each, raw=data, id=None)
        elif isinstance(each, Record):
            yield dataclasses.replace(each, id=each.id or ordinal_id(ordinal, each.raw))
        else:
            yield each


def _is_text(content_item: Element) -> bool:
    media = attr(child(content_item, "MediaType"), "FormalName") or "text"
    return media.lower() not in _NOT_TEXT and child(content_item, "DataContent") is not None


def _story_component(content_item: Element, item: Element) -> Element:
    """The news component whose ``NewsLines`` describe a content item: the nearest
    one above it that has them, else the item."""
    node = content_item.getparent()
    while node is not None and node is not item:
        if local(node) == "NewsComponent" and child(node, "NewsLines") is not None:
            return node
        node = node.getparent()
    return item


def _item(item: Element, sent: str, options: ReadOptions, source: Source) -> list[Item]:
    ident = (
        attr(item, "Duid")
        or text_of(find(item, "PublicIdentifier"))
        or text_of(find(item, "NewsItemId"))
        or None
    )
    line = item.sourceline or 1
    status = withdrawn(attr(find(child(item, "NewsManagement"), "Status"), "FormalName"))
    if status is not None:
        return [LeftOut(source.shown, line, f"{ident or 'NewsItem'}: {status}; left out")]
    groups: dict[Element, list[Element]] = {}
    for content in find_all(item, "ContentItem"):
        if _is_text(content):
            groups.setdefault(_story_component(content, item), []).append(content)
    out: list[Item] = []
    for number, (component, contents) in enumerate(groups.items(), 1):
        fields = _fields(component, contents, item, sent, options)
        if not fields.paragraphs:
            continue
        own = ident if len(groups) == 1 else attr(component, "Duid") or f"{ident}-{number}"
        raw = etree.tostring(component)
        story = _story_id(item) if len(groups) == 1 else None
        out.append(
            record_of(fields, raw=raw, line=component.sourceline or line, ident=own, story_id=story)
        )
    if not out:
        name = ident or f"NewsItem at line {line}"
        out.append(LeftOut(source.shown, line, f"{name}: no text content in the file; left out"))
    return out


def _story_id(item: Element) -> str | None:
    """The item's public identifier without its revision (``urn:newsml:provider:date:id``):
    the same in every revision of the story."""
    public = text_of(find(item, "PublicIdentifier"))
    if not public or not public.lower().startswith("urn:newsml:"):
        return None
    head, _, revision = public.rpartition(":")
    return head if revision.isdigit() and head.count(":") >= 4 else public


def _content(content: Element) -> tuple[str | None, list[str], Element | None]:
    """(title, paragraphs, inline NITF) of one content item's ``DataContent``."""
    data = child(content, "DataContent")
    if data is None:
        return None, [], None
    if len(data):
        title, body = content_paragraphs(data)
        return title, body, find(data, "nitf") if local(data[0]) != "nitf" else data[0]
    kind = " ".join(
        attr(child(content, name), "FormalName") or "" for name in ("Format", "MimeType")
    ).lower()
    text = data.text or ""
    if "html" in kind:
        return None, paragraphs(parse_html(text)), None
    return None, plain_paragraphs(text), None


def _up(component: Element, item: Element, *path: str) -> Element | None:
    """The first ``path`` (child names) found at ``component`` or above it, up to the item."""
    node: Element | None = component
    while node is not None:
        found: Element | None = node
        for name in path:
            found = child(found, name)
        if found is not None:
            return found
        if node is item:
            break
        node = node.getparent()
    return None


def _fields(
    component: Element, contents: list[Element], item: Element, sent: str, options: ReadOptions
) -> Fields:
    title, body, nitf = None, [], None
    for content in contents:
        own_title, own_body, own_nitf = _content(content)
        title, nitf = title or own_title, nitf if nitf is not None else own_nitf
        body.extend(own_body)
    lines = _up(component, item, "NewsLines")
    descriptive = _up(component, item, "DescriptiveMetadata")
    admin = _up(component, item, "AdministrativeMetadata")
    language = attr(child(descriptive, "Language"), "FormalName") or attr(item, "lang")
    origin = next(
        (
            loc
            for loc in children(descriptive, "Location")
            if (attr(loc, "HowPresent") or "origin").lower() == "origin"
        ),
        None,
    )
    city = _property(origin, "City")
    region = _property(origin, "CountryArea", "Country")
    stated: list[str | None] = [text_of(child(lines, "CreditLine"))]
    for role in ("Provider", "Creator", "Source"):
        for party in find_all(child(admin, role), "Party"):
            stated.append(attr(party, "FormalName"))
    stated += [text_of(child(lines, "CopyrightLine")), text_of(find(item, "ProviderId"))]
    if nitf is not None:
        stated += nitf_sources(nitf)
    management = child(item, "NewsManagement")
    fields = Fields(
        title=text_of(child(lines, "HeadLine")) or title,
        paragraphs=tuple(body),
        dateline=text_of(child(lines, "DateLine")) or city,
        place=city,
        region=region,
        agency=agency_of(stated, options.agencies),
        date=first_time(
            text_of(child(management, "FirstCreated")),
            text_of(child(management, "ThisRevisionCreated")),
            sent,
        ),
        tags=_tags(component, descriptive, lines),
        language=language,
    )
    return fields.over(nitf_fields(nitf)) if nitf is not None else fields


def _property(element: Element | None, *names: str) -> str | None:
    for name in names:
        for prop in children(element, "Property"):
            if attr(prop, "FormalName") == name and attr(prop, "Value"):
                return attr(prop, "Value")
    return None


def _tags(
    component: Element, descriptive: Element | None, lines: Element | None
) -> tuple[str, ...]:
    labels: list[str | None] = []
    for topic in find_all(component, "Topic"):
        description = child(topic, "Description")
        labels.append(text_of(description) or label_or_code(attr(topic, "Duid")))
    for subject in find_all(descriptive, "Subject", "SubjectMatter", "SubjectDetail"):
        labels.append(label_or_code(attr(subject, "FormalName")))
    for prop in find_all(descriptive, "Property"):
        if (attr(prop, "FormalName") or "").lower() in ("keyword", "keywords"):
            labels.append(attr(prop, "Value"))
    keywords = text_of(child(lines, "KeywordLine"))
    labels += re.split(r"\s*[,;]\s*", keywords) if keywords else []
    return tags_of(labels)


READER = Reader("newsml 1.2", sniff, read, (".xml",))
