"""The caches under ``.archivesite/cache/``: each only saves time, never decides output.

- ``articles.pickle``: parsed front matter per content file, by the sha256 of its bytes
  (a file is never parsed twice, and a changed file always is);
- ``bodies.sqlite``: rendered body HTML by the body's sha256 and the Markdown
  configuration's version (a template change never runs Python-Markdown again);
- ``templates.pickle``: what each template source (by its hash) extends, includes or
  imports (a build does not parse unchanged templates);
- ``features.pickle``: the related-coverage features of each article text, by the
  body's sha256 (:mod:`archivesite.related`: an edit makes one article's again).

A missing, damaged or out-of-date cache only costs time: every reader returns "nothing
known" instead of raising, and every writer writes atomically.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config
from .files import pickle_atomic
from .fingerprints import TemplateRefs, code_version, digest_of, markup_version
from .model import Article, BodyRef

if TYPE_CHECKING:
    from .related import Features

log = logging.getLogger(__name__)

ARTICLES_CACHE = "cache/articles.pickle"
BODIES_CACHE = "cache/bodies.sqlite"
TEMPLATE_REFS = "cache/templates.pickle"
FEATURES_CACHE = "cache/features.pickle"
_PARALLEL_FEATURES = 400  # texts to read and hash before worker processes pay


def discard(config: Config) -> None:
    """Forget every cache (``build --clean``); build records stay, as the list of files to prune."""
    caches = (ARTICLES_CACHE, BODIES_CACHE, BODIES_CACHE + "-wal", BODIES_CACHE + "-shm")
    for rel in (*caches, TEMPLATE_REFS, FEATURES_CACHE):
        (config.state_dir / rel).unlink(missing_ok=True)


def read_template_refs(config: Config) -> TemplateRefs:
    """The memo of :func:`template_closures` a previous process saved: the templates each
    template source (by its hash) refers to, so that a build does not parse every
    template again. Empty when missing or damaged."""
    try:
        with (config.state_dir / TEMPLATE_REFS).open("rb") as f:
            version, refs = pickle.load(f)
    except FileNotFoundError:
        return {}
    except Exception as exc:  # any damage means: parse them again
        log.debug("unusable template memo (%s)", exc)
        return {}
    return refs if version == code_version() and isinstance(refs, dict) else {}


def write_template_refs(config: Config, refs: TemplateRefs) -> None:
    try:
        pickle_atomic(config.state_dir / TEMPLATE_REFS, (code_version(), refs))
    except OSError as exc:
        log.warning("%s: cannot save the template memo: %s", config.state_dir, exc)


class ArticleCache:
    """Parsed front matter per content file, by the sha256 of the file's bytes."""

    def __init__(self, config: Config, *, digests: Mapping[str, str] | None = None) -> None:
        self.path = config.state_dir / ARTICLES_CACHE
        self.digests = digests or {}
        self.key = digest_of(code_version(), config.timezone, config.language, str(config.root))
        self.entries: dict[str, tuple[str, Article]] = {}
        self.used: dict[str, str] = {}  # rel -> digest, for every file loaded this run
        self.changed = False
        self._read()

    def _read(self) -> None:
        try:
            self.entries = _keyed_entries(self.path, self.key)
        except Exception as exc:  # any damage means: parse again
            log.warning("%s: unreadable cache (%s); parsing every file", self.path, exc)

    def begin(self, digests: Mapping[str, str]) -> None:
        """Start another run over the same cache, with these content digests."""
        self.digests, self.used, self.changed = digests, {}, False

    def digest(self, rel: str) -> str | None:
        return self.digests.get(rel)

    def lookup(self, rel: str, digest: str) -> Article | None:
        self.used[rel] = digest
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == digest and isinstance(hit[1], Article):
            return hit[1]
        return None

    def store(self, rel: str, digest: str, article: Article) -> None:
        self.entries[rel] = (digest, article)
        self.changed = True

    def save(self) -> None:
        """Keep the files seen this run (atomic); a failure to save only costs time."""
        kept = {rel: self.entries[rel] for rel in self.used if rel in self.entries}
        if not self.changed and len(kept) == len(self.entries):
            return
        try:
            pickle_atomic(self.path, (self.key, kept))
        except OSError as exc:
            log.warning("%s: cannot save cache: %s", self.path, exc)


def _keyed_entries(path: Path, key: str) -> dict[Any, Any]:
    """The entries a pickled ``(key, entries)`` cache holds when its key is ``key``; {}
    when the file is missing or was made under another key. Raises on a damaged file."""
    try:
        with path.open("rb") as f:
            stored, entries = pickle.load(f)
    except FileNotFoundError:
        return {}
    return entries if stored == key and isinstance(entries, dict) else {}


class FeatureCache:
    """The related-coverage features of article texts, by the body's sha256: made where
    missing (:meth:`fill`, :meth:`get`), from the body as the article was loaded."""

    def __init__(self, config: Config) -> None:
        self.path = config.state_dir / FEATURES_CACHE
        from .related import FORMAT

        self.root = str(config.root)
        self.key = digest_of(code_version(), FORMAT)
        self.entries: dict[str, Features] = {}
        self.changed = False
        try:
            self.entries = _keyed_entries(self.path, self.key)
        except Exception as exc:  # any damage means: make them again
            log.debug("%s: unusable cache (%s)", self.path, exc)

    def _ref(self, a: Article) -> BodyRef:
        return BodyRef(f"{self.root}/{a.source}", a.body_offset, a.body_hash)

    def get(self, a: Article) -> Features:
        """The features of ``a``'s text, made now where not known."""
        found = self.entries.get(a.body_hash)
        if found is None:
            found = self.entries[a.body_hash] = _features_of([self._ref(a)])[0]
            self.changed = True
        return found

    def add(self, body_hash: str, made: Features) -> None:
        """Keep the features of a text made elsewhere (by the workers that parsed it)."""
        self.entries[body_hash] = made
        self.changed = True

    def fill(self, articles: Sequence[Article], jobs: int) -> None:
        """Make the features of every text not known yet, in worker processes where many."""
        from .workers import map_forked

        missing = list(
            {
                a.body_hash: self._ref(a) for a in articles if a.body_hash not in self.entries
            }.values()
        )
        if not missing:
            return
        self.changed = True
        if len(missing) < _PARALLEL_FEATURES or jobs < 2:
            made = _features_of(missing)
            self.entries.update(zip((r.sha256 for r in missing), made, strict=True))
            return
        for chunk, made in map_forked(_features_of, missing, jobs, sizes=(50, 500)):
            self.entries.update(zip((r.sha256 for r in chunk), made, strict=True))

    def save(self, live: Iterable[str] | None = None) -> None:
        """Keep the features of the ``live`` bodies (all, if not given); atomic, and a
        failure to save only costs time."""
        if live is not None:
            keep = set(live)
            if len(keep) != len(self.entries) or not keep.issuperset(self.entries):
                self.entries = {k: v for k, v in self.entries.items() if k in keep}
                self.changed = True
        if not self.changed:
            return
        try:
            pickle_atomic(self.path, (self.key, self.entries))
            self.changed = False
        except OSError as exc:
            log.warning("%s: cannot save cache: %s", self.path, exc)


def _features_of(refs: list[BodyRef]) -> list[Features]:
    from .related import features_of_many
    from .render import read_body

    return features_of_many([read_body(ref) for ref in refs])


class BodyCache:
    """Rendered body HTML by body sha256 (one SQLite file; readers in worker processes,
    one writer: the building process). ``put`` collects new entries; the builder
    ``flush``es them (in workers: ``take`` them and send them to the builder)."""

    def __init__(self, path: Path, *, writer: bool = False) -> None:
        self.path = path
        self.version = markup_version()
        self.pending: list[tuple[str, str]] = []
        self.db: sqlite3.Connection | None = None
        self.writer = writer
        try:
            self._open()
        except sqlite3.Error as exc:
            if writer:
                log.warning("%s: unusable cache (%s); starting a new one", path, exc)
                self._reset()
            else:
                self.db = None

    def _open(self) -> None:
        if self.writer:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A preview server keeps the cache open between builds, which run one at a
            # time but not always on the thread that opened it.
            db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (version TEXT NOT NULL)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL)"
            )
            row = db.execute("SELECT version FROM meta").fetchone()
            if row is None or row[0] != self.version:
                db.execute("BEGIN")
                db.execute("DELETE FROM meta")
                db.execute("DELETE FROM bodies")
                db.execute("INSERT INTO meta VALUES (?)", (self.version,))
                db.execute("COMMIT")
            db.execute("PRAGMA quick_check(1)").fetchone()
        else:
            if not self.path.exists():
                self.db = None
                return
            db = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, timeout=30, check_same_thread=False
            )
            row = db.execute("SELECT version FROM meta").fetchone()
            if row is None or row[0] != self.version:
                db.close()
                self.db = None
                return
        self.db = db

    def _reset(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        try:
            self._open()
        except sqlite3.Error as exc:
            log.warning("%s: cannot use the body cache: %s", self.path, exc)
            self.db = None

    def get(self, key: str) -> str | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT html FROM bodies WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("%s: cache read failed (%s)", self.path, exc)
            return None
        return str(row[0]) if row else None

    def put(self, key: str, html: str) -> None:
        self.pending.append((key, html))
        if self.writer and len(self.pending) >= 500:
            self.flush()

    def take(self) -> list[tuple[str, str]]:
        pending, self.pending = self.pending, []
        return pending

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        self.pending.extend(items)
        if len(self.pending) >= 500:
            self.flush()

    def flush(self) -> None:
        items = self.take()
        if not items or self.db is None:
            return
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)", items)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            log.warning("%s: cache write failed (%s)", self.path, exc)
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def prune(self, live: Iterable[str]) -> None:
        """Drop bodies no longer in any content file, once they are a third of the cache."""
        if self.db is None:
            return
        keep = set(live)
        try:
            (count,) = self.db.execute("SELECT count(*) FROM bodies").fetchone()
            if count <= max(1000, len(keep) * 3 // 2):
                return
            stale = [(k,) for (k,) in self.db.execute("SELECT key FROM bodies") if k not in keep]
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM bodies WHERE key = ?", stale)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            log.warning("%s: cache prune failed (%s)", self.path, exc)

    def close(self) -> None:
        if self.db is not None:
            if self.writer:
                self.flush()
            self.db.close()
            self.db = None
