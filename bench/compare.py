"""Two versions of archivesite side by side: the working tree (or a commit) against a commit.

For a change that must not change speed or memory (a restructuring), the two are run
in alternating rounds on the same generated site, each with its own copy of the site
and its own output, so that the machine's noise falls on both alike. Each round runs,
for each version (the order swapped every round): a cold build (``--clean``, state and
output deleted first; its peak PSS over the process tree is the memory figure), a
no-op build, one article edited, and one template edited. The table gives each
measure's median per version and the ratio new / old, in wall time and in CPU time (user
+ system of the build's whole process tree), and the median of each round's own ratio:
where the machine drifts (a file system slowing as files are made and removed, round
after round), the two runs of one round are the fairer pair.

    .venv/bin/python bench/compare.py --base a6f93a4 --articles 10000 --rounds 5
    .venv/bin/python bench/compare.py --base a6f93a4 --articles 100000 --rounds 1 --only cold
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work" / "compare"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from measure import Measurement, median, run_measured  # noqa: E402
from run import TEMPLATE, edited, machine, write_site_config  # noqa: E402

MEASURES = ("cold", "no-op", "one article edited", "one template edited")


def checkout(commit: str) -> Path:
    """The source tree of ``commit``, extracted once under the work folder."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", commit], capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = WORK / f"tree-{sha[:12]}"
    if not (tree / "src").is_dir():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


class Version:
    """One version of archivesite with its own site copy and output folder."""

    def __init__(
        self, name: str, tree: Path, articles: list[generate.Article], toml: str = ""
    ) -> None:
        self.name, self.tree = name, tree
        self.site, self.out = WORK / f"site-{name}", WORK / f"out-{name}"
        shutil.rmtree(self.site, ignore_errors=True)
        shutil.rmtree(self.out, ignore_errors=True)
        self.site.mkdir(parents=True)
        write_site_config(self.site)
        if toml:  # settings only the new version knows, such as a feature turned off
            with (self.site / "archivesite.toml").open("a", encoding="utf-8") as f:
                f.write("\n" + toml.replace("\\n", "\n") + "\n")
        generate.write(articles, "ours", self.site)
        self.template = self.site / "templates" / TEMPLATE
        self.template.parent.mkdir(parents=True, exist_ok=True)
        self.builtin = (tree / "templates" / TEMPLATE).read_text(encoding="utf-8")
        self.template.write_text(self.builtin, encoding="utf-8")
        self.article = self.site / generate.ours_path(articles[len(articles) // 2])
        self.original = self.article.read_text(encoding="utf-8")
        # The tree's own sources come first on the path (before the editable install).
        self.env = {**os.environ, "PYTHONPATH": str(tree / "src")}

    def run(self, *extra: str, timeout: float) -> Measurement:
        cmd = [sys.executable, "-m", "archivesite.cli", "-q", "build", "--site", str(self.site)]
        log = WORK / "logs" / f"{self.name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        return run_measured(
            [*cmd, "--out", str(self.out), *extra], env=self.env, timeout=timeout, log=log
        )

    def round(self, i: int, only: set[str], timeout: float) -> dict[str, Measurement]:
        steps: list[tuple[str, Callable[[], None], tuple[str, ...]]] = [
            ("cold", self._fresh, ("--clean",)),
            ("no-op", lambda: None, ()),
            ("one article edited", lambda: self._edit_article(i), ()),
            ("one template edited", lambda: self._edit_template(i), ()),
        ]
        found: dict[str, Measurement] = {}
        for measure, before, extra in steps:
            needed = measure in only or (measure == "cold" and not self.out.exists())
            if not needed:
                continue
            before()
            m = self.run(*extra, timeout=timeout)
            if not m.ok:
                raise SystemExit(f"{self.name} {measure} failed:\n{m.tail}")
            found[measure] = m
        return found

    def _fresh(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.site / ".archivesite", ignore_errors=True)

    def _edit_article(self, i: int) -> None:
        self.article.write_text(edited(self.original, i + 1), encoding="utf-8")

    def _edit_template(self, i: int) -> None:
        self.template.write_text(self.builtin + f"<!-- compare edit {i + 1} -->\n", "utf-8")


def _paired(a: list[float], b: list[float]) -> float:
    """The median of each round's new / old."""
    return median([y / x for x, y in zip(a, b, strict=False) if x > 0])


def table(results: dict[str, dict[str, list[Measurement]]], names: tuple[str, str]) -> str:
    old, new = names
    lines = [
        f"| measure | {old} (median s) | {new} (median s) | new / old | per round | runs |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for measure in MEASURES:
        a, b = results[old].get(measure), results[new].get(measure)
        if not a or not b:
            continue
        for label, value in ((measure, _seconds), (f"{measure}, CPU", _cpu_seconds)):
            xs, ys = [value(m) for m in a], [value(m) for m in b]
            ma, mb = median(xs), median(ys)
            runs = "; ".join(f"{x:.2f} / {y:.2f}" for x, y in zip(xs, ys, strict=False))
            lines.append(
                f"| {label} | {ma:.2f} | {mb:.2f} | {mb / ma:.2f}x | {_paired(xs, ys):.2f}x "
                f"| {runs} |"
            )
    a, b = results[old].get("cold"), results[new].get("cold")
    if a and b:
        xs, ys = [m.peak_mb for m in a], [m.peak_mb for m in b]
        pa, pb = median(xs), median(ys)
        peaks = "; ".join(f"{x:.0f} / {y:.0f}" for x, y in zip(xs, ys, strict=False))
        lines.append(
            f"| peak memory of the cold build (PSS, MB) | {pa:.0f} | {pb:.0f} | "
            f"{pb / pa:.2f}x | {_paired(xs, ys):.2f}x | {peaks} |"
        )
    return "\n".join(lines)


def _seconds(m: Measurement) -> float:
    return m.seconds


def _cpu_seconds(m: Measurement) -> float:
    return m.cpu_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The working tree against a commit.")
    parser.add_argument("--base", required=True, help="the commit to compare with")
    parser.add_argument(
        "--new", default=None, help="a commit to compare instead of the working tree"
    )
    parser.add_argument("--articles", "-n", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--only", action="append", default=[], help=f"measures: {', '.join(MEASURES)}"
    )
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument(
        "--new-toml",
        default="",
        help="lines added to the new version's archivesite.toml (\\n between lines), "
        "e.g. '[related]\\nenabled = false'",
    )
    args = parser.parse_args(argv)
    only = {x.strip() for o in args.only for x in o.split(",") if x.strip()} or set(MEASURES)
    print(f"generating {args.articles:,} articles ...", flush=True)
    articles = list(generate.generate_articles(args.articles))
    names = (f"base {args.base}", f"new {args.new}" if args.new else "working tree")
    versions = [
        Version("old", checkout(args.base), articles),
        Version("new", checkout(args.new) if args.new else ROOT, articles, args.new_toml),
    ]
    results: dict[str, dict[str, list[Measurement]]] = {n: {} for n in names}
    for r in range(args.rounds):
        order = versions if r % 2 == 0 else versions[::-1]
        for version in order:
            name = names[versions.index(version)]
            for measure, m in version.round(r, only, args.timeout).items():
                results[name].setdefault(measure, []).append(m)
                print(
                    f"round {r + 1} {name:<18} {measure:<22} {m.seconds:7.2f} s "
                    f"{m.peak_mb:6.0f} MB",
                    flush=True,
                )
    info = machine()
    print()
    print(f"{args.articles:,} articles, {args.rounds} alternating rounds; {info}")
    if args.new_toml:
        print("new version's archivesite.toml adds: " + args.new_toml.replace("\\n", "; "))
    print(table(results, names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
