"""``build(config) -> BuildReport``: the recipe, and the only writer of the output folder.

1. hash every content file; if the sources, configuration, templates and
   static files are exactly those of the last build into this folder, and
   every file it wrote is still there untouched, stop: nothing is parsed,
   rendered or written (the no-op build);
2. otherwise load every content file (all bad files reported together; front
   matter of files whose bytes are unchanged comes from the cache in
   ``.archivesite/``);
3. assemble the site, plan one :class:`Output` per file (URL
   collisions reported), fingerprint each output's inputs (:mod:`state`) and
   render only those whose fingerprint changed or whose file was touched;
   body HTML comes from a cache keyed by the body's hash;
4. rendered files go into a staging folder next to the output folder (same
   filesystem), only where their bytes differ from what is there; nothing in
   the output folder changes until every page has rendered; then each goes into
   place (:func:`_commit`): over a file that is there, its bytes are copied into
   it; elsewhere it is renamed to its path. Unchanged files keep their mtime;
5. files an earlier build wrote that this build no longer produces are
   removed. The record of what archivesite wrote is the build record in the
   site's state folder, ``.archivesite/builds/<hash of the output folder's
   path>.json``; a file not in it (one archivesite did not write) is never
   deleted.

Warm path (:class:`BuildSession`, kept by a long-lived caller such as the preview
server, or resumed by a fresh process from ``builds/<key>.<plan>.pickle``, the state of
the plan the record was built from; a build that leaves the plan as it was, such as a
template edit, keeps it): when the edited files change nothing that
places an article (URL, date, time, slug, tags, place, agency; a dated article's title
is free), only the outputs that show them are re-planned and fingerprinted; any other
change takes the full path. ``cache/stats.pickle`` keeps each content file's (size,
mtime, ctime, inode) and hash, so only files whose stat changed, or that were modified
within 2 s of the last scan, are hashed again.

``clean`` discards every cache and fingerprint and renders and rewrites every
file (the record of written files is still used to remove stale ones).
Parsing, fingerprinting and rendering run in worker processes (``jobs``; default:
every core once there are enough outputs to check: :mod:`archivesite.workers`); the
whole build runs with the cyclic garbage collector off.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import hashlib
import logging
import operator
import os
import pickle
import secrets
import shutil
import stat as stat_module
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ParamSpec, TypeVar

from . import load, state, workers
from .config import Config
from .errors import ArchiveError
from .files import pickle_atomic
from .load import load_articles
from .model import Article, Site
from .render import environment
from .search import IndexFn, SearchReport, changed_article_pages, update_search_index
from .site import Plan, assemble, locate_theme, plan_outputs, replace_articles, static_files

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

Progress = Callable[[int, int], None]  # (outputs rendered so far, outputs to render)


@dataclass(frozen=True)
class BuildReport:
    """What a build did; paths are relative to ``out``."""

    out: Path
    articles: int
    outputs: int
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    seconds: float
    search: SearchReport | None = None  # None when indexing was handed to ``index_search``
    rendered: int = 0  # outputs rendered (the rest were known up to date by fingerprint)

    def summary(self) -> str:
        return (
            f"{self.articles} articles: {len(self.written)} pages written, {self.unchanged} "
            f"unchanged, {len(self.removed)} removed in {self.seconds:.1f} s"
        )


# Fields of an article that may change without moving it anywhere: no new URL, period,
# neighbour order, term or page listing (the title orders undated articles and pages,
# so it is free only for dated articles).
_FREE_FIELDS = ("lede", "summary", "body_offset", "body_line", "body_hash")

# A file modified this close to the last scan may change again within the same mtime
# tick (git's "racy clean" problem): hash it instead of trusting its stat.
_RACY_NS = 2_000_000_000


@dataclass
class BuildSession:
    """Warm state for a long-lived caller (the preview server) building one site into
    one folder again and again: what the last build in this process loaded, assembled
    and recorded, so that the next one hashes only files whose stat changed and, when an
    edit moved nothing (see :data:`_FREE_FIELDS`), re-plans only the outputs that show
    the edited articles. Owned by the caller and passed to :func:`build`; a fresh
    process, or ``clean``, starts without one. Anything unexpected takes the full path.
    """

    stats: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    scanned_ns: int = 0
    key: str = ""  # what the warm state was built for: out, drafts, config, theme, code
    cache: state.ArticleCache | None = None
    loaded: dict[str, Article] = field(default_factory=dict)  # by source, as placed
    site: Site | None = None
    previous: state.BuildState | None = None
    template_refs: dict[str, set[str] | None] = field(default_factory=dict)
    bodies: state.BodyCache | None = None  # the body cache, open
    record_stat: tuple[int, int] | None = None  # of the build record this session wrote
    built_digests: dict[str, str] = field(default_factory=dict)  # of the last good build
    article_pages: tuple[str, ...] = ()
    warm_builds: int = 0  # builds that took the warm path (for tests)
    saved_stats: tuple[object, object] | None = None  # what read_stats found
    # Set by a caller that watches the sources (the preview server) before each build:
    # the content files (site-relative) that changed since the last build, when they are
    # all files that existed then; None: unknown, every file's stat is checked.
    hint: frozenset[str] | None = None
    # The caller owns the output folder (the preview server's own): files the last build
    # in this session wrote are taken to be as it left them, without a stat of each.
    owns_output: bool = False

    def forget(self) -> None:
        """Drop the warm state of the last build (the stat cache of hashes stays)."""
        self.key, self.cache, self.loaded, self.site, self.previous = "", None, {}, None, None
        self.record_stat = None
        self.built_digests, self.article_pages = {}, ()

    def read_stats(self, path: Path, root: str) -> None:
        """The stat cache a previous process saved (nothing on any damage)."""
        try:
            with path.open("rb") as f:
                version, saved_root, stats, digests, scanned = pickle.load(f)
            if version == SNAPSHOT_VERSION and saved_root == root:
                self.stats, self.digests, self.scanned_ns = stats, digests, int(scanned)
                self.saved_stats = (stats, digests)
        except FileNotFoundError:
            pass
        except Exception as exc:  # any damage means: hash every file
            log.debug("%s: unusable stat cache (%s)", path, exc)

    def write_stats(self, path: Path, root: str) -> None:
        if self.saved_stats == (self.stats, self.digests):
            return  # nothing changed but the scan time: files stay trusted by the old one
        data = (SNAPSHOT_VERSION, root, self.stats, self.digests, self.scanned_ns)
        try:
            pickle_atomic(path, data)
        except OSError as exc:
            log.warning("%s: cannot save the stat cache: %s", path, exc)

    def content_digests(self, config: Config, *, hash_new: bool = True) -> dict[str, str]:
        """Like :func:`state.content_digests`, re-hashing only files whose (size, mtime,
        ctime, inode) changed since the last scan or that were modified just before it;
        with a :attr:`hint`, only the files it names are looked at. ``hash_new=False``:
        such files get "" (the caller hashes them later)."""
        hint, self.hint = self.hint, None
        if hint is not None and self.digests and hint <= self.digests.keys():
            found = self._hinted(config, hint)
            if found is not None:
                return found
        digests: dict[str, str] = {}
        stats: dict[str, tuple[int, int, int, int]] = {}
        base = str(config.content_dir)
        prefix = os.path.relpath(base, config.root).replace(os.sep, "/")
        scanned = time.time_ns()
        racy = self.scanned_ns - _RACY_NS
        for rel, path, st in _scan(base, prefix):
            if st is None:
                digests[rel] = "unreadable"
                continue
            if not stat_module.S_ISREG(st.st_mode):
                continue
            sig = _signature(st)
            known = self.digests.get(rel)
            if known is not None and self.stats.get(rel) == sig and st.st_mtime_ns < racy:
                digests[rel] = known
            else:
                digests[rel] = state.file_digest(path) if hash_new else ""
            stats[rel] = sig
        self.stats, self.digests, self.scanned_ns = stats, digests, scanned
        return digests

    def _hinted(self, config: Config, hint: frozenset[str]) -> dict[str, str] | None:
        """The last digests with the hinted files looked at again; None when one of them
        is gone or no longer a file (the full scan places and reports it)."""
        digests, stats = dict(self.digests), dict(self.stats)
        for rel in hint:
            path = os.path.join(config.root, rel)  # noqa: PTH118
            try:
                st = os.stat(path)  # noqa: PTH116
            except OSError:
                return None
            if not stat_module.S_ISREG(st.st_mode):
                return None
            sig = _signature(st)
            if stats.get(rel) != sig or st.st_mtime_ns >= self.scanned_ns - _RACY_NS:
                digests[rel] = state.file_digest(path)
            stats[rel] = sig
        self.stats, self.digests = stats, digests  # the scan time stays: others are not seen
        return digests


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    """What the stat cache compares: a file whose (size, mtime, ctime, inode) are the
    same is taken to hold the same bytes (outside the racy window)."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


_name = operator.attrgetter("name")


def _scan(folder: str, rel: str) -> Iterator[tuple[str, str, os.stat_result | None]]:
    """(site-relative path, path, stat or None) of the files :func:`load.content_parts`
    finds, in its order (names sorted per folder sort as its path tuples do), with one
    ``scandir`` per folder (half the time of a walk and a stat per file)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_name)
    except OSError:
        return
    for e in entries:
        name = e.name
        if name.startswith((".", "_")):
            continue
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not e.is_symlink():  # like os.walk: symlinked folders are not entered
                yield from _scan(e.path, f"{rel}/{name}")
        elif name.endswith(".md"):
            try:
                st: os.stat_result | None = e.stat()
            except OSError:
                st = None
            yield f"{rel}/{name}", e.path, st


def default_out(config: Config) -> Path:
    return config.root / "build"


def manifest_path(config: Config, out: Path) -> Path:
    """Where the record of the files written into ``out`` is kept."""
    key = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    return config.state_dir / "builds" / f"{key}.json"


def default_jobs() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _without_cyclic_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with the cyclic garbage collector off. It would walk every article and
    output again and again while they are made (half of the planning time at 10,000
    articles); the build makes almost no cycles (a long-lived caller collects after)."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return paused


@_without_cyclic_gc
def build(
    config: Config,
    *,
    out: Path | None = None,
    drafts: bool = False,
    clean: bool = False,
    jobs: int | None = None,
    index_search: IndexFn | None = None,
    progress: Progress | None = None,
    session: BuildSession | None = None,
) -> BuildReport:
    """Build the site into ``out`` (default ``build/``).

    Only outputs whose inputs changed since the last build into ``out`` are
    rendered, and only files whose bytes changed are written. ``clean`` discards
    every cache and renders and rewrites every file. ``jobs`` is the number of
    worker processes (default: every core, for builds with enough to render).
    ``index_search(config, out, changed_article_pages)`` replaces the synchronous
    search-index update (the preview server passes a background indexer's ``request``).
    ``progress(done, total)`` is called as outputs render. ``session`` keeps warm
    state between builds of one site into one folder in a long-lived process.
    """
    started = time.perf_counter()
    out = (out or default_out(config)).resolve()
    _check_out(config, out)
    record = manifest_path(config, out)
    previous: state.BuildState | None
    if (
        session is not None
        and session.previous is not None
        and session.record_stat is not None
        and state.stat_of(record) == session.record_stat
    ):  # the record on disk is the one this session wrote: no need to parse it again
        previous, written_before = session.previous, session.previous.files
    else:
        previous, written_before = state.read_state(record, out)
    if clean:
        _remove_snapshots(record)
        if session is not None:
            session.forget()
            session.stats, session.digests, session.template_refs = {}, {}, {}
            if session.bodies is not None:
                session.bodies.close()
                session.bodies = None
        state.discard(config)
        previous = None
    theme = locate_theme(config)
    env = environment(theme)  # compiled templates are dropped below unless the warm path runs
    # What each template source refers to: kept by a session, else saved for the next process.
    memo = session.template_refs if session is not None else state.read_template_refs(config)
    memo_size = len(memo)
    same_templates = (
        previous is not None
        and state.template_closures(env, previous.templates, memo) == previous.templates
    )

    lazy = False
    if session is not None:
        digests = session.content_digests(config)
    else:  # hash only files whose stat changed since the last process's scan
        scan = BuildSession()
        stats_file = config.state_dir / STATS_CACHE
        if not clean:
            scan.read_stats(stats_file, str(config.root))
        # Nothing to compare with (a first or clean build): new files are hashed by the
        # workers that parse them, not read once more here first.
        lazy = previous is None
        digests = scan.content_digests(config, hash_new=not lazy)
        if not lazy:
            scan.write_stats(stats_file, str(config.root))
            scan.stats, scan.saved_stats = {}, None  # written: not held through the build
    copies = {f.source: state.file_digest(f.source) for f in static_files(theme)}
    session_key = state.digest_of(
        str(out), f"drafts={drafts}", repr(config), repr(theme), state.code_version()
    )
    warm = None
    if (
        session is not None
        and not clean
        and session.key == session_key
        and previous is not None
        and session.previous is not None
        and session.previous.plan_key == previous.plan_key
    ):
        warm = session
    if session is not None and warm is None:
        session.forget()

    def plan_key_of(digests: Mapping[str, str]) -> str:
        return state.digest_of(
            state.code_version(),
            state.markup_version(),
            repr(config),
            repr(theme),
            f"drafts={drafts}",
            *(f"{rel}={digest}" for rel, digest in digests.items()),
            *(f"{src}={digest}" for src, digest in sorted(copies.items())),
        )

    plan_key = "" if lazy else plan_key_of(digests)  # lazy: once the digests are taken
    if (
        previous is not None
        and same_templates
        and (session is None or warm is not None)  # a cold session loads the site once
        and _up_to_date(previous, plan_key, out)
    ):
        log.debug("nothing changed since the last build into %s", out)
        article_pages: Iterable[str] = ()
        written: tuple[str, ...] = ()
        removed: list[str] = []
        n_outputs, unchanged, rendered = len(previous.outputs), len(previous.outputs), 0
        n_articles = previous.articles
    else:
        if session is None and previous is not None and not clean and same_templates:
            # A fresh process: the last build's warm state, if it is the one of the record
            # (of no use when a template changed: the warm path needs the same ones).
            warm = _read_snapshot(_snapshot_path(record, previous.plan_key), session_key, previous)
        site: Site | None = None
        outputs: Plan | None = None
        loaded: dict[str, Article] = {}
        # The warm path renders only templates the last build used, unchanged since: their
        # compiled forms (from the last build's sources) stay valid. Anything else: afresh.
        if warm is not None and previous is not None and same_templates:
            templates = dict(previous.templates)
            found = _warm_plan(config, warm, digests, drafts)
            if found is not None and (
                warm.owns_output or _untouched(out, previous, set(found[1].paths()))
            ):
                site, outputs, loaded = found
        full = outputs is None
        if outputs is None:
            environment.cache_clear()  # templates are read afresh (serve is long-lived)
            env = environment(theme)
            # Front matter of files whose bytes are unchanged comes from the cache.
            cache = session.cache if session is not None and session.cache is not None else None
            if cache is None or clean:
                cache = state.ArticleCache(config, fresh=clean, digests=digests)
            else:
                cache.digests, cache.used, cache.changed = digests, {}, False
            parsed = _parse_new(config, cache, digests, jobs or default_jobs())
            if lazy:  # the digests the parsing workers took, or now
                for rel, digest in digests.items():
                    if not digest:
                        digests[rel] = parsed.get(rel) or state.file_digest(config.root / rel)
                scan.digests = digests
                scan.write_stats(stats_file, str(config.root))
                scan.stats = {}
                plan_key = plan_key_of(digests)
            loaded_articles = load_articles(
                config,
                drafts=drafts,
                cache=cache,
                files=(f"{config.root}{os.sep}{rel}" for rel in digests),
            )
            cache.save()
            del parsed
            site = assemble(config, loaded_articles, theme)
            del loaded_articles  # each article is kept once: as the site placed it (its URL)
            loaded = {a.source: a for a in _articles_of(site)}
            outputs = plan_outputs(site)
            templates = state.template_closures(env, outputs.templates(), memo)
            if session is not None:
                session.cache = cache
            del cache  # the parsed articles as loaded: the site holds them as placed
        else:
            assert warm is not None
            warm.warm_builds += 1
        assert site is not None
        n_articles = len(loaded)
        log.debug("%d articles, %d outputs to check", n_articles, len(outputs))
        known = previous.outputs if previous is not None else {}
        records: dict[str, state.OutputRecord] = {}
        if not full:  # outputs not re-planned show no edited article: their records stand
            records.update(known)

        bodies_path = config.state_dir / state.BODIES_CACHE
        kept = session.bodies if session is not None else None
        if kept is not None and kept.path == bodies_path:
            bodies = kept  # kept open between builds (opening costs 30 ms)
        else:
            if kept is not None:
                kept.close()
            bodies = state.BodyCache(bodies_path, writer=True)
        tree = not os.path.lexists(out)  # a first build: the staging folder becomes ``out``
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _staging_folder(out)
        job = workers.RenderJob(
            out=str(out),
            staging=str(staging),
            tree=tree,
            force=clean,
            key=state.render_key(outputs.info) if len(outputs) else "",
            templates=templates,
            copies=copies,
            bodies_path=str(bodies.path),
            same_plan=previous is not None and previous.plan_key == plan_key,
        )
        try:
            outcomes = workers.render_outputs(
                outputs,
                known,
                job,
                jobs=jobs or default_jobs(),
                bodies=bodies,
                progress=progress,
                order=outputs.time_order(),
            )
            paths = outputs.paths()
            staged = outcomes.written()
            written = tuple(paths[i] for i in staged)
            if tree:
                staging.rename(out)
            else:
                _commit(((paths[i], outcomes.staged(i)) for i in staged), staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            bodies.flush()
        if full:
            bodies.prune(a.body_hash for a in loaded.values())
        if session is None:
            bodies.close()
        else:
            session.bodies = bodies

        base = str(out) + os.sep
        rendered = outcomes.rendered()
        for i, path in enumerate(paths):
            fp, digest, fpdata = outcomes.digests_of(i)
            if outcomes.how(i) == workers.KEPT and known[path].data == fpdata:
                records[path] = known[path]
            else:
                size, mtime_ns = state.stat_of(base + path) or (-1, -1)
                records[path] = state.OutputRecord(fp, digest, size, mtime_ns, fpdata)
        del outcomes
        planned = set(paths) if full else set(records)
        removed = _prune(out, sorted(set(written_before) - planned))
        new_state = state.BuildState(
            out=str(out),
            plan_key=plan_key,
            templates=templates,
            articles=n_articles,
            outputs=records,
        )
        if full or session is None:
            state.write_state(record, new_state)
            if session is not None:
                session.record_stat = state.stat_of(record)
        # A warm build leaves the record on disk as the last full build wrote it (writing
        # 15,000 entries costs more than the rest of the build): the session holds the
        # current one. An older record is safe: the files a warm build rewrote no longer
        # match its (size, mtime), so a later build without this session renders them again.
        if full:
            article_pages = tuple(outputs.paths("article"))
        else:
            assert warm is not None
            article_pages = warm.article_pages
        if session is not None:
            session.key, session.site, session.loaded = session_key, site, loaded
            session.previous, session.article_pages = new_state, tuple(article_pages)
            session.built_digests = dict(digests)
        else:
            snapshot = _snapshot_path(record, new_state.plan_key)
            if not snapshot.exists():  # one with this plan describes this very site
                _write_snapshot(
                    snapshot, (session_key, site, loaded, tuple(article_pages), digests)
                )
            _remove_snapshots(record, keep=snapshot)
        n_outputs = len(records)
        unchanged = n_outputs - len(written)

    if session is None and len(memo) != memo_size:
        state.write_template_refs(config, memo if len(memo) < 1000 else {})

    # --- search index (issue 6, search.py): re-index only when an article page changed ---
    changed = changed_article_pages(article_pages, written, removed)
    search: SearchReport | None = None
    if index_search is None:
        search = update_search_index(config, out, changed)
    else:
        index_search(config, out, changed)
    # --- end search index ---
    report = BuildReport(
        out=out,
        articles=n_articles,
        outputs=n_outputs,
        written=written,
        unchanged=unchanged,
        removed=tuple(removed),
        seconds=time.perf_counter() - started,
        search=search,
        rendered=rendered,
    )
    return report


def _articles_of(site: Site) -> Iterator[Article]:
    """Every article and page of the site, as placed (with its URL)."""
    yield from site.archive.dated
    yield from site.archive.undated
    yield from site.pages


def _parse_new(
    config: Config, cache: state.ArticleCache, digests: Mapping[str, str], jobs: int
) -> dict[str, str]:
    """Parse the files the cache does not know (or whose digest is not known yet: "") in
    worker processes, where that pays, so that :func:`load_articles` finds them there;
    it parses and reports any bad ones. Returns the digests of the files parsed."""
    new = [rel for rel, d in digests.items() if not d or (cache.entries.get(rel) or ("",))[0] != d]
    root = str(config.root) + os.sep
    parsed: dict[str, str] = {}
    shared = load.SharedValues()
    keys = {rel: rel for rel in new}  # each path once: the digests' own string
    for path, digest, article in workers.parse_files(config, [root + rel for rel in new], jobs):
        rel = keys.get(path.removeprefix(root)) or path.removeprefix(root)
        cache.store(rel, digest, shared.article(article, rel))
        parsed[rel] = digest
    return parsed


def _warm_plan(
    config: Config, warm: BuildSession, digests: Mapping[str, str], drafts: bool
) -> tuple[Site, Plan, dict[str, Article]] | None:
    """The outputs to re-plan when only some articles changed and none of them moved
    (see :data:`_FREE_FIELDS`): those that show them. None: take the full path."""
    old_digests = warm.built_digests
    if warm.site is None or warm.previous is None or set(old_digests) != set(digests):
        return None
    changed = [rel for rel, d in digests.items() if old_digests[rel] != d]
    if not changed or len(changed) > 50:
        return None
    site = warm.site
    new: dict[str, Article] = {}
    parsed: dict[str, Article] = {}
    for rel in changed:
        old = warm.loaded.get(rel)  # as placed in the site
        if old is None or old.kind != "article":
            return None
        try:
            article = load.load_article(config.root / rel, config)
        except ArchiveError:
            return None  # the full path reports it with every other bad file
        if article.draft and not drafts:
            return None
        free = {f: getattr(old, f) for f in _FREE_FIELDS}
        if old.date is not None:
            free["title"] = old.title
        if replace(article, url=old.url, **free) != old:
            return None
        parsed[rel] = article
        new[rel] = replace(article, url=old.url)
    if warm.cache is not None:
        for rel, article in parsed.items():
            warm.cache.store(rel, digests[rel], article)
    loaded = {**warm.loaded, **new}
    site = replace_articles(site, new)
    return site, plan_outputs(site, only=new), loaded


SNAPSHOT_VERSION = 2
STATS_CACHE = "cache/stats.pickle"


def _snapshot_path(record: Path, plan_key: str) -> Path:
    """The warm state of a build into the record's folder from the plan ``plan_key`` (its
    sources, settings and code): named by the plan, so a build whose plan is unchanged (a
    template edit) keeps it, and a record with another plan never finds a stale one."""
    return record.with_name(f"{record.stem}.{plan_key[:32]}.pickle")


def _remove_snapshots(record: Path, keep: Path | None = None) -> None:
    for path in record.parent.glob(f"{record.stem}.*.pickle"):
        if path != keep:
            path.unlink(missing_ok=True)


def _write_snapshot(path: Path, data: tuple[object, ...]) -> None:
    """The warm state of this build, for the next process (0.15 s at 10,000 articles)."""
    try:
        pickle_atomic(path, (SNAPSHOT_VERSION, *data))
    except (OSError, pickle.PicklingError) as exc:
        log.warning("%s: cannot save the warm state: %s", path, exc)


def _read_snapshot(path: Path, key: str, previous: state.BuildState) -> BuildSession | None:
    """The warm state of the current record's plan, or None (missing, damaged, another
    code version, configuration, theme or output folder)."""
    try:
        with path.open("rb") as f:
            version, snap_key, site, loaded, pages, digests = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # any damage means: the full path
        log.debug("%s: unusable warm state (%s)", path, exc)
        return None
    if version != SNAPSHOT_VERSION or snap_key != key:
        return None
    return BuildSession(
        key=key,
        site=site,
        loaded=loaded,
        previous=previous,
        article_pages=pages,
        built_digests=digests,
    )


def _untouched(out: Path, previous: state.BuildState, skip: set[str]) -> bool:
    """Every file the last build wrote, but those in ``skip``, is as it left it."""
    base = str(out) + os.sep
    stat_of = state.stat_of
    return all(
        stat_of(base + path) == (rec.size, rec.mtime_ns)
        for path, rec in previous.outputs.items()
        if path not in skip
    )


def _up_to_date(previous: state.BuildState, plan_key: str, out: Path) -> bool:
    """Same sources, settings and static files, and every written file untouched
    (the caller checks the templates)."""
    return previous.plan_key == plan_key and _untouched(out, previous, set())


def _check_out(config: Config, out: Path) -> None:
    root = config.root.resolve()
    if out == root or out in root.parents:
        raise ArchiveError(
            f"the output folder {out} would hold the site's own files; choose another --out"
        )
    for source in (config.content_dir, config.templates_dir, config.static_dir, config.seeds_dir):
        s = source.resolve()
        if out == s or s in out.parents:
            raise ArchiveError(f"the output folder {out} is inside {source}; choose another --out")


def _staging_folder(out: Path) -> Path:
    """A new empty folder next to ``out`` (same file system, so moves are renames),
    made with the default permissions, as ``out`` itself would be."""
    while True:
        staging = out.parent / f".{out.name}.staging-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging


def _commit(staged: Iterable[tuple[str, workers.Staged]], staging: Path, out: Path) -> None:
    """Put each staged file in place (strings, not Path objects: 15,000 files).

    Where the output already has a regular file with no other link, the staged bytes
    are copied into it: replacing a file by a rename frees the old file's blocks, and
    on ext4 that costs about 100 us a file (1.6 s of a 10,000-article template edit's
    commit, which now takes 0.16 s). Elsewhere (a new file, a symlink, a hard-linked
    or read-only file, or a copy that fails) the bytes go into a new file next to it,
    renamed over the path: atomically, never through a link."""
    base = str(out) + os.sep
    packs: dict[str, int] = {}
    try:
        for rel, where in staged:
            assert where is not None
            name, offset, size = where
            source = packs.get(name)
            if source is None:
                pack = os.path.join(staging, name)  # noqa: PTH118
                source = packs[name] = os.open(pack, os.O_RDONLY | os.O_CLOEXEC)
            target = base + rel
            if not _copy_into(source, offset, size, target):
                _replace(source, offset, size, target)
    finally:
        for fd in packs.values():
            os.close(fd)


def _copy_range(source: int, offset: int, size: int, fd: int) -> None:
    """Make the file open as ``fd`` the ``size`` bytes of ``source`` at ``offset``."""
    done = 0
    while done < size:
        n = os.copy_file_range(source, fd, size - done, offset + done)
        if n == 0:
            raise OSError(errno.EIO, "the staged bytes end early")
        done += n
    os.ftruncate(fd, size)


def _copy_into(source: int, offset: int, size: int, target: str) -> bool:
    """Overwrite ``target`` in place; False (and ``target`` to be replaced whole) where
    it is not a regular file with one link that can be opened for writing, or the copy
    fails."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:  # missing, a symlink, a folder, read-only
        return False
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode) or st.st_nlink != 1:
            return False  # writing into it would change the file another name shares
        if not st.st_mode & stat_module.S_IWUSR:
            return False  # read-only: replaced, as for a user who cannot open it (not root)
        _copy_range(source, offset, size, fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _replace(source: int, offset: int, size: int, target: str) -> None:
    """Write a new file beside ``target`` and rename it over ``target`` (its folders
    are made where missing). The new file gets the usual permissions (0o666 less the
    umask), as a file archivesite writes for the first time does."""
    folder = os.path.dirname(target)  # noqa: PTH120
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")  # noqa: PTH118, PTH119
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103
            fd = os.open(tmp, flags, 0o666)
        try:
            try:
                _copy_range(source, offset, size, fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)  # noqa: PTH105
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # noqa: PTH108
            raise
    except IsADirectoryError:
        raise ArchiveError(f"cannot write {target}: a folder is in the way") from None
    except (FileExistsError, NotADirectoryError) as exc:
        raise ArchiveError(f"cannot write {target}: {exc.strerror}") from None


def _prune(out: Path, stale: Iterable[str]) -> list[str]:
    """Delete files an earlier build wrote and this one does not; then empty folders."""
    removed = []
    for rel in stale:
        target = out / rel
        if not target.is_file() or target.is_symlink():
            continue
        target.unlink()
        removed.append(rel)
        parent = target.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed
