"""The spool of an import run: the stories of a collection's records, on disk.

A collection's records are read once; between reading and writing, their parsed
stories wait in an append-only temporary file (one per process, in the run's ledger
folder) rather than in memory or in a second parse of the collection. A story is
found again by its :data:`Place` (file name, offset, size).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import IO, Any

Place = tuple[str, int, int]  # spool file name, offset, size


class Spool:
    """Append stories (:meth:`put`) and read them back (:meth:`get`), from any process
    of the run (each process appends to its own file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._out: IO[bytes] | None = None
        self._pid = 0
        self._readers: dict[str, IO[bytes]] = {}

    def __reduce__(self) -> tuple[Any, ...]:  # sent to a worker: the folder only
        return (Spool, (self.folder,))

    def put(self, value: object) -> Place:
        if self._out is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._out = (self.folder / f"spool-{self._pid}").open("ab")
            self._readers = {}
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        offset = self._out.tell()
        self._out.write(data)
        return (f"spool-{self._pid}", offset, len(data))

    def flush(self) -> None:
        if self._out is not None and self._pid == os.getpid():
            self._out.flush()

    def get(self, place: Place) -> Any:
        name, offset, size = place
        self.flush()
        reader = self._readers.get(name)
        if reader is None:
            reader = self._readers[name] = (self.folder / name).open("rb")
        reader.seek(offset)
        return pickle.loads(reader.read(size))  # our own temporary file, written by this run

    def close(self) -> None:
        """Close the files and remove every process's spool (the run's writing is done)."""
        for f in (*self._readers.values(), *([self._out] if self._out is not None else [])):
            f.close()
        self._readers = {}
        self._out = None
        for path in self.folder.glob("spool-*"):
            path.unlink(missing_ok=True)
