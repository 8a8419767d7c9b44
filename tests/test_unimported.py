"""``build`` says in one line when seeds/ holds files the last import has not seen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from archivesite.config import load_config
from archivesite.unimported import unimported_note, unimported_seeds

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]


def _archivesite(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("archivesite")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=120, check=False
    )


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "archivesite.toml").write_text(
        'title = "T"\nsearch = false\n[import]\nas_of = 2026-11-27\n', encoding="utf-8"
    )
    shutil.copy(SEED, site / "seeds" / SEED.name)
    return site


def _age(path: Path, seconds: float) -> None:
    st = path.stat()
    os.utime(path, (st.st_atime - seconds, st.st_mtime - seconds))


def test_build_names_seeds_not_imported_yet_and_import_clears_it(tmp_path: Path) -> None:
    site = _site(tmp_path)
    first = _archivesite("build", "--site", str(site))
    assert first.returncode == 0, first.stderr
    assert "1 seed in seeds/ is not imported yet; run archivesite import" in first.stderr

    assert _archivesite("import", "--site", str(site)).returncode == 0
    after = _archivesite("build", "--site", str(site))
    assert "not imported" not in after.stderr

    (site / "seeds" / "more.txt").write_text(SEED.read_text(encoding="utf-8") + "\nMore.\n")
    (site / "seeds" / "other.txt").write_text("MOSCOW, May 3. /TASS/. Other news today.\n")
    (site / "seeds" / ".DS_Store").write_bytes(b"\0")  # clutter is never a seed
    more = _archivesite("-q", "build", "--site", str(site))
    assert more.stderr.strip() == "2 seeds in seeds/ are not imported yet; run archivesite import"


def test_seeds_the_manifest_names_or_that_the_import_saw_are_not_counted(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    config = load_config(site)
    assert unimported_seeds(config) == [f"seeds/{SEED.name}"]  # no manifest yet
    assert _archivesite("import", "--site", str(site)).returncode == 0
    assert unimported_seeds(config) == []

    # A copy of the site made in another order (seeds written after the manifest,
    # times kept): the manifest names the seed, so it is imported.
    manifest = site / "content" / ".archivesite-import.json"
    _age(manifest, 0.5)
    os.utime(site / "seeds" / SEED.name)
    assert unimported_seeds(config) == []

    # An edit well after the import counts; importing again (nothing to write) clears it.
    _age(manifest, 60)
    assert unimported_seeds(config) == [f"seeds/{SEED.name}"]
    assert _archivesite("import", "--site", str(site)).returncode == 0
    assert unimported_note(config) is None


def test_a_site_without_seeds_says_nothing(tmp_path: Path) -> None:
    site = tmp_path / "bare"
    site.mkdir()
    (site / "archivesite.toml").write_text('title = "T"\n', encoding="utf-8")
    assert unimported_note(load_config(site)) is None
