"""Shared test options and fixtures.

``pytest --update-golden`` rewrites the golden files under tests/golden/ from
the current output instead of comparing against them. ``make_site`` writes a
small site (archivesite.toml and content files) into a tmp dir.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/ files from the current output.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def front_matter_article(
    title: str | None = "An article",
    body: str = "PARIS, May 2. /AFP/. Something happened.",
    **meta: str,
) -> str:
    """A content file's text: front matter (values written as given) and body."""
    lines = ["---"]
    if title is not None:
        lines.append(f"title: {title}")
    lines += [f"{key}: {value}" for key, value in meta.items()]
    lines.append("---")
    return "\n".join(lines) + "\n" + body + "\n"


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """make_site({"2022/01/11/x.md": text, ...}, config="...") -> the site root."""

    def make(files: dict[str, str], config: str = 'title = "Test archive"\n') -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        (root / "archivesite.toml").write_text(config, encoding="utf-8")
        for rel, text in files.items():
            path = root / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        return root

    return make


@pytest.fixture
def article_md() -> Callable[..., str]:
    """The ``front_matter_article`` text builder."""
    return front_matter_article
