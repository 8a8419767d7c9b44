"""``init_site(path)``: start a new archive folder; ``write_demo(path, n)``: a demo one.

Writes ``archivesite.toml`` (every key, commented, at its default), ``seeds/``,
``content/``, and ``templates/`` and ``static/`` each holding only a short
README on overriding the built-in theme. Refuses to overwrite an existing
``archivesite.toml``; existing folders and files are left as they are. The demo
(:mod:`archivesite.samples`) is a new folder with the same layout, its configuration
and ``n`` generated wire stories in ``seeds/``, ready to import.
"""

from __future__ import annotations

from pathlib import Path

from .config import CONFIG_NAME, CONTENT_DIR, SEEDS_DIR, STATIC_DIR, TEMPLATES_DIR
from .errors import ArchiveError
from .samples import demo_files

CONFIG_TEMPLATE = """\
# archivesite configuration. Every key is optional; the values shown are the defaults.

# The site's name, shown in every page's header and in the feed.
title = "News Archive"

# Where the site is published. Use the full URL (https://example.org/archive/) so the
# feed, sitemap, robots.txt and canonical links carry absolute URLs; page links work
# at a domain root or under a sub-path either way. `archivesite build --base-url` overrides.
base_url = "/"

# The pages' language (an article's own `language:` front matter wins for its page).
language = "en"

# Times in front matter are shown in this zone; a date without a time never shifts.
timezone = "UTC"

# Articles per page on the home page and the tag, place and agency pages.
per_page = 20

# Articles in the Atom feed (/feed.xml), newest first.
feed_size = 50

# Article URLs: {year}, {month}, {day} and {slug}; must contain {slug}.
permalink = "/{year}/{month}/{day}/{slug}/"

# A short description for the home page's <meta name="description">.
description = ""

# Build a search index.
search = true

# Links below content/, seeds/, templates/ and static/ that resolve outside their own
# folder are skipped with a warning; true follows them (e.g. static/ files linked
# from a shared folder). Links within a folder are always followed.
follow_symlinks = false

[markdown]
# HTML in hand-written Markdown bodies: "keep" passes it through; "escape" shows it
# as text and drops javascript:, data: and vbscript: link targets (untrusted authors).
raw_html = "keep"

[import]
# The reference date for inferring years of imported seeds (default: a date in the
# file name, else the file's modification time).
# as_of = 2026-11-27
"""

TEMPLATES_README = """\
# Overriding the built-in templates

Templates here replace the built-in theme's template of the same name, e.g.
`article.html`, `day.html`, `month.html`, `year.html`, `archive.html`,
`home.html`, `term.html`, `terms.html`, `undated.html`, `page.html`,
`404.html`, `base.html`, `feed.xml`, `sitemap.xml`, `robots.txt`.

An override can extend the template it replaces through the `builtin/` prefix:

    {% extends "builtin/article.html" %}
    {% block article_footer %}{{ super() }}<p>Reprinted with permission.</p>{% endblock %}

Templates are Jinja2, autoescaped, and an undefined variable is an error.
Copy a built-in template from the archivesite package (archivesite/theme/templates/)
to start from it. This README is not published.
"""

STATIC_README = """\
# Static files

Files here are copied into the built site as they are, over the built-in
theme's files of the same path (the theme's stylesheet is
`assets/archivesite.css`). A `favicon.ico` here ends up at `/favicon.ico`.
This README is not published.
"""


def init_site(path: Path) -> tuple[Path, ...]:
    """Create a new site at ``path``; returns the files written."""
    config = path / CONFIG_NAME
    if config.exists():
        raise ArchiveError("already exists; not overwriting it", config)
    if path.exists() and not path.is_dir():
        raise ArchiveError("exists and is not a folder", path)
    written: list[Path] = []
    for folder in (SEEDS_DIR, CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR):
        (path / folder).mkdir(parents=True, exist_ok=True)
    files = {
        config: CONFIG_TEMPLATE,
        path / TEMPLATES_DIR / "README.md": TEMPLATES_README,
        path / STATIC_DIR / "README.md": STATIC_README,
    }
    for target, text in files.items():
        if target.exists():
            continue
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return tuple(written)


def write_demo(path: Path, articles: int) -> tuple[Path, ...]:
    """Write a demo site of ``articles`` generated stories in the new (or empty) folder
    ``path``: its ``archivesite.toml``, one seed per story, and the folders ``init``
    makes. Returns the files written."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ArchiveError("exists and is not an empty folder; the demo needs a new one", path)
    for folder in (SEEDS_DIR, CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR):
        (path / folder).mkdir(parents=True, exist_ok=True)
    files = [
        *demo_files(articles),
        (f"{TEMPLATES_DIR}/README.md", TEMPLATES_README),
        (f"{STATIC_DIR}/README.md", STATIC_README),
    ]
    written = []
    for rel, text in files:
        target = path / rel
        target.write_text(text, encoding="utf-8", newline="\n")
        written.append(target)
    return tuple(written)
