"""``archivesite serve``: the preview, wired from its parts.

:class:`serve.Preview` watches the sources and serves the output; this module gives it
the stages it calls: a build that keeps a :class:`BuildSession` between rebuilds (told
by the watcher which content files changed, and owning its output folder) and hands the
search index to a background indexer, so a reload never waits for it (when a new index
is in place, open pages are told, so the search page searches it); and an import of
the seeds that changed. The command line only calls :func:`run_preview`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .build import BuildSession, build
from .config import Config
from .errors import ArchiveError, raise_all
from .hosting import Compress
from .import_report import report_lines
from .ingest import find_seeds, import_seeds
from .locks import holding, import_lock
from .search import BackgroundIndexer, IndexRequest, SearchReport, index_now
from .serve import Preview
from .watch import Change, ChangeKind

log = logging.getLogger(__name__)

# Seconds that stopping waits for a search index still being written.
_INDEX_WAIT = 2

Echo = Callable[[str, bool], None]  # (text, to stderr)


def make_preview(
    site: Path, *, host: str, port: int, poll: bool, compress: Compress = Compress.OFF
) -> tuple[Preview, BackgroundIndexer]:
    """A preview of ``site`` (not started) and the indexer its builds hand the search to."""

    def index(request: IndexRequest) -> SearchReport:
        report = index_now(request)
        if report.action == "indexed":
            preview.livereload.search_indexed()
        return report

    indexer = BackgroundIndexer(index)
    session = BuildSession(owns_output=True)
    root = site.resolve()

    def hint(changes: frozenset[Change] | None) -> None:
        session.hint = None
        if changes is not None and all(c.kind is ChangeKind.CONTENT for c in changes):
            with contextlib.suppress(ValueError):  # a path outside the site: scan them all
                session.hint = frozenset(c.path.relative_to(root).as_posix() for c in changes)

    def rebuild(config: Config, out: Path) -> object:
        return build(config, out=out, index_search=indexer.request, session=session, publish=False)

    try:
        preview = Preview(
            site,
            build=rebuild,
            import_seeds=_import,
            host=host,
            port=port,
            poll=poll,
            before_build=hint,
            compress=compress,
        )
    except OSError as exc:
        indexer.close(timeout=0)
        raise ArchiveError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return preview, indexer


def _import(config: Config, paths: Sequence[Path]) -> object:
    """Import the seeds that changed; their failures are raised, for the preview to show
    in the terminal and the browser, and everything else is logged as ``import`` prints it."""
    with holding(import_lock(config.state_dir), f"the site {config.root} (import)"):
        report = import_seeds(config, find_seeds(paths, follow_all=config.follow_symlinks))
    failures = {str(e) for e in report.failed}
    for line in report_lines(report):
        if line.text not in failures:
            (log.warning if line.err else log.info)("import: %s", line.text)
    raise_all(report.failed)
    return report


def run_preview(
    site: Path,
    *,
    host: str,
    port: int,
    poll: bool,
    echo: Echo,
    compress: Compress = Compress.OFF,
) -> None:
    """Serve a preview of ``site`` until Ctrl-C or SIGTERM, telling the user through
    ``echo(text, to_stderr)``."""
    preview, indexer = make_preview(site, host=host, port=port, poll=poll, compress=compress)
    # Ctrl-C and kill both stop cleanly, even where a shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        preview.start()
        echo(f"Serving {site.resolve()} at {preview.url} (Ctrl-C to stop)", False)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        echo("Stopping.", True)
    finally:
        _stop(preview, indexer, echo)


def _stop(preview: Preview, indexer: BackgroundIndexer, echo: Echo) -> None:
    try:
        preview.stop()
        if not indexer.close(timeout=_INDEX_WAIT):
            # The indexer is still writing the preview's own index: leave it unfinished
            # rather than wait at exit, where its thread pool would be joined.
            echo("Stopped; the preview's search index was left unfinished.", True)
            _exit(0)
    except KeyboardInterrupt:  # a second Ctrl-C: do not wait for a running build
        echo("Stopped without waiting for the running build.", True)
        _exit(130)


def _exit(status: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
