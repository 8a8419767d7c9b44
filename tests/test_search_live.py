"""End to end in headless Chromium: an open search page under the preview server follows
a new search index without a manual reload.

Two ways: the preview server in this process with the index swapped under an open page
and the ``search-index`` event sent by hand (the page must search the new index in place
and say so); and a real ``archivesite serve`` where an article is added, then one edited (the
page shows each once the background re-index is in). Uses Debian's chromium through Playwright.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archivesite.build import build
from archivesite.config import load_config
from archivesite.serve import PreviewServer
from processes import CHROMIUM, CHROMIUM_ARGS, ServeProcess, needs_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.timeout(300),
]

#: Generous: the machine may be very busy, and the indexer runs at a lower priority under serve.
WAIT_MS = 120_000


def story(title: str, date: str, body: str) -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\ndateline: KIDAL\nplace: Kidal\nagency: AP\n---\n"
        f"KIDAL, Mali (AP) — {body}\n"
    )


def make_site(root: Path) -> Path:
    (root / "content/1998/03/02").mkdir(parents=True)
    (root / "archivesite.toml").write_text('title = "Live search"\n')
    (root / "content/1998/03/02/talks.md").write_text(
        story("Talks in Kidal", "1998-03-02", "Rebels and officials met in Kidal.")
    )
    return root


def add_article(root: Path) -> None:
    path = root / "content/1998/03/03/caravan.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(story("Caravan arrives", "1998-03-03", "A salt caravan reached Tessalit."))


@pytest.fixture
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


def open_search(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_function("window.archivesiteLiveReload === 'connected'")
    page.wait_for_function(
        "() => /No results/.test(document.getElementById('search-status').textContent)"
    )
    return page, errors


def wait_for_titles(page: Any, titles: list[str]) -> None:
    page.wait_for_function(
        "t => JSON.stringify([...document.querySelectorAll('#search-results > li h2')]"
        ".map(h => h.textContent.trim())) === JSON.stringify(t)",
        arg=titles,
    )


def test_the_page_follows_a_new_index(tmp_path: Path, browser: Any) -> None:
    root = make_site(tmp_path / "site")
    out = tmp_path / "out"
    build(load_config(root), out=out)
    server = PreviewServer(("127.0.0.1", 0), out)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.port}/"
        page, errors = open_search(browser, base + "search/?q=tessalit&year=1998")
        notice = page.locator("#search-notice")
        assert notice.is_hidden()

        add_article(root)
        build(load_config(root), out=out)  # pages and index written; no reload event sent
        server.livereload.search_indexed()

        # The page searches the new index on its own and says why the results changed.
        wait_for_titles(page, ["Caravan arrives"])
        page.wait_for_selector("#search-notice", state="visible")
        # the search itself is unchanged: the box, the filter, the address
        assert page.locator("#search-q").input_value() == "tessalit"
        assert page.locator("#search-filters input:checked").count() == 1
        assert page.evaluate("location.search") == "?q=tessalit&year=1998"

        # While the reader is typing, the results do not change under them: the page
        # offers the new ones.
        page.locator("#search-q").fill("salt")
        wait_for_titles(page, ["Caravan arrives"])
        (root / "content/1998/03/03/salt.md").write_text(
            story("Salt prices fall", "1998-03-03", "Salt is cheaper in Kidal.")
        )
        build(load_config(root), out=out)
        page.evaluate("window.notReloaded = true")
        page.locator("#search-q").focus()
        server.livereload.search_indexed()
        button = notice.get_by_role("button")
        button.wait_for(state="visible")
        assert page.locator("#search-results > li").count() == 1
        button.click()
        page.wait_for_function("document.querySelectorAll('#search-results > li').length === 2")
        titles = page.locator("#search-results > li h2").all_inner_texts()
        assert sorted(titles) == ["Caravan arrives", "Salt prices fall"]
        assert notice.is_visible() and button.is_hidden()
        assert page.evaluate("window.notReloaded") is True  # searched in place
        assert errors == []
    finally:
        server.close()
        thread.join(5)


def wait_for_index(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "search-index/manifest.json", timeout=10):
                return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_serve_makes_new_and_edited_articles_searchable(tmp_path: Path, browser: Any) -> None:
    root = make_site(tmp_path / "site")
    serve = ServeProcess(root)
    try:
        wait_for_index(serve.url, WAIT_MS / 1000)  # the first index, written in the background
        page, errors = open_search(browser, serve.url + "search/?q=tessalit")
        add_article(root)
        # the build reloads the page, then the re-index follows: no reload by hand
        wait_for_titles(page, ["Caravan arrives"])
        assert page.locator("#search-q").input_value() == "tessalit"

        # An edit: a word the article did not have becomes searchable.
        page.goto(serve.url + "search/?q=camels")
        page.wait_for_function(
            "() => /No results/.test(document.getElementById('search-status').textContent)"
        )
        talks = root / "content/1998/03/02/talks.md"
        talks.write_text(talks.read_text() + "\nThey came on camels.\n")
        wait_for_titles(page, ["Talks in Kidal"])
        assert errors == []
    finally:
        assert serve.stop() == 0, "".join(serve.log)
    log = "".join(serve.log)
    assert "Traceback" not in log, log
