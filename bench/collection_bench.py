"""Peak memory and time of ``archivesite import`` over one large SGML collection.

Generates a Gigaword-style collection of ``--mb`` megabytes (distinct stories of a
few kilobytes each, ``<DOC id=... type="story">`` with ``HEADLINE``, ``DATELINE`` and
``TEXT``/``P``; ``--gzip`` writes it gzipped), then runs the whole ``archivesite
import`` on it in a fresh site and reports its wall time and peak memory (PSS summed
over the process tree, see ``bench/measure.py``): the reader, the parsing and the
import's bookkeeping together. A second import (nothing to write) is measured too.

With ``--base COMMIT --rounds N`` the same collection is imported by that commit's
sources and by this tree's in alternating rounds, and the table gives each measure's
median per version and the ratio new / base.

    .venv/bin/python bench/collection_bench.py --mb 300
    .venv/bin/python bench/collection_bench.py --mb 60 --base dd50c5e --rounds 2
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from compare import checkout  # noqa: E402
from measure import Measurement, median, run_measured  # noqa: E402

WORDS = [
    "harbour",
    "council",
    "said",
    "market",
    "farmers",
    "ministry",
    "officials",
    "bridge",
    "river",
    "ferry",
    "museum",
    "school",
    "weather",
    "grain",
    "shares",
    "prices",
    "rose",
    "fell",
    "week",
    "month",
    "report",
    "plan",
    "road",
    "train",
    "station",
    "port",
    "city",
    "village",
    "region",
    "committee",
    "agreed",
    "budget",
    "talks",
    "workers",
    "union",
]
PLACES = ("OSLO", "LYON", "PORTO", "GENOA", "BREMEN", "CORK", "GHENT", "TURKU")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def _record(rng: random.Random, n: int) -> bytes:
    month = 1 + n % 12
    day = 1 + n % 28
    paragraphs = "".join(
        f"<P>\n{' '.join(_sentence(rng) for _ in range(3))}\n</P>\n" for _ in range(6)
    )
    return (
        f'<DOC id="AFP_ENG_2003{month:02d}{day:02d}.{n:06d}" type="story" >\n'
        f"<HEADLINE>\nStory {n}: {' '.join(rng.choice(WORDS) for _ in range(6))}\n</HEADLINE>\n"
        f"<DATELINE>\n{rng.choice(PLACES)}, {MONTHS[month - 1]} {day} (AFP)\n</DATELINE>\n"
        f"<TEXT>\n{paragraphs}</TEXT>\n</DOC>\n"
    ).encode()


def generate(out: BinaryIO, megabytes: int, seed: int = 14) -> int:
    """Write records until ``megabytes`` MB; the number of records."""
    rng = random.Random(seed)
    written = n = 0
    while written < megabytes * 1_000_000:
        data = _record(rng, n)
        out.write(data)
        written += len(data)
        n += 1
    return n


def _site(work: Path, name: str, collection: Path) -> Path:
    """A fresh site whose seeds folder holds ``collection`` (linked, not copied)."""
    site = work / f"site-{name}"
    shutil.rmtree(site, ignore_errors=True)
    (site / "seeds").mkdir(parents=True)
    (site / "archivesite.toml").write_text('title = "Bench"\n', encoding="utf-8")
    try:
        os.link(collection, site / "seeds" / collection.name)
    except OSError:
        shutil.copyfile(collection, site / "seeds" / collection.name)
    return site


def _imports(name: str, src: Path, site: Path, jobs: int | None, work: Path) -> list[Measurement]:
    """The first import of ``site`` and the re-import, by the sources in ``src``."""
    cmd = [sys.executable, "-m", "archivesite.cli", "import", "--site", str(site)]
    if jobs is not None:
        cmd += ["-j", str(jobs)]
    env = {**os.environ, "PYTHONPATH": str(src)}
    found = []
    for label in ("first import", "re-import"):
        run = run_measured(cmd, cwd=work, env=env, log=work / f"{name}-{label}.log")
        tail = run.tail.strip().splitlines()[-1:] or [""]
        print(
            f"  {name} {label}: {run.seconds:.1f} s, peak PSS (tree) {run.peak_mb:.0f} MB, "
            f"largest process {run.largest_mb:.0f} MB, exit {run.returncode}: {tail[0]}",
            flush=True,
        )
        if not run.ok:
            raise SystemExit(f"{name} {label} failed:\n{run.tail}")
        found.append(run)
    return found


def _table(results: dict[str, list[list[Measurement]]], names: list[str]) -> str:
    rows = [
        ("import (s)", 0, "seconds"),
        ("import peak PSS (MB)", 0, "peak_mb"),
        ("re-import (s)", 1, "seconds"),
        ("re-import peak PSS (MB)", 1, "peak_mb"),
    ]
    head = "| measure | " + " | ".join(names) + (" | ratio |" if len(names) == 2 else " |")
    out = [head, "|---" * (len(names) + 1 + (len(names) == 2)) + "|"]
    for label, step, attr in rows:
        medians = [median([getattr(r[step], attr) for r in results[n]]) for n in names]
        cells = [f"{m:.1f}" for m in medians]
        if len(names) == 2:
            cells.append(f"{medians[1] / medians[0]:.2f}x" if medians[0] else "")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=300, help="collection size (default 300)")
    parser.add_argument("--gzip", action="store_true", help="write the collection gzipped")
    parser.add_argument("--jobs", type=int, default=None, help="archivesite import -j")
    parser.add_argument("--base", help="a commit to compare with, in alternating rounds")
    parser.add_argument("--new", help="a commit to measure (default: this working tree)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary sites")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="collection-bench-"))
    name = "afp_eng_2003.gz" if args.gzip else "afp_eng_2003"
    path = work / name
    with gzip.open(path, "wb", compresslevel=1) if args.gzip else path.open("wb") as f:
        records = generate(f, args.mb)
    print(f"{path.name}: {path.stat().st_size / 1e6:.0f} MB on disk, {records} records")
    versions = {args.new or "new": checkout(args.new) / "src" if args.new else ROOT / "src"}
    if args.base:
        versions = {args.base: checkout(args.base) / "src", **versions}
    names = list(versions)
    results: dict[str, list[list[Measurement]]] = {n: [] for n in names}
    try:
        for i in range(args.rounds):
            print(f"round {i + 1}", flush=True)
            for n in names if i % 2 == 0 else reversed(names):
                site = _site(work, "run", path)
                results[n].append(_imports(n, versions[n], site, args.jobs, work))
                shutil.rmtree(site, ignore_errors=True)
        print(f"{records:,} records, {args.rounds} round(s), medians; load {os.getloadavg()}")
        print(_table(results, names))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
