"""End to end in headless Chromium: the /search/ page finds articles through the archive's
own search index (search-index/, read by assets/search-engine.js).

A sample site is built into ``www/sub/`` and served by a plain stdlib HTTP server,
so the archive lives under the sub-path ``/sub/`` as on a real deploy. Uses
Debian's chromium (/usr/bin/chromium) through Playwright; skips where it is absent.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archivesite.build import build
from archivesite.config import load_config
from processes import CHROMIUM, CHROMIUM_ARGS, needs_chromium

#: A cap on waiting for the page, not a timing a test depends on: a busy machine can take
#: many seconds to load the engine and search (a wait ends as soon as its condition holds).
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
    # Twelve bulletins, for 'More results' (ten a page).
    **{
        f"2020/03/{day:02d}/bulletin-{day}.md": story(
            f"Weather bulletin {day}", f"2020-03-{day:02d}", "Oslo", "NTB", "Snow is expected."
        )
        for day in range(1, 13)
    },
}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """(site root, URL of the site under /sub/), built into www/sub/ and served from www/;
    a test's indirect parameter adds lines to the configuration."""
    root = tmp_path / "site"
    for rel, text in FILES.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = 'title = "Search archive"\nbase_url = "/sub/"\n' + getattr(request, "param", "")
    (root / "archivesite.toml").write_text(config, encoding="utf-8")
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


def wait_for_count(page: Any, n: int) -> None:
    """Until the page shows ``n`` results and its status says the search is done."""
    page.wait_for_function(
        """n => {
            const status = document.getElementById('search-status').textContent;
            return document.querySelectorAll('#search-results > li').length === n
                && status !== '' && !/Searching/.test(status);
        }""",
        arg=n,
    )


def titles(page: Any) -> list[str]:
    """The headlines of the results shown, in their order."""
    return [t.strip() for t in page.locator("#search-results > li h2").all_inner_texts()]


def results(page: Any) -> list[str]:
    return sorted(titles(page))


def ticked(page: Any) -> list[str]:
    return sorted(
        page.locator("#search-filters input:checked").evaluate_all(
            "els => els.map(e => e.name + '=' + e.value)"
        )
    )


def tick(page: Any, facet: str, value: str) -> None:
    details = page.locator(f"#search-filters details[data-facet={facet}]")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    details.get_by_role("checkbox", name=re.compile(rf"^{re.escape(value)}\b")).check()


def test_search_finds_filters_and_forgets_a_deleted_article(
    served: tuple[Path, str], page: Any
) -> None:
    root, base = served
    page.goto(base + "search/?q=missiles")
    wait_for_count(page, 1)
    assert results(page) == ["Talks in Geneva"]
    assert page.locator("#search-status").inner_text() == "1 result"
    hit = page.locator("#search-results > li").first
    text = hit.inner_text()
    assert "January 11, 2022" in text and "Moscow" in text and "TASS" in text
    assert hit.locator(".excerpt mark").first.inner_text().lower() == "missiles"
    assert hit.locator("h2 a").get_attribute("href") == "/sub/2022/01/11/talks/"  # sub-path
    assert page.locator("#search-q").input_value() == "missiles"
    assert page.locator("#site-search-q").input_value() == "missiles"  # the header box too
    assert page.title() == "missiles · Search · Search archive"

    # Stemming: 'negotiation' finds 'negotiations'; every word must match.
    page.goto(base + "search/?q=negotiation+Geneva")
    wait_for_count(page, 1)
    page.goto(base + "search/?q=negotiation+Vienna")
    page.wait_for_function(
        "() => /No results/.test(document.getElementById('search-status').textContent)"
    )
    assert page.locator("#search-results > li").count() == 0

    # Every English article but one says "officials"; filtering by agency leaves AP's.
    page.goto(base + "search/?q=officials")
    wait_for_count(page, 4)
    assert page.locator("#search-status").inner_text() == "4 results"
    assert results(page) == [
        "Bridge repaired",
        "Grain deal extended",
        "Harbor reopens",
        "Talks in Geneva",
    ]
    tick(page, "agency", "AP")
    wait_for_count(page, 2)
    assert results(page) == ["Bridge repaired", "Harbor reopens"]

    # Typing a new search updates ?q= so the search can be linked.
    page.locator("#search-q").fill("harbor")
    page.wait_for_function("() => location.search.includes('q=harbor')")
    wait_for_count(page, 1)

    # Delete the article, rebuild, and it is gone.
    (root / "content" / "2022" / "01" / "11" / "talks.md").unlink()
    build(load_config(root), out=Path(served[0]).parent / "www" / "sub")
    page.goto(base + "search/?q=missiles")
    page.wait_for_function(
        "() => /No results/.test(document.getElementById('search-status').textContent)"
    )
    assert page.locator("#search-results > li").count() == 0


def test_header_box_russian_stemming_and_more_results(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    # The header form is a plain GET form that reaches the search page.
    page.goto(base + "2022/01/12/harbor/")
    page.locator("#site-search-q").fill("bridge")
    page.locator(".site-search button").click()
    page.wait_for_url(re.compile(r"/sub/search/\?q=bridge$"))
    wait_for_count(page, 1)
    assert results(page) == ["Bridge repaired"]
    assert page.locator("#site-search-q").input_value() == "bridge"  # the box keeps it

    # One index for every language, Russian words by the Russian stemmer:
    # "ракета" finds "ракеты", "министр" finds "Министры".
    page.goto(base + "search/?q=ракета")
    wait_for_count(page, 1)
    assert results(page) == ["Переговоры продолжаются"]
    assert page.locator("#search-results > li").first.get_attribute("lang") == "ru"
    page.goto(base + "search/?q=Министр")
    wait_for_count(page, 1)

    # Ten results a page, then 'More results' adds the rest.
    page.goto(base + "search/?q=snow")
    wait_for_count(page, 10)
    assert page.locator("#search-status").inner_text() == "12 results"
    page.get_by_role("button", name="More results").click()
    wait_for_count(page, 12)
    assert page.get_by_role("button", name="More results").is_hidden()


def test_sort_by_date(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    page.goto(base + "search/?q=officials&sort=newest")
    wait_for_count(page, 4)
    newest = ["Grain deal extended", "Bridge repaired", "Harbor reopens", "Talks in Geneva"]
    assert titles(page) == newest
    page.locator("#search-sort a", has_text="Oldest first").click()
    page.wait_for_url(re.compile(r"\?q=officials&sort=oldest$"))
    page.wait_for_function(
        "t => document.querySelector('#search-results > li h2').textContent.trim() === t",
        arg="Talks in Geneva",
    )
    wait_for_count(page, 4)
    assert titles(page) == newest[::-1]
    assert page.locator("#search-sort a[aria-current]").inner_text() == "Oldest first"
    page.go_back()
    page.wait_for_url(re.compile(r"\?q=officials&sort=newest$"))
    page.wait_for_function(
        "t => document.querySelector('#search-results > li h2').textContent.trim() === t",
        arg="Grain deal extended",
    )


def test_first_result_in_view_on_a_phone(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "search/?q=officials")
    wait_for_count(page, 4)
    box = page.locator("#search-results > li").first.bounding_box()
    assert box is not None and box["y"] + 40 < 844  # its headline is on the first screen
    panel = page.locator("#search-filters").bounding_box()
    assert panel is not None and panel["y"] > box["y"]  # the filters come after the results
    # ... and they are folded: a line per filter until opened.
    assert page.locator("#search-filters details[open]").count() == 0


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


def test_query_and_filters_live_in_the_address(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    page.goto(base + "search/?q=officials")
    wait_for_count(page, 4)

    # Ticking a filter adds it to the address, as a new history entry.
    tick(page, "agency", "AP")
    page.wait_for_url(re.compile(r"/sub/search/\?q=officials&agency=AP$"))
    wait_for_count(page, 2)
    assert results(page) == ["Bridge repaired", "Harbor reopens"]

    # A reload (or the link, shared) shows the same search: the box and the ticked filter.
    page.reload()
    wait_for_count(page, 2)
    assert page.locator("#search-q").input_value() == "officials"
    assert page.locator("#site-search-q").input_value() == "officials"
    assert ticked(page) == ["agency=AP"]
    assert results(page) == ["Bridge repaired", "Harbor reopens"]

    # A new query is another entry; the filter stays.
    page.locator("#search-q").fill("harbor")
    page.wait_for_url(re.compile(r"\?q=harbor&agency=AP$"))
    wait_for_count(page, 1)

    # Back: the query and the filter of each earlier entry come back.
    page.go_back()
    page.wait_for_url(re.compile(r"\?q=officials&agency=AP$"))
    page.wait_for_function("() => document.getElementById('search-q').value === 'officials'")
    wait_for_count(page, 2)
    assert ticked(page) == ["agency=AP"]
    page.go_back()
    page.wait_for_url(re.compile(r"/sub/search/\?q=officials$"))
    wait_for_count(page, 4)
    assert ticked(page) == []
    assert page.locator("#site-search-q").input_value() == "officials"
    page.go_forward()
    page.wait_for_url(re.compile(r"\?q=officials&agency=AP$"))
    wait_for_count(page, 2)
    assert ticked(page) == ["agency=AP"]

    # A link with several filters, opened fresh, runs that search (OR within a filter,
    # AND across filters).
    page.goto(base + "search/?q=officials&year=2022&agency=AP")
    wait_for_count(page, 2)
    assert ticked(page) == ["agency=AP", "year=2022"]
    page.goto(base + "search/?q=officials&year=2022&year=2023&agency=Reuters")
    wait_for_count(page, 1)
    assert results(page) == ["Grain deal extended"]
    page.goto(base + "search/?q=officials&year=2023")
    wait_for_count(page, 1)
    # The order links keep the query and the filters.
    page.locator("#search-sort a", has_text="Newest first").click()
    page.wait_for_url(re.compile(r"\?q=officials&year=2023&sort=newest$"))
    wait_for_count(page, 1)

    # Off to a result and back: the search is still there.
    page.locator("#search-results a").first.click()
    page.wait_for_url(re.compile(r"/sub/2023/05/06/grain/$"))
    page.go_back()
    page.wait_for_function("() => location.search === '?q=officials&year=2023&sort=newest'")
    wait_for_count(page, 1)
    assert page.locator("#search-q").input_value() == "officials"
    assert ticked(page) == ["year=2023"]
    # Opening a search adds no history entry of its own: one more Back is the page
    # before the order link.
    page.go_back()
    page.wait_for_function("() => location.search === '?q=officials&year=2023'")
    wait_for_count(page, 1)


@pytest.mark.parametrize("served", ['language = "ru"\n'], indirect=True)
def test_a_russian_site_searches_in_russian_words(served: tuple[Path, str], page: Any) -> None:
    _, base = served
    page.goto(base + "search/?q=officials&sort=newest")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results > li').length === 4"
        " && /результат/.test(document.getElementById('search-status').textContent)"
    )
    assert page.locator("#search-status").inner_text() == "4 результата"  # Russian plural
    assert page.locator("#search-sort a[aria-current]").inner_text() == "Сначала новые"
    assert page.locator("#search-filters summary").all_inner_texts() == [
        "Год",
        "Место",
        "Агентство",
    ]
    assert "6 мая 2023" in page.locator("#search-results > li").first.inner_text()
    assert page.get_by_label("Поиск по архиву").count() == 2  # the header's box and the page's
    page.goto(base + "search/?q=snow")
    page.wait_for_function(
        "() => /12 результатов/.test(document.getElementById('search-status').textContent)"
    )
    page.goto(base + "search/?q=zzzz")
    page.wait_for_function(
        "() => /Ничего не найдено/.test(document.getElementById('search-status').textContent)"
    )


def test_opened_from_a_file_the_page_says_search_needs_a_server(
    served: tuple[Path, str], page: Any
) -> None:
    root, _ = served
    out = root.parent / "www" / "sub"
    page.goto((out / "search" / "index.html").as_uri() + "?q=officials")
    message = page.locator("#search-file")
    message.wait_for(state="visible")
    assert "needs a web server" in message.inner_text()
    assert page.locator("#search-form").is_hidden()
    assert message.get_by_role("link", name="Archive").count() == 1
    # The rest of the archive still reads from files.
    page.goto((out / "2022" / "01" / "12" / "harbor" / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Harbor reopens"


def test_a_host_without_the_index_gets_a_plain_message(served: tuple[Path, str], page: Any) -> None:
    root, base = served
    shutil.rmtree(root.parent / "www" / "sub" / "search-index")  # not uploaded, say
    page.goto(base + "search/?q=officials")
    page.wait_for_function(
        "() => /could not be loaded/.test(document.getElementById('search-status').textContent)"
    )
    assert page.locator("#search-results > li").count() == 0
