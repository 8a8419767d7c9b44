"""What was built from what: fingerprints of every output's inputs, and the caches.

Everything lives under the site's ``.archivesite/`` (git-ignored):

- ``builds/<sha256(out)[:16]>.json``: per output folder, the build record
  ``{"out", "version", "plan_key", "templates", "articles", "files", "outputs"}``.
  ``files`` maps each file archivesite wrote to its sha256 (only files listed
  there are ever deleted); ``outputs`` maps it to ``[fingerprint, size,
  mtime_ns]``. An output whose fingerprint and file (size, mtime) both match
  is not rendered again.
- ``cache/articles.pickle``: parsed front matter per content file, by
  the sha256 of its bytes (so a file is never parsed twice, and a changed file
  always is).
- ``cache/bodies.sqlite``: rendered body HTML by the body's sha256 and a
  version of the Markdown configuration, so a template change never runs
  Python-Markdown again.
- ``cache/templates.pickle``: the templates each template source (by its hash)
  extends, includes or imports, so a build does not parse unchanged templates.

A missing, corrupt or out-of-date file here only costs a full rebuild: every
reader returns "nothing known" instead of raising, and every writer writes
atomically (a temporary file renamed into place; SQLite transactions).

An output's fingerprint covers everything its bytes depend on: the code and
Markdown versions, the site-wide values (:class:`SiteInfo`, which holds the
configuration that reaches templates), the output's own context data (which
embeds what it shows of other articles: neighbours, listings, feed entries),
its body's hash, the source of a static copy, and its template closure: every
template it extends, includes or imports, with the hash of each one's source
and WHICH search-path entry it resolved from, so that a new override in the
site's ``templates/`` changes the fingerprint (Lektor's lesson). Nothing here
renders.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import pickle
import sqlite3
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import jinja2
import jinja2.meta
import markdown

from . import __version__
from .config import Config
from .files import pickle_atomic, write_atomic_with
from .model import Article, Dateline, NavLink, Output, SiteInfo, Theme

log = logging.getLogger(__name__)

STATE_VERSION = 1
ARTICLES_CACHE = "cache/articles.pickle"
BODIES_CACHE = "cache/bodies.sqlite"
TEMPLATE_REFS = "cache/templates.pickle"


def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


digest_of = _sha


@functools.cache
def code_version() -> str:
    """The package version plus a hash of its own Python sources (a changed renderer
    must not be trusted to produce what the old one did)."""
    h = hashlib.sha256(f"{__version__}/{STATE_VERSION}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(f"jinja2 {jinja2.__version__}; markdown {markdown.__version__}".encode())
    return h.hexdigest()


@functools.cache
def markup_version() -> str:
    """What rendered body HTML depends on besides the body: Python-Markdown and its settings."""
    from . import markup

    return _sha(markdown.__version__, Path(markup.__file__).read_text(encoding="utf-8"))


def discard(config: Config) -> None:
    """Forget every cache (``build --clean``); build records stay, as the list of files to prune."""
    caches = (ARTICLES_CACHE, BODIES_CACHE, BODIES_CACHE + "-wal", BODIES_CACHE + "-shm")
    for rel in (*caches, TEMPLATE_REFS):
        (config.state_dir / rel).unlink(missing_ok=True)


# --- fingerprints ------------------------------------------------------------------------


class Fingerprinter:
    """Digests of values, memoised per object for the frozen dataclasses that many
    outputs share (articles, periods), so fingerprinting a 10,000-article plan is cheap.

    Use one per build: the memo is by object identity, and it keeps the objects alive.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, str]] = {}

    def digest(self, value: object) -> str:
        return hashlib.sha256(self.encode(value).encode("utf-8", "surrogatepass")).hexdigest()

    def encode(self, value: object) -> str:
        t = type(value)
        if t is str or t is int or t is bool or t is float or value is None:
            return repr(value)
        if t is tuple or t is list:
            return "(" + ",".join([self.encode(v) for v in value]) + ")"  # type: ignore[attr-defined]
        if t is dict:
            items = value.items()  # type: ignore[attr-defined]
            return "{" + ",".join([f"{k!r}:{self.encode(v)}" for k, v in items]) + "}"
        if t in _SMALL:  # a few short fields: inline, no digest
            return f"{t.__qualname__}{tuple(getattr(value, n) for n in _FIELDS[t])!r}"
        names = _FIELDS.get(t)
        if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(value))
        if names is not None:
            key = id(value)
            hit = self._memo.get(key)
            if hit is not None and hit[0] is value:
                return hit[1]
            if t in _FLAT:  # only small values inside: its repr is exact and fast
                fields = repr(value)
            else:
                fields = ",".join([self.encode(getattr(value, n)) for n in names])
            digest = hashlib.sha256(fields.encode("utf-8", "surrogatepass")).hexdigest()
            text = f"{t.__qualname__}<{digest[:32]}>"
            self._memo[key] = (value, text)
            return text
        if isinstance(value, dt.date | dt.datetime | dt.time):
            return repr(value)  # includes the zone's key
        if isinstance(value, Mapping):
            return self.encode(dict(value))
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            return self.encode(tuple(value))
        return f"{t.__qualname__}:{value!r}"


_FIELDS: dict[type, tuple[str, ...]] = {}
# Dataclasses holding only scalars, dates, tuples of text and other such classes, whose
# generated repr shows every field exactly.
_FLAT: frozenset[type] = frozenset({Article, Dateline, NavLink, SiteInfo, Theme})
_SMALL: frozenset[type] = frozenset({Dateline, NavLink})  # fields: text or None only
for _t in _SMALL:
    _FIELDS[_t] = tuple(f.name for f in dataclasses.fields(_t))


def render_key(info: SiteInfo) -> str:
    """What every output depends on: code, Markdown settings and the site-wide values."""
    return _sha(code_version(), markup_version(), repr(info))


def template_closures(
    env: jinja2.Environment,
    names: Iterable[str],
    memo: dict[str, set[str] | None] | None = None,
) -> dict[str, str]:
    """For each template name, a digest of its closure: every template it loads
    (extends, includes, imports), each with the search-path entry it resolved from
    and the hash of its source; a name found nowhere is recorded as missing, so
    that it appearing later is noticed. A non-literal include makes the closure
    every template on the search path. ``memo``: the references found in each source
    (by its hash), kept by a long-lived caller so that an unchanged template is not
    parsed again."""
    loader = env.loader
    entries: list[jinja2.BaseLoader] = (
        list(loader.loaders)
        if isinstance(loader, jinja2.ChoiceLoader)
        else [loader]
        if loader
        else []
    )
    resolved: dict[str, tuple[str, set[str] | None]] = {}

    def resolve(name: str) -> tuple[str, set[str] | None]:
        if name in resolved:
            return resolved[name]
        record = f"{name}: missing"
        refs: set[str] | None = set()
        for i, entry in enumerate(entries):
            try:
                source, _, _ = entry.get_source(env, name)
            except jinja2.TemplateNotFound:
                continue
            source_hash = _sha(source)
            record = f"{name}: entry {i}: {source_hash}"
            if memo is not None and source_hash in memo:
                refs = memo[source_hash]
                break
            try:
                found = jinja2.meta.find_referenced_templates(env.parse(source))
                refs = set()
                for ref in found:
                    if ref is None:
                        refs = None
                        break
                    refs.add(ref)
            except jinja2.TemplateSyntaxError:
                refs = set()  # rendering reports the error; the source hash is recorded
            if memo is not None:
                memo[source_hash] = refs
            break
        resolved[name] = (record, refs)
        return resolved[name]

    everything: list[str] | None = None
    out: dict[str, str] = {}
    for root in sorted(set(names)):
        seen: set[str] = set()
        todo = [root]
        dynamic = False
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            _, refs = resolve(name)
            if refs is None:
                dynamic = True
            else:
                todo.extend(refs)
        if dynamic:
            if everything is None:
                everything = sorted(set(env.list_templates()))
            seen.update(everything)
            for name in everything:
                resolve(name)
        out[root] = _sha(*(resolved[n][0] for n in sorted(seen)))
    return out


TemplateRefs = dict[str, set[str] | None]


def read_template_refs(config: Config) -> TemplateRefs:
    """The memo of :func:`template_closures` a previous process saved: the templates each
    template source (by its hash) refers to, so that a build does not parse every
    template again (80 ms of a no-op build). Empty when missing or damaged."""
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


def content_digests(config: Config) -> dict[str, str]:
    """The sha256 of every content file's bytes, by site-relative path, in load order."""
    from .load import content_parts  # the same files, in the same order, as content_files()

    digests: dict[str, str] = {}
    base = str(config.content_dir)
    prefix = os.path.relpath(base, config.root).replace(os.sep, "/")
    for parts in content_parts(config.content_dir):
        path = os.path.join(base, *parts)  # noqa: PTH118 - no Path objects: 10,000 files
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # noqa: PTH116
                continue
            with open(path, "rb") as f:  # noqa: PTH123
                digest = hashlib.sha256(f.read()).hexdigest()
        except OSError:
            digest = "unreadable"
        digests[prefix + "/" + "/".join(parts)] = digest
    return digests


def file_digest(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def output_data(output: Output, key: str, fp: Fingerprinter, copies: Mapping[str, str]) -> str:
    """The digest of everything ``render(output)`` depends on but the templates' sources:
    the same for every output of an unchanged plan (same code, configuration, theme,
    content and static files), so a build after a template edit reuses the recorded one."""
    return _sha(
        key,
        output.url,
        output.path,
        output.kind,
        output.template or "",
        fp.encode(output.context),
        output.body.sha256 if output.body else "",
        copies.get(output.copy_from, "") if output.copy_from else "",
    )


def output_fingerprint(data: str, output: Output, templates: Mapping[str, str]) -> str:
    """The digest of everything ``render(output)`` depends on: its :func:`output_data` and
    the sources of the templates it renders through."""
    return _sha(data, templates.get(output.template, "") if output.template else "")


# --- the build record --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutputRecord:
    fingerprint: str
    sha256: str
    size: int
    mtime_ns: int
    data: str = ""  # output_data of the output, reused while the plan is unchanged


@dataclass(frozen=True)
class BuildState:
    """What the last build into one output folder wrote, and from what."""

    out: str
    plan_key: str = ""
    templates: Mapping[str, str] = dataclasses.field(default_factory=dict)
    articles: int = 0
    outputs: Mapping[str, OutputRecord] = dataclasses.field(default_factory=dict)

    @property
    def files(self) -> dict[str, str]:
        return {path: r.sha256 for path, r in self.outputs.items()}


def read_state(path: Path, out: Path) -> tuple[BuildState | None, dict[str, str]]:
    """(the build record, or None when missing/corrupt/other version; the files archivesite
    wrote into ``out``, for pruning: kept even from an older record version)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, {}
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable build record (%s); rebuilding everything", path, exc)
        return None, {}
    if not isinstance(data, dict) or data.get("out") != str(out):
        return None, {}
    files = data.get("files")
    written = {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    try:
        if data.get("version") != STATE_VERSION:
            return None, written
        outputs = {
            str(p): OutputRecord(
                str(r[0]), written[p], int(r[1]), int(r[2]), str(r[3]) if len(r) > 3 else ""
            )
            for p, r in data["outputs"].items()
        }
        state = BuildState(
            out=str(out),
            plan_key=str(data["plan_key"]),
            templates={str(k): str(v) for k, v in data["templates"].items()},
            articles=int(data["articles"]),
            outputs=outputs,
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        log.warning("%s: malformed build record (%s); rebuilding everything", path, exc)
        return None, written
    return state, written


def write_state(path: Path, state: BuildState) -> None:
    """Write the build record (streamed in slices: at 100,000 articles its text is 50 MB)."""
    paths = sorted(state.outputs)
    head = {
        "out": state.out,
        "version": STATE_VERSION,
        "plan_key": state.plan_key,
        "templates": dict(sorted(state.templates.items())),
        "articles": state.articles,
    }
    # No indent: the C encoder (0.2 s less per build at 10,000 articles).
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))

    def write(f: BinaryIO) -> None:
        f.write(dumps(head)[:-1].encode("utf-8"))
        for name, value in (
            ("files", lambda r: r.sha256),
            ("outputs", lambda r: [r.fingerprint, r.size, r.mtime_ns, r.data]),
        ):
            f.write(f',"{name}":{{'.encode())
            for lo in range(0, len(paths), _SLICE):
                part = {p: value(state.outputs[p]) for p in paths[lo : lo + _SLICE]}
                f.write((b"," if lo else b"") + dumps(part)[1:-1].encode("utf-8"))
            f.write(b"}")
        f.write(b"}\n")

    write_atomic_with(path, write)


_SLICE = 5000  # build record entries encoded at a time


def stat_of(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # noqa: PTH116 - no Path objects: 15,000 calls per build
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


# --- parsed articles ---------------------------------------------------------------------


class ArticleCache:
    """Parsed front matter per content file, by the sha256 of the file's bytes."""

    def __init__(
        self, config: Config, *, fresh: bool = False, digests: Mapping[str, str] | None = None
    ) -> None:
        self.path = config.state_dir / ARTICLES_CACHE
        self.digests = digests or {}
        self.key = _sha(code_version(), config.timezone, config.language, str(config.root))
        self.entries: dict[str, tuple[str, Article]] = {}
        self.used: dict[str, str] = {}  # rel -> digest, for every file loaded this run
        self.changed = False
        if not fresh:
            self._read()

    def _read(self) -> None:
        try:
            with self.path.open("rb") as f:
                key, entries = pickle.load(f)
            if key == self.key and isinstance(entries, dict):
                self.entries = entries
        except FileNotFoundError:
            pass
        except Exception as exc:  # any damage means: parse again
            log.warning("%s: unreadable cache (%s); parsing every file", self.path, exc)

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


# --- rendered bodies ---------------------------------------------------------------------


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
