"""``build(config) -> BuildReport``: the recipe, and the only writer of the output folder.

1. load every content file (all bad files reported together), assemble the
   site, plan one :class:`Output` per file (URL collisions reported);
2. render every output into a staging folder next to the output folder (same
   filesystem), keeping only files whose bytes differ from what is there;
   nothing in the output folder changes until every page has rendered;
3. move each changed file into place with ``os.replace`` (atomic per file), so
   unchanged files keep their mtime;
4. remove files an earlier build wrote that this build no longer produces. The
   record of what archivesite wrote is the manifest in the site's state folder,
   ``.archivesite/builds/<hash of the output folder's path>.json``; a file not in
   it (one archivesite did not write) is never deleted.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import ArchiveError, ArchiveErrors
from .load import load_articles
from .model import Output
from .render import render
from .search import IndexFn, SearchReport, changed_article_pages, update_search_index
from .site import assemble, plan_outputs

log = logging.getLogger(__name__)

PARALLEL_THRESHOLD = 2000  # below this many outputs, worker processes cost more than they save


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


def build(
    config: Config,
    *,
    out: Path | None = None,
    drafts: bool = False,
    clean: bool = False,
    jobs: int | None = None,
    index_search: IndexFn | None = None,
) -> BuildReport:
    """Build the site into ``out`` (default ``build/``).

    ``clean`` rewrites every file even where its bytes are unchanged. ``jobs``
    is the number of worker processes (default: one per CPU for large sites).
    ``index_search(config, out, changed_article_pages)`` replaces the synchronous
    search-index update (the preview server passes a background indexer's ``request``).
    """
    started = time.perf_counter()
    out = (out or default_out(config)).resolve()
    _check_out(config, out)
    articles = load_articles(config, drafts=drafts)
    site = assemble(config, articles)
    outputs = plan_outputs(site)
    log.debug("%d articles, %d outputs", len(articles), len(outputs))

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        results = _render_all(outputs, out, staging, force=clean, jobs=jobs)
        written = tuple(path for path, changed, _ in results if changed)
        hashes = {path: digest for path, _, digest in results}
        _commit(written, staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    previous = _read_manifest(config, out)
    removed = _prune(out, sorted(set(previous) - set(hashes)))
    _write_manifest(config, out, hashes)
    # --- search index (issue 6, search.py): re-index only when an article page changed ---
    changed = changed_article_pages(
        (o.path for o in outputs if o.kind == "article"), written, removed
    )
    search: SearchReport | None = None
    if index_search is None:
        search = update_search_index(config, out, changed)
    else:
        index_search(config, out, changed)
    # --- end search index ---
    report = BuildReport(
        out=out,
        articles=len(articles),
        outputs=len(outputs),
        written=written,
        unchanged=len(results) - len(written),
        removed=tuple(removed),
        seconds=time.perf_counter() - started,
        search=search,
    )
    return report


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


def _render_one(output: Output, out: str, staging: str, force: bool) -> tuple[str, bool, str]:
    """Render one output; stage it when its bytes differ. (path, changed, sha256)."""
    rendered = render(output)
    digest = hashlib.sha256(rendered.data).hexdigest()
    target = Path(out) / rendered.path
    if not force:
        try:
            if target.stat().st_size == len(rendered.data) and target.read_bytes() == rendered.data:
                return rendered.path, False, digest
        except OSError:
            pass
    staged = Path(staging) / rendered.path
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(rendered.data)
    return rendered.path, True, digest


def _render_batch(
    outputs: list[Output], out: str, staging: str, force: bool
) -> list[tuple[str, bool, str] | ArchiveError]:
    results: list[tuple[str, bool, str] | ArchiveError] = []
    for output in outputs:
        try:
            results.append(_render_one(output, out, staging, force))
        except ArchiveError as exc:
            results.append(exc)
    return results


def _render_all(
    outputs: tuple[Output, ...], out: Path, staging: Path, *, force: bool, jobs: int | None
) -> list[tuple[str, bool, str]]:
    if jobs is None:
        jobs = 1 if len(outputs) < PARALLEL_THRESHOLD else max(1, min(os.cpu_count() or 1, 8))
    batches: list[list[Output]]
    if jobs <= 1:
        raw = _render_batch(list(outputs), str(out), str(staging), force)
    else:
        size = max(50, len(outputs) // (jobs * 8))
        batches = [list(outputs[i : i + size]) for i in range(0, len(outputs), size)]
        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            futures = [
                pool.submit(_render_batch, b, str(out), str(staging), force) for b in batches
            ]
            raw = [r for f in futures for r in f.result()]
    errors: list[ArchiveError] = []
    seen: set[str] = set()
    results: list[tuple[str, bool, str]] = []
    for r in raw:
        if isinstance(r, ArchiveError):
            if str(r) not in seen:
                seen.add(str(r))
                errors.append(r)
        else:
            results.append(r)
    if errors:
        raise errors[0] if len(errors) == 1 else ArchiveErrors(errors)
    return results


def _commit(paths: Iterable[str], staging: Path, out: Path) -> None:
    """Move each staged file into place (atomic per file)."""
    for rel in paths:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise ArchiveError(f"cannot write {target}: a folder is in the way")
        (staging / rel).replace(target)


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


def _read_manifest(config: Config, out: Path) -> dict[str, str]:
    path = manifest_path(config, out)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable build record (%s); no stale files will be removed", path, exc)
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or data.get("out") != str(out):
        return {}
    return {str(k): str(v) for k, v in files.items()}


def _write_manifest(config: Config, out: Path, hashes: dict[str, str]) -> None:
    path = manifest_path(config, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"out": str(out), "files": dict(sorted(hashes.items()))}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
