"""The one Python-Markdown configuration used for every article and page body.

Knows nothing of URLs or templates. The importer's escaping (``ingest``) is
written against exactly this configuration, and its property test renders
through :func:`render_markdown`.

Most wire copy holds no Markdown syntax at all: paragraphs of plain sentences.
For such a body Python-Markdown's output is known in advance (each paragraph in
``<p>``, its line breaks kept, nothing escaped, since no ``&``, ``<`` or ``>``
is there), so :func:`plain_paragraphs` writes it directly, about a hundred times
faster. It takes only bodies in which no character can start inline syntax and
no line can open a block; anything else goes through Python-Markdown. A
property test (tests/test_markup.py) checks the two agree on every text the
fast path accepts. ``ARCHIVESITE_MARKDOWN=always`` in the environment turns the
fast path off (for benchmarks and bug reports).
"""

from __future__ import annotations

import os
import re
import threading

import markdown

EXTENSIONS: tuple[str, ...] = ("extra", "sane_lists")

_local = threading.local()

# Characters that can start inline or block syntax under EXTENSIONS (emphasis, code,
# links, images, footnotes, abbreviations, attribute lists, tables, fenced code, HTML,
# entities, escapes), tabs, control characters, and whitespace other than space and
# newline (str.strip and regular expressions treat those differently).
_SYNTAX = re.compile(
    "[\\\\`*_{}\\[\\]<>#|~&!^\t\x00-\x09\x0b-\x1f\x7f-\x9f\xa0\u1680\u2000-\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
# A line opening a block: indented (code, list continuation), a list item (-, +, 1., 1)),
# a setext underline (=, -), a definition (:).
_BLOCK_START = re.compile(r"[ \-+=:]|\d+[.)]")

_ALWAYS = os.environ.get("ARCHIVESITE_MARKDOWN") == "always"


def make_markdown() -> markdown.Markdown:
    """A fresh converter with the site's extensions."""
    return markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")


def plain_paragraphs(text: str) -> str | None:
    """Python-Markdown's HTML for a body without any Markdown syntax; None for any other."""
    if _SYNTAX.search(text):
        return None
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in text.split("\n"):
        if not line:
            if lines:
                paragraphs.append("\n".join(lines))
                lines = []
            continue
        if line[-1] == " " or _BLOCK_START.match(line):  # trailing spaces: a <br />
            return None
        lines.append(line)
    if lines:
        paragraphs.append("\n".join(lines))
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def render_markdown(text: str) -> str:
    """Markdown to HTML with one reused converter per thread (plain bodies directly)."""
    if not _ALWAYS:
        html = plain_paragraphs(text)
        if html is not None:
            return html
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = make_markdown()
        _local.md = md
    converted: str = md.reset().convert(text)
    return converted
