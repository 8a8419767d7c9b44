"""The benchmark harness: archivesite side by side with the bare loop, Pelican and Hugo.

Owns: generating N articles for every tool (bench/generate.py), building them
with each tool in one run, repeating each measure (median of ``--runs``), and
printing a table of medians and ratios for the measures of issue 4's targets,
plus the import benchmark of issue 2 (``archivesite import`` of 10,000 raw wire
files) and, where bench/search_bench.py exists, search indexing on its own line.

Measures:

- archivesite: cold build (``build --clean``, with the output and
  ``.archivesite/`` deleted first), no-op rebuild, one article edited, one
  template edited (an override of ``base.html``, which every HTML page extends),
  peak memory (of the cold build: PSS summed over the process tree, and the
  largest single process's RSS; see bench/measure.py);
- archivesite under ``serve`` (part of ``archivesite``; ``--only serve`` runs it
  alone): the same article edited while ``archivesite serve`` runs on the bench
  site, timed from the file write to the ``reload`` event on its live-reload
  stream (bench/serve_reload.py), as the peers' one-edit numbers are measured
  under ``hugo server`` and Pelican's ``--autoreload``; the 0.3 s target is
  judged on this row;
- the bare loop (bench/bare_loop.py) with 1 and with N processes, cold;
- Pelican and Hugo (year/month/day sections, and a flat layout), cold.

Options that the installed ``archivesite build`` lacks (``--clean``,
``--jobs``) are detected from its ``--help`` and left out; a command that fails
is reported as ``n/a`` with its last line of output, and the run goes on.

    .venv/bin/python bench/run.py --articles 10000            # make bench
    .venv/bin/python bench/run.py --articles 1000 --runs 3 --skip-peers
    .venv/bin/python bench/run.py --only import
    .venv/bin/python bench/run.py --articles 10000 --record   # also update BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import peers  # noqa: E402
from measure import Measurement, TreePeak, median, run_measured  # noqa: E402
from serve_reload import EventStream, ServeError, ServeProcess, edit_until_reload  # noqa: E402

COLD_ALL_MARKDOWN = "cold, all Python-Markdown"
NAMES = ("archivesite", "serve", "bare", "pelican", "hugo", "hugo-flat", "import", "search")
SERVE_EDIT = "one article edited (serve)"
SEARCH_STEP = "search step (cold build)"
SEARCH_ADDS = "search adds to cold"
TEMPLATE = "base.html"  # the template every HTML page of the built-in theme extends


@dataclass
class Result:
    """The runs of one measure of one tool."""

    tool: str
    measure: str
    runs: list[Measurement] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(m.ok for m in self.runs)

    @property
    def seconds(self) -> float | None:
        return median([m.seconds for m in self.runs]) if self.ok else None

    @property
    def peak_mb(self) -> float | None:
        """The highest PSS summed over the process tree, over all runs."""
        return max(m.peak_mb for m in self.runs) if self.ok else None

    @property
    def largest_mb(self) -> float | None:
        """The largest single process's RSS, over all runs."""
        return max(m.largest_mb for m in self.runs) if self.ok else None

    def failure(self) -> str:
        bad = [m for m in self.runs if not m.ok]
        if not bad:
            return self.note or "not run"
        last = bad[0].tail.strip().splitlines()
        return f"failed (exit {bad[0].returncode}): {last[-1] if last else ''}"


def _log(msg: str) -> None:
    print(msg, flush=True)


def _say(result: Result) -> Result:
    if result.ok:
        times = ", ".join(f"{m.seconds:.2f}" for m in result.runs)
        _log(
            f"  {result.tool:<14} {result.measure:<26} median {result.seconds:7.2f} s "
            f"(runs: {times}) peak PSS {result.peak_mb:5.0f} MB, "
            f"largest RSS {result.largest_mb:5.0f} MB"
        )
    else:
        _log(f"  {result.tool:<14} {result.measure:<26} n/a: {result.failure()}")
    return result


def repeat(
    tool: str,
    measure: str,
    runs: int,
    command: Callable[[int], Sequence[str | Path]],
    *,
    before: Callable[[int], None] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """Run ``command(i)`` ``runs`` times (after ``before(i)``); stop at the first failure."""
    result = Result(tool, measure)
    log = WORK / "logs" / f"{tool}-{measure.replace(' ', '-')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    for i in range(runs):
        if before:
            before(i)
        m = run_measured(command(i), cwd=cwd, timeout=timeout, log=log, env=env)
        result.runs.append(m)
        if not m.ok:
            break
    return _say(result)


def _rm(*paths: Path) -> None:
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)


# --- archivesite -------------------------------------------------------------------


def archivesite_cmd() -> list[str]:
    """``archivesite`` run through this interpreter (robust to a console script
    being rewritten by a concurrent ``pip install -e``)."""
    return [sys.executable, "-m", "archivesite.cli"]


def command_options(command: str) -> set[str] | None:
    """The long options ``archivesite COMMAND --help`` lists, or None if it has no such command."""
    proc = subprocess.run(
        [*archivesite_cmd(), command, "--help"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return None
    return set(re.findall(r"(--[a-z][a-z-]*)", proc.stdout))


def write_site_config(site: Path) -> None:
    """The bench site: page building only (``search = false``; search is timed on its own)."""
    (site / "archivesite.toml").write_text(
        f'title = "Benchmark archive"\nbase_url = "/"\nlanguage = "en"\ntimezone = "UTC"\n'
        f"per_page = 20\nsearch = false\n\n[import]\nas_of = {generate.AS_OF.isoformat()}\n",
        encoding="utf-8",
    )


def bench_archivesite(
    articles: list[generate.Article],
    runs: int,
    jobs: int,
    timeout: float,
    *,
    cli: bool = True,
    serve: bool = True,
) -> tuple[list[Result], int]:
    """Cold, no-op, one article edited, one template edited (``cli``), then one article
    edited under ``archivesite serve`` (``serve``); returns results and jobs used."""
    opts = command_options("build")
    if opts is None:
        return [_say(Result("archivesite", "cold build", note="no `archivesite build` yet"))], 1
    site, out = WORK / "sites" / f"ours-{len(articles)}", WORK / "out" / "archivesite"
    _rm(site, out)
    site.mkdir(parents=True)
    write_site_config(site)
    generate.write(articles, "ours", site)
    builtin = ROOT / "templates" / TEMPLATE
    override = site / "templates" / TEMPLATE
    if builtin.exists():
        override.parent.mkdir(parents=True, exist_ok=True)
        override.write_text(builtin.read_text(encoding="utf-8"), encoding="utf-8")
    used_jobs = jobs if "--jobs" in opts else 1
    path = site / generate.ours_path(articles[len(articles) // 2])  # the article edited
    original = path.read_text(encoding="utf-8")
    results: list[Result] = []
    try:
        if cli:
            results += bench_cli(site, out, opts, path, jobs, runs, timeout)
        if serve and (not results or results[0].ok):
            path.write_text(original, encoding="utf-8")
            results.append(bench_serve_edit(site, path, runs, timeout))
    finally:
        path.write_text(original, encoding="utf-8")
    return results, used_jobs


def bench_cli(
    site: Path, out: Path, opts: set[str], path: Path, jobs: int, runs: int, timeout: float
) -> list[Result]:
    """``archivesite build``: cold, no-op, ``path`` edited, one template edited."""
    base = [*archivesite_cmd(), "-q", "build", "--site", str(site), "--out", str(out)]
    if "--jobs" in opts:
        base += ["--jobs", str(jobs)]
    cold_cmd = [*base, "--clean"] if "--clean" in opts else base

    def fresh(_: int) -> None:
        _rm(out, site / ".archivesite")

    results = [
        repeat("archivesite", "cold build", runs, lambda _: cold_cmd, before=fresh, timeout=timeout)
    ]
    if not results[0].ok:
        return results
    # The same with markup.py's plain-text fast path off: every body through Python-Markdown.
    results.append(
        repeat(
            "archivesite",
            COLD_ALL_MARKDOWN,
            runs,
            lambda _: cold_cmd,
            before=fresh,
            timeout=timeout,
            env={**os.environ, "ARCHIVESITE_MARKDOWN": "always"},
        )
    )
    results.append(repeat("archivesite", "no-op rebuild", runs, lambda _: base, timeout=timeout))
    original = path.read_text(encoding="utf-8")

    def edit_article(i: int) -> None:
        path.write_text(edited(original, i + 1), encoding="utf-8")

    results.append(
        repeat(
            "archivesite",
            "one article edited",
            runs,
            lambda _: base,
            before=edit_article,
            timeout=timeout,
        )
    )
    builtin = ROOT / "templates" / TEMPLATE
    if builtin.exists():
        override = site / "templates" / TEMPLATE
        text = builtin.read_text(encoding="utf-8")

        def edit_template(i: int) -> None:
            override.write_text(text + f"<!-- bench edit {i + 1} -->\n", encoding="utf-8")

        results.append(
            repeat(
                "archivesite",
                "one template edited",
                runs,
                lambda _: base,
                before=edit_template,
                timeout=timeout,
            )
        )
    else:
        results.append(
            _say(
                Result(
                    "archivesite",
                    "one template edited",
                    note=f"no templates/{TEMPLATE} in the built-in theme",
                )
            )
        )
    return results


def edited(original: str, i: int) -> str:
    """The article's text after edit ``i``: a sentence appended to its body."""
    return original.rstrip("\n") + f" Updated {i}.\n"


def bench_serve_edit(site: Path, path: Path, runs: int, timeout: float) -> Result:
    """``path`` edited ``runs`` times under ``archivesite serve``: write -> ``reload`` event.

    Includes the watcher's debounce (what a user waits). Memory: the server's
    tree from start-up (its first build included) to the last edit. The server
    is always stopped (SIGINT, then SIGKILL of its session).
    """
    result = Result("archivesite", SERVE_EDIT)
    if command_options("serve") is None:
        result.note = "no `archivesite serve`"
        return _say(result)
    original = path.read_text(encoding="utf-8")
    log = WORK / "logs" / f"archivesite-{SERVE_EDIT.replace(' ', '-')}.log"
    cmd = [*archivesite_cmd(), "serve", "--site", str(site), "--port", "0"]
    server = ServeProcess(cmd, log)
    try:
        with server:
            peak = TreePeak(server.pid).start()
            try:
                started = time.perf_counter()
                url = server.wait_serving(timeout)
                first = time.perf_counter() - started
                events = EventStream(url, min(timeout, 600))
                try:
                    name, state = events.next_event()
                    if name != "hello":
                        raise ServeError(f"the event stream began with {name!r}, not hello")
                    errors = state.get("errors")
                    if isinstance(errors, list) and errors:
                        said = [e.get("text", e) if isinstance(e, dict) else e for e in errors]
                        raise ServeError(f"the first build failed: {said[0]}")
                    for i in range(runs):
                        seconds = edit_until_reload(events, path, edited(original, i + 1))
                        m = Measurement(seconds, peak.pss / 2**20, 0, "", peak.largest / 2**20)
                        result.runs.append(m)
                finally:
                    events.close()
                    path.write_text(original, encoding="utf-8")
            finally:
                peak.stop()
    except (ServeError, OSError) as exc:  # OSError: a socket timeout or reset
        result.runs.append(Measurement(0.0, 0.0, 1, f"{server.tail()}\n{exc}"))
    if server.returncode not in (0, None) and result.ok:
        result.runs.append(Measurement(0.0, 0.0, server.returncode or 1, server.tail()))
    if result.ok:
        rebuilds = server.rebuild_seconds()[1:]  # the first is the initial build
        spread = f"{min(rebuilds):.2f}-{max(rebuilds):.2f} s" if rebuilds else "not logged"
        result.note = f"start-up and first build {first:.1f} s; rebuild in the server {spread}"
        if server.returncode is None:
            result.note += "; did not stop on SIGINT (killed)"
        _log(f"    {result.note}")
    return _say(result)


# --- bare loop and peers --------------------------------------------------------------


def bench_bare(
    articles: list[generate.Article], fresh: bool, runs: int, jobs: int, timeout: float
) -> list[Result]:
    """The bare loop over the same content archivesite built (``fresh``: write it anew)."""
    site, out = WORK / "sites" / f"ours-{len(articles)}", WORK / "out" / "bare"
    if fresh or not (site / "content").exists():
        _rm(site / "content")
        generate.write(articles, "ours", site)
    results = []
    for j in sorted({1, jobs}):
        cmd = [
            sys.executable,
            str(BENCH / "bare_loop.py"),
            "--site",
            str(site),
            "--out",
            str(out),
            "--jobs",
            str(j),
        ]
        results.append(
            repeat(
                f"bare loop x{j}",
                "cold build",
                runs,
                lambda _, c=cmd: c,
                before=lambda _: _rm(out),
                timeout=timeout,
            )
        )
    return results


def bench_peers(
    articles: list[generate.Article], names: set[str], runs: int, timeout: float
) -> tuple[list[Result], str]:
    try:
        tools = peers.ensure_tools()
    except (OSError, subprocess.CalledProcessError, RuntimeError) as exc:
        return [_say(Result("peers", "install", note=f"could not install the peers: {exc}"))], ""
    versions = f"Pelican {tools.pelican_version}, Hugo {tools.hugo_version}"
    n = len(articles)
    results = []
    for name in ("pelican", "hugo", "hugo-flat"):
        if name.split("-")[0] not in names and name not in names:
            continue
        site, out = WORK / "sites" / f"{name}-{n}", WORK / "out" / name
        if name == "pelican":
            peers.setup_pelican(site, articles)
            cmd = peers.pelican_command(tools, site, out)
        else:
            peers.setup_hugo(site, articles, flat=name == "hugo-flat")
            cmd = peers.hugo_command(tools, site, out)
        label = {"pelican": "Pelican", "hugo": "Hugo", "hugo-flat": "Hugo flat"}[name]
        results.append(
            repeat(
                label,
                "cold build",
                runs,
                lambda _, c=cmd: c,
                cwd=site,
                before=lambda _, o=out: _rm(o),
                timeout=timeout,
            )
        )
    return results, versions


# --- import and search ------------------------------------------------------------------


def bench_import(n: int, runs: int, timeout: float) -> list[Result]:
    opts = command_options("import")
    if opts is None:
        return [_say(Result("archivesite", f"import {n:,}", note="no `archivesite import`"))]
    site = WORK / "sites" / f"import-{n}"
    _rm(site)
    site.mkdir(parents=True)
    write_site_config(site)
    articles = list(generate.generate_articles(n))
    generate.write(articles, "wire", site)
    cmd = [
        *archivesite_cmd(),
        "-q",
        "import",
        "--site",
        str(site),
        "--as-of",
        generate.AS_OF.isoformat(),
    ]
    result = repeat(
        "archivesite",
        f"import {n:,}",
        runs,
        lambda _: cmd,
        before=lambda _: _rm(site / "content", site / ".archivesite"),
        timeout=timeout,
    )
    if result.ok:
        result.note = import_accuracy(site, articles)
        _log(f"    {result.note}")
    return [result]


def import_accuracy(site: Path, articles: list[generate.Article]) -> str:
    """How many imported articles have the generated title, date, place and agency.

    The expected date is the one in the seed's file name (``imported_date``).
    """
    import frontmatter

    found: dict[str, dict[str, object]] = {}
    for path in (site / "content").rglob("*.md"):
        meta = frontmatter.load(path).metadata
        found[str(meta.get("source_file", ""))] = meta
    fields = ("title", "date", "place", "agency")
    wrong = dict.fromkeys(fields, 0)
    missing = 0
    for a in articles:
        got_meta = found.get(f"seeds/{a.wire_name}")
        if got_meta is None:
            missing += 1
            continue
        want = {
            "title": a.title,
            "date": a.imported_date(),
            "place": a.place.place,
            "agency": a.agency,
        }
        for k in fields:
            got = got_meta.get(k)
            if isinstance(got, dt.datetime):
                got = got.date()
            if got != want[k]:
                wrong[k] += 1
    right = {k: len(articles) - missing - v for k, v in wrong.items()}
    parts = ", ".join(f"{k} {v}/{len(articles)}" for k, v in right.items())
    return f"{len(found)} content files; correct: {parts}; missing {missing}"


def bench_search(n: int, runs: int, timeout: float) -> list[Result]:
    """The search measurements: bench/search_bench.py at ``n`` articles, once.

    It alternates its cold builds (search off and on) itself (``--rounds``, from
    ``--search-runs``), then the no-op, browser and ``serve`` steps, and prints its
    tables (echoed here); the search step and what search adds to a cold build
    become two rows of this report.
    """
    script = BENCH / "search_bench.py"
    numbers = WORK / f"search-{n}.json"
    numbers.unlink(missing_ok=True)
    cmd: list[str] = [sys.executable, str(script), "--articles", str(n), "--rounds", str(runs),
                      "--work", str(WORK / "search"), "--json", str(numbers)]  # fmt: skip
    whole = repeat("search", "search_bench.py", 1, lambda _: cmd, timeout=4 * timeout)
    log = WORK / "logs" / "search-search_bench.py.log"
    if log.exists():
        _log("\n".join(ln for ln in log.read_text(encoding="utf-8").splitlines() if ln[:1] == "|"))
    if not whole.ok or not numbers.exists():
        return [whole]
    data = json.loads(numbers.read_text(encoding="utf-8"))
    results = []
    for key, label in (("index_step_s", SEARCH_STEP), ("indexing_adds_s", SEARCH_ADDS)):
        if isinstance(data.get(key), int | float):
            peak = float(data["cold"]["with_search_peak_mb"])
            m = Measurement(float(data[key]), peak, 0, "", peak)
            results.append(_say(Result("search", label, [m])))
    return results or [whole]


# --- report ---------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        m = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = m.group(1).strip() if m else cpu
    mem = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        m = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        mem = f"{int(m.group(1)) / 2**20:.1f} GiB" if m else mem
    os_name = platform.platform()
    osr = Path("/etc/os-release")
    if osr.exists():
        m = re.search(r'^PRETTY_NAME="?([^"\n]+)', osr.read_text(), re.MULTILINE)
        os_name = f"{m.group(1)} ({platform.release()})" if m else os_name
    return {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "memory": mem,
        "Python": platform.python_version(),
        "OS": os_name,
    }


def _loadavg() -> str:
    """The 1-minute load average: other work on the machine skews every number."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def _s(v: float | None) -> str:
    return "n/a" if v is None else (f"{v:.2f} s" if v < 100 else f"{v:.0f} s")


def _mb(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def report(results: list[Result], n: int, jobs: int, header: dict[str, str], import_n: int) -> str:
    by = {(r.tool, r.measure): r for r in results}

    def get(tool: str, measure: str = "cold build") -> Result | None:
        return by.get((tool, measure))

    def peak_of(tool: str) -> float | None:
        r = get(tool)
        return r.peak_mb if r else None

    def secs(tool: str, measure: str = "cold build") -> float | None:
        r = get(tool, measure)
        return r.seconds if r else None

    lines = [f"### {n:,} articles", ""]
    lines += [f"- {k}: {v}" for k, v in header.items()]
    lines += [
        "",
        "| tool | measure | median | runs | peak memory (PSS, tree) | largest process (RSS) |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        value = _s(r.seconds) if r.ok else r.failure().replace("|", "\\|")
        times = ", ".join(f"{m.seconds:.2f}" for m in r.runs) if r.ok else ""
        lines.append(
            f"| {r.tool} | {r.measure} | {value} | {times} | {_mb(r.peak_mb)} "
            f"| {_mb(r.largest_mb)} |"
        )

    cold = secs("archivesite")
    cold_md = secs("archivesite", COLD_ALL_MARKDOWN)
    bare_same = secs(f"bare loop x{jobs}")
    pel, hugo, hugo_flat = secs("Pelican"), secs("Hugo"), secs("Hugo flat")
    big = n >= 100_000
    rows: list[tuple[str, str, str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "**missed**")

    cold_target = "≤ 150 s" if big else "≤ 1.3x bare loop; ≥ 3.5x faster than Pelican"
    bare_1 = secs("bare loop x1")
    also_x1 = f" ({_ratio(cold, bare_1)} bare loop x1)" if jobs > 1 else ""
    cold_ok: bool | None = None
    if cold is not None:
        if big:
            cold_ok = cold <= 150
        elif bare_same is not None:
            cold_ok = cold <= 1.3 * bare_same and (pel is None or pel / cold >= 3.5)
    rows.append(
        (
            "cold build (`--clean`)",
            _s(cold),
            cold_target,
            f"{_ratio(cold, bare_same)} bare loop x{jobs}{also_x1}; Pelican {_ratio(pel, cold)} "
            f"slower; {_ratio(cold, hugo)} Hugo; {_ratio(cold, hugo_flat)} Hugo flat; with "
            f"every body through Python-Markdown (no fast path): {_s(cold_md)}, "
            f"{_ratio(cold_md, bare_same)} bare loop x{jobs}, Pelican {_ratio(pel, cold_md)} "
            "slower",
            verdict(cold_ok),
        )
    )
    noop = secs("archivesite", "no-op rebuild")
    noop_t = 5.0 if big else 0.5
    rows.append(
        (
            "no-op rebuild",
            _s(noop),
            f"≤ {noop_t} s",
            f"{_ratio(noop, cold)} cold",
            verdict(None if noop is None else noop <= noop_t),
        )
    )
    # Judged under `serve`, as the peers' one-edit numbers are (`hugo server`, Pelican's
    # --autoreload); the CLI rebuild is shown for information.
    edit = secs("archivesite", SERVE_EDIT)
    edit_cli = secs("archivesite", "one article edited")
    edit_t = 2.0 if big else 0.3
    served = get("archivesite", SERVE_EDIT)
    rows.append(
        (
            "one article edited (under `serve`: write to reload event)",
            _s(edit),
            f"≤ {edit_t} s",
            f"CLI `build` {_s(edit_cli)} ({_ratio(edit_cli, cold)} cold)"
            + (f"; {served.note}" if served and served.ok and served.note else ""),
            verdict(None if edit is None else edit <= edit_t),
        )
    )
    tmpl = secs("archivesite", "one template edited")
    tmpl_ok = None if tmpl is None or hugo is None or big else tmpl <= hugo / 2
    rows.append(
        (
            "one template edited",
            _s(tmpl),
            "" if big else "≤ half of Hugo's full build",
            f"{_ratio(tmpl, hugo)} Hugo; {_ratio(tmpl, cold)} cold",
            verdict(tmpl_ok),
        )
    )
    c = get("archivesite")
    peak = c.peak_mb if c else None
    largest = c.largest_mb if c else None
    mem_t = 600 if big else 200
    rows.append(
        (
            "peak memory (cold; PSS summed over the process tree)",
            _mb(peak),
            f"≤ {mem_t} MB",
            f"largest process {_mb(largest)} RSS; Pelican {_mb(peak_of('Pelican'))}; "
            f"Hugo {_mb(peak_of('Hugo'))}",
            verdict(None if peak is None else peak <= mem_t),
        )
    )
    imp = get("archivesite", f"import {import_n:,}")
    if imp is not None:
        rows.append(
            (
                f"import {import_n:,} raw files",
                _s(imp.seconds),
                "< 10 s" if import_n == 10_000 else "",
                imp.note if imp.ok else "",
                verdict(None if imp.seconds is None or import_n != 10_000 else imp.seconds < 10),
            )
        )
    search = get("search", SEARCH_STEP)
    adds = get("search", SEARCH_ADDS)
    if search is not None:
        rows.append(
            (
                "search step (cold build)",
                _s(search.seconds),
                "at most the page build's cold time",
                f"indexing adds {_s(adds.seconds if adds else None)} to a clean build",
                "n/a",
            )
        )
    lines += ["", "| measure | archivesite | target | ratios | verdict |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    return "\n".join(lines) + "\n"


def record(markdown: str, n: int) -> None:
    """Replace (or add) the section for ``n`` articles in BENCHMARKS.md.

    A new section goes at the end of "## Results" (before the next ``## ``
    heading), so it never comes between another run's table and the notes
    written under it.
    """
    path = ROOT / "BENCHMARKS.md"
    start, end = f"<!-- bench:{n} start -->", f"<!-- bench:{n} end -->"
    block = f"{start}\n{markdown}{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        text = head + block + tail.removeprefix("\n")  # what follows the block stays as it was
    elif "\n## Results\n" in text:
        after = text.index("\n## Results\n") + len("\n## Results\n")
        nxt = text.find("\n## ", after)
        at = len(text) if nxt < 0 else nxt + 1
        head = text[:at].rstrip("\n") + "\n\n"
        text = head + block + ("\n" + text[at:] if at < len(text) else "")
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + block
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="archivesite vs the bare loop, Pelican, Hugo.")
    parser.add_argument("--articles", "-n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument(
        "--peer-runs", type=int, default=None, help="runs of Pelican and Hugo (default: --runs)"
    )
    parser.add_argument("--import-articles", type=int, default=10_000)
    parser.add_argument(
        "--search-runs", type=int, default=1, help="repeats inside bench/search_bench.py"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for archivesite and the parallel bare loop",
    )
    parser.add_argument("--skip-peers", action="store_true", help="no Pelican, no Hugo")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help=f"only these (repeat or comma-separate): {', '.join(NAMES)}",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds per command (default: 3600, or 0.1 s per article where more: "
        "Pelican needs over an hour at 100,000)",
    )
    parser.add_argument("--record", action="store_true", help="write the table to BENCHMARKS.md")
    args = parser.parse_args(argv)
    names = {x.strip() for o in args.only for x in o.split(",") if x.strip()} or set(NAMES)
    if unknown := names - set(NAMES):
        parser.error(f"unknown --only {', '.join(sorted(unknown))}; choose from {NAMES}")
    if args.skip_peers:
        names -= {"pelican", "hugo", "hugo-flat"}
    peer_runs = args.peer_runs or args.runs
    timeout = args.timeout or max(3600.0, 0.1 * args.articles)
    n, started, load_before = args.articles, time.perf_counter(), _loadavg()
    WORK.mkdir(parents=True, exist_ok=True)
    _log(f"generating {n:,} articles ...")
    articles = list(generate.generate_articles(n))
    results: list[Result] = []
    jobs = args.jobs
    versions = ""
    if names & {"archivesite", "serve"}:
        _log("archivesite:")
        got, jobs = bench_archivesite(
            articles,
            args.runs,
            args.jobs,
            timeout,
            cli="archivesite" in names,
            serve=bool(names & {"archivesite", "serve"}),
        )
        results += got
    if "bare" in names:
        _log("bare loop:")
        fresh = not names & {"archivesite", "serve"}
        results += bench_bare(articles, fresh, args.runs, args.jobs, timeout)
    if names & {"pelican", "hugo", "hugo-flat"}:
        _log("peers:")
        got, versions = bench_peers(articles, names, peer_runs, timeout)
        results += got
    if "import" in names:
        _log("import:")
        results += bench_import(args.import_articles, args.runs, timeout)
    if "search" in names:
        _log("search:")
        results += bench_search(n, args.search_runs, timeout)
    cmd = " ".join(shlex.quote(a) for a in [".venv/bin/python", "bench/run.py", *sys.argv[1:]])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "src", "templates", "static"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    commit += " with uncommitted changes" if dirty else ""
    header = {
        "date": dt.date.today().isoformat(),
        "command": f"`{cmd}` (archivesite at {commit or 'unknown'})",
        "runs": f"{args.runs} per measure, {peer_runs} for Pelican and Hugo; medians",
        "archivesite processes": f"{jobs} (bare loop compared with as many)",
        **machine(),
    }
    header["load average (1 min) before / after"] = f"{load_before} / {_loadavg()}"
    if versions:
        header["peers"] = versions
    markdown = report(results, n, jobs, header, args.import_articles)
    out = WORK / f"results-{n}.md"
    out.write_text(markdown, encoding="utf-8")
    _log("\n" + markdown)
    _log(f"(written to {out.relative_to(ROOT)}; total {time.perf_counter() - started:.0f} s)")
    if args.record:
        record(markdown, n)
        _log("recorded in BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
