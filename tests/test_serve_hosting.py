"""`archivesite serve` answers like a static host: byte ranges (RFC 9110) and
`--compress gzip|precompressed|off`, checked with raw requests (http.client) to a real
`archivesite serve` process."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import ServeProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

DATA = bytes(range(256)) * 40  # 10,240 bytes, not compressible as a type
TEXT = ("A line of wire copy about Kidal, repeated to be worth compressing.\n" * 200).encode()


def make_site(root: Path) -> Path:
    (root / "content/2022/01/11").mkdir(parents=True)
    (root / "archivesite.toml").write_text('title = "Host test"\nsearch = false\n')
    (root / "content/2022/01/11/story.md").write_text(
        "---\ntitle: Story\ndate: 2022-01-11\n---\nKIDAL, Jan 11 (AP) — Something happened.\n"
    )
    static = root / "static"
    static.mkdir()
    (static / "data.bin").write_bytes(DATA)
    (static / "notes.txt").write_bytes(TEXT)
    (static / "index.json").write_bytes(TEXT)
    (static / "index.json.gz").write_bytes(gzip.compress(TEXT, mtime=0))
    (static / "empty.bin").write_bytes(b"")
    page = b"<!DOCTYPE html><html><body><p>A static page.</p>%s</body></html>" % (b"<p>.</p>" * 100)
    (static / "extra.html").write_bytes(page)
    (static / "extra.html.gz").write_bytes(gzip.compress(page, mtime=0))
    return root


@pytest.fixture(scope="module", params=["off", "gzip", "precompressed"])
def serve(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, ServeProcess]]:
    site = make_site(tmp_path_factory.mktemp("site"))
    mode = str(request.param)
    proc = ServeProcess(site, "--compress", mode)
    try:
        yield mode, proc
    finally:
        assert proc.stop() == 0, "".join(proc.log)


def fetch(
    proc: ServeProcess, path: str, method: str = "GET", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=30)
    try:
        conn.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_ranges(serve: tuple[str, ServeProcess]) -> None:
    _, proc = serve
    status, h, body = fetch(proc, "/data.bin")
    assert (status, body) == (200, DATA)
    assert h["accept-ranges"] == "bytes" and h["content-length"] == str(len(DATA))
    etag, modified = h["etag"], h["last-modified"]

    # single range
    status, h, body = fetch(proc, "/data.bin", Range="bytes=10-19")
    assert status == 206 and body == DATA[10:20]
    assert h["content-range"] == f"bytes 10-19/{len(DATA)}" and h["content-length"] == "10"
    # suffix range: the last 100 bytes
    status, h, body = fetch(proc, "/data.bin", Range="bytes=-100")
    assert status == 206 and body == DATA[-100:]
    assert h["content-range"] == f"bytes {len(DATA) - 100}-{len(DATA) - 1}/{len(DATA)}"
    # open-ended
    status, h, body = fetch(proc, "/data.bin", Range="bytes=10000-")
    assert status == 206 and body == DATA[10000:]
    assert h["content-range"] == f"bytes 10000-{len(DATA) - 1}/{len(DATA)}"
    # past the end: clipped
    status, h, body = fetch(proc, "/data.bin", Range="bytes=10200-99999")
    assert status == 206 and body == DATA[10200:]
    # unsatisfiable
    status, h, body = fetch(proc, "/data.bin", Range=f"bytes={len(DATA)}-")
    assert status == 416 and h["content-range"] == f"bytes */{len(DATA)}" and body == b""
    status, h, _ = fetch(proc, "/empty.bin", Range="bytes=0-0")
    assert status == 416 and h["content-range"] == "bytes */0"
    # malformed or another unit: ignored, the whole file
    for bad in ("bytes=20-10", "bytes=x-y", "lines=1-2"):
        status, _, body = fetch(proc, "/data.bin", Range=bad)
        assert (status, body) == (200, DATA), bad
    # HEAD: headers of the whole file, no body, the range ignored (only GET has ranges)
    status, h, body = fetch(proc, "/data.bin", "HEAD", Range="bytes=0-9")
    assert status == 200 and body == b"" and h["content-length"] == str(len(DATA))
    assert h["accept-ranges"] == "bytes"
    # If-Range: the current ETag or date honours the range; an old one gets the whole file
    status, _, body = fetch(proc, "/data.bin", Range="bytes=0-9", If_Range=etag)
    assert (status, body) == (206, DATA[:10])
    status, _, body = fetch(proc, "/data.bin", Range="bytes=0-9", If_Range=modified)
    assert (status, body) == (206, DATA[:10])
    status, _, body = fetch(proc, "/data.bin", Range="bytes=0-9", If_Range='"stale"')
    assert (status, body) == (200, DATA)
    # several ranges: multipart/byteranges, each part with its own Content-Range
    status, h, body = fetch(proc, "/data.bin", Range="bytes=0-3,100-103")
    assert status == 206 and int(h["content-length"]) == len(body)
    m = re.fullmatch(r"multipart/byteranges; boundary=(\S+)", h["content-type"])
    assert m
    parts = body.split(b"--" + m.group(1).encode())
    assert parts[-1] == b"--\r\n" and len(parts) == 4
    assert parts[1].endswith(b"bytes 0-3/10240\r\n\r\n" + DATA[0:4] + b"\r\n")
    assert parts[2].endswith(b"bytes 100-103/10240\r\n\r\n" + DATA[100:104] + b"\r\n")


def test_html_pages_take_ranges_too(serve: tuple[str, ServeProcess]) -> None:
    _, proc = serve
    status, _, page = fetch(proc, "/2022/01/11/story/")
    assert status == 200 and b"Something happened" in page
    status, h, body = fetch(proc, "/2022/01/11/story/", Range="bytes=0-14")
    assert status == 206 and body == page[:15]
    assert h["content-range"] == f"bytes 0-14/{len(page)}"


def test_compression(serve: tuple[str, ServeProcess]) -> None:
    mode, proc = serve
    gz = gzip.compress(TEXT, mtime=0)
    status, h, body = fetch(proc, "/notes.txt", Accept_Encoding="gzip, br")
    assert status == 200
    if mode == "gzip":  # text is compressed on the fly, as nginx's `gzip on` does
        assert h["content-encoding"] == "gzip" and h["vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == TEXT and int(h["content-length"]) == len(body)
        assert "accept-ranges" not in h and h["etag"].startswith("W/")
        # the length is not known ahead: a range gets the whole compressed body
        status, h, ranged = fetch(proc, "/notes.txt", Accept_Encoding="gzip", Range="bytes=0-9")
        assert status == 200 and ranged == body
    else:
        assert body == TEXT and "content-encoding" not in h and "vary" not in h
    # a client that does not accept gzip always gets the plain bytes, ranges included
    status, h, body = fetch(proc, "/notes.txt", Range="bytes=0-9")
    assert (status, body) == (206, TEXT[:10]) and "content-encoding" not in h
    # binary types are never compressed on the fly
    status, h, body = fetch(proc, "/data.bin", Accept_Encoding="gzip")
    assert body == DATA and "content-encoding" not in h

    # index.json has index.json.gz stored next to it
    status, h, body = fetch(proc, "/index.json", Accept_Encoding="gzip")
    assert status == 200 and h["content-type"] == "application/json"
    if mode == "precompressed":
        assert body == gz and h["content-encoding"] == "gzip" and h["vary"] == "Accept-Encoding"
        assert h["accept-ranges"] == "bytes"
        # ranges apply to the stored compressed bytes (nginx gzip_static)
        status, h, part = fetch(proc, "/index.json", Accept_Encoding="gzip", Range="bytes=0-9")
        assert status == 206 and part == gz[:10] and h["content-range"] == f"bytes 0-9/{len(gz)}"
        assert h["content-encoding"] == "gzip"
        # without gzip in Accept-Encoding: the plain file, still varying
        status, h, body = fetch(proc, "/index.json", Accept_Encoding="br")
        assert body == TEXT and "content-encoding" not in h and h["vary"] == "Accept-Encoding"
        # the ETag differs between the two, so If-Range never mixes them
        _, plain, _ = fetch(proc, "/index.json")
        _, packed, _ = fetch(proc, "/index.json", Accept_Encoding="gzip")
        assert plain["etag"] != packed["etag"]
    elif mode == "gzip":
        assert gzip.decompress(body) == TEXT and h["content-encoding"] == "gzip"
    else:
        assert body == TEXT and "content-encoding" not in h
    # the stored .gz itself is a file like any other
    status, h, body = fetch(proc, "/index.json.gz")
    assert status == 200 and body == gz


def test_pages_keep_the_reload_script_when_compressed(serve: tuple[str, ServeProcess]) -> None:
    mode, proc = serve
    status, h, body = fetch(proc, "/2022/01/11/story/", Accept_Encoding="gzip")
    assert status == 200
    if mode == "gzip":
        assert h["content-encoding"] == "gzip"
        body = gzip.decompress(body)
    else:
        assert "content-encoding" not in h
    assert b"/__archivesite__/livereload.js" in body and b"Something happened" in body
    # a page with a stored .gz next to it: the stored copy lacks the script, so the page
    # is compressed as sent
    status, h, body = fetch(proc, "/extra.html", Accept_Encoding="gzip")
    if mode == "off":
        assert "content-encoding" not in h
    else:
        assert h["content-encoding"] == "gzip" and h["vary"] == "Accept-Encoding"
        body = gzip.decompress(body)
    assert b"/__archivesite__/livereload.js" in body and b"A static page." in body


def test_revalidation(serve: tuple[str, ServeProcess]) -> None:
    _, proc = serve
    _, h, _ = fetch(proc, "/data.bin")
    status, h2, body = fetch(proc, "/data.bin", If_None_Match=h["etag"])
    assert (status, body) == (304, b"") and h2["etag"] == h["etag"]
    status, _, body = fetch(proc, "/data.bin", If_None_Match='"other"')
    assert (status, body) == (200, DATA)
