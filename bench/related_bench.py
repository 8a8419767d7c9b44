"""What related coverage costs a build: the same generated site built with it on and
off (``[related] enabled``), alternating, on a cold build and after one article edit:
the wall-clock time, and the CPU time of all the build's processes.

Also times the stages in this process: making every text's features (one process),
relating them all (``relate``), and finding again the pairs of one edited article
(``update``). Prints a Markdown table of medians; the cold overhead is judged against
a cold build without related coverage.

    python bench/related_bench.py --articles 10000 --rounds 3
    python bench/related_bench.py --articles 10000 --rounds 3 --search  # the default build
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import generate
from archivesite import related
from archivesite.config import RelatedConfig, load_config
from archivesite.load import load_articles
from archivesite.model import Article
from archivesite.pages import Pages
from archivesite.render import read_body
from archivesite.site import assemble
from measure import median, run_measured

ARCHIVESITE = Path(sys.executable).with_name("archivesite")


def _site(root: Path, articles: list[generate.Article], enabled: bool, search: bool) -> Path:
    generate.write(articles, "ours", root)
    (root / "archivesite.toml").write_text(
        f'title = "Bench"\nsearch = {str(search).lower()}\n'
        f"[related]\nenabled = {str(enabled).lower()}\n"
    )
    return root


def _build(site: Path, *extra: str) -> tuple[float, float]:
    """The build's wall-clock seconds and the CPU seconds of all its processes (user and
    system; steadier than wall time on a machine others load too)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = run_measured([ARCHIVESITE, "build", "--site", site, *extra], timeout=3600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if m.returncode != 0:
        raise SystemExit(f"build of {site} failed: {m.tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return m.seconds, cpu


def _edit(site: Path, n: int) -> None:
    """Append a sentence to the body of one article (its text changes, nothing moves)."""
    path = sorted((site / "content").rglob("*.md"))[n * 7919 % 1000]
    path.write_text(path.read_text(encoding="utf-8") + f"\nEdited in round {n}.\n")


def _stages(site: Path) -> dict[str, float]:
    config = load_config(site)
    site_value = assemble(config, load_articles(config))
    dated = list(site_value.archive.dated)
    pages = Pages(site_value)
    refs = [pages.article(a, None, None)[1] for a in dated]
    t = time.perf_counter()
    texts = [read_body(ref) for ref in refs if ref is not None]
    made = related.features_of_many(texts)
    features = time.perf_counter() - t
    by_source = {a.source: f for a, f in zip(dated, made, strict=True)}

    def feats(a: Article) -> related.Features:
        return by_source[a.source]

    settings = RelatedConfig()
    t = time.perf_counter()
    coverage = related.relate(dated, feats, settings)
    relate = time.perf_counter() - t
    edited = dated[len(dated) // 2].source
    by_source[edited] = related.features(texts[len(dated) // 2] + " An edit.")
    t = time.perf_counter()
    related.update(coverage, dated, [edited], feats, settings)
    update = time.perf_counter() - t
    links = sum(len(c.carried) + len(c.related) for c in coverage.values())
    print(f"{len(coverage)} articles with coverage, {links} links")
    return {"features, one process": features, "relate all": relate, "update, one edit": update}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--search",
        action="store_true",
        help="build the search index too, as a default build does (off: the pages alone)",
    )
    args = parser.parse_args(argv)
    articles = list(generate.generate_articles(args.articles))
    tmp = Path(tempfile.mkdtemp(prefix="related-bench-"))
    try:
        on = _site(tmp / "on", articles, True, args.search)
        off = _site(tmp / "off", articles, False, args.search)
        measures = ("cold", "one edit", "cold, CPU", "one edit, CPU")
        times: dict[str, dict[str, list[float]]] = {m: {} for m in measures}
        for r in range(args.rounds):
            for name, site in (("off", off), ("on", on)) if r % 2 else (("on", on), ("off", off)):
                shutil.rmtree(site / "build", ignore_errors=True)
                shutil.rmtree(site / ".archivesite", ignore_errors=True)
                wall, cpu = _build(site, "--clean")
                times["cold"].setdefault(name, []).append(wall)
                times["cold, CPU"].setdefault(name, []).append(cpu)
                _edit(site, r)
                wall, cpu = _build(site)
                times["one edit"].setdefault(name, []).append(wall)
                times["one edit, CPU"].setdefault(name, []).append(cpu)
            print(f"round {r + 1}: " + ", ".join(
                f"{m} {n} {v[n][-1]:.2f} s" for m, v in times.items() for n in ("on", "off")
            ))  # fmt: skip
        what = "pages and search index" if args.search else "pages alone (search = false)"
        print(f"\n{args.articles} articles, {what}, {args.rounds} rounds, medians:\n")
        print("| measure | related off | related on | overhead |")
        print("|---|---|---|---|")
        for measure, by in times.items():
            a, b = median(by["off"]), median(by["on"])
            print(f"| {measure} | {a:.2f} s | {b:.2f} s | {b - a:+.2f} s ({(b - a) / a:+.0%}) |")
        print("\n| stage (in this process) | seconds |\n|---|---|")
        for stage, seconds in _stages(on).items():
            print(f"| {stage} | {seconds:.2f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
