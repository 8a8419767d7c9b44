"""The one Python-Markdown configuration used for every article and page body.

Knows nothing of URLs or templates. The importer's escaping (``ingest``) is
written against exactly this configuration, and its property test renders
through :func:`render_markdown`.
"""

from __future__ import annotations

import threading

import markdown

EXTENSIONS: tuple[str, ...] = ("extra", "sane_lists")

_local = threading.local()


def make_markdown() -> markdown.Markdown:
    """A fresh converter with the site's extensions."""
    return markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")


def render_markdown(text: str) -> str:
    """Markdown to HTML with one reused converter per thread."""
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = make_markdown()
        _local.md = md
    html: str = md.reset().convert(text)
    return html
