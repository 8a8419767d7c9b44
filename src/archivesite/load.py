"""Reading ``content/``: ``load_articles(config, drafts) -> tuple[Article, ...]``.

Every content file is parsed and checked; each problem (malformed front
matter, missing title, bad date, bad slug or tags) becomes an
:class:`ArchiveError` pointing at the line in the file, and all of them are
raised together once every file has been read. Neither groups nor sorts (beyond
returning files in path order); the body is hashed, not kept.

Dates: a YAML date (``2022-01-11``) is a calendar date, filed and shown as it
is. A datetime with a UTC offset is converted to the site's time zone and filed
under its date there; a datetime without an offset is taken to be in the site's
time zone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import hashlib
import logging
import os
import urllib.parse
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from . import urls
from .config import Config, is_language_tag
from .errors import ArchiveError, ArchiveErrors, raise_all
from .model import Article, Correction, Dateline, evolve
from .scan import content_files
from .slugs import is_valid_slug, term_slug
from .urls import NAME_MAX

log = logging.getLogger(__name__)

_H = TypeVar("_H", bound=Hashable)


@functools.cache
def _front_matter_loader() -> Any:
    """PyYAML's safe loader (libyaml's where built: about 10x faster) without implicit
    timestamps: dates stay text so that bad ones get a line number. PyYAML is imported
    here, where first needed: a build that finds nothing changed reads no front matter."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class FrontMatterLoader(base):  # type: ignore[misc]
        pass

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return FrontMatterLoader


_TEXT_KEYS = (
    "title",
    "lede",
    "summary",
    "dateline",
    "place",
    "region",
    "agency",
    "author",
    "story",
    "version",
    "version_note",
    "site_name",
    "source_url",
)
_KNOWN_KEYS = (
    *_TEXT_KEYS,
    "excerpt",
    "date",
    "slug",
    "tags",
    "draft",
    "language",
    "updated",
    "corrections",
    "aliases",
    "source_file",
)


class ArticleMemo(Protocol):
    """A cache of parsed articles by file bytes (see :class:`archivesite.caches.ArticleCache`)."""

    def digest(self, rel: str) -> str | None:
        """The sha256 of the file's bytes if already known (hashed earlier in this run)."""

    def lookup(self, rel: str, digest: str) -> Article | None: ...

    def store(self, rel: str, digest: str, article: Article) -> None: ...


def load_articles(
    config: Config,
    drafts: bool = False,
    cache: ArticleMemo | None = None,
    files: Iterable[Path | str] | None = None,
) -> tuple[Article, ...]:
    """Read every content file (or ``files``, listed by the caller in the order of
    :func:`archivesite.scan.content_files`); drafts are left out unless ``drafts``. A
    path given as a string is made a :class:`Path` only where its file is parsed
    (pathlib interns every part of a path, for the process's life).

    With a ``cache``, a file whose bytes (sha256) are those it was parsed from
    last time is not parsed again; files with errors are never cached, so every
    bad file is reported on every run.
    """
    articles: list[Article] = []
    errors: list[ArchiveError] = []
    if files is None:
        files = [path for _, path in content_files(config)]
    for path in files:
        try:
            if cache:
                article = _load_cached(path, config, cache)
            else:
                article = load_article(Path(path), config)
        except ArchiveErrors as exc:
            errors.extend(exc.errors)
            continue
        except ArchiveError as exc:
            errors.append(exc)
            continue
        if article.draft and not drafts:
            log.debug("%s: draft, left out (use --drafts to include it)", path)
            continue
        articles.append(article)
    raise_all(errors)
    return tuple(articles)


class SharedValues:
    """Makes articles parsed apart (in worker processes, each sending its own copies)
    share one object for each value many of them hold: a date, a dateline, an agency, a
    tag, a set of tags; and a summary that is the lede is the lede's string."""

    def __init__(self) -> None:
        self._values: dict[tuple[type, Hashable], Hashable] = {}

    def one(self, value: _H) -> _H:
        """The object kept for values equal to ``value`` (``value`` itself, the first time)."""
        found = self._values.setdefault((type(value), value), value)
        return found  # type: ignore[return-value]

    def article(self, article: Article, source: str | None = None) -> Article:
        """``article`` holding the shared values (and ``source``: the caller's string for
        its path, where the caller keeps one already)."""
        one = self.one
        a = article
        return evolve(
            a,
            source=source if source == a.source else a.source,
            date=one(a.date) if a.date is not None else None,
            dateline=one(a.dateline) if a.dateline is not None else None,
            agency=one(a.agency) if a.agency is not None else None,
            language=one(a.language) if a.language is not None else None,
            tags=one(tuple(one(t) for t in a.tags)) if a.tags else (),
            summary=a.lede if a.summary == a.lede else a.summary,
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"cannot read: {exc.strerror}", path) from exc


def _load_cached(where: Path | str, config: Config, cache: ArticleMemo) -> Article:
    rel = os.path.relpath(where, config.root).replace(os.sep, "/")
    known = cache.digest(rel)
    if known is not None:
        article = cache.lookup(rel, known)
        if article is not None:
            return article
    path = Path(where)
    raw = _read(path)
    digest = hashlib.sha256(raw).hexdigest()
    article = cache.lookup(rel, digest)
    if article is None:
        article = load_article(path, config, raw)
        cache.store(rel, digest, article)
    return article


def load_article(path: Path, config: Config, raw: bytes | None = None) -> Article:
    """Parse one content file (``raw``: its bytes, if already read); raises ArchiveError(s)."""
    if raw is None:
        raw = _read(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ArchiveError("not valid UTF-8", path, line) from exc
    meta, lines, body_line = _split_front_matter(text, path)
    body_offset = sum(len(line.encode("utf-8")) + 1 for line in text.split("\n")[: body_line - 1])
    body = raw[body_offset:]
    rel = path.relative_to(config.root).as_posix()
    in_pages = path.relative_to(config.content_dir).parts[0] == "pages"
    return _article_from(
        meta,
        lines,
        path,
        config,
        source=rel,
        kind="page" if in_pages else "article",
        body_offset=body_offset,
        body_line=body_line,
        body_hash=hashlib.sha256(body).hexdigest(),
    )


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], dict[str, int], int]:
    """(front matter, line of each key, first body line)."""
    lines = text.removeprefix("\ufeff").split("\n")
    if lines[0].strip() != "---":
        raise ArchiveError("no front matter: the file must start with a '---' line", path, 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    except StopIteration:
        raise ArchiveError("front matter is not closed by a '---' line", path, 1) from None
    block = "\n".join(lines[1:end]) + "\n"
    import yaml  # loaded by _front_matter_loader; here for its error and node types

    try:
        loader = _front_matter_loader()(block)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        # A problem found only at the end of the block (an unclosed bracket or
        # quote) is reported where the unclosed construct began, and never past
        # the front matter's last line.
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        if mark is None or (mark.line >= end - 1 and context is not None):
            mark = context or mark
        line = min(mark.line + 2, end) if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        raise ArchiveError(f"malformed front matter: {problem}", path, line) from exc
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ArchiveError("front matter must be a mapping of keys to values", path, 2)
    key_lines = {
        str(k.value): k.start_mark.line + 2 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    return {str(k): v for k, v in data.items()}, key_lines, end + 2


Complain = Callable[[str, str], None]  # (front matter key, message)


def _article_from(
    meta: dict[str, Any],
    lines: dict[str, int],
    path: Path,
    config: Config,
    **fixed: Any,
) -> Article:
    """The article the front matter describes; every bad field reported together."""
    errors: list[ArchiveError] = []

    def bad(key: str, message: str) -> None:
        errors.append(ArchiveError(message, path, lines.get(key, 1)))

    _near_misses(meta, lines, path)
    text = _texts(meta, bad)
    date, published = _date(meta, config, bad)
    updated = _when(meta, "updated", config, bad)
    corrections = _corrections(meta, config, bad)
    slug = _slug(meta, path.stem, bad)
    tags = _tags(meta, bad)
    _names_fit(slug, tags, text, bad)
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        bad("draft", "'draft' must be true or false")
    language = meta.get("language")
    if language is not None and not is_language_tag(language):
        bad("language", f"bad language {language!r}: use a tag such as 'en' or 'ru'")
    aliases = _aliases(meta, bad)
    source_url = _source_url(text["source_url"], bad)
    excerpt = meta.get("excerpt", False)
    if not isinstance(excerpt, bool):
        bad("excerpt", "'excerpt' must be true or false")
    origin = meta.get("source_file")
    raise_all(errors)
    return Article(
        aliases=aliases,
        origin=origin if isinstance(origin, str) else "",
        slug=slug,
        title=text["title"] or "",
        date=date,
        published=published,
        lede=text["lede"],
        summary=text["summary"] or text["lede"],
        dateline=_dateline(text),
        agency=text["agency"],
        author=text["author"],
        language=language if language != config.language else None,
        tags=tags,
        draft=draft,
        updated=updated,
        corrections=corrections,
        story=text["story"],
        version=text["version"],
        version_note=text["version_note"],
        site_name=text["site_name"],
        source_url=source_url,
        excerpt=excerpt is True,
        **fixed,
    )


def _near_misses(meta: dict[str, Any], lines: dict[str, int], path: Path) -> None:
    """Warn of a key that looks like a misspelt known one (``slgu:``); other unknown keys
    are a theme's own, and stay silent."""
    for key in meta:
        if not isinstance(key, str) or key in _KNOWN_KEYS:
            continue
        close = _close_known_key(key.lower())
        if close:
            log.warning(
                "%s:%d: unknown key %r; did you mean %r?", path, lines.get(key, 1), key, close
            )


@functools.lru_cache(maxsize=4096)
def _close_known_key(key: str) -> str | None:
    """The known key ``key`` is a likely misspelling of, if any: remembered, as every
    imported article carries the same few keys of the importer's own and difflib's
    comparison costs more than reading the rest of the front matter."""
    close = difflib.get_close_matches(key, _KNOWN_KEYS, n=1, cutoff=0.75)
    return close[0] if close else None


def _texts(meta: dict[str, Any], bad: Complain) -> dict[str, str | None]:
    """The text fields, stripped (None where absent or empty); the title is required."""
    text: dict[str, str | None] = {}
    for key in _TEXT_KEYS:
        value = meta.get(key)
        if value is None:
            text[key] = None
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            text[key] = str(value).strip() or None
        else:
            bad(key, f"'{key}' must be text")
            text[key] = None
    if meta.get("title") is None:
        bad("title", "missing title")
    elif text["title"] is None and isinstance(meta["title"], str):
        bad("title", "empty title")
    return text


def _date(
    meta: dict[str, Any], config: Config, bad: Complain
) -> tuple[dt.date | None, dt.datetime | None]:
    if meta.get("date") is None:
        return None, None
    try:
        day, stamp = _parse_date(meta["date"], config)
    except ValueError as exc:
        bad("date", f"bad date {meta['date']!r}: {exc}")
        return None, None
    except OverflowError:
        day, stamp = dt.date.min, None  # in the site's time zone, before the year 1
    if not _FIRST_DAY <= day <= _LAST_DAY:
        bad(
            "date",
            f"date {meta['date']!r} is out of range: use one from {_FIRST_DAY} to {_LAST_DAY}",
        )
        return None, None
    return day, stamp


def _when(meta: dict[str, Any], key: str, config: Config, bad: Complain) -> dt.date | None:
    """A date or time such as ``updated`` (an aware datetime in the site's zone)."""
    value = meta.get(key)
    if value is None:
        return None
    try:
        day, stamp = _parse_date(value, config)
    except (ValueError, OverflowError):
        bad(key, f"bad {key} {value!r}: use 2022-01-11 or 2022-01-11T09:30:00+03:00")
        return None
    return stamp or day


def _corrections(meta: dict[str, Any], config: Config, bad: Complain) -> tuple[Correction, ...]:
    """``corrections``: a list of ``{date, text}`` (or of plain texts), oldest first."""
    raw = meta.get("corrections")
    if raw is None:
        return ()
    if isinstance(raw, str | dict):
        raw = [raw]
    usage = "'corrections' must be a list of {date: 2022-01-11, text: what was corrected}"
    if not isinstance(raw, list):
        bad("corrections", usage)
        return ()
    out: list[Correction] = []
    for item in raw:
        entry = {"text": item} if isinstance(item, str) else item
        text = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(text, str) or not text.strip():
            bad("corrections", usage)
            return ()
        when = _when(entry, "date", config, lambda _k, m: bad("corrections", m))
        out.append(Correction(when, text.strip()))
    return tuple(sorted(out, key=lambda c: _sort_time(c.date, config)))


def _sort_time(when: dt.date | None, config: Config) -> dt.datetime:
    """A date or time as an aware datetime, for ordering (a date is its midnight)."""
    if when is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    if isinstance(when, dt.datetime):
        return when
    return dt.datetime.combine(when, dt.time(0), tzinfo=config.tz)


# A day page links to the days before and after it, so neither end of the calendar.
_FIRST_DAY, _LAST_DAY = dt.date(1, 1, 2), dt.date(9999, 12, 30)


def _slug(meta: dict[str, Any], stem: str, bad: Complain) -> str:
    """The ``slug`` given, else the file name's (as a term slug where it is not one)."""
    if "slug" not in meta:
        return stem if is_valid_slug(stem) else term_slug(stem)
    value = meta["slug"]
    if not isinstance(value, str) or not is_valid_slug(value):
        bad("slug", f"bad slug {value!r}: use letters, digits, '-', '_', '.' (no '/')")
        return stem
    return value


def _names_fit(
    slug: str, tags: tuple[str, ...], text: dict[str, str | None], bad: Complain
) -> None:
    """Each value that names a file (the slug, a term's slug) fits in a file name."""
    named = (
        ("slug", [slug], str),
        ("tags", tags, term_slug),
        ("place", [text["place"]], term_slug),
        ("dateline", [text["dateline"]], term_slug),
        ("agency", [text["agency"]], term_slug),
    )
    for key, values, to_name in named:
        for value in values:
            if value and len(to_name(value).encode()) > NAME_MAX:
                bad(key, f"{key} {value[:30]!r}... is longer than a file system allows in a "
                    f"file name ({NAME_MAX} bytes); shorten it")  # fmt: skip
                break


def _tags(meta: dict[str, Any], bad: Complain) -> tuple[str, ...]:
    """The tags, each once, in order; one tag may be given as a plain name."""
    raw = meta.get("tags")
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list) and all(
        isinstance(t, str | int) and not isinstance(t, bool) and str(t).strip() for t in raw
    ):
        return tuple(dict.fromkeys(str(t).strip() for t in raw))
    bad("tags", "'tags' must be a list of names, such as [elections, economy]")
    return ()


def _aliases(meta: dict[str, Any], bad: Complain) -> tuple[str, ...]:
    """Earlier URL paths of the article (``/2022/01/11/old-slug/``), as URL paths."""
    raw = meta.get("aliases")
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list) and all(isinstance(v, str) and v.strip() for v in raw):
        return tuple(dict.fromkeys(urls.url_path(v) for v in raw))
    bad("aliases", "'aliases' must be a list of URL paths, such as [/2022/01/11/old-slug/]")
    return ()


def _source_url(value: str | None, bad: Complain) -> str | None:
    """Where the source published the story: an http(s) address, since pages link to it."""
    if value is None:
        return None
    if urllib.parse.urlsplit(value).scheme.lower() in ("http", "https") and not any(
        c.isspace() for c in value
    ):
        return value
    bad("source_url", f"'source_url' must be an http or https address, not {value!r}")
    return None


def _dateline(text: dict[str, str | None]) -> Dateline | None:
    if not (text["dateline"] or text["place"]):
        return None
    place = text["place"] or (text["dateline"] or "").title()
    return Dateline(text=text["dateline"] or place, place=place, region=text["region"])


def _parse_date(value: object, config: Config) -> tuple[dt.date, dt.datetime | None]:
    """(filing date, aware datetime in the site's zone or None for a calendar date)."""
    if isinstance(value, str):
        value = value.strip()
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value) if len(value) == 10 else value
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError("use 2022-01-11 or 2022-01-11T09:30:00+03:00") from None
    if isinstance(value, dt.datetime):
        stamp = value if value.tzinfo is not None else value.replace(tzinfo=config.tz)
        local = stamp.astimezone(config.tz)
        return local.date(), local
    if isinstance(value, dt.date):
        return value, None
    raise ValueError("use 2022-01-11 or 2022-01-11T09:30:00+03:00")
