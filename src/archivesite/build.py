"""``build(config) -> BuildReport``: the recipe, and the only writer of the output folder.

scan → load → assemble → plan → render → commit → record. Only outputs whose inputs
changed since the last build into the same folder are rendered (their fingerprints,
:mod:`fingerprints`, against the build record, :mod:`record`), and only files whose
bytes changed are written; when nothing changed, nothing is parsed, rendered or
written. When a few edited articles move nothing, the site is re-assembled from the
last one and only the outputs that show them are planned (:func:`session.warm_plan`);
otherwise every content file is loaded (through the caches) and everything is planned.
The output folder does not change until every page has rendered (:mod:`commit`); files
an earlier build wrote and this one does not are removed, and no other file ever is.
The warm state between builds is kept by a :class:`session.Memory`: in memory for a
long-lived caller (:class:`BuildSession`), on disk otherwise.
"""

from __future__ import annotations

import errno
import functools
import gc
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, ParamSpec, TypeVar

from . import commit, faults, i18n, workers
from .caches import BODIES_CACHE, ArticleCache, BodyCache, FeatureCache
from .commit import check_out, staging_folder
from .config import Config
from .errors import ArchiveError
from .files import stat_of
from .fingerprints import (
    TemplateRefs,
    code_version,
    digest_of,
    file_digest,
    markup_version,
    render_key,
    template_closures,
)
from .load import SharedValues, load_articles
from .locks import holding, output_lock
from .markup import set_raw_html
from .model import Article, Coverage, Site, Theme
from .published import (
    Published,
    published_path,
    read_published,
    settle,
    still_gone,
    write_published,
)
from .record import BuildRecord, OutputRecord, record_path
from .render import environment
from .search import (
    IndexFn,
    IndexRequest,
    SearchReport,
    SiteRecords,
    built_from,
    changed_article_pages,
    index_behind,
    index_now,
    site_records,
)
from .session import BuildSession, Memory, Planned, SavedState, Warm, warm_plan
from .site import Plan, assemble, locate_theme, plan_outputs, static_files
from .workers import default_jobs

__all__ = ["BuildReport", "BuildSession", "build", "default_jobs"]

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
    planned: int = 0  # outputs planned and checked: all of them, or those showing an edit
    gone: tuple[str, ...] = ()  # published URLs that went without a successor (full builds)

    def summary(self) -> str:
        return (
            f"{self.articles} articles: {len(self.written)} pages written, {self.unchanged} "
            f"unchanged, {len(self.removed)} removed in {self.seconds:.1f} s"
        )


class Target(NamedTuple):
    """Where a build goes and what the last build there left."""

    out: Path
    record: Path  # the build record's path
    memory: Memory
    previous: BuildRecord | None
    written_before: dict[str, str]  # files earlier builds wrote: the only ones ever removed


class Sources(NamedTuple):
    """What the output depends on, as found at the start of the build."""

    theme: Theme
    digests: dict[str, str]  # content file -> sha256 ("" where a first build hashes later)
    copies: dict[str, str]  # static file -> sha256
    key: str  # the warm state's key: output folder, drafts, configuration, theme, code
    same_templates: bool  # every template the last build used is as it was
    refs: TemplateRefs  # the template memo


class Built(NamedTuple):
    """What rendering and committing a plan did."""

    articles: int
    outputs: int
    written: tuple[str, ...]
    removed: tuple[str, ...]
    rendered: int
    planned: int
    article_pages: tuple[str, ...]
    index_from: str  # the digest of the article pages, for the search index
    records: SiteRecords | None = None  # the site's articles for the search index, if loaded


def _without_cyclic_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with the cyclic garbage collector off: it would walk every article and
    output again and again while they are made, and a build makes almost no cycles."""

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
    wait: bool = True,
    publish: bool = True,
    strict: bool = False,
) -> BuildReport:
    """Build the site into ``out`` (default ``build/``).

    ``clean`` discards every cache and renders and rewrites every file. ``jobs`` is the
    number of worker processes (default: every core, for builds with enough to render).
    ``index_search`` takes the search index's :class:`IndexRequest` in place of the
    synchronous update (the preview server passes a background indexer's ``request``).
    ``progress(done, total)`` is called as outputs render. ``session`` keeps warm state
    between builds of one site into one folder in a long-lived process. Builds into
    one folder take turns (:mod:`locks`); with ``wait=False`` a build that finds another
    one running fails at once. A commit a kill interrupted is finished first.
    ``publish`` updates the record of published URLs (:mod:`published`; not for a
    preview or a build with drafts); a published URL gone without a successor is a
    warning, or with ``strict`` an error before anything is written.
    """
    started = time.perf_counter()
    set_raw_html(config.raw_html)
    where = (out or config.out_dir).resolve()
    check_out(config, where)
    lock = output_lock(record_path(config, where))
    with holding(lock, f"the output folder {where}", wait=wait):
        commit.replay(where)  # a build a kill interrupted: finished before anything else
        target = _target(config, where, session, clean=clean)
        sources = _scan(config, target, drafts)
        plan_key = _plan_key(config, sources, drafts)
        gone: tuple[str, ...] = ()
        if _up_to_date(target, sources, plan_key) and not _search_behind(config, target):
            built = _nothing_built(target.previous)
            gone = _check_gone(still_gone(config), strict)
        else:
            planned = _warm(config, target, sources, drafts) or _load_and_plan(
                config, target, sources, drafts, jobs or default_jobs()
            )
            if planned.settled is not None:
                gone = _check_gone(planned.settled.gone, strict)
                if publish and not drafts and write_published(config, planned.settled.record):
                    plan_key = ""  # the plan depends on the record: its new digest
            plan_key = plan_key or _plan_key(config, sources, drafts)  # a first build's, now
            built = _render_and_commit(
                config, target, sources, planned, plan_key, clean, jobs, progress
            )
        target.memory.finish(config)
    faults.reach("index")
    since = target.previous.index_from if target.previous is not None else ""
    search = _index(config, target.out, built, index_search, since)
    return BuildReport(
        out=target.out,
        articles=built.articles,
        outputs=built.outputs,
        written=built.written,
        unchanged=built.outputs - len(built.written),
        removed=built.removed,
        seconds=time.perf_counter() - started,
        search=search,
        rendered=built.rendered,
        planned=built.planned,
        gone=gone,
    )


def _target(config: Config, out: Path, session: BuildSession | None, *, clean: bool) -> Target:
    """The output folder and the memory of the last build into it."""
    record = record_path(config, out)
    memory: Memory = session if session is not None else SavedState()
    previous, written_before = memory.previous(record, out)
    if clean:
        memory.discard(config, record)
        previous = None
    return Target(out, record, memory, previous, written_before)


def _scan(config: Config, target: Target, drafts: bool) -> Sources:
    """Content digests, static digests and templates, against the last build's."""
    theme = locate_theme(config)
    env = environment(theme)
    previous = target.previous
    refs = target.memory.template_refs(config)
    same_templates = (
        previous is not None
        and template_closures(env, previous.templates, refs) == previous.templates
    )
    digests = target.memory.digests(config, first=previous is None)
    copies = {
        f.source: file_digest(f.source)
        for f in static_files(theme, follow_all=config.follow_symlinks)
    }
    key = digest_of(str(target.out), f"drafts={drafts}", repr(config), repr(theme), code_version())
    return Sources(theme, digests, copies, key, same_templates, refs)


def _plan_key(config: Config, sources: Sources, drafts: bool) -> str:
    """What the plan depends on: code, settings, theme, every content and static file;
    "" while a first build's digests are incomplete."""
    if not all(sources.digests.values()):
        return ""
    return digest_of(
        code_version(),
        markup_version(),
        repr(config),
        repr(sources.theme),
        i18n.catalogue_digest(config.language, sources.theme.site_locales),
        f"drafts={drafts}",
        file_digest(published_path(config)),
        *(f"{rel}={digest}" for rel, digest in sources.digests.items()),
        *(f"{src}={digest}" for src, digest in sorted(sources.copies.items())),
    )


def _up_to_date(target: Target, sources: Sources, plan_key: str) -> bool:
    """Same sources, settings, static files and templates, and every file the last
    build wrote untouched: nothing to do."""
    previous = target.previous
    return (
        previous is not None
        and sources.same_templates
        and previous.plan_key == plan_key
        and target.memory.may_skip(sources.key, previous)
        and _untouched(target.out, previous, set())
    )


def _nothing_built(previous: BuildRecord | None) -> Built:
    assert previous is not None
    log.debug("nothing changed since the last build")
    n = len(previous.outputs)
    return Built(previous.articles, n, (), (), 0, 0, (), previous.index_from)


def _warm(config: Config, target: Target, sources: Sources, drafts: bool) -> Planned | None:
    """The warm path: the last plan's site with the edited articles replaced, and the
    outputs that show them; None where it does not apply."""
    previous = target.previous
    if previous is None or not sources.same_templates:
        return None  # only templates the last build used, unchanged, render warm
    warm = target.memory.warm(sources.key, previous)
    if warm is None:
        return None
    planned = warm_plan(config, warm, sources.digests, drafts, target.memory)
    if planned is None:
        return None
    if target.memory.owns_output or _untouched(target.out, previous, set(planned.plan.paths())):
        return planned
    return None


def _load_and_plan(
    config: Config, target: Target, sources: Sources, drafts: bool, jobs: int
) -> Planned:
    """The full path: load every content file (parsed only where the cache does not know
    its bytes), assemble the site and plan every output."""
    environment.cache_clear()  # templates are read afresh (a session is long-lived)
    digests = sources.digests
    cache = target.memory.article_cache(config, digests)
    features = target.memory.features(config) if config.related.enabled else None
    parsed = _parse_new(config, cache, digests, jobs, features)
    if not all(digests.values()):  # a first build: the digests the parsing workers took
        for rel, digest in digests.items():
            if not digest:
                digests[rel] = parsed.get(rel) or file_digest(config.root / rel)
        target.memory.scanned(config, digests)
    del parsed
    files = (f"{config.root}{os.sep}{rel}" for rel in digests)
    articles = load_articles(config, drafts=drafts, cache=cache, files=files)
    cache.save()
    site = assemble(config, articles, sources.theme)
    del articles, cache  # each article is kept once: as the site placed it (its URL)
    settled = settle(read_published(config), _articles_of(site), config.redirects)
    coverage = _coverage(config, site, jobs, features)
    del features  # about 3 KB a text: let go past relating (unless a session keeps them)
    site = replace(site, redirects=settled.redirects, coverage=coverage)
    loaded = {a.source: a for a in _articles_of(site)}
    return Planned(site, plan_outputs(site), loaded, None, full=True, settled=settled)


def _coverage(
    config: Config, site: Site, jobs: int, features: FeatureCache | None
) -> dict[str, Coverage]:
    """Every article's related coverage, from the features of its text (made only for
    texts the cache does not know, nor the parsing workers made)."""
    if not config.related.enabled or features is None:
        return {}
    from .related import relate

    dated = site.archive.dated
    features.fill(dated, jobs)
    coverage = relate(dated, features.get, config.related)
    features.save(a.body_hash for a in dated)
    return coverage


def _check_gone(gone: Sequence[Published], strict: bool) -> tuple[str, ...]:
    """Each published URL gone without a successor: a warning, or with ``strict`` an
    error (before anything is written)."""
    urls = tuple(f"/{entry.url}" for entry in gone)
    if urls and strict:
        raise ArchiveError(
            f"{len(urls)} published URL(s) gone without a successor: {', '.join(urls)}; say "
            "where each went in [redirects] of archivesite.toml or an article's aliases"
        )
    for entry in gone:
        log.warning(
            "published URL /%s (%s) is gone without a successor; say where it went in "
            "[redirects] of archivesite.toml or an article's aliases",
            entry.url,
            entry.identity,
        )
    return urls


def _body_hashes(articles: Iterable[Article]) -> Iterator[str]:
    """The bodies the site shows: each article's and its earlier versions'."""
    for a in articles:
        yield a.body_hash
        for v in a.versions:
            yield v.body_hash


def _articles_of(site: Site) -> Iterator[Article]:
    """Every article and page of the site, as placed (with its URL)."""
    yield from site.archive.dated
    yield from site.archive.undated
    yield from site.pages


def _parse_new(
    config: Config,
    cache: ArticleCache,
    digests: Mapping[str, str],
    jobs: int,
    features: FeatureCache | None,
) -> dict[str, str]:
    """Parse the files the cache does not know (or whose digest is not known yet: "") in
    worker processes, where that pays, so that :func:`load_articles` finds them there;
    it parses and reports any bad ones. The workers make the related-coverage features
    of the texts they read into ``features``. Returns the digests of the files parsed."""
    new = [rel for rel, d in digests.items() if not d or (cache.entries.get(rel) or ("",))[0] != d]
    root = str(config.root) + os.sep
    parsed: dict[str, str] = {}
    shared = SharedValues()
    keys = {rel: rel for rel in new}  # each path once: the digests' own string
    for path, digest, article, made in workers.parse_files(
        config, [root + rel for rel in new], jobs
    ):
        rel = keys.get(path.removeprefix(root)) or path.removeprefix(root)
        cache.store(rel, digest, shared.article(article, rel))
        parsed[rel] = digest
        if made is not None and features is not None:
            features.add(article.body_hash, made)
    return parsed


def _render_and_commit(
    config: Config,
    target: Target,
    sources: Sources,
    planned: Planned,
    plan_key: str,
    clean: bool,
    jobs: int | None,
    progress: Progress | None,
) -> Built:
    """Render what changed, put it in place, remove what is gone, and record it all."""
    previous, plan = target.previous, planned.plan
    loads: set[str] = set()
    if planned.full:
        env = environment(sources.theme)
        templates = template_closures(env, plan.templates(), sources.refs, loads)
    else:
        assert previous is not None
        templates = dict(previous.templates)
    known = previous.outputs if previous is not None else {}
    job = workers.RenderJob(
        out=str(target.out),
        staging="",
        tree=not os.path.lexists(target.out),  # a first build: staging becomes the output
        force=clean,
        key=render_key(plan.info) if len(plan) else "",
        templates=templates,
        loads=tuple(sorted(loads)),
        copies=sources.copies,
        bodies_path=str(config.state_dir / BODIES_CACHE),
        same_plan=previous is not None and previous.plan_key == plan_key,
    )
    bodies = target.memory.bodies(config)
    outcomes, paths, staging = _render(plan, known, job, bodies, jobs, progress)
    try:
        if planned.full:
            bodies.prune(_body_hashes(planned.loaded.values()))
        staged = outcomes.written()
        written = tuple(paths[i] for i in staged)
        records = _records(target.out, paths, outcomes, known, full=planned.full)
        rendered = outcomes.rendered()
        stale = set(target.written_before) - (set(paths) if planned.full else set(records))
        pages = planned.article_pages
        if pages is None:
            pages = tuple(plan.paths("article"))
        journal = commit.begin(
            target.out,
            staging,
            [(paths[i], outcomes.staged(i)) for i in staged],
            sorted(stale),
            target.record,
            tree=job.tree,
        )
        del outcomes
        removed = tuple(commit.apply(journal))
        _restat(target.out, records, written)
        index_from = built_from((p, records[p].sha256) for p in pages if p in records)
        new = BuildRecord(
            str(target.out), plan_key, templates, len(planned.loaded), records, index_from
        )
        warm = Warm(sources.key, planned.site, planned.loaded, pages, sources.digests)
        faults.reach("record")
        target.memory.keep(config, target.record, new, warm, full=planned.full)
        commit.end(journal)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Built(
        len(planned.loaded),
        len(records),
        written,
        removed,
        rendered,
        len(plan),
        pages,
        index_from,
        site_records(config, planned.site) if config.search else None,
    )


def _restat(out: Path, records: dict[str, OutputRecord], written: Sequence[str]) -> None:
    """The size and mtime of each file the commit wrote, as it is now."""
    base = str(out) + os.sep
    for path in written:
        size, mtime_ns = stat_of(base + path) or (-1, -1)
        r = records[path]  # made directly: replace() goes through __init__, for every file
        records[path] = OutputRecord(r.fingerprint, r.sha256, size, mtime_ns, r.data)


def _render(
    plan: Plan,
    known: Mapping[str, OutputRecord],
    job: workers.RenderJob,
    bodies: BodyCache,
    jobs: int | None,
    progress: Progress | None,
) -> tuple[workers.Outcomes, Sequence[str], Path]:
    """Render the plan's outputs into a new staging folder (the output folder is
    untouched): what each output came to, the outputs' paths, and the staging folder
    (the caller's to commit and remove)."""
    out = Path(job.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(out)
    job = replace(job, staging=str(staging))
    try:
        outcomes = workers.render_outputs(
            plan,
            known,
            job,
            jobs=jobs or default_jobs(),
            bodies=bodies,
            progress=progress,
            order=plan.time_order(),
        )
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ArchiveError(
                f"cannot stage the build beside {out}: {exc.strerror}; the output is unchanged"
            ) from None
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        bodies.flush()
    return outcomes, plan.paths(), staging  # paths: after the workers forked, the builder's own


def _records(
    out: Path,
    paths: Sequence[str],
    outcomes: workers.Outcomes,
    known: Mapping[str, OutputRecord],
    *,
    full: bool,
) -> dict[str, OutputRecord]:
    """The build record's entries: outputs not planned (a warm build's) stand as they
    were; a kept output keeps its record; any other is recorded as its file is now."""
    records: dict[str, OutputRecord] = {} if full else dict(known)
    base = str(out) + os.sep
    for i, path in enumerate(paths):
        fp, digest, data = outcomes.digests_of(i)
        if outcomes.how(i) == workers.KEPT and known[path].data == data:
            records[path] = known[path]
        else:
            size, mtime_ns = stat_of(base + path) or (-1, -1)
            records[path] = OutputRecord(fp, digest, size, mtime_ns, data)
    return records


def _untouched(out: Path, previous: BuildRecord, skip: set[str]) -> bool:
    """Every file the last build wrote, but those in ``skip``, is as it left it."""
    base = str(out) + os.sep
    return all(
        stat_of(base + path) == (rec.size, rec.mtime_ns)
        for path, rec in previous.outputs.items()
        if path not in skip
    )


def _search_behind(config: Config, target: Target) -> bool:
    """The search index does not show the last build's pages (a kill came between them,
    or it was deleted): the site is loaded so that it can be written."""
    previous = target.previous
    return previous is not None and index_behind(config, target.out, previous.index_from)


def _index(
    config: Config, out: Path, built: Built, index_search: IndexFn | None, since: str
) -> SearchReport | None:
    """Update the site's search index with the article pages that changed (``since``: the
    digest of the last build's), or write it whole where it is behind."""
    changed = changed_article_pages(built.article_pages, built.written, built.removed)
    request = IndexRequest(config, out, changed, built.index_from, since, built.records)
    report = (index_search or index_now)(request)
    return report if index_search is None and isinstance(report, SearchReport) else None
