"""Parsing raw wire copy: ``parse_wire(text) -> WireStory``.

Owns: boilerplate lines, title, lede, dateline (place, date parts, agency),
reporting-verb weekday and paragraphs. Knows nothing of Markdown or front matter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Dateline


@dataclass(frozen=True)
class WireStory:
    """What the text of one article says, before any date inference."""

    title: str | None
    lede: str | None
    dateline: Dateline | None
    agency: str | None
    month: int | None  # month and day as printed in the dateline (or a dated header)
    day: int | None
    year: int | None  # only where the text states the full date
    time: dt.time | None  # with tzinfo, only where the text gives a time with offset
    paragraphs: tuple[str, ...]  # body; a paragraph holding "\n" keeps those line breaks


def parse_wire(text: str) -> WireStory:
    raise NotImplementedError
