"""The record of published URLs, and the redirects it calls for.

Every article and page URL a build has published is kept in ``published-urls.tsv`` at
the site root, beside ``archivesite.toml``: it is meant to be committed with the site
(``.archivesite/`` is always safe to delete; this file is not). Each line is a URL
path, the identity of what it showed (an import's ``source_file``, else the content
file), the content file, and where the URL stands now: live (empty), moved (the URL
it redirects to) or gone (``-``).

:func:`settle` compares the record with the assembled site: a published URL whose
article now lives elsewhere (same identity or content file), or that an article's
``aliases`` or the ``[redirects]`` table claim, becomes a :class:`Redirect`; one with
no successor is gone, and reported by the build. Pure but for :func:`read_published`
and :func:`write_published`; only ``archivesite build`` writes the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from .config import Config
from .errors import ArchiveError
from .files import write_atomic
from .model import Article, Redirect

PUBLISHED_NAME = "published-urls.tsv"
GONE = "-"
_HEADER = "# url\tidentity\tsource\tnow (empty: live; a URL: moved there; -: gone)\n"


class Published(NamedTuple):
    """One published URL: what it showed and where it stands now."""

    url: str
    identity: str
    source: str
    now: str  # "": live; GONE; else the URL it redirects to


class Settled(NamedTuple):
    """The record after a build, the redirects the site serves, the URLs gone."""

    record: tuple[Published, ...]  # by URL
    redirects: tuple[Redirect, ...]  # by old URL
    gone: tuple[Published, ...]


def published_path(config: Config) -> Path:
    return config.root / PUBLISHED_NAME


def identity(article: Article) -> str:
    """What stays the same when an article's date or slug is corrected: where it was
    imported from, else its content file."""
    return article.origin or article.source


def read_published(config: Config) -> dict[str, Published]:
    """The record by URL (empty where there is none); a damaged line is an error naming it."""
    path = published_path(config)
    text = _read(path)
    found: dict[str, Published] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or not fields[0]:
            raise ArchiveError(
                "expected four tab-separated fields: url, identity, source, now", path, n
            )
        found[fields[0]] = Published(*fields)
    return found


def _read(path: Path) -> str:
    """The record's text ("" where there is none)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"cannot read the record of published URLs: {exc}", path) from exc


def still_gone(config: Config) -> tuple[Published, ...]:
    """The URLs the record holds as gone, which a build that finds nothing changed
    reports again. Only those lines are read: the record is part of what a build
    checks for changes, so this one is the record the last build read whole."""
    ending = "\t" + GONE
    return tuple(
        Published(*line.split("\t"))
        for line in _read(published_path(config)).splitlines()
        if line.endswith(ending) and line.count("\t") == 3 and not line.startswith("#")
    )


def record_text(record: Iterable[Published]) -> str:
    return _HEADER + "".join("\t".join(entry) + "\n" for entry in record)


def write_published(config: Config, record: Iterable[Published]) -> bool:
    """Write the record where its text changed (atomically); whether it did."""
    path = published_path(config)
    data = record_text(record).encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def settle(
    previous: Mapping[str, Published],
    articles: Iterable[Article],
    table: Iterable[tuple[str, str]] = (),
) -> Settled:
    """The record after publishing ``articles`` (as placed), with the redirects from
    every earlier URL that is not live to where it went, and the URLs gone."""
    live: dict[str, Article] = {}
    by_identity: dict[str, str] = {}
    by_source: dict[str, str] = {}
    claimed: dict[str, str] = {}  # aliases, then the [redirects] table over them
    for a in articles:
        live[a.url] = a
        by_identity[identity(a)] = a.url
        by_source[a.source] = a.url
        for alias in a.aliases:
            claimed.setdefault(alias, a.url)
    claimed.update(table)
    record: dict[str, Published] = {
        url: Published(url, identity(a), a.source, "") for url, a in live.items()
    }
    redirects: dict[str, str] = {}
    gone: list[Published] = []
    for url, old in previous.items():
        if url in live:
            continue
        target = (
            claimed.get(url) or by_identity.get(old.identity) or by_source.get(old.source) or ""
        )
        entry = old._replace(now=target or GONE)
        record[url] = entry
        if target:
            redirects[url] = target
        else:
            gone.append(entry)
    for url, target in claimed.items():
        if url not in live and url not in redirects:
            redirects[url] = target
    return Settled(
        tuple(record[url] for url in sorted(record)),
        tuple(Redirect(old, redirects[old]) for old in sorted(redirects) if old != redirects[old]),
        tuple(gone),
    )
