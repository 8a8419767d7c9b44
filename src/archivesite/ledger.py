"""The per-run ledger of an import: what one run read, decided and did, on disk.

An import decides across all the records it reads (which text is a duplicate of
which, which content path each gets, what the manifest then says), so it must keep
something for every record until the end; kept in Python that grows with the
collection. The ledger keeps it in a SQLite database in a temporary file instead
(deleted when the ledger is closed or collected), so that an import's memory stays
flat: only SQLite's bounded page cache is in memory. It holds the manifest being
updated, each record read (pickled), each article's plan and slot, what writing it
did, and the report's rows (:class:`StoredRows`, typed, read back in order).

Forked workers open the same file read-only (:meth:`Ledger.reader`) after the run
has committed what they need.
"""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE manifest(path TEXT PRIMARY KEY, pos INTEGER, source TEXT, text_sha TEXT,
    content_sha TEXT, entry TEXT);
CREATE INDEX manifest_source ON manifest(source, path);
CREATE INDEX manifest_text ON manifest(text_sha, pos);
CREATE TABLE seeds(key TEXT PRIMARY KEY, text_sha TEXT, shown TEXT, file TEXT,
    plain INTEGER, seed BLOB);
CREATE INDEX seeds_text ON seeds(text_sha, key);
CREATE INDEX seeds_file ON seeds(file, plain);
CREATE TABLE dropped(key TEXT PRIMARY KEY);
CREATE TABLE plans(key TEXT PRIMARY KEY, file TEXT, plain INTEGER, folder TEXT,
    base TEXT, plan BLOB);
CREATE TABLE slots(target TEXT PRIMARY KEY, key TEXT UNIQUE, known INTEGER);
CREATE TABLE written(key TEXT PRIMARY KEY, outcome TEXT, content_sha TEXT, forget TEXT);
CREATE TABLE rows(seq INTEGER PRIMARY KEY, kind TEXT, sort TEXT, data BLOB);
CREATE INDEX rows_kind ON rows(kind, sort, seq);
"""

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # forked writers read while the run records
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-8192",  # KiB: the page cache is all the ledger keeps in memory
    "PRAGMA temp_store=FILE",
)


def dump(value: object) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def load(data: bytes) -> Any:
    return pickle.loads(data)  # our own temporary file, written by this run


def _remove(db: sqlite3.Connection, folder: str | None) -> None:
    db.close()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class Ledger:
    """One import run's ledger (see the module docstring)."""

    def __init__(self, path: Path | None = None) -> None:
        self._pos = 0  # the manifest's entries in the order read, then added
        if path is None:  # the run's own
            folder = tempfile.mkdtemp(prefix="archivesite-import-")
            self.folder = Path(folder)  # the run's temporary files (see also :mod:`spool`)
            self.path = self.folder / "ledger.sqlite"
            self.db = sqlite3.connect(self.path, check_same_thread=False)
            for pragma in _PRAGMAS:
                self.db.execute(pragma)
            self.db.executescript(_SCHEMA)
            self._close = weakref.finalize(self, _remove, self.db, folder)
        else:  # a worker's view of the run's
            self.path = path
            self.folder = path.parent
            self.db = sqlite3.connect(path, check_same_thread=False)
            self.db.execute("PRAGMA query_only=1")
            self.db.execute("PRAGMA cache_size=-4096")
            self._close = weakref.finalize(self, _remove, self.db, None)

    @classmethod
    def reader(cls, path: Path) -> Ledger:
        return cls(path)

    def close(self) -> None:
        self._close()

    def commit(self) -> None:
        self.db.commit()

    def _one(self, sql: str, *args: object) -> Any:
        row = self.db.execute(sql, args).fetchone()
        return None if row is None else row[0]

    # --- the manifest --------------------------------------------------------

    def load_manifest(self, entries: Iterable[tuple[str, dict[str, Any]]]) -> None:
        def numbered() -> Iterator[tuple[int, tuple[str, dict[str, Any]]]]:
            for self._pos, entry in enumerate(entries, 1):
                yield self._pos, entry

        self.db.executemany(
            "INSERT OR REPLACE INTO manifest VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    path,
                    pos,
                    _text(rec.get("source_file", "")),
                    _text(rec.get("text_sha256", "")),
                    _text(rec.get("content_sha256")),
                    json.dumps(rec, ensure_ascii=False),
                )
                for pos, (path, rec) in numbered()
            ),
        )

    def put(self, path: str, record: dict[str, str]) -> None:
        self._pos += 1
        self.db.execute(
            "INSERT OR REPLACE INTO manifest VALUES (?, ?, ?, ?, ?, ?)",
            (
                path,
                self._pos,
                record["source_file"],
                record["text_sha256"],
                record["content_sha256"],
                json.dumps(record, ensure_ascii=False),
            ),
        )

    def drop(self, path: str) -> None:
        self.db.execute("DELETE FROM manifest WHERE path = ?", (path,))

    def content_sha(self, path: str) -> str | None:
        """The recorded ``content_sha256`` of a content path (None: no record or none)."""
        found: str | None = self._one("SELECT content_sha FROM manifest WHERE path = ?", path)
        return found

    def by_source(self, key: str) -> list[tuple[str, str | None]]:
        """The content paths recorded for a ``source_file`` (sorted) and their sha256."""
        return self.db.execute(
            "SELECT path, content_sha FROM manifest WHERE source = ? ORDER BY path", (key,)
        ).fetchall()

    def manifest_entries(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for path, entry in self.db.execute("SELECT path, entry FROM manifest ORDER BY path"):
            yield path, json.loads(entry)

    # --- records read ---------------------------------------------------------

    def add_seed(
        self, key: str, text_sha: str, shown: str, file: str, plain: bool, seed: object
    ) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO seeds VALUES (?, ?, ?, ?, ?, ?)",
            (key, text_sha, shown, file, int(plain), dump(seed)),
        )

    def by_text(self) -> Iterator[tuple[str, str, str, str | None]]:
        """Every record's key, text hash and name as shown, with the ``source_file``
        the manifest first records for its text; by text hash, then key."""
        return iter(
            self.db.execute(
                "SELECT key, text_sha, shown, (SELECT source FROM manifest m"
                " WHERE m.text_sha = s.text_sha ORDER BY pos LIMIT 1)"
                " FROM seeds s ORDER BY text_sha, key"
            )
        )

    def leave_out(self, key: str) -> None:
        """Mark a record as not imported (a duplicate of another's text)."""
        self.db.execute("INSERT OR IGNORE INTO dropped VALUES (?)", (key,))

    def originals(self) -> Iterator[Any]:
        """The records to import, by key."""
        for (seed,) in self.db.execute(
            "SELECT seed FROM seeds"
            " WHERE NOT EXISTS (SELECT 1 FROM dropped d WHERE d.key = seeds.key) ORDER BY key"
        ):
            yield load(seed)

    def plain_seed(self, file: str) -> Any:
        """The record of a one-story file read in this run, by absolute path (or None)."""
        found = self._one("SELECT seed FROM seeds WHERE file = ? AND plain = 1 LIMIT 1", file)
        return None if found is None else load(found)

    # --- plans and slots ---------------------------------------------------------

    def add_plan(
        self, key: str, file: str, plain: bool, folder: str, base: str, plan: object
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?, ?)",
            (key, file, int(plain), folder, base, dump(plan)),
        )

    def plans_by_key(self) -> Iterator[tuple[str, str, str]]:
        """Every plan's key, folder and slug base, by key."""
        return iter(self.db.execute("SELECT key, folder, base FROM plans ORDER BY key"))

    def unslotted(self) -> Iterator[tuple[str, str, str]]:
        """The plans with no content path yet, by key (slots may be claimed meanwhile)."""
        after = ""
        while True:
            batch = self.db.execute(
                "SELECT key, folder, base FROM plans WHERE key > ?"
                " AND NOT EXISTS (SELECT 1 FROM slots s WHERE s.key = plans.key)"
                " ORDER BY key LIMIT 512",
                (after,),
            ).fetchall()
            if not batch:
                return
            yield from batch
            after = batch[-1][0]

    def claimed(self, target: str) -> bool:
        return self._one("SELECT 1 FROM slots WHERE target = ?", target) is not None

    def slot_state(self, target: str) -> tuple[bool, str | None]:
        """Whether a content path is claimed in this run, and whose it is in the manifest."""
        claimed, owner = self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM slots WHERE target = ?),"
            " (SELECT source FROM manifest WHERE path = ?)",
            (target, target),
        ).fetchone()
        return bool(claimed), owner

    def claim(self, target: str, key: str, *, known: bool) -> None:
        """Give ``key`` its content path (``known``: the manifest has entries for it)."""
        self.db.execute("INSERT INTO slots VALUES (?, ?, ?)", (target, key, int(known)))

    def planned(self, key: str, *, unwritten: bool = False) -> tuple[Any, Any, str, bool] | None:
        """A record's seed, plan, content path and whether the manifest knew it (None
        where it has no plan, or with ``unwritten``, where it was written already)."""
        row = self.db.execute(
            "SELECT seeds.seed, plans.plan, slots.target, slots.known"
            " FROM plans JOIN seeds USING (key)"
            " JOIN slots USING (key) WHERE key = ?"
            + (
                " AND NOT EXISTS (SELECT 1 FROM written w WHERE w.key = plans.key)"
                if unwritten
                else ""
            ),
            (key,),
        ).fetchone()
        return None if row is None else (load(row[0]), load(row[1]), row[2], bool(row[3]))

    def units(self) -> list[tuple[str, str]]:
        """What writing works on: ``("key", key)`` for a story at hand, ``("file",
        path)`` for a collection's records (its file is read again)."""
        return [
            *(("key", k) for (k,) in self.db.execute("SELECT key FROM plans WHERE plain = 1")),
            *(
                ("file", f)
                for (f,) in self.db.execute("SELECT DISTINCT file FROM plans WHERE plain = 0")
            ),
        ]

    def keys_of(self, file: str) -> Iterator[str]:
        for (key,) in self.db.execute(
            "SELECT key FROM plans WHERE file = ? AND plain = 0 ORDER BY key", (file,)
        ):
            yield key

    # --- what writing did --------------------------------------------------------

    def wrote(self, key: str, outcome: str, content_sha: str, forget: tuple[str, ...]) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO written VALUES (?, ?, ?, ?)",
            (key, outcome, content_sha, json.dumps(forget)),
        )

    def outcomes(self) -> Iterator[tuple[str, bool, Any, Any, str, str, tuple[str, ...]]]:
        """Each planned article's content path, whether the manifest knew it, its seed
        and plan, and what writing it did; by content path."""
        for target, known, seed, plan, outcome, content_sha, forget in self.db.execute(
            "SELECT slots.target, slots.known, seeds.seed, plans.plan, outcome, content_sha,"
            " forget FROM slots JOIN plans USING (key) JOIN seeds USING (key)"
            " JOIN written USING (key) ORDER BY slots.target"
        ):
            forgotten = tuple(json.loads(forget)) if forget != "[]" else ()
            yield target, bool(known), load(seed), load(plan), outcome, content_sha, forgotten

    # --- the report --------------------------------------------------------------

    def add_row(self, kind: str, row: object, sort: str = "") -> None:
        self.db.execute(
            "INSERT INTO rows(kind, sort, data) VALUES (?, ?, ?)", (kind, sort, dump(row))
        )

    def rows(self, kind: str, make: Callable[[Any], T] | None = None) -> StoredRows[T]:
        """The report's rows of one kind (``make``: a row from what was stored)."""
        return StoredRows(self, kind, make)

    def count(self, kind: str) -> int:
        found: int = self._one("SELECT COUNT(*) FROM rows WHERE kind = ?", kind)
        return found


class StoredRows(Generic[T]):
    """One kind of report row, read back from the ledger in order (a collection: its
    length, iteration and membership, never all in memory)."""

    def __init__(self, ledger: Ledger, kind: str, make: Callable[[Any], T] | None) -> None:
        self._ledger = ledger
        self._kind = kind
        self._make = make

    def __len__(self) -> int:
        return self._ledger.count(self._kind)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[T]:
        for (data,) in self._ledger.db.execute(
            "SELECT data FROM rows WHERE kind = ? ORDER BY sort, seq", (self._kind,)
        ):
            yield load(data) if self._make is None else self._make(load(data))

    def __contains__(self, item: object) -> bool:
        return any(row == item for row in self)

    def __repr__(self) -> str:
        return f"StoredRows({self._kind!r}, {len(self)} rows)"


class FirstLines:
    """The line at which each id was first seen in one file, on disk (made when the
    first id comes)."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None

    def first(self, name: str, line: int) -> int | None:
        """The line ``name`` was first seen at; None (and ``line`` remembered) if new."""
        if self._db is None:
            self._db = sqlite3.connect("")
            self._db.execute("PRAGMA cache_size=-2048")
            self._db.execute("CREATE TABLE ids(name TEXT PRIMARY KEY, line INTEGER)")
        cursor = self._db.execute("INSERT OR IGNORE INTO ids VALUES (?, ?)", (name, line))
        if cursor.rowcount:
            return None
        found: int = self._db.execute("SELECT line FROM ids WHERE name = ?", (name,)).fetchone()[0]
        return found

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None if value is None else str(value)
