"""Theme overriding: a site's templates/ and static/ over the built-in theme."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from archivesite.build import build
from archivesite.config import load_config
from archivesite.site import locate_theme


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


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_cached_header_and_footer_are_what_an_include_on_each_page_gives(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    """partial_cached renders the header and footer once for all pages whose links
    from them are the same: every page, at every depth and in every folder the
    links point into (a page, a tag, the 404 page's root-relative links, an article
    in another language), must read as if each page had rendered them itself."""
    files = {
        "2022/01/11/a.md": article_md("Alpha", date="2022-01-11", tags="[Energy]"),
        "2022/01/12/b.md": article_md("Beta", date="2022-01-12", tags="[Energy, Oil]"),
        "2023/05/01/c.md": article_md("Гамма", date="2023-05-01", language="ru"),
        "undated/d.md": article_md("Delta"),
        "pages/about.md": article_md("About us", body="We keep the news."),
        "pages/energy.md": article_md("Energy desk", body="Our energy desk."),
    }
    config = (
        'title = "Test archive"\nbase_url = "https://example.org/news/"\nper_page = 1\n'
        "search = true\n"
    )
    cached = make_site(files, config=config)
    build(load_config(cached), out=cached / "cached")
    theme = locate_theme(load_config(cached))
    base = (Path(theme.builtin_templates) / "base.html").read_text(encoding="utf-8")
    assert base.count("partial_cached(") == 2
    (cached / "templates").mkdir()
    (cached / "templates/base.html").write_text(
        re.sub(r'\{\{ partial_cached\(("[^"]+")\) -\}\}\n', r"{% include \1 %}", base),
        encoding="utf-8",
    )
    build(load_config(cached), out=cached / "included")
    got, want = _tree(cached / "cached"), _tree(cached / "included")
    assert got.keys() == want.keys()
    differing = [path for path in want if got[path] != want[path]]
    assert differing == []
    about = (cached / "cached/about/index.html").read_text(encoding="utf-8")
    assert '<a href="./">About us</a>' in about  # the page's own nav link
    assert '<a href="../about/">About us</a>' in (cached / "cached/tags/index.html").read_text()
    missing = (cached / "cached/404.html").read_text(encoding="utf-8")
    assert '<a href="/news/about/">About us</a>' in missing
    russian = (cached / "cached/2023/05/01/c/index.html").read_text(encoding="utf-8")
    assert '<header class="site-header" lang="en">' in russian


def test_a_sites_own_header_is_used_and_editing_it_rebuilds_every_page(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = make_site(
        {
            "2022/01/11/a.md": article_md("Alpha", date="2022-01-11"),
            "pages/about.md": article_md("About us", body="We keep the news."),
        }
    )
    build(load_config(site))
    (site / "templates").mkdir()
    header = site / "templates/_header.html"
    header.write_text('<header class="mine"><a href="{{ url(urls.home) }}">Front</a></header>\n')
    build(load_config(site))
    out = site / "build"
    pages = [p for p in out.rglob("*.html") if p.name != "redirect.html"]
    assert pages and all('<header class="mine">' in p.read_text() for p in pages)
    article = (out / "2022/01/11/a/index.html").read_text()
    assert '<a href="../../../../">Front</a>' in article
    header.write_text('<header class="edited"><a href="{{ url(urls.home) }}">Front</a></header>\n')
    build(load_config(site))
    incremental = _tree(out)
    assert all('<header class="edited">' in p.read_text() for p in pages)
    build(load_config(site), clean=True)
    assert _tree(out) == incremental
