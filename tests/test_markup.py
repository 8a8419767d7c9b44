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
