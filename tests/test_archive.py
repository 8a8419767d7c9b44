"""Grouping into periods and taxonomies."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from archivesite.archive import build_archive, build_taxonomies
from archivesite.model import Article, Dateline, evolve

UTC = dt.UTC


def art(
    slug: str, date: dt.date | None = None, at: dt.datetime | None = None, **kw: object
) -> Article:
    return Article(
        source=f"content/{slug}.md",
        kind="article",
        slug=slug,
        title=slug.title(),
        date=at.date() if at else date,
        published=at,
        **kw,
    )  # type: ignore[arg-type]


def test_periods_in_one_sorted_pass() -> None:
    articles = [
        art("c", dt.date(2022, 1, 11)),
        art("b", at=dt.datetime(2022, 1, 11, 8, 0, tzinfo=UTC)),
        art("a", dt.date(2022, 1, 11)),
        art("z", dt.date(2021, 12, 31)),
        art("m", dt.date(2022, 3, 1)),
        art("u"),
        Article(
            source="content/pages/p.md", kind="page", slug="p", title="P", date=None, published=None
        ),
    ]
    archive = build_archive(articles)
    assert [a.slug for a in archive.dated] == ["z", "a", "c", "b", "m"]  # dates before times
    assert [a.slug for a in archive.undated] == ["u"]
    assert [(p.year, p.month, p.day, len(p.articles)) for p in archive.days] == [
        (2021, 12, 31, 1),
        (2022, 1, 11, 3),
        (2022, 3, 1, 1),
    ]
    assert [(p.year, p.month, len(p.articles)) for p in archive.months] == [
        (2021, 12, 1),
        (2022, 1, 3),
        (2022, 3, 1),
    ]
    assert [(p.year, len(p.articles)) for p in archive.years] == [(2021, 1), (2022, 4)]


def test_taxonomies_key_places_by_place_and_region() -> None:
    archive = build_archive(
        [
            art(
                "a",
                dt.date(2022, 1, 1),
                dateline=Dateline("PORTLAND, Ore.", "Portland", "Ore."),
                agency="AP",
                tags=("Economy", "economy"),
            ),
            art(
                "b",
                dt.date(2022, 1, 2),
                dateline=Dateline("PORTLAND, Maine", "Portland", "Maine"),
                agency="AP",
                tags=("economy",),
            ),
            art("c", None, dateline=Dateline("PORTLAND, Ore.", "Portland", "Ore.")),
        ]
    )
    tags, places, agencies = build_taxonomies(archive)
    assert [(t.slug, t.name, [a.slug for a in t.articles]) for t in places.terms] == [
        ("portland-maine", "Portland, Maine", ["b"]),
        ("portland-ore", "Portland, Ore.", ["a", "c"]),
    ]
    assert [(t.slug, t.name, len(t.articles)) for t in tags.terms] == [("economy", "Economy", 2)]
    assert [(t.slug, [a.slug for a in t.articles]) for t in agencies.terms] == [("ap", ["b", "a"])]


def test_evolve_is_replace() -> None:
    """The model's quick copy with changed fields gives what dataclasses.replace gives."""
    a = art("a", dt.date(2022, 1, 11))
    changes = {"url": "2022/01/11/a/", "tags": ("Oil",), "agency": "AFP"}
    assert evolve(a, **changes) == dataclasses.replace(a, **changes)
    assert evolve(a) == a and evolve(a) is not a
    with pytest.raises(TypeError, match="no field"):
        evolve(a, headline="x")
