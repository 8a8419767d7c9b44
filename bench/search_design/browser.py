"""The named queries in Chromium against one candidate's index, through a counting host.

Owns: :func:`measure`. For each query of ``corpus.QUERIES``, a fresh browser
context (empty cache) opens the candidate's page (``web/<candidate>.html``),
runs that query (the first query: runtime and index data are fetched), then the
next query of the set (the second query: the runtime and whatever index data the
first fetched are cached). Each is reported with the bytes on the wire (gzip
where the host compresses, ``server.Host``), split into runtime (scripts,
WebAssembly, the stemmers) and index data, the number of requests, the time to
the results (for the first query, from navigation start), and the results
checked against :mod:`truth`. Then the whole-file host: a host answering range
requests with ``200`` must make the client refuse, not download the index.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import corpus
import truth
from playwright.sync_api import sync_playwright
from server import Host

HERE = Path(__file__).resolve().parent
RUNTIME_SUFFIXES = (".js", ".wasm", ".css", ".html", ".pagefind")
#: The word every edit adds (the candidates' edit steps append it).
EDIT_WORD = "zanzibarite"


def is_runtime(path: str) -> bool:
    path = path.split("?")[0]
    return path.startswith("/web/") or path.endswith(RUNTIME_SUFFIXES)


def split(log: list[tuple[str, int, int]]) -> dict[str, int]:
    runtime = sum(b for p, b, _ in log if is_runtime(p))
    data = sum(b for p, b, _ in log if not is_runtime(p))
    return {"runtime_bytes": runtime, "data_bytes": data, "requests": len(log)}


def config(candidate: str, q: corpus.Query, out: Path) -> dict[str, Any]:
    cfg: dict[str, Any] = {"q": q.text, "year": q.year, "byDate": q.by_date, "lang": q.lang}
    if candidate == "pf":
        shards = sorted((p.name for p in out.iterdir() if p.is_dir()), reverse=True)
        cfg["shards"] = shards
    return cfg


def page_records(corpus_path: Path) -> dict[str, tuple[str, str]]:
    """Pagefind's page paths (``/aN.html``) to each record's URL and date."""
    return {f"a{r['id']}.html": (r["url"], r["date"]) for r in corpus.read(corpus_path)}


def resolve(result: dict[str, Any], pages: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Results carrying a page path instead of the article's URL and date, resolved."""
    for r in result["results"]:
        name = r["url"].rsplit("/", 1)[-1]
        if name in pages:
            r["url"], r["date"] = pages[name]
    return result


def judge(result: dict[str, Any], expected: dict[str, Any], q: corpus.Query) -> dict[str, Any]:
    got = {"total": result["total"], "expected_total": expected["total"]}
    if q.by_date:
        dates = [r["date"][:10] for r in result["results"]]
        got["newest_dates_ok"] = dates == expected["newest_dates"][: len(dates)] and bool(dates)
    if expected["urls"]:
        urls = {r["url"] for r in result["results"]}
        got["found_of_expected"] = f"{len(urls & set(expected['urls']))}/{len(expected['urls'])}"
    return got


def measure(candidate: str, out: Path, corpus_path: Path) -> dict[str, Any]:
    expected = truth.answers(corpus_path)
    pages = page_records(corpus_path) if candidate == "pf" else {}
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "web").symlink_to(HERE / "web")
        (root / "idx").symlink_to(out)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            with Host(root) as host:
                queries = corpus.QUERIES
                for i, q in enumerate(queries):
                    nxt = queries[(i + 1) % len(queries)]
                    context = browser.new_context()
                    page = context.new_page()
                    host.take_log()
                    page.goto(f"{host.url}/web/{candidate}.html")
                    page.wait_for_function("window.runQuery !== undefined")
                    first = page.evaluate("cfg => runQuery(cfg)", config(candidate, q, out))
                    first = resolve(first, pages)
                    first_log = host.take_log()
                    second = page.evaluate("cfg => runQuery(cfg)", config(candidate, nxt, out))
                    second = resolve(second, pages)
                    second_log = host.take_log()
                    context.close()
                    rows[q.name] = {
                        "first": {
                            **split(first_log),
                            "ms": round(first["ms"]),
                            **judge(first, expected[q.name], q),
                            "top": [r["title"][:50] for r in first["results"][:3]],
                        },
                        "second": {
                            "query": nxt.name,
                            **split(second_log),
                            "ms": round(second["ms"]),
                            **judge(second, expected[nxt.name], nxt),
                        },
                    }
            rows["whole_file_host"] = whole_file(browser, root, candidate, out)
            browser.close()
    return rows


def whole_file(browser: Any, root: Path, candidate: str, out: Path) -> dict[str, Any]:
    """A host that answers ranges with the whole file: what the client does, and fetches."""
    with Host(root, whole_file=True) as host:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{host.url}/web/{candidate}.html")
        page.wait_for_function("window.runQuery !== undefined")
        try:
            page.evaluate("cfg => runQuery(cfg)", config(candidate, corpus.QUERIES[0], out))
            outcome = "searched"
        except Exception as exc:  # the page's error, as a reader would see it
            outcome = str(exc).splitlines()[0][:200]
        context.close()
        return {"outcome": outcome, **split(host.take_log())}


def after_edits(candidate: str, out: Path, corpus_path: Path) -> dict[str, Any]:
    """After the edit step: the edited word is found, and what the common query costs now."""
    probes = (corpus.Query("edited", EDIT_WORD, "en"), corpus.QUERIES[1])
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "web").symlink_to(HERE / "web")
        (root / "idx").symlink_to(out)
        with sync_playwright() as p, Host(root) as host:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            for q in probes:
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{host.url}/web/{candidate}.html")
                page.wait_for_function("window.runQuery !== undefined")
                host.take_log()
                got = page.evaluate("cfg => runQuery(cfg)", config(candidate, q, out))
                rows[q.name] = {"total": got["total"], "ms": round(got["ms"])}
                rows[q.name].update(split(host.take_log()))
                context.close()
            browser.close()
    return rows
