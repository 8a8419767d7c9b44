"""NITF 3.x (News Industry Text Format): one story per file, ``<nitf>`` at its root.

Title ``hedline/hl1``; body the paragraphs of ``body.content``; dateline
``dateline`` (its ``location``, with ``city`` and ``state``/``country``); tags the
labels of ``tobject.subject`` and ``key-list/keyword``; agency from ``distributor``,
the byline's ``org``, ``doc.copyright``'s holder or ``pubdata``'s name. The date is
``docdata/date.issue``'s ``norm``, else ``date.release``, else ``pubdata``'s
``date.publication``, else the dateline's ``story.date`` (``date_source: header``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import ArchiveError
from .agencies import agency_of
from .base import Item, LeftOut, Reader, ReadOptions, Source
from .newsxml import nitf_fields, nitf_sources, record_of, withdrawn
from .xmlsafe import attr, find, read_xml, root_name


def sniff(head: bytes, name: str) -> bool:
    return root_name(head) == "nitf"


def read(stream: BinaryIO, source: Source, options: ReadOptions) -> Iterator[Item]:
    try:
        nitf, raw = read_xml(stream, source)
    except ArchiveError as exc:
        yield exc
        return
    status = withdrawn(attr(find(nitf, "docdata"), "management-status"))
    if status is not None:
        yield LeftOut(source.shown, 1, f"NITF document {status}; left out")
        return
    fields = nitf_fields(nitf)
    if not fields.paragraphs:
        yield LeftOut(source.shown, 1, "NITF document with no body text; left out")
        return
    agency = agency_of(nitf_sources(nitf), options.agencies)
    yield record_of(dataclasses.replace(fields, agency=agency), raw=raw, line=1, ident=None)


READER = Reader("nitf", sniff, read, (".xml", ".nitf"))
