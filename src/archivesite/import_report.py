"""What an import run did, for the archivist: :class:`ImportReport`, the lines a
command prints for it (:func:`report_lines`) and the review table (:func:`write_csv`).

Each imported article carries an :class:`ArticleRecord`: its date, ``date_source``
and ``date_reference`` (see :mod:`archivesite.dates`), dateline and agency, and in
words which evidence decided them (``APW19980213.1320: 1998-02-13 from the file name;
the lead's weekday Friday agrees``). ``-v`` prints those lines; ``--report FILE.csv``
writes them as a table, one row per article, for review in a spreadsheet.

A report of a large collection is large: its rows are typed collections that may be
read back from the import's ledger as they are iterated (never all in memory), and
:func:`report_lines` and :func:`write_csv` stream them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import ArchiveError
from .files import write_atomic_with

CSV_COLUMNS = (
    "file",
    "date",
    "date_source",
    "date_reference",
    "dateline",
    "agency",
    "content",
    "explanation",
    "warnings",
)


@dataclass(frozen=True)
class Duplicate:
    seed: str
    original: str


@dataclass(frozen=True)
class ArticleRecord:
    """What decided one imported article's date, dateline and agency."""

    file: str  # the seed, as given
    content: str  # the content file, as shown to the user
    date: str  # ISO date (or date and time); "" where undated
    date_source: str
    date_reference: str  # "" where the year was not inferred
    dateline: str
    agency: str
    explanation: str  # "1998-02-13 from the file name; dateline ... from the lead"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What one import run did. Paths are as printed to the user."""

    imported: Collection[str] = ()  # content files written (new or updated)
    unchanged: Collection[str] = ()
    duplicates: Collection[Duplicate] = ()
    failed: tuple[ArchiveError, ...] = ()
    undated: Collection[str] = ()  # imported or unchanged content files without a date
    edited: Collection[str] = ()  # content files edited by hand, left alone
    removed: Collection[str] = ()  # old content files of articles that moved
    not_text: Collection[str] = ()  # files in the folders given that no reader takes
    left_out: Collection[str] = ()  # "path:line: why" of records left out on purpose
    articles: Collection[ArticleRecord] = ()  # imported and unchanged, in seed order
    file_time: int = 0  # articles whose year came from their file's modification time
    # (content file, story key) of each article marked as a version of a story
    versions: Collection[tuple[str, str]] = ()

    def summary(self) -> str:
        parts = [
            f"imported {len(self.imported)}",
            f"unchanged {len(self.unchanged)}",
            f"duplicates {len(self.duplicates)}",
            f"failed {len(self.failed)}",
        ]
        if self.undated:
            parts.append(f"undated {len(self.undated)}")
        if self.file_time:
            parts.append(f"year from file time {self.file_time}")
        if self.edited:
            parts.append(f"skipped (edited by hand) {len(self.edited)}")
        if self.not_text:
            parts.append(f"skipped (not text) {len(self.not_text)}")
        if self.left_out:
            parts.append(f"records left out {len(self.left_out)}")
        if self.versions:
            stories = len({key for _, key in self.versions})
            parts.append(f"story versions {len(self.versions)} (of {stories} stories)")
        return ", ".join(parts)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class Line:
    """One line to print, and whether it goes to stderr."""

    text: str
    err: bool = False


def file_time_warning(count: int) -> str:
    articles = "article" if count == 1 else "articles"
    return (
        f"warning: the year of {count} {articles} came from the file's modification time, "
        "a guess; give --as-of (or import.as_of in archivesite.toml) or put the date in "
        "the file names"
    )


def report_lines(report: ImportReport, *, verbose: bool = False) -> Iterator[Line]:
    """Everything an import prints, in order, a line at a time: with ``verbose`` each
    article's explanation and the files skipped as not text; duplicates, hand-edited
    files and failures; the ``file-time`` warning; the summary last."""
    if verbose:
        for article in report.articles:
            yield Line(f"{article.file}: {article.explanation}")
            yield from (Line(f"{article.file}: warning: {w}") for w in article.warnings)
        yield from (Line(f"{path}: not text; skipped") for path in report.not_text)
        yield from (Line(entry) for entry in report.left_out)
    for dup in report.duplicates:
        yield Line(f"{dup.seed}: duplicate of {dup.original} (same text); not imported")
    for path in report.edited:
        yield Line(
            f"{path}: edited by hand since it was imported; not overwritten "
            "(use --force to overwrite)",
            err=True,
        )
    yield from (Line(str(error), err=True) for error in report.failed)
    if report.file_time:
        yield Line(file_time_warning(report.file_time), err=True)
    yield Line(report.summary())


def _csv_rows(articles: Iterable[ArticleRecord]) -> Iterator[list[str]]:
    yield list(CSV_COLUMNS)
    for a in articles:
        yield [
            a.file,
            a.date,
            a.date_source,
            a.date_reference,
            a.dateline,
            a.agency,
            a.content,
            a.explanation,
            "; ".join(a.warnings),
        ]


def csv_text(articles: Iterable[ArticleRecord]) -> str:
    """The review table: one row per article, the columns of :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(_csv_rows(articles))
    return out.getvalue()


def write_csv(report: ImportReport, path: Path) -> None:
    """Write the review table to ``path`` (streamed, a row at a time); :class:`ArchiveError`
    where it cannot be."""

    def write(f: BinaryIO) -> None:
        text = io.TextIOWrapper(f, encoding="utf-8", newline="")
        csv.writer(text, lineterminator="\n").writerows(_csv_rows(report.articles))
        text.flush()
        text.detach()  # the file is closed by its owner

    try:
        write_atomic_with(path, write)
    except OSError as exc:
        raise ArchiveError(f"cannot write the report: {exc.strerror or exc}", path) from exc
