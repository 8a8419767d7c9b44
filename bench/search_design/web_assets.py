"""The browser runtimes of the prototypes, built into ``web/dist/`` from ``node_modules``.

Owns: ``snowball.js``, the English and Russian stemmers cut out of the
``snowball-stemmers`` package (the whole package carries 24 languages), and the
FTS5 client bundle (``fts.js``, the SQLite worker and the HTTP VFS worker,
bundled with esbuild, and the ``sqlite3.wasm`` they load). Needs
``npm ci --prefix bench/search_design`` once.

    python bench/search_design/web_assets.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
DIST = HERE / "web" / "dist"
KEEP = ("english", "russian")


def snowball_subset() -> str:
    """The package's source with every stemmer but :data:`KEEP` removed."""
    src = (MODULES / "snowball-stemmers" / "snowball-stemmers.js").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=    var \w+Stemmer = function|    function newStemmer)", src)
    kept = []
    for block in blocks:
        m = re.match(r"    var (\w+)Stemmer = function", block)
        if m and m.group(1) not in (*KEEP, "Snowball"):
            continue
        kept.append(block)
    out = "".join(kept)
    names = "|".join(re.escape(n) for n in KEEP)
    out = re.sub(rf"(?m)^            (?!(?:{names}):)\w+: \w+Stemmer,?\n", "", out)
    return re.sub(r",(\n        \};)", r"\1", out)


def bundle_fts() -> None:
    esbuild = MODULES / ".bin" / "esbuild"
    vfs = MODULES / "sqlite-wasm-http"
    quiet = "--log-level=error"
    subprocess.run(
        [esbuild, HERE / "web" / "fts-entry.js", "--bundle", "--format=esm",
         f"--outfile={DIST / 'fts.js'}", quiet],
        check=True,
    )  # fmt: skip
    # The package starts both workers as classic scripts next to its module.
    for worker in ("sqlite-worker.js", "vfs-http-worker.js"):
        subprocess.run(
            [esbuild, vfs / "dist" / worker, "--bundle", "--format=iife",
             "--define:import.meta.url=self.location.href", f"--outfile={DIST / worker}", quiet],
            check=True,
        )  # fmt: skip
    shutil.copyfile(vfs / "deps" / "dist" / "sqlite3.wasm", DIST / "sqlite3.wasm")


def main() -> None:
    DIST.mkdir(parents=True, exist_ok=True)
    (DIST / "snowball.js").write_text(snowball_subset(), encoding="utf-8")
    bundle_fts()


if __name__ == "__main__":
    main()
