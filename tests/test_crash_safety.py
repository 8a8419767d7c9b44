"""After a kill or a full disk at any point of a build, the output is the whole
previous site or the whole new one, and nothing temporary is left behind.

Faults come from the one documented hook, ``ARCHIVESITE_FAULT`` (:mod:`archivesite.faults`):
``POINT:N`` kills the build (SIGKILL) the Nth time it reaches POINT; ``enospc@POINT:N``
fails there as a full disk would. Each kill below is a real ``archivesite build``
process killed at a point chosen so that it is reached every time.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import front_matter_article
from tests.processes import ARCHIVESITE

CONFIG = 'title = "Test archive"\nsearch = false\n'


def _old_content() -> dict[str, str]:
    files = {}
    for day in range(1, 13):
        for n in range(3):
            files[f"2021/03/{day:02d}/a{n}.md"] = front_matter_article(
                f"Story {day}-{n}",
                f"BERLIN, March {day}. /DPA/. Old text {n}.",
                date=f"2021-03-{day:02d}",
                tags="Rail",
            )
    return files


def _edit(content: Path) -> None:
    """The new site: edited, removed and added articles (pages change, go and appear)."""
    for day in range(1, 13):
        path = content / f"2021/03/{day:02d}/a0.md"
        path.write_text(path.read_text().replace("Old text", "New text"))
    shutil.rmtree(content / "2021/03/05")
    (content / "2021/03/07/a1.md").unlink()
    new = content / "2021/04/02/b.md"
    new.parent.mkdir(parents=True)
    new.write_text(
        front_matter_article(
            "Brand new", "ROME, April 2. /ANSA/. Fresh.", date="2021-04-02", tags="Sea"
        )
    )


def _write_site(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "archivesite.toml").write_text(CONFIG)
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _build(site: Path, *args: str, fault: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHIVESITE_FAULT": fault}
    return subprocess.run(
        [str(ARCHIVESITE), "build", "--site", str(site), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # a kill of its process group reaches only the build
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith("search-index/")
    }


def _folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def _leftovers(site: Path) -> list[str]:
    """Temporary files and folders in or beside the output."""
    beside = [
        p.name for p in site.iterdir() if p.name.startswith(".build.") and "lock" not in p.name
    ]
    inside = [p.name for p in (site / "build").rglob("*.tmp")]
    return beside + inside


@pytest.fixture(scope="module")
def clean_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The old and the new site, each built clean: (old site, new site)."""
    base = tmp_path_factory.mktemp("clean")
    old = _write_site(base / "old", _old_content())
    assert _build(old).returncode == 0
    new = base / "new"
    shutil.copytree(old / "content", new / "content")
    (new / "archivesite.toml").write_text(CONFIG)
    _edit(new / "content")
    assert _build(new, "--clean").returncode == 0
    return old, new


# Points of a build; the commit step is hit at its first, a middle and its last file.
POINTS = [
    "staged:1",
    "journal:1",
    "commit:1",
    "commit:5",
    "commit:20",
    "prune:1",
    "record:1",
    "committed:1",
    "index:1",
]


@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_anywhere_leaves_the_old_site_or_the_new_one(
    tmp_path: Path, clean_builds: tuple[Path, Path], point: str
) -> None:
    old_clean, new_clean = clean_builds
    site = _write_site(tmp_path / "site", _old_content())
    assert _build(site).returncode == 0
    _edit(site / "content")

    killed = _build(site, fault=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    # The next command finishes (or undoes) the interrupted commit before anything
    # else; stopped right after its own rendering (if it has anything to render), it
    # shows the output as it found it.
    looked = _build(site, fault="staged:1")
    assert looked.returncode in (0, -signal.SIGKILL), looked.stderr
    now = _tree(site / "build")
    assert now in (_tree(old_clean / "build"), _tree(new_clean / "build"))

    done = _build(site)
    assert done.returncode == 0, done.stderr
    assert _tree(site / "build") == _tree(new_clean / "build")
    assert _folders(site / "build") == _folders(new_clean / "build")
    assert _leftovers(site) == []
    assert not filecmp.dircmp(site / "build", new_clean / "build").diff_files


def test_a_first_build_killed_while_committing_is_finished_by_the_next(
    tmp_path: Path, clean_builds: tuple[Path, Path]
) -> None:
    old_clean, _ = clean_builds
    site = _write_site(tmp_path / "site", _old_content())
    assert _build(site, fault="committed:1").returncode == -signal.SIGKILL
    assert _build(site).returncode == 0
    assert _tree(site / "build") == _tree(old_clean / "build")
    assert _leftovers(site) == []


def test_a_full_disk_while_committing_leaves_the_previous_output_byte_identical(
    tmp_path: Path,
) -> None:
    site = _write_site(tmp_path / "site", _old_content())
    assert _build(site).returncode == 0
    before = _tree(site / "build")
    _edit(site / "content")

    failed = _build(site, fault="enospc@commit:7")
    assert failed.returncode == 1
    assert "No space left on device" in failed.stderr
    assert "previous output was put back" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert _tree(site / "build") == before
    assert _leftovers(site) == []

    assert _build(site).returncode == 0  # with room again, the build goes through


def test_a_full_disk_before_the_commit_changes_nothing(tmp_path: Path) -> None:
    site = _write_site(tmp_path / "site", _old_content())
    assert _build(site).returncode == 0
    before = _tree(site / "build")
    _edit(site / "content")
    failed = _build(site, fault="enospc@staged:1")
    assert failed.returncode == 1
    assert "the output is unchanged" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert _tree(site / "build") == before
    assert _leftovers(site) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, where the test may mount one (root, mount allowed); else skipped."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_fails_cleanly_and_leaves_the_previous_output(
    tmp_path: Path, small_disk: Path
) -> None:
    site = _write_site(tmp_path / "site", _old_content())
    out = small_disk / "out"
    assert _build(site, "--out", str(out)).returncode == 0
    before = _tree(out)
    free = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"x" * max(0, free.f_bavail * free.f_frsize - 64 * 1024))
    _edit(site / "content")

    failed = _build(site, "--out", str(out))
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "unchanged" in failed.stderr or "put back" in failed.stderr
    assert _tree(out) == before
    assert {p.name for p in small_disk.iterdir()} == {"filler", "out"}  # no leftovers

    filler.unlink()
    assert _build(site, "--out", str(out)).returncode == 0


def test_a_kill_between_the_pages_and_the_search_index_is_caught_up(tmp_path: Path) -> None:
    site = _write_site(tmp_path / "site", _old_content())
    (site / "archivesite.toml").write_text('title = "Test archive"\n')  # search on
    assert _build(site).returncode == 0
    index = site / "build/search-index"
    old_index = _tree(index.parent)  # everything but the index
    before = {p.name: p.read_bytes() for p in index.rglob("*") if p.is_file()}
    _edit(site / "content")

    assert _build(site, fault="index:1").returncode == -signal.SIGKILL
    assert _tree(index.parent) != old_index  # the pages are new ...
    assert {p.name: p.read_bytes() for p in index.rglob("*") if p.is_file()} == before

    again = _build(site)  # ... and the next build, with no page to write, re-indexes
    assert again.returncode == 0, again.stderr
    assert "0 pages written" in again.stdout
    assert {p.name: p.read_bytes() for p in index.rglob("*") if p.is_file()} != before


def test_the_index_says_what_it_was_built_from_and_catches_up_without_the_state(
    tmp_path: Path,
) -> None:
    """The index records the pages it shows (search-index/built-from.txt, also in
    the build record): a kill between the pages and the index is caught up even when the
    state folder (safe to delete) went with the kill."""
    site = _write_site(tmp_path / "site", _old_content())
    (site / "archivesite.toml").write_text('title = "Test archive"\n')  # search on
    assert _build(site).returncode == 0
    index = site / "build/search-index"
    built_from = (index / "built-from.txt").read_text().strip()
    (record,) = (site / ".archivesite/builds").glob("*.json")
    assert json.loads(record.read_text())["index_from"] == built_from
    before = {p.name: p.read_bytes() for p in index.rglob("*") if p.is_file()}
    _edit(site / "content")

    assert _build(site, fault="index:1").returncode == -signal.SIGKILL
    assert {p.name: p.read_bytes() for p in index.rglob("*") if p.is_file()} == before
    shutil.rmtree(site / ".archivesite")

    again = _build(site)  # no page to write, and no state: the index says it is behind
    assert again.returncode == 0, again.stderr
    assert "0 pages written" in again.stdout
    assert "search index updated" in again.stdout + again.stderr  # caught up by its keys
    assert (index / "built-from.txt").read_text().strip() != built_from
    pages = "".join(p.read_text() for p in (site / "build").rglob("index.html"))
    words = {p.name: p.read_bytes() for p in index.rglob("*") if p.is_file()}
    assert words != before and "New text" in pages

    caught_up = {p.name: p.stat().st_mtime_ns for p in index.rglob("*")}
    assert _build(site).returncode == 0  # and once caught up, the next build leaves it alone
    assert {p.name: p.stat().st_mtime_ns for p in index.rglob("*")} == caught_up
