"""The static-host rules of `hosting`: Range parsing, If-Range, Accept-Encoding and the
choice of representation, as tables."""

from __future__ import annotations

import gzip

import pytest

from archivesite.hosting import (
    Compress,
    FileFacts,
    Unsatisfiable,
    accepted_codings,
    choose_representation,
    entity_tag,
    etag_matches,
    gzip_bytes,
    http_date,
    if_range_holds,
    parse_range,
    reply_for,
)

U = Unsatisfiable.RANGE


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-9", 100, [(0, 9)]),
        ("bytes=90-", 100, [(90, 99)]),
        ("bytes=-10", 100, [(90, 99)]),
        ("bytes=-1000", 100, [(0, 99)]),  # a suffix longer than the file: all of it
        ("bytes=50-1000", 100, [(50, 99)]),  # the end is clipped
        ("bytes=99-99", 100, [(99, 99)]),
        ("bytes=100-", 100, U),
        ("bytes=100-200", 100, U),
        ("bytes=-0", 100, U),
        ("bytes=0-0", 0, U),  # an empty file has no byte 0
        ("bytes=0-1,5-9", 100, [(0, 1), (5, 9)]),
        ("bytes=5-9, 0-1", 100, [(0, 1), (5, 9)]),  # sorted
        ("bytes=0-4,3-9", 100, [(0, 9)]),  # overlapping: merged
        ("bytes=0-4,5-9", 100, [(0, 9)]),  # adjacent: merged
        ("bytes=0-1,200-300", 100, [(0, 1)]),  # the unsatisfiable one is dropped
        ("BYTES = 0-9", 100, [(0, 9)]),
        ("bytes=0-9,", 100, [(0, 9)]),  # an empty list element
        # ignored (None): the whole file is sent with 200
        ("bytes=9-0", 100, None),
        ("bytes=a-b", 100, None),
        ("bytes=-", 100, None),
        ("bytes=", 100, None),
        ("items=0-9", 100, None),
        ("0-9", 100, None),
        ("bytes=" + ",".join(["0-1"] * 101), 100, None),
    ],
)
def test_parse_range(header: str, size: int, expected: object) -> None:
    assert parse_range(header, size) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, set()),
        ("", set()),
        ("gzip, deflate, br", {"gzip", "deflate", "br"}),
        ("gzip;q=0, br", {"br"}),
        ("GZIP;Q=0.5", {"gzip"}),
        ("*", {"gzip", "br"}),
        ("*, br;q=0", {"gzip"}),
        ("identity", {"identity"}),
        ("x-gzip", {"x-gzip", "gzip"}),
    ],
)
def test_accepted_codings(header: str | None, expected: set[str]) -> None:
    assert accepted_codings(header) == expected


def test_if_range() -> None:
    tag = '"abc-10"'
    date = http_date(1_700_000_000 * 10**9)
    assert if_range_holds(None, tag, date)
    assert if_range_holds('"abc-10"', tag, date)
    assert not if_range_holds('"other"', tag, date)
    assert not if_range_holds('W/"abc-10"', tag, date)  # weak never matches
    assert not if_range_holds('"abc-10"', "W/" + tag, date)
    assert if_range_holds(date, tag, date)
    assert not if_range_holds(http_date(1_600_000_000 * 10**9), tag, date)
    assert not if_range_holds("not a date", tag, date)


def test_choose_representation() -> None:
    none = lambda suffix: False  # noqa: E731
    both = lambda suffix: True  # noqa: E731
    only_gz = lambda suffix: suffix == ".gz"  # noqa: E731
    css = "text/css; charset=utf-8"
    off = choose_representation(Compress.OFF, css, 10_000, "gzip, br", both)
    assert off.coding is None and not off.varies
    pre = choose_representation(Compress.PRECOMPRESSED, css, 10_000, "gzip, br", both)
    assert (pre.suffix, pre.coding, pre.varies) == (".br", "br", True)
    pre = choose_representation(Compress.PRECOMPRESSED, css, 10_000, "gzip", both)
    assert (pre.suffix, pre.coding) == (".gz", "gzip")
    pre = choose_representation(Compress.PRECOMPRESSED, css, 10_000, "br", only_gz)
    assert (pre.suffix, pre.coding, pre.varies) == ("", None, True)
    pre = choose_representation(Compress.PRECOMPRESSED, css, 10_000, "gzip", none)
    assert (pre.coding, pre.varies) == (None, False)
    fly = choose_representation(Compress.GZIP, css, 10_000, "gzip", none)
    assert fly.on_the_fly and fly.coding == "gzip" and fly.varies
    assert not choose_representation(Compress.GZIP, css, 10, "gzip", none).on_the_fly  # tiny
    binary = choose_representation(Compress.GZIP, "application/octet-stream", 10**6, "gzip", none)
    assert binary.coding is None and not binary.varies  # compressed formats are left alone
    refused = choose_representation(Compress.GZIP, css, 10_000, "br", none)
    assert refused.coding is None and refused.varies


def test_reply_multipart_body() -> None:
    body = bytes(range(100))
    facts = FileFacts(100, 10**18)
    reply = reply_for(
        "GET",
        {"range": "bytes=0-1,10-11"},
        size=100,
        content_type="application/octet-stream",
        etag=entity_tag(facts),
        last_modified=http_date(facts.mtime_ns),
    )
    assert reply.status == 206
    headers = dict(reply.headers)
    assert headers["Content-Type"].startswith("multipart/byteranges; boundary=")
    sent = b"".join(c if isinstance(c, bytes) else body[c[0] : c[1] + 1] for c in reply.chunks)
    assert int(headers["Content-Length"]) == len(sent) == reply.length
    assert b"Content-Range: bytes 0-1/100\r\n\r\n\x00\x01" in sent
    assert b"Content-Range: bytes 10-11/100\r\n\r\n\x0a\x0b" in sent


def test_gzip_bytes_are_repeatable() -> None:
    data = b"archive " * 100
    assert gzip_bytes(data) == gzip_bytes(data)
    assert gzip.decompress(gzip_bytes(data)) == data


def test_if_none_match() -> None:
    assert etag_matches('"a"', '"a"') and etag_matches('W/"a"', '"a"')
    assert etag_matches('"b", "a"', 'W/"a"') and etag_matches("*", '"a"')
    assert not etag_matches('"b"', '"a"') and not etag_matches(None, '"a"')
    reply = reply_for(
        "GET",
        {"if-none-match": '"a"', "range": "bytes=0-1"},
        size=10,
        content_type="text/plain",
        etag='"a"',
        last_modified=http_date(0),
    )
    assert reply.status == 304 and reply.chunks == () and ("ETag", '"a"') in reply.headers
