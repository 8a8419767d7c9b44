"""Seeds not imported yet: the files in ``seeds/`` the last import has not seen.

:func:`unimported_seeds` decides from file names and stat data only (never reading or
hashing a seed, so a no-op build stays fast). A seed counts when it changed or
appeared after the import manifest was last written (its modification or inode-change
time is later than the manifest's modification time) and either the manifest does not
name it or it was modified well after the manifest (an edit since the import). A site
with seeds and no manifest has imported none. An import of the whole seeds folder
touches the manifest where seeds are newer than it, so seeds that give no article
(duplicates, files no reader takes) are not counted again.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from .config import IMPORT_MANIFEST, SEEDS_DIR, Config
from .entries import is_clutter

# A clone or copy writes a seed and the manifest moments apart, in either order; an
# edit made after an import is later than that.
_SAME_MOMENT = 2.0  # seconds


def _newer_seeds(seeds: Path, since: float) -> dict[str, float]:
    """The ``seeds/...`` key and modification time of each seed file whose modification
    or inode-change time is after ``since`` (one ``stat`` per file, nothing read)."""
    found: dict[str, float] = {}
    folders = [(str(seeds), SEEDS_DIR)]
    while folders:
        folder, key = folders.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if is_clutter(entry.name):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((entry.path, f"{key}/{entry.name}"))
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                if st.st_mtime > since or st.st_ctime > since:
                    found[f"{key}/{entry.name}"] = st.st_mtime
    return found


def _imported_sources(manifest: Path) -> set[str]:
    """The seed files the manifest names (a collection's records under its file)."""
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        return {str(rec["source_file"]).split("#", 1)[0] for rec in files.values()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()


def unimported_seeds(config: Config) -> list[str]:
    """The ``seeds/...`` files the last import has not seen, sorted."""
    if not config.seeds_dir.is_dir():
        return []
    manifest = config.content_dir / IMPORT_MANIFEST
    try:
        written = manifest.stat().st_mtime
    except OSError:
        return sorted(_newer_seeds(config.seeds_dir, -math.inf))
    newer = _newer_seeds(config.seeds_dir, written)
    if not newer:
        return []
    known = _imported_sources(manifest)
    return sorted(
        key for key, mtime in newer.items() if key not in known or mtime > written + _SAME_MOMENT
    )


def unimported_note(config: Config) -> str | None:
    """The line ``build`` prints where seeds are waiting to be imported, else None."""
    count = len(unimported_seeds(config))
    if not count:
        return None
    seeds = "1 seed in seeds/ is" if count == 1 else f"{count} seeds in seeds/ are"
    return f"{seeds} not imported yet; run archivesite import"
