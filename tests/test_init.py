"""``archivesite init DIR``."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from archivesite.cli import cli
from archivesite.config import Config, load_config


def test_init_creates_a_site_that_builds(tmp_path: Path) -> None:
    site = tmp_path / "news"
    result = CliRunner().invoke(cli, ["init", str(site)])
    assert result.exit_code == 0, result.output
    for folder in ("seeds", "content", "templates", "static"):
        assert (site / folder).is_dir()
    assert [p.name for p in (site / "templates").iterdir()] == ["README.md"]
    assert [p.name for p in (site / "static").iterdir()] == ["README.md"]
    assert "builtin/article.html" in (site / "templates/README.md").read_text()
    text = (site / "archivesite.toml").read_text()
    assert tomllib.loads(text)["per_page"] == 20
    config = load_config(site)  # every written key is valid, at its default
    assert config == Config(root=config.root)
    assert "follow_symlinks = false" in text and 'raw_html = "keep"' in text
    (site / "content/2024/02/29").mkdir(parents=True)
    (site / "content/2024/02/29/leap.md").write_text(
        "---\ntitle: Leap day\ndate: 2024-02-29\n---\nHi\n"
    )
    result = CliRunner().invoke(cli, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert (site / "build/2024/02/29/leap/index.html").is_file()
    assert not (site / "build/README.md").exists()


def test_init_refuses_to_overwrite_a_config(tmp_path: Path) -> None:
    (tmp_path / "archivesite.toml").write_text('title = "Mine"\n')
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "archivesite.toml: already exists" in result.output
    assert (tmp_path / "archivesite.toml").read_text() == 'title = "Mine"\n'
    assert not (tmp_path / "templates").exists()
