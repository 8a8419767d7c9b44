"""Year inference, the reporting-verb weekday and dates in file names (table tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import PurePosixPath

import pytest

from archivesite.dates import (
    Clues,
    Dating,
    Reference,
    date_in_name,
    date_in_path,
    decide_date,
    first_sentence,
    infer_date,
    reporting_weekday,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

SEED_LEAD = (
    "The US focused on bilateral issues in the security talks with Russia in Geneva, while "
    "leaving some of the thorniest security issues for the meeting between NATO and Russia, "
    "a researcher said on Tuesday."
)


@pytest.mark.parametrize(
    ("lead", "weekday"),
    [
        (SEED_LEAD, TUE),
        ("The ministry told TASS on Tuesday that the plan was ready.", TUE),
        ("Officials said Sunday the plan had failed.", SUN),
        ("The company announced on Monday it would cut 500 jobs.", MON),
        ("Putin told reporters on Thursday that the talks went well.", THU),
        ("Putin told reporters on Thursday that a meeting on Wednesday went well.", THU),
        ("The Kremlin said in a statement on Friday that it was ready.", FRI),
        ("Lavrov said late on Tuesday that talks would go on.", TUE),
        ("On Monday, the ministry announced a new plan.", MON),
        ("Wednesday, the ministry said it was ready.", WED),
        ("Iran's oil minister told Reuters on Saturday output would rise.", SAT),
        ("The bank said, on Friday, rates would stay.", FRI),
        # a weekday tied to an event is not evidence
        ("The minister said a meeting on Wednesday would decide.", None),
        ("Russia will hold talks on Wednesday, Lavrov said.", None),
        ("The talks on Wednesday were tense, officials said.", None),
        ("Ministers will meet on Monday to discuss the budget.", None),
        ("The vote is due on Sunday.", None),
        ("No weekday here at all, the researcher said.", None),
        ("", None),
    ],
)
def test_reporting_weekday(lead: str, weekday: int | None) -> None:
    assert reporting_weekday(lead) == weekday


REF = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("month", "day", "reference", "weekday", "expected"),
    [
        # the seed: January 11, said on Tuesday -> 2022 (2026 is not: Jan 11 2026 is a Sunday)
        (1, 11, REF, TUE, (dt.date(2022, 1, 11), "weekday")),
        (1, 11, REF, None, (dt.date(2026, 1, 11), "reference")),
        (1, 11, REF, SUN, (dt.date(2026, 1, 11), "weekday")),
        # a day after the reference date belongs to the year before
        (12, 26, REF, None, (dt.date(2025, 12, 26), "reference")),
        (11, 27, REF, None, (dt.date(2026, 11, 27), "reference")),
        (11, 28, REF, None, (dt.date(2025, 11, 28), "reference")),
        (12, 26, dt.date(2024, 12, 31), THU, (dt.date(2024, 12, 26), "weekday")),
        # Feb 29 needs a leap year
        (2, 29, REF, None, (dt.date(2024, 2, 29), "reference")),
        (2, 29, REF, THU, (dt.date(2024, 2, 29), "weekday")),
        (2, 29, REF, MON, (dt.date(2016, 2, 29), "weekday")),
        # a weekday no year in the window fits: the most recent day, unconfirmed
        (2, 29, REF, TUE, (dt.date(2024, 2, 29), "reference")),
        # at most 11 years back: Jan 11 was a Tuesday in 2022 and 2011 (and 2005, too far)
        (1, 11, dt.date(2021, 12, 31), TUE, (dt.date(2011, 1, 11), "weekday")),
        (1, 11, dt.date(2010, 12, 31), TUE, (dt.date(2005, 1, 11), "weekday")),
        (1, 11, dt.date(2004, 12, 31), TUE, (dt.date(2000, 1, 11), "weekday")),
        (2, 30, REF, None, None),
        (13, 1, REF, None, None),
    ],
)
def test_infer_date(
    month: int, day: int, reference: dt.date, weekday: int | None, expected: object
) -> None:
    assert infer_date(month, day, reference, weekday) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("newsru_crime_03jan2006_grab.txt", dt.date(2006, 1, 3)),
        ("2022-01-11-foo.txt", dt.date(2022, 1, 11)),
        ("20220111_x.txt", dt.date(2022, 1, 11)),
        ("story_2022_01_11.txt", dt.date(2022, 1, 11)),
        ("report-11-January-2022.txt", dt.date(2022, 1, 11)),
        ("000_917121954e88cef5.txt", None),
        ("_news_114913_Crude-exports-hit-over-44b.txt", None),
        ("aviaport_99256.txt", None),
        ("x_20221311.txt", None),  # month 13
        ("id123420220111.txt", None),  # digits inside a longer number
        ("plain.txt", None),
        # document ids, as news collections name their files
        ("APW19980213.1320", dt.date(1998, 2, 13)),
        ("NYT19980206.0460", dt.date(1998, 2, 6)),
        ("AFP_ENG_20030115.0042", dt.date(2003, 1, 15)),
        ("ea980120.1830.0071", dt.date(1998, 1, 20)),
        ("AP900815-0044", dt.date(1990, 8, 15)),
        ("WSJ900813-0157", dt.date(1990, 8, 13)),
        ("nyt-2000-01-05", dt.date(2000, 1, 5)),
        ("XIN20100101", dt.date(2010, 1, 1)),
        # no date: six digits after an unknown prefix, an arbitrary number, a year only
        ("QQ980120.0001", None),
        ("_news_450312_x", None),
        ("SJMN91-06338157", None),
        ("wsj_0006", None),
        ("x_18491231.txt", None),  # before 1850
        ("x_29991231.txt", None),  # after next year
    ],
)
def test_date_in_name(name: str, expected: dt.date | None) -> None:
    assert date_in_name(name) == expected


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("One. Two.", "One."),
        (
            "U.S. officials met Mr. Smith on Monday. Then more.",
            "U.S. officials met Mr. Smith on Monday.",
        ),
        ("He said “yes.” Then left.", "He said “yes.”"),
        ("No end", "No end"),
        ("Первое предложение. Второе.", "Первое предложение."),
    ],
)
def test_first_sentence(text: str, sentence: str) -> None:
    assert first_sentence(text) == sentence


@pytest.mark.parametrize(
    ("lead", "weekday"),
    [
        ("Lavrov stated in an interview with domestic and foreign media outlets on Thursday.", THU),
        ("Mitch McConnell on Wednesday said he would bring the bill.", WED),
        ("Siemens on Monday said it had signed a contract.", MON),
        ("The Iranian ambassador said here on Friday that ties were good.", FRI),
        ("A source in the ministry informed TASS on Thursday.", THU),
        ("The bank quoted its governor as saying on Saturday.", SAT),
        ("The Commerce Department on Monday will set final duties.", None),
        (
            "Leaders met during a one-on-one meeting on Wednesday, said a spokeswoman.",
            None,
        ),
    ],
)
def test_reporting_weekday_more_shapes(lead: str, weekday: int | None) -> None:
    assert reporting_weekday(lead) == weekday


@pytest.mark.parametrize(
    ("path", "date", "where", "folder_month"),
    [
        ("seeds/2022/01/11/story.txt", dt.date(2022, 1, 11), "folder", None),
        ("seeds/2022-01-11/story.txt", dt.date(2022, 1, 11), "folder", None),
        ("seeds/2022/01/11/APW19980213.1320", dt.date(1998, 2, 13), "name", None),
        ("archive/1998/08/story", None, None, dt.date(1998, 8, 1)),
        ("archive/stories/story", None, None, None),
    ],
)
def test_date_in_path(
    path: str, date: dt.date | None, where: str | None, folder_month: dt.date | None
) -> None:
    found = date_in_path(PurePosixPath(path))
    assert (found.date, found.where, found.folder_month) == (date, where, folder_month)


def clues(
    *,
    path_date: dt.date | None = None,
    month: int | None = None,
    day: int | None = None,
    year: int | None = None,
    weekday: int | None = None,
) -> Clues:
    return Clues(path_date, "name" if path_date else None, month, day, year, None, weekday)


AS_OF = Reference(dt.date(1998, 12, 31), "as-of", upper_bound=True)
NEIGHBOUR = Reference(dt.date(1998, 2, 13), "neighbour", upper_bound=False)
FOLDER = Reference(dt.date(1998, 1, 15), "folder", upper_bound=False)
FILE_TIME = Reference(dt.date(2026, 11, 27), "file-time", upper_bound=True)
D = dt.date


@pytest.mark.parametrize(
    ("found", "references", "expected", "warned"),
    [
        # the file name's date is the article's; the lead's weekday agrees or is reported
        (clues(path_date=D(1998, 2, 13)), [], (D(1998, 2, 13), "file", None), False),
        (clues(path_date=D(1998, 2, 13), weekday=FRI), [], (D(1998, 2, 13), "file", None), False),
        (clues(path_date=D(1998, 2, 13), weekday=MON), [], (D(1998, 2, 13), "file", None), True),
        # text within two days of the name: the text's day, the year nearest the name's
        (clues(path_date=D(1999, 1, 1), month=12, day=31), [],
         (D(1998, 12, 31), "text", "file-name"), False),
        (clues(path_date=D(1998, 2, 13), month=2, day=14), [],
         (D(1998, 2, 14), "text", "file-name"), False),
        # further off, the name wins and the conflict is reported
        (clues(path_date=D(1998, 2, 13), month=3, day=2), [], (D(1998, 2, 13), "file", None), True),
        (clues(path_date=D(1998, 2, 13), month=2, day=13, year=1997), [],
         (D(1998, 2, 13), "file", None), True),
        # a full date in the text, no name date
        (clues(month=2, day=13, year=1998), [FILE_TIME], (D(1998, 2, 13), "text", None), False),
        # month and day: the first reference decides
        (clues(month=1, day=11), [FOLDER, AS_OF], (D(1998, 1, 11), "reference", "folder"), False),
        (clues(month=12, day=30), [FOLDER], (D(1997, 12, 30), "reference", "folder"), False),
        (clues(month=1, day=11), [AS_OF, NEIGHBOUR],
         (D(1998, 1, 11), "reference", "as-of"), False),
        (clues(month=1, day=11, weekday=TUE), [AS_OF],
         (D(1994, 1, 11), "weekday", "as-of"), False),
        (clues(month=2, day=14), [NEIGHBOUR, FILE_TIME],
         (D(1998, 2, 14), "reference", "neighbour"), False),
        (clues(month=2, day=14, weekday=SAT), [NEIGHBOUR],
         (D(1998, 2, 14), "weekday", "neighbour"), False),
        (clues(month=1, day=11, weekday=TUE), [FILE_TIME],
         (D(2022, 1, 11), "weekday", "file-time"), False),
        # a weekday alone never dates an article
        (clues(weekday=FRI), [AS_OF, FILE_TIME], (None, "none", None), False),
        (clues(), [AS_OF], (None, "none", None), False),
    ],
)  # fmt: skip
def test_decide_date(
    found: Clues, references: list[Reference], expected: tuple[object, ...], warned: bool
) -> None:
    dating: Dating = decide_date(found, references)
    assert (dating.date, dating.source, dating.reference) == expected
    assert bool(dating.warnings) == warned, dating.warnings


def test_references_are_read_only_as_needed() -> None:
    tried: list[str] = []

    def references() -> Iterator[Reference]:
        for ref in (AS_OF, FILE_TIME):
            tried.append(ref.origin)
            yield ref

    decide_date(clues(month=1, day=11), references())
    assert tried == ["as-of"]
    tried.clear()
    decide_date(clues(path_date=D(1998, 1, 11), month=1, day=11), references())
    assert tried == []


def test_option_year() -> None:
    dating = decide_date(clues(month=1, day=11), [FILE_TIME], year=2001)
    assert (dating.date, dating.source, dating.reference) == (D(2001, 1, 11), "option", None)
