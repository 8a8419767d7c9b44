"""The code's own fingerprint covers every source file of the package, subpackages too:
a build by changed code re-renders every page, wherever the change was made."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import archivesite

PACKAGE = Path(archivesite.__file__).resolve().parent
REPO = PACKAGE.parents[1]


def _copy_package(parent: Path) -> Path:
    """A copy of the package (with the built-in theme, as a wheel lays it out) in ``parent``."""
    copy = parent / "archivesite"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "theme"))
    for folder in ("templates", "static"):
        theme = PACKAGE / "theme" / folder
        shutil.copytree(theme if theme.is_dir() else REPO / folder, copy / "theme" / folder)
    return copy


def _code_version(package_parent: Path) -> str:
    script = "from archivesite.fingerprints import code_version; print(code_version())"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_an_edit_in_a_subpackage_changes_the_code_version(tmp_path: Path) -> None:
    copy = _copy_package(tmp_path)
    (copy / "readers").mkdir(exist_ok=True)
    module = copy / "readers" / "extra.py"
    module.write_text('"""A reader."""\n', encoding="utf-8")
    before = _code_version(tmp_path)
    assert _code_version(tmp_path) == before  # repeatable
    module.write_text('"""A reader, changed."""\n', encoding="utf-8")
    assert _code_version(tmp_path) != before
    module.unlink()
    assert _code_version(tmp_path) != before  # a file gone is a change too


def test_a_changed_code_version_re_renders_every_page(tmp_path: Path) -> None:
    """Built by one copy of the package, then by a copy with an edit in a subpackage:
    the second build renders every page again."""
    site = tmp_path / "site"
    (site / "content" / "2022" / "01" / "11").mkdir(parents=True)
    (site / "content" / "2022" / "01" / "11" / "a.md").write_text(
        "---\ntitle: A story\ndate: 2022-01-11\n---\nThe body.\n", encoding="utf-8"
    )
    (site / "archivesite.toml").write_text("search = false\n", encoding="utf-8")
    copy = _copy_package(tmp_path / "pkg")
    (copy / "readers").mkdir(exist_ok=True)
    extra = copy / "readers" / "extra.py"
    extra.write_text("X = 1\n", encoding="utf-8")
    script = (
        "import sys; from archivesite.build import build; from archivesite.config import "
        "load_config; r = build(load_config(__import__('pathlib').Path(sys.argv[1])), jobs=1);"
        " print(r.rendered, r.outputs)"
    )

    def rendered() -> tuple[int, int]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(site)],
            env={"PYTHONPATH": str(copy.parent), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        )
        n, total = done.stdout.split()
        return int(n), int(total)

    first = rendered()
    assert first[0] == first[1] > 0
    assert rendered() == (0, first[1])  # same code: nothing to render
    extra.write_text("X = 2\n", encoding="utf-8")
    assert rendered() == first  # changed code: every page again


def test_library_versions_are_read_without_importing_the_library() -> None:
    """The Markdown version in the fingerprint is the installed one, read from its metadata
    folder, and agrees with what the library says of itself."""
    script = (
        "import sys; from archivesite.fingerprints import library_version as v; "
        "print(v('markdown'), 'markdown' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    version, imported = done.stdout.split()
    import markdown

    assert (version, imported) == (markdown.__version__, "False")


def test_a_library_is_asked_its_version_only_without_metadata_beside_it(tmp_path: Path) -> None:
    (tmp_path / "bare_lib").mkdir()
    (tmp_path / "bare_lib" / "__init__.py").write_text('__version__ = "9.8.7"\n')
    (tmp_path / "kept_lib").mkdir()
    (tmp_path / "kept_lib" / "__init__.py").write_text('__version__ = "9.8.7"\n')
    (tmp_path / "kept_lib-2.0.dist-info").mkdir()  # the installed one
    (tmp_path / "Kept_Lib-1.5-py3.11.egg-info").mkdir()  # stale, from an old install
    (tmp_path / "kept_lib_extra-3.0.dist-info").mkdir()  # another distribution
    script = (
        "from archivesite.fingerprints import library_version as v; "
        "print(v('bare_lib'), v('kept_lib'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": f"{tmp_path}:{PACKAGE.parent}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["9.8.7", "1.5,2.0"]


def test_a_build_that_finds_nothing_changed_imports_no_markdown_or_yaml(tmp_path: Path) -> None:
    """Python-Markdown and PyYAML are imported where first needed: a no-op build, the one
    run most often, parses no front matter and converts no body."""
    site = tmp_path / "site"
    (site / "content" / "2022" / "01" / "11").mkdir(parents=True)
    (site / "content" / "2022" / "01" / "11" / "a.md").write_text(
        "---\ntitle: A story\ndate: 2022-01-11\n---\nThe *body*.\n", encoding="utf-8"
    )
    (site / "archivesite.toml").write_text("search = false\n", encoding="utf-8")
    script = (
        "import atexit, sys\n"
        "libraries = ('markdown', 'yaml')\n"
        "atexit.register(lambda: print('loaded:', *[m for m in libraries if m in sys.modules]))\n"
        "from archivesite.cli import main\n"
        "sys.argv = ['archivesite', '-q', 'build', '--site', sys.argv[1]]\n"
        "main()\n"
    )

    def loaded() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, str(site)], capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()[-1].strip()  # after the build's report

    assert loaded() == "loaded: markdown yaml"  # the first build reads and converts the article
    assert (site / "build" / "2022" / "01" / "11" / "a" / "index.html").is_file()
    assert loaded() == "loaded:"  # nothing changed
