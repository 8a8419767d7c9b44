"""Whatever bytes the ANPA, feed and HTML page readers are given (noise, or a fixture
cut, spliced and salted with control characters and markup), they yield articles,
left-out notes or errors naming the file: never a traceback, never a hang. And a
mutated file imported through the CLI gives records or a per-file error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivesite.errors import ArchiveError
from archivesite.ingest import stated_meta, story_to_markdown
from archivesite.readers import LeftOut, ReadOptions, Record, anpa, feeds, htmlpage, reader_for
from archivesite.readers.base import Source
from fuzzing import mutated
from importing import FIXTURES, cli_run, make_site

SAMPLES = sorted(
    path for folder in ("anpa", "feeds", "html") for path in (FIXTURES / folder).iterdir()
)
WEB_READERS = (anpa.READER, feeds.READER, htmlpage.READER)
SALT = [
    b"\x01", b"\x02", b"\x03", b"\x04", b"\x16\x16\x01", b"\x1f", b"\t", b"^", b"<",
    b"AP-WF-13-45-99 9999GMT", b"AP-WF-02-29-23 2460EST", b"<p>", b"</p>", b"&nbsp;",
    b"&unknown;", b"&#0;", b"<![CDATA[", b"]]>", b"<!ENTITY x 'y'>", b"<!DOCTYPE rss [",
    b"]>", b"<script>", b"<!--", b"-->", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"<entry>",
    b"<item>", b'<script type="application/ld+json">{"@type": "NewsArticle", "author": [',
    b'"datePublished": "9999-99-99T99:99"', b"<pubDate>Mon, 99 Foo 2026</pubDate>",
]  # fmt: skip

pytestmark = pytest.mark.timeout(600)


def read_all(data: bytes) -> None:
    source = Source("seeds/fuzz", "seeds/fuzz", "fuzz")
    reader_for(data[:4096], "fuzz")  # the sniff never fails either
    for reader in WEB_READERS:
        for item in reader.read(io.BytesIO(data), source, ReadOptions()):
            assert isinstance(item, Record | LeftOut | ArchiveError)
            if isinstance(item, ArchiveError):
                assert item.path is not None and "fuzz" in str(item.path)
            if isinstance(item, Record):
                story_to_markdown(
                    item.story,
                    title=item.story.title or "untitled",
                    date=item.date,
                    date_source="header",
                    language=item.language,
                    source_file="seeds/fuzz",
                    source_sha256="0" * 64,
                    tags=item.tags,
                    stated=stated_meta(item),
                )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_give_items_not_tracebacks(data: bytes) -> None:
    read_all(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(SAMPLES, SALT))
def test_mutated_fixtures_give_items_not_tracebacks(data: bytes) -> None:
    read_all(data)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_a_cut_file_imports_as_records_or_an_error_naming_it(tmp_path: Path, sample: Path) -> None:
    site = make_site(tmp_path)
    data = sample.read_bytes()
    (site / "seeds" / sample.name).write_bytes(data[: len(data) * 2 // 3])
    (site / "seeds" / "whole.txt").write_text("PARIS, May 2 (AFP) - A story.\n", encoding="utf-8")
    result = cli_run("import", "--site", str(site))
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert f"{sample.name}:" in result.output
    assert any((site / "content").rglob("*.md"))  # the other file is imported all the same
