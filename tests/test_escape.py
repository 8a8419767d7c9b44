"""The importer's Markdown escaping renders back to exactly the original text."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archivesite.escape import escape_body, escape_paragraph
from archivesite.markup import render_markdown


class _Paragraphs(HTMLParser):
    """Collects the text of each <p>; records every element seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.paragraphs: list[str] = []
        self.outside: list[str] = []
        self._in_p = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "p":
            assert not attrs, f"<p> got attributes {attrs}"
            self._in_p = True
            self.paragraphs.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_p = False

    def handle_data(self, data: str) -> None:
        if self._in_p:
            self.paragraphs[-1] += data
        else:
            self.outside.append(data)


def rendered(paragraphs: list[str]) -> _Paragraphs:
    parser = _Paragraphs()
    parser.feed(render_markdown(escape_body(paragraphs)))
    parser.close()
    return parser


def check(paragraphs: list[str]) -> None:
    out = rendered(paragraphs)
    assert out.paragraphs == paragraphs
    assert set(out.tags) <= {"p", "br"}
    assert out.tags.count("p") == len(paragraphs)
    assert out.tags.count("br") == sum(p.count("\n") for p in paragraphs)
    assert "".join(out.outside).strip() == ""


TABLE = [
    "1. First",
    "12) twelve",
    "1986. A year",
    "# heading",
    "#Iran",
    "###### six",
    "* star item",
    "- dash item",
    " - spaced dash item",
    "+ plus item",
    "> quoted",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "a | b\n--- | ---\n1 | 2",
    "---",
    "- - -",
    "******",
    "___",
    "Title\n===",
    "Title\n---",
    "    four-space indent",
    "\tTab indent",
    "```\ncode\n```",
    "~~~\ncode\n~~~",
    "Term\n: definition",
    "*[HTML]: Hyper Text",
    "[^1]: footnote",
    "A note[^1]",
    "[ref]: http://example.com",
    "<b>bold</b> and <SRD> and <script>alert(1)</script>",
    "&amp; AT&T &copy; &#169; &#xA9; & ; &",
    "*stars* **strong** _under_ __dunder__ snake_case_name",
    "back\\slash \\* \\\\ end\\",
    "`code` and ``double``",
    "[x](y) ![x](y) [x][y] [x]",
    "<http://x> <me@example.com> http://bare.example.com",
    "two trailing spaces  \nnext line",
    "trailing spaces at the end  ",
    "  leading spaces",
    "Text {: .cls}",
    "{: #id }",
    "Text\n{: .cls}",
    "Shr 16 cts vs 13 cts\nNet 1.2 mln vs 1.1 mln\nRevs 5.6 mln vs 4.8 mln",
    "\u00a0non-breaking\u00a0",
    "curly “quotes” — dashes … «ёлки»",
    "line\u2028separator",
    "<!-- comment -->",
    '<div markdown="1">*x*</div>',
    "x<br>y",
    "   ",
    "a\n   \nb",
    ":smile: :-)",
    "Price: $5 * 3 = $15",
    "!",
    "1.",
    "<",
    "&",
]


@pytest.mark.parametrize("text", TABLE)
def test_table(text: str) -> None:
    check([text])


def test_table_as_one_body() -> None:
    check(TABLE)


def test_line_breaks_render_as_br() -> None:
    assert render_markdown(escape_paragraph("a\nb")) == "<p>a<br />\nb</p>"


def test_plain_prose_is_left_alone() -> None:
    text = "MOSCOW, January 11. /TASS/. The US said on Tuesday it was “ready” — 5.5% (est.)"
    assert escape_paragraph(text) == text


def test_empty_lines_are_refused() -> None:
    with pytest.raises(ValueError):
        escape_paragraph("a\n\nb")


_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc"),  # surrogates; control characters...
    whitelist_characters="\t",  # ...except tab (newline is added below)
)
_MD = st.sampled_from(
    [
        *"\\`*_{}[]()#+-.!|<>&;:=~^ 1\t",
        "&amp;",
        "&#32;",
        "1. ",
        "    ",
        "```",
        "---",
        "  ",
        "http://",
    ]
)
_LINE = st.lists(st.one_of(_CHARS, _MD), min_size=1, max_size=30).map("".join)
_PARAGRAPH = st.lists(_LINE, min_size=1, max_size=4).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=4))
@example(["a\n-"])
@example(["[a]\n[a]: b"])
def test_any_paragraphs_render_to_their_text(paragraphs: list[str]) -> None:
    check(paragraphs)


def test_entities_in_output_unescape_to_text() -> None:
    assert html.unescape("&#32;&#9;&#160;") == " \t\u00a0"
