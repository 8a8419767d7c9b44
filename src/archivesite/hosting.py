"""What a static host does with a request for a file: ranges, compression, validators.

Pure functions over header values and file facts (no sockets, no file reads), so the
preview server answers the way nginx and the common static hosts do, and byte counts
measured through it match a real deployment:

* **Ranges** (RFC 9110 §14): ``Accept-Ranges: bytes``; one satisfiable range gets
  ``206`` with ``Content-Range``; several get ``206 multipart/byteranges``
  (overlapping or adjacent ones merged first); none satisfiable gets ``416`` with
  ``Content-Range: bytes */size``. A malformed header, another unit, a ``HEAD``
  request, or an ``If-Range`` validator that does not match (strong comparison)
  means the range is ignored and the whole file is sent with ``200``. Every file
  has an ``ETag`` and ``Last-Modified``; a matching ``If-None-Match`` gets ``304``.
* **Compression** (:class:`Compress`): ``off`` sends every file as it is;
  ``precompressed`` sends ``x.br`` or ``x.gz`` stored next to ``x`` when the client
  accepts that coding (nginx ``gzip_static``/``brotli_static``, Netlify, Cloudflare
  Pages), and ranges apply to the compressed bytes; ``gzip`` compresses text types
  on the fly (nginx ``gzip on``), where the length is not known ahead, so ranges
  are ignored (``200``, no ``Accept-Ranges``) and the ETag is weak. Every response
  whose coding depends on ``Accept-Encoding`` carries ``Vary: Accept-Encoding``.
"""

from __future__ import annotations

import enum
import gzip
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

#: Bytes below which on-the-fly compression is not worth a header (nginx: gzip_min_length).
MIN_COMPRESS = 256
#: More ranges than this in one request are treated as abuse: the whole file is sent.
MAX_RANGES = 100

#: Media types compressed on the fly (what nginx configs and CDNs list: text, not
#: formats that are compressed already, such as images and fonts).
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/javascript",
    "application/wasm",
    "image/svg+xml",
)

#: Stored codings ``precompressed`` looks for, best first: (coding, file suffix).
STORED_CODINGS = (("br", ".br"), ("gzip", ".gz"))


class Compress(enum.Enum):
    """How the server encodes responses (``--compress``)."""

    OFF = "off"
    GZIP = "gzip"
    PRECOMPRESSED = "precompressed"


@dataclass(frozen=True)
class FileFacts:
    """What the server knows about one stored representation before reading it."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Choice:
    """The representation to send: ``suffix`` names the stored sibling (``""``: the file
    itself); ``coding`` is its Content-Encoding; ``on_the_fly`` means gzip it now."""

    suffix: str = ""
    coding: str | None = None
    on_the_fly: bool = False
    varies: bool = False


def accepted_codings(header: str | None) -> frozenset[str]:
    """The content codings an ``Accept-Encoding`` value allows (``q=0`` refuses one;
    ``*`` allows the codings not named)."""
    if not header:
        return frozenset()
    named: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        m = re.search(r"(?i)\bq\s*=\s*([0-9.]+)", params)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        named[name] = q
    allowed = {name for name, q in named.items() if q > 0 and name != "*"}
    if named.get("*", 0) > 0:
        allowed |= {c for c, _ in STORED_CODINGS if c not in named}
    if "x-gzip" in allowed:
        allowed.add("gzip")
    return frozenset(allowed)


def compressible(content_type: str) -> bool:
    return content_type.lower().startswith(COMPRESSIBLE)


def choose_representation(
    mode: Compress,
    content_type: str,
    size: int,
    accept_encoding: str | None,
    has_sibling: Callable[[str], bool],
) -> Choice:
    """Which bytes answer a request for a file, as a host in ``mode`` would pick them.

    ``has_sibling(".gz")`` says whether that precompressed file is stored next to it.
    """
    accepted = accepted_codings(accept_encoding)
    if mode is Compress.PRECOMPRESSED:
        stored = [(c, s) for c, s in STORED_CODINGS if has_sibling(s)]
        for coding, suffix in stored:
            if coding in accepted:
                return Choice(suffix, coding, varies=True)
        return Choice(varies=bool(stored))
    if mode is Compress.GZIP and compressible(content_type) and size >= MIN_COMPRESS:
        if "gzip" in accepted:
            return Choice(coding="gzip", on_the_fly=True, varies=True)
        return Choice(varies=True)
    return Choice()


def gzip_bytes(data: bytes) -> bytes:
    """On-the-fly gzip as a host does it (level 6; no name or time in the header)."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def entity_tag(facts: FileFacts, coding: str | None = None) -> str:
    """A strong ETag from size and mtime (as nginx makes them), per coding."""
    tag = f"{facts.mtime_ns // 1_000_000_000:x}-{facts.size:x}"
    return f'"{tag}-{coding}"' if coding else f'"{tag}"'


def content_tag(body: bytes) -> str:
    """A strong ETag for bytes made in memory."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def http_date(mtime_ns: int) -> str:
    return formatdate(mtime_ns / 1e9, usegmt=True)


# --- ranges ------------------------------------------------------------------


class Unsatisfiable(enum.Enum):
    """No range in a valid ``Range`` header overlaps the representation."""

    RANGE = "unsatisfiable"


#: ``(first, last)`` byte positions, inclusive, as in ``Content-Range``.
ByteRange = tuple[int, int]

_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


def parse_range(header: str, size: int) -> list[ByteRange] | Unsatisfiable | None:
    """The byte ranges a ``Range`` value asks of ``size`` bytes, merged and in order.

    ``None``: ignore the header (malformed, not bytes, too many ranges); the whole
    representation is sent. :data:`Unsatisfiable.RANGE`: valid, but nothing overlaps.
    """
    unit, eq, specs = header.partition("=")
    if not eq or unit.strip().lower() != "bytes":
        return None
    items = specs.split(",")
    if len(items) > MAX_RANGES:
        return None
    ranges: list[ByteRange] = []
    for item in items:
        if not item.strip():
            continue  # RFC 9110 allows empty list elements
        m = _SPEC.match(item)
        if not m or not (m.group(1) or m.group(2)):
            return None
        first, last = m.group(1), m.group(2)
        if first:
            start = int(first)
            end = int(last) if last else size - 1
            if last and end < start:
                return None
            if start >= size:
                continue
            ranges.append((start, min(end, size - 1)))
        else:
            suffix = int(last)
            if suffix == 0 or size == 0:
                continue
            ranges.append((max(0, size - suffix), size - 1))
    if not ranges:
        return Unsatisfiable.RANGE if any(s.strip() for s in items) else None
    return _merge(ranges)


def _merge(ranges: list[ByteRange]) -> list[ByteRange]:
    merged: list[ByteRange] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def if_range_holds(if_range: str | None, etag: str, last_modified: str) -> bool:
    """Whether the ``Range`` may be honoured under ``If-Range`` (absent: yes).

    An entity tag must match strongly (a weak tag never does); a date must equal the
    ``Last-Modified`` sent.
    """
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return not value.startswith("W/") and not etag.startswith("W/") and value == etag
    try:
        return parsedate_to_datetime(value) == parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, ``*`` matches any)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == bare for t in if_none_match.split(","))


# --- the reply -----------------------------------------------------------------


#: A piece of the body: literal bytes, or an inclusive byte range of the representation.
Chunk = bytes | ByteRange


@dataclass(frozen=True)
class Reply:
    """Status, headers and the body as chunks (no body is sent for ``HEAD``)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    chunks: tuple[Chunk, ...]

    @property
    def length(self) -> int:
        return sum(len(c) if isinstance(c, bytes) else c[1] - c[0] + 1 for c in self.chunks)


def reply_for(
    method: str,
    request: Mapping[str, str],
    *,
    size: int,
    content_type: str,
    etag: str,
    last_modified: str,
    coding: str | None = None,
    varies: bool = False,
    ranges_allowed: bool = True,
) -> Reply:
    """The response to ``method`` (GET or HEAD) for a representation of ``size`` bytes.

    ``request`` maps lower-case header names to values. The caller adds its own
    headers (Cache-Control) and sends ``chunks``.
    """
    common: list[tuple[str, str]] = [("ETag", etag), ("Last-Modified", last_modified)]
    if coding:
        common.append(("Content-Encoding", coding))
    if varies:
        common.append(("Vary", "Accept-Encoding"))
    if ranges_allowed:
        common.append(("Accept-Ranges", "bytes"))
    if etag_matches(request.get("if-none-match"), etag):
        return Reply(304, tuple(h for h in common if h[0] != "Accept-Ranges"), ())
    asked = request.get("range")
    ranges: list[ByteRange] | Unsatisfiable | None = None
    if (
        asked is not None
        and ranges_allowed
        and method == "GET"
        and if_range_holds(request.get("if-range"), etag, last_modified)
    ):
        ranges = parse_range(asked, size)
    if ranges is Unsatisfiable.RANGE:
        headers = [("Content-Range", f"bytes */{size}"), ("Content-Length", "0"), *common]
        return Reply(416, (("Content-Type", content_type), *headers), ())
    if not ranges:
        whole: tuple[Chunk, ...] = ((0, size - 1),) if size else ()
        return Reply(
            200,
            (("Content-Type", content_type), ("Content-Length", str(size)), *common),
            whole,
        )
    if len(ranges) == 1:
        start, end = ranges[0]
        return Reply(
            206,
            (
                ("Content-Type", content_type),
                ("Content-Range", f"bytes {start}-{end}/{size}"),
                ("Content-Length", str(end - start + 1)),
                *common,
            ),
            ((start, end),),
        )
    # The parts' separator must not occur in the data: a digest of the ETag will not.
    boundary = hashlib.sha256(etag.encode()).hexdigest()[:32]
    chunks: list[Chunk] = []
    for start, end in ranges:
        chunks.append(
            (
                f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Range: bytes {start}-{end}/{size}\r\n\r\n"
            ).encode("latin-1")
        )
        chunks.append((start, end))
    chunks.append(f"\r\n--{boundary}--\r\n".encode("latin-1"))
    body_length = sum(len(c) if isinstance(c, bytes) else c[1] - c[0] + 1 for c in chunks)
    return Reply(
        206,
        (
            ("Content-Type", f"multipart/byteranges; boundary={boundary}"),
            ("Content-Length", str(body_length)),
            *common,
        ),
        tuple(chunks),
    )
