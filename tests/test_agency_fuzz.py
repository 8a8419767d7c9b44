"""Whatever bytes the agency XML readers are given (noise, or a fixture cut, spliced
and salted with markup), they yield articles, left-out notes or errors: never a
traceback, never a hang."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivesite.errors import ArchiveError
from archivesite.ingest import story_to_markdown
from archivesite.readers import LeftOut, ReadOptions, Record, newsml, newsmlg2, nitf, reader_for
from archivesite.readers.base import Source
from fuzzing import mutated

FIXTURES = sorted((Path(__file__).resolve().parent / "fixtures" / "agency").glob("*.xml"))
AGENCY_READERS = (nitf.READER, newsmlg2.READER, newsml.READER)
SALT = [
    b"<p>", b"</p>", b"&nbsp;", b"&unknown;", b"&#0;", b"&#xD800;", b"<![CDATA[", b"]]>",
    b"<!ENTITY x 'y'>", b"<!DOCTYPE nitf [", b"]>", b"<script>", b"<?pi x?>", b"<!--",
    b"-->", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'xml:lang="', b"<nitf>", b"<newsItem>",
    b"<NewsML>", b"<inlineData encoding=\"base64\">", b"=\xe9\x80", b"T25:99:99+99:99",
]  # fmt: skip

pytestmark = pytest.mark.timeout(300)


def read_all(data: bytes) -> None:
    source = Source("seeds/fuzz.xml", "seeds/fuzz.xml", "fuzz.xml")
    reader_for(data[:4096], "fuzz.xml")  # the sniff never fails either
    for reader in AGENCY_READERS:
        for item in reader.read(io.BytesIO(data), source, ReadOptions()):
            assert isinstance(item, Record | LeftOut | ArchiveError)
            if isinstance(item, Record):
                story_to_markdown(
                    item.story,
                    title=item.story.title or "untitled",
                    date=item.date,
                    date_source="header",
                    language=item.language,
                    source_file="seeds/fuzz.xml",
                    source_sha256="0" * 64,
                    tags=item.tags,
                )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_give_items_not_tracebacks(data: bytes) -> None:
    read_all(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(FIXTURES, SALT))
def test_mutated_fixtures_give_items_not_tracebacks(data: bytes) -> None:
    read_all(data)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_reads_as_articles(fixture: Path) -> None:
    reader = reader_for(fixture.read_bytes()[:4096], fixture.name)
    assert reader in AGENCY_READERS
    source = Source(str(fixture), fixture.name, fixture.name)
    items = list(reader.read(io.BytesIO(fixture.read_bytes()), source, ReadOptions()))
    assert any(isinstance(item, Record) for item in items)
    assert not any(isinstance(item, ArchiveError) for item in items)
