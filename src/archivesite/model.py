"""Frozen dataclasses shared by the stages. No I/O, no jinja2/markdown/watchdog."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dateline:
    """The place part of a dateline.

    ``text`` is exactly as printed (``IGORA /Leningrad Region/``, ``PORTLAND, Ore.``);
    ``place`` is its first city in title case (``Igora``); ``region`` the state,
    region or country printed with it, where there is one (``Leningrad Region``).
    """

    text: str
    place: str
    region: str | None = None
