"""The command line: click commands that only orchestrate the stages.

Logging is configured here once; an :class:`ArchiveError` becomes its
``path:line: message`` on stderr and exit status 1. Each command's logic lives
in its stage module (``ingest``, ``build``, ``scaffold``, ``serve``); the
imports are inside the commands so that ``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .config import load_config
from .errors import ArchiveError

log = logging.getLogger("archivesite")

PROGRESS_THRESHOLD = 200  # files; the import shows a progress bar on a terminal above it


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)


def _fail(exc: ArchiveError) -> None:
    click.echo(str(exc), err=True)
    sys.exit(1)


site_option = click.option(
    "--site",
    "site",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="The site's root folder (holding archivesite.toml, seeds/, content/).",
)


no_wait_option = click.option(
    "--no-wait",
    is_flag=True,
    help="Fail at once if another archivesite process is using the same folder "
    "(default: wait for it, saying which process it is).",
)


@click.group()
@click.version_option(__version__, prog_name="archivesite")
@click.option("-v", "--verbose", count=True, help="Say more.")
@click.option("-q", "--quiet", is_flag=True, help="Say only warnings and errors.")
def cli(verbose: int, quiet: bool) -> None:
    """archivesite: a static site generator for news archives."""
    _setup_logging(verbose, quiet)


@cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@site_option
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Latest date an article may have, for the year of a month and day printed "
    "without one (default: import.as_of; else the dates of the other files in the "
    "folder, else the file's modification time; a year/month folder comes first).",
)
@click.option("--year", type=int, default=None, help="Use this year where the text gives none.")
@click.option("--force", is_flag=True, help="Overwrite content files edited by hand.")
@click.option(
    "--report",
    "report_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write what decided each article's date, dateline and agency to this CSV file.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Worker processes that parse the files (default: every core).",
)
@no_wait_option
@click.pass_context
def import_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    site: Path,
    as_of: dt.datetime | None,
    year: int | None,
    force: bool,
    report_csv: Path | None,
    jobs: int | None,
    no_wait: bool,
) -> None:
    """Import raw article text files and collections (SGML, CSV, JSON Lines), agency
    copy (NITF, NewsML-G2, NewsML 1.2, ANPA 1312 wire text), saved HTML article pages
    and RSS/Atom feeds, also in .gz and .zip (PATHS: files or folders; default:
    seeds/) into front-matter Markdown under content/YYYY/MM/DD/, one article per
    story, record or feed entry.

    Files named in PATHS are always read; in folders (recursively) every file a
    reader takes is, whatever its extension, and other files are counted as skipped.
    Importing again writes nothing for unchanged seeds; a content file edited by
    hand is left alone unless --force. `archivesite -v import` says what decided
    each article's date, dateline and agency. Exit status 1 if any file failed.
    """
    import functools

    from . import faults
    from .import_report import report_lines
    from .ingest import count_seeds, run_import
    from .locks import holding, import_lock

    verbose = bool(ctx.parent and ctx.parent.params.get("verbose"))
    try:
        config = load_config(site)
        run = functools.partial(
            run_import,
            config,
            paths,
            as_of=as_of.date() if as_of else None,
            year=year,
            force=force,
            jobs=jobs,
            report_csv=report_csv,
        )
        lock = import_lock(config.state_dir)
        with holding(lock, f"the site {config.root} (import)", wait=not no_wait):
            faults.reach("import")
            total = count_seeds(config, paths) if sys.stderr.isatty() else 0
            if total > PROGRESS_THRESHOLD:
                with click.progressbar(length=total, label="importing", file=sys.stderr) as bar:
                    report = run(progress=lambda _: bar.update(1))
            else:
                report = run()
    except ArchiveError as exc:
        _fail(exc)
        return
    for line in report_lines(report, verbose=verbose):
        click.echo(line.text, err=line.err)
    if not report.ok:
        sys.exit(1)


@cli.command("build")
@site_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: build/ in the site).",
)
@click.option("--base-url", default=None, help="Override base_url from archivesite.toml.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option(
    "--clean",
    is_flag=True,
    help="Discard every cache and build record in .archivesite/ and render and rewrite "
    "every file (files an earlier build wrote and this one does not are still removed).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Worker processes (default: every core, once there are 500 or more pages to check).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail, writing nothing, when a published URL is gone without a successor "
    "(default: a warning).",
)
@no_wait_option
def build_command(
    site: Path,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    clean: bool,
    jobs: int | None,
    strict: bool,
    no_wait: bool,
) -> None:
    """Render content/ through the templates into build/ (or --out).

    Incremental: only pages whose inputs changed since the last build are
    rendered, and only files whose bytes changed are written. Every article URL
    published is kept in published-urls.tsv (commit it with the site): a URL that
    moved gets a redirect page and a _redirects line; one gone is reported. Says how
    many files in seeds/ are not imported yet, if any."""
    from .build import build
    from .unimported import unimported_note

    progress = _BuildProgress() if sys.stderr.isatty() else None

    try:
        config = load_config(site)
        if base_url is not None:
            try:
                config = config.with_base_url(base_url)
            except ValueError as exc:
                raise ArchiveError(f"--base-url: {exc}") from exc
        try:
            report = build(
                config,
                out=out,
                drafts=drafts,
                clean=clean,
                jobs=jobs,
                progress=progress,
                wait=not no_wait,
                strict=strict,
            )
        finally:
            if progress is not None:
                progress.close()
    except ArchiveError as exc:
        _fail(exc)
        return
    click.echo(report.summary())
    note = unimported_note(config)
    if note is not None:
        log.warning(note)


class _BuildProgress:
    """A progress bar on stderr for the rendering of a build, shown once it has run 1 s."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self.bar: click._termui_impl.ProgressBar[int] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if self.clock() - self.started < 1.0 or done >= total:
                return
            self.bar = click.progressbar(length=total, label="rendering", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Start a new archive in DIRECTORY: archivesite.toml, seeds/, content/,
    templates/ and static/."""
    from .scaffold import init_site

    try:
        created = init_site(directory)
    except ArchiveError as exc:
        _fail(exc)
        return
    click.echo(f"Created {len(created)} files in {directory}. Next:")
    click.echo(f"  1. put article text files under {directory / 'seeds'}")
    click.echo(f"  2. archivesite import --site {directory}   (seeds/ -> content/)")
    click.echo(f"  3. archivesite build --site {directory}    (content/ -> build/)")
    click.echo(f"  4. archivesite serve --site {directory}    (preview with live reload)")


@cli.command("demo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--articles",
    type=click.IntRange(1),
    default=None,
    help="How many generated stories (default: 2000).",
)
def demo_command(directory: Path, articles: int | None) -> None:
    """Make a demo archive in the new folder DIRECTORY and build it: ARTICLES generated
    wire stories (labelled as sample text) over several years, agencies and places,
    imported and built, so calendars, histograms, pagination and search have something
    to show. Then: archivesite serve --site DIRECTORY."""
    from .build import build
    from .ingest import run_import
    from .samples import DEMO_ARTICLES
    from .scaffold import write_demo

    try:
        write_demo(directory, DEMO_ARTICLES if articles is None else articles)
        config = load_config(directory)
        imported = run_import(config, ())
        if not imported.ok:
            raise ArchiveError(f"the demo's import failed: {imported.summary()}", directory)
        report = build(config)
    except ArchiveError as exc:
        _fail(exc)
        return
    click.echo(imported.summary())
    click.echo(report.summary())
    click.echo(f"Next: archivesite serve --site {directory}   (then open http://127.0.0.1:8000/)")


@cli.command("serve")
@site_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--poll", is_flag=True, help="Poll for changes (network and VM mounts).")
@click.option(
    "--compress",
    type=click.Choice(["off", "gzip", "precompressed"]),
    default="off",
    show_default=True,
    help="Encode responses as a static host would: gzip text on the fly, or send "
    "x.br/x.gz stored next to x (ranges and byte counts then match that host).",
)
def serve_command(site: Path, host: str, port: int, poll: bool, compress: str) -> None:
    """Preview the site: build it into .archivesite/serve/, serve it, and rebuild and
    reload the browser whenever seeds/, content/, templates/, static/ or
    archivesite.toml change. Ctrl-C stops."""
    from .hosting import Compress
    from .preview import run_preview

    try:
        run_preview(site, host=host, port=port, poll=poll, echo=_echo, compress=Compress(compress))
    except ArchiveError as exc:
        _fail(exc)


def _echo(text: str, err: bool) -> None:
    click.echo(text, err=err)


def main() -> None:
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
