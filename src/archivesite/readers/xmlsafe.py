"""Safe XML parsing for the readers, and the words of an XML or XHTML body.

:func:`read_xml` parses a file with lxml that never resolves an entity, never loads
a DTD and never touches the network, up to :data:`MAX_XML_BYTES`. A file that
declares entities of its own (the XXE and "billion laughs" attacks, and nothing
an agency needs) is refused before it is parsed, as ``path:line: message``. The
document type declaration is dropped unread; HTML entity references (``&nbsp;``,
``&eacute;``) that NITF and XHTML files take from their DTD are read as the
characters they stand for, and any other is kept as its text (``&name;``).

:func:`paragraphs` and :func:`text_of` give a body's words and paragraphs as plain
text: markup never passes through as markup; scripts, styles, embedded objects,
attributes (event handlers, ``javascript:`` links) never survive. Every name is
matched by its local name, whatever its namespace or prefix.
"""

from __future__ import annotations

import codecs
import re
from html.entities import html5
from typing import Any, BinaryIO

from lxml import etree

from ..decode import decode_bytes
from ..errors import ArchiveError
from .base import Source, error

MAX_XML_BYTES = 64 * 1024 * 1024  # far above any agency file; a bound on memory

Element = Any  # lxml's element type (lxml ships no type hints)

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,  # keeps libxml2's own depth and size limits
    "remove_comments": True,
    "remove_pis": True,
    "collect_ids": False,
}
_XML_NAMES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[.*?\][^>]*)?>", re.DOTALL)
_ENTITY_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _html_entity(match: re.Match[bytes]) -> bytes:
    """An entity reference as a character reference; one HTML does not define is
    kept as the text it is (``&amp;name;``), never dropped."""
    name = match.group(1).decode("ascii")
    if name in _XML_NAMES:
        return match.group(0)
    chars = html5.get(name + ";")
    if chars is None:
        return b"&amp;" + match.group(0)[1:]
    return "".join(f"&#x{ord(c):x};" for c in chars).encode("ascii")


def _blanked(match: re.Match[bytes]) -> bytes:
    return b"\n" * match.group(0).count(b"\n")


def _utf8(data: bytes, source: Source) -> bytes:
    """The file as bytes lxml reads right: UTF-16/32 and undeclared (or falsely
    declared) non-UTF-8 text re-encoded as UTF-8, the declaration's encoding dropped."""
    for bom, codec in _UNICODE_BOMS:
        if data.startswith(bom):
            return _reencoded(data.decode(codec, errors="replace"))
    declared = _DECLARED.match(data)
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return data  # lxml decodes a declared single-byte or multi-byte charset itself
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return _reencoded(decode_bytes(data, source.shown).text)
        except (ArchiveError, UnicodeDecodeError):  # no candidate charset decodes it all
            return _reencoded(data.decode("utf-8", errors="replace"))
    return data


def _reencoded(text: str) -> bytes:
    return _DECL_ENCODING.sub(r"\1", text.lstrip("\ufeff"), count=1).encode("utf-8")


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _declared_entity(data: bytes) -> int | None:
    """The offset of an entity declaration in the document type's internal subset."""
    doctype = data.find(b"<!DOCTYPE")
    if doctype < 0:
        return None
    root = re.compile(rb"<(?![!?/])").search(data, doctype + 9)
    found = data.find(b"<!ENTITY", doctype, root.start() if root else len(data))
    return found if found >= 0 else None


def parse_xml(data: bytes, source: Source) -> Element:
    """The root element of one XML document, or an :class:`ArchiveError` at its line."""
    if len(data) > MAX_XML_BYTES:
        raise error(source, 1, f"over {MAX_XML_BYTES} bytes; not read")
    data = _utf8(data, source)
    at = _declared_entity(data)
    if at is not None:
        raise error(source, _line_at(data, at), "declares its own entities; not read (unsafe XML)")
    # The document type goes (its DTD is never read; line numbers stay).
    data = _ENTITY_REF.sub(_html_entity, _DOCTYPE.sub(_blanked, data, count=1))
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        message = re.sub(r", line \d+, column \d+$", "", str(exc.msg or exc))
        raise error(source, exc.lineno or 1, f"not well-formed XML: {message}") from None
    except (etree.LxmlError, ValueError) as exc:
        raise error(source, 1, f"not readable as XML: {exc}") from None
    if root is None:
        raise error(source, 1, "not readable as XML: no root element")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise error(source, 1, "declares its own entities; not read (unsafe XML)")
    return root


def read_xml(stream: BinaryIO, source: Source) -> tuple[Element, bytes]:
    """The root element of a stream's one XML document (at most :data:`MAX_XML_BYTES`)
    and the document's bytes."""
    data = stream.read(MAX_XML_BYTES + 1)
    return parse_xml(data, source), data


def parse_html(text: str) -> Element | None:
    """The root of an HTML fragment or page given as text (markup escaped inside an
    XML element); libxml2's HTML parser, which declares no entities, reads no DTD."""
    if not text.strip():
        return None
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return etree.fromstring(text, parser)
    except (etree.LxmlError, ValueError):
        return None


def root_name(head: bytes) -> str | None:
    """The local name of the first element in a file's first bytes (after the XML
    declaration, comments, processing instructions and a document type), else None."""
    for bom, codec in _UNICODE_BOMS:
        if head.startswith(bom):
            head = head.decode(codec, errors="ignore").encode("utf-8")
            break
    pos = 3 if head.startswith(codecs.BOM_UTF8) else 0
    while True:
        while pos < len(head) and head[pos : pos + 1] in b" \t\r\n":
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
            pos = end + 2 if end >= 0 else len(head)
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
            pos = end + 3 if end >= 0 else len(head)
        elif head.startswith(b"<!DOCTYPE", pos):
            close, bracket = head.find(b">", pos), head.find(b"[", pos)
            if 0 <= bracket < close:
                close = head.find(b">", max(head.find(b"]", bracket), bracket))
            pos = close + 1 if close >= 0 else len(head)
        else:
            break
    found = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]").match(head, pos)
    return found.group(1).decode("ascii") if found else None


def local(element: Element) -> str:
    """An element's name without its namespace or prefix ('' for a comment or entity)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def children(element: Element | None, *names: str) -> list[Element]:
    """The element's children with one of these local names, in order."""
    if element is None:
        return []
    return [child for child in element if local(child) in names]


def child(element: Element | None, *names: str) -> Element | None:
    """The element's first child with one of these local names."""
    if element is None:
        return None
    return next((c for c in element if local(c) in names), None)


def find(element: Element | None, *names: str) -> Element | None:
    """The first element below ``element`` (document order) with one of these names."""
    if element is None:
        return None
    return next((e for e in element.iterdescendants() if local(e) in names), None)


def find_all(element: Element | None, *names: str) -> list[Element]:
    """Every element below ``element`` with one of these names, in document order."""
    if element is None:
        return []
    return [e for e in element.iterdescendants() if local(e) in names]


def attr(element: Element | None, *names: str) -> str | None:
    """The first of these attributes (by local name) the element has, stripped."""
    if element is None:
        return None
    found = {key.rsplit("}", 1)[-1]: value for key, value in element.attrib.items()}
    for name in names:
        value = found.get(name)
        if value is not None and value.strip():
            return str(value).strip()
    return None


# Never words of the story: code, styling, embedded objects, a page's head.
_SKIPPED = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "applet",
        "svg", "math", "canvas", "head", "form", "button", "input", "select", "textarea",
        "media-reference", "media-object", "media-metadata", "media-producer",
        "nitf-table-metadata", "object.title",
    }
)  # fmt: skip
# Elements that stand alone as a paragraph (HTML and NITF); everything else is inline.
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "figure",
        "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hl1", "hl2", "li", "dt", "dd",
        "ul", "ol", "dl", "blockquote", "bq", "block", "pre", "table", "tr", "caption",
        "thead", "tbody", "tfoot", "hr", "address", "media", "media-caption", "tagline",
        "note", "fn", "body", "body.head", "body.content", "body.end", "credit", "html",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th", "br"})


def _walk(element: Element, out: list[str], parts: list[str]) -> None:
    """Append ``element``'s inline text to ``parts``; a block flushes ``parts`` to ``out``."""
    name = local(element)
    if name in _SKIPPED:
        return
    block = name in _BLOCKS
    if block:
        _flush(out, parts)
    if element.text and isinstance(element.tag, str):
        parts.append(element.text)
    for node in element:
        if isinstance(node.tag, str):
            _walk(node, out, parts)
        if node.tail:
            parts.append(node.tail)
    if name in _CELLS:
        parts.append(" ")
    if block:
        _flush(out, parts)


def _flush(out: list[str], parts: list[str]) -> None:
    text = " ".join("".join(parts).split())
    parts.clear()
    if text:
        out.append(text)


def paragraphs(element: Element | None) -> list[str]:
    """The element's text as paragraphs: one per block element (``p``, ``hl2``,
    ``li``, ...), white space joined, inline markup read as its words."""
    if element is None:
        return []
    out: list[str] = []
    parts: list[str] = []
    _walk(element, out, parts)
    _flush(out, parts)
    return out


def text_of(element: Element | None) -> str:
    """The element's words on one line (its paragraphs joined by a space)."""
    return " ".join(paragraphs(element))
