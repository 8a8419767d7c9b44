"""Importing agency XML: NITF, NewsML-G2 (items and packages) and NewsML 1.2, each
with the front matter a reader sees; the agency table; unsafe XML refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from archivesite.cli import cli
from archivesite.readers.agencies import agency_of

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "agency"


def make_site(tmp_path: Path, extra: str = "") -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    config = 'title = "Wire"\nlanguage = "en"\n' + extra
    (site / "archivesite.toml").write_text(config, encoding="utf-8")
    return site


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["-v", "import", "--site", str(site), *args], catch_exceptions=False
    )


def imported(site: Path) -> dict[str, tuple[dict[str, object], str]]:
    """Every article's front matter and body, by source_file."""
    found = {}
    for path in sorted((site / "content").rglob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(head)
        found[str(meta["source_file"])] = (meta, body)
    return found


def import_fixture(tmp_path: Path, name: str, extra: str = "") -> tuple[Result, dict]:  # type: ignore[type-arg]
    site = make_site(tmp_path, extra)
    shutil.copy(FIXTURES / name, site / "seeds" / name)
    return run(site), imported(site)


def zone(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


# --- NITF ---------------------------------------------------------------------------------


def test_nitf_front_matter_and_body(tmp_path: Path) -> None:
    result, found = import_fixture(tmp_path, "nitf-chatham.xml")
    assert result.exit_code == 0, result.output
    meta, body = found["seeds/nitf-chatham.xml"]
    assert meta["title"] == "Town votes to keep its lighthouse lit"
    assert meta["date"] == dt.datetime(2026, 1, 5, 14, 30, tzinfo=zone(-5))  # date.issue
    assert meta["date_source"] == "header"
    assert meta["dateline"] == "CHATHAM, Mass."
    assert meta["place"] == "Chatham"
    assert meta["region"] == "Mass."
    assert meta["agency"] == "AP"
    assert meta["tags"] == ["Politics", "Local government", "lighthouses", "Cape Cod"]
    # Words and paragraphs kept; the DTD's entities read; no markup, script or style.
    assert "lighthouse lamp for another ten years, after a café owner" in body
    assert "The vote was 812 to 95. Read the warrant at the town hall." in body
    assert "A keeper's view" in body
    assert "Ann Doe, &lt;who> has tended it since 1998 & still climbs" in body
    for gone in ("<", "script", "tracking", "javascript", "alert", "onclick", "color: red"):
        assert gone not in body, gone
    assert body.count("\n\n") >= 3  # one paragraph each


def test_nitf_with_prefix_namespace_and_latin1(tmp_path: Path) -> None:
    result, found = import_fixture(tmp_path, "nitf-prefixed.xml")
    assert result.exit_code == 0, result.output
    meta, body = found["seeds/nitf-prefixed.xml"]
    assert meta["title"] == "Fähre nach Helgoland fährt wieder"
    assert meta["date"] == dt.datetime(2025, 11, 30, 8, 15, tzinfo=zone(1))
    assert meta["agency"] == "dpa"  # the byline's org
    assert meta["dateline"] == "Cuxhaven"
    assert meta["tags"] == []
    assert "fährt die Fähre ab Montag" in body


def test_nitf_minimal_takes_story_date_and_keeps_unknown_entities(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "short.xml").write_text(
        "<nitf><body><body.head><hedline><hl1>Snow closes pass</hl1></hedline>"
        '<dateline>DENVER, <story.date norm="2024-02-01">Feb. 1</story.date></dateline>'
        "</body.head><body.content><p>The pass closed at noon &rarr; &custom; reopens"
        " later.</p></body.content></body></nitf>",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    meta, body = imported(site)["seeds/short.xml"]
    assert meta["date"] == dt.date(2024, 2, 1)
    assert meta["dateline"] == "DENVER"
    assert "noon → &amp;custom; reopens" in body


# --- NewsML-G2 ----------------------------------------------------------------------------


def test_newsml_g2_news_item(tmp_path: Path) -> None:
    result, found = import_fixture(tmp_path, "g2-newsitem.xml")
    assert result.exit_code == 0, result.output
    meta, body = found["seeds/g2-newsitem.xml"]
    assert meta["title"] == "Giant crane arrives at Liverpool docks"
    # firstCreated, not contentCreated or versionCreated; the offset as stated.
    assert meta["date"] == dt.datetime(2026, 2, 12, 9, 5, tzinfo=dt.UTC)
    assert meta["date_source"] == "header"
    assert meta["dateline"] == "LIVERPOOL, England"
    assert meta["place"] == "Liverpool"
    assert meta["agency"] == "Reuters"
    # Names in the item's language, a code only where it is a word, never a number.
    assert meta["tags"] == ["maritime transport", "ports", "Mersey Docks Ltd", "cranes"]
    assert "language" not in meta  # en-GB on an English site
    assert "arrived on a barge on Thursday" in body
    assert "without a second crane." in body
    for gone in ("steal", "onerror", "img", "<"):
        assert gone not in body


def test_newsml_g2_package_with_two_items(tmp_path: Path) -> None:
    result, found = import_fixture(tmp_path, "g2-package.xml")
    assert result.exit_code == 0, result.output
    assert set(found) == {
        "seeds/g2-package.xml#urn:example:ntb:flood-main",
        "seeds/g2-package.xml#urn:example:ntb:flood-facts",
    }
    main, main_body = found["seeds/g2-package.xml#urn:example:ntb:flood-main"]
    assert main["title"] == "Flommen stiger i Gudbrandsdalen"
    assert main["date"] == dt.datetime(2026, 3, 3, 6, 10, tzinfo=zone(1))  # contentCreated
    assert main["dateline"] == "Otta"
    assert main["agency"] == "NTB"  # from the package's provider
    assert main["language"] == "nb"
    assert main["tags"] == ["miljø"]
    assert "Vannet i Lågen steg" in main_body and "evakuert tolv hus" in main_body
    facts, facts_body = found["seeds/g2-package.xml#urn:example:ntb:flood-facts"]
    assert facts["title"] == "Fakta om flommen"
    assert facts["date"] == dt.datetime(2026, 3, 3, 6, 59, tzinfo=zone(1))  # the package's
    assert facts["tags"] == ["flom"]
    assert facts_body.strip().split("\n\n") == [
        "Lågen er Norges nest lengste elv.",
        "Den forrige store flommen kom i 1995.",
    ]
    # The photo and the item only referred to are counted, not imported.
    assert "records left out 2" in result.output
    assert "refers to urn:example:ntb:flood-sidebar, not in this file" in result.output
    assert "urn:example:ntb:flood-photo: not a text item" in result.output


def test_newsml_g2_item_without_text_and_other_items_are_left_out(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    ns = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'
    (site / "seeds" / "concept.xml").write_text(f"<conceptItem {ns}/>", encoding="utf-8")
    (site / "seeds" / "remote.xml").write_text(
        f'<newsItem {ns} guid="g1"><contentSet><remoteContent href="a.txt"/></contentSet>'
        "</newsItem>",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    assert imported(site) == {}
    assert "a conceptItem holds no news story" in result.output
    assert "g1: its content is in another file; left out" in result.output


# --- NewsML 1.2 ---------------------------------------------------------------------------


def test_newsml_12_news_item(tmp_path: Path) -> None:
    result, found = import_fixture(tmp_path, "newsml12.xml")
    assert result.exit_code == 0, result.output
    meta, body = found["seeds/newsml12.xml"]
    assert meta["title"] == "Regata storica, vince Venezia"
    assert meta["date"] == dt.datetime(2004, 7, 14, 9, 58, tzinfo=zone(2))  # FirstCreated
    assert meta["dateline"] == "VENEZIA"
    assert meta["place"] == "Venezia"
    assert meta["region"] == "Italia"
    assert meta["agency"] == "ANSA"
    assert meta["language"] == "it"
    assert meta["tags"] == ["vela", "gondole", "regata", "Venezia"]  # no bare subject codes
    assert "davanti a 20.000 spettatori.\n\nIl sindaco" in body


def test_newsml_12_file_with_two_items_and_escaped_html(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "two.xml").write_text(
        '<NewsML><NewsItem Duid="a1"><NewsComponent><NewsLines><HeadLine>One</HeadLine>'
        "</NewsLines><ContentItem><DataContent>First story text.</DataContent></ContentItem>"
        '</NewsComponent></NewsItem>\n<NewsItem Duid="a2"><NewsComponent><NewsLines>'
        '<HeadLine>Two</HeadLine></NewsLines><ContentItem><Format FormalName="HTML"/>'
        "<DataContent>&lt;p&gt;Second &lt;b&gt;story&lt;/b&gt;&lt;/p&gt;"
        "&lt;script&gt;x()&lt;/script&gt;</DataContent></ContentItem></NewsComponent>"
        "</NewsItem></NewsML>",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    found = imported(site)
    assert set(found) == {"seeds/two.xml#a1", "seeds/two.xml#a2"}
    meta, body = found["seeds/two.xml#a2"]
    assert meta["title"] == "Two"
    assert body.strip() == "Second story"


# --- the agency table ---------------------------------------------------------------------


def test_agency_names_codes_and_addresses() -> None:
    assert agency_of(["The Associated Press"]) == "AP"
    assert agency_of(["nprov:REUTERS"]) == "Reuters"
    assert agency_of(["http://www.afp.com"]) == "AFP"
    assert agency_of(["Deutsche Presse-Agentur GmbH"]) == "dpa"
    assert agency_of(["Australian Associated Press"]) == "AAP"
    assert agency_of(["By JANE ROE, AP Science Writer"]) == "AP"
    assert agency_of(["Agencia EFE"]) == "EFE"
    assert agency_of(["Xinhua News Agency"]) == "Xinhua"
    assert agency_of(["ITAR-TASS"]) == "TASS"
    assert agency_of(["Suomen Tietotoimisto"]) == "STT"
    # A name the table does not know is kept as given; a bare address is not a name.
    assert agency_of(["Example Wire Service"]) == "Example Wire Service"
    assert agency_of(["https://wire.example.org/"]) is None
    assert agency_of(["web:www.example.org", "nprov:EXW"]) == "EXW"
    # The first stated source that names a known agency wins.
    assert agency_of(["Example Distribution", "Reuters"]) == "Reuters"
    assert agency_of(["Example Wire"], [("Example Wire", "EXW")]) == "EXW"


def test_import_agencies_extend_the_table(tmp_path: Path) -> None:
    extra = '\n[import.agencies]\n"Example Gazette Wire" = "EGW"\n'
    site = make_site(tmp_path, extra)
    (site / "seeds" / "w.xml").write_text(
        "<nitf><body><body.head><hedline><hl1>Tide table</hl1></hedline>"
        "<distributor>Example Gazette Wire</distributor></body.head>"
        "<body.content><p>High tide at noon.</p></body.content></body></nitf>",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    meta, _ = imported(site)["seeds/w.xml"]
    assert meta["agency"] == "EGW"


def test_bad_import_agencies_is_a_config_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, '\n[import]\nagencies = ["AP"]\n')
    result = run(site)
    assert result.exit_code == 1
    assert "bad value for 'import.agencies'" in result.output


# --- unsafe XML ---------------------------------------------------------------------------


def test_external_entity_is_refused_and_nothing_read_from_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD", encoding="utf-8")
    site = make_site(tmp_path)
    (site / "seeds" / "xxe.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE nitf [\n'
        f'  <!ENTITY leak SYSTEM "file://{secret}">\n]>\n'
        "<nitf><body><body.content><p>&leak;</p></body.content></body></nitf>\n",
        encoding="utf-8",
    )
    (site / "seeds" / "pe.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE NewsML [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>'
        "\n<NewsML><NewsItem/></NewsML>\n",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 1
    assert "seeds/xxe.xml:3: declares its own entities; not read (unsafe XML)" in result.output
    assert "seeds/pe.xml:2: declares its own entities; not read (unsafe XML)" in result.output
    assert "TOP-SECRET" not in result.output
    assert not (site / "content").exists() or not list((site / "content").rglob("*.md"))


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    (site / "seeds" / "lol.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE newsItem [\n' + "\n".join(entities) + "\n]>\n"
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"><contentSet>'
        "<inlineData>&lol9;</inlineData></contentSet></newsItem>\n",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 1
    assert "seeds/lol.xml:3: declares its own entities; not read (unsafe XML)" in result.output


def test_broken_xml_is_an_error_at_its_line(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "seeds" / "cut.xml").write_text(
        '<?xml version="1.0"?>\n<nitf>\n<body>\n<p>Cut off\n', encoding="utf-8"
    )
    shutil.copy(FIXTURES / "nitf-chatham.xml", site / "seeds")
    result = run(site)
    assert result.exit_code == 1
    assert "seeds/cut.xml:5: not well-formed XML:" in result.output
    assert "seeds/nitf-chatham.xml" in imported(site)  # the other file is imported


def test_withdrawn_stories_are_left_out(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    ns = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'
    (site / "seeds" / "killed.xml").write_text(
        f'<newsItem {ns} guid="k1"><itemMeta><pubStatus qcode="stat:canceled"/></itemMeta>'
        '<contentSet><inlineData contenttype="text/plain">Kill this story.</inlineData>'
        "</contentSet></newsItem>",
        encoding="utf-8",
    )
    (site / "seeds" / "held.xml").write_text(
        '<nitf><head><docdata management-status="withheld"/></head><body><body.content>'
        "<p>Held back.</p></body.content></body></nitf>",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    assert imported(site) == {}
    assert "k1: canceled; left out" in result.output
    assert "NITF document withheld; left out" in result.output


def test_nitf_body_without_body_content_and_several_headlines(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    ns = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'
    (site / "seeds" / "g2.xml").write_text(
        f'<newsItem {ns} guid="h1"><contentMeta>'
        '<headline role="hld:subHeadline">Second line</headline>'
        '<headline role="hld:main">Main line</headline></contentMeta>'
        '<contentSet><inlineXML contenttype="application/nitf+xml"><nitf><head><docdata>'
        '<date.issue norm="20230304"/></docdata></head><body><body.head><hedline><hl1>NITF title'
        "</hl1></hedline></body.head><p>First.</p><p>Second.</p><body.end><tagline>End"
        "</tagline></body.end></body></nitf></inlineXML></contentSet></newsItem>",
        encoding="utf-8",
    )
    result = run(site)
    assert result.exit_code == 0, result.output
    meta, body = imported(site)["seeds/g2.xml"]
    assert meta["title"] == "Main line"
    assert meta["date"] == dt.date(2023, 3, 4)  # the NITF's, where the item states none
    assert body.strip().split("\n\n") == ["First.", "Second."]
