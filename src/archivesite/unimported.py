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
import os
from pathlib import Path

from .config import IMPORT_MANIFEST, SEEDS_DIR, Config
from .entries import is_clutter

# A clone or copy writes a seed and the manifest moments apart, in either order; an
# edit made after an import is later than that.
_SAME_MOMENT = 2.0  # seconds


def _seed_times(seeds: Path) -> dict[str, tuple[float, float]]:
    """Each seed file's ``seeds/...`` key -> (mtime, latest of mtime and ctime)."""
    found: dict[str, tuple[float, float]] = {}
    for root, dirs, names in os.walk(seeds):
        dirs[:] = [d for d in dirs if not is_clutter(d)]
        for name in names:
            if is_clutter(name):
                continue
            path = os.path.join(root, name)  # noqa: PTH118
            try:
                st = os.stat(path)  # noqa: PTH116
            except OSError:
                continue
            key = Path(SEEDS_DIR, os.path.relpath(path, seeds)).as_posix()
            found[key] = (st.st_mtime, max(st.st_mtime, st.st_ctime))
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
    seeds = _seed_times(config.seeds_dir) if config.seeds_dir.is_dir() else {}
    manifest = config.content_dir / IMPORT_MANIFEST
    try:
        st = manifest.stat()
    except OSError:
        return sorted(seeds)
    newer = {key: mtime for key, (mtime, changed) in seeds.items() if changed > st.st_mtime}
    if not newer:
        return []
    known = _imported_sources(manifest)
    return sorted(
        key
        for key, mtime in newer.items()
        if key not in known or mtime > st.st_mtime + _SAME_MOMENT
    )


def unimported_note(config: Config) -> str | None:
    """The line ``build`` prints where seeds are waiting to be imported, else None."""
    count = len(unimported_seeds(config))
    if not count:
        return None
    seeds = "1 seed in seeds/ is" if count == 1 else f"{count} seeds in seeds/ are"
    return f"{seeds} not imported yet; run archivesite import"
