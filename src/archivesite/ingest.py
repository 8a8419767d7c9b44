"""The import stage: seed text files -> ``content/**/*.md``; the only writer of content/.

Owns :func:`story_to_markdown` (pure: one parsed story and its facts -> the
text of its content file), :func:`run_import` (the import command: which files,
:func:`import_seeds`, the review table), :func:`import_seeds` (read and parse the
seeds, in worker processes where there are many; date each from its own evidence
and its folder's, see :mod:`archivesite.dates`; write) and the import manifest
``content/.archivesite-import.json``.

The manifest maps each content file the importer wrote (path relative to
``content/``, POSIX separators) to the seed it came from and the sha256 of the
bytes written::

    {"version": 1, "files": {"2022/01/11/us-sidestepped.md": {
        "source_file": "seeds/000.txt", "source_sha256": "...",
        "text_sha256": "...", "content_sha256": "..."}}}

It is what makes a re-import safe: a content file whose bytes no longer match
``content_sha256`` was edited by hand and is never overwritten without
``force``; a file with no record that differs from what the importer would
write is treated the same way. ``text_sha256`` (the decoded, normalised text)
finds the same article under another file name.

The manifest is read and written streamed (:mod:`archivesite.import_manifest`), and
what a run keeps for each record until its end waits on disk, in the run's
:class:`~archivesite.ledger.Ledger` and :class:`~archivesite.spool.Spool`: an
import's memory does not grow with the number or size of the records.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import logging
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .config import IMPORT_MANIFEST, Config
from .dates import (
    Clues,
    DateReference,
    DateSource,
    Dating,
    PathDate,
    Reference,
    date_in_path,
    decide_date,
    first_sentence,
    reporting_weekday,
)
from .decode import read_seed
from .errors import ArchiveError
from .escape import escape_body
from .files import write_atomic
from .import_manifest import read_entries, save_manifest
from .import_report import ArticleRecord, Duplicate, ImportReport, write_csv
from .ledger import FirstLines, Ledger
from .readers import LeftOut, ReadOptions, Record, is_plain_text, read_file
from .seedfiles import folder_files, select_seeds
from .slugs import article_slug, numbered, title_from_filename
from .spool import Place, Spool
from .unimported import unimported_seeds
from .versions import UNMARKED, Version, read_version, story_key
from .wire import WireStory, parse_wire
from .workers import default_jobs, forking_pays, map_forked

log = logging.getLogger(__name__)

MANIFEST_NAME = IMPORT_MANIFEST
PARALLEL_THRESHOLD = 200  # seeds; below it, worker processes cost more than they save
UNDATED_DIR = "undated"
MAX_FALLBACK_TITLE = 100

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


# --- the content file ----------------------------------------------------------


_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Safe YAML (libyaml where available) with ISO 8601 datetimes
    (``2022-01-11T09:30:00+03:00``) and strings holding Unicode line or paragraph
    separators double-quoted, so that they read back unchanged; never an alias (``&id001``)
    where one value (a date) is written twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\u2028" in value or "\u2029" in value or "\x85" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_Dumper.add_representer(dt.datetime, _represent_datetime)
_Dumper.add_representer(str, _represent_str)


def lead_text(story: WireStory) -> str:
    """The lead paragraph without its dateline ("" where there is no body)."""
    return story.lead or ""


def summary_of(story: WireStory) -> str | None:
    """The lede, else the body's first sentence without its dateline."""
    if story.lede:
        return story.lede
    lead = lead_text(story).strip()
    if lead:
        return first_sentence(lead)
    for paragraph in story.paragraphs:
        if paragraph.strip():
            return first_sentence(paragraph)
    return None


def language_of(story: WireStory, site_language: str) -> str | None:
    """``ru`` for Cyrillic text on a site in another language; else None (the site's)."""
    sample = " ".join([story.title or "", *story.paragraphs[:3]])
    if len(_CYRILLIC.findall(sample)) > len(_LATIN.findall(sample)):
        return None if site_language.lower().split("-")[0] == "ru" else "ru"
    return None


def story_to_markdown(
    story: WireStory,
    *,
    title: str,
    date: dt.date | None,
    date_source: DateSource,
    language: str | None,
    source_file: str,
    source_sha256: str,
    tags: Sequence[str] = (),
    date_reference: DateReference | None = None,
    title_source: str | None = None,
    stated: Sequence[tuple[str, str | bool]] = (),
    story_id: str | None = None,
    version: Version | None = None,
) -> str:
    """The whole content file: YAML front matter (keys in the contract's order) and body."""
    meta: dict[str, Any] = {"title": title}
    if title_source is not None:
        meta["title_source"] = title_source
    if story.lede:
        meta["lede"] = story.lede
    summary = summary_of(story)
    meta["summary"] = summary if summary is not None else title
    if date is not None:
        meta["date"] = date
    meta["date_source"] = date_source
    if date_reference is not None:
        meta["date_reference"] = date_reference
    if story.dateline is not None:
        meta["dateline"] = story.dateline.text
        meta["place"] = story.dateline.place
        if story.dateline.region:
            meta["region"] = story.dateline.region
    if story.agency:
        meta["agency"] = story.agency
    meta.update(stated)  # author, site_name, source_url, excerpt: as the source states them
    if language:
        meta["language"] = language
    meta["source_file"] = source_file
    meta["source_sha256"] = source_sha256
    meta["tags"] = list(tags)
    if story_id is not None:
        meta["story"] = story_id
    if version is not None:
        meta.update(version_meta(version, date))
    front = yaml.dump(
        meta,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
    )
    return f"---\n{front}---\n{escape_body(body_paragraphs(story))}"


def version_meta(version: Version, date: dt.date | None) -> dict[str, Any]:
    """The front matter of a story's version: its markers, its notes, its corrections
    (each dated with the version's own date; a ``CORRECTED`` version with no notice
    adds one saying so)."""
    meta: dict[str, Any] = {}
    if version.label:
        meta["version"] = version.label
    if version.notes:
        meta["version_note"] = " ".join(version.notes)
    texts = list(version.corrections)
    if version.corrects and not texts:
        texts.append(f"Corrected version ({version.label}).")
    if texts:
        meta["corrections"] = [
            {"date": date, "text": text} if date is not None else {"text": text} for text in texts
        ]
    return meta


def body_paragraphs(story: WireStory) -> list[str]:
    """The story's paragraphs, with no empty ones and no empty lines inside one."""
    out = []
    for paragraph in story.paragraphs:
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if lines:
            out.append("\n".join(lines))
    return out


# --- facts about one seed ------------------------------------------------------


def text_hash(text: str) -> str:
    """sha256 of the normalised text: what "the same article" means for duplicates."""
    lines = [line.rstrip() for line in text.split("\n")]
    return hashlib.sha256("\n".join(lines).strip().encode("utf-8")).hexdigest()


def fallback_title(story: WireStory, stem: str) -> str:
    """A title for a story with none: the file name where it reads as one, else the
    first sentence of the lead."""
    named = title_from_filename(stem)
    if named:
        return named
    sentence = first_sentence(lead_text(story) or (story.paragraphs or ("",))[0]).strip()
    if not sentence:
        return stem
    if len(sentence) > MAX_FALLBACK_TITLE:
        cut = sentence[:MAX_FALLBACK_TITLE].rsplit(" ", 1)[0]
        sentence = cut.rstrip(",;:") + "…"
    return sentence.rstrip(".")


def clues_of(story: WireStory, path: PathDate) -> Clues:
    """What a parsed story and its file's path say about its date."""
    month, day, year = story.month, story.day, story.year
    if month is None and story.filed is not None:
        month, day, year = story.filed.month, story.filed.day, story.filed.year
    return Clues(
        path_date=path.date,
        path_where=path.where,
        month=month,
        day=day,
        year=year,
        time=story.time,
        weekday=reporting_weekday(lead_text(story)),
    )


def own_date(story: WireStory, path: PathDate) -> dt.date | None:
    """The date a file carries itself (in its path, or in full in its text): what its
    neighbours may take as their reference; never a date inferred from a reference."""
    if path.date is not None:
        return path.date
    dating = decide_date(clues_of(story, path), ())
    return dating.date if dating.source == "text" and dating.reference is None else None


# --- the run ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Seed:
    """One seed read and parsed, with everything about it that needs no other file.

    A record of a collection keeps no story (``story`` is None): it waits in the run's
    :class:`Spool` until it is written, so that memory does not grow with its text."""

    path: Path  # the file (a collection's records share it)
    key: str  # source_file: "seeds/x.txt", or "seeds/x.sgm#DOCID" for a record
    shown: str  # the file as given, with "#DOCID" for a record
    raw_sha: str
    text_sha: str
    story: WireStory | None
    dateline: str | None  # what the explanation says about the story
    agency: str | None
    agency_from: str  # where the agency was found, for the explanation
    mtime: float
    path_date: PathDate
    clues: Clues
    title: str
    title_source: str | None  # "fallback" where the file has no title line
    slug: str
    language: str | None
    stated: dt.date | None = None  # a date the format states (date_source: header)
    tags: tuple[str, ...] = ()
    stated_meta: tuple[tuple[str, str | bool], ...] = ()  # author, site_name, ...
    spooled: Place | None = None  # where a collection record's story waits to be written
    version: Version = UNMARKED  # what its headline and notices say about its version
    story_key: str | None = None  # the story its versions share (front matter ``story``)


_SEED_REST = tuple(
    f.name for f in dataclasses.fields(_Seed) if f.name not in ("path", "path_date", "clues")
)


def _pack_seed(seed: _Seed) -> tuple[Any, ...]:
    """A seed as the ledger keeps it: plain values, cheap to pickle and read back."""
    p, c = seed.path_date, seed.clues
    return (
        str(seed.path),
        (p.date, p.where, p.folder_month),
        (c.path_date, c.path_where, c.month, c.day, c.year, c.time, c.weekday),
        *(getattr(seed, name) for name in _SEED_REST),
    )


def _unpack_seed(row: tuple[Any, ...]) -> _Seed:
    path, path_date, clues, *rest = row
    values = dict(zip(_SEED_REST, rest, strict=True))
    return _Seed(path=Path(path), path_date=PathDate(*path_date), clues=Clues(*clues), **values)


def _read(
    path: Path, root: Path, site_language: str, options: ReadOptions, spool: Spool
) -> Iterator[_Seed | LeftOut | ArchiveError]:
    """Read one seed file's records, one at a time (in a worker process, where there
    are several files)."""
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        yield ArchiveError(f"cannot read: {exc.strerror or exc}", path)
        return
    key = source_key(path, root)
    seen = FirstLines()  # record suffix -> the line it was first read at
    try:
        for item in read_file(path, key, options):
            if isinstance(item, Record):
                suffix = record_suffix(item)
                first = seen.first(suffix, item.line) if suffix else None
                if first is not None:
                    message = f"record id {suffix} again (first at line {first}); left out"
                    where = Path(str(path) + suffix.rsplit("#", 1)[0])
                    yield ArchiveError(message, where, item.line)
                    continue
                yield _seed(item, path, key, mtime, site_language, spool)
            elif isinstance(item, ArchiveError) and item.path is None:
                yield ArchiveError(item.message, path, item.line)
            else:
                yield item
    finally:
        seen.close()


def record_suffix(record: Record) -> str:
    """What follows the file's ``source_file`` for a record: ``/member`` inside an
    archive, ``#id`` inside a collection."""
    suffix = f"/{record.member}" if record.member is not None else ""
    return suffix + (f"#{record.id}" if record.id is not None else "")


def _seed(
    record: Record, path: Path, key: str, mtime: float, site_language: str, spool: Spool
) -> _Seed:
    """One record's facts that need no other record or file; a file's one story is
    kept with them, a collection record's is spooled."""
    story = record.story
    marked_title, version = read_version(story.title, story.notes, story.slug_line)
    if record.id is None:
        path_date = date_in_path(path.absolute())
        title = marked_title or fallback_title(story, path.stem)
    else:
        named = path.absolute() / record.name if record.name else path.absolute()
        path_date = date_in_path(named)
        title = marked_title or fallback_title(story, "") or record.id
    suffix = record_suffix(record)
    language = record.language
    if language is not None and language.split("-")[0] == site_language.lower().split("-")[0]:
        language = None
    return _Seed(
        path=path,
        key=key + suffix,
        shown=str(path) + suffix,
        raw_sha=_sha(record.raw),
        text_sha=text_hash(record.text),
        story=story if record.id is None else None,
        spooled=spool.put(story) if record.id is not None else None,
        dateline=story.dateline.text if story.dateline is not None else None,
        agency=story.agency,
        agency_from=(
            "the record"
            if record.id is not None
            else "the lead's dateline"
            if story.dateline_prefix is not None
            else "the sign-off"
        ),
        mtime=mtime,
        path_date=path_date,
        clues=clues_of(story, path_date),
        title=title,
        title_source=None if story.title else "fallback",
        # A marked version's file is named by its marker too, so that the original, when
        # it comes (even after its updates), gets the story's plain slug.
        slug=article_slug(f"{title} {version.label}" if version.label else title),
        language=language or language_of(story, site_language),
        stated=record.date,
        tags=record.tags,
        stated_meta=stated_meta(record),
        version=version,
        story_key=_story_key(record, story, title, version),
    )


def _story_key(record: Record, story: WireStory, title: str, version: Version) -> str | None:
    """The story a record is a version of, where the format names it (an id, a slug
    line) or the text marks it as a version; else None (the build derives the same
    key from the title, place and agency, see :mod:`archivesite.stories`)."""
    if record.story_id is None and story.slug_line is None and not version.marked:
        return None
    return story_key(
        title=title,
        place=story.dateline.place if story.dateline is not None else None,
        agency=story.agency,
        slug_line=story.slug_line,
        story_id=record.story_id,
    )


def stated_meta(record: Record) -> tuple[tuple[str, str | bool], ...]:
    """The front matter a record's source states beyond the story: its byline, the
    site and address it was published at, and whether its body is only an excerpt."""
    found: list[tuple[str, str | bool]] = []
    for key, value in (
        ("author", record.author),
        ("site_name", record.site_name),
        ("source_url", record.url),
    ):
        text = " ".join((value or "").split())
        if text:
            found.append((key, text))
    if record.excerpt:
        found.append(("excerpt", True))
    return tuple(found)


def _read_chunk(
    paths: list[Path], root: Path, site_language: str, options: ReadOptions, spool: Spool
) -> list[_Seed | LeftOut | ArchiveError]:
    found = [item for path in paths for item in _read(path, root, site_language, options, spool)]
    spool.flush()
    return found


def _options(config: Config) -> ReadOptions:
    return ReadOptions(
        doc_types=config.imports.doc_types,
        columns=config.imports.columns,
        agencies=config.imports.agencies,
    )


def _read_all(
    seeds: Sequence[Path],
    config: Config,
    jobs: int,
    progress: Callable[[Path], None] | None,
    spool: Spool,
) -> Iterator[_Seed | LeftOut | ArchiveError]:
    """Every record of every seed, in order; in ``jobs`` forked processes where that pays."""
    options = _options(config)
    if not forking_pays(jobs, len(seeds), PARALLEL_THRESHOLD):
        for path in seeds:
            yield from _read(path, config.root, config.language, options, spool)
            if progress is not None:
                progress(path)
        return
    read = functools.partial(
        _read_chunk, root=config.root, site_language=config.language, options=options, spool=spool
    )
    for chunk, results in map_forked(read, seeds, jobs):
        yield from results
        if progress is not None:
            for path in chunk:
                progress(path)


class _Collection:
    """The dates a folder's files carry themselves, read from the folder on disk (not
    from the files being imported), for the year of a neighbour without one."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger  # the stories this run read, by absolute path
        self._folders: dict[Path, tuple[list[int], list[dt.date], list[str]]] = {}

    def _dated(self, folder: Path) -> tuple[list[int], list[dt.date], list[str]]:
        cached = self._folders.get(folder)
        if cached is None:
            files = folder_files(folder)
            positions: list[int] = []
            dates: list[dt.date] = []
            for i, path in enumerate(files):
                found = self._own_date(path)
                if found is not None:
                    positions.append(i)
                    dates.append(found)
            cached = (positions, dates, [p.name for p in files])
            self._folders[folder] = cached
        return cached

    def _own_date(self, path: Path) -> dt.date | None:
        path_date = date_in_path(path)
        if path_date.date is not None:
            return path_date.date
        found = self._ledger.plain_seed(str(path))
        seed = _unpack_seed(found) if found is not None else None
        if seed is None or seed.story is None:
            if not is_plain_text(path):  # a collection has no one date of its own
                return None
            try:
                _, decoded = read_seed(path)
            except (ArchiveError, OSError):
                return None
            story = parse_wire(decoded.text)
        else:
            story = seed.story
        found = own_date(story, path_date)
        return found.date() if isinstance(found, dt.datetime) else found

    def neighbour(self, path: Path) -> dt.date | None:
        """The own date of the file nearest ``path`` in name order (the one before it
        where two are as near), other than ``path`` itself."""
        path = path.absolute()
        positions, dates, names = self._dated(path.parent)
        at = bisect.bisect_left(names, path.name)
        k = bisect.bisect_left(positions, at)
        before = k - 1 if k > 0 else None
        itself = at < len(names) and names[at] == path.name
        after = k + 1 if itself and k < len(positions) and positions[k] == at else k
        if after >= len(positions):
            return dates[before] if before is not None else None
        if before is None or positions[after] - at < at - positions[before]:
            return dates[after]
        return dates[before]


@dataclass(slots=True)
class _Planned:
    seed: _Seed
    folder: str  # "2022/01/11" or "undated"
    base: str  # slug without suffix
    dated: bool
    dating: Dating
    target: str = ""  # content-relative path, set by the slot assignment
    known: bool = True  # whether the manifest had entries for its source (moved: old files)

    def render(self, story: WireStory) -> str:
        seed, dating = self.seed, self.dating
        return story_to_markdown(
            story,
            title=seed.title,
            date=dating.date,
            date_source=dating.source,
            date_reference=dating.reference,
            title_source=seed.title_source,
            language=seed.language,
            source_file=seed.key,
            source_sha256=seed.raw_sha,
            tags=seed.tags,
            stated=seed.stated_meta,
            story_id=seed.story_key,
            version=seed.version if seed.version.marked else None,
        )


def find_seeds(paths: Iterable[Path], *, follow_all: bool = False) -> list[Path]:
    """The seed files among ``paths`` (folders recursively; files chosen as a folder's
    are: the preview's changed files), sorted, each once (see
    :func:`archivesite.seedfiles.select_seeds`)."""
    return list(select_seeds(paths, named=False, follow_all=follow_all).files)


@functools.lru_cache(maxsize=16)
def _resolved(folder: str) -> Path:
    """The site root or working folder resolved once per run, not once per file."""
    return Path(folder).resolve()


def source_key(path: Path, root: Path) -> str:
    """``source_file``: relative to the site root where the seed is inside it, else
    the path as given."""
    try:
        return path.resolve().relative_to(_resolved(str(root))).as_posix()
    except ValueError:
        return path.as_posix()


def display_path(path: Path) -> str:
    """A content path as shown to the user: relative to the working folder where
    it is inside it."""
    try:
        return path.resolve().relative_to(_resolved(str(Path.cwd()))).as_posix()
    except ValueError:
        return str(path)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _front_matter_source(path: Path) -> str | None:
    """``source_file`` from an existing content file's front matter, if readable."""
    try:
        text = path.read_text(encoding="utf-8")
        _, front, _ = text.split("---\n", 2)
        meta = yaml.safe_load(front)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None
    value = meta.get("source_file") if isinstance(meta, dict) else None
    return str(value) if value is not None else None


def _remove_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def run_import(
    config: Config,
    paths: Sequence[Path],
    *,
    as_of: dt.date | None = None,
    year: int | None = None,
    force: bool = False,
    jobs: int | None = None,
    report_csv: Path | None = None,
    progress: Callable[[Path], None] | None = None,
) -> ImportReport:
    """The import command: select the seeds among ``paths`` (default: the seeds
    folder), import them with ``jobs`` worker processes (default: every core) and
    write the review table to ``report_csv`` where given."""
    selection = select_seeds(paths or (config.seeds_dir,), follow_all=config.follow_symlinks)
    report = import_seeds(
        config,
        selection.files,
        as_of=as_of,
        year=year,
        force=force,
        jobs=default_jobs() if jobs is None else jobs,
        progress=progress,
    )
    report = dataclasses.replace(
        report,
        not_text=tuple(str(p) for p in selection.not_text),
        failed=selection.unreadable + report.failed,  # the run fails, naming each folder
    )
    if not paths and unimported_seeds(config):
        _mark_seen(config.content_dir / MANIFEST_NAME)
    if report_csv is not None:
        write_csv(report, report_csv)
    return report


def _mark_seen(manifest: Path) -> None:
    """Touch the manifest after an import of the whole seeds folder where seeds are
    newer than it: every seed has been seen, even one that gave no article or the
    same article as before (see unimported.py)."""
    with contextlib.suppress(OSError):  # no manifest (nothing imported yet): nothing to mark
        os.utime(manifest)


def count_seeds(config: Config, paths: Sequence[Path]) -> int:
    """How many files :func:`run_import` would read (for a progress bar)."""
    return len(select_seeds(paths or (config.seeds_dir,), follow_all=config.follow_symlinks).files)


def import_seeds(
    config: Config,
    seeds: Sequence[Path],
    *,
    as_of: dt.date | None = None,
    year: int | None = None,
    force: bool = False,
    jobs: int = 1,
    progress: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import ``seeds`` (files, from :func:`find_seeds`) into ``config.content_dir``,
    parsing them in ``jobs`` processes (1: in this one, as the preview does).

    What the run keeps for each record is kept in its :class:`Ledger` on disk, so that
    memory stays flat however many records a collection holds; the report reads its
    rows from there."""
    content = config.content_dir
    ledger = Ledger()
    spool = Spool(ledger.folder)
    try:
        ledger.load_manifest(read_entries(content / MANIFEST_NAME))
        failed: list[ArchiveError] = []
        for result in _read_all(seeds, config, jobs, progress, spool):
            if isinstance(result, ArchiveError):
                failed.append(result)
            elif isinstance(result, LeftOut):
                ledger.add_row("left_out", str(result))
            else:
                ledger.add_seed(
                    result.key,
                    result.text_sha,
                    result.shown,
                    str(result.path.absolute()),
                    result.story is not None,
                    _pack_seed(result),
                )
        _split_duplicates(ledger, config.root)
        collection = _Collection(ledger)
        for row in ledger.originals():
            seed = _unpack_seed(row)
            item = _plan(seed, config, as_of=as_of, year=year, collection=collection)
            d = item.dating
            plan = (
                item.folder,
                item.base,
                item.dated,
                d.date,
                d.source,
                d.reference,
                d.because,
                d.warnings,
            )
            ledger.add_plan(seed.key, str(seed.path), seed.story is not None, *plan[:2], plan)
        _assign_slots(ledger, content)
        spool.flush()
        _write_all(_Writing(ledger, spool, content, force), jobs)
        spool.close()
        _apply(ledger, content)
        ledger.commit()
        save_manifest(content / MANIFEST_NAME, ledger.manifest_entries)
    except BaseException:
        spool.close()
        ledger.close()
        raise
    return ImportReport(
        imported=ledger.rows("imported"),
        unchanged=ledger.rows("unchanged"),
        duplicates=ledger.rows("duplicates", lambda row: Duplicate(*row)),
        failed=tuple(failed),
        undated=ledger.rows("undated"),
        edited=ledger.rows("edited"),
        removed=ledger.rows("removed"),
        left_out=ledger.rows("left_out"),
        articles=ledger.rows("articles", lambda row: ArticleRecord(*row)),
        file_time=ledger.count("file_time"),
        versions=ledger.rows("versions", tuple),
    )


def _split_duplicates(ledger: Ledger, root: Path) -> None:
    """One seed per text: the one the manifest already knows, else the first by path;
    the others are reported as duplicates (in the order of their text's first seed)."""
    for _, rows in itertools.groupby(ledger.by_text(), key=operator.itemgetter(1)):
        found = list(rows)
        group = [(key, shown) for key, _, shown, _ in found]
        first, known = group[0][0], found[0][3]
        owner = next((key for key, _ in group if key == known), None)
        if known and owner is None and _source_exists(known, root):  # imported before, still there
            for key, shown in group:
                ledger.leave_out(key)
                ledger.add_row("duplicates", (shown, known), sort=f"{first}\0{key}")
            continue
        owner = owner or first
        for key, shown in group:
            if key != owner:
                ledger.leave_out(key)
                ledger.add_row("duplicates", (shown, owner), sort=f"{first}\0{key}")


def _source_exists(key: str, root: Path) -> bool:
    """Whether the file of a ``source_file`` (``seeds/x.sgm#ID``, ``seeds/x.zip/member``)
    is still there."""
    path = Path(key.split("#", 1)[0])
    path = path if path.is_absolute() else root / path
    for candidate in (path, *path.parents):
        if candidate.is_file():
            return True
        if candidate.is_dir() or candidate == root:
            return False
    return False


def _references(
    seed: _Seed, config: Config, as_of: dt.date | None, collection: _Collection
) -> Iterator[Reference]:
    """Where a month and day's year may come from, in order (computed as needed)."""
    if seed.path_date.folder_month is not None:
        yield Reference(seed.path_date.folder_month + dt.timedelta(days=14), "folder", False)
    if as_of is not None:
        yield Reference(as_of, "as-of", True)
    elif config.imports.as_of is not None:
        yield Reference(config.imports.as_of, "config", True)
    # A collection's records are no neighbours: their file is not in name order with them.
    neighbour = collection.neighbour(seed.path) if seed.story is not None else None
    if neighbour is not None:
        yield Reference(neighbour, "neighbour", False)
    yield Reference(dt.datetime.fromtimestamp(seed.mtime, config.tz).date(), "file-time", True)


def _plan(
    seed: _Seed,
    config: Config,
    *,
    as_of: dt.date | None,
    year: int | None,
    collection: _Collection,
) -> _Planned:
    if seed.stated is not None:  # what the format states wins over the text's evidence
        dating = Dating(seed.stated, "header", because="stated by the record's date field")
    else:
        dating = decide_date(seed.clues, _references(seed, config, as_of, collection), year=year)
    day = dating.date.date() if isinstance(dating.date, dt.datetime) else dating.date
    folder = f"{day:%Y/%m/%d}" if day is not None else UNDATED_DIR
    return _Planned(seed, folder, seed.slug, day is not None, dating)


def _record(item: _Planned, shown: str) -> ArticleRecord:
    """What decided the article's date, dateline and agency, for the archivist."""
    seed, dating = item.seed, item.dating
    date = dating.date.isoformat() if dating.date is not None else ""
    parts = [f"{date} {dating.because}" if date else f"undated: {dating.because}"]
    if seed.dateline is not None:
        parts.append(f"dateline {seed.dateline!r} from the lead")
    if seed.agency is not None:
        parts.append(f"agency {seed.agency} from {seed.agency_from}")
    if item.seed.title_source == "fallback":
        parts.append("no title line (a fallback title)")
    if seed.version.marked and seed.story_key is not None:
        marker = seed.version.label or "a notice"
        parts.append(f"a version ({marker}) of story {seed.story_key}")
    return ArticleRecord(
        file=item.seed.shown,
        content=shown,
        date=date,
        date_source=dating.source,
        date_reference=dating.reference or "",
        dateline=seed.dateline or "",
        agency=seed.agency or "",
        explanation="; ".join(parts),
        warnings=dating.warnings,
    )


_SUFFIX = re.compile(r"^(?P<base>.+?)(?:-(?P<n>\d+))?$")


def _assign_slots(ledger: Ledger, content: Path) -> None:
    """Give each article its content path: the one it had where that still fits,
    else the first free ``slug``, ``slug-2``, ... in its day, in source-path order."""
    known: set[str] = set()  # keys with entries in the manifest, of those left for later
    for key, folder, base in ledger.plans_by_key():
        olds = ledger.by_source(key)
        for old, _ in olds:
            old_folder, _, stem = old[: -len(".md")].rpartition("/")
            m = _SUFFIX.match(stem)
            fits = m is not None and (
                stem == base or (m.group("base") == base and m.group("n") is not None)
            )
            if old_folder == folder and fits and not ledger.claimed(old):
                ledger.claim(old, key, known=True)
                break
        else:
            if olds:
                known.add(key)
    for key, folder, base in ledger.unslotted():
        n = 1
        while True:
            candidate = f"{folder}/{numbered(base, n)}.md"
            claimed, owner = ledger.slot_state(candidate)
            if not claimed and (owner is None or owner == key):
                on_disk = content / candidate
                if (
                    owner is not None
                    or not on_disk.exists()
                    or (_front_matter_source(on_disk) == key)
                ):
                    break
            n += 1
        ledger.claim(candidate, key, known=key in known)


@dataclass(frozen=True)
class _Written:
    """What writing one article did: "written", "unchanged" or "edited:<path>", the
    sha256 of its content, and the old paths (of a moved article) to forget."""

    outcome: str
    content_sha: str
    forget: tuple[str, ...] = ()


def _write(
    item: _Planned, story: WireStory, ledger: Ledger, content: Path, force: bool
) -> _Written:
    """Write one article where that is safe; reads the manifest, never changes it
    (it may run in a worker process)."""
    path = content / item.target
    data = item.render(story).encode("utf-8")
    content_sha = _sha(data)
    forget = []
    olds = ledger.by_source(item.seed.key) if item.known else []
    for old, old_sha in olds:  # a moved article's old file, edited
        old_file = content / old
        if old == item.target or not old_file.exists():
            continue
        if _sha(old_file.read_bytes()) != old_sha:
            if not force:
                return _Written(f"edited:{display_path(old_file)}", content_sha)
            log.warning("%s: edited by hand; kept (the article is now at %s)", old_file, path)
            forget.append(old)
    if path.exists():
        current = path.read_bytes()
        if current == data:
            return _Written("unchanged", content_sha, tuple(forget))
        recorded = ledger.content_sha(item.target)
        hand_edited = recorded is None or _sha(current) != recorded
        if hand_edited and not force:
            return _Written(f"edited:{display_path(path)}", content_sha)
        if hand_edited:
            log.warning("%s: edited by hand; overwritten (--force)", path)
    write_atomic(path, data)
    log.debug("wrote %s", path)
    return _Written("written", content_sha, tuple(forget))


def _as_planned(seed: Any, plan: tuple[Any, ...], target: str, known: bool) -> _Planned:
    """A plan as the ledger keeps it (see :func:`_pack_seed`)."""
    folder, base, dated, *dating = plan
    return _Planned(_unpack_seed(seed), folder, base, dated, Dating(*dating), target, known)


@dataclass(frozen=True)
class _Writing:
    """What writing reads: the run's ledger (plans, slots, the manifest as it was) and
    its spool (the collection records' stories)."""

    ledger: Ledger
    spool: Spool
    content: Path
    force: bool


def _write_unit(unit: tuple[str, str], w: _Writing) -> Iterator[tuple[str, _Written]]:
    """Write one file's story (``("key", key)``), or every planned record of one
    collection file (``("file", path)``, their stories from the spool)."""
    kind, name = unit
    for key in (name,) if kind == "key" else w.ledger.keys_of(name):
        found = w.ledger.planned(key)
        assert found is not None
        item = _as_planned(*found)
        story = item.seed.story
        if story is None:
            assert item.seed.spooled is not None
            story = w.spool.get(item.seed.spooled)
        yield key, _write(item, story, w.ledger, w.content, w.force)


# What forked writers read: the run's plan, fixed before the pool starts.
_writing: _Writing | None = None
_worker_view: tuple[int, Ledger] | None = None


def _write_chunk(units: list[tuple[str, str]]) -> list[tuple[str, _Written]]:
    global _worker_view
    assert _writing is not None
    if _worker_view is None or _worker_view[0] != os.getpid():
        _worker_view = (os.getpid(), Ledger.reader(_writing.ledger.path))
    w = dataclasses.replace(_writing, ledger=_worker_view[1], spool=Spool(_writing.spool.folder))
    return [done for unit in units for done in _write_unit(unit, w)]


def _write_all(w: _Writing, jobs: int) -> None:
    """:func:`_write` of every planned article, its outcome kept in the ledger; in
    ``jobs`` forked processes where that pays (each writes its own files, so none is
    written twice)."""
    global _writing
    units = w.ledger.units()
    if not forking_pays(jobs, len(units), PARALLEL_THRESHOLD) or len(units) < 2:
        for unit in units:
            for key, written in _write_unit(unit, w):
                w.ledger.wrote(key, written.outcome, written.content_sha, written.forget)
        return
    w.ledger.commit()  # what the workers read
    _writing = w
    try:
        for _, found in map_forked(_write_chunk, units, jobs):
            for key, written in found:
                w.ledger.wrote(key, written.outcome, written.content_sha, written.forget)
    finally:
        _writing = None


def _apply(ledger: Ledger, content: Path) -> None:
    """Record what writing did, by content path: the manifest's entries, old files of
    moved articles removed, the report's rows."""
    shown_content = display_path(content)
    for target, known, row, plan, outcome, content_sha, forget in ledger.outcomes():
        item = _as_planned(row, plan, target, known)
        seed = item.seed
        shown = target if shown_content == "." else f"{shown_content}/{target}"
        if outcome.startswith("edited"):
            ledger.add_row("edited", outcome.split(":", 1)[1])
            continue
        for old in forget:
            ledger.drop(old)
        ledger.put(target, _manifest_record(item, content_sha))
        ledger.add_row("imported" if outcome == "written" else "unchanged", shown)
        if not item.dated:
            ledger.add_row("undated", shown)
        record = _record(item, shown)
        ledger.add_row("articles", _ARTICLE_FIELDS(record), sort=seed.key)
        if seed.version.marked and seed.story_key is not None:
            ledger.add_row("versions", (shown, seed.story_key), sort=seed.key)
        if record.date_reference == "file-time":
            ledger.add_row("file_time", None)
        for removed in _retire_old(item, ledger, content):
            ledger.add_row("removed", removed)


_ARTICLE_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(ArticleRecord)))


def _manifest_record(item: _Planned, content_sha: str) -> dict[str, str]:
    return {
        "source_file": item.seed.key,
        "source_sha256": item.seed.raw_sha,
        "text_sha256": item.seed.text_sha,
        "content_sha256": content_sha,
    }


def _retire_old(item: _Planned, ledger: Ledger, content: Path) -> list[str]:
    """Remove the article's previous content files (not edited by hand) after a move."""
    removed = []
    for old, old_sha in ledger.by_source(item.seed.key) if item.known else ():
        if old == item.target:
            continue
        old_file = content / old
        if old_file.exists():
            if _sha(old_file.read_bytes()) != old_sha:
                continue  # kept by _write's rule; never delete hand edits
            old_file.unlink()
            _remove_empty_dirs(old_file.parent, content)
            removed.append(display_path(old_file))
            log.info("removed %s (the article moved to %s)", old_file, item.target)
        ledger.drop(old)
    return removed
