"""End to end in headless Chromium: `archivesite serve` reloads the page on its own after
an edit, shows a build error as an overlay naming the file and line, and recovers.

Uses Debian's chromium (/usr/bin/chromium) through Playwright; skips where it is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import CHROMIUM, CHROMIUM_ARGS, ServeProcess, needs_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.timeout(300),
]

STORY = "content/2022/01/11/story.md"

#: A cap on waiting for the page, not a timing the test depends on (a busy CI machine
#: can take many seconds to rebuild and reload).
WAIT_MS = 60_000


def article(title: str) -> str:
    return (
        f"---\ntitle: {title}\ndate: 2022-01-11\ndateline: MOSCOW\nplace: Moscow\n"
        "agency: TASS\ntags: []\n---\n"
        "MOSCOW, January 11. /TASS/. Something happened in the archive today.\n"
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, ServeProcess]]:
    site = tmp_path / "site"
    (site / "content/2022/01/11").mkdir(parents=True)
    (site / "archivesite.toml").write_text(
        'title = "Browser test"\nbase_url = "https://example.org/archive/"\n'
    )
    (site / STORY).write_text(article("First title"))
    serve = ServeProcess(site)
    try:
        yield site, serve
    finally:
        rc = serve.stop()
        assert rc == 0, "".join(serve.log)


def test_edit_reload_error_overlay_and_recovery(served: tuple[Path, ServeProcess]) -> None:
    from playwright.sync_api import expect, sync_playwright

    site, serve = served
    story = site / STORY
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(serve.url + "2022/01/11/story/", wait_until="load")
            heading = page.locator("h1")
            expect(heading).to_contain_text("First title", timeout=WAIT_MS)
            # the live-reload stream is connected before we edit
            page.wait_for_function("window.archivesiteLiveReload === 'connected'")

            # 1. change the title in content/: the page shows it on its own (no reload by
            # hand). How fast is the machine's business: a loaded one took over 3 s.
            story.write_text(article("Second title"))
            expect(heading).to_contain_text("Second title", timeout=WAIT_MS)

            # 2. break the front matter: an overlay names the file and the line
            story.write_text("---\ntitle: [broken\ndate: 2022-01-11\n---\nBody.\n")
            overlay = page.locator("#archivesite-error-overlay")
            expect(overlay).to_be_visible(timeout=WAIT_MS)
            expect(overlay).to_contain_text(
                re.compile(r"content/2022/01/11/story\.md:\d+: "), timeout=WAIT_MS
            )
            text = overlay.inner_text()
            assert re.search(r"story\.md:[1-9]\d*: ", text), text
            # the last good site is still being served underneath
            expect(heading).to_contain_text("Second title", timeout=WAIT_MS)

            # 3. fix it: the overlay goes and the page shows the fixed article
            story.write_text(article("Fixed title"))
            expect(heading).to_contain_text("Fixed title", timeout=WAIT_MS)
            expect(overlay).to_have_count(0, timeout=WAIT_MS)
        finally:
            browser.close()
    log = "".join(serve.log)
    assert re.search(r"story\.md:\d+: ", log), log  # printed in the terminal too
    assert "Traceback" not in log
