"""Importing whole collections: SGML story collections (Gigaword, TREC/AQUAINT,
Reuters-21578), CSV and JSON Lines data sets, gzipped or zipped; one article per
record, each with its own identity in the import manifest."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from archivesite.cli import cli
from archivesite.versions import strip_markers

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "collections"
REUT2 = REPO.parent / "shared" / "formats" / "reut2-012.sgm"


def make_site(tmp_path: Path, extra: str = "") -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    config = 'title = "Collections"\nlanguage = "en"\n' + extra
    (site / "archivesite.toml").write_text(config, encoding="utf-8")
    return site


def run(site: Path, *args: str, verbose: bool = False) -> Result:
    command = ["-v"] if verbose else []
    command += ["import", "--site", str(site), *args]
    return CliRunner().invoke(cli, command, catch_exceptions=False)


def articles(site: Path) -> dict[str, dict[str, object]]:
    """Every imported article's front matter, by source_file."""
    found = {}
    for path in sorted((site / "content").rglob("*.md")):
        _, head, _ = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(head)
        found[str(meta["source_file"])] = meta
    return found


def body_of(site: Path, source_file: str) -> str:
    for path in (site / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if f"\nsource_file: {source_file}\n" in text:
            return text.split("---\n", 2)[2]
    raise AssertionError(source_file)


def manifest(site: Path) -> dict[str, dict[str, str]]:
    data = json.loads((site / "content" / ".archivesite-import.json").read_text("utf-8"))
    return dict(data["files"])


# --- Gigaword -----------------------------------------------------------------------


def test_gigaword_stories_become_articles_other_types_are_counted(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.copy(FIXTURES / "afp_eng_200301", site / "seeds")  # no extension, as LDC ships it
    result = run(site, verbose=True)
    assert result.exit_code == 0, result.output
    assert "imported 2," in result.output
    assert "records left out 2" in result.output
    assert "afp_eng_200301:19: AFP_ENG_20030115.0043: type 'advis' left out" in result.output
    found = articles(site)
    assert set(found) == {
        "seeds/afp_eng_200301#AFP_ENG_20030115.0042",
        "seeds/afp_eng_200301#AFP_ENG_20030116.0011",
    }
    first = found["seeds/afp_eng_200301#AFP_ENG_20030115.0042"]
    assert first["title"] == "Harbour town opens its new lighthouse museum"
    assert first["date"] == dt.date(2003, 1, 15)
    assert first["dateline"] == "SAINT-MALO, France"
    assert first["place"] == "Saint-Malo"
    assert first["agency"] == "AFP"
    second = found["seeds/afp_eng_200301#AFP_ENG_20030116.0011"]
    # A dateline without a year takes it from the record id's date.
    assert second["date"] == dt.date(2003, 1, 16)
    assert second["date_reference"] == "file-name"
    assert second["dateline"] == "OSLO"
    assert second["title_source"] == "fallback"
    text = body_of(site, "seeds/afp_eng_200301#AFP_ENG_20030115.0042")
    assert "visitors & their dogs" in html.unescape(text)
    assert "<P>" not in text and "<p>" not in text


def test_import_doc_types_takes_in_other_records(tmp_path: Path) -> None:
    site = make_site(tmp_path, '\n[import]\ndoc_types = ["story", "advis"]\n')
    shutil.copy(FIXTURES / "afp_eng_200301", site / "seeds")
    result = run(site)
    assert "imported 3," in result.output
    assert "seeds/afp_eng_200301#AFP_ENG_20030115.0043" in articles(site)


def test_a_malformed_record_is_reported_at_its_line_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path)
    text = (FIXTURES / "afp_eng_200301").read_text(encoding="utf-8")
    broken = text.replace(
        '</TEXT>\n</DOC>\n<DOC id="AFP_ENG_20030115.0043"',
        '</TEXT>\n<DOC id="AFP_ENG_20030115.0043"',
        1,
    )
    assert broken != text
    (site / "seeds" / "afp_eng_200301").write_text(broken, encoding="utf-8")
    result = run(site)
    assert result.exit_code == 1
    assert "seeds/afp_eng_200301:1: record has no </DOC> end tag" in result.output
    assert set(articles(site)) == {"seeds/afp_eng_200301#AFP_ENG_20030116.0011"}


# --- TREC and AQUAINT ---------------------------------------------------------------


def test_trec_and_aquaint_records(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.copy(FIXTURES / "trec_aquaint.sgm", site / "seeds")
    result = run(site)
    assert result.exit_code == 0, result.output
    assert "imported 2," in result.output and "records left out 1" in result.output
    found = articles(site)
    nyt = found["seeds/trec_aquaint.sgm#NYT19980601.0003"]
    assert nyt["title"] == "A Ferry Line Returns to the Harbor"
    assert nyt["date"] == dt.date(1998, 6, 1)
    assert nyt["date_source"] == "header"
    assert nyt["agency"] == "The New York Times"
    ap = found["seeds/trec_aquaint.sgm#AP880212-0001"]
    assert ap["title"] == "Farmers Wait Out a Warm February"
    assert ap["date"] == dt.date(1988, 2, 12)  # from the DOCNO
    assert ap["date_source"] == "file"
    assert ap["dateline"] == "AMES, Iowa"
    assert ap["agency"] == "AP"
    body = body_of(site, "seeds/trec_aquaint.sgm#AP880212-0001")
    assert "Nobody plants in February" in body
    assert "FILEID" not in body and "Associated Press Writer" not in body


# --- Reuters-21578 ------------------------------------------------------------------


def test_reuters_records_with_topics_and_places_as_tags(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.copy(FIXTURES / "reuters.sgm", site / "seeds")
    result = run(site)
    assert result.exit_code == 0, result.output
    assert "imported 2," in result.output and "records left out 1" in result.output
    found = articles(site)
    wheat = found["seeds/reuters.sgm#90001"]
    assert wheat["title"] == "PRAIRIE WHEAT STOCKS <PWS> SEEN LOWER"
    assert wheat["date"] == dt.date(1987, 3, 2)
    assert wheat["date_source"] == "header"
    assert wheat["dateline"] == "WINNIPEG"
    assert wheat["agency"] == "Reuters"
    assert wheat["tags"] == ["grain", "wheat", "canada"]
    unproc = found["seeds/reuters.sgm#90003"]
    assert unproc["title"] == "Harbour tolls rise from April"
    assert unproc["date"] == dt.date(1987, 3, 3)
    body = body_of(site, "seeds/reuters.sgm#90001")
    assert "\x03" not in body and "&#3;" not in body
    assert body.startswith("WINNIPEG, March 2 - Prairie wheat stocks")


@pytest.mark.skipif(not REUT2.exists(), reason="../shared/formats/reut2-012.sgm is absent")
def test_reut2_012_every_record_with_a_body_is_an_article(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.copy(REUT2, site / "seeds")
    result = run(site)
    assert result.exit_code == 0, result.output
    expected = {}
    raw = REUT2.read_text(encoding="latin-1")
    for chunk in raw.split("</REUTERS>")[:-1]:
        newid = chunk.split('NEWID="', 1)[1].split('"', 1)[0]
        if "<BODY>" not in chunk:
            continue
        inner = chunk.split("<BODY>", 1)[1].split("</BODY>", 1)[0]
        if not inner.replace("&#3;", "").strip():
            continue
        date = chunk.split("<DATE>", 1)[1].split("</DATE>", 1)[0].strip()
        title = chunk.split("<TITLE>", 1)[1].split("</TITLE>", 1)[0] if "<TITLE>" in chunk else None
        expected[newid] = (dt.datetime.strptime(date.split()[0], "%d-%b-%Y").date(), title)
    assert len(expected) > 900
    found = articles(site)
    for newid, (date, title) in expected.items():
        meta = found[f"seeds/reut2-012.sgm#{newid}"]
        assert meta["date"] == date, newid
        assert meta["date_source"] == "header"
        if title is not None:
            # A version marker ("CORRECTED - ") leaves the headline (see test_versions_import).
            shown = strip_markers(" ".join(html.unescape(title).split()))[0]
            assert meta["title"] == shown, newid


# --- CSV and JSON Lines -------------------------------------------------------------


def test_csv_rows_with_default_column_names(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.copy(FIXTURES / "stories.csv", site / "seeds")
    result = run(site)
    assert result.exit_code == 1
    assert "seeds/stories.csv:6: unparseable date 'next spring sometime'" in result.output
    assert "seeds/stories.csv:7: row has no text" in result.output
    found = articles(site)
    assert len(found) == 3
    bridge = next(m for m in found.values() if m["title"] == "Bridge reopens after repairs")
    assert bridge["date"] == dt.datetime(
        2021, 5, 4, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert bridge["date_source"] == "header"
    assert bridge["agency"] == "Example News"
    assert bridge["tags"] == ["transport", "bridges"]
    assert str(bridge["source_file"]).startswith("seeds/stories.csv#1-")
    body = body_of(site, str(bridge["source_file"]))
    assert "two years of repairs.\n\nCyclists were the first to cross." in body
    schools = next(m for m in found.values() if m["title"] == "Schools plant trees")
    assert schools["date"] == dt.date(2021, 5, 7)


def test_import_columns_maps_other_names(tmp_path: Path) -> None:
    site = make_site(
        tmp_path, '\n[import.columns]\ntitle = "Heading"\ntext = "Story text"\ndate = "When"\n'
    )
    (site / "seeds" / "set.csv").write_text(
        'Heading,When,Story text\nRiver levels fall,2020-02-03,"The river fell by a metre."\n',
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    (meta,) = articles(site).values()
    assert meta["title"] == "River levels fall"
    assert meta["date"] == dt.date(2020, 2, 3)


def test_json_lines_rows(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.copy(FIXTURES / "stories.jsonl", site / "seeds")
    result = run(site)
    assert result.exit_code == 1
    assert "seeds/stories.jsonl:3: not JSON" in result.output
    found = articles(site)
    assert set(found) == {
        "seeds/stories.jsonl#ex-1001",
        "seeds/stories.jsonl#ex-1002",
        "seeds/stories.jsonl#ex-1004",
    }
    ferry = found["seeds/stories.jsonl#ex-1001"]
    assert ferry["title"] == "Ferry timetable changes"
    assert ferry["date"] == dt.date(2021, 6, 1)
    assert ferry["dateline"] == "PORTSMOUTH"
    assert ferry["tags"] == ["transport", "ferries"]


# --- compressed inputs ----------------------------------------------------------------


def test_gzip_and_zip_are_read_without_unpacking(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seeds = site / "seeds"
    with gzip.open(seeds / "afp_eng_200301.gz", "wb") as f:
        f.write((FIXTURES / "afp_eng_200301").read_bytes())
    with zipfile.ZipFile(seeds / "sets.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURES / "reuters.sgm", "reuters.sgm")
        archive.write(FIXTURES / "stories.jsonl", "data/stories.jsonl")
    result = run(site)
    found = articles(site)
    assert "seeds/afp_eng_200301.gz#AFP_ENG_20030115.0042" in found
    assert "seeds/sets.zip/reuters.sgm#90001" in found
    assert "seeds/sets.zip/data/stories.jsonl#ex-1004" in found
    assert len(found) == 2 + 2 + 3
    assert "seeds/sets.zip/data/stories.jsonl:3: not JSON" in result.output
    assert sorted(p.name for p in seeds.iterdir()) == ["afp_eng_200301.gz", "sets.zip"]


def test_a_file_no_reader_takes_is_counted_as_skipped(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200))
    shutil.copy(FIXTURES / "reuters.sgm", site / "seeds")
    result = run(site)
    assert "skipped (not text) 1" in result.output
    assert len(articles(site)) == 2


# --- identity per record ----------------------------------------------------------------


def test_records_are_imported_idempotently_one_by_one(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed = site / "seeds" / "afp_eng_200301"
    shutil.copy(FIXTURES / "afp_eng_200301", seed)
    run(site)
    records = manifest(site)
    assert len(records) == 2
    shas = {r["source_file"]: r["source_sha256"] for r in records.values()}
    assert len(set(shas.values())) == 2  # each record's own bytes, not the file's

    before = {p: p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()}
    again = run(site)
    assert "imported 0, unchanged 2" in again.output
    assert {p: p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()} == before

    more = "".join(
        f'<DOC id="AFP_ENG_20030117.00{n}" type="story" >\n<HEADLINE>\nGull count number {n}\n'
        f"</HEADLINE>\n<TEXT>\n<P>\nVolunteers counted {n} hundred gulls on the pier.\n</P>\n"
        "</TEXT>\n</DOC>\n"
        for n in (21, 22)
    )
    seed.write_text(seed.read_text(encoding="utf-8") + more, encoding="utf-8")
    appended = run(site)
    assert "imported 2, unchanged 2" in appended.output

    edited = next(p for p in (site / "content").rglob("*.md") if "lighthouse" in p.name)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA note by hand.\n", encoding="utf-8")
    seed.write_text(seed.read_text(encoding="utf-8").replace("Volunteers", "Walkers"), "utf-8")
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("three generations", "four generations"), "utf-8"
    )
    changed = run(site)
    assert "skipped (edited by hand) 1" in changed.output
    assert "imported 2, unchanged 1" in changed.output
    assert "A note by hand." in edited.read_text(encoding="utf-8")


def test_a_record_id_seen_twice_in_a_file_is_reported(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    record = (
        '<DOC id="AFP_ENG_20030120.0001" type="story" >\n<HEADLINE>\n{title}\n</HEADLINE>\n'
        "<TEXT>\n<P>\n{text}\n</P>\n</TEXT>\n</DOC>\n"
    )
    (site / "seeds" / "afp_eng_200301").write_text(
        record.format(title="Tram line opens", text="The first tram ran on Monday morning.")
        + record.format(title="Tram line fares", text="A single ride will cost two euros."),
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 1
    assert "afp_eng_200301:11: record id #AFP_ENG_20030120.0001 again (first at line 1)" in (
        result.output
    )
    (meta,) = articles(site).values()
    assert meta["title"] == "Tram line opens"


def test_bad_import_keys_name_the_key(tmp_path: Path) -> None:
    site = make_site(
        tmp_path, '\n[import]\ndoc_types = "story"\n\n[import.columns]\nheadline = "x"\n'
    )
    result = run(site)
    assert result.exit_code == 1
    assert "bad value for 'import.doc_types'" in result.output
    assert "bad value for 'import.columns': unknown field 'headline'" in result.output
