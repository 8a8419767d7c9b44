"""Theme overriding: a site's templates/ and static/ over the built-in theme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archivesite.build import build
from archivesite.config import load_config


def test_template_override_can_extend_the_builtin(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site({"2022/01/01/a.md": article_md("Overridden", date="2022-01-01")})
    templates = site / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        '{% extends "builtin/article.html" %}\n'
        '{% block article_footer %}<p class="reprint">Reprinted</p>{{ super() }}'
        "{% endblock %}\n"
    )
    (templates / "base.html").write_text(
        '{% extends "builtin/base.html" %}\n'
        "{% block footer %}<p>Custom footer for {{ site.title }}</p>{% endblock %}\n"
    )
    (templates / "README.md").write_text("not published\n")
    build(load_config(site))
    out = site / "build"
    article = (out / "2022/01/01/a/index.html").read_text()
    assert '<p class="reprint">Reprinted</p>' in article
    assert 'class="article-footer"' in article  # super() kept the built-in block
    assert "Custom footer for Test archive" in article  # the built-in extends the override
    assert "Custom footer" in (out / "index.html").read_text()
    assert not (out / "README.md").exists()


def test_static_override_and_additions(make_site: Callable[..., Path]) -> None:
    site = make_site({})
    static = site / "static"
    (static / "assets").mkdir(parents=True)
    (static / "assets/archivesite.css").write_text("body { color: red; }\n")
    (static / "favicon.ico").write_bytes(b"\x00\x01")
    (static / "README.md").write_text("not published\n")
    build(load_config(site))
    out = site / "build"
    assert (out / "assets/archivesite.css").read_text() == "body { color: red; }\n"
    assert (out / "favicon.ico").read_bytes() == b"\x00\x01"
    assert not (out / "README.md").exists()


def test_builtin_theme_used_without_site_folders(make_site: Callable[..., Path]) -> None:
    site = make_site({})
    build(load_config(site))
    css = (site / "build/assets/archivesite.css").read_text()
    assert "prefers-color-scheme: dark" in css and "@media print" in css
