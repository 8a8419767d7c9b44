"""What an import run did, for the archivist: :class:`ImportReport`, the lines a
command prints for it (:func:`report_lines`) and the review table (:func:`write_csv`).

Each imported article carries an :class:`ArticleRecord`: its date, ``date_source``
and ``date_reference`` (see :mod:`archivesite.dates`), dateline and agency, and in
words which evidence decided them (``APW19980213.1320: 1998-02-13 from the file name;
the lead's weekday Friday agrees``). ``-v`` prints those lines; ``--report FILE.csv``
writes them as a table, one row per article, for review in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import ArchiveError
from .files import write_atomic

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

    imported: tuple[str, ...] = ()  # content files written (new or updated)
    unchanged: tuple[str, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    failed: tuple[ArchiveError, ...] = ()
    undated: tuple[str, ...] = ()  # imported or unchanged content files without a date
    edited: tuple[str, ...] = ()  # content files edited by hand, left alone
    removed: tuple[str, ...] = ()  # old content files of articles that moved
    not_text: tuple[str, ...] = ()  # files in the folders given that no reader takes
    left_out: tuple[str, ...] = ()  # "path:line: why" of records left out on purpose
    articles: tuple[ArticleRecord, ...] = ()  # imported and unchanged, in seed order
    # (content file, story key) of each article marked as a version of a story
    versions: tuple[tuple[str, str], ...] = ()

    @property
    def file_time(self) -> tuple[ArticleRecord, ...]:
        """The articles whose year came from their file's modification time."""
        return tuple(a for a in self.articles if a.date_reference == "file-time")

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
            parts.append(f"year from file time {len(self.file_time)}")
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


def report_lines(report: ImportReport, *, verbose: bool = False) -> list[Line]:
    """Everything an import prints, in order: with ``verbose`` each article's
    explanation and the files skipped as not text; duplicates, hand-edited files and
    failures; the ``file-time`` warning; the summary last."""
    lines: list[Line] = []
    if verbose:
        for article in report.articles:
            lines.append(Line(f"{article.file}: {article.explanation}"))
            lines.extend(Line(f"{article.file}: warning: {w}") for w in article.warnings)
        lines.extend(Line(f"{path}: not text; skipped") for path in report.not_text)
        lines.extend(Line(entry) for entry in report.left_out)
    for dup in report.duplicates:
        lines.append(Line(f"{dup.seed}: duplicate of {dup.original} (same text); not imported"))
    for path in report.edited:
        lines.append(
            Line(
                f"{path}: edited by hand since it was imported; not overwritten "
                "(use --force to overwrite)",
                err=True,
            )
        )
    lines.extend(Line(str(error), err=True) for error in report.failed)
    if report.file_time:
        lines.append(Line(file_time_warning(len(report.file_time)), err=True))
    lines.append(Line(report.summary()))
    return lines


def csv_text(articles: Sequence[ArticleRecord]) -> str:
    """The review table: one row per article, the columns of :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in articles:
        writer.writerow(
            [
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
        )
    return out.getvalue()


def write_csv(report: ImportReport, path: Path) -> None:
    """Write the review table to ``path``; :class:`ArchiveError` where it cannot be."""
    try:
        write_atomic(path, csv_text(report.articles).encode("utf-8"))
    except OSError as exc:
        raise ArchiveError(f"cannot write the report: {exc.strerror or exc}", path) from exc
