"""Peak memory and time of ``archivesite import`` over one large SGML collection.

Generates a Gigaword-style collection of ``--mb`` megabytes (distinct stories of a
few kilobytes each, ``<DOC id=... type="story">`` with ``HEADLINE``, ``DATELINE`` and
``TEXT``/``P``; ``--gzip`` writes it gzipped), then runs the whole ``archivesite
import`` on it in a fresh site and reports its wall time and peak memory (PSS summed
over the process tree, see ``bench/measure.py``): the reader, the parsing and the
import's bookkeeping together. A second import (nothing to write) is measured too.

    .venv/bin/python bench/collection_bench.py --mb 300
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import run_measured

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=300, help="collection size (default 300)")
    parser.add_argument("--gzip", action="store_true", help="write the collection gzipped")
    parser.add_argument("--jobs", type=int, default=None, help="archivesite import -j")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site")
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("archivesite")
    work = Path(tempfile.mkdtemp(prefix="collection-bench-"))
    site = work / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "archivesite.toml").write_text('title = "Bench"\n', encoding="utf-8")
    name = "afp_eng_2003.gz" if args.gzip else "afp_eng_2003"
    path = site / "seeds" / name
    with gzip.open(path, "wb", compresslevel=1) if args.gzip else path.open("wb") as f:
        records = generate(f, args.mb)
    print(f"{path.name}: {path.stat().st_size / 1e6:.0f} MB on disk, {records} records")
    cmd = [exe, "import", "--site", site]
    if args.jobs is not None:
        cmd += ["-j", str(args.jobs)]
    try:
        for label in ("first import", "re-import"):
            run = run_measured(cmd, cwd=work, log=work / f"{label}.log")
            tail = run.tail.strip().splitlines()[-1:] or [""]
            print(
                f"{label}: {run.seconds:.1f} s, peak PSS (tree) {run.peak_mb:.0f} MB, "
                f"largest process {run.largest_mb:.0f} MB, exit {run.returncode}: {tail[0]}"
            )
            if not run.ok:
                return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
