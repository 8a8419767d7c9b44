"""What an import remembers per record, through the public CLI: the manifest (read and
written streamed, in the canonical JSON text), duplicates across files, hand-edit
protection and idempotency per record, the report and the review table; in one
process and with worker processes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archivesite.cli import cli
from archivesite.import_manifest import manifest_chunks, read_entries
from archivesite.import_report import ArticleRecord, ImportReport, report_lines
from archivesite.ledger import Ledger

MANIFEST = Path("content") / ".archivesite-import.json"


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "archivesite.toml").write_text('title = "Ledger"\nlanguage = "en"\n', "utf-8")
    return site


def run(site: Path, *args: str) -> Result:
    command = ["-v", "import", "--site", str(site), *args]
    return CliRunner().invoke(cli, command, catch_exceptions=False)


def doc(n: int, text: str | None = None) -> str:
    """A Gigaword record (distinct text per ``n`` unless ``text`` is given)."""
    body = text or f"The ferry made crossing number {n} before the storm reached the coast."
    return (
        f'<DOC id="AFP_ENG_200301{1 + n % 28:02d}.{n:04d}" type="story" >\n'
        f"<HEADLINE>\nFerry crossing {n}\n</HEADLINE>\n<DATELINE>\nCORK, Jan {1 + n % 28} (AFP)\n"
        f"</DATELINE>\n<TEXT>\n<P>\n{body}\n</P>\n</TEXT>\n</DOC>\n"
    )


def snapshot(site: Path) -> dict[Path, tuple[bytes, int]]:
    """Every file under content/ with its bytes and modification time."""
    return {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((site / "content").rglob("*"))
        if p.is_file()
    }


def canonical(path: Path) -> bytes:
    """The manifest as ``json.dumps`` writes it (what the importer always wrote)."""
    data = json.loads(path.read_text("utf-8"))
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def test_a_collection_that_gains_records_imports_only_the_new_ones(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed = site / "seeds" / "afp_eng_200301"
    seed.write_text("".join(doc(n) for n in range(40)), "utf-8")
    first = run(site)
    assert first.exit_code == 0, first.output
    assert "imported 40, unchanged 0" in first.output
    manifest = site / MANIFEST
    assert manifest.read_bytes() == canonical(manifest)
    before = snapshot(site)

    again = run(site)
    assert "imported 0, unchanged 40" in again.output
    assert snapshot(site) == before  # nothing rewritten, not even the manifest

    seed.write_text(seed.read_text("utf-8") + doc(40) + doc(41), "utf-8")
    grown = run(site)
    assert "imported 2, unchanged 40" in grown.output
    after = snapshot(site)
    assert {p: v for p, v in after.items() if p in before and p != site / MANIFEST} == {
        p: v for p, v in before.items() if p != site / MANIFEST
    }
    assert len(after) == len(before) + 2
    entries = dict(read_entries(manifest))
    assert len(entries) == 42
    assert manifest.read_bytes() == canonical(manifest)
    assert {e["source_file"] for e in entries.values()} >= {
        "seeds/afp_eng_200301#AFP_ENG_20030113.0040",
        "seeds/afp_eng_200301#AFP_ENG_20030114.0041",
    }


def test_the_same_record_in_two_files_is_imported_once(tmp_path: Path) -> None:
    """A record (its id and text) that a second edition of a collection ships again is
    a duplicate of the first file's, in one run or in a later one (from the manifest)."""
    site = make_site(tmp_path)
    (site / "seeds" / "afp_eng_200301").write_text(doc(1) + doc(2), "utf-8")
    (site / "seeds" / "afp_eng_200301.v2").write_text(doc(1) + doc(3), "utf-8")
    result = run(site)
    assert result.exit_code == 0, result.output
    assert "imported 3, unchanged 0, duplicates 1" in result.output
    original = "seeds/afp_eng_200301#AFP_ENG_20030102.0001"
    assert f"afp_eng_200301.v2#AFP_ENG_20030102.0001: duplicate of {original}" in result.output

    (site / "seeds" / "afp_eng_200301.v3").write_text(doc(1), "utf-8")
    again = run(site)
    assert "imported 0, unchanged 3, duplicates 2" in again.output
    assert f"afp_eng_200301.v3#AFP_ENG_20030102.0001: duplicate of {original}" in again.output


def test_a_hand_edit_protects_only_its_record(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed = site / "seeds" / "afp_eng_200301"
    seed.write_text("".join(doc(n) for n in range(5)), "utf-8")
    run(site)
    edited = next(p for p in (site / "content").rglob("ferry-crossing-3.md"))
    edited.write_text(edited.read_text("utf-8") + "\nA note by hand.\n", "utf-8")
    seed.write_text(seed.read_text("utf-8").replace("before the storm", "ahead of the gale"))
    result = run(site)
    assert "imported 4, unchanged 0" in result.output
    assert "skipped (edited by hand) 1" in result.output
    assert "ferry-crossing-3.md: edited by hand since it was imported" in result.output
    assert "A note by hand." in edited.read_text("utf-8")
    assert "ahead of the gale" not in edited.read_text("utf-8")

    forced = run(site, "--force")
    assert "imported 1, unchanged 4" in forced.output
    assert "ahead of the gale" in edited.read_text("utf-8")


def test_the_review_table_and_verbose_lines_have_every_article(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "afp_eng_200301").write_text("".join(doc(n) for n in range(30)), "utf-8")
    table = tmp_path / "review.csv"
    result = run(site, "--report", str(table))
    assert result.exit_code == 0, result.output
    with table.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 30
    assert [r["file"] for r in rows] == sorted(r["file"] for r in rows)  # in seed order
    assert all(r["date_source"] == "header" or r["date"] for r in rows)
    explained = [line for line in result.output.splitlines() if "#AFP_ENG_" in line]
    assert len(explained) == 30


def test_many_files_in_worker_processes(tmp_path: Path) -> None:
    """Enough files for worker processes: each reads and writes its share through the
    run's ledger and spool; the result equals a run in one process."""
    sites = []
    for jobs in ("1", "2"):
        site = make_site(tmp_path / f"j{jobs}")
        for i in range(210):
            text = f"OSLO, Jan 5 (AFP) - Plain story {i} about the tram line and its fares."
            (site / "seeds" / f"story-{i:03d}.txt").write_text(f"Tram story {i}\n\n{text}\n")
        (site / "seeds" / "afp_eng_200301").write_text("".join(doc(n) for n in range(30)))
        (site / "seeds" / "afp_eng_200302").write_text("".join(doc(n) for n in range(30, 50)))
        result = run(site, "-j", jobs)
        assert result.exit_code == 0, result.output
        assert "imported 260, unchanged 0" in result.output
        sites.append(site)
    one, two = ({p.relative_to(s): b for p, (b, _) in snapshot(s).items()} for s in sites)
    assert one == two
    again = run(sites[1], "-j", "2")
    assert "imported 0, unchanged 260" in again.output


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"2003/01/15/a.md": {"source_file": "seeds/x#A", "content_sha256": "00"}},
        {
            "2003/01/15/z.md": {"source_file": "seeds/é#Z", "extra": [1, {"k": None}]},
            "2003/01/15/a-2.md": {},
            "undated/ü.md": {"text_sha256": "ab", "source_sha256": "cd"},
        },
    ],
)
def test_the_manifest_is_the_json_text_it_always_was(
    tmp_path: Path, files: dict[str, dict[str, object]]
) -> None:
    doc_ = {"version": 1, "files": dict(sorted(files.items()))}
    want = json.dumps(doc_, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert b"".join(manifest_chunks(sorted(files.items()))) == want.encode("utf-8")
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"files": files, "version": 1}), "utf-8")  # other whitespace
    assert dict(read_entries(path)) == files


def test_an_unreadable_manifest_is_an_error_naming_it(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "afp_eng_200301").write_text(doc(1), "utf-8")
    (site / MANIFEST).parent.mkdir(parents=True)
    (site / MANIFEST).write_text('{"files": {"a.md": {"source_file": "x"', "utf-8")
    result = run(site)
    assert result.exit_code == 1
    assert ".archivesite-import.json: unreadable import manifest" in result.output
    assert not list((site / "content").rglob("*.md"))


def test_report_rows_read_back_from_the_ledger_in_order() -> None:
    ledger = Ledger()
    for name in ("b.md", "a.md", "c.md"):
        ledger.add_row("imported", f"content/{name}")
    record = ArticleRecord("seeds/x#1", "content/a.md", "2003-01-15", "header", "", "", "", "ok")
    ledger.add_row("articles", record)
    report = ImportReport(
        imported=ledger.rows("imported"), articles=ledger.rows("articles"), file_time=0
    )
    assert list(report.imported) == ["content/b.md", "content/a.md", "content/c.md"]
    assert len(report.imported) == 3 and "content/c.md" in report.imported
    lines = [line.text for line in report_lines(report, verbose=True)]
    assert lines == ["seeds/x#1: ok", "imported 3, unchanged 0, duplicates 0, failed 0"]
    ledger.close()
