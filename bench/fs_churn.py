"""What making a build's folders and files costs on this file system, round after round.

Owns nothing but the measurement. Each round makes, under ``--where``, as many folders
as a cold build of 10,000 articles does, each holding one ``index.html`` of 9 KB, then
removes them all, as the bench's cold builds do with their output. Prints the time of
each round's making and removing: on a file system whose cost per new inode grows with
recent removals, a benchmark's later rounds are slower than its first for both versions
alike, and a version that makes more files pays proportionally more.

    python3 bench/fs_churn.py --where bench/work/fs --rounds 4
    python3 bench/fs_churn.py --where /dev/shm/fs --rounds 4   # tmpfs, for comparison
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--where", type=Path, required=True)
    parser.add_argument("--folders", type=int, default=16_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    page = b"x" * 9000
    print(f"{'round':<8}{'make s':>8}{'remove s':>10}")
    for n in range(1, args.rounds + 1):
        shutil.rmtree(args.where, ignore_errors=True)
        start = time.perf_counter()
        for i in range(args.folders):
            folder = args.where / str(i // 100) / str(i)
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / "index.html", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, page)
            os.close(fd)
        made = time.perf_counter() - start
        start = time.perf_counter()
        shutil.rmtree(args.where)
        print(f"{n:<8}{made:>8.2f}{time.perf_counter() - start:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
