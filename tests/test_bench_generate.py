"""The benchmark's article generators (bench/generate.py) and the bare loop.

Small and fast: determinism by seed, valid front matter in each format, files
Pelican can read. No timing assertions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import frontmatter
import markdown
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load("generate")

CONTRACT_ORDER = [
    "title", "lede", "summary", "date", "date_source", "dateline", "place", "region",
    "agency", "language", "source_file", "source_sha256", "tags",
]  # fmt: skip


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("fmt", gen.FORMATS)
def test_same_seed_same_bytes(tmp_path: Path, fmt: str) -> None:
    gen.write(gen.generate_articles(40, seed=7), fmt, tmp_path / "a")
    gen.write(gen.generate_articles(40, seed=7), fmt, tmp_path / "b")
    gen.write(gen.generate_articles(40, seed=8), fmt, tmp_path / "c")
    a = _tree(tmp_path / "a")
    assert len(a) >= 40
    assert a == _tree(tmp_path / "b")
    assert a != _tree(tmp_path / "c")


def test_smaller_set_is_a_prefix_of_a_larger_one() -> None:
    small = list(gen.generate_articles(50, seed=3))
    large = list(gen.generate_articles(200, seed=3))
    assert small == large[:50]


def test_articles_look_like_news() -> None:
    arts = list(gen.generate_articles(300))
    words = [a.word_count() for a in arts]
    assert 500 <= sum(words) / len(words) <= 600
    assert {a.agency for a in arts} == set(gen.AGENCIES)
    years = {a.date.year for a in arts}
    assert len(years) >= 5
    assert all(0 <= len(a.tags) <= 4 and len(set(a.tags)) == len(a.tags) for a in arts)
    assert 180 <= len(gen.TAGS) <= 230
    assert all(t in gen.TAGS for a in arts for t in a.tags)
    slugs = [(a.date, a.slug) for a in arts]
    assert len(set(slugs)) == len(slugs)
    # The lead's reporting verb names the weekday of the date (year inference).
    assert all(f" on {a.weekday}." in a.first for a in arts)


def test_ours_front_matter_follows_the_contract(tmp_path: Path) -> None:
    arts = list(gen.generate_articles(60, seed=1))
    gen.write(arts, "ours", tmp_path)
    gen.write(arts, "wire", tmp_path)
    for a in arts:
        path = tmp_path / gen.ours_path(a)
        assert path.parent.relative_to(tmp_path / "content").parts == (
            f"{a.date:%Y}",
            f"{a.date:%m}",
            f"{a.date:%d}",
        )
        post = frontmatter.load(path)
        meta = post.metadata
        keys = list(meta)
        assert keys == [k for k in CONTRACT_ORDER if k in keys]
        assert meta["title"] == a.title
        assert meta["date"] == a.date and isinstance(meta["date"], dt.date)
        assert meta["date_source"] in ("weekday", "file")
        assert meta["dateline"] == a.place.printed
        assert meta["place"] == a.place.place
        assert meta.get("region") == a.place.region
        assert meta["agency"] == a.agency
        assert meta["tags"] == list(a.tags)
        assert meta.get("lede") == a.lede
        assert meta["summary"] == a.summary
        seed_file = tmp_path / meta["source_file"]
        assert hashlib.sha256(seed_file.read_bytes()).hexdigest() == meta["source_sha256"]
        assert post.content.startswith(a.dateline())
        assert "\r" not in path.read_text(encoding="utf-8")


def test_yaml_str_round_trips() -> None:
    for value in ["plain words", "yes", "a: b", 'say "hi"', "x #y", "Moscow", "NO", "— dash"]:
        assert yaml.safe_load(f"k: {gen.yaml_str(value)}") == {"k": value}


def test_wire_text_has_title_lede_and_dateline() -> None:
    for a in gen.generate_articles(100, seed=2):
        blocks = gen.wire_text(a).rstrip("\n").split("\n\n")
        if a.agency == "TASS":
            assert blocks[0] == "All news"
            assert a.dateline().endswith(". /TASS/. ")
            blocks = blocks[1:]
        assert blocks[0] == a.title
        if a.lede:
            assert blocks[1] == a.lede
        assert any(b.startswith(a.place.printed) for b in blocks)
        assert a.date.isoformat() in a.wire_name


def test_hugo_front_matter_is_yaml(tmp_path: Path) -> None:
    arts = list(gen.generate_articles(30))
    gen.write(arts, "hugo", tmp_path)
    for a in arts:
        post = frontmatter.load(tmp_path / gen.hugo_path(a, flat=False))
        assert post["title"] == a.title
        assert post["date"] == a.date
        assert post["agencies"] == [a.agency]
        assert post["tags"] == list(a.tags)
    for d in {a.date for a in arts}:
        assert (tmp_path / f"content/{d:%Y/%m/%d}/_index.md").exists()
        assert (tmp_path / f"content/{d:%Y}/_index.md").exists()


def test_pelican_metadata_reads_with_the_meta_extension() -> None:
    # Pelican's MarkdownReader reads metadata with Python-Markdown's `meta` extension.
    for a in gen.generate_articles(30):
        md = markdown.Markdown(extensions=["meta"])
        md.convert(gen.pelican_text(a))
        meta = {k: "\n".join(v) for k, v in md.Meta.items()}  # type: ignore[attr-defined]
        assert meta["title"] == a.title
        assert meta["date"].startswith(a.date.isoformat())
        assert meta["slug"] == a.slug
        assert meta.get("tags", "") == ", ".join(a.tags)
        assert meta["category"] == a.agency


PEERS_PYTHON = BENCH / "work" / "peers-venv" / "bin" / "python"


@pytest.mark.skipif(not PEERS_PYTHON.exists(), reason="peers venv not installed (bench/peers.py)")
def test_pelican_reads_the_files(tmp_path: Path) -> None:
    arts = list(gen.generate_articles(5))
    gen.write(arts, "pelican", tmp_path)
    script = """
import json, sys
from pelican.readers import Readers
from pelican.settings import read_settings
readers = Readers(read_settings(override={"PATH": sys.argv[1]}))
out = []
for path in sys.argv[2:]:
    page = readers.read_file(sys.argv[1], path)
    out.append([page.title, page.slug, page.date.date().isoformat(),
                [str(t) for t in getattr(page, "tags", [])], str(page.category)])
print(json.dumps(out))
"""
    paths = [gen.pelican_path(a).removeprefix("content/") for a in arts]
    result = subprocess.run(
        [str(PEERS_PYTHON), "-c", script, str(tmp_path / "content"), *paths],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    got = json.loads(result.stdout)
    want = [[a.title, a.slug, a.date.isoformat(), list(a.tags), a.agency] for a in arts]
    assert got == want


def test_bare_loop_writes_one_page_per_article(tmp_path: Path) -> None:
    bare = _load("bare_loop")
    arts = list(gen.generate_articles(12))
    gen.write(arts, "ours", tmp_path / "site")
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        assert bare.build(tmp_path / "site", out, jobs, chunk=5) == 12
        for a in arts:
            page = out / f"{a.date:%Y/%m/%d}" / a.slug / "index.html"
            assert a.place.printed in page.read_text(encoding="utf-8")


def test_imported_date_is_the_date_in_the_file_name() -> None:
    from archivesite.dates import date_in_name

    for a in gen.generate_articles(200):
        assert a.imported_date() == a.date == date_in_name(a.wire_name)


def test_smaps_rollup_parse() -> None:
    measure = _load("measure")
    text = b"55d0-7ffe ---p 00000000 00:00 0  [rollup]\nRss:  1804 kB\nPss:  290 kB\n"
    assert measure.parse_smaps_rollup(text) == (290 * 1024, 1804 * 1024)
    assert measure.parse_smaps_rollup(b"") is None


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs smaps_rollup")
def test_tree_pss_counts_pages_shared_with_a_forked_child_once() -> None:
    import os

    measure = _load("measure")
    block = bytearray(96 * 2**20)
    block[::4096] = b"\1" * len(block[::4096])  # resident before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child only inherits the block, copy-on-write
        os.close(write)
        os.read(read, 1)
        os._exit(0)
    os.close(read)
    try:
        pss, largest = measure.tree_pss(os.getpid())
        rss_sum = sum(measure.process_memory(p)[1] for p in (os.getpid(), pid))
    finally:
        os.write(write, b"x")
        os.waitpid(pid, 0)
        os.close(write)
    assert largest >= len(block)
    assert pss < rss_sum - len(block) // 2  # summed RSS counts the block twice, PSS once
    del block
