"""Saved HTML article pages (a news site's own pages): one article per page.

The main text is found by trafilatura, which leaves out the page's navigation,
header and footer, comments, related-story and most-read lists; its paragraphs
are read by :func:`.xmlsafe.paragraphs`, so no markup, script, style, event
handler or ``javascript:`` link passes through.

What the page states about itself wins over what is guessed from its text: its
JSON-LD ``NewsArticle`` (or ``Article``, ``ReportageNewsArticle``, ...) gives the
headline, ``datePublished``, authors, publisher, address and keywords; then its
``<meta property="article:published_time">``, ``article:author``, ``article:tag``,
``og:title``, ``og:site_name`` and ``og:url`` (or ``<link rel="canonical">``); then
trafilatura's own findings. The date is kept with its offset as stated
(``date_source: header``); trafilatura's date (a calendar date) only where the page
states none. ``author``, ``site_name`` and ``source_url`` go to the front matter;
tags are the keywords; the agency is the table's name for the article's source
organisation, credit or authors (``Associated Press`` -> ``AP``), else the
dateline's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, BinaryIO

from .agencies import known_agency
from .base import Item, LeftOut, Reader, ReadOptions, Record, Source, error, story_of
from .newsxml import stated_time, tags_of
from .xmlsafe import MAX_XML_BYTES, Element, paragraphs

# The extraction libraries narrate every page at DEBUG ("no main title found"): only
# their warnings are news to the archivist.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.WARNING)

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_ARTICLE_TYPES = frozenset(
    {
        "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
        "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle",
    }
)  # fmt: skip


def sniff(head: bytes, name: str) -> bool:
    return _HTML_START.match(head) is not None


@dataclass(frozen=True)
class _Stated:
    """What a page states about its article (JSON-LD first, then its meta tags)."""

    title: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    url: str | None = None
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # source organisation, credit: where an agency is named
    language: str | None = None

    def over(self, fallback: _Stated) -> _Stated:
        """These statements, with ``fallback``'s where these are empty."""
        return _Stated(
            **{f.name: getattr(self, f.name) or getattr(fallback, f.name) for f in fields(self)}
        )


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    data = stream.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        yield error(source, 1, f"over {MAX_XML_BYTES} bytes; not read")
        return
    from trafilatura.utils import load_html  # here: the library takes long to import

    if b"\x00" in data:
        yield error(source, 1, "binary file (contains NUL bytes); not an HTML page")
        return
    try:
        tree = load_html(data)
    except Exception:  # the HTML library's failures on bytes that are no page
        tree = None
    if tree is None:
        yield error(source, 1, "not readable as an HTML page")
        return
    stated = _jsonld(tree).over(_metas(tree))
    meta, found = _extract(tree)
    title = stated.title or _text(meta.get("title"))
    if found and title and found[0] == title:
        found = found[1:]  # the page's heading, kept as the title
    if not found:
        yield LeftOut(source.shown, 1, "HTML page with no article text found; left out")
        return
    authors = stated.authors or _split_authors(_text(meta.get("author")))
    agency = next(
        (a for a in (known_agency(s, options.agencies) for s in stated.sources + authors) if a),
        None,
    )
    story = story_of(title=title, paragraphs=found, agency=agency)
    if not story.paragraphs:
        yield LeftOut(source.shown, 1, "HTML page with no article text found; left out")
        return
    yield Record(
        story=story,
        raw=data,
        text="\n\n".join([title or "", *found]).strip(),
        date=stated_time(stated.date) or stated_time(_text(meta.get("date"))),
        tags=tags_of([*stated.keywords, *_list(meta.get("tags"))]),
        language=stated.language,
        author=", ".join(authors) if authors else None,
        site_name=stated.site_name or _text(meta.get("sitename")),
        url=stated.url or _text(meta.get("url")),
    )


def _extract(tree: Element) -> tuple[dict[str, Any], list[str]]:
    """trafilatura's findings on a page (title, author, date, site name) and the
    paragraphs of its main text (none where it finds none, or fails on the page)."""
    import trafilatura
    from trafilatura.htmlprocessing import convert_to_html

    try:
        document = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, favor_precision=True
        )
        if document is None:
            return {}, []
        meta = document if isinstance(document, dict) else document.as_dict()
        body = meta.get("body")
        return meta, paragraphs(convert_to_html(body)) if body is not None else []
    except Exception:  # trafilatura's own failures on odd pages
        return {}, []


def _text(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _list(value: object) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [t for v in value if (t := _name_of(v))]
    return []


def _name_of(value: object) -> str | None:
    """A JSON-LD value's name: a string, or an object's ``name``."""
    if isinstance(value, Mapping):
        value = value.get("name")
    return _text(value)


def _names(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tags_of([_name_of(item) for item in items])


def _split_authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tags_of(re.split(r"\s*;\s*", re.sub(r"^by\s+", "", value, flags=re.IGNORECASE)))


def _objects(data: object) -> Iterator[Mapping[str, Any]]:
    """Every JSON-LD object in a block (lists and ``@graph`` s opened)."""
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, Mapping):
        yield data
        yield from _objects(data.get("@graph"))


def _is_article(obj: Mapping[str, Any]) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] in _ARTICLE_TYPES for k in kinds)


def _jsonld(tree: Element) -> _Stated:
    """The page's JSON-LD article, the first news article type first."""
    found: list[Mapping[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        found.extend(obj for obj in _objects(data) if _is_article(obj))
    if not found:
        return _Stated()
    article = min(found, key=lambda obj: 0 if "NewsArticle" in str(obj.get("@type")) else 1)
    page = article.get("mainEntityOfPage")
    url = _text(article.get("url")) or _text(page.get("@id") if isinstance(page, Mapping) else page)
    return _Stated(
        title=_text(article.get("headline")) or _text(article.get("name")),
        date=_text(article.get("datePublished")) or _text(article.get("dateCreated")),
        authors=_names(article.get("author") or article.get("creator")),
        site_name=_name_of(article.get("publisher")),
        url=url if url and url.startswith(("http://", "https://")) else None,
        keywords=tuple(_list(article.get("keywords"))),
        sources=tags_of([
            _name_of(article.get("sourceOrganization")),
            _text(article.get("creditText")),
            _name_of(article.get("provider")),
        ]),
        language=_text(article.get("inLanguage")),
    )  # fmt: skip


def _metas(tree: Element) -> _Stated:
    """What the page's ``<meta>`` tags (Open Graph, article:*) and ``<html lang>`` state."""
    metas: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = _text(meta.get("content"))
        if key and value:
            metas.setdefault(key, []).append(value)
    canonical = next(
        (
            link.get("href")
            for link in tree.iter("link")
            if "canonical" in (link.get("rel") or "").lower().split()
        ),
        None,
    )
    first = {key: values[0] for key, values in metas.items()}
    authors = [a for a in metas.get("article:author", []) if "://" not in a] or metas.get(
        "author", []
    )
    url = first.get("og:url") or _text(canonical)
    return _Stated(
        title=first.get("og:title"),
        date=first.get("article:published_time") or first.get("date") or first.get("dc.date"),
        authors=tags_of(authors),
        site_name=first.get("og:site_name"),
        url=url if url and url.startswith(("http://", "https://")) else None,
        keywords=tags_of(metas.get("article:tag", [])),
        language=_text(tree.get("lang")),
    )


READER = Reader("HTML pages", sniff, read, (".html", ".htm"))
