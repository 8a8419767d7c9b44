"""The search index writer and updater (archivesite.search_index) and the browser engine
(static/assets/search-engine.js, run under node) that reads what they write."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archivesite import search_index
from archivesite.cli import cli
from archivesite.search_index import (
    SearchRecord,
    by_number,
    read_manifest,
    update_index,
    write_index,
)
from archivesite.search_index import update as index_update
from archivesite.search_index import write as index_write
from search_reader import Index

pytestmark = pytest.mark.timeout(300)

ASSETS = Path(__file__).resolve().parents[1] / "static" / "assets"
NODE = shutil.which("node")
WORDS = (
    "talks",
    "sanctions",
    "wheat",
    "harbor",
    "election",
    "minister",
    "bank",
    "oil",
    "gas",
    "court",
    "police",
    "storm",
    "trade",
    "grain",
    "port",
    "river",
    "bridge",
    "council",
    "mayor",
    "budget",
    "strike",
    "train",
    "airport",
    "museum",
)
PLACES = ("Moscow", "Kidal", "Portland, Ore.")
AGENCIES = ("AP", "Reuters", "TASS")


def make_record(i: int, extra: str = "", *, date: str | None = None) -> SearchRecord:
    rnd = random.Random(i)
    if date is None:
        date = "" if i % 17 == 0 else f"{1995 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}"
    text = " ".join(rnd.choice(WORDS) for _ in range(60)) + extra
    return SearchRecord(
        url=f"a/{i}/",
        title=f"{rnd.choice(WORDS).title()} report {i}",
        text=text,
        date=date,
        year=int(date[:4]) if date else None,
        place=rnd.choice(PLACES),
        agency=rnd.choice(AGENCIES),
        lang="en",
    )


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


QUERIES: list[tuple[str, dict[str, list[str]], str]] = [
    ("talks", {}, "relevance"),
    ("wheat harbor", {}, "relevance"),
    ("storm", {"year": ["1997", "1999"]}, "newest"),
    ("bank", {"place": ["Moscow"]}, "oldest"),
    ("court police", {"agency": ["AP", "TASS"], "place": ["Kidal"]}, "relevance"),
    ("zanzibarite", {}, "relevance"),
    ("report", {}, "newest"),
]


def answers(folder: Path) -> list[list[str]]:
    ix = Index(folder)
    return [ix.search(q, f, s) for q, f, s in QUERIES]


@pytest.fixture
def records() -> list[SearchRecord]:
    return [make_record(i) for i in range(300)]


def test_documents_are_numbered_by_date_and_years_are_ranges(
    tmp_path: Path, records: list[SearchRecord]
) -> None:
    stats = write_index(reversed(records), tmp_path / "idx", built_from="abc")
    assert stats.documents == 300 and stats.full
    m = read_manifest(tmp_path / "idx")
    assert m is not None and m["built_from"] == "abc" and m["count"] == 300
    ix = Index(tmp_path / "idx")
    dates = [ix.meta(d)[2] for d in range(300)]
    assert dates == sorted(dates) and dates[0] == ""  # undated first, then by date
    for year, (lo, hi) in m["years"].items():
        assert all(dates[d].startswith(year) for d in range(lo, hi))
    assert dict(map(tuple, m["facets"]["year"])) == {
        str(y): sum(1 for r in records if r.year == y) for y in range(1995, 2001)
    }
    counts = [n for _, n in m["facets"]["place"]]
    assert counts == sorted(counts, reverse=True)
    assert (tmp_path / "idx" / "built-from.txt").read_text() == "abc\n"
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no temporary folder left


def test_terms_are_split_in_utf16_order_and_found_in_their_file(tmp_path: Path) -> None:
    # An astral letter sorts after U+FFFD in UTF-16 but before it in code points.
    words = ["zebra", "\ufb01x", "\U0001d49cbc", "ёлка", "apple"]
    recs = [
        SearchRecord(url=f"w/{i}/", title=w, text=w * 1, date="2000-01-01", year=2000)
        for i, w in enumerate(words)
    ]
    shutil_size = index_write.TERM_FILE_BYTES
    index_write.TERM_FILE_BYTES = 10  # a file per term
    try:
        write_index(recs, tmp_path / "idx")
    finally:
        index_write.TERM_FILE_BYTES = shutil_size
    m = read_manifest(tmp_path / "idx")
    assert m is not None
    firsts = m["terms"]
    assert firsts == sorted(firsts, key=lambda t: t.encode("utf-16-be", "surrogatepass"))
    ix = Index(tmp_path / "idx")
    for i, w in enumerate(words):
        assert ix.search(w) == [f"w/{i}/"], w


def test_spilled_runs_give_the_same_files(
    tmp_path: Path, records: list[SearchRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_index(records, tmp_path / "one")
    monkeypatch.setattr(index_write, "RUN_POSTINGS", 500)  # many runs merged from disk
    write_index(records, tmp_path / "many")
    one, many = files_of(tmp_path / "one"), files_of(tmp_path / "many")
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in many.items()}


def test_a_later_record_with_the_same_url_wins(tmp_path: Path) -> None:
    a = make_record(1)
    write_index([a, replace(a, text="zanzibarite"), make_record(2)], tmp_path / "idx")
    ix = Index(tmp_path / "idx")
    assert ix.m["count"] == 2
    assert ix.search("zanzibarite") == ["a/1/"]


def test_edit_add_and_remove_rewrite_only_what_shows_them(
    tmp_path: Path, records: list[SearchRecord]
) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest, built_from="one")
    before = files_of(dest)
    edited = make_record(5, " zanzibarite")
    new = make_record(1000, " quokka")
    gone = records[7].url
    stats = update_index(dest, [edited, new], [gone], built_from="two")
    assert not stats.full
    after = files_of(dest)
    ix = Index(dest)
    assert ix.search("zanzibarite") == ["a/5/"]
    assert ix.search("quokka") == ["a/1000/"]
    assert gone not in {u for q, f, s in QUERIES for u in ix.search(q, f, s)}
    assert ix.m["count"] == 300 and ix.m["built_from"] == "two"
    # Term files and the metadata of other documents are untouched, bytes and mtimes.
    for rel, value in before.items():
        if rel.startswith("t/") or (rel.startswith("d/") and rel in after):
            assert after.get(rel) == value, rel
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert all(
        rel.endswith(".delta.json")
        or rel.startswith(("d/", "u/"))
        or rel in ("manifest.json",)
        or rel == "built-from.txt"
        for rel in changed
    ), changed
    # The new document sorts by its date among the others, and a year filter finds it.
    year = str(new.year)
    assert "a/1000/" in ix.search("quokka", {"year": [year]})
    newest = ix.search("report", sort="newest")
    pos = newest.index("a/1000/")
    neighbours = [u for u in newest[pos - 1 : pos + 2] if u != "a/1000/"]
    by_url = {r.url: r.date for r in [*records, new]}
    assert all(abs(_days(by_url[u]) - _days(new.date)) < 400 for u in neighbours)


def _days(date: str) -> int:
    if not date:
        return -(10**6)
    y, m, d = map(int, date.split("-"))
    return y * 372 + m * 31 + d


def test_a_no_op_update_and_an_unchanged_index_touch_nothing(
    tmp_path: Path, records: list[SearchRecord]
) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest)
    before = files_of(dest)
    update_index(dest, [], [])
    after = files_of(dest)
    assert {k for k in after if after[k] != before[k]} <= {"manifest.json"}
    assert after["manifest.json"][0] == before["manifest.json"][0]


def test_many_edits_fold_and_answer_as_a_clean_index(
    tmp_path: Path, records: list[SearchRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_update, "FOLD_BYTES", 400)
    dest = tmp_path / "idx"
    write_index(records, dest)
    current = {r.url: r for r in records}
    rnd = random.Random(3)
    folded = 0
    for k in range(120):
        i = rnd.randrange(400)
        extra = " zanzibarite" if k % 3 == 0 else ""
        date = None if k % 5 else "1998-06-15"  # some edits move an article's date
        r = make_record(i, f" edit{k}{extra}", date=date)
        removed = [rnd.choice(sorted(current))] if k % 11 == 0 else []
        for url in removed:
            current.pop(url, None)
        current[r.url] = r
        folded += update_index(dest, [r], [u for u in removed if u != r.url]).folded
    assert folded > 0
    clean = tmp_path / "clean"
    write_index(current.values(), clean)
    got, want = answers(dest), answers(clean)
    assert [sorted(a) for a in got] == [sorted(a) for a in want]
    date = {url: r.date for url, r in current.items()}
    for k in (2, 3):  # the date sorts agree (articles of one day may come in any order)
        assert [date[u] for u in got[k]] == [date[u] for u in want[k]]
    assert Index(dest).m["count"] == len(current) == Index(clean).m["count"]
    assert Index(dest).m["facets"] == Index(clean).m["facets"]
    size = sum(len(v[0]) for v in files_of(dest).values())
    clean_size = sum(len(v[0]) for v in files_of(clean).values())
    assert size <= clean_size * 1.25


def test_after_a_hundred_edits_a_query_reads_little_more_than_on_a_clean_index(
    tmp_path: Path, records: list[SearchRecord]
) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest)
    clean_manifest = (dest / "manifest.json").stat().st_size
    current = {r.url: r for r in records}
    for k in range(100):
        r = make_record((k * 7) % 300, f" edit{k} zanzibarite")
        current[r.url] = r
        update_index(dest, [r], [])
    clean = tmp_path / "clean"
    write_index(current.values(), clean)
    assert answers(dest) == answers(clean)
    m = read_manifest(dest)
    assert m is not None
    deltas = search_index.by_number(m["delta"])
    for i, stamp in deltas.items():  # every delta left is below the fold threshold
        delta = (dest / "t" / f"{i}.{stamp}.delta.json").stat().st_size
        term = (dest / "t" / f"{i}.{search_index.term_stamp(m, i)}.json").stat().st_size
        assert delta <= max(index_update.FOLD_BYTES, index_update.FOLD_SHARE * term)
    # Every file written since the full write is named by the last update's one stamp.
    stamps = [*m["delta"], *m["term_stamps"], *m["doc_stamps"]]
    assert len(set(stamps)) == 1
    touched = sum(len(v) for t in ("delta", "term_stamps", "doc_stamps") for v in m[t].values())
    grown = (dest / "manifest.json").stat().st_size - clean_manifest
    assert grown < 40 * 100 + 12 * len(set(stamps)) + 6 * touched


def test_due_for_rewrite(tmp_path: Path, records: list[SearchRecord]) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest)
    m = read_manifest(dest)
    assert m is not None and not search_index.due_for_rewrite(m)
    m["added"] = [[0.5, None]] * (search_index.REWRITE_ADDED + 1)
    assert search_index.due_for_rewrite(m)


def test_crash_leftovers_are_removed_and_a_killed_update_leaves_the_old_index(
    tmp_path: Path, records: list[SearchRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "idx"
    dead = tmp_path / ".idx.tmp-999999999-x"  # a write whose process is gone
    dead.mkdir()
    (dead / "junk").write_text("x")
    write_index(records, dest)
    assert not dead.exists()
    before = answers(dest)
    manifest = (dest / "manifest.json").read_bytes()
    calls = 0
    real_put = index_update.put

    def dying_put(path: Path, data: bytes, **kw: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            (path.with_name(path.name + ".999999999.tmp")).write_bytes(data[:5])  # half a file
            raise KeyboardInterrupt  # the kill
        return real_put(path, data, **kw)

    monkeypatch.setattr(index_update, "put", dying_put)
    with pytest.raises(KeyboardInterrupt):
        update_index(dest, [make_record(5, " zanzibarite")], [])
    monkeypatch.undo()
    assert (dest / "manifest.json").read_bytes() == manifest
    assert answers(dest) == before
    update_index(dest, [make_record(5, " zanzibarite")], [])
    assert Index(dest).search("zanzibarite") == ["a/5/"]
    assert not list(dest.rglob("*.tmp"))


def test_updating_a_missing_index_is_an_error(tmp_path: Path) -> None:
    from archivesite.errors import ArchiveError

    with pytest.raises(ArchiveError, match="no search index"):
        update_index(tmp_path / "none", [make_record(1)], [])


def test_an_index_of_the_last_format_is_not_read_but_written_again(
    tmp_path: Path, records: list[SearchRecord]
) -> None:
    from archivesite.errors import ArchiveError

    dest = tmp_path / "idx"
    write_index(records, dest)
    manifest = json.loads((dest / "manifest.json").read_text())
    old = {**manifest, "format": 2, "added": {}}  # format 2 kept `added` as an object
    (dest / "manifest.json").write_text(json.dumps(old))
    assert read_manifest(dest) is None  # the build writes it whole again
    with pytest.raises(ArchiveError, match="no search index"):
        update_index(dest, [make_record(1, " zanzibarite")], [])
    if NODE is not None:
        (got,) = run_engine(dest, [{"op": "open"}])
        assert got["isError"] and "format" in got["error"]


def test_built_through_the_cli_edits_are_found(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "2022/01/11/a.md": "---\ntitle: Alpha\ndate: 2022-01-11\n---\nThe first words.\n",
            "2022/01/12/b.md": "---\ntitle: Beta\ndate: 2022-01-12\n---\nThe second words.\n",
        }
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["build", "--site", str(site)]).exit_code == 0
    ix = Index(site / "build" / "search-index")
    assert ix.search("first") == ["2022/01/11/a/"]
    path = site / "content" / "2022" / "01" / "11" / "a.md"
    path.write_text(path.read_text().replace("first", "opening"))
    result = runner.invoke(cli, ["build", "--site", str(site)])
    assert result.exit_code == 0 and "search index updated" in result.output
    ix = Index(site / "build" / "search-index")
    assert ix.search("first") == [] and ix.search("opening") == ["2022/01/11/a/"]


# --- the browser engine, under node ----------------------------------------------

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_engine(index: Path, ops: list[dict[str, Any]]) -> list[Any]:
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(Path(__file__).with_name("search_engine_node.js")), str(ASSETS), str(index)],
        input=json.dumps(ops),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: list[Any] = json.loads(proc.stdout)
    return result


def searches(*args: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield {"op": "open"}
    for a in args:
        yield {"op": "search", "args": a}


@needs_node
def test_the_engine_answers_as_the_index_says(tmp_path: Path, records: list[SearchRecord]) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest)
    update_index(dest, [make_record(5, " zanzibarite"), make_record(999)], [records[9].url])
    ops = [{"q": q, "filters": f, "sort": s, "limit": 1000} for q, f, s in QUERIES]
    got = run_engine(dest, list(searches(*ops)))
    opened, results = got[0], got[1:]
    m = read_manifest(dest)
    assert m is not None
    assert opened["documents"] == m["count"] == 300
    assert opened["facets"] == {k: m["facets"][k] for k in ("year", "place", "agency")}
    for want, answer in zip(answers(dest), results, strict=True):
        assert [r["url"] for r in answer["results"]] == want
        assert answer["total"] == len(want)


@needs_node
def test_the_engine_pages_sorts_and_filters(tmp_path: Path, records: list[SearchRecord]) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest)
    got = run_engine(
        dest,
        list(
            searches(
                {"q": "report", "sort": "newest", "offset": 0, "limit": 5},
                {"q": "report", "sort": "newest", "offset": 5, "limit": 5},
                {"q": "report", "sort": "newest", "limit": 10},
                {"q": "report", "sort": "oldest", "limit": 3},
                {"q": "", "filters": {"year": ["1996"]}, "limit": 1000},
                {"q": "", "filters": {}},
                {"q": "report", "filters": {"year": ["1996"], "agency": ["AP"]}, "limit": 1000},
            )
        ),
    )
    first, second, ten, oldest, year, empty, both = got[1:]
    assert [r["url"] for r in first["results"] + second["results"]] == [
        r["url"] for r in ten["results"]
    ]
    dates = [r["date"] for r in ten["results"]]
    assert dates == sorted(dates, reverse=True) and first["total"] == 300
    assert [r["date"] for r in oldest["results"]] == ["", "", ""]  # undated count as oldest
    assert year["total"] == sum(1 for r in records if r.year == 1996)
    assert all(r["date"].startswith("1996") for r in year["results"])
    assert empty == {"total": 0, "results": [], "fetched": []}
    assert both["total"] == sum(1 for r in records if r.year == 1996 and r.agency == "AP")
    assert all(r["agency"] == "AP" for r in both["results"])


@needs_node
def test_excerpts_mark_the_query_words_and_escape_the_text(tmp_path: Path) -> None:
    long_start = "Filler words here. " * 12
    recs = [
        SearchRecord(
            url="x/1/",
            title="<b>Bold</b> & co",
            text='Talks on <script>alert("x")</script> & wheat; the talk went on.',
            date="2001-02-03",
            year=2001,
            place="Kidal",
            agency="AP",
            lang="en",
        ),
        SearchRecord(
            url="x/2/", title="Far", text=long_start + "then the harbor.", date="2001-02-04"
        ),
    ]
    write_index(recs, tmp_path / "idx")
    got = run_engine(tmp_path / "idx", list(searches({"q": "talking"}, {"q": "harbor"})))
    (one,) = got[1]["results"]
    assert one["title"] == "<b>Bold</b> & co"  # a value: the page escapes it where it shows it
    assert one["excerpt"] == (
        "<mark>Talks</mark> on &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; wheat; "
        "the <mark>talk</mark> went on."
    )
    assert (one["url"], one["date"], one["place"], one["agency"], one["lang"]) == (
        "x/1/",
        "2001-02-03",
        "Kidal",
        "AP",
        "en",
    )
    (far,) = got[2]["results"]
    assert far["excerpt"].startswith("… ") and "<mark>harbor</mark>" in far["excerpt"]
    assert far["date"] == "2001-02-04" and far["place"] == ""


@needs_node
def test_the_engine_reloads_after_an_update_and_reads_few_files(
    tmp_path: Path, records: list[SearchRecord]
) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest)
    script = Path(tmp_path / "ops.json")
    script.write_text("")
    ops: list[dict[str, Any]] = [
        {"op": "open"},
        {"op": "search", "args": {"q": "zanzibarite"}},
        {"op": "search", "args": {"q": "wheat", "limit": 10}},
    ]
    got = run_engine(dest, ops)
    assert got[1]["total"] == 0
    # A query reads a term file per term and the result chunks: few and small files.
    assert len(got[2]["fetched"]) <= 1 + 10
    # The engine's later calls run on the updated index once it reloads (serve).
    update_index(dest, [make_record(5, " zanzibarite")], [])
    got = run_engine(
        dest, [*ops[:2], {"op": "reload"}, {"op": "search", "args": {"q": "zanzibarite"}}]
    )
    assert [r["url"] for r in got[3]["results"]] == ["a/5/"]


@needs_node
def test_engine_errors_say_what_is_wrong(tmp_path: Path, records: list[SearchRecord]) -> None:
    dest = tmp_path / "idx"
    write_index(records, dest)
    missing = run_engine(tmp_path / "nowhere", [{"op": "open"}])[0]
    assert missing["isError"] and "no search index" in missing["error"].lower()
    from_file = run_engine(dest, [{"op": "open", "url": f"file://{dest}/"}])[0]
    assert from_file["isError"] and "web server" in from_file["error"]
    m = read_manifest(dest)
    assert m is not None
    big = f"t/0.{m['term_stamp']}.json"
    first_term = m["terms"][0]
    got = run_engine(
        dest,
        [
            {"op": "open"},
            {"op": "oversize", "file": big},
            {"op": "search", "args": {"q": first_term}},
            {"op": "search", "args": {"q": "x", "sort": "random"}},
            {"op": "search", "args": {"q": "x", "filters": {"colour": ["red"]}}},
        ],
    )
    assert got[2]["isError"] and "refused" in got[2]["error"]
    assert got[3]["isError"] and "Unknown sort" in got[3]["error"]
    assert got[4]["isError"] and "Unknown filter" in got[4]["error"]


def test_worker_processes_write_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_write, "PARALLEL_AFTER", 50)
    monkeypatch.setattr(index_write, "COUNT_CHUNK", 20)
    recs = [make_record(i) for i in range(400)]
    write_index(recs, tmp_path / "one", jobs=1)
    write_index(iter(recs), tmp_path / "two", jobs=2)
    one, two = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in two.items()}


def _gzipped(folder: Path, rels: list[str]) -> int:
    return sum(len(gzip.compress((folder / rel).read_bytes(), 6)) for rel in rels)


def _query_bytes(index: Path, args: dict[str, Any]) -> int:
    """What a fresh engine fetches to answer ``args`` once open (gzipped, as a host sends
    it): the term, delta and metadata files, the manifest apart."""
    _, answer = run_engine(index, [{"op": "open"}, {"op": "search", "args": args}])
    assert "error" not in answer, answer
    return _gzipped(index, answer["fetched"])


def rich_record(i: int, extra: str = "") -> SearchRecord:
    """A record with a long tail of rarer words too, so term files fill as real copy's do
    (the bytes a query reads are then term files and chunks, not mostly the manifest)."""
    rnd = random.Random(-i)
    tail = " ".join(f"w{int(rnd.paretovariate(0.6)) % 20000}" for _ in range(80))
    return replace(make_record(i), text=f"{make_record(i).text} {tail}{extra}")


@needs_node
def test_after_a_hundred_edits_each_query_reads_within_a_tenth_of_a_clean_index(
    tmp_path: Path,
) -> None:
    records = [rich_record(i) for i in range(3000)]
    dest, clean = tmp_path / "idx", tmp_path / "clean"
    write_index(records, dest)
    current = {r.url: r for r in records}
    for k in range(100):  # spread over the archive, as the benchmark edits
        r = rich_record(k * 30 + 15, f" edit{k}")
        current[r.url] = r
        update_index(dest, [r], [])
    write_index(current.values(), clean)
    for q, f, s in QUERIES:
        args = {"q": q, "filters": f, "sort": s, "limit": 10}
        edited, fresh = _query_bytes(dest, args), _query_bytes(clean, args)
        assert edited <= 1.10 * fresh, (q, f, s, edited, fresh)
    # An edit that keeps its date is shown where it was: no metadata chunk past the base.
    m = read_manifest(dest)
    assert m is not None
    assert all(n * search_index.DOC_CHUNK < m["base"] for n in by_number(m["doc_stamps"]))
    # The manifest every query reads grows by a few bytes an edit (gzipped), about 2% of
    # what a query reads at 100,000 articles (BENCHMARKS.md); this index's is far smaller.
    grown = _gzipped(dest, ["manifest.json"]) - _gzipped(clean, ["manifest.json"])
    assert grown < 12 * 100
