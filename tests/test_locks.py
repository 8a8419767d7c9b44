"""Builds into one output folder take turns; imports into one site take turns; `serve`
and the command line share the locks (a build into the preview's folder waits for it).

The first build is frozen (SIGSTOP, through the ``ARCHIVESITE_FAULT`` hook) while it
holds the lock, so the second always finds it held: no timing is involved.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

import pytest
from tests.conftest import front_matter_article
from tests.processes import ARCHIVESITE, ServeProcess

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


def _lines(stream: IO[str]) -> queue.Queue[str]:
    """The lines of ``stream`` as they come (read on a thread, so a test can time out);
    "" once it ends."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in iter(stream.readline, ""):
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], text: str, timeout: float = 120) -> str:
    """The first line holding ``text`` (every line up to it read); "" once the stream
    ends without one, where ``text`` is ""."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if (text and text in line) or (not text and not line):
            return line
        if not line:
            break
    raise AssertionError(f"no line with {text!r} in:\n{''.join(seen)}")


def _rest(lines: queue.Queue[str], timeout: float = 120) -> str:
    """Every line still to come, up to the stream's end."""
    rest = []
    while line := lines.get(timeout=timeout):
        rest.append(line)
    return "".join(rest)


def _wait_stopped(pid: int, timeout: float = 120) -> None:
    """Until the process ``pid`` (a child) is stopped by its SIGSTOP fault."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got, status = os.waitpid(pid, os.WNOHANG | os.WUNTRACED)
        if got and os.WIFSTOPPED(status):
            return
        assert not got, f"process {pid} exited (status {status})"
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not reach its fault point")


def test_serve_waits_for_a_cli_build_into_its_folder(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    preview_out = site / ".archivesite" / "serve"
    first = _frozen("stop@staged:1", "build", "--site", str(site), "--out", str(preview_out))
    serve = _start("serve", "--site", str(site), "--port", "0")
    try:
        assert serve.stderr is not None and serve.stdout is not None
        errors, output = _lines(serve.stderr), _lines(serve.stdout)
        _wait_for(errors, f"waiting for process {first.pid}")
        code, _, err = _thaw(first)
        assert code == 0, err
        url = re.search(r"http://127\.0\.0\.1:\d+/", _wait_for(output, "Serving"))
        assert url is not None
        with urllib.request.urlopen(url.group(0) + "2021/03/01/a/", timeout=30) as page:
            assert "Story 1" in page.read().decode()
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(60)
    assert serve.returncode == 0
    assert not list(site.joinpath(".archivesite").glob(".serve.*"))  # no staging left


def test_a_cli_build_into_the_preview_folder_waits_for_serve_or_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    preview_out = site / ".archivesite" / "serve"
    monkeypatch.setenv("ARCHIVESITE_FAULT", "stop@staged:2")  # serve's first rebuild
    serve = ServeProcess(site, "--poll")
    monkeypatch.delenv("ARCHIVESITE_FAULT")
    try:
        story = site / "content/2021/03/01/a.md"
        story.write_text(front_matter_article("Story one, edited", "Text.", date="2021-03-01"))
        _wait_stopped(serve.proc.pid)  # rendered the edit, holding the lock
        refused = subprocess.run(
            [
                str(ARCHIVESITE),
                "build",
                "--site",
                str(site),
                "--out",
                str(preview_out),
                "--no-wait",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert refused.returncode == 1
        assert f"is in use by process {serve.proc.pid} (" in refused.stderr
        assert "serve" in refused.stderr and "Traceback" not in refused.stderr
        waiting = _start("build", "--site", str(site), "--out", str(preview_out))
        assert waiting.stderr is not None
        errors = _lines(waiting.stderr)
        _wait_for(errors, f"waiting for process {serve.proc.pid}")
        os.kill(serve.proc.pid, signal.SIGCONT)
        err = _rest(errors)
        assert waiting.wait(300) == 0, err
        assert "Traceback" not in err
        with urllib.request.urlopen(serve.url + "2021/03/01/a/", timeout=30) as page:
            assert "Story one, edited" in page.read().decode()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(serve.proc.pid, signal.SIGCONT)
        code = serve.stop()
    assert code == 0, "".join(serve.log)
    assert "Traceback" not in "".join(serve.log)
