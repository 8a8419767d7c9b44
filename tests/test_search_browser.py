"""End to end in headless Chromium: the /search/ page finds articles through Pagefind.

A sample site is built into ``www/sub/`` and served by a plain stdlib HTTP server,
so the archive lives under the sub-path ``/sub/`` as on a real deploy. Uses
Debian's chromium (/usr/bin/chromium) through Playwright; skips where it is absent.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archivesite.build import build
from archivesite.config import load_config
from processes import CHROMIUM, CHROMIUM_ARGS, needs_chromium

#: A cap on waiting for the page, not a timing a test depends on: a busy machine can take
#: many seconds to load Pagefind and search.
WAIT_MS = 120_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.timeout(300),
]


def story(title: str, date: str, place: str, agency: str, body: str, lang: str = "") -> str:
    language = f"language: {lang}\n" if lang else ""
    return (
        f"---\ntitle: {title}\ndate: {date}\ndateline: {place.upper()}\nplace: {place}\n"
        f"agency: {agency}\n{language}---\n{place.upper()}, ({agency}) — {body}\n"
    )


FILES = {
    "2022/01/11/talks.md": story(
        "Talks in Geneva",
        "2022-01-11",
        "Moscow",
        "TASS",
        "Officials said negotiations about missiles went on in Geneva.",
    ),
    "2021/01/11/delegates.md": story(
        "Delegates meet again", "2021-01-11", "Vienna", "AFP", "Delegates met in Vienna."
    ),
    "2022/01/12/harbor.md": story(
        "Harbor reopens", "2022-01-12", "Portland", "AP", "Officials said the harbor reopened."
    ),
    "2022/02/03/bridge.md": story(
        "Bridge repaired", "2022-02-03", "Boston", "AP", "Officials said the bridge was repaired."
    ),
    "2023/05/06/grain.md": story(
        "Grain deal extended", "2023-05-06", "Istanbul", "Reuters", "Officials said grain flows."
    ),
    "2023/05/07/peregovory.md": story(
        "Переговоры продолжаются",
        "2023-05-07",
        "Moscow",
        "Interfax",
        "Министры обсуждали ракеты.",
        lang="ru",
    ),
}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """(site root, URL of the site under /sub/), built into www/sub/ and served from www/."""
    root = tmp_path / "site"
    for rel, text in FILES.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "archivesite.toml").write_text('title = "Search archive"\nbase_url = "/sub/"\n')
    www = tmp_path / "www"
    build(load_config(root), out=www / "sub")
    handler = functools.partial(Quiet, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/sub/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def page(served: tuple[Path, str]) -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.set_default_timeout(WAIT_MS)
            pg = context.new_page()
            errors: list[str] = []
            pg.on("pageerror", lambda exc: errors.append(str(exc)))
            yield pg
            assert errors == [], errors
        finally:
            browser.close()


def results(page: Any) -> list[str]:
    """The headlines of the results shown, once the result list has settled."""
    page.wait_for_selector(".pagefind-ui__message", state="visible")
    page.wait_for_function(
        "() => !document.querySelector('.pagefind-ui__result .pagefind-ui__loading')"
    )
    titles = page.locator(".pagefind-ui__result-title").all_inner_texts()
    return sorted(t.strip() for t in titles)


def test_search_filter_and_delete(served: tuple[Path, str], page: Any) -> None:
    root, base = served
    page.goto(base + "search/?q=missiles")
    page.wait_for_selector(".pagefind-ui__result", state="visible")
    assert results(page) == ["Talks in Geneva"]
    hit = page.locator(".pagefind-ui__result").first
    text = hit.inner_text()
    assert "January 11, 2022" in text and "Moscow" in text  # date and place
    assert hit.locator(".pagefind-ui__result-excerpt mark").first.inner_text().lower() == (
        "missiles"
    )
    href = hit.locator("a.pagefind-ui__result-link").get_attribute("href")
    assert href == "/sub/2022/01/11/talks/"  # the sub-path is kept
    assert page.locator(".pagefind-ui__search-input").input_value() == "missiles"

    # Every English article says "officials"; filtering by agency leaves only AP's.
    page.goto(base + "search/?q=officials")
    page.wait_for_function("() => document.querySelectorAll('.pagefind-ui__result').length === 4")
    assert results(page) == [
        "Bridge repaired",
        "Grain deal extended",
        "Harbor reopens",
        "Talks in Geneva",
    ]
    page.locator(".pagefind-ui__filter-name", has_text=re.compile("agency", re.I)).click()
    page.locator(".pagefind-ui__filter-label", has_text=re.compile(r"^AP")).click()
    page.wait_for_function("() => document.querySelectorAll('.pagefind-ui__result').length === 2")
    assert results(page) == ["Bridge repaired", "Harbor reopens"]

    # Typing a new search updates ?q= so the search can be linked.
    page.locator(".pagefind-ui__search-input").fill("harbor")
    page.wait_for_function("() => location.search.includes('q=harbor')")

    # Delete the article, rebuild, and it is gone.
    (root / "content" / "2022" / "01" / "11" / "talks.md").unlink()
    build(load_config(root), out=Path(served[0]).parent / "www" / "sub")
    page.goto(base + "search/?q=missiles")
    page.wait_for_selector(".pagefind-ui__message", state="visible")
    page.wait_for_function(
        "() => /No results/i.test(document.querySelector('.pagefind-ui__message').textContent)"
    )
    assert page.locator(".pagefind-ui__result").count() == 0


def test_header_box_and_languages(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    # The header form is a plain GET form that reaches the search page.
    page.goto(base + "2022/01/12/harbor/")
    page.locator("#site-search-q").fill("bridge")
    page.locator(".site-search button").click()
    page.wait_for_url(re.compile(r"/sub/search/\?q=bridge$"))
    page.wait_for_selector(".pagefind-ui__result", state="visible")
    assert results(page) == ["Bridge repaired"]
    assert page.locator("#site-search-q").input_value() == "bridge"  # the box keeps it

    # English index by default: the Russian article is not in it ...
    page.goto(base + "search/?q=ракеты")
    page.wait_for_selector(".pagefind-ui__message", state="visible")
    page.wait_for_function(
        "() => /No results/i.test(document.querySelector('.pagefind-ui__message').textContent)"
    )
    # ... the language links lead to the Russian index, searched with Russian stemming
    # ("ракета" finds "ракеты").
    page.locator("#search-options a", has_text=re.compile(r"\(1\)")).click()
    page.wait_for_url(re.compile(r"lang=ru"))
    page.goto(base + "search/?q=ракета&lang=ru")
    page.wait_for_selector(".pagefind-ui__result", state="visible")
    assert results(page) == ["Переговоры продолжаются"]
    assert page.evaluate("document.documentElement.lang") == "ru"

    # Searching from the Russian article's header searches the Russian index.
    page.goto(base + "2023/05/07/peregovory/")
    page.locator("#site-search-q").fill("министры")
    page.locator(".site-search button").click()
    page.wait_for_url(re.compile(r"lang=ru"))
    page.wait_for_selector(".pagefind-ui__result", state="visible")
    assert results(page) == ["Переговоры продолжаются"]


def test_first_result_in_view_on_a_phone(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "search/?q=officials")
    page.wait_for_selector(".pagefind-ui__result", state="visible")
    box = page.locator(".pagefind-ui__result").first.bounding_box()
    assert box is not None and box["y"] + 40 < 844  # its headline is on the first screen
    panel = page.locator(".pagefind-ui__filter-panel").bounding_box()
    assert panel is not None and panel["y"] > box["y"]  # the filters come after the results


def test_histogram_and_on_this_day_links(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    page.goto(base + "archive/")
    page.locator(".histogram td a", has_text="January 2022").click()
    page.wait_for_url(re.compile(r"/sub/2022/01/$"))
    assert page.locator("h1").inner_text() == "January 2022"
    page.goto(base + "2022/01/11/")
    page.locator(".on-this-day a").click()
    page.wait_for_url(re.compile(r"/sub/on-this-day/01-11/$"))
    assert page.locator("section.otd-year h2").all_inner_texts() == ["2022", "2021"]
    titles = page.locator(".teaser-title").all_inner_texts()
    assert titles == ["Talks in Geneva", "Delegates meet again"]


def checked_filters(page: Any) -> list[str]:
    return sorted(
        page.locator(".pagefind-ui__filter-checkbox:checked").evaluate_all(
            "els => els.map(e => e.name + '=' + e.value)"
        )
    )


def wait_for_count(page: Any, n: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.pagefind-ui__result').length === n", arg=n
    )


def test_query_and_filters_live_in_the_address(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    page.goto(base + "search/?q=officials")
    wait_for_count(page, 4)

    # Ticking a filter adds it to the address, as a new history entry.
    page.locator(".pagefind-ui__filter-name", has_text=re.compile("agency", re.I)).click()
    page.locator(".pagefind-ui__filter-label", has_text=re.compile(r"^AP")).click()
    page.wait_for_url(re.compile(r"/sub/search/\?q=officials&agency=AP$"))
    wait_for_count(page, 2)
    assert results(page) == ["Bridge repaired", "Harbor reopens"]

    # A reload (or the link, shared) shows the same search: the box and the ticked filter.
    page.reload()
    wait_for_count(page, 2)
    assert page.locator(".pagefind-ui__search-input").input_value() == "officials"
    assert page.locator("#site-search-q").input_value() == "officials"
    assert checked_filters(page) == ["agency=AP"]
    assert results(page) == ["Bridge repaired", "Harbor reopens"]

    # A new query is another entry; the filter stays.
    page.locator(".pagefind-ui__search-input").fill("harbor")
    page.wait_for_url(re.compile(r"\?q=harbor&agency=AP$"))
    wait_for_count(page, 1)

    # Back: the query and the filter of each earlier entry come back.
    page.go_back()
    page.wait_for_url(re.compile(r"\?q=officials&agency=AP$"))
    page.wait_for_function(
        "() => document.querySelector('.pagefind-ui__search-input').value === 'officials'"
    )
    wait_for_count(page, 2)
    assert checked_filters(page) == ["agency=AP"]
    page.go_back()
    page.wait_for_url(re.compile(r"/sub/search/\?q=officials$"))
    wait_for_count(page, 4)
    assert checked_filters(page) == []
    assert page.locator("#site-search-q").input_value() == "officials"
    page.go_forward()
    page.wait_for_url(re.compile(r"\?q=officials&agency=AP$"))
    wait_for_count(page, 2)
    assert checked_filters(page) == ["agency=AP"]

    # A link with several filters, opened fresh, runs that search.
    page.goto(base + "search/?q=officials&year=2022&agency=AP")
    wait_for_count(page, 2)
    assert checked_filters(page) == ["agency=AP", "year=2022"]
    page.goto(base + "search/?q=officials&year=2023")
    wait_for_count(page, 1)
    assert results(page) == ["Grain deal extended"]
    # The order links keep the query and the filters.
    page.locator("#search-options a", has_text="newest first").click()
    page.wait_for_url(re.compile(r"\?q=officials&year=2023&sort=newest$"))
    wait_for_count(page, 1)

    # Off to a result and back: the search is still there.
    page.locator("a.pagefind-ui__result-link").first.click()
    page.wait_for_url(re.compile(r"/sub/2023/05/06/grain/$"))
    page.go_back()
    page.wait_for_function("() => location.search === '?q=officials&year=2023&sort=newest'")
    wait_for_count(page, 1)
    assert page.locator(".pagefind-ui__search-input").input_value() == "officials"
    assert checked_filters(page) == ["year=2023"]
    # Opening a search adds no history entry of its own (even with its parameters in
    # another order): one more Back is the page before the order link.
    page.go_back()
    page.wait_for_function("() => location.search === '?q=officials&year=2023'")
    wait_for_count(page, 1)
