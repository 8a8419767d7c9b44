"""Accuracy on the shared corpus of real wire copy (../shared/corpus, skipped where absent).

Compares with ``labels.jsonl`` (see the corpus's SOURCES.md): title, dateline and agency
where the label has one, and a null label means the text has none and the import must
find none; the date where the label has one. Two levels:

* ``test_import_matches_labels`` imports each labelled source folder through the public
  CLI (``archivesite import <folder> --site <tmp> --as-of <YYYY-12-31>``; ``timebank/``,
  whose files are named by dated document ids, without ``--as-of``: its dates must come
  from the files) and reads the written front matter, mapping each content file back to
  its seed by ``source_file``;
* ``test_parse_wire_matches_labels`` runs ``parse_wire`` on the decoded text directly
  (month and day instead of the full date, which needs year inference; not for
  ``timebank/``, whose dates are in the file names).

A ``null`` title label means the file has no title line: the import must mark its
fallback title ``title_source: fallback`` (the fallback's words are not scored).

Both print a per-source, per-field accuracy table (``pytest -s``), also shown in the
assertion message, and fail below 98% on any field. Titles are compared with white space
collapsed, as the labels were made.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from click.testing import CliRunner

from archivesite.cli import cli
from archivesite.decode import decode_bytes
from archivesite.wire import parse_wire

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LABELS = CORPUS / "labels.jsonl"
THRESHOLD = 0.98
# The collection year where no label has a date (SOURCES.md: BBC News 2004-05).
YEAR_FALLBACK = {"bbc": 2005}
# Sources imported without --as-of: the dates are in their file names.
NO_AS_OF = frozenset({"timebank"})
NO_TITLE = "(no title line)"

Label = dict[str, Any]
Found = dict[str, Any]


def _labels() -> dict[str, list[Label]]:
    if not LABELS.exists():
        pytest.skip(f"{LABELS} is absent (the shared corpus is not checked out)")
    by_source: dict[str, list[Label]] = defaultdict(list)
    for line in LABELS.read_text("utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            by_source[label["file"].split("/", 1)[0]].append(label)
    return dict(by_source)


def _collection_year(source: str, labels: Iterable[Label]) -> int:
    years = [int(str(lab.get("date") or lab.get("date_meta"))[:4]) for lab in labels
             if lab.get("date") or lab.get("date_meta")]  # fmt: skip
    return max(years) if years else YEAR_FALLBACK.get(source, 2000)


def _squash(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


def _score(
    labels: Mapping[str, list[Label]],
    found: Mapping[str, Found | None],
    fields: Mapping[str, Callable[[Label], object]],
) -> tuple[str, list[str], list[str]]:
    """The accuracy table, the cells below the threshold and a few of the misses."""
    rows = [f"{'source':14} {'field':10} {'right':>9} {'accuracy':>9}"]
    failing: list[str] = []
    misses: list[str] = []
    for source, source_labels in sorted(labels.items()):
        for field, expected_of in fields.items():
            checked = right = 0
            for label in source_labels:
                expected = expected_of(label)
                if field in ("date", "month-day") and expected is None:
                    continue  # the date is checked only where the label has one
                checked += 1
                got = found.get(label["file"])
                value = None if got is None else got.get(field)
                if got is not None and _squash(value) == _squash(expected):
                    right += 1
                elif len(misses) < 25:
                    shown = "(no content file)" if got is None else repr(value)
                    misses.append(f"{label['file']}: {field} {expected!r} != {shown}")
            if not checked:
                continue
            accuracy = right / checked
            rows.append(f"{source:14} {field:10} {right:>4}/{checked:<4} {accuracy:>8.1%}")
            if accuracy < THRESHOLD:
                failing.append(f"{source}/{field}")
    return "\n".join(rows), failing, misses


def _report(title: str, table: str, failing: list[str], misses: list[str]) -> str:
    text = f"{title}\n{table}"
    print(f"\n{text}")
    if failing:
        text += f"\nbelow {THRESHOLD:.0%}: {', '.join(failing)}\nmisses:\n" + "\n".join(misses)
    return text


def test_parse_wire_matches_labels() -> None:
    labels = _labels()
    found: dict[str, Found | None] = {}
    for source_labels in labels.values():
        for label in source_labels:
            path = CORPUS / label["file"]
            story = parse_wire(decode_bytes(path.read_bytes(), path).text)
            found[label["file"]] = {
                "title": story.title,
                "dateline": story.dateline.text if story.dateline else None,
                "agency": story.agency,
                "month-day": (story.month, story.day) if story.month else None,
            }

    def month_day(label: Label) -> object:
        if label["file"].split("/", 1)[0] in NO_AS_OF or not label["date"]:
            return None  # not scored: the date is in the file name, not the text
        return tuple(int(part) for part in label["date"].split("-")[1:])

    fields: dict[str, Callable[[Label], object]] = {
        "title": lambda label: label["title"],
        "dateline": lambda label: label["dateline"],
        "agency": lambda label: label["agency"],
        "month-day": month_day,
    }
    table, failing, misses = _score(labels, found, fields)
    message = _report("parse_wire accuracy on the shared corpus", table, failing, misses)
    assert not failing, message


def _import_source(folder: Path, site: Path, year: int | None) -> dict[str, Found]:
    """Import one folder through the CLI; front matter by seed file name."""
    site.mkdir()
    args = ["import", str(folder), "--site", str(site)]
    if year is not None:
        args += ["--as-of", f"{year}-12-31"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, f"archivesite {' '.join(args)}\n{result.output}"
    found: dict[str, Found] = {}
    for path in sorted((site / "content").rglob("*.md")):
        post = frontmatter.load(path)
        source_file = post.metadata.get("source_file")
        assert source_file, f"{path}: no source_file"
        date = post.metadata.get("date")
        fallback = post.metadata.get("title_source") == "fallback"
        found[Path(str(source_file)).name] = {
            "title": NO_TITLE if fallback else post.metadata.get("title"),
            "dateline": post.metadata.get("dateline"),
            "agency": post.metadata.get("agency"),
            "date": str(date)[:10] if date is not None else None,
        }
    return found


def test_import_matches_labels(tmp_path: Path) -> None:
    labels = _labels()
    found: dict[str, Found | None] = {}
    for source, source_labels in sorted(labels.items()):
        year = None if source in NO_AS_OF else _collection_year(source, source_labels)
        by_name = _import_source(CORPUS / source, tmp_path / source, year)
        for label in source_labels:
            found[label["file"]] = by_name.get(Path(label["file"]).name)

    fields: dict[str, Callable[[Label], object]] = {
        "title": lambda label: NO_TITLE if label["title"] is None else label["title"],
        "dateline": lambda label: label["dateline"],
        "agency": lambda label: label["agency"],
        "date": lambda label: label["date"],
    }
    table, failing, misses = _score(labels, found, fields)
    message = _report("archivesite import accuracy on the shared corpus", table, failing, misses)
    assert not failing, message
