"""Year inference, the reporting-verb weekday and dates in file names (table tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from archivesite.dates import date_in_name, first_sentence, infer_date, reporting_weekday

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
