"""Table tests for ``parse_wire``: datelines, titles, ledes, boilerplate, paragraphs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivesite.model import Dateline
from archivesite.wire import WireStory, normalise_agency, parse_month, parse_wire

FIXTURES = Path(__file__).parent / "fixtures" / "wire"
TITLE = "A headline for the story"


def story(body: str) -> WireStory:
    """Parse a story with a title line, a blank line and ``body``."""
    return parse_wire(f"{TITLE}\n\n{body}\n")


# (first paragraph, dateline text, place, region, agency, month, day, year, lead)
DATELINES = [
    pytest.param(
        "MOSCOW, January 11. /TASS/. The US focused on bilateral issues.",
        "MOSCOW", "Moscow", None, "TASS", 1, 11, None,
        "The US focused on bilateral issues.",
        id="tass",
    ),
    pytest.param(
        "IGORA /Leningrad Region/, December 26. /TASS/. Putin spoke to reporters.",
        "IGORA /Leningrad Region/", "Igora", "Leningrad Region", "TASS", 12, 26, None,
        "Putin spoke to reporters.",
        id="tass-region",
    ),
    pytest.param(
        "IGORA /Leningrad region/, December 26. /TASS/. Putin spoke.",
        "IGORA /Leningrad region/", "Igora", "Leningrad region", "TASS", 12, 26, None,
        "Putin spoke.",
        id="tass-region-lower",
    ),
    pytest.param(
        "MOSCOW, January 11, 2022. /TASS/. The talks ended.",
        "MOSCOW", "Moscow", None, "TASS", 1, 11, 2022, "The talks ended.",
        id="tass-full-date",
    ),
    pytest.param(
        "МОСКВА, 11 января. /ТАСС/. Переговоры закончились.",
        "МОСКВА", "Москва", None, "TASS", 1, 11, None, "Переговоры закончились.",
        id="tass-cyrillic",
    ),
    pytest.param(
        "GENEVA, Jan 10 (Reuters) - Talks began on Monday.",
        "GENEVA", "Geneva", None, "Reuters", 1, 10, None, "Talks began on Monday.",
        id="reuters-dated",
    ),
    pytest.param(
        "SALVADOR, Feb 26 - Brazil said it would suspend payments.",
        "SALVADOR", "Salvador", None, None, 2, 26, None,
        "Brazil said it would suspend payments.",
        id="reuters-1987",
    ),
    pytest.param(
        "AMSTERDAM, 2 March - Dutch bank shares rose.",
        "AMSTERDAM", "Amsterdam", None, None, 3, 2, None, "Dutch bank shares rose.",
        id="day-before-month",
    ),
    pytest.param(
        "WASHINGTON (Reuters) - The Senate voted on Friday.",
        "WASHINGTON", "Washington", None, "Reuters", None, None, None,
        "The Senate voted on Friday.",
        id="reuters-no-date",
    ),
    pytest.param(
        "SEATTLE/WASHINGTON (Reuters) - Amazon said on Monday.",
        "SEATTLE/WASHINGTON", "Seattle", None, "Reuters", None, None, None,
        "Amazon said on Monday.",
        id="two-cities",
    ),
    pytest.param(
        "WEST PALM BEACH, Fla./WASHINGTON (Reuters) - The White House said on Friday.",
        "WEST PALM BEACH, Fla./WASHINGTON", "West Palm Beach", "Fla.", "Reuters",
        None, None, None, "The White House said on Friday.",
        id="two-cities-with-state",
    ),
    pytest.param(
        "WASHINGTON, (Reuters) - Six out of every 10 Americans breathe bad air.",
        "WASHINGTON", "Washington", None, "Reuters", None, None, None,
        "Six out of every 10 Americans breathe bad air.",
        id="stray-comma",
    ),
    pytest.param(
        "WASHINGTON (AP) -- The president signed the bill.",
        "WASHINGTON", "Washington", None, "AP", None, None, None,
        "The president signed the bill.",
        id="ap",
    ),
    pytest.param(
        "VALENCIA, Spain (AP) -- Rain fell all day.",
        "VALENCIA, Spain", "Valencia", "Spain", "AP", None, None, None, "Rain fell all day.",
        id="ap-country",
    ),
    pytest.param(
        "DUBAI, United Arab Emirates (AP)— Boeing said Tuesday it signed a deal.",
        "DUBAI, United Arab Emirates", "Dubai", "United Arab Emirates", "AP",
        None, None, None, "Boeing said Tuesday it signed a deal.",
        id="ap-em-dash-tight",
    ),
    pytest.param(
        "PARIS (AFP) - France said it would send aid.",
        "PARIS", "Paris", None, "AFP", None, None, None, "France said it would send aid.",
        id="afp",
    ),
    pytest.param(
        "GENEVA (AFP) -– Women are often deprived of health care.",
        "GENEVA", "Geneva", None, "AFP", None, None, None,
        "Women are often deprived of health care.",
        id="afp-mixed-dashes",
    ),
    pytest.param(
        "BEIJING, Jan. 11 (Xinhua) -- China's exports grew.",
        "BEIJING", "Beijing", None, "Xinhua", 1, 11, None, "China's exports grew.",
        id="xinhua",
    ),
    pytest.param(
        "BRUSSELS (Xinhua)-- The European Union said on Monday it would act.",
        "BRUSSELS", "Brussels", None, "Xinhua", None, None, None,
        "The European Union said on Monday it would act.",
        id="xinhua-tight",
    ),
    pytest.param(
        "TEHRAN, Mar. 26 (MNA) –Robert Smith, a former officer, said the plan failed.",
        "TEHRAN", "Tehran", None, "MNA", 3, 26, None,
        "Robert Smith, a former officer, said the plan failed.",
        id="mna",
    ),
    pytest.param(
        "VIENNA (dpa) - Iran wants the world's attention to shift elsewhere.",
        "VIENNA", "Vienna", None, "dpa", None, None, None,
        "Iran wants the world's attention to shift elsewhere.",
        id="dpa-lower-case",
    ),
    pytest.param(
        "MOSCOW (Sputnik) Russian Foreign Minister Sergey Lavrov discussed the deal.",
        "MOSCOW", "Moscow", None, "Sputnik", None, None, None,
        "Russian Foreign Minister Sergey Lavrov discussed the deal.",
        id="agency-without-dash",
    ),
    pytest.param(
        "TEHRAN – Iran's parliament speaker said on Monday that talks would go on.",
        "TEHRAN", "Tehran", None, None, None, None, None,
        "Iran's parliament speaker said on Monday that talks would go on.",
        id="house-en-dash",
    ),
    pytest.param(
        "TEHRAN _ India and the European Union vowed to step up cooperation.",
        "TEHRAN", "Tehran", None, None, None, None, None,
        "India and the European Union vowed to step up cooperation.",
        id="house-underscore",
    ),
    pytest.param(
        "TEHRAN- Iran, India and Afghanistan signed an agreement on transit.",
        "TEHRAN", "Tehran", None, None, None, None, None,
        "Iran, India and Afghanistan signed an agreement on transit.",
        id="house-tight-hyphen",
    ),
    pytest.param(
        "THRAN - A Russian expert believes the administration needs to prove itself.",
        "THRAN", "Thran", None, None, None, None, None,
        "A Russian expert believes the administration needs to prove itself.",
        id="house-misspelled-city",
    ),
    pytest.param(
        "PORTLAND, Ore., March 4 - A utility said it would build a dam.",
        "PORTLAND, Ore.", "Portland", "Ore.", None, 3, 4, None,
        "A utility said it would build a dam.",
        id="state",
    ),
    pytest.param(
        "CALGARY, Alberta, March 5 - An oil firm said profits fell.",
        "CALGARY, Alberta", "Calgary", "Alberta", None, 3, 5, None,
        "An oil firm said profits fell.",
        id="province",
    ),
    pytest.param(
        "MIAMI, Fla, March 3 - A bank said it was sold.",
        "MIAMI, Fla", "Miami", "Fla", None, 3, 3, None, "A bank said it was sold.",
        id="state-no-period",
    ),
    pytest.param(
        "ST. LOUIS, MO., March 13 - A brewer said sales rose.",
        "ST. LOUIS, MO.", "St. Louis", "MO.", None, 3, 13, None, "A brewer said sales rose.",
        id="saint",
    ),
    pytest.param(
        "DAR ES SALAAM, March 2 - Tanzania said it would devalue.",
        "DAR ES SALAAM", "Dar es Salaam", None, None, 3, 2, None,
        "Tanzania said it would devalue.",
        id="particles",
    ),
    pytest.param(
        "RIO DE JANEIRO, March 16 - Brazil's coffee body met.",
        "RIO DE JANEIRO", "Rio de Janeiro", None, None, 3, 16, None,
        "Brazil's coffee body met.",
        id="particle-de",
    ),
    pytest.param(
        "WEST HARTFORD, Conn., FEb 26 - A toy maker said it expects a profit.",
        "WEST HARTFORD, Conn.", "West Hartford", "Conn.", None, 2, 26, None,
        "A toy maker said it expects a profit.",
        id="month-mixed-case",
    ),
    pytest.param(
        "PITTSBURGH, MArch 2 - A German firm bought a chemical maker.",
        "PITTSBURGH", "Pittsburgh", None, None, 3, 2, None,
        "A German firm bought a chemical maker.",
        id="month-caps-typo",
    ),
    pytest.param(
        "NEW YORK, Narch 2 - A broker said it would merge.",
        "NEW YORK", "New York", None, None, 3, 2, None, "A broker said it would merge.",
        id="month-misspelled",
    ),
    pytest.param(
        "NEW YORK, feb 26 - A broker said it would merge.",
        "NEW YORK", "New York", None, None, 2, 26, None, "A broker said it would merge.",
        id="month-lower-case",
    ),
    pytest.param(
        "Caracas, feb 26 - Venezuela said it would pay its debts.",
        "Caracas", "Caracas", None, None, 2, 26, None,
        "Venezuela said it would pay its debts.",
        id="city-title-case",
    ),
    pytest.param(
        "MILWAUKEE, Wis., March 2- Oper shr 18 cts vs 51 cts",
        "MILWAUKEE, Wis.", "Milwaukee", "Wis.", None, 3, 2, None, "Oper shr 18 cts vs 51 cts",
        id="dash-touching-date",
    ),
    pytest.param(
        "(Reuters) - A lottery drawing was postponed, officials said on Tuesday.",
        None, None, None, "Reuters", None, None, None,
        "A lottery drawing was postponed, officials said on Tuesday.",
        id="bare-reuters",
    ),
    pytest.param(
        "By Jane Doe (Reuters) - The drawing was postponed.",
        None, None, None, "Reuters", None, None, None, "The drawing was postponed.",
        id="byline",
    ),
    pytest.param(
        "The Daily Telegraph is cutting 90 jobs - 17% of its staff.",
        None, None, None, None, None, None, None,
        "The Daily Telegraph is cutting 90 jobs - 17% of its staff.",
        id="no-dateline",
    ),
    pytest.param(
        "HARLEY-DAVIDSON said its fourth quarter profit rose sharply on strong sales.",
        None, None, None, None, None, None, None,
        "HARLEY-DAVIDSON said its fourth quarter profit rose sharply on strong sales.",
        id="hyphenated-name-is-no-dateline",
    ),
    pytest.param(
        "UPDATE - The company said on Monday that its profit rose sharply on sales.",
        None, None, None, None, None, None, None,
        "UPDATE - The company said on Monday that its profit rose sharply on sales.",
        id="slug-word-is-no-place",
    ),
    pytest.param(
        "EMI - the music group - said on Monday that profits would fall this year.",
        None, None, None, None, None, None, None,
        "EMI - the music group - said on Monday that profits would fall this year.",
        id="short-capitals-word-is-no-place",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("first", "text", "place", "region", "agency", "month", "day", "year", "lead"), DATELINES
)
def test_dateline_styles(
    first: str,
    text: str | None,
    place: str | None,
    region: str | None,
    agency: str | None,
    month: int | None,
    day: int | None,
    year: int | None,
    lead: str,
) -> None:
    parsed = story(first)
    expected = Dateline(text=text, place=place, region=region) if text and place else None
    assert parsed.dateline == expected
    assert parsed.agency == agency
    assert (parsed.month, parsed.day, parsed.year) == (month, day, year)
    assert parsed.title == TITLE
    assert parsed.paragraphs == (first,), "the dateline stays in the body"
    assert parsed.lead == lead
    if parsed.dateline_prefix is not None:
        assert first.startswith(parsed.dateline_prefix)


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("US sidestepped some issues\n\nMOSCOW, January 11. /TASS/. The US said.",
         "US sidestepped some issues"),
        ("US sidestepped some issues in talks with Russia,\nleaving them to NATO — expert"
         "\n\nBody text.",
         "US sidestepped some issues in talks with Russia, leaving them to NATO — expert"),
        ("******BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED\n\nFRANKFURT, March 5 - It did.",
         "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED"),
        ("*** FLASH TITLE ***\n\nBody text.", "FLASH TITLE"),
        ("All news\n\nThe real title\n\nBody text.", "The real title"),
        ("Home > World > Europe\nShare\n\nThe real title\n\nBody text.", "The real title"),
        ("CANADA CORN DECISION UNJUSTIFIED - YEUTTER\n\nWASHINGTON, March 6 - It was.",
         "CANADA CORN DECISION UNJUSTIFIED - YEUTTER"),
        ("ECONOMIC SPOTLIGHT - AUSTERITY IN HUNGARY\n\nBUDAPEST, March 2 - It was.",
         "ECONOMIC SPOTLIGHT - AUSTERITY IN HUNGARY"),
        ("CHEUNG KONG (HOLDINGS) LTD <CKGH.HK> YEAR 1986\n\nHONG KONG, March 2 - Year.",
         "CHEUNG KONG (HOLDINGS) LTD <CKGH.HK> YEAR 1986"),
        ("(CORRECTED) - <TRANSALTA UTILITIES CORP> YEAR NET\n\nCALGARY, Alberta, March 2 - Shr.",
         "(CORRECTED) - <TRANSALTA UTILITIES CORP> YEAR NET"),
        ("Factbox: Trump on Twitter (Dec 1) - Taxes, Tillerson\n\nThe following statements "
         "were posted to the verified Twitter accounts of U.S. President Donald Trump. The "
         "opinions expressed are his own. Reuters has not edited the statements or confirmed "
         "their accuracy.", "Factbox: Trump on Twitter (Dec 1) - Taxes, Tillerson"),
        ("TEHRAN – Iran said on Monday it was ready to talk to anyone about the oil swap deal.",
         None),
        ("(Reuters) - Russia and China have started making the case at the United Nations.",
         None),
        ("WASHINGTON (AP) -- The president signed the bill", None),
        ("PARIS (Something Else) - A headline about France\n\nBody.",
         "PARIS (Something Else) - A headline about France"),
        ("The country exported about 2,400,000 barrels per day of crude oil last year, an "
         "official told the Persian service of the Iranian Students News Agency. The official "
         "also said oil swaps with Caspian states stood at about 71,000 barrels per day.\n"
         "                  Oil products were exported too.", None),
    ],
)  # fmt: skip
def test_titles(raw: str, title: str | None) -> None:
    assert parse_wire(raw).title == title


def test_title_not_separated_by_blank_line() -> None:
    parsed = parse_wire("U.S. HOME SALES FELL\n    WASHINGTON, March 3 - Sales fell 6.8 pct.\n")
    assert parsed.title == "U.S. HOME SALES FELL"
    assert parsed.dateline == Dateline("WASHINGTON", "Washington")
    assert parsed.paragraphs == ("WASHINGTON, March 3 - Sales fell 6.8 pct.",)


@pytest.mark.parametrize(
    ("raw", "lede", "paragraphs"),
    [
        pytest.param(
            "Title\n\nThe standfirst, said the minister\n\n"
            "MOSCOW, January 11. /TASS/. Body.\n\nMore.",
            "The standfirst, said the minister",
            ("MOSCOW, January 11. /TASS/. Body.", "More."),
            id="tass-lede",
        ),
        pytest.param(
            "Title\n\nMOSCOW, January 11. /TASS/. Body.\n\nMore.",
            None,
            ("MOSCOW, January 11. /TASS/. Body.", "More."),
            id="no-lede",
        ),
        pytest.param(
            "Title\n\nBy Jane Doe\n\nWASHINGTON (Reuters) - Body.",
            None,
            ("By Jane Doe", "WASHINGTON (Reuters) - Body."),
            id="byline-is-no-lede",
        ),
        pytest.param(
            "Title\n\nThe standfirst\n\nBy Jane Doe\n\nWASHINGTON (Reuters) - Body.",
            "The standfirst",
            ("By Jane Doe", "WASHINGTON (Reuters) - Body."),
            id="lede-then-byline",
        ),
        pytest.param(
            "Title\n\nFirst paragraph of a story with no dateline.\n\nSecond one.",
            None,
            ("First paragraph of a story with no dateline.", "Second one."),
            id="no-dateline-no-lede",
        ),
    ],
)  # fmt: skip
def test_ledes(raw: str, lede: str | None, paragraphs: tuple[str, ...]) -> None:
    parsed = parse_wire(raw)
    assert parsed.lede == lede
    assert parsed.paragraphs == paragraphs


@pytest.mark.parametrize(
    ("raw", "paragraphs"),
    [
        ("Title\n\nBody one.\n\nRead more\n", ("Body one.",)),
        ("Title\n\nBody one.\n\nShare\n\nRead more\n\n", ("Body one.",)),
        ("Title\n\nBody one.\n All Content by Mehr News Agency is licensed under a Creative "
         "Commons Attribution 4.0 International License.\n", ("Body one.",)),
        ("Title\n\nBody one. All Content by Mehr News Agency is licensed under a Creative "
         "Commons Attribution 4.0 International License.", ("Body one.",)),
        ("Title\n\nBody one.\n\nCopyright 2024 Some Site. All rights reserved.", ("Body one.",)),
        ("Title\n\nShare\n\nBody one.\n\nA line saying Share stays in the body.",
         ("Body one.", "A line saying Share stays in the body.")),
    ],
)  # fmt: skip
def test_boilerplate_is_dropped(raw: str, paragraphs: tuple[str, ...]) -> None:
    parsed = parse_wire(raw)
    assert parsed.title == "Title"
    assert parsed.paragraphs == paragraphs


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("TITLE\n\nNEW YORK, March 2 - A firm said.\n\nReuter", "Reuters"),
        ("TITLE\n\nNEW YORK, March 2 - A firm said.\n\nREUTER", "Reuters"),
        ("TITLE\n\nNEW YORK, March 2 - A firm said.\n\nreuter", "Reuters"),
        ("TITLE\n\nNEW YORK, March 2 - A firm said.\n\nReuter\x03", "Reuters"),
        ("TITLE\n\nNEW YORK, March 2 - A firm said.\n\nThe Reuter family said.", None),
        ("Title\n\nThe statements were posted on Twitter. Reuters has not edited them.", None),
        ("Title\n\nMOSCOW (Xinhua) -- Russia sees no major stumbling block.", "Xinhua"),
        ("Title\n\nTEHRAN (IRNA) -- Iran said.", "IRNA"),
        ("Title\n\nDUBAI (UPI) -- Arab states are seeking to build up their air power.", "UPI"),
        ("Title\n\nLONDON (REUTERS) - Britain said.", "Reuters"),
    ],
)  # fmt: skip
def test_agency(raw: str, agency: str | None) -> None:
    assert parse_wire(raw).agency == agency


@pytest.mark.parametrize(
    ("token", "month"),
    [("January", 1), ("jan", 1), ("Jan.", 1), ("FEb", 2), ("feb", 2), ("MArch", 3),
     ("Narch", 3), ("Mar.", 3), ("Sept.", 9), ("Febuary", 2), ("Agust", 8), ("Dec", 12),
     ("декабря", 12), ("Monday", None), ("Reuters", None), ("Ma", None), ("12", None)],
)  # fmt: skip
def test_parse_month(token: str, month: int | None) -> None:
    assert parse_month(token) == month


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("REUTERS", "Reuters"), ("Reuter", "Reuters"), ("ap", "AP"), ("Afp", "AFP"),
     ("XINHUA", "Xinhua"), ("ITAR-TASS", "TASS"), ("DPA", "dpa"), ("India Today", "India Today")],
)  # fmt: skip
def test_normalise_agency(name: str, canonical: str) -> None:
    assert normalise_agency(name) == canonical


def test_hard_wrapped_wire_copy_is_joined_and_table_rows_kept() -> None:
    parsed = parse_wire((FIXTURES / "reuter_1987_wrapped.txt").read_text("utf-8"))
    assert parsed.title == "FICTIONAL WIDGET CORP <FWC> 4TH QTR NET"
    assert parsed.dateline == Dateline("WEST HARTFORD, Conn.", "West Hartford", "Conn.")
    assert (parsed.month, parsed.day) == (2, 26)
    assert parsed.agency == "Reuters"
    assert parsed.paragraphs == (
        "WEST HARTFORD, Conn., FEb 26 - Fictional Widget Corp said its fourth quarter "
        "earnings rose on stronger demand for small brass widgets and on lower costs at its "
        "two plants in Connecticut and Rhode Island.",
        "Shr 16 cts vs 13 cts\nNet 5.2 mln vs 4.1 mln\nRevs 44.0 mln vs 39.5 mln",
        "The company said it expects demand for its widgets to stay firm through the first "
        "half of 1987, and that a third plant, in Ohio, will open later in the year at a cost "
        "of about 12 mln dlrs.",
        "A spokesman said the <FWC> board will meet on March 10.",
        "REUTER",
    )


def test_table_rows_without_indentation_stay_lines() -> None:
    parsed = parse_wire(
        "ACME <ACM> YEAR NET\n\nCHICAGO, March 2 -\nShr 34 cts vs 1.19 dlrs\n"
        "Net 1,234,000 vs 4,567,000\nRevs 12.0 mln vs 11.1 mln\n\nReuter\n"
    )
    assert parsed.dateline == Dateline("CHICAGO", "Chicago")
    assert parsed.paragraphs[-1] == "Reuter"
    assert "Shr 34 cts vs 1.19 dlrs\nNet 1,234,000 vs 4,567,000" in "\n".join(parsed.paragraphs)


def test_tass_page_with_breadcrumb_broken_title_lede_and_footer() -> None:
    parsed = parse_wire((FIXTURES / "tass_page.txt").read_text("utf-8"))
    assert parsed.title == (
        "Invented ministry says the winter grain harvest will be the largest in a decade — official"
    )
    assert parsed.lede == (
        "Farmers have already brought in more than half of the expected crop, "
        "the deputy minister said"
    )
    assert parsed.dateline == Dateline("MOSCOW", "Moscow")
    assert parsed.agency == "TASS"
    assert parsed.paragraphs[0].startswith("MOSCOW, January 11. /TASS/. The winter grain")
    assert parsed.paragraphs[-1] == "Exports are expected to grow as well, he said."
    assert len(parsed.paragraphs) == 3
    assert parsed.lead is not None and parsed.lead.startswith("The winter grain harvest")
    assert parsed.dateline_prefix == "MOSCOW, January 11. /TASS/. "


def test_tehran_times_layout() -> None:
    parsed = parse_wire((FIXTURES / "tehran_style.txt").read_text("utf-8"))
    assert parsed.title is None
    assert parsed.lede is None
    assert parsed.dateline == Dateline("TEHRAN", "Tehran")
    assert parsed.agency is None
    assert parsed.paragraphs == (
        "TEHRAN – The invented Ministry of Roads said on Sunday that a new rail link to the "
        "northern port will open next spring, cutting travel times by half for freight trains.",
        "The ministry said construction of the final section was 90 percent complete.",
        "Officials did not give the cost of the project.",
    )


def test_bbc_layout_keeps_spacing_and_list_lines() -> None:
    parsed = parse_wire(
        "Tories unveil asylum plans\n\nThe party wants to:\n\n"
        " - Withdraw from the convention on refugees, which obliges countries to accept "
        "people with a well-founded fear of persecution, the party said on Monday.\n"
        " - Detain asylum seekers who have no documents while their identity is checked by "
        "the officials at the ports of entry.\n \n\nIt costs £150m.  Critics  disagree.\n"
    )
    assert parsed.title == "Tories unveil asylum plans"
    assert parsed.dateline is None and parsed.agency is None and parsed.lede is None
    assert parsed.paragraphs[0] == "The party wants to:"
    assert parsed.paragraphs[1].startswith("- Withdraw")
    assert parsed.paragraphs[2].startswith("- Detain")
    assert parsed.paragraphs[-1] == "It costs £150m.  Critics  disagree."


def test_nel_and_nbsp_are_kept_inside_paragraphs() -> None:
    parsed = parse_wire("Title\n\nWait\x85 what?\xa0Yes.\n")
    assert parsed.paragraphs == ("Wait\x85 what?\xa0Yes.",)


@pytest.mark.parametrize(
    ("header", "year", "month", "day", "when"),
    [
        ("11 January 2022", 2022, 1, 11, None),
        ("January 11, 2022", 2022, 1, 11, None),
        ("2022-01-11", 2022, 1, 11, None),
        ("2022-01-11T09:30:00+03:00", 2022, 1, 11,
         dt.time(9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))),
        ("11 January 2022, 09:30 GMT+3", 2022, 1, 11,
         dt.time(9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))),
        ("Updated: January 11, 2022 9:30 PM UTC", 2022, 1, 11, dt.time(21, 30, tzinfo=dt.UTC)),
        ("11 January 2022, 09:30", 2022, 1, 11, None),
    ],
)  # fmt: skip
def test_dated_header(header: str, year: int, month: int, day: int, when: dt.time | None) -> None:
    for raw in (f"{header}\n\nTitle\n\nBody.", f"Title\n\n{header}\n\nBody."):
        parsed = parse_wire(raw)
        assert parsed.title == "Title"
        assert (parsed.year, parsed.month, parsed.day, parsed.time) == (year, month, day, when)
        assert parsed.paragraphs == ("Body.",)


def test_dateline_date_wins_over_a_conflicting_header() -> None:
    parsed = parse_wire("January 12, 2022\n\nTitle\n\nMOSCOW, January 11. /TASS/. Body.")
    assert (parsed.year, parsed.month, parsed.day) == (None, 1, 11)


def test_empty_and_blank_text() -> None:
    for raw in ("", "\n\n", "   \n"):
        parsed = parse_wire(raw)
        assert parsed.title is None and parsed.paragraphs == () and parsed.lead is None


_WORD = st.sampled_from(
    ["MOSCOW,", "TEHRAN", "(Reuters)", "-", "–", "_", "said", "January", "11.", "/TASS/.",
     "Shr", "16", "cts", "vs", "Reuter", "All", "news", "Share", "By", "Jane", "the", "a",
     "WASHINGTON", "(AP)", "--", "Ore.,", "Feb", "26", "Факт", "\xa0", "<b>", "*"]
)  # fmt: skip
_LINE = st.tuples(st.sampled_from(["", " ", "    "]), st.lists(_WORD, max_size=14)).map(
    lambda t: t[0] + " ".join(t[1])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=14))
def test_words_are_kept_in_order(lines: list[str]) -> None:
    text = "\n".join(lines)
    parsed = parse_wire(text)
    out = " ".join(filter(None, [parsed.title, parsed.lede, *parsed.paragraphs])).split()
    source = iter(text.split())
    # Every word out is a source word (flash asterisks aside), in the source's order.
    assert all(any(word == w or w.strip("*") == word for w in source) for word in out)


def test_speed() -> None:
    texts = [
        (FIXTURES / name).read_text("utf-8")
        for name in ("reuter_1987_wrapped.txt", "tass_page.txt", "tehran_style.txt")
    ]
    start = time.perf_counter()
    for _ in range(1000):
        for text in texts:
            parse_wire(text)
    assert time.perf_counter() - start < 3.0, "3,000 stories should parse in well under 3 s"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_arbitrary_text_never_raises(text: str) -> None:
    parsed = parse_wire(text.replace("\r", "\n"))
    assert all(paragraph and paragraph == paragraph.strip() for paragraph in parsed.paragraphs)
    assert parsed.title is None or parsed.title == parsed.title.strip()


# --- layouts of real collections: wire lines, datelines on their own line, TeX quotes ---

WIRE_COPY = """\
BC-Wombat-Rail-Link,0312
Wombat line to reopen after the floods

PERTH, Australia (AP)_ The railway will reopen its wombat line in June, its chief \
said Friday.

Repairs cost more than planned.

AP-NY-02-13-98 1435EST
"""


def test_wire_header_and_trailer_are_kept_out_and_date_the_story() -> None:
    parsed = parse_wire(WIRE_COPY)
    assert parsed.title == "Wombat line to reopen after the floods"
    assert parsed.dateline == Dateline("PERTH, Australia", "Perth", "Australia")
    assert parsed.agency == "AP"
    assert parsed.filed == dt.date(1998, 2, 13)
    assert (parsed.year, parsed.month, parsed.day) == (1998, 2, 13)
    assert parsed.lead is not None and parsed.lead.startswith("The railway will reopen")
    assert parsed.paragraphs[-1] == "Repairs cost more than planned."
    assert not any("BC-" in p or "AP-NY" in p for p in parsed.paragraphs)


@pytest.mark.parametrize(
    ("raw", "title", "place", "agency", "month_day", "lead"),
    [
        pytest.param(
            "LYON, May 3 (AFP)\n\nSilk museum opens its doors\n\nThe museum opened on Sunday.",
            "Silk museum opens its doors", "Lyon", "AFP", (5, 3), "The museum opened on Sunday.",
            id="dateline-before-headline",
        ),
        pytest.param(
            "Dam rises on the river\n\nWUHAN, Jan. 11 (Xinhua) --\nThe dam rose by a metre, "
            "engineers said.",
            "Dam rises on the river", "Wuhan", "Xinhua", (1, 11),
            "The dam rose by a metre, engineers said.",
            id="dateline-alone-on-its-line",
        ),
        pytest.param(
            "Dam rises on the river\n\nWUHAN (Xinhua)\n\nThe dam rose by a metre, engineers said.",
            "Dam rises on the river", "Wuhan", "Xinhua", None,
            "The dam rose by a metre, engineers said.",
            id="dateline-alone-in-its-block",
        ),
        pytest.param(
            "Ferry sinks in the bay\n\nSANTOS, Brazil (AP )_ A ferry sank on Monday.",
            "Ferry sinks in the bay", "Santos", "AP", None, "A ferry sank on Monday.",
            id="spaced-agency-glued-underscore",
        ),
        pytest.param(
            "Ferry sinks in the bay\n\nSANTOS, Brazil (AP) _ A ferry sank on Monday.",
            "Ferry sinks in the bay", "Santos", "AP", None, "A ferry sank on Monday.",
            id="spaced-underscore",
        ),
        pytest.param(
            "Ferry sinks in the bay\n\nTRENTON, N.J. _ A ferry sank on Monday in the river "
            "that runs past the town.",
            "Ferry sinks in the bay", "Trenton", None, None,
            "A ferry sank on Monday in the river that runs past the town.",
            id="place-and-spaced-underscore",
        ),
    ],
)  # fmt: skip
def test_real_collection_layouts(
    raw: str,
    title: str,
    place: str,
    agency: str | None,
    month_day: tuple[int, int] | None,
    lead: str,
) -> None:
    parsed = parse_wire(raw)
    assert parsed.title == title
    assert parsed.dateline is not None and parsed.dateline.place == place
    assert parsed.agency == agency
    assert ((parsed.month, parsed.day) if parsed.month else None) == month_day
    assert parsed.lead == lead


def test_tex_quotes_are_kept_exactly() -> None:
    parsed = parse_wire(
        "Mayor calls plan a ``bad joke''\n\nTRENTON, N.J. _ The mayor said ``no'' to the "
        "plan and called it `silly' twice on Monday."
    )
    assert parsed.title == "Mayor calls plan a ``bad joke''"
    assert parsed.lead == "The mayor said ``no'' to the plan and called it `silly' twice on Monday."


@pytest.mark.parametrize(
    "raw",
    [
        "Now for today's look at the weather.\n\nIt will rain, and then it will rain again.",
        "The ministry said today it will look again at the question whether the plan, in "
        "fact, works at all, or ever did?\n\nReporters asked more.",
    ],
)
def test_broadcast_transcript_has_no_title(raw: str) -> None:
    assert parse_wire(raw).title is None


@pytest.mark.parametrize(
    "title",
    ["Dividend News: Acme Widget Corp.", "Who do you think you are?", "Markets slip in Tokyo"],
)
def test_headline_shapes_stay_titles(title: str) -> None:
    assert parse_wire(f"{title}\n\nThe body follows here, and it is long enough.").title == title
