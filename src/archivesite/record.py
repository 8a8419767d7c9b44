"""The build record: what the last build into one output folder wrote, and from what.

One JSON file per output folder, ``.archivesite/builds/<sha256(out)[:16]>.json``:
``{"out", "version", "plan_key", "templates", "articles", "index_from", "files",
"outputs"}``. ``files`` maps each file archivesite wrote to its sha256, and only files
listed there are ever deleted; ``outputs`` maps it to ``[fingerprint, size, mtime_ns,
data digest]``. ``index_from`` is the digest of the pages the search index should be
built from (:func:`archivesite.search.built_from`).
An output whose fingerprint and file (size, mtime) both match is not rendered again.
A missing, damaged or older record only costs a full rebuild.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .config import Config
from .files import write_atomic_with

log = logging.getLogger(__name__)

RECORD_VERSION = 1


def record_path(config: Config, out: Path) -> Path:
    """Where the record of the files written into ``out`` is kept."""
    key = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    return config.state_dir / "builds" / f"{key}.json"


@dataclass(frozen=True, slots=True)
class OutputRecord:
    fingerprint: str
    sha256: str
    size: int
    mtime_ns: int
    data: str = ""  # output_data of the output, reused while the plan is unchanged


@dataclass(frozen=True)
class BuildRecord:
    """What the last build into one output folder wrote, and from what."""

    out: str
    plan_key: str = ""
    templates: Mapping[str, str] = dataclasses.field(default_factory=dict)
    articles: int = 0
    outputs: Mapping[str, OutputRecord] = dataclasses.field(default_factory=dict)
    index_from: str = ""  # what the search index of these pages is built from

    @property
    def files(self) -> dict[str, str]:
        return {path: r.sha256 for path, r in self.outputs.items()}


def read_record(path: Path, out: Path) -> tuple[BuildRecord | None, dict[str, str]]:
    """(the build record, or None when missing/corrupt/other version; the files archivesite
    wrote into ``out``, for pruning: kept even from an older record version)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, {}
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable build record (%s); rebuilding everything", path, exc)
        return None, {}
    if not isinstance(data, dict) or data.get("out") != str(out):
        return None, {}
    files = data.get("files")
    written = {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    try:
        if data.get("version") != RECORD_VERSION:
            return None, written
        outputs = {
            str(p): OutputRecord(
                str(r[0]), written[p], int(r[1]), int(r[2]), str(r[3]) if len(r) > 3 else ""
            )
            for p, r in data["outputs"].items()
        }
        record = BuildRecord(
            out=str(out),
            plan_key=str(data["plan_key"]),
            templates={str(k): str(v) for k, v in data["templates"].items()},
            articles=int(data["articles"]),
            outputs=outputs,
            index_from=str(data.get("index_from", "")),
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        log.warning("%s: malformed build record (%s); rebuilding everything", path, exc)
        return None, written
    return record, written


def write_record(path: Path, record: BuildRecord) -> None:
    """Write the build record, encoded a slice at a time."""
    paths = sorted(record.outputs)
    head = {
        "out": record.out,
        "version": RECORD_VERSION,
        "plan_key": record.plan_key,
        "templates": dict(sorted(record.templates.items())),
        "articles": record.articles,
        "index_from": record.index_from,
    }
    # No indent: json then uses its C encoder.
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))

    def write(f: BinaryIO) -> None:
        f.write(dumps(head)[:-1].encode("utf-8"))
        for name, value in (
            ("files", lambda r: r.sha256),
            ("outputs", lambda r: [r.fingerprint, r.size, r.mtime_ns, r.data]),
        ):
            f.write(f',"{name}":{{'.encode())
            for lo in range(0, len(paths), _SLICE):
                part = {p: value(record.outputs[p]) for p in paths[lo : lo + _SLICE]}
                f.write((b"," if lo else b"") + dumps(part)[1:-1].encode("utf-8"))
            f.write(b"}")
        f.write(b"}\n")

    write_atomic_with(path, write)


_SLICE = 5000  # build record entries encoded at a time


def record_interrupted(
    path: Path, out: Path, written: Sequence[str], removed: Sequence[str]
) -> None:
    """Record a commit that a kill interrupted and :mod:`commit` finished: every file it
    put in place is listed as written (so a later build removes it when stale), with no
    fingerprint (so a later build renders it again); the plan is unknown, so the next
    build checks everything."""
    previous, files = read_record(path, out)
    outputs = dict(previous.outputs) if previous is not None else {}
    for rel in files.keys() - outputs.keys():
        outputs[rel] = OutputRecord("", files[rel], -1, -1)
    for rel in removed:
        outputs.pop(rel, None)
    for rel in written:
        outputs[rel] = OutputRecord("", "", -1, -1)
    templates = previous.templates if previous is not None else {}
    write_record(path, BuildRecord(str(out), "", templates, 0, outputs))
