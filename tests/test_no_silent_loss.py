"""Nothing is lost or leaked silently: unreadable folders are errors naming them (and
nothing is removed from the output because of them), links out of a site's folder are
skipped with a warning, and FIFOs are skipped with a warning, never opened."""

from __future__ import annotations

import ctypes
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from tests.conftest import front_matter_article
from tests.processes import ARCHIVESITE, ServeProcess

CONFIG = 'title = "Test archive"\nsearch = false\n'


def _site(root: Path) -> Path:
    root.mkdir()
    (root / "archivesite.toml").write_text(CONFIG)
    for day in (1, 2):
        path = root / "content" / f"2021/03/{day:02d}/a.md"
        path.parent.mkdir(parents=True)
        path.write_text(front_matter_article(f"Story {day}", "Text.", date=f"2021-03-{day:02d}"))
    return root


@pytest.fixture
def user_site(tmp_path: Path) -> Path:
    return _site(tmp_path / "site")


def _without_override() -> None:
    """Where the tests run as root, archivesite runs without root's power to read and
    enter any folder (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so permissions count."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                os._exit(97)


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ARCHIVESITE), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_without_override,
    )


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_an_unreadable_content_folder_is_an_error_and_unpublishes_nothing(
    user_site: Path,
) -> None:
    assert _run("build", "--site", str(user_site)).returncode == 0
    before = _files(user_site / "build")
    folder = user_site / "content/2021/03/02"
    folder.chmod(0)
    try:
        result = _run("build", "--site", str(user_site))
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1
    assert "content/2021/03/02" in result.stderr
    assert "Traceback" not in result.stderr
    assert _files(user_site / "build") == before


def test_an_unreadable_static_folder_is_an_error(user_site: Path) -> None:
    static = user_site / "static/docs"
    static.mkdir(parents=True)
    (static / "a.txt").write_text("a")
    assert _run("build", "--site", str(user_site)).returncode == 0
    static.chmod(0)
    try:
        result = _run("build", "--site", str(user_site))
    finally:
        static.chmod(0o755)
    assert result.returncode == 1
    assert "static/docs" in result.stderr and "cannot read" in result.stderr
    assert (user_site / "build/docs/a.txt").is_file()


def test_links_out_of_a_site_folder_are_skipped_with_a_warning(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (site / "static").mkdir()
    (site / "static/real.txt").write_text("real")
    (site / "static/inner.txt").symlink_to(site / "static/real.txt")
    (site / "static/leak.txt").symlink_to(outside)
    (site / "content/2021/03/01/leak.md").symlink_to(outside)
    result = _run("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "build/inner.txt").read_text() == "real"
    assert not (site / "build/leak.txt").exists()
    assert "static/leak.txt" in result.stderr and "outside" in result.stderr
    assert "content/2021/03/01/leak.md" in result.stderr

    (site / "seeds").mkdir()
    (site / "seeds/leak.txt").symlink_to(outside)
    imported = _run("import", "--site", str(site))
    assert "seeds/leak.txt" in imported.stderr and "outside" in imported.stderr
    made = [p for p in (site / "content").rglob("*.md") if not p.is_symlink()]
    assert "secret" not in "".join(p.read_text() for p in made)


def test_a_fifo_in_seeds_or_content_is_skipped_with_a_warning_never_opened(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "site")
    (site / "seeds").mkdir()
    os.mkfifo(site / "seeds/pipe.txt")
    os.mkfifo(site / "content/2021/03/01/pipe.md")
    imported = _run("import", "--site", str(site))
    assert "seeds/pipe.txt" in imported.stderr and "FIFO" in imported.stderr
    named = _run("import", "--site", str(site), str(site / "seeds/pipe.txt"))
    assert "FIFO" in named.stderr
    built = _run("build", "--site", str(site))
    assert built.returncode == 0, built.stderr
    assert "content/2021/03/01/pipe.md" in built.stderr and "FIFO" in built.stderr


@pytest.mark.parametrize("what", ["file", "folder"])
def test_an_unreadable_template_is_an_error_not_the_built_in_one(
    user_site: Path, what: str
) -> None:
    templates = user_site / "templates"
    templates.mkdir()
    (templates / "article.html").write_text('{% extends "base.html" %}')
    assert _run("build", "--site", str(user_site)).returncode == 0
    before = _files(user_site / "build")
    unreadable = templates / "article.html" if what == "file" else templates
    unreadable.chmod(0)
    try:
        result = _run("build", "--site", str(user_site))
    finally:
        unreadable.chmod(0o755)
    assert result.returncode == 1
    assert "templates" in result.stderr and "cannot read" in result.stderr
    assert "Traceback" not in result.stderr
    assert _files(user_site / "build") == before


def test_links_to_folders_follow_the_same_rule(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    outside = tmp_path / "shared"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (site / "static/docs").mkdir(parents=True)
    (site / "static/docs/a.txt").write_text("a")
    (site / "static/alias").symlink_to(site / "static/docs", target_is_directory=True)
    (site / "static/loop").symlink_to(site / "static", target_is_directory=True)
    (site / "static/elsewhere").symlink_to(outside, target_is_directory=True)
    result = _run("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "build/alias/a.txt").read_text() == "a"
    assert not (site / "build/elsewhere").exists()
    assert "static/elsewhere" in result.stderr and "follow_symlinks" in result.stderr


def test_follow_symlinks_true_follows_links_out_of_the_site_folders(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    (site / "archivesite.toml").write_text(CONFIG + "follow_symlinks = true\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "logo.txt").write_text("logo")
    (shared / "fonts").mkdir()
    (shared / "fonts/f.txt").write_text("font")
    (shared / "c.md").write_text(front_matter_article("Shared story", "Text.", date="2021-03-03"))
    (shared / "seed.txt").write_text(
        "PARIS, March 4 (AFP) - A shared seed was imported through a link today.\n"
    )
    (site / "static").mkdir()
    (site / "static/logo.txt").symlink_to(shared / "logo.txt")
    (site / "static/fonts").symlink_to(shared / "fonts", target_is_directory=True)
    (site / "content/2021/03/01/shared.md").symlink_to(shared / "c.md")
    (site / "seeds").mkdir()
    (site / "seeds/seed.txt").symlink_to(shared / "seed.txt")

    imported = _run("import", "--site", str(site), "--year", "2021")
    assert imported.returncode == 0, imported.stderr
    assert "outside" not in imported.stderr
    made = [p for p in (site / "content").rglob("*.md") if not p.is_symlink()]
    assert "shared seed" in "".join(p.read_text() for p in made)

    built = _run("build", "--site", str(site))
    assert built.returncode == 0, built.stderr
    assert "outside" not in built.stderr
    assert (site / "build/logo.txt").read_text() == "logo"
    assert (site / "build/fonts/f.txt").read_text() == "font"
    pages = "".join(p.read_text() for p in (site / "build").rglob("index.html"))
    assert "Shared story" in pages


def test_an_unreadable_seeds_folder_fails_the_import_naming_it(user_site: Path) -> None:
    seeds = user_site / "seeds"
    (seeds / "2021").mkdir(parents=True)
    (seeds / "ok.txt").write_text("PARIS, March 5 (AFP) - A readable seed is imported.\n")
    (seeds / "2021/hidden.txt").write_text("PARIS, March 6 (AFP) - Behind a closed door.\n")
    for unreadable in (seeds / "2021", seeds):
        unreadable.chmod(0)
        try:
            result = _run("import", "--site", str(user_site), "--year", "2021")
        finally:
            unreadable.chmod(0o755)
        assert result.returncode == 1, result.stderr
        assert f"{unreadable}: cannot read the folder" in result.stderr
        assert "Traceback" not in result.stderr
        made = "".join(p.read_text() for p in (user_site / "content").rglob("*.md"))
        assert "readable seed" in made  # the rest is imported


def test_a_template_linked_from_outside_or_a_fifo_is_skipped_with_a_warning(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "site")
    outside = tmp_path / "robots.txt"
    outside.write_text("SECRET {{ 1 + 1 }}\n")
    (site / "templates").mkdir()
    (site / "templates/robots.txt").symlink_to(outside)
    os.mkfifo(site / "templates/404.html")
    result = _run("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert "templates/robots.txt" in result.stderr and "outside" in result.stderr
    assert "templates/404.html" in result.stderr and "FIFO" in result.stderr
    assert "SECRET" not in (site / "build/robots.txt").read_text()  # the built-in one
    assert "<html" in (site / "build/404.html").read_text()

    (site / "archivesite.toml").write_text(CONFIG + "follow_symlinks = true\n")
    followed = _run("build", "--site", str(site))
    assert followed.returncode == 0, followed.stderr
    assert (site / "build/robots.txt").read_text() == "SECRET 2\n"


def test_serve_skips_fifos_and_goes_on_rebuilding(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    (site / "seeds").mkdir()
    serve = ServeProcess(site, "--poll")
    try:
        os.mkfifo(site / "seeds/pipe.txt")
        os.mkfifo(site / "content/2021/03/01/pipe.md")
        story = site / "content/2021/03/02/a.md"
        story.write_text(front_matter_article("Story two, edited", "Text.", date="2021-03-02"))
        page = serve.url + "2021/03/02/a/"
        deadline = time.monotonic() + 120
        while "Story two, edited" not in _get(page):  # the rebuild after the FIFOs
            assert time.monotonic() < deadline, "".join(serve.log)
            assert serve.proc.poll() is None, "".join(serve.log)
            time.sleep(0.2)
    finally:
        code = serve.stop()
    log = "".join(serve.log)
    assert code == 0, log
    assert "content/2021/03/01/pipe.md" in log and "FIFO" in log
    assert "seeds/pipe.txt" in log
    assert "Traceback" not in log


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode())
    except OSError:
        return ""
