"""The sample site the real-validator checks run on, and the helpers they share.

Owns: writing a sample archive (the repository's seed, imported through the
public CLI, plus a generated multi-year set of ~150 articles with several
agencies, places with regions, tags, an undated article, a static page, a
Russian article and a draft), building it through the public CLI, serving a
folder over real HTTP (stdlib ``http.server`` in a thread), and building the
demo archive (the repository root) into a temporary folder.

The validators' session build is shared between pytest-xdist workers: the first
worker to need it builds it under a lock, the others reuse it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_BASE_URL = "https://example.org/archive/"

# --------------------------------------------------------------------------- CLI


def archivesite_command() -> list[str]:
    """The installed ``archivesite`` console script (the public CLI)."""
    script = Path(sys.executable).with_name("archivesite")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from archivesite.cli import main; main()"]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``archivesite ARGS``; fail the test with its output if it exits non-zero."""
    proc = subprocess.run(
        [*archivesite_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"archivesite {' '.join(args)} exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}",
            pytrace=False,
        )
    return proc


# ------------------------------------------------------------------ sample site

AGENCIES = ("TASS", "Interfax", "Reuters", "AP", "AFP", None)
# (dateline as printed, place, region)
PLACES = (
    ("MOSCOW", "Moscow", None),
    ("IGORA /Leningrad Region/", "Igora", "Leningrad Region"),
    ("PORTLAND, Ore.", "Portland", "Ore."),
    ("PORTLAND, Maine", "Portland", "Maine"),
    ("GENEVA", "Geneva", None),
    ("SPRINGFIELD, Ill.", "Springfield", "Ill."),
    ("VLADIVOSTOK", "Vladivostok", None),
    ("SÃO PAULO", "São Paulo", None),
    (None, None, None),
)
TAGS = ("economy", "science", "sport", "energy", "arms control", "space", "culture", "café society")
SUBJECTS = (
    "Regional council",
    "Port authority",
    "Research institute",
    "Central bank",
    "City orchestra",
    "Football club",
    "Space agency",
    "Grain exporters",
)
VERBS = ("approves", "postpones", "reports on", "doubles", "reviews", "announces", "defends")
OBJECTS = (
    "new budget for the winter season",
    "plans for a second bridge",
    "quarterly figures",
    "expedition to the Arctic shelf",
    "talks with neighbouring regions",
    "record harvest",
    "launch schedule",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SAMPLE_ARTICLES = 150


def _q(value: object) -> str:
    """A YAML scalar or flow sequence (JSON is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _article(
    *,
    title: str,
    body: str,
    lede: str | None = None,
    summary: str | None = None,
    date: str | None = None,
    dateline: str | None = None,
    place: str | None = None,
    region: str | None = None,
    agency: str | None = None,
    language: str | None = None,
    tags: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
) -> str:
    """One content file in the format of notes/common.md (keys in that order)."""
    summary = lede or summary or body.split(". ", 1)[0].rstrip(".") + "."
    lines = ["---", f"title: {_q(title)}"]
    if lede:
        lines.append(f"lede: {_q(lede)}")
    lines.append(f"summary: {_q(summary)}")
    if date:
        lines.append(f"date: {date}")
        lines.append("date_source: text")
    else:
        lines.append("date_source: none")
    if dateline:
        lines.append(f"dateline: {_q(dateline)}")
    if place:
        lines.append(f"place: {_q(place)}")
    if region:
        lines.append(f"region: {_q(region)}")
    if agency:
        lines.append(f"agency: {_q(agency)}")
    if language:
        lines.append(f"language: {language}")
    lines.append(f"tags: {_q(list(tags))}")
    lines.extend(extra)
    lines.append("---")
    return "\n".join(lines) + "\n" + body.rstrip("\n") + "\n"


def _generated_articles(count: int) -> Iterator[tuple[str, str]]:
    """(relative path, file text) for ``count`` deterministic articles over 2019-2023."""
    rng = random.Random(20240611)
    start = dt.date(2019, 1, 1)
    used: set[str] = set()
    for n in range(count):
        day = start + dt.timedelta(days=rng.randrange(5 * 365))
        dateline, place, region = rng.choice(PLACES)
        agency = rng.choice(AGENCIES)
        subject, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
        title = f"{subject} {verb} {obj}"
        slug = f"{subject}-{verb}-{obj}".lower().replace(" ", "-")
        slug = f"{slug}-{n}"
        if n % 3 == 0:
            offset = rng.choice(("+03:00", "-05:00", "+00:00", "+10:00"))
            hour, minute = rng.randrange(24), rng.randrange(60)
            date = f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{offset}"
        else:
            date = day.isoformat()
        lead_in = ""
        if dateline:
            lead_in = f"{dateline}, {MONTHS[day.month - 1]} {day.day}. "
            if agency:
                lead_in += f"/{agency}/. "
        quote = rng.choice(
            (
                "“We will not rush this — the numbers have to add up first,” a spokesperson said.",
                "The chairman called it “a modest step, but a real one.”",
                "Officials — speaking on condition of anonymity — said the vote was close.",
            )
        )
        paragraphs = [
            f"{lead_in}The {subject.lower()} {verb} its {obj}, officials said on "
            f"{day.strftime('%A')}.",
            quote,
            "The decision follows months of debate over costs & timing in "
            f"{place or 'the region'}.",
        ]
        if n % 5 == 0:
            paragraphs.append(f"Earlier reports put the figure at {rng.randrange(2, 90)} percent.")
        lede = (
            f"The {subject.lower()} says the {obj} will be reviewed again next year"
            if n % 4 == 0
            else None
        )
        first_sentence = paragraphs[0].removeprefix(lead_in)
        tags = tuple(sorted(set(rng.sample(TAGS, rng.randrange(0, 3)))))
        rel = f"content/{day:%Y/%m/%d}/{slug}.md"
        assert rel not in used
        used.add(rel)
        yield (
            rel,
            _article(
                title=title,
                lede=lede,
                summary=first_sentence,
                body="\n\n".join(paragraphs),
                date=date,
                dateline=dateline,
                place=place,
                region=region,
                agency=agency,
                tags=tags,
            ),
        )


def _special_articles() -> Iterator[tuple[str, str]]:
    """Hand-written edge cases: escaping, Russian, undated, a page, a draft, a slug override."""
    yield (
        "content/2021/06/15/escaping-test.md",
        _article(
            title='Officials say </script> & "quotes" <b>won’t</b> break pages',
            lede="A headline with markup-looking text must show as text — & stay valid",
            body=(
                "GENEVA, June 15. /Reuters/. Text with &lt;angle brackets&gt;, ampersands & "
                "“curly quotes” is shown as written.\n\n"
                "A link to [the full report](https://example.com/report) stays external."
            ),
            date="2021-06-15T12:00:00+02:00",
            dateline="GENEVA",
            place="Geneva",
            agency="Reuters",
            tags=("arms control",),
        ),
    )
    yield (
        "content/2022/03/09/moskva-vesna.md",
        _article(
            title="В Москве начался ранний ледоход на реке",
            lede="Синоптики объяснили ранний ледоход тёплой погодой",
            body=(
                "МОСКВА, 9 марта. /ТАСС/. Ледоход на Москве-реке начался на две недели "
                "раньше обычного — об этом сообщили синоптики.\n\n"
                "«Такое бывает нечасто», — сказал представитель гидрометцентра."
            ),
            date="2022-03-09",
            dateline="МОСКВА",
            place="Москва",
            agency="ТАСС",
            language="ru",
            tags=("наука",),
        ),
    )
    yield (
        "content/2022/03/09/renamed-by-front-matter.md",
        _article(
            title="An article whose slug comes from its front matter",
            summary="The slug key overrides the file name.",
            body="MOSCOW, March 9. /TASS/. The slug key overrides the file name.",
            date="2022-03-09",
            dateline="MOSCOW",
            place="Moscow",
            agency="TASS",
            extra=('slug: "custom-slug"',),
        ),
    )
    yield (
        "content/2022/03/10/unpublished-draft.md",
        _article(
            title="A draft nobody should see",
            body="This draft is left out of the build without --drafts.",
            date="2022-03-10",
            extra=("draft: true",),
        ),
    )
    yield (
        "content/undated/statement-without-a-date.md",
        _article(
            title="A statement that carries no date",
            body="The agency released this statement without a date.\n\nIt is filed as undated.",
            agency="Interfax",
        ),
    )
    yield (
        "content/pages/about.md",
        "---\ntitle: About this archive\n---\n"
        "This sample archive exists to be validated.\n\n"
        "| Year | What |\n| --- | --- |\n| 2019 | First stories |\n| 2023 | Last stories |\n",
    )


def write_sample_site(root: Path, articles: int = SAMPLE_ARTICLES) -> Path:
    """Write a sample archive under ``root`` (seed imported through the CLI); return root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "archivesite.toml").write_text(
        'title = "Sample wire archive"\n'
        'base_url = "/"\n'
        'language = "en"\n'
        'timezone = "Europe/Moscow"\n'
        "per_page = 20\n"
        'description = "A generated archive the validators check."\n'
        "\n[import]\nas_of = 2026-11-27\n",
        encoding="utf-8",
    )
    seeds = root / "seeds"
    seeds.mkdir(exist_ok=True)
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        shutil.copy2(seed, seeds / seed.name)
    run_cli("import", "--site", str(root))
    for rel, text in [*_generated_articles(articles), *_special_articles()]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return root


def build(site: Path, out: Path, base_url: str) -> Path:
    """``archivesite build --site SITE --out OUT --base-url BASE``; return ``out``."""
    run_cli("build", "--site", str(site), "--out", str(out), "--base-url", base_url)
    return out


def write_demo_site(root: Path) -> Path:
    """Copy the demo archive (the repository root) to ``root``, importing seeds if needed."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "archivesite.toml", root / "archivesite.toml")
    for name in ("seeds", "content", "templates", "static"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name, dirs_exist_ok=True)
    if not any((root / "content").rglob("*.md")):
        run_cli("import", "--site", str(root))
    return root


GENERATED_DEMO_ARTICLES = 300  # enough for several stories on one day of the year


def write_generated_demo(root: Path, articles: int = GENERATED_DEMO_ARTICLES) -> Path:
    """``archivesite demo ROOT --articles N``: a generated demo site, imported and built."""
    run_cli("-q", "demo", str(root), "--articles", str(articles))
    return root


def browse_by_time_pages(out: Path) -> dict[str, str]:
    """Page kind -> path under a built site's root: the home, archive, year, month and
    day pages, the on-this-day page of the day with stories in the most years, and an
    article of that day."""
    on_this_day = sorted(
        (p.parent for p in (out / "on-this-day").glob("[0-9][0-9]-[0-9][0-9]/index.html")),
        key=lambda d: (-len(list(out.glob(f"[0-9]*/{d.name[:2]}/{d.name[3:]}/index.html"))), d),
    )
    assert on_this_day, "the site has no on-this-day page"
    mm, dd = on_this_day[0].name.split("-")
    day = sorted(out.glob(f"[0-9][0-9][0-9][0-9]/{mm}/{dd}/index.html"))[-1].parent
    article = sorted(p.parent for p in day.glob("*/index.html"))[0]
    year = day.parent.parent.name
    return {
        "home": "",
        "archive": "archive/",
        "year": f"{year}/",
        "month": f"{year}/{mm}/",
        "day": f"{year}/{mm}/{dd}/",
        "on-this-day": f"on-this-day/{mm}-{dd}/",
        "article": f"{article.relative_to(out).as_posix()}/",
    }


# ---------------------------------------------------------------------- serving


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 in a thread; yield its origin ``http://127.0.0.1:PORT``."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class SampleBuild:
    """The sample site's source folder and its output built with ``base_url``."""

    site: Path
    out: Path
    base_url: str


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every xdist worker of this run (the run's basetemp otherwise)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """The sample site built once per test run with ``--base-url`` :data:`SAMPLE_BASE_URL`."""
    shared = _shared_dir(tmp_path_factory) / "archivesite-sample"
    shared.mkdir(exist_ok=True)
    result = SampleBuild(shared / "site", shared / "build", SAMPLE_BASE_URL)
    done = shared / "done"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(result.site, ignore_errors=True)
                shutil.rmtree(result.out, ignore_errors=True)
                write_sample_site(result.site)
                build(result.site, result.out, SAMPLE_BASE_URL)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return result


def html_pages(out: Path) -> list[Path]:
    """Every HTML file of a built site, sorted."""
    return sorted(out.rglob("*.html"))
