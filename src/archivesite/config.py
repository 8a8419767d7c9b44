"""The site's configuration: a frozen, validated :class:`Config` read from ``archivesite.toml``.

Every key is checked; an unknown key or a bad value is an :class:`ArchiveError`
naming the key (and the line of the file where it can be found).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import i18n
from .errors import ArchiveError, raise_all
from .urls import url_path

CONFIG_NAME = "archivesite.toml"
# A site's folders, by their names in its root.
SEEDS_DIR, CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR = "seeds", "content", "templates", "static"
OUT_DIR = "build"  # the default output folder
STATE_DIR = ".archivesite"  # caches, build records and the preview's output: safe to delete
IMPORT_MANIFEST = ".archivesite-import.json"  # in content/: what the import wrote from what

PERMALINK_FIELDS = frozenset({"year", "month", "day", "slug"})
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class ImportConfig:
    """The ``[import]`` table."""

    as_of: dt.date | None = None
    # Collection readers: the record types imported, and [import.columns] as
    # (field, column name) pairs for CSV and JSON Lines.
    doc_types: tuple[str, ...] = ("story",)
    columns: tuple[tuple[str, str], ...] = ()
    # [import.agencies]: a provider's or credit line's name -> the agency's short name.
    agencies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RelatedConfig:
    """The ``[related]`` table: when two articles are shown as coverage of one story."""

    # MinHash estimate of the Jaccard similarity of word 3-shingles: a near-copy.
    carried_threshold: float = 0.8
    # Cosine of weighted word vectors, within ``window_days``: a report of the same event.
    related_threshold: float = 0.45
    window_days: int = 3
    limit: int = 5  # links of each kind an article page shows: the most similar
    enabled: bool = True


@dataclass(frozen=True)
class Config:
    """A site's settings, with defaults for every key."""

    root: Path
    title: str = "News Archive"
    base_url: str = "/"
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 20
    feed_size: int = 50
    permalink: str = "/{year}/{month}/{day}/{slug}/"
    search: bool = True
    description: str = ""
    imports: ImportConfig = field(default_factory=ImportConfig)
    # [markdown] raw_html: HTML in hand-written bodies is "keep" (passed through) or
    # "escape" (shown as text; javascript:, data: and vbscript: link targets dropped).
    raw_html: str = "keep"
    # Links below content/, seeds/, templates/ and static/ that resolve outside their
    # folder: skipped with a warning (false) or followed (true).
    follow_symlinks: bool = False

    # [redirects]: an old URL path -> where it went (a URL path or a full URL).
    redirects: tuple[tuple[str, str], ...] = ()
    # [feed] full_text: every feed entry carries the article's text, not only its summary.
    feed_full_text: bool = False
    related: RelatedConfig = field(default_factory=RelatedConfig)

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_DIR

    @property
    def seeds_dir(self) -> Path:
        return self.root / SEEDS_DIR

    @property
    def templates_dir(self) -> Path:
        return self.root / TEMPLATES_DIR

    @property
    def static_dir(self) -> Path:
        return self.root / STATIC_DIR

    @property
    def state_dir(self) -> Path:
        """Where caches and build state live (git-ignored)."""
        return self.root / STATE_DIR

    @property
    def out_dir(self) -> Path:
        """Where ``build`` writes unless told otherwise."""
        return self.root / OUT_DIR

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def with_base_url(self, base_url: str) -> Config:
        return replace(self, base_url=_check_base_url("base_url", base_url))


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _check_base_url(key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string")
    if not (value.startswith(("http://", "https://", "/"))):
        raise ValueError("must be an absolute URL (https://example.org/archive/) or a path (/)")
    return value if value.endswith("/") else value + "/"


def _check_str(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def is_language_tag(value: object) -> bool:
    """A language tag such as ``en``, ``ru`` or ``pt-BR`` (the site's, or an article's)."""
    return isinstance(value, str) and _LANGUAGE_TAG.fullmatch(value) is not None


def _check_language(key: str, value: object) -> str:
    """A language or locale Babel knows (``en``, ``ru``, ``en_GB``), kept as the
    BCP 47 tag HTML and the search index take (``en-GB``)."""
    if isinstance(value, str):
        value = i18n.html_lang(value)
    if not isinstance(value, str) or not is_language_tag(value):
        raise ValueError("must be a language tag or locale such as 'en', 'ru' or 'en_GB'")
    i18n.parse_locale(value)  # ValueError names the unknown locale
    return value


def _check_timezone(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a time zone name such as 'UTC' or 'Europe/Moscow'")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


def _check_positive_int(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of at least 1")
    return value


def _check_bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _check_permalink(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string such as '/{year}/{month}/{day}/{slug}/'")
    names = set(re.findall(r"{(\w*)}", value))
    unknown = names - PERMALINK_FIELDS
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(sorted(unknown))}; use {{year}}, "
            "{month}, {day}, {slug}"
        )
    if "slug" not in names:
        raise ValueError("must contain {slug}")
    if not value.startswith("/") or not value.endswith("/") or ".." in value:
        raise ValueError("must start and end with '/' and not contain '..'")
    return value


def _check_date(key: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date such as 2026-11-27")


_TOP_KEYS = {
    "title": _check_str,
    "base_url": _check_base_url,
    "language": _check_language,
    "timezone": _check_timezone,
    "per_page": _check_positive_int,
    "feed_size": _check_positive_int,
    "permalink": _check_permalink,
    "search": _check_bool,
    "description": _check_str,
    "follow_symlinks": _check_bool,
}
COLUMN_FIELDS = ("title", "date", "text", "dateline", "agency", "tags", "url", "id")


def _check_doc_types(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError('expected a list of record types, such as ["story", "advis"]')
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("every record type must be a non-empty string")
    return tuple(v.strip().lower() for v in value)


def _check_columns(key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise ValueError('expected a table: field = "column name"')
    pairs = []
    for field_name, column in value.items():
        if field_name not in COLUMN_FIELDS:
            raise ValueError(f"unknown field {field_name!r} (known: {', '.join(COLUMN_FIELDS)})")
        if not isinstance(column, str) or not column:
            raise ValueError(f"{field_name}: expected a column name")
        pairs.append((field_name, column))
    return tuple(pairs)


def _check_agencies(key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise ValueError('expected a table: "name as the files give it" = "short name"')
    for name, short in value.items():
        if not name.strip() or not isinstance(short, str) or not short.strip():
            raise ValueError(f"{name!r}: expected a non-empty short name")
    return tuple((name.strip(), short.strip()) for name, short in value.items())


_IMPORT_KEYS = {
    "as_of": _check_date,
    "doc_types": _check_doc_types,
    "columns": _check_columns,
    "agencies": _check_agencies,
}


def _check_raw_html(key: str, value: object) -> str:
    if value not in ("keep", "escape"):
        raise ValueError('must be "keep" or "escape"')
    return str(value)


_MARKDOWN_KEYS = {"raw_html": _check_raw_html}


def _check_threshold(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ValueError("must be a number above 0 and at most 1")
    return float(value)


def _check_window(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number of days, 0 or more")
    return value


_RELATED_KEYS = {
    "carried_threshold": _check_threshold,
    "related_threshold": _check_threshold,
    "window_days": _check_window,
    "limit": _check_positive_int,
    "enabled": _check_bool,
}
_FEED_KEYS = {"full_text": _check_bool}


def _check_redirects(key: str, value: object) -> tuple[tuple[str, str], ...]:
    """``"/old/path/" = "/new/path/"`` pairs, as URL paths (see :func:`urls.url_path`)."""
    if not isinstance(value, dict):
        raise ValueError('expected a table: "/old/path/" = "/new/path/"')
    pairs = []
    for old, new in value.items():
        if not old.strip() or not isinstance(new, str) or not new.strip():
            raise ValueError(f"{old!r}: expected a URL path or full URL to redirect to")
        pairs.append((url_path(old), url_path(new)))
    return tuple(sorted(pairs))


def parse_config(text: str, root: Path, path: Path | None = None) -> Config:
    """Parse and validate the text of an ``archivesite.toml``; pure."""
    where = path or root / CONFIG_NAME
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ArchiveError(f"invalid TOML: {exc}", where, int(m.group(1)) if m else None) from exc
    errors: list[ArchiveError] = []
    values: dict[str, Any] = {}
    import_values: dict[str, Any] = {}
    sub_values: dict[str, dict[str, Any]] = {"related": {}, "feed": {}}
    for key, value in raw.items():
        if key == "import":
            if not isinstance(value, dict):
                errors.append(ArchiveError("'import' must be a table", where, _line_of(text, key)))
                continue
            for sub, subvalue in value.items():
                _check(
                    f"import.{sub}", sub, subvalue, _IMPORT_KEYS, import_values, errors, text, where
                )
            continue
        if key == "redirects":
            _check(key, key, value, {"redirects": _check_redirects}, values, errors, text, where)
            continue
        if key in ("related", "feed") and isinstance(value, dict):
            checks = _RELATED_KEYS if key == "related" else _FEED_KEYS
            for sub, subvalue in value.items():
                _check(f"{key}.{sub}", sub, subvalue, checks, sub_values[key], errors, text, where)
            continue
        if key == "markdown" and isinstance(value, dict):
            for sub, subvalue in value.items():
                _check(
                    f"markdown.{sub}", sub, subvalue, _MARKDOWN_KEYS, values, errors, text, where
                )
            continue
        _check(key, key, value, _TOP_KEYS, values, errors, text, where)
    raise_all(errors)
    if "full_text" in sub_values["feed"]:
        values["feed_full_text"] = sub_values["feed"]["full_text"]
    return Config(
        root=root,
        imports=ImportConfig(**import_values),
        related=RelatedConfig(**sub_values["related"]),
        **values,
    )


def _check(
    label: str,
    key: str,
    value: object,
    checks: dict[str, Any],
    out: dict[str, Any],
    errors: list[ArchiveError],
    text: str,
    where: Path,
) -> None:
    check = checks.get(key)
    line = _line_of(text, key)
    if check is None:
        known = ", ".join(sorted(checks))
        errors.append(ArchiveError(f"unknown key '{label}' (known keys: {known})", where, line))
        return
    try:
        out[key] = check(label, value)
    except ValueError as exc:
        errors.append(ArchiveError(f"bad value for '{label}': {exc}", where, line))


def load_config(root: Path) -> Config:
    """Read ``archivesite.toml`` from ``root``; defaults where the file is absent."""
    root = root.resolve()
    path = root / CONFIG_NAME
    if not path.exists():
        return Config(root=root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"cannot read configuration: {exc}", path) from exc
    return parse_config(text, root, path)
