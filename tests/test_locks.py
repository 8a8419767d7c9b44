"""Builds into one output folder take turns; imports into one site take turns.

The first build is frozen (SIGSTOP, through the ``ARCHIVESITE_FAULT`` hook) while it
holds the lock, so the second always finds it held: no timing is involved.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.conftest import front_matter_article
from tests.processes import ARCHIVESITE

CONFIG = 'title = "Test archive"\nsearch = false\n'


def _site(root: Path) -> Path:
    root.mkdir()
    (root / "archivesite.toml").write_text(CONFIG)
    for day in range(1, 6):
        path = root / "content" / f"2021/03/{day:02d}/a.md"
        path.parent.mkdir(parents=True)
        path.write_text(front_matter_article(f"Story {day}", "Text.", date=f"2021-03-{day:02d}"))
    return root


def _start(*args: str, fault: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ARCHIVESITE), *args],
        env={**os.environ, "ARCHIVESITE_FAULT": fault},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _frozen(fault: str, *args: str) -> subprocess.Popen[str]:
    """A command stopped at ``fault`` (with its lock held)."""
    proc = _start(*args, fault=fault)
    _, status = os.waitpid(proc.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), proc.communicate()
    return proc


def _thaw(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    os.kill(proc.pid, signal.SIGCONT)
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def test_a_second_build_with_no_wait_fails_at_once_naming_the_holder(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    first = _frozen("stop@staged:1", "build", "--site", str(site))
    try:
        second = subprocess.run(
            [str(ARCHIVESITE), "build", "--site", str(site), "--no-wait"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert second.returncode == 1
        assert f"is in use by process {first.pid} (" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        code, _, err = _thaw(first)
    assert code == 0, err
    assert (site / "build/index.html").is_file()


def test_a_second_build_waits_for_the_first_and_both_finish(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    first = _frozen("stop@staged:1", "build", "--site", str(site))
    second = _start("build", "--site", str(site))
    try:
        # The second says whom it waits for before it blocks: read that line, then thaw.
        assert second.stderr is not None
        line = second.stderr.readline()
        assert f"waiting for process {first.pid}" in line
    finally:
        code, _, err = _thaw(first)
    assert code == 0, err
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert "Traceback" not in err
    assert "0 pages written" in out  # the first build did it all


def test_a_lock_left_by_a_killed_build_is_taken_over(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    killed = _start("build", "--site", str(site), fault="staged:1")
    assert killed.wait(timeout=300) == -signal.SIGKILL
    again = subprocess.run(
        [str(ARCHIVESITE), "build", "--site", str(site), "--no-wait"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr


def test_a_second_import_with_no_wait_fails_at_once(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    seeds = site / "seeds"
    seeds.mkdir()
    (seeds / "one.txt").write_text("Title one\n\nBERLIN, March 3 (dpa) - Something happened.\n")
    first = _frozen("stop@import:1", "import", "--site", str(site))
    try:
        second = subprocess.run(
            [str(ARCHIVESITE), "import", "--site", str(site), "--no-wait"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert second.returncode == 1
        assert f"is in use by process {first.pid} (" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        code, _, err = _thaw(first)
    assert code == 0, err
