"""The import manifest ``content/.archivesite-import.json``, read and written streamed.

:func:`read_entries` yields the manifest's entries (content path, record) one at a
time from the file, whatever its whitespace, and :func:`save_manifest` writes entries
given in path order as the JSON text ``json.dumps(doc, indent=1, sort_keys=True,
ensure_ascii=False)`` makes, byte for byte, without the whole document ever being in
memory: a manifest of a large collection holds a few hundred bytes per record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import ArchiveError
from .files import write_atomic_with

MANIFEST_VERSION = 1
Entry = tuple[str, dict[str, Any]]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_ENCODER = json.JSONEncoder(indent=1, sort_keys=True, ensure_ascii=False)
_BLOCK = 1 << 16


class _Stream:
    """JSON values read one at a time from a text file (each value must fit in memory,
    the document need not)."""

    def __init__(self, f: TextIO) -> None:
        self._f = f
        self._buf = ""
        self._pos = 0
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._f.read(_BLOCK)
        if not chunk:
            self._eof = True
            return False
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end)."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise ValueError(f"expected {char!r}, found {found or 'the end'!r}")
        self._pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            if end >= len(self._buf) and self._fill():  # a number may go on
                continue
            self._pos = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here, each left before its value."""
        self.expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise ValueError("an object key that is not a string")
            self.expect(":")
            yield key
            if self.peek() == ",":
                self._pos += 1
                continue
            self.expect("}")
            return


def read_entries(path: Path) -> Iterator[Entry]:
    """The manifest's entries in file order (none where there is no manifest);
    :class:`ArchiveError` naming the file where it cannot be read (after the
    entries read so far)."""
    if not path.exists():
        return
    try:
        with path.open(encoding="utf-8") as f:
            stream = _Stream(f)
            version: object = None
            seen_files = False
            for key in stream.members():
                if key == "files":
                    seen_files = True
                    for name in stream.members():
                        record = stream.value()
                        if not isinstance(record, dict):
                            raise ValueError(f"the entry of {name!r} is not an object")
                        yield name, record
                else:
                    value = stream.value()
                    if key == "version":
                        version = value
            if stream.peek():
                raise ValueError("more after the manifest's end")
            if version != MANIFEST_VERSION or not seen_files:
                raise ValueError("unknown version")
    except (OSError, ValueError) as exc:
        raise ArchiveError(
            f"unreadable import manifest ({exc}); move it away to import "
            "anyway (every differing content file then counts as edited)",
            path,
        ) from exc


def manifest_chunks(entries: Iterable[Entry]) -> Iterator[bytes]:
    """The manifest's JSON text for ``entries`` (sorted by path), a piece at a time."""
    yield b'{\n "files": {'
    first = True
    for name, record in entries:
        body = _ENCODER.encode(record).replace("\n", "\n  ")
        lead = "\n  " if first else ",\n  "
        yield f"{lead}{_ENCODER.encode(name)}: {body}".encode()
        first = False
    yield b'},\n "version": 1\n}\n' if first else b'\n },\n "version": 1\n}\n'


def _file_sha(path: Path) -> str | None:
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_manifest(path: Path, entries: Callable[[], Iterable[Entry]]) -> None:
    """Write the manifest of ``entries()`` (called once or twice; in path order) where
    it differs from the file (compared by hash, streamed); no file for no entries
    where there was none."""
    digest = hashlib.sha256()
    chunks = 0
    for chunk in manifest_chunks(entries()):
        digest.update(chunk)
        chunks += 1
    old = _file_sha(path)
    if digest.hexdigest() != old and (chunks > 2 or old is not None):
        write_atomic_with(path, lambda f: f.writelines(manifest_chunks(entries())))
