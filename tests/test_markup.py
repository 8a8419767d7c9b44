"""The plain-text fast path gives exactly Python-Markdown's HTML, or steps aside.

``render_markdown`` writes bodies without any Markdown syntax directly. Whatever
text the fast path accepts must convert to the same bytes through Python-Markdown
(a fresh converter with the site's extensions); hypothesis searches for a
counterexample among texts built from every ASCII character and some Unicode
that Markdown or Python treat specially.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archivesite.markup import make_markdown, plain_paragraphs, render_markdown


def python_markdown(text: str) -> str:
    html: str = make_markdown().convert(text)
    return html


SPECIAL_UNICODE = "é—“”’…\xa0\u2028\u2029\u3000\u200b\x85\x0c\ufeffЖ中😀«»"
ALPHABET = st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from(
    list("\n\n\n\t" + SPECIAL_UNICODE)
)
WORD = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=8)
LINE = st.lists(WORD | st.sampled_from(list(SPECIAL_UNICODE)), min_size=1, max_size=8).map(" ".join)
PARAGRAPH = st.lists(LINE, min_size=1, max_size=3).map("\n".join)
SEPARATOR = st.sampled_from(["\n\n", "\n\n\n", "\n \n", "\n\t\n", "\n"])


@st.composite
def bodies(draw: st.DrawFn) -> str:
    paragraphs = draw(st.lists(PARAGRAPH, min_size=1, max_size=4))
    text = paragraphs[0]
    for p in paragraphs[1:]:
        text += draw(SEPARATOR) + p
    return draw(st.sampled_from(["", "\n", " "])) + text + draw(st.sampled_from(["", "\n", "  "]))


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, max_size=80) | bodies())
@example('MOSCOW, January 11. /TASS/. The talks ended.\n\nA second paragraph, "quoted".')
@example("")
@example("\n\nLeading blank lines.\n\n\n")
@example("1986. A year.")
@example("Title\n=====")
@example("Item\n- one")
@example("Term\n: definition")
@example("A line  \nwith a hard break")
@example("\xa0indented by a no-break space")
@example("a\u2028b")
def test_fast_path_is_python_markdown(text: str) -> None:
    fast = plain_paragraphs(text)
    if fast is not None:
        assert fast == python_markdown(text)
    assert render_markdown(text) == python_markdown(text)


def test_wire_copy_takes_the_fast_path() -> None:
    body = (
        "BRUSSELS, March 23. /TASS/. Economists discussed the budget plan, the director "
        'general said on Saturday. "It was too early," Anna Novak said (in Brussels).\n\n'
        "Prices rose 3.5% to $1,200 a tonne; analysts expect more - or less - next year."
    )
    assert plain_paragraphs(body) == python_markdown(body)
    assert plain_paragraphs("Some *emphasis*.") is None
    assert plain_paragraphs("Fish & chips") is None


def test_the_fast_path_can_be_turned_off() -> None:
    code = (
        "import archivesite.markup as m, unittest.mock as u\n"
        "with u.patch.object(m, 'plain_paragraphs', side_effect=AssertionError):\n"
        "    print(m.render_markdown('Plain text.'))\n"
    )
    env = {"ARCHIVESITE_MARKDOWN": "always", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout == "<p>Plain text.</p>\n"


def test_raw_html_is_kept_by_default_and_escaped_where_the_site_says_so(
    make_site: Callable[..., Path], article_md: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from archivesite import markup
    from archivesite.cli import cli

    # The build sets the mode for its process: the tests after this one get theirs back.
    monkeypatch.setattr(markup, "_raw_html", ["keep"])

    body = (
        'Hello <script>alert(1)</script> <img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3)) [data](DATA:text/html,x) [fine](https://example.org/)\n"
    )
    files = {"2021/03/01/a.md": article_md("Raw", body, date="2021-03-01", slug="raw")}
    site = make_site(files, config='title = "T"\nsearch = false\n')
    assert CliRunner().invoke(cli, ["build", "--site", str(site)]).exit_code == 0
    page = (site / "build/2021/03/01/raw/index.html").read_text()
    assert "<script>alert(1)</script>" in page

    (site / "archivesite.toml").write_text(
        'title = "T"\nsearch = false\n[markdown]\nraw_html = "escape"\n'
    )
    assert CliRunner().invoke(cli, ["build", "--site", str(site)]).exit_code == 0
    page = (site / "build/2021/03/01/raw/index.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror" in page
    assert "javascript:" not in page and "DATA:" not in page
    assert 'href="https://example.org/"' in page


def test_raw_html_takes_keep_or_escape(make_site: Callable[..., Path]) -> None:
    from click.testing import CliRunner

    from archivesite.cli import cli

    site = make_site({}, config='[markdown]\nraw_html = "strip"\n')
    result = CliRunner().invoke(cli, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert "archivesite.toml:2: bad value for 'markdown.raw_html'" in result.output
