"""Building with worker processes gives what building in one process gives.

Both ways of starting workers are forced here on a small site (the thresholds
that keep small builds in one process are lowered): forked workers that inherit
the plan (``archivesite build``), and fork-server workers that are sent their
outputs (the preview server, whose threads make forking unsafe). Errors found in
a worker come back with their file and line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from click.testing import CliRunner

from archivesite import render, workers
from archivesite.build import build
from archivesite.cli import cli
from archivesite.config import load_config
from archivesite.errors import ArchiveError, ArchiveErrors

CONFIG = 'title = "Workers"\nsearch = false\n'


def files_of(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def articles(article_md: Callable[..., str], n: int = 40) -> dict[str, str]:
    files = {}
    for i in range(n):
        day = 1 + i % 28
        files[f"2022/03/{day:02d}/story-{i}.md"] = article_md(
            f"Story {i}",
            date=f"2022-03-{day:02d}",
            dateline="MOSCOW",
            place="Moscow",
            agency="TASS" if i % 2 else "AP",
            tags=f"[topic-{i % 5}]",
            body=f"MOSCOW, March {day}. /TASS/. Story number {i}.\n\nA *second* paragraph.",
        )
    return files


@pytest.fixture(params=["fork", "forkserver"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Worker processes for any build with more than one output or file to parse."""
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(workers, "PARSE_THRESHOLD", 2)
    forked = request.param == "fork"
    monkeypatch.setattr(workers, "fork_is_safe", lambda: forked)
    return str(request.param)


def test_workers_build_what_one_process_builds(
    mode: str,
    make_site: Callable[..., Path],
    article_md: Callable[..., str],
    tmp_path: Path,
) -> None:
    site = make_site(articles(article_md), CONFIG)
    config = load_config(site)
    serial = build(config, out=tmp_path / "serial", jobs=1)
    parallel = build(config, out=tmp_path / "parallel", jobs=2)
    assert parallel.outputs == serial.outputs > 50
    assert files_of(tmp_path / "parallel") == files_of(tmp_path / "serial")

    # An edit, then a template change: the incremental result is the clean one.
    edited = site / "content/2022/03/05/story-4.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Story 4", "Renamed"))
    report = build(load_config(site), out=tmp_path / "parallel", jobs=2)
    assert 0 < len(report.written) < 40
    templates = site / "templates"
    templates.mkdir()
    (templates / "base.html").write_text(
        '{% extends "builtin/base.html" %}{% block footer %}<p>Changed</p>{% endblock %}'
    )
    build(load_config(site), out=tmp_path / "parallel", jobs=2)
    pages = {k: v for k, v in files_of(tmp_path / "parallel").items() if k.endswith(".html")}
    assert len(pages) > 50 and all(b"<p>Changed</p>" in page for page in pages.values())
    build(load_config(site), out=tmp_path / "clean", jobs=1, clean=True)
    assert files_of(tmp_path / "parallel") == files_of(tmp_path / "clean")


@pytest.mark.parametrize("jobs", [3, 4])
def test_every_share_is_rendered_once_whoever_finishes_first(
    jobs: int,
    make_site: Callable[..., Path],
    article_md: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forked workers and the builder each walk their own share of the time-ordered
    outputs (even shares forwards, odd ones backwards) and then take chunks from the
    share with most left: with more processes than cores, and chunks of one output,
    every output is still rendered exactly once."""
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(workers, "_ranges", lambda total, jobs: [(i, i + 1) for i in range(total)])
    results: list[int] = []  # the plan index of every result the builder receives
    real = workers.Outcomes.add

    def counted(self: workers.Outcomes, result: workers.Result) -> None:
        results.append(result[0])
        real(self, result)

    monkeypatch.setattr(workers.Outcomes, "add", counted)
    site = make_site(articles(article_md), CONFIG)
    config = load_config(site)
    build(config, out=tmp_path / "serial", jobs=1)
    results.clear()
    report = build(config, out=tmp_path / "parallel", jobs=jobs)
    assert sorted(results) == list(range(report.outputs))
    assert files_of(tmp_path / "parallel") == files_of(tmp_path / "serial")


def test_errors_in_workers_name_the_file_and_line(
    mode: str,
    make_site: Callable[..., Path],
    article_md: Callable[..., str],
    tmp_path: Path,
) -> None:
    files = articles(article_md)
    files["2022/03/09/bad.md"] = "---\ntitle: Bad\ndate: 2022-13-45\n---\nBody\n"
    site = make_site(files, CONFIG)
    with pytest.raises(ArchiveError) as caught:
        build(load_config(site), out=tmp_path / "out", jobs=2)
    assert "bad.md:3:" in str(caught.value)

    (site / "content/2022/03/09/bad.md").unlink()
    templates = site / "templates"
    templates.mkdir()
    (templates / "day.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}{{ missing.attr }}{% endblock %}\n"
    )
    with pytest.raises(ArchiveError) as caught:
        build(load_config(site), out=tmp_path / "out", jobs=2)
    errors = caught.value.errors if isinstance(caught.value, ArchiveErrors) else [caught.value]
    assert any("day.html" in str(e) and "missing" in str(e) for e in errors)
    assert not (tmp_path / "out").exists()  # nothing half-built is left behind
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.staging-")]


def test_a_first_build_makes_the_folder_as_mkdir_would(
    make_site: Callable[..., Path], article_md: Callable[..., str], tmp_path: Path
) -> None:
    site = make_site(articles(article_md, 3))
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "--site", str(site), "--out", str(tmp_path / "new/out")])
    assert result.exit_code == 0, result.output
    umask = os.umask(0)
    os.umask(umask)
    mode = stat.S_IMODE((tmp_path / "new/out").stat().st_mode)
    assert mode == 0o777 & ~umask
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["out"]


def test_the_builder_compiles_each_template_once_before_the_workers_fork(
    make_site: Callable[..., Path],
    article_md: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forked workers inherit the compiled templates: every template the plan's pages
    load is compiled once, in the building process, which knows them all from the
    fingerprints' closures without parsing them again."""
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(workers, "fork_is_safe", lambda: True)
    log = tmp_path / "compiled.log"
    real_compile = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: Any, name: Any = None, *a: Any) -> Any:
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {name}\n")
        return real_compile(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    parsed_again: list[object] = []
    real_references = render.referenced_templates

    def referenced(tree: Any) -> Any:
        parsed_again.append(tree)
        return real_references(tree)

    monkeypatch.setattr(render, "referenced_templates", referenced)
    site = make_site(articles(article_md), CONFIG)
    build(load_config(site), out=tmp_path / "out", jobs=2)
    compiled = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    names = [name for _, name in compiled]
    assert {pid for pid, _ in compiled} == {str(os.getpid())}
    assert len(names) == len(set(names))
    assert {"article.html", "base.html", "_header.html", "_macros.html", "_story.html"} <= set(
        names
    )
    assert parsed_again == []
