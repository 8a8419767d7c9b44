"""Plain text to Markdown that renders back to exactly that text.

Owns :func:`escape_paragraph` and :func:`escape_body`, written against the one
Python-Markdown configuration in :mod:`archivesite.markup` (extra + sane_lists).

The contract, checked by a property test: for a paragraph ``p`` (any text
without control characters other than tab and newline, and without empty
lines), ``render_markdown(escape_paragraph(p))`` is one ``<p>`` element whose
text, with entities unescaped, is ``p``; each newline inside ``p`` becomes
``<br />`` followed by that newline; no other element appears.

The escaping is kept small so the body stays readable and editable:

* everywhere: ``\\ ` * _ [ {`` get a backslash, ``<`` becomes ``&lt;``, an
  ``&`` that would start an entity (``&amp;``, ``&copy;``, ``&#32``, with or
  without the semicolon after a number) becomes ``&amp;``, and a tab ``&#9;``
  (Python-Markdown expands tabs);
* at the start of each line, the characters that open a block (``# > - + = |
  : ~``, and the dot of ``1.``) are escaped, so no heading, list, quote, rule,
  table, definition list or fence can begin;
* white space at the start or end of a line becomes numeric character
  references (``&#32;``), because Markdown strips it, reads four spaces as
  code and two trailing spaces as a line break;
* a line break inside a paragraph is written ``<br />`` at the end of the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LINE_BREAK = "<br />"

_INLINE = re.compile(r"[\\`*_\[{<\t]|&(?=#|[A-Za-z0-9]+;)")
_INLINE_MAP = {"<": "&lt;", "&": "&amp;", "\t": "&#9;"}

# What may open a block at the start of a line (after inline escaping, which
# already covers * _ ` [ < and the entity-like &).
_BLOCK_BACKSLASH = frozenset("#>-+|")
_BLOCK_ENTITY = {"=": "&#61;", ":": "&#58;", "~": "&#126;"}
_ORDERED = re.compile(r"(\d+)\.")


def _inline(text: str) -> str:
    return _INLINE.sub(lambda m: _INLINE_MAP.get(m.group(), "\\" + m.group()), text)


def _entities(space: str) -> str:
    return "".join(f"&#{ord(c)};" for c in space)


def escape_line(line: str) -> str:
    """One line of a paragraph (no newline in it)."""
    body = line.strip()
    if not body:
        return _entities(line)
    start = len(line) - len(line.lstrip())
    lead, trail = line[:start], line[start + len(body) :]
    out = _inline(body)
    first = body[0]
    if first in _BLOCK_BACKSLASH:
        out = "\\" + out
    elif first in _BLOCK_ENTITY:
        out = _BLOCK_ENTITY[first] + out[1:]
    else:
        m = _ORDERED.match(out)
        if m:
            out = m.group(1) + "\\." + out[m.end() :]
    return _entities(lead) + out + _entities(trail)


def escape_paragraph(paragraph: str) -> str:
    """One paragraph; a newline inside it is kept as a ``<br />`` line break."""
    lines = paragraph.split("\n")
    if any(line == "" for line in lines):
        raise ValueError("a paragraph must not contain empty lines")
    return (LINE_BREAK + "\n").join(escape_line(line) for line in lines)


def escape_body(paragraphs: Iterable[str]) -> str:
    """Paragraphs separated by blank lines, each escaped; ends with a newline."""
    return "\n\n".join(escape_paragraph(p) for p in paragraphs) + "\n"
