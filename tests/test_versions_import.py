"""Importing story versions and corrections: version markers come off headlines,
leading correction notices move into ``corrections:`` (the dateline after them is found
as usual), and every version of a story names the same ``story:``.

The fixtures (tests/fixtures/versions/) are invented copy in the forms Reuters and AP
print; the shared corpus's one ``(CORRECTED)`` headline is checked where it is present.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from archivesite.cli import cli
from archivesite.config import load_config
from archivesite.load import load_articles
from archivesite.model import Article, Correction
from archivesite.stories import story_groups, story_key_of
from archivesite.versions import leading_notices, read_version, strip_markers

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "versions"
AGENCY = Path(__file__).resolve().parent / "fixtures" / "agency"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
AS_OF = "2027-04-01"


# --- the pure rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "clean", "markers"),
    [
        ("UPDATE 1-Harbour fire closes docks", "Harbour fire closes docks", ("UPDATE 1",)),
        ("update 2 - Harbour fire closes docks", "Harbour fire closes docks", ("UPDATE 2",)),
        ("CORRECTED-UPDATE 2-Fire closes docks", "Fire closes docks", ("CORRECTED", "UPDATE 2")),
        ("REFILE-Mill town keeps library", "Mill town keeps library", ("REFILE",)),
        ("RPT-Ferry service resumes", "Ferry service resumes", ("RPT",)),
        ("Corrected: Ferry service resumes", "Ferry service resumes", ("CORRECTED",)),
        ("Ferry service resumes (UPDATE 1)", "Ferry service resumes", ("UPDATE 1",)),
        (
            "(CORRECTED) - <TRANSALTA UTILITIES CORP> YEAR NET",
            "<TRANSALTA UTILITIES CORP> YEAR NET",
            ("CORRECTED",),
        ),
        # Not markers: words of the headline itself.
        ("Update on the talks", "Update on the talks", ()),
        ("Corrected figures show a rise", "Corrected figures show a rise", ()),
        ("UPDATE 1-", "UPDATE 1-", ()),
    ],
)
def test_strip_markers(title: str, clean: str, markers: tuple[str, ...]) -> None:
    assert strip_markers(title) == (clean, markers)


def test_leading_notices_each_form() -> None:
    body = [
        "(In Dec. 25 story, corrects name of spokesman to Jon Smith, not Jon Smyth)",
        "CORRECTION: An earlier version misstated the cost.",
        "Editor's note: A name was removed at the witness's request.",
        "(Adds quotes) NORTHPORT, Dec 26 (Reuters) - A fire closed the docks.",
        "(Later paragraphs keep their brackets.)",
    ]
    notices, rest = leading_notices(body)
    assert notices == (body[0], body[1], body[2], "(Adds quotes)")
    assert rest == ["NORTHPORT, Dec 26 (Reuters) - A fire closed the docks.", body[4]]
    title, version = read_version("CORRECTED-Fire closes docks", notices)
    assert title == "Fire closes docks"
    assert version.corrects
    assert version.corrections == (
        "In Dec. 25 story, corrects name of spokesman to Jon Smith, not Jon Smyth",
        "An earlier version misstated the cost.",
        "A name was removed at the witness's request.",
    )
    assert version.notes == ("Adds quotes",)


def test_a_paragraph_in_brackets_that_names_no_change_stays() -> None:
    body = ["(This is an advertisement feature)", "PARIS, May 2 (AFP) - Text."]
    assert leading_notices(body) == ((), body)


def test_ap_slug_line_and_eds_note() -> None:
    title, version = read_version(
        "Storm lashes coast",
        ("Eds: UPDATES with governor's comments. ADDS byline.",),
        "BC-US-Storm-Coast,2nd Ld-Writethru,0450",
    )
    assert title == "Storm lashes coast"
    assert version.number == 2
    assert version.label == "2nd Ld; Writethru"
    assert version.notes == ("UPDATES with governor's comments. ADDS byline.",)
    assert not version.corrects
    _, fixed = read_version("Fair opens", ("Eds: CORRECTS spelling of mayor's name.",))
    assert fixed.corrections == ("CORRECTS spelling of mayor's name.",)
    _, added = read_version("Fair opens", ("eds: adds quotes from the mayor.",))
    assert added.notes == ("adds quotes from the mayor.",) and not added.corrections


# --- importing ----------------------------------------------------------------------------


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "archivesite.toml").write_text('title = "Wire"\n', encoding="utf-8")
    return site


def run_import(site: Path, *paths: Path) -> Result:
    args = ["import", "--site", str(site), "--as-of", AS_OF, *map(str, paths)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def imported(site: Path) -> dict[str, tuple[dict[str, object], str]]:
    """Every article's front matter and body, by the seed's file name."""
    found = {}
    for path in sorted((site / "content").rglob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(head)
        found[Path(str(meta["source_file"])).name] = (meta, body)
    return found


def copy(site: Path, *names: str) -> list[Path]:
    out = []
    for name in names:
        target = site / "seeds" / Path(name).name
        shutil.copy(FIXTURES / name, target)
        out.append(target)
    return out


def test_reuters_correction_notice_moves_to_corrections_and_the_dateline_is_found(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path)
    run_import(site, *copy(site, "reuters/03-corrected.txt"))
    meta, body = imported(site)["03-corrected.txt"]
    assert meta["title"] == "Harbour fire closes Northport docks"
    assert meta["version"] == "CORRECTED; UPDATE 2"
    assert meta["corrections"] == [
        {
            "date": dt.date(2026, 12, 26),
            "text": "In Dec. 25 story, in second paragraph, corrects name of spokesman to "
            "Jon Smith, not Jon Smyth",
        }
    ]
    # The notice is in corrections only: not the summary, not the body, not shown twice.
    assert "corrects name" not in body
    assert "corrects name" not in str(meta["summary"])
    assert meta["dateline"] == "NORTHPORT"
    assert meta["date"] == dt.date(2026, 12, 26)
    assert body.startswith("NORTHPORT, Dec 26 (Reuters) - ")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("reuters/correction-para.txt", "An earlier version of this story misstated the cost"),
        ("reuters/editors-note.txt", "This story has been changed to remove the name"),
        ("reuters/notice-inline.txt", "Corrects day of week in first paragraph"),
        ("ap/fair-corrects.txt", "CORRECTS spelling of mayor's name to Hallam"),
    ],
)
def test_each_correction_form(tmp_path: Path, name: str, words: str) -> None:
    site = make_site(tmp_path)
    run_import(site, *copy(site, name))
    meta, body = imported(site)[Path(name).name]
    corrections = meta["corrections"]
    assert isinstance(corrections, list) and len(corrections) == 1
    assert corrections[0]["text"].startswith(words)
    assert corrections[0]["date"] == meta["date"]
    assert words not in body
    assert meta["dateline"] and body.startswith(str(meta["dateline"]))


@pytest.mark.parametrize(
    ("name", "title", "version"),
    [
        ("reuters/02-update1.txt", "Harbour fire closes Northport docks", "UPDATE 1"),
        ("reuters/refile.txt", "Mill town votes to keep its library", "REFILE"),
        ("reuters/rpt.txt", "Ferry service resumes after storm", "RPT"),
        ("ap/storm-2.txt", "Storm lashes coast, thousands without power", "2nd Ld; Writethru"),
    ],
)
def test_version_markers_leave_the_title(
    tmp_path: Path, name: str, title: str, version: str
) -> None:
    site = make_site(tmp_path)
    result = run_import(site, *copy(site, name))
    meta, body = imported(site)[Path(name).name]
    assert meta["title"] == title
    assert meta["version"] == version
    assert "corrections" not in meta  # an update or a refile corrects nothing
    assert str(meta["story"]).startswith(("title:", "slug:"))
    assert "story versions 1 (of 1 stories)" in result.output
    assert "(Adds" not in body and "(Refiles" not in body


def _stories(site: Path) -> list[list[str]]:
    """The stories of more than one version, as the build groups them: seed names."""
    articles = load_articles(load_config(site))
    return [
        sorted(Path(a.source).name for a in group)
        for group in story_groups(articles)  # content file names
    ]


def test_versions_share_a_story_key_and_an_update_first_is_grouped_the_same(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path)
    update, original, corrected = copy(
        site, "reuters/02-update1.txt", "reuters/01-original.txt", "reuters/03-corrected.txt"
    )
    run_import(site, update)  # the update arrives before the original
    run_import(site, original)
    run_import(site, corrected)
    found = imported(site)
    keys = {found[n][0].get("story") for n in ("02-update1.txt", "03-corrected.txt")}
    assert keys == {"title:reuters/northport/harbour-fire-closes-northport-docks"}
    assert "story" not in found["01-original.txt"][0]  # an unmarked original: derived key
    articles = load_articles(load_config(site))
    assert {story_key_of(a) for a in articles} == keys
    # Nothing overwritten: three content files, one story.
    assert len(articles) == 3
    assert [len(g) for g in story_groups(articles)] == [3]


def test_ap_versions_joined_by_slug_line_though_the_headline_changed(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    run_import(site, *copy(site, "ap/storm-0.txt", "ap/storm-2.txt"))
    found = imported(site)
    assert found["storm-0.txt"][0]["story"] == found["storm-2.txt"][0]["story"]
    assert found["storm-0.txt"][0]["story"] == "slug:ap/us-storm-coast"
    assert found["storm-0.txt"][0]["title"] != found["storm-2.txt"][0]["title"]
    assert [len(g) for g in story_groups(load_articles(load_config(site)))] == [2]


def test_a_reworded_headline_without_a_slug_or_id_stays_apart(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    original, update = copy(site, "reuters/01-original.txt", "reuters/02-update1.txt")
    text = update.read_text(encoding="utf-8")
    update.write_text(
        text.replace("UPDATE 1-Harbour fire closes Northport docks", "UPDATE 1-Docks shut"),
        encoding="utf-8",
    )
    run_import(site, original, update)
    assert story_groups(load_articles(load_config(site))) == []


def _g2(version: int, headline: str, paragraph: str) -> str:
    text = (AGENCY / "g2-newsitem.xml").read_text(encoding="utf-8")
    text = text.replace('version="3"', f'version="{version}"')
    text = text.replace("Giant crane arrives at Liverpool docks", headline)
    return text.replace("The largest crane ever seen", paragraph)


def test_newsml_g2_versions_joined_by_guid_though_the_headline_changed(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    first = site / "seeds" / "crane-v1.xml"
    later = site / "seeds" / "crane-v4.xml"
    first.write_text(_g2(1, "Giant crane arrives", "The largest crane ever seen"), "utf-8")
    later.write_text(_g2(4, "UPDATE 1-Crane unloads first ship", "The biggest crane"), "utf-8")
    result = run_import(site, first, later)
    found = imported(site)
    key = "id:urn:newsml:example.org:20260212:harbour-crane"
    assert found["crane-v1.xml"][0]["story"] == key
    assert found["crane-v4.xml"][0]["story"] == key
    assert found["crane-v4.xml"][0]["title"] == "Crane unloads first ship"
    assert "story versions 1 (of 1 stories)" in result.output
    assert [len(g) for g in story_groups(load_articles(load_config(site)))] == [2]


def test_the_corpus_corrected_headline(tmp_path: Path) -> None:
    seed = CORPUS / "reuters" / "reut21578_615.txt"
    if not seed.is_file():
        pytest.skip("the shared corpus is not here")
    site = make_site(tmp_path)
    shutil.copy(seed, site / "seeds" / seed.name)
    run_import(site, site / "seeds" / seed.name)
    meta, body = imported(site)[seed.name]
    assert meta["title"] == "<TRANSALTA UTILITIES CORP> YEAR NET"
    assert meta["version"] == "CORRECTED"
    assert meta["corrections"] == [{"date": meta["date"], "text": "Corrected version (CORRECTED)."}]
    assert meta["dateline"] == "CALGARY, Alberta"
    assert str(meta["date"]).endswith("03-02")
    assert body.startswith("CALGARY, Alberta, March 2 - ")


def _version(source: str, day: int, **fields: Any) -> Article:
    return Article(
        source=source,
        kind="article",
        slug=source,
        title="Oil prices rise",
        date=dt.date(2022, 1, day),
        published=None,
        agency="Reuters",
        **fields,
    )


def test_only_a_marked_version_makes_a_story() -> None:
    """Articles sharing a headline, place and agency are one story only with a marked
    version among them; an unmarked article joins a marked one by its headline key,
    never one whose key is the wire's id."""
    plain = [_version("a", 11), _version("b", 11)]
    assert story_groups(plain) == []
    update = _version("c", 11, version="UPDATE 1")
    assert [[a.source for a in g] for g in story_groups([*plain[:1], update])] == [["a", "c"]]
    by_id = _version("d", 11, story="id:urn:x", version="UPDATE 1")
    assert story_groups([*plain, by_id]) == []
    corrected = _version("e", 12, corrections=(Correction(None, "Fixes the price."),))
    assert [len(g) for g in story_groups([*plain, corrected, by_id])] == [3]
