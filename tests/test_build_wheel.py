"""A non-editable install ships the theme: build in a folder holding only content/."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_builds_the_full_site(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("archivesite-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # Install without dependencies (offline); borrow them from this environment's site-packages
    # (a plain path entry: its .pth files, such as the editable install's, are not processed).
    purelib = Path(sysconfig.get_paths()["purelib"])
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # --target, not --prefix: pip must not touch this environment's own (editable) install.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target, str(wheel)],
        check=True,
        timeout=300,
    )
    (Path(target) / "zz_borrowed.pth").write_text(str(purelib) + "\n")

    site = tmp_path / "only-content"
    shutil.copytree(ROOT / "tests/fixtures/seed/content", site / "content")
    result = subprocess.run(
        [str(python), "-c", "from archivesite.cli import main; main()", "build"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    where = subprocess.run(
        [str(python), "-c", "import archivesite; print(archivesite.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(env_dir) in where  # the installed copy, not the repository's
    out = site / "build"
    for rel in (
        "index.html",
        "2022/index.html",
        "2022/01/index.html",
        "2022/01/11/index.html",
        "archive/index.html",
        "tags/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "assets/archivesite.css",
    ):
        assert (out / rel).is_file(), rel
    assert "prefers-color-scheme" in (out / "assets/archivesite.css").read_text()
