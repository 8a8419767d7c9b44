"""Importing ANPA 1312 wire text: the control characters frame the story (and never
make the file look binary), the header's keyword line, the headline, byline,
dateline and body, the sign-off as the date and time; several stories to a file."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from archivesite.readers import anpa, reader_for
from archivesite.readers.base import ReadOptions, Record, Source
from importing import articles, cli_run, import_and_build, make_site, page_of, seed


def test_one_story_front_matter_body_and_page(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed(site, "anpa/lighthouse.anpa")
    imported, built = import_and_build(site)
    assert imported.exit_code == 0, imported.output
    assert built.exit_code == 0, built.output
    meta, body = articles(site)["seeds/lighthouse.anpa"]
    assert meta["title"] == "Town votes to keep its lighthouse lit"
    # The sign-off AP-WF-01-05-26 1932GMT is the date and time, in its zone.
    assert meta["date"] == dt.datetime(2026, 1, 5, 19, 32, tzinfo=dt.UTC)
    assert meta["date_source"] == "header"
    assert meta["dateline"] == "CHATHAM, Mass."
    assert meta["place"] == "Chatham"
    assert meta["region"] == "Mass."
    assert meta["agency"] == "AP"
    assert meta["author"] == "Jane Roe"
    # The body: every paragraph, a wrapped line joined, the wire's marks typeset;
    # no control character, header line, editor's note or sign-off.
    assert "ten years, after a café owner asked them to." in body
    assert "“It is who we are,” said Ann Doe" in body
    assert "CHATHAM, Mass. (AP) — Voters" in body
    for gone in ("\x01", "\x02", "\x03", "\x16", "Eds:", "AP Photo", "BC-US", "GMT", "Writethru"):
        assert gone not in body, gone
    assert body.count("\n\n") >= 3
    page = page_of(site, "Town votes to keep its lighthouse lit")
    assert '<p class="byline" itemprop="author">Jane Roe</p>' in page
    assert 'datetime="2026-01-05' in page


def test_several_stories_in_one_file_each_its_record(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    seed(site, "anpa/wire-two.anpa")
    imported, _built = import_and_build(site)
    assert imported.exit_code == 0, imported.output
    found = articles(site)
    assert sorted(found) == ["seeds/wire-two.anpa#f0102", "seeds/wire-two.anpa#s0101"]
    sports, _ = found["seeds/wire-two.anpa#s0101"]
    assert sports["title"] == "Harbor Nine win on a walk-off single"
    assert sports["dateline"] == "PORTLAND, Maine"
    assert sports["date"] == dt.datetime(2025, 7, 4, 2, 15, tzinfo=dt.UTC)
    fares, body = found["seeds/wire-two.anpa#f0102"]
    # A North American zone in the sign-off (2155EDT) is kept as stated.
    assert fares["date"] == dt.datetime(
        2025, 7, 3, 21, 55, tzinfo=dt.timezone(-dt.timedelta(hours=4))
    )
    assert fares["place"] == "Boston"
    assert "The increase is the first since 2019." in body
    assert "Ferry fares to islands" not in page_of(site, "Ferry fares to rise in the fall")


def test_control_characters_do_not_make_a_short_story_binary(tmp_path: Path) -> None:
    data = (
        b"\x16\x16\x01b0001\x1f-----\r\nb a\x13\x11 BC-Brief   03-02 0030\r\n"
        b"\x02^Short item<\r\n\t   NEW YORK (AP) _ A short item.\r\n"
        b"\t   \x03AP-NY-03-02-24 1200EST<\x04"
    )
    assert reader_for(data, "brief.txt") is anpa.READER
    site = make_site(tmp_path)
    (site / "seeds" / "brief.txt").write_bytes(data)
    result = cli_run("import", "--site", str(site))
    assert result.exit_code == 0, result.output
    meta, body = articles(site)["seeds/brief.txt"]
    assert meta["title"] == "Short item"
    assert meta["date"] == dt.datetime(
        2024, 3, 2, 12, 0, tzinfo=dt.timezone(-dt.timedelta(hours=5))
    )
    assert body.strip() == "NEW YORK (AP) — A short item."


def test_agency_from_the_table_and_the_site(tmp_path: Path) -> None:
    story = (
        b"\x16\x16\x01a0002\x1f-----\r\nr i\x13\x11 BC-Port   04-01 0040\r\n"
        b"\x02^Port reopens<\r\n\t   HALIFAX _ The port reopened on Monday.\r\n"
        b"\t   \x03%s-WF-04-01-24 0900GMT<\x04"
    )
    source = Source("seeds/x", "seeds/x", "x")

    def agency(sign: bytes, options: ReadOptions | None = None) -> str | None:
        options = options or ReadOptions()
        (record,) = list(anpa.read(io.BytesIO(story % sign), source, options))
        assert isinstance(record, Record)
        return record.story.agency

    assert agency(b"CP") == "CP"  # the table's short name
    assert agency(b"XYZ") == "XYZ"  # unknown: as stated
    assert agency(b"XYZ", ReadOptions(agencies=(("XYZ", "Harbor Wire"),))) == "Harbor Wire"


def test_a_story_with_no_text_is_left_out_and_the_others_read(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    data = (FIXTURES_ANPA / "wire-two.anpa").read_bytes()
    (site / "seeds" / "mixed.anpa").write_bytes(
        b"\x16\x16\x01a0009\x1f--\r\nr a BC-X 01-01 0010\r\n\x04" + data
    )
    result = cli_run("-v", "import", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert "no text" in result.output
    assert len(articles(site)) == 2


FIXTURES_ANPA = Path(__file__).resolve().parent / "fixtures" / "anpa"


def test_a_capture_that_starts_inside_a_story(tmp_path: Path) -> None:
    data = (FIXTURES_ANPA / "wire-two.anpa").read_bytes()
    cut = data[data.index(b"Sam Poe") :]  # the end of the first story, then the second
    assert reader_for(cut[:4096], "capture") is anpa.READER
    site = make_site(tmp_path)
    (site / "seeds" / "capture").write_bytes(cut)
    result = cli_run("-v", "import", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert "capture:1: text before the first story" in result.output
    assert list(articles(site)) == ["seeds/capture"]  # the one whole story
