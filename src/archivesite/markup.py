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

HTML in a body is kept as written by default (the site's own authors may use it);
:func:`set_raw_html` ``("escape")``, which a build sets from ``[markdown] raw_html``,
shows it as text instead and drops ``javascript:``, ``data:`` and ``vbscript:`` link
and image targets, for a site built from contributions it does not trust.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


_raw_html = ["keep"]  # set once per build, before any worker forks
# A URL scheme that runs code or embeds a document, after the characters browsers ignore.
_UNSAFE_URL = re.compile(r"^(?:javascript|data|vbscript):", re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


def set_raw_html(mode: str) -> None:
    """How HTML in bodies is treated from now on: "keep" or "escape"."""
    _raw_html[0] = mode


def raw_html() -> str:
    return _raw_html[0]


def _drop_unsafe_urls(root: Any) -> None:
    for element in root.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None and _UNSAFE_URL.match(_IGNORED_IN_URL.sub("", value)):
                element.set(attribute, "")


@functools.cache
def _escape_html() -> Any:
    """The extension showing raw HTML as text and dropping unsafe link and image targets
    (a class made where first needed: Python-Markdown is imported only then)."""
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    class DropUnsafeUrls(Treeprocessor):  # type: ignore[misc]
        def run(self, root: Any) -> None:
            _drop_unsafe_urls(root)

    class EscapeHtml(Extension):  # type: ignore[misc]
        def extendMarkdown(self, md: markdown.Markdown) -> None:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.treeprocessors.register(DropUnsafeUrls(md), "drop_unsafe_urls", 0)

    return EscapeHtml


def make_markdown() -> markdown.Markdown:
    """A fresh converter with the site's extensions. Python-Markdown is imported here, where
    first needed: most wire copy takes :func:`plain_paragraphs`, and a build that finds
    nothing changed converts nothing."""
    import markdown

    extensions: list[Any] = list(EXTENSIONS)
    if _raw_html[0] == "escape":
        extensions.append(_escape_html()())
    return markdown.Markdown(extensions=extensions, output_format="html")


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
    if md is None or _local.mode != _raw_html[0]:
        md = make_markdown()
        _local.md, _local.mode = md, _raw_html[0]
    converted: str = md.reset().convert(text)
    return converted
