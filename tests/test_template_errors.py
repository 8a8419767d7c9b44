"""A template that fails while rendering is reported once, as the template's
``path:line`` with the first page it failed on, not once per page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivesite.cli import cli

BROKEN_DAY = (
    '{% extends "builtin/day.html" %}\n{% block content %}{{ nothing.here }}{% endblock %}\n'
)


def _site(make_site: Callable[..., Path], article_md: Callable[..., str]) -> Path:
    files = {
        f"2022/01/{day:02d}/story-{n}.md": article_md(
            title=f"Story {day} {n}", date=f"2022-01-{day:02d}"
        )
        for day in range(1, 13)
        for n in range(3)
    }
    return make_site(files, config='title = "T"\nsearch = false\n')


def _build(site: Path, *extra: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["build", "--site", str(site), *extra])
    lines = [line for line in result.output.splitlines() if line.strip()]
    return result.exit_code, lines


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("name", "template", "line", "says"),
    [
        (
            "article.html",
            '{% extends "builtin/article.html" %}\n{% block article_footer %}\n'
            "<p>{{ article.nosuch.deeper }}</p>{% endblock %}\n",
            3,
            "template error: 'archivesite.model.Article object' has no attribute 'nosuch'",
        ),
        (
            "day.html",
            '{% extends "builtin/day.html" %}\n{% block content %}{{ 1 + "a" }}{% endblock %}\n',
            2,
            "template error: TypeError: unsupported operand type(s) for +: 'int' and 'str'",
        ),
        (
            "day.html",
            '{% extends "builtin/day.html" %}\n{% block content %}\n\n'
            '{% include "nowhere.html" %}{% endblock %}\n',
            4,
            "template not found: nowhere.html",
        ),
    ],
)
def test_a_failing_template_is_reported_once_at_its_line(
    make_site: Callable[..., Path],
    article_md: Callable[..., str],
    jobs: str,
    name: str,
    template: str,
    line: int,
    says: str,
) -> None:
    site = _site(make_site, article_md)
    (site / "templates").mkdir()
    (site / "templates" / name).write_text(template, encoding="utf-8")
    status, lines = _build(site, "-j", jobs)
    assert status == 1
    assert len(lines) == 1, lines
    where = f"{site / 'templates' / name}:{line}: {says} (first on /2022/01/"
    assert lines[0].startswith(where), lines[0]


def test_a_fixed_template_builds(
    make_site: Callable[..., Path], article_md: Callable[..., str]
) -> None:
    site = _site(make_site, article_md)
    (site / "templates").mkdir()
    broken = site / "templates" / "day.html"
    broken.write_text(BROKEN_DAY, encoding="utf-8")
    assert _build(site)[0] == 1
    broken.write_text('{% extends "builtin/day.html" %}\n', encoding="utf-8")
    status, lines = _build(site)
    assert status == 0, lines
