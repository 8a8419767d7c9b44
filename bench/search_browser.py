"""The named queries in headless Chromium against a built site's search index.

Owns: :func:`measure` (bytes on the wire and time to results per query) and
:func:`search` (one query on a running server, e.g. ``archivesite serve``). The
site's output folder is served by the counting static host of the search design
(``search_design/server.py``: gzip where a static host compresses, ranges, every
response logged with its bytes on the wire). For each query of
``search_design/corpus.py``'s :data:`QUERIES`, a fresh browser context (empty
cache) opens ``/search/`` (no query, so the page itself searches nothing), opens
the engine (``ArchiveSearch.open``) and runs the query: the **first query**,
timed from navigation start to the results. Then the next query of the set in
the same page: the **second query** (the runtime and whatever the first read are
cached). Each response is counted as runtime (``.js``/``.wasm`` outside the index
folder), index data (inside it) or page (HTML, CSS, the rest). Results are
checked against the exact answer (``search_design/truth.py``).
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH / "search_design"))

import corpus  # noqa: E402
from server import Host  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
RUNTIME_SUFFIXES = (".js", ".mjs", ".wasm")

#: Open the engine once per page (kept on ``window``), run one query, time it.
RUN_QUERY = """async ([indexUrl, query]) => {
  const started = performance.now();
  window.__benchEngine = window.__benchEngine || await ArchiveSearch.open(indexUrl);
  const r = await window.__benchEngine.search(query);
  const now = performance.now();
  return {total: r.total, results: r.results, sinceNavigation: now, ms: now - started};
}"""


def engine_query(q: corpus.Query, limit: int = 10) -> dict[str, Any]:
    """A named query as the engine's ``search`` argument (Contract 2)."""
    filters = {"year": [str(q.year)]} if q.year else {}
    sort = "newest" if q.by_date else "relevance"
    return {"q": q.text, "filters": filters, "sort": sort, "offset": 0, "limit": limit}


def split(log: list[tuple[str, int, int]], index_dir: str) -> dict[str, int]:
    """Bytes on the wire by kind, and the number of requests."""
    kinds = {"runtime_bytes": 0, "index_bytes": 0, "page_bytes": 0}
    for path, sent, _ in log:
        path = path.split("?")[0]
        if path.startswith(f"/{index_dir}/"):
            kinds["index_bytes"] += sent
        elif path.endswith(RUNTIME_SUFFIXES):
            kinds["runtime_bytes"] += sent
        else:
            kinds["page_bytes"] += sent
    return {**kinds, "requests": len(log)}


def judge(result: dict[str, Any], expected: dict[str, Any] | None) -> dict[str, Any]:
    """The engine's total against the exact one; for a small answer, the URLs found."""
    if expected is None:
        return {"total": result["total"]}
    got: dict[str, Any] = {"total": result["total"], "exact_total": expected["total"]}
    if expected["urls"]:
        urls = {"/" + r["url"].lstrip("/") for r in result["results"]}
        shown = min(len(expected["urls"]), 10)
        got["found"] = f"{len(urls & set(expected['urls']))}/{shown}"
    return got


def _open(page: Any, base: str) -> None:
    page.goto(f"{base}/search/")
    page.wait_for_function("window.ArchiveSearch !== undefined", timeout=30_000)


def measure(out: Path, index_dir: str, truth: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every named query, first and second, against the site built in ``out``."""
    from playwright.sync_api import sync_playwright

    rows: dict[str, Any] = {}
    queries = corpus.QUERIES
    with sync_playwright() as p, Host(out) as host:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            for i, q in enumerate(queries):
                nxt = queries[(i + 1) % len(queries)]
                context = browser.new_context()
                page = context.new_page()
                host.take_log()
                _open(page, host.url)
                index_url = f"{host.url}/{index_dir}/"
                first = page.evaluate(RUN_QUERY, [index_url, engine_query(q)])
                first_log = host.take_log()
                second = page.evaluate(RUN_QUERY, [index_url, engine_query(nxt)])
                second_log = host.take_log()
                context.close()
                rows[q.name] = {
                    "first": {
                        **split(first_log, index_dir),
                        "ms": round(first["sinceNavigation"]),
                        "engine_ms": round(first["ms"]),
                        **judge(first, truth and truth[q.name]),
                    },
                    "second": {
                        "query": nxt.name,
                        **split(second_log, index_dir),
                        "ms": round(second["ms"]),
                        **judge(second, truth and truth[nxt.name]),
                    },
                }
        finally:
            browser.close()
    return rows


#: Before any page script: note when the first result is in the list (a reader's view).
WATCH_RESULTS = """(() => {
  new MutationObserver((changes, watcher) => {
    const list = document.getElementById("search-results");
    if (list && list.children.length) {
      window.__firstResults = performance.now();
      watcher.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
})();"""

#: Each file the page fetched: its path, when asked and when received (ms since navigation).
WATERFALL = """() => ({
  results: window.__firstResults,
  domContentLoaded: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
  files: performance.getEntriesByType("resource").map((e) => [
    new URL(e.name).pathname, Math.round(e.startTime), Math.round(e.responseEnd)]),
})"""


def address(q: corpus.Query) -> str:
    """The search page's address for a named query, as a reader would open or share it."""
    from urllib.parse import urlencode

    params = [("q", q.text)] + ([("year", str(q.year))] if q.year else [])
    params += [("sort", "newest")] if q.by_date else []
    return "/search/?" + urlencode(params)


def page_first_results(out: Path, rounds: int = 3) -> dict[str, Any]:
    """Each named query opened as the search page's address in a fresh context (empty
    cache): the time from navigation start until its first result is in the page (the
    median of ``rounds``), and the last round's files with when each was asked for and
    received."""
    from playwright.sync_api import sync_playwright

    rows: dict[str, Any] = {}
    with sync_playwright() as p, Host(out) as host:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            for q in corpus.QUERIES:
                times, got = [], {}
                for _ in range(rounds):
                    context = browser.new_context()
                    context.add_init_script(WATCH_RESULTS)
                    page = context.new_page()
                    page.goto(host.url + address(q))
                    page.wait_for_function("window.__firstResults !== undefined", timeout=60_000)
                    got = page.evaluate(WATERFALL)
                    times.append(got["results"])
                    context.close()
                rows[q.name] = {
                    "ms": round(sorted(times)[len(times) // 2]),
                    "all_ms": [round(t) for t in times],
                    "dom_content_loaded_ms": round(got["domContentLoaded"]),
                    "files": got["files"],
                }
        finally:
            browser.close()
    return rows


def query_costs(out: Path, index_dir: str, rounds: int = 3) -> dict[str, dict[str, float]]:
    """Each named query in a fresh page (empty cache), opening the engine and searching:
    the median of ``rounds`` times (ms), and the index bytes it read (gzipped, as sent)."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {q.name: [] for q in corpus.QUERIES}
    sent: dict[str, int] = {}
    with sync_playwright() as p, Host(out) as host:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            for _ in range(rounds):
                for q in corpus.QUERIES:
                    context = browser.new_context()
                    page = context.new_page()
                    _open(page, host.url)
                    host.take_log()
                    got = page.evaluate(RUN_QUERY, [f"{host.url}/{index_dir}/", engine_query(q)])
                    times[q.name].append(got["ms"])
                    sent[q.name] = split(host.take_log(), index_dir)["index_bytes"]
                    context.close()
        finally:
            browser.close()
    return {
        name: {"ms": sorted(ms)[len(ms) // 2], "index_bytes": sent[name]}
        for name, ms in times.items()
    }


def paired_query_costs(
    sides: dict[str, Path], index_dir: str, rounds: int = 7
) -> dict[str, dict[str, dict[str, Any]]]:
    """:func:`query_costs` of several site roots at once, one browser and a host each:
    every query run on each side in turn (the order turned each round), so the machine's
    load falls on both alike. Per side and query: the median time (ms), each round's,
    and the index bytes read."""
    from playwright.sync_api import sync_playwright

    names = list(sides)
    times = {side: {q.name: [] for q in corpus.QUERIES} for side in names}
    sent: dict[str, dict[str, int]] = {side: {} for side in names}
    with sync_playwright() as p, contextlib.ExitStack() as stack:
        hosts = {side: stack.enter_context(Host(root)) for side, root in sides.items()}
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            for r in range(rounds):
                for q in corpus.QUERIES:
                    for side in names if r % 2 == 0 else names[::-1]:
                        host = hosts[side]
                        context = browser.new_context()
                        page = context.new_page()
                        _open(page, host.url)
                        host.take_log()
                        query = [f"{host.url}/{index_dir}/", engine_query(q)]
                        times[side][q.name].append(page.evaluate(RUN_QUERY, query)["ms"])
                        sent[side][q.name] = split(host.take_log(), index_dir)["index_bytes"]
                        context.close()
        finally:
            browser.close()
    return {
        side: {
            name: {
                "ms": statistics.median(ms),
                "rounds_ms": [round(t) for t in ms],
                "index_bytes": sent[side][name],
            }
            for name, ms in by_query.items()
        }
        for side, by_query in times.items()
    }


def search(base: str, index_dir: str, text: str, timeout: float = 60.0) -> int:
    """The number of results for ``text`` on the site served at ``base`` (a fresh page)."""
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + timeout
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(max(1.0, deadline - time.monotonic()) * 1000)
            _open(page, base.rstrip("/"))
            query = engine_query(corpus.Query("probe", text, "en"))
            got = page.evaluate(RUN_QUERY, [f"{base.rstrip('/')}/{index_dir}/", query])
            return int(got["total"])
        finally:
            browser.close()
