"""`archivesite import` through the CLI, on small sites in tmp dirs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from archivesite.cli import cli
from archivesite.markup import render_markdown

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_917121954e88cef5.txt"
SEED_SLUG = "us-sidestepped-some-thorniest-issues-in-talks-with-russia-leaving-them-to-nato"
SEED_PATH = f"content/2022/01/11/{SEED_SLUG}.md"

TASS_STORY = """\
All news

Kremlin comments on the grain deal

The press secretary spoke to journalists after the meeting

MOSCOW, March 14. /TASS/. The Kremlin said on Tuesday that the grain deal stays as it is.

“No changes are planned,” the spokesman added — briefly.
"""

REUTERS_STORY = """\
Widget maker posts higher profit

CHICAGO, Feb 26 (Reuters) - Acme Widgets Inc said its first-quarter profit rose.

Shr 16 cts vs 13 cts
Net 1.2 mln vs 1.1 mln

Reuter
"""

RUSSIAN_STORY = """\
Новый мост открыли в Казани

Движение по новому мосту через Казанку открыли в понедельник. Мост строили три года…
"""


def make_site(tmp_path: Path, as_of: str | None = None) -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    config = 'title = "Test archive"\nlanguage = "en"\n'
    if as_of:
        config += f"\n[import]\nas_of = {as_of}\n"
    (site / "archivesite.toml").write_text(config, encoding="utf-8")
    return site


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["import", "--site", str(site), *args], catch_exceptions=False)


def front(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    _, head, _ = text.split("---\n", 2)
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict)
    return meta


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n", 2)[2]


def snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((site / "content").rglob("*"))
        if p.is_file()
    }


# --- the seed ---------------------------------------------------------------------


def test_seed_imports_with_weekday_year(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.copy(SEED, site / "seeds")
    result = run(site, "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "imported 1, unchanged 0, duplicates 0, failed 0"
    path = site / SEED_PATH
    meta = front(path)
    assert list(meta) == [
        "title",
        "lede",
        "summary",
        "date",
        "date_source",
        "date_reference",
        "dateline",
        "place",
        "agency",
        "source_file",
        "source_sha256",
        "tags",
    ]
    assert meta["title"] == (
        "US sidestepped some thorniest issues in talks with Russia, leaving them to NATO — expert"
    )
    assert meta["date"] == dt.date(2022, 1, 11)
    assert meta["date_source"] == "weekday"
    assert meta["dateline"] == "MOSCOW"
    assert meta["place"] == "Moscow"
    assert meta["agency"] == "TASS"
    assert meta["source_file"] == "seeds/000_917121954e88cef5.txt"
    assert meta["tags"] == []
    assert isinstance(meta["lede"], str) and meta["lede"].startswith("It is mentioned that")
    assert meta["summary"] == meta["lede"]
    text = path.read_text(encoding="utf-8")
    assert "\ndate: 2022-01-11\n" in text
    assert "\ntitle: US sidestepped" in "\n" + text  # one line, unquoted
    md = body(path)
    assert md.startswith("MOSCOW, January 11. /TASS/. The US focused on bilateral issues")
    assert "It is mentioned that" not in md  # the lede is not repeated
    assert "Council that’s due to take place tomorrow," in md
    assert "All news" not in text
    html = render_markdown(md)
    assert "“" not in SEED.read_text(encoding="utf-8") or "“" in html
    assert "NATO’s cooperation" in html
    assert "—" in text


def test_reimport_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    shutil.copy(SEED, site / "seeds")
    assert run(site).exit_code == 0
    before = snapshot(site)
    result = run(site)
    assert result.exit_code == 0
    assert result.output.strip() == "imported 0, unchanged 1, duplicates 0, failed 0"
    assert snapshot(site) == before


def test_manifest_records_what_was_written(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    shutil.copy(SEED, site / "seeds")
    run(site)
    manifest = json.loads((site / "content/.archivesite-import.json").read_text("utf-8"))
    assert manifest["version"] == 1
    [(path, record)] = manifest["files"].items()
    assert path == SEED_PATH.removeprefix("content/")
    assert record["source_file"] == "seeds/000_917121954e88cef5.txt"
    assert set(record) == {"source_file", "source_sha256", "text_sha256", "content_sha256"}


# --- dates ------------------------------------------------------------------------


def test_year_from_config_as_of_and_from_option(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2023-06-30")
    (site / "seeds" / "kremlin.txt").write_text(TASS_STORY, encoding="utf-8")
    assert run(site).exit_code == 0
    # March 14 was a Tuesday in 2023
    meta = front(site / "content/2023/03/14/kremlin-comments-on-the-grain-deal.md")
    assert (meta["date"], meta["date_source"]) == (dt.date(2023, 3, 14), "weekday")
    assert meta["summary"] == "The press secretary spoke to journalists after the meeting"

    site2 = make_site(tmp_path / "two")
    (site2 / "seeds" / "kremlin.txt").write_text(TASS_STORY, encoding="utf-8")
    assert run(site2, "--year", "2019").exit_code == 0
    meta = front(site2 / "content/2019/03/14/kremlin-comments-on-the-grain-deal.md")
    assert meta["date_source"] == "option"


def test_no_weekday_takes_latest_day_not_after_reference(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "acme.txt").write_text(REUTERS_STORY, encoding="utf-8")
    assert run(site, "--as-of", "2020-02-25").exit_code == 0
    meta = front(site / "content/2019/02/26/widget-maker-posts-higher-profit.md")
    assert meta["date_source"] == "reference"
    assert meta["agency"] == "Reuters"
    assert meta["summary"] == "Acme Widgets Inc said its first-quarter profit rose."
    html = render_markdown(body(site / "content/2019/02/26/widget-maker-posts-higher-profit.md"))
    assert "Shr 16 cts vs 13 cts<br />\nNet 1.2 mln vs 1.1 mln" in html


def test_date_in_file_name_is_the_reference(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "2021-02-28-acme.txt").write_text(REUTERS_STORY, encoding="utf-8")
    assert run(site).exit_code == 0
    assert (site / "content/2021/02/26/widget-maker-posts-higher-profit.md").exists()


def test_mtime_is_a_reference_never_the_date(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed = site / "seeds" / "acme.txt"
    seed.write_text(REUTERS_STORY, encoding="utf-8")
    stamp = dt.datetime(2018, 3, 1, 12, tzinfo=dt.UTC).timestamp()
    os.utime(seed, (stamp, stamp))
    assert run(site).exit_code == 0
    assert (site / "content/2018/02/26/widget-maker-posts-higher-profit.md").exists()
    undated = site / "seeds" / "nodate.txt"
    undated.write_text("A quiet day\n\nNothing happened anywhere today.\n", encoding="utf-8")
    result = run(site)
    assert "undated 1" in result.output
    meta = front(site / "content/undated/a-quiet-day.md")
    assert meta["date_source"] == "none"
    assert "date" not in meta


def test_full_date_in_file_name_dates_a_text_without_one(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    seed = site / "seeds" / "news_03jan2006_bridge.txt"
    seed.write_bytes(RUSSIAN_STORY.encode("cp1251"))
    assert run(site).exit_code == 0
    path = site / "content/2006/01/03/novyi-most-otkryli-v-kazani.md"
    meta = front(path)
    assert meta["title"] == "Новый мост открыли в Казани"
    assert meta["date_source"] == "file"
    assert meta["language"] == "ru"
    assert "…" in body(path)
    assert (
        path.read_text(encoding="utf-8").count("\n") == len(path.read_text("utf-8").split("\n")) - 1
    )


# --- fidelity, titles, slugs ------------------------------------------------------


def test_markdown_lookalikes_render_as_text(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    story = (
        "Markup in the news\n\nMOSCOW, March 14. /TASS/. Shares of <SRD> & AT&T rose *sharply*.\n\n"
        "# Not a heading\n\n1. Not a list\n\n> not a quote &amp; [x](y)\n"
    )
    (site / "seeds" / "m.txt").write_text(story, encoding="utf-8")
    assert run(site).exit_code == 0
    [path] = (site / "content").rglob("markup-in-the-news.md")
    html = render_markdown(body(path))
    assert "<h1>" not in html and "<ol>" not in html and "<blockquote>" not in html
    assert "&lt;SRD&gt;" in html and "AT&amp;T" in html and "*sharply*" in html
    assert "&amp;amp; [x](y)" in html


def test_title_from_file_name_or_first_sentence(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    text = "TEHRAN (Xinhua) -- Iran's crude exports rose last year, an official said on Monday.\n"
    (site / "seeds" / "_news_114913_Crude-exports-hit-over-44b.txt").write_text(text, "utf-8")
    (site / "seeds" / "000_917121954e88cef5.txt").write_text(
        "BEIJING (Xinhua) -- The panda cub was born healthy. Keepers are pleased.\n", "utf-8"
    )
    assert run(site).exit_code == 0
    metas = {front(p)["title"] for p in (site / "content").rglob("*.md")}
    assert "Crude exports hit over 44b" in metas
    assert "The panda cub was born healthy" in metas


def test_same_title_same_day_gets_stable_suffix(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    other = TASS_STORY.replace("stays as it is", "will be extended")
    (site / "seeds" / "b.txt").write_text(other, encoding="utf-8")
    assert run(site).exit_code == 0
    (site / "seeds" / "a.txt").write_text(TASS_STORY, encoding="utf-8")
    assert run(site).exit_code == 0
    day = site / "content/2023/03/14"
    assert front(day / "kremlin-comments-on-the-grain-deal.md")["source_file"] == "seeds/b.txt"
    assert front(day / "kremlin-comments-on-the-grain-deal-2.md")["source_file"] == "seeds/a.txt"
    before = snapshot(site)
    result = run(site)
    assert "unchanged 2" in result.output
    assert snapshot(site) == before
    # a fresh site with both seeds at once numbers them by source path
    fresh = make_site(tmp_path / "fresh", as_of="2026-11-27")
    for name in ("a.txt", "b.txt"):
        shutil.copy(site / "seeds" / name, fresh / "seeds")
    run(fresh)
    day = fresh / "content/2023/03/14"
    assert front(day / "kremlin-comments-on-the-grain-deal.md")["source_file"] == "seeds/a.txt"


# --- safety -----------------------------------------------------------------------


def test_duplicate_text_under_two_names(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    (site / "seeds" / "a.txt").write_text(TASS_STORY, encoding="utf-8")
    (site / "seeds" / "b.txt").write_bytes(TASS_STORY.replace("\n", "\r\n").encode("utf-16"))
    result = run(site)
    assert result.exit_code == 0
    assert "imported 1, unchanged 0, duplicates 1, failed 0" in result.output
    assert "b.txt: duplicate of seeds/a.txt" in result.output
    assert len(list((site / "content").rglob("*.md"))) == 1


def test_hand_edit_is_kept_unless_force(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    shutil.copy(SEED, site / "seeds")
    run(site)
    path = site / SEED_PATH
    edited = path.read_text(encoding="utf-8").replace("tags: []", "tags: [nato]")
    path.write_text(edited, encoding="utf-8")
    result = run(site)
    assert result.exit_code == 0
    assert "skipped (edited by hand) 1" in result.output
    assert f"{SEED_PATH}: edited by hand" in result.output.replace(str(site) + "/", "")
    assert path.read_text(encoding="utf-8") == edited
    result = run(site, "--force")
    assert "imported 1" in result.output
    assert "tags: []" in path.read_text(encoding="utf-8")


def test_existing_file_without_record_is_not_overwritten(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    shutil.copy(SEED, site / "seeds")
    run(site)
    (site / "content/.archivesite-import.json").unlink()
    path = site / SEED_PATH
    path.write_text(path.read_text("utf-8") + "\nMy note.\n", encoding="utf-8")
    result = run(site)
    assert "skipped (edited by hand) 1" in result.output
    assert path.read_text("utf-8").endswith("My note.\n")


def test_foreign_file_at_the_path_gets_a_suffix(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    shutil.copy(SEED, site / "seeds")
    mine = site / SEED_PATH
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: Written by hand\n---\nHello.\n", encoding="utf-8")
    assert run(site).exit_code == 0
    assert mine.read_text("utf-8").endswith("Hello.\n")
    assert (mine.parent / f"{SEED_SLUG}-2.md").exists()


def test_changed_seed_is_reimported_and_moved(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    seed = site / "seeds" / "k.txt"
    seed.write_text(TASS_STORY, encoding="utf-8")
    run(site)
    old = site / "content/2023/03/14/kremlin-comments-on-the-grain-deal.md"
    assert old.exists()
    seed.write_text(TASS_STORY.replace("MOSCOW, March 14.", "MOSCOW, March 15."), "utf-8")
    result = run(site)
    assert "imported 1" in result.output
    assert not old.exists()
    assert not old.parent.exists()
    new = site / "content/2022/03/15/kremlin-comments-on-the-grain-deal.md"
    assert front(new)["date_source"] == "weekday"  # the latest Tuesday, March 15


def test_bad_files_are_reported_and_others_imported(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    shutil.copy(SEED, site / "seeds")
    (site / "seeds" / "empty.txt").write_bytes(b"")
    (site / "seeds" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (site / "seeds" / "notes.md").write_text("A note\n\nIt is text.", encoding="utf-8")
    sub = site / "seeds" / "more" / "deeper"
    sub.mkdir(parents=True)
    (sub / "kremlin.txt").write_text(TASS_STORY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["-v", "import", "--site", str(site)])
    assert result.exit_code == 1
    assert (
        "imported 3, unchanged 0, duplicates 0, failed 1, undated 1, skipped (not text) 1"
        in result.stdout
    )
    assert f"{site / 'seeds' / 'empty.txt'}: empty file" in result.stderr
    assert f"{site / 'seeds' / 'image.txt'}: not text; skipped" in result.stdout
    assert (site / SEED_PATH).exists()
    # named on the command line, a file is always read: a binary one fails, with its name
    named = CliRunner().invoke(cli, ["import", "--site", str(site), str(site / "seeds/image.txt")])
    assert named.exit_code == 1
    assert f"{site / 'seeds' / 'image.txt'}: binary file" in named.stderr


def test_seed_outside_the_site_keeps_the_path_as_given(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(SEED, outside / "x.txt")
    assert run(site, str(outside)).exit_code == 0
    assert front(site / SEED_PATH)["source_file"] == (outside / "x.txt").as_posix()


CORPUS = REPO.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_cp1251_corpus_titles(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2006-12-31")
    assert run(site, str(CORPUS / "ru_cp1251")).exit_code == 0
    labels = [
        json.loads(line) for line in (CORPUS / "labels.jsonl").read_text("utf-8").splitlines()
    ]
    expected = {
        (CORPUS / lab["file"]).as_posix(): lab["title"]
        for lab in labels
        if lab["file"].startswith("ru_cp1251/")
    }
    found = {}
    for path in (site / "content").rglob("*.md"):
        meta = front(path)
        found[meta["source_file"]] = meta["title"]
        assert meta["language"] == "ru"
        assert str(path.stem).isascii()
    assert found == expected


# --- date evidence from a collection, any file name, explanations -----------------------

XINHUA_STORY = """\
Dam rises on the river

WUHAN, Jan. 11 (Xinhua) -- The dam rose by a metre, engineers said.
"""

XINHUA_DECEMBER = XINHUA_STORY.replace("Jan. 11", "Dec. 30").replace("Dam rises", "Dam sinks")
AP_STORY = """\
BC-Wombat-Rail-Link,0312
Wombat line to reopen after the floods

PERTH, Australia (AP)_ The railway will reopen its wombat line in June, its chief \
said Friday.

AP-NY-02-13-98 1435EST
"""


def imported(site: Path) -> dict[str, dict[str, object]]:
    """Front matter of every content file, by seed file name."""
    found = {}
    for path in (site / "content").rglob("*.md"):
        meta = front(path)
        found[Path(str(meta["source_file"])).name] = meta
    return found


def test_file_name_dates_a_collection_without_extensions(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seeds = site / "seeds"
    (seeds / "APW19980213.1320").write_text(AP_STORY, encoding="utf-8")
    (seeds / "ea980120.1830.0071").write_text(
        "Now for today's look at the weather.\n\nIt will rain again.", encoding="utf-8"
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    meta = imported(site)
    assert meta["APW19980213.1320"]["date"] == dt.date(1998, 2, 13)
    assert meta["APW19980213.1320"]["date_source"] == "text"  # the filing line agrees
    assert meta["APW19980213.1320"]["title"] == "Wombat line to reopen after the floods"
    assert meta["APW19980213.1320"]["summary"] == (
        "The railway will reopen its wombat line in June, its chief said Friday."
    )
    assert meta["ea980120.1830.0071"]["date"] == dt.date(1998, 1, 20)
    assert meta["ea980120.1830.0071"]["date_source"] == "file"
    assert meta["ea980120.1830.0071"]["title_source"] == "fallback"
    assert "title_source" not in meta["APW19980213.1320"]


def test_neighbours_date_a_month_and_day_never_an_inherited_date(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seeds = site / "seeds"
    (seeds / "2022-01-10-a.txt").write_text(AP_STORY.replace("AP-NY-02-13-98 1435EST", ""))
    (seeds / "m.txt").write_text(XINHUA_STORY, encoding="utf-8")
    (seeds / "z.txt").write_text(XINHUA_DECEMBER, encoding="utf-8")
    result = run(site)
    assert result.exit_code == 0, result.output
    meta = imported(site)
    assert (meta["m.txt"]["date"], meta["m.txt"]["date_reference"]) == (
        dt.date(2022, 1, 11),
        "neighbour",
    )
    # m.txt is nearer z.txt, but its date is inherited: z.txt takes 2022-01-10's
    assert (meta["z.txt"]["date"], meta["z.txt"]["date_reference"]) == (
        dt.date(2021, 12, 30),
        "neighbour",
    )
    # with no neighbour dated by itself, the year comes from the file time
    plain = make_site(tmp_path / "plain")
    for name in ("m.txt", "z.txt"):
        shutil.copy(seeds / name, plain / "seeds" / name)
    assert run(plain).exit_code == 0
    assert {m["date_reference"] for m in imported(plain).values()} == {"file-time"}
    # importing one file of the folder reads the same folder: the same date
    alone = make_site(tmp_path / "alone")
    result = run(alone, str(seeds / "z.txt"))
    assert result.exit_code == 0, result.output
    assert imported(alone)["z.txt"]["date"] == dt.date(2021, 12, 30)
    # and importing the collection again writes nothing
    before = snapshot(site)
    assert run(site).exit_code == 0
    assert snapshot(site) == before


def test_year_from_file_time_is_counted_and_warned(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed = site / "seeds" / "dam.txt"
    seed.write_text(XINHUA_STORY, encoding="utf-8")
    stamp = dt.datetime(2024, 6, 1, 12).timestamp()
    os.utime(seed, (stamp, stamp))
    result = CliRunner().invoke(cli, ["import", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(", year from file time 1")
    assert "--as-of" in result.stderr and "import.as_of" in result.stderr
    meta = imported(site)["dam.txt"]
    assert (meta["date"], meta["date_source"], meta["date_reference"]) == (
        dt.date(2024, 1, 11),
        "reference",
        "file-time",
    )


def test_folders_read_text_of_any_name_and_ignore_clutter(tmp_path: Path) -> None:
    site = make_site(tmp_path, as_of="2026-11-27")
    seeds = site / "seeds"
    (seeds / "story").write_text(TASS_STORY, encoding="utf-8")
    (seeds / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" * 20)
    for clutter in (".DS_Store", "._story", "story~", ".story.swp"):
        (seeds / clutter).write_bytes(b"\x00\x05\x16\x07\x00\x02" if "DS" in clutter else b"x")
    result = CliRunner().invoke(cli, ["-v", "import", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(
        "imported 1, unchanged 0, duplicates 0, failed 0, skipped (not text) 1"
    )
    assert f"{seeds / 'photo.jpg'}: not text; skipped" in result.stdout
    assert "DS_Store" not in result.output and "swp" not in result.output


def test_verbose_explains_and_report_writes_the_table(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "APW19980213.1320").write_text(
        AP_STORY.replace("AP-NY-02-13-98 1435EST", ""), encoding="utf-8"
    )
    report = tmp_path / "review.csv"
    result = CliRunner().invoke(cli, ["-v", "import", "--site", str(site), "--report", str(report)])
    assert result.exit_code == 0, result.output
    seed = site / "seeds" / "APW19980213.1320"
    assert (
        f"{seed}: 1998-02-13 from the file name; the lead's weekday Friday agrees; "
        "dateline 'PERTH, Australia' from the lead; agency AP from the lead's dateline"
    ) in result.stdout
    import csv

    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [
        (r["file"], r["date"], r["date_source"], r["date_reference"], r["dateline"], r["agency"])
        for r in rows
    ] == [(str(seed), "1998-02-13", "file", "", "PERTH, Australia", "AP")]
    assert set(rows[0]) >= {"warnings", "explanation"}


def test_jobs_parse_in_worker_processes_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archivesite.ingest

    monkeypatch.setattr(archivesite.ingest, "PARALLEL_THRESHOLD", 1)
    sites = []
    for jobs in ("1", "2"):
        site = make_site(tmp_path / jobs, as_of="2026-11-27")
        for i, text in enumerate((TASS_STORY, REUTERS_STORY, XINHUA_STORY, AP_STORY)):
            (site / "seeds" / f"s{i}.txt").write_text(text, encoding="utf-8")
        result = run(site, "--jobs", jobs)
        assert result.exit_code == 0, result.output
        sites.append({k: v[0] for k, v in snapshot(site).items()})
    assert sites[0] == sites[1]


def test_preview_changes_are_chosen_as_a_folders_files(tmp_path: Path) -> None:
    from archivesite.ingest import find_seeds

    (tmp_path / "story").write_text(TASS_STORY, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 10)
    (tmp_path / "story~").write_text(TASS_STORY, encoding="utf-8")
    changed = [tmp_path / name for name in ("story", "photo.jpg", "story~")]
    assert find_seeds(changed) == [tmp_path / "story"]
