"""End to end in headless Chromium: `archivesite serve` reloads the page on its own after
an edit, shows a build error as an overlay naming the file and line, and recovers.

Uses Debian's chromium (/usr/bin/chromium) through Playwright; skips where it is absent.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARCHIVESITE = Path(sys.executable).with_name("archivesite")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    pytest.mark.timeout(120),
]

STORY = "content/2022/01/11/story.md"


def article(title: str) -> str:
    return (
        f"---\ntitle: {title}\ndate: 2022-01-11\ndateline: MOSCOW\nplace: Moscow\n"
        "agency: TASS\ntags: []\n---\n"
        "MOSCOW, January 11. /TASS/. Something happened in the archive today.\n"
    )


class Serve:
    """`archivesite serve --port 0` in a subprocess; its URL read from stdout."""

    def __init__(self, site: Path) -> None:
        self.proc = subprocess.Popen(
            [str(ARCHIVESITE), "serve", "--site", str(site), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.stderr: list[str] = []
        assert self.proc.stderr is not None
        threading.Thread(
            target=lambda: self.stderr.extend(iter(self.proc.stderr.readline, "")),  # type: ignore[union-attr]
            daemon=True,
        ).start()
        line: list[str] = []
        reader = threading.Thread(
            target=lambda: line.append(self.proc.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(60)
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line[0] if line else "")
        if not m:
            self.stop()
            pytest.fail(f"serve did not start: {line} {''.join(self.stderr)}")
        self.url = m.group(1)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise
        return self.proc.returncode


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Serve]]:
    site = tmp_path / "site"
    (site / "content/2022/01/11").mkdir(parents=True)
    (site / "archivesite.toml").write_text(
        'title = "Browser test"\nbase_url = "https://example.org/archive/"\n'
    )
    (site / STORY).write_text(article("First title"))
    serve = Serve(site)
    try:
        yield site, serve
    finally:
        rc = serve.stop()
        assert rc == 0, "".join(serve.stderr)


def test_edit_reload_error_overlay_and_recovery(served: tuple[Path, Serve]) -> None:
    from playwright.sync_api import expect, sync_playwright

    site, serve = served
    story = site / STORY
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            page.goto(serve.url + "2022/01/11/story/", wait_until="load")
            heading = page.locator("h1")
            expect(heading).to_contain_text("First title")
            # the live-reload stream is connected before we edit
            page.wait_for_function("window.archivesiteLiveReload === 'connected'")

            # 1. change the title in content/: the page shows it on its own within 3 s
            started = time.monotonic()
            story.write_text(article("Second title"))
            expect(heading).to_contain_text("Second title", timeout=3_000)
            assert time.monotonic() - started < 3.0

            # 2. break the front matter: an overlay names the file and the line
            story.write_text("---\ntitle: [broken\ndate: 2022-01-11\n---\nBody.\n")
            overlay = page.locator("#archivesite-error-overlay")
            expect(overlay).to_be_visible(timeout=5_000)
            expect(overlay).to_contain_text(re.compile(r"content/2022/01/11/story\.md:\d+: "))
            text = overlay.inner_text()
            assert re.search(r"story\.md:[1-9]\d*: ", text), text
            # the last good site is still being served underneath
            expect(heading).to_contain_text("Second title")

            # 3. fix it: the overlay goes and the page shows the fixed article
            story.write_text(article("Fixed title"))
            expect(heading).to_contain_text("Fixed title", timeout=5_000)
            expect(overlay).to_have_count(0)
        finally:
            browser.close()
    log = "".join(serve.stderr)
    assert re.search(r"story\.md:\d+: ", log), log  # printed in the terminal too
    assert "Traceback" not in log
