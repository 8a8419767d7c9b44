"""What one build of a site into one folder keeps for the next: the warm state.

A build takes from the one before it the build record (what it wrote), the content
digests (:mod:`scan`), the parsed-article and body caches and the template memo
(:mod:`caches`), and the warm state of its plan (:class:`Warm`: the assembled site and
the articles as placed), with which an edit that moves no article re-plans only the
outputs that show it (:func:`warm_plan`). Two kinds of memory keep all this behind one
interface, :class:`Memory`: a :class:`BuildSession` that a long-lived caller (the
preview server) holds between builds, and :class:`SavedState`, the files under
``.archivesite/`` that a fresh process reads and writes. Anything unexpected in
either means: no warm state, the full path.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple, Protocol

from . import load, stories
from .caches import (
    BODIES_CACHE,
    FEATURES_CACHE,
    ArticleCache,
    BodyCache,
    FeatureCache,
    read_template_refs,
    write_template_refs,
)
from .config import Config
from .errors import ArchiveError
from .files import pickle_atomic, stat_of
from .fingerprints import TemplateRefs
from .model import Article, Site
from .published import Settled
from .record import BuildRecord, read_record, write_record
from .scan import STATS_CACHE, StatCache
from .site import Plan, plan_outputs, replace_articles

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = 3

# Fields of an article that may change without moving it anywhere: no new URL, period,
# neighbour order, term or page listing (the title orders undated articles and pages,
# so it is free only for dated articles).
_FREE_FIELDS = ("lede", "summary", "body_offset", "body_line", "body_hash")
# More edited files than this at once: the full path is as quick.
_WARM_LIMIT = 50


class Warm(NamedTuple):
    """The state of a built plan that a later build can re-plan from."""

    key: str  # what it was built for: output folder, drafts, configuration, theme, code
    site: Site
    loaded: dict[str, Article]  # every article and page by source, as placed
    article_pages: tuple[str, ...]
    digests: dict[str, str]  # the content digests it was built from


class Planned(NamedTuple):
    """A site and the outputs to check: all of them, or (warm) those showing an edit."""

    site: Site
    plan: Plan
    loaded: dict[str, Article]  # every article and page by source, as placed
    article_pages: tuple[str, ...] | None  # every article page; None: the plan's own
    full: bool
    settled: Settled | None = None  # the record of published URLs (full plans only)


class Memory(Protocol):
    """Where a build finds what the last one left, and leaves its own."""

    owns_output: bool  # files the last build wrote are taken to be as it left them

    def previous(self, record: Path, out: Path) -> tuple[BuildRecord | None, dict[str, str]]:
        """The last build record (None: none usable) and the files it lists as written."""

    def discard(self, config: Config, record: Path) -> None:
        """Forget every cache and warm state (``--clean``)."""

    def template_refs(self, config: Config) -> TemplateRefs: ...

    def digests(self, config: Config, *, first: bool) -> dict[str, str]:
        """Every content file's digest; on a ``first`` build, "" where not known yet."""

    def scanned(self, config: Config, digests: dict[str, str]) -> None:
        """The digests are complete (after a first build's parsing filled them in)."""

    def may_skip(self, key: str, previous: BuildRecord) -> bool:
        """Whether a build that finds nothing changed may stop without loading the site."""

    def warm(self, key: str, previous: BuildRecord) -> Warm | None:
        """The last plan's warm state if it is for ``key`` and ``previous``."""

    def kept_articles(self) -> ArticleCache | None:
        """The parsed-article cache, if one is held (the warm path adds to it)."""

    def article_cache(self, config: Config, digests: Mapping[str, str]) -> ArticleCache: ...

    def bodies(self, config: Config) -> BodyCache: ...

    def features(self, config: Config) -> FeatureCache:
        """The related-coverage features of the texts (a session holds them between builds:
        reading them all again for each edit costs more than the edit)."""

    def keep(
        self, config: Config, record: Path, new: BuildRecord, warm: Warm, *, full: bool
    ) -> None:
        """What this build leaves for the next."""

    def finish(self, config: Config) -> None:
        """After every build, changed or not."""


@dataclass
class BuildSession:
    """Warm state held in memory by a long-lived caller building one site into one
    folder again and again (the preview server): the next build hashes only files whose
    stat changed and, when an edit moves nothing, re-plans only what shows it. The
    build record on disk is written by full builds only: a later build without this
    session finds the files that warm builds rewrote changed, and renders them again."""

    # Set by a caller that watches the sources before each build: the content files
    # (site-relative) that changed since the last build; None: unknown, stat them all.
    hint: frozenset[str] | None = None
    # The caller owns the output folder (the preview server's own): files the last
    # build wrote are taken to be as it left them, without a stat of each.
    owns_output: bool = False
    scan: StatCache = field(default_factory=StatCache)
    refs: TemplateRefs = field(default_factory=dict)
    articles: ArticleCache | None = None
    body_cache: BodyCache | None = None
    feature_cache: FeatureCache | None = None
    last: Warm | None = None
    record: BuildRecord | None = None
    record_stat: tuple[int, int] | None = None  # of the build record this session wrote

    def previous(self, record: Path, out: Path) -> tuple[BuildRecord | None, dict[str, str]]:
        if self.record is not None and stat_of(record) == self.record_stat:
            return self.record, self.record.files  # the record on disk is the one we wrote
        return read_record(record, out)

    def discard(self, config: Config, record: Path) -> None:
        SavedState().discard(config, record)
        self.last = self.record = self.record_stat = self.articles = self.feature_cache = None
        self.scan, self.refs = StatCache(), {}
        if self.body_cache is not None:
            self.body_cache.close()
            self.body_cache = None

    def template_refs(self, config: Config) -> TemplateRefs:
        return self.refs

    def digests(self, config: Config, *, first: bool) -> dict[str, str]:
        hint, self.hint = self.hint, None
        return self.scan.scan(config, hint=hint)

    def scanned(self, config: Config, digests: dict[str, str]) -> None:
        pass

    def may_skip(self, key: str, previous: BuildRecord) -> bool:
        return self.warm(key, previous) is not None  # else load the site once, for later edits

    def warm(self, key: str, previous: BuildRecord) -> Warm | None:
        last, record = self.last, self.record
        same_plan = record is not None and record.plan_key == previous.plan_key
        if last is not None and last.key == key and same_plan:
            return last
        self.last = None  # not held through a full build
        return None

    def kept_articles(self) -> ArticleCache | None:
        return self.articles

    def article_cache(self, config: Config, digests: Mapping[str, str]) -> ArticleCache:
        self.last = None  # a full load replaces it: not held through the build
        if self.articles is None:
            self.articles = ArticleCache(config, digests=digests)
        else:
            self.articles.begin(digests)
        return self.articles

    def bodies(self, config: Config) -> BodyCache:
        path = config.state_dir / BODIES_CACHE
        if self.body_cache is None or self.body_cache.path != path:
            if self.body_cache is not None:
                self.body_cache.close()
            self.body_cache = BodyCache(path, writer=True)  # kept open: opening costs time
        return self.body_cache

    def features(self, config: Config) -> FeatureCache:
        if (
            self.feature_cache is None
            or self.feature_cache.path != config.state_dir / FEATURES_CACHE
        ):
            self.feature_cache = FeatureCache(config)
        return self.feature_cache

    def keep(
        self, config: Config, record: Path, new: BuildRecord, warm: Warm, *, full: bool
    ) -> None:
        if full:
            write_record(record, new)
            self.record_stat = stat_of(record)
        self.record, self.last = new, warm

    def finish(self, config: Config) -> None:
        pass


@dataclass
class SavedState:
    """Warm state kept in ``.archivesite/`` for the next process: the stat cache, the
    template memo, and a snapshot of the last plan's :class:`Warm` named by its plan, so
    that a build whose plan is unchanged (a template edit) keeps it."""

    owns_output: bool = False
    scan: StatCache = field(default_factory=StatCache)
    refs: TemplateRefs = field(default_factory=dict)
    refs_size: int = 0
    record: Path | None = None
    body_cache: BodyCache | None = None

    def previous(self, record: Path, out: Path) -> tuple[BuildRecord | None, dict[str, str]]:
        self.record = record
        return read_record(record, out)

    def discard(self, config: Config, record: Path) -> None:
        from .caches import discard

        _remove_snapshots(record)
        discard(config)
        self.scan = StatCache()

    def template_refs(self, config: Config) -> TemplateRefs:
        self.refs = read_template_refs(config)
        self.refs_size = len(self.refs)
        return self.refs

    def digests(self, config: Config, *, first: bool) -> dict[str, str]:
        path = config.state_dir / STATS_CACHE
        self.scan.read(path, str(config.root))
        # Nothing to compare with: new files are hashed by the workers that parse them.
        digests = self.scan.scan(config, hash_new=not first)
        if not first:
            self.scanned(config, digests)
        return digests

    def scanned(self, config: Config, digests: dict[str, str]) -> None:
        self.scan.digests = digests
        self.scan.write(config.state_dir / STATS_CACHE, str(config.root))
        self.scan = StatCache()  # saved: not held through the build

    def may_skip(self, key: str, previous: BuildRecord) -> bool:
        return True

    def warm(self, key: str, previous: BuildRecord) -> Warm | None:
        if self.record is None:
            return None
        return _read_snapshot(_snapshot_path(self.record, previous.plan_key), key)

    def kept_articles(self) -> ArticleCache | None:
        return None

    def article_cache(self, config: Config, digests: Mapping[str, str]) -> ArticleCache:
        return ArticleCache(config, digests=digests)

    def bodies(self, config: Config) -> BodyCache:
        self.body_cache = BodyCache(config.state_dir / BODIES_CACHE, writer=True)
        return self.body_cache

    def features(self, config: Config) -> FeatureCache:
        return FeatureCache(config)

    def keep(
        self, config: Config, record: Path, new: BuildRecord, warm: Warm, *, full: bool
    ) -> None:
        write_record(record, new)
        snapshot = _snapshot_path(record, new.plan_key)
        if not snapshot.exists():  # one with this plan describes this very site
            _write_snapshot(snapshot, warm)
        _remove_snapshots(record, keep=snapshot)

    def finish(self, config: Config) -> None:
        if self.body_cache is not None:
            self.body_cache.close()
        if len(self.refs) != self.refs_size:
            write_template_refs(config, self.refs if len(self.refs) < 1000 else {})


def _snapshot_path(record: Path, plan_key: str) -> Path:
    return record.with_name(f"{record.stem}.{plan_key[:32]}.pickle")


def _remove_snapshots(record: Path, keep: Path | None = None) -> None:
    for path in record.parent.glob(f"{record.stem}.*.pickle"):
        if path != keep:
            path.unlink(missing_ok=True)


def _write_snapshot(path: Path, warm: Warm) -> None:
    try:
        pickle_atomic(path, (SNAPSHOT_VERSION, *warm))
    except (OSError, pickle.PicklingError) as exc:
        log.warning("%s: cannot save the warm state: %s", path, exc)


def _read_snapshot(path: Path, key: str) -> Warm | None:
    """The saved warm state, or None (missing, damaged, or for another key)."""
    try:
        with path.open("rb") as f:
            version, *fields = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # any damage means: the full path
        log.debug("%s: unusable warm state (%s)", path, exc)
        return None
    if version != SNAPSHOT_VERSION:
        return None
    warm = Warm(*fields)
    return warm if warm.key == key else None


def warm_plan(
    config: Config,
    warm: Warm,
    digests: Mapping[str, str],
    drafts: bool,
    memory: Memory,
) -> Planned | None:
    """The outputs showing the edited articles, when a few articles changed and none of
    them moved (see :data:`_FREE_FIELDS`); None: take the full path. ``memory``: where
    the parsed articles (if held) and the texts' features are kept."""
    old_digests = warm.digests
    if set(old_digests) != set(digests):
        return None
    changed = [rel for rel, d in digests.items() if old_digests[rel] != d]
    if not changed or len(changed) > _WARM_LIMIT:
        return None
    parsed: dict[str, Article] = {}
    for rel in changed:
        article = _unmoved(config, warm.loaded.get(rel), rel, drafts)
        if article is None:
            return None
        parsed[rel] = article
    retitled = any(a.title != warm.loaded[rel].title for rel, a in parsed.items())
    if retitled and not stories.stay_apart(parsed.values(), warm.loaded.values()):
        return None  # a new headline may join a story told in versions
    cache = memory.kept_articles()
    if cache is not None:
        for rel, article in parsed.items():
            cache.store(rel, digests[rel], article)
    new = {rel: replace(article, url=warm.loaded[rel].url) for rel, article in parsed.items()}
    site = replace_articles(warm.site, new)
    site, affected = _recover(config, site, new, memory)
    plan = plan_outputs(site, only={*new, *affected})
    return Planned(site, plan, {**warm.loaded, **new}, warm.article_pages, full=False)


def _recover(
    config: Config, site: Site, new: Mapping[str, Article], memory: Memory
) -> tuple[Site, set[str]]:
    """The site with its related coverage found again for the edited articles' pairs
    only, and the articles whose coverage changed (their pages show it)."""
    if not config.related.enabled or not any(a.kind == "article" for a in new.values()):
        return site, set()
    from .related import update

    features = memory.features(config)
    coverage, affected = update(
        site.coverage, site.archive.dated, new, features.get, config.related
    )
    return replace(site, coverage=coverage), affected


def _unmoved(config: Config, old: Article | None, rel: str, drafts: bool) -> Article | None:
    """The edited article as parsed, if it stays where ``old`` was placed; None if it
    moved or cannot be read (the full path reports a bad file with every other one)."""
    if old is None or old.kind != "article":
        return None
    try:
        article = load.load_article(config.root / rel, config)
    except ArchiveError:
        return None
    if article.draft and not drafts:
        return None
    free = {f: getattr(old, f) for f in _FREE_FIELDS}
    if old.date is not None:
        free["title"] = old.title
    return article if replace(article, url=old.url, **free) == old else None
