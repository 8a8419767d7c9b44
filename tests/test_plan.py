"""The plan and what a large archive keeps in memory while it builds.

The plan is a sequence of outputs made when asked for (it holds each output's URL,
kind and template, not its context); articles parsed apart share their common
values; the build record is written in slices and reads back as written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jinja2.meta
import pytest

from archivesite import record as build_record
from archivesite.build import build
from archivesite.config import load_config
from archivesite.load import SharedValues, load_article, load_articles
from archivesite.pages import SitemapEntries
from archivesite.site import assemble, plan_outputs


def small_site(make_site: Callable[..., Path], article_md: Callable[..., str]) -> Path:
    files = {
        f"2022/03/{day:02d}/story-{i}.md": article_md(
            f"Story {i}",
            date=f"2022-03-{day:02d}",
            dateline="MOSCOW",
            agency="TASS",
            tags="[economy, energy]",
            lede=f"Lede {i}.",
            summary=f"Lede {i}.",
        )
        for i, day in enumerate([5, 1, 3, 1, 2, 5, 4, 3])
    }
    files["undated-note.md"] = article_md("An undated note")
    files["pages/about.md"] = article_md("About")
    return make_site(files, 'title = "Plan"\nbase_url = "https://example.org/"\n')


def test_the_plan_makes_each_output_when_asked_and_the_same_every_time(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    config = load_config(small_site(make_site, article_md))
    plan = plan_outputs(assemble(config, load_articles(config)))
    outputs = list(plan)
    assert len(plan) == len(outputs) > 20
    assert plan[3] == outputs[3] and plan[3] is not plan[3]  # made afresh, equal
    assert plan[2:5] == outputs[2:5]
    assert plan.paths() == [o.path for o in outputs]
    assert plan.paths("article") == [o.path for o in outputs if o.kind == "article"]
    assert plan.templates() == {o.template for o in outputs if o.template}
    by_path = {o.path: o for o in outputs}
    assert "sitemap.xml" in by_path and "2022/03/05/index.html" in by_path


def test_the_time_order_keeps_what_shows_one_day_together(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    """Workers split the outputs in this order into one share each, so that each
    share shows (and so touches in memory) its own stretch of the archive."""
    config = load_config(small_site(make_site, article_md))
    plan = plan_outputs(assemble(config, load_articles(config)))
    order = list(plan.time_order())
    assert sorted(order) == list(range(len(plan)))
    shown = [plan[i] for i in order]
    dated = [
        o.context["article"].date for o in shown if o.kind == "article" and o.url[:4] == "2022"
    ]
    assert dated == sorted(dated) and len(dated) == 8
    day = [o for o in shown if o.kind == "day"]
    assert [o.url for o in day] == sorted(o.url for o in day)
    # Pages that show no dated article (the sitemap, the undated note, About) come last.
    at = {o.path: n for n, o in enumerate(shown)}
    last_dated = max(
        at[o.path] for o in shown if o.kind in ("article", "day") and o.url[:4] == "2022"
    )
    for path in ("sitemap.xml", "about/index.html", "undated/undated-note/index.html"):
        assert at[path] > last_dated


def test_articles_parsed_apart_share_their_common_values(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = small_site(make_site, article_md)
    config = load_config(site)
    paths = sorted((site / "content/2022/03").rglob("*.md"))
    first, second = (load_article(p, config) for p in paths[:2])
    assert first.agency == second.agency and first.agency is not second.agency
    shared = SharedValues()
    a, b = shared.article(first), shared.article(second, source=second.source)
    assert (a, b) == (first, second)  # the same values
    assert a.agency is b.agency and a.tags is b.tags and a.dateline is b.dateline
    assert a.tags[0] is b.tags[0]
    assert a.summary is a.lede  # a summary that is the lede is the lede's string
    assert shared.article(load_article(paths[2], config)).date is not None


def test_the_build_record_is_written_in_slices_and_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "build"
    outputs = {
        f"2022/{i:05d}/index.html": build_record.OutputRecord(
            f"{i:064x}", f"{i + 1:064x}", i, 10**18 + i, f"{i + 2:064x}"
        )
        for i in range(12_345)  # more than two slices
    }
    record = build_record.BuildRecord(
        out=str(out),
        plan_key="k",
        templates={"a.html": "t"},
        articles=7,
        outputs=outputs,
        index_from="i",
    )
    path = tmp_path / "record.json"
    build_record.write_record(path, record)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["files"]["2022/00003/index.html"] == f"{4:064x}"
    read, files = build_record.read_record(path, out)
    assert read == record and len(files) == 12_345
    one_shot = {
        "out": str(out),
        "version": build_record.RECORD_VERSION,
        "plan_key": "k",
        "templates": {"a.html": "t"},
        "articles": 7,
        "index_from": "i",
        "files": {p: r.sha256 for p, r in sorted(outputs.items())},
        "outputs": {p: [r.fingerprint, r.size, r.mtime_ns, r.data] for p, r in outputs.items()},
    }
    assert text == json.dumps(one_shot, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_sitemap_entries_are_made_as_they_are_read() -> None:
    entries = SitemapEntries("https://example.org/", 3, "\0a/\0b c/", "2022-03-01\0\0")
    assert len(entries) == 3
    assert [(e.loc, e.lastmod) for e in entries] == [
        ("https://example.org/", "2022-03-01"),
        ("https://example.org/a/", None),
        ("https://example.org/b%20c/", None),
    ]
    assert entries[1].loc == "https://example.org/a/"
    assert [e.loc for e in entries[1:]] == ["https://example.org/a/", "https://example.org/b%20c/"]
    home_only = SitemapEntries("/", 1, "", "")  # one page, the home page, whose URL is ""
    assert [e.loc for e in home_only] == ["/"] and not list(SitemapEntries("/", 0, "", ""))


def test_a_fresh_process_does_not_parse_unchanged_templates_again(
    make_site: Callable[..., Path],
    article_md: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What each template refers to is kept by its source's hash in .archivesite/cache/,
    so a no-op build does not parse every template (80 ms at 10,000 articles); an edited
    template is parsed, and an override that appears is noticed as before."""
    site = small_site(make_site, article_md)
    parsed: list[object] = []
    real = jinja2.meta.find_referenced_templates

    def counted(ast: object) -> object:
        parsed.append(ast)
        return real(ast)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.meta, "find_referenced_templates", counted)
    build(load_config(site), out=tmp_path / "out")
    assert parsed
    parsed.clear()
    assert build(load_config(site), out=tmp_path / "out").written == ()
    assert parsed == []
    (site / "templates").mkdir()
    (site / "templates" / "base.html").write_text(
        '{% extends "builtin/base.html" %}{% block footer %}<p>Ours</p>{% endblock %}'
    )
    report = build(load_config(site), out=tmp_path / "out")
    assert len(parsed) == 1 and "index.html" in report.written
    assert "<p>Ours</p>" in (tmp_path / "out/index.html").read_text(encoding="utf-8")
