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
   the output folder changes until every page has rendered; then each is moved
   into place with ``os.replace`` (atomic per file), so unchanged files keep
   their mtime;
5. files an earlier build wrote that this build no longer produces are
   removed. The record of what archivesite wrote is the build record in the
   site's state folder, ``.archivesite/builds/<hash of the output folder's
   path>.json``; a file not in it (one archivesite did not write) is never
   deleted.

``clean`` discards every cache and fingerprint and renders and rewrites every
file (the record of written files is still used to remove stale ones).
Rendering runs in worker processes (``jobs``; default: every core once there
are at least :data:`PARALLEL_THRESHOLD` outputs to render); workers read
bodies from disk themselves, and outputs are sent to them in bounded batches.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import state
from .config import Config
from .errors import ArchiveError, ArchiveErrors
from .load import load_articles
from .model import Output
from .render import environment, render
from .search import IndexFn, SearchReport, changed_article_pages, update_search_index
from .site import assemble, locate_theme, plan_outputs, static_files

log = logging.getLogger(__name__)

# Below this many outputs to render, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 500

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


def build(
    config: Config,
    *,
    out: Path | None = None,
    drafts: bool = False,
    clean: bool = False,
    jobs: int | None = None,
    index_search: IndexFn | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site into ``out`` (default ``build/``).

    Only outputs whose inputs changed since the last build into ``out`` are
    rendered, and only files whose bytes changed are written. ``clean`` discards
    every cache and renders and rewrites every file. ``jobs`` is the number of
    worker processes (default: every core, for builds with enough to render).
    ``index_search(config, out, changed_article_pages)`` replaces the synchronous
    search-index update (the preview server passes a background indexer's ``request``).
    ``progress(done, total)`` is called as outputs render.
    """
    started = time.perf_counter()
    out = (out or default_out(config)).resolve()
    _check_out(config, out)
    record = manifest_path(config, out)
    previous, written_before = state.read_state(record, out)
    if clean:
        state.discard(config)
        previous = None
    environment.cache_clear()  # templates are read afresh by every build (serve is long-lived)

    digests = state.content_digests(config)  # hashing 10,000 small files: about 0.1 s
    theme = locate_theme(config)
    env = environment(theme)
    copies = {f.source: state.file_digest(f.source) for f in static_files(theme)}
    plan_key = state.digest_of(
        state.code_version(),
        state.markup_version(),
        repr(config),
        repr(theme),
        f"drafts={drafts}",
        *(f"{rel}={digest}" for rel, digest in digests.items()),
        *(f"{src}={digest}" for src, digest in sorted(copies.items())),
    )

    if previous is not None and _up_to_date(previous, plan_key, env, out):
        log.debug("nothing changed since the last build into %s", out)
        article_pages: Iterable[str] = ()
        written: tuple[str, ...] = ()
        removed: list[str] = []
        n_outputs, unchanged, rendered = len(previous.outputs), len(previous.outputs), 0
        n_articles = previous.articles
    else:
        # Front matter of files whose bytes are unchanged comes from the cache.
        cache = state.ArticleCache(config, fresh=clean, digests=digests)
        articles = load_articles(config, drafts=drafts, cache=cache)
        cache.save()
        n_articles = len(articles)
        site = assemble(config, articles, theme)
        outputs = plan_outputs(site)
        log.debug("%d articles, %d outputs", len(articles), len(outputs))
        templates = state.template_closures(env, {o.template for o in outputs if o.template})
        key = state.render_key(outputs[0].site) if outputs else ""
        fingerprinter = state.Fingerprinter()
        known = previous.outputs if previous is not None else {}
        records: dict[str, state.OutputRecord] = {}
        todo: list[tuple[Output, str]] = []
        for o in outputs:
            fp = state.output_fingerprint(o, key, templates, fingerprinter, copies)
            rec = known.get(o.path)
            if (
                rec is not None
                and rec.fingerprint == fp
                and state.stat_of(out / o.path) == (rec.size, rec.mtime_ns)
            ):
                records[o.path] = rec
                continue
            todo.append((o, fp))
        del fingerprinter
        log.debug("%d of %d outputs to render", len(todo), len(outputs))

        bodies = state.BodyCache(config.state_dir / state.BODIES_CACHE, writer=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        try:
            results = _render_all(
                [o for o, _ in todo],
                out,
                staging,
                force=clean,
                jobs=jobs,
                bodies=bodies,
                progress=progress,
            )
            written = tuple(path for path, changed, _ in results if changed)
            _commit(written, staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            bodies.flush()
        bodies.prune(a.body_hash for a in articles)
        bodies.close()

        fps = {o.path: fp for o, fp in todo}
        for path, _, digest in results:
            size, mtime_ns = state.stat_of(out / path) or (-1, -1)
            records[path] = state.OutputRecord(fps[path], digest, size, mtime_ns)
        planned = {o.path for o in outputs}
        removed = _prune(out, sorted(set(written_before) - planned))
        state.write_state(
            record,
            state.BuildState(
                out=str(out),
                plan_key=plan_key,
                templates=templates,
                articles=len(articles),
                outputs=records,
            ),
        )
        article_pages = [o.path for o in outputs if o.kind == "article"]
        n_outputs, unchanged, rendered = len(outputs), len(outputs) - len(written), len(todo)

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


def _up_to_date(
    previous: state.BuildState, plan_key: str, env: jinja2.Environment, out: Path
) -> bool:
    """Same sources, settings, templates and static files, and every written file untouched."""
    if previous.plan_key != plan_key:
        return False
    if state.template_closures(env, previous.templates) != previous.templates:
        return False
    base = str(out) + os.sep
    stat_of = state.stat_of
    return all(
        stat_of(base + path) == (rec.size, rec.mtime_ns) for path, rec in previous.outputs.items()
    )


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


Result = tuple[str, bool, str]  # (path, changed, sha256)


def _render_one(
    output: Output, out: str, staging: str, force: bool, bodies: state.BodyCache | None
) -> Result:
    """Render one output; stage it when its bytes differ. (path, changed, sha256)."""
    rendered = render(output, bodies)
    digest = hashlib.sha256(rendered.data).hexdigest()
    target = Path(out) / rendered.path
    if not force:
        try:
            if target.stat().st_size == len(rendered.data) and target.read_bytes() == rendered.data:
                return rendered.path, False, digest
        except OSError:
            pass
    # Flat: one file per output, no folders (a folder costs milliseconds to remove).
    (Path(staging) / _staged_name(rendered.path)).write_bytes(rendered.data)
    return rendered.path, True, digest


def _staged_name(rel: str) -> str:
    return hashlib.sha256(rel.encode("utf-8")).hexdigest()


def _render_batch(
    outputs: Sequence[Output],
    out: str,
    staging: str,
    force: bool,
    bodies: state.BodyCache | None,
) -> list[Result | ArchiveError]:
    results: list[Result | ArchiveError] = []
    for output in outputs:
        try:
            results.append(_render_one(output, out, staging, force, bodies))
        except ArchiveError as exc:
            results.append(exc)
    return results


_worker_bodies: dict[str, state.BodyCache] = {}


def _worker_batch(
    outputs: list[Output], out: str, staging: str, force: bool, bodies_path: str
) -> tuple[list[Result | ArchiveError], list[tuple[str, str]]]:
    """In a worker process: render a batch; new body HTML goes back to the builder."""
    bodies = _worker_bodies.get(bodies_path)
    if bodies is None:
        bodies = _worker_bodies[bodies_path] = state.BodyCache(Path(bodies_path))
    results = _render_batch(outputs, out, staging, force, bodies)
    return results, bodies.take()


def _batches(outputs: Sequence[Output], size: int) -> Iterator[list[Output]]:
    for i in range(0, len(outputs), size):
        yield list(outputs[i : i + size])


def _render_all(
    outputs: Sequence[Output],
    out: Path,
    staging: Path,
    *,
    force: bool,
    jobs: int | None,
    bodies: state.BodyCache,
    progress: Progress | None,
) -> list[Result]:
    total = len(outputs)
    if jobs is None:
        jobs = default_jobs() if total >= PARALLEL_THRESHOLD else 1
    jobs = max(1, min(jobs, (total + 49) // 50))  # at least 50 outputs per worker
    raw: list[Result | ArchiveError] = []
    if jobs <= 1:
        for batch in _batches(outputs, 100):
            raw += _render_batch(batch, str(out), str(staging), force, bodies)
            if progress is not None:
                progress(len(raw), total)
    else:
        size = max(20, min(200, total // (jobs * 8)))
        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        if os.name == "posix":
            context.set_forkserver_preload(["archivesite.build"])
        batches = _batches(outputs, size)
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            pending: set[concurrent.futures.Future[Any]] = set()
            args = (str(out), str(staging), force, str(bodies.path))
            while True:  # at most two batches per worker in flight: memory stays bounded
                for batch in batches:
                    pending.add(pool.submit(_worker_batch, batch, *args))
                    if len(pending) >= 2 * jobs:
                        break
                if not pending:
                    break
                done, pending = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in done:
                    results, new_bodies = future.result()
                    raw += results
                    bodies.add(new_bodies)
                if progress is not None:
                    progress(len(raw), total)
    errors: list[ArchiveError] = []
    seen: set[str] = set()
    ok: list[Result] = []
    for r in raw:
        if isinstance(r, ArchiveError):
            if str(r) not in seen:
                seen.add(str(r))
                errors.append(r)
        else:
            ok.append(r)
    if errors:
        raise errors[0] if len(errors) == 1 else ArchiveErrors(errors)
    return ok


def _commit(paths: Iterable[str], staging: Path, out: Path) -> None:
    """Move each staged file into place (atomic per file)."""
    made: set[str] = set()
    for rel in paths:
        target = out / rel
        folder = rel.rpartition("/")[0]
        if folder not in made:  # one mkdir per folder, not per file
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        try:
            (staging / _staged_name(rel)).replace(target)
        except IsADirectoryError:
            raise ArchiveError(f"cannot write {target}: a folder is in the way") from None


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
