"""Lighthouse scores at least 0.95 in all four categories on the demo archive's pages.

The demo archive (this repository's root: its seeds, configuration and theme)
is built with ``--base-url`` set to the loopback address it is then served at,
and Lighthouse 12 (tests/tools, ``npm ci --prefix tests/tools``) checks the
home, year, month, day and article pages one after another in one Debian
Chromium (``CHROME_PATH``). The scores table is printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from processes import CHROMIUM, needs_chromium
from validation_fixtures import ROOT, build, serve, write_demo_site

TOOLS = ROOT / "tests" / "tools"
SCORES_SCRIPT = TOOLS / "lighthouse-scores.mjs"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = 0.95

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed"),
]


def _demo_pages(out: Path) -> dict[str, str]:
    """Page kind -> path under the site root, found from the built demo archive."""
    articles = sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"))
    assert articles, "the demo archive has no article page"
    article = articles[0].parent.relative_to(out)
    year, month, day = article.parts[:3]
    return {
        "home": "",
        "year": f"{year}/",
        "month": f"{year}/{month}/",
        "day": f"{year}/{month}/{day}/",
        "article": f"{article.as_posix()}/",
    }


def run_lighthouse(urls: list[str]) -> dict[str, dict[str, object]]:
    """Scores per URL from tests/tools/lighthouse-scores.mjs (one Chromium, in turn)."""
    if not (TOOLS / "node_modules" / "lighthouse").is_dir():
        pytest.fail("Lighthouse is not installed: run `npm ci --prefix tests/tools`")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    proc = subprocess.run(
        ["node", str(SCORES_SCRIPT), *urls],
        capture_output=True,
        text=True,
        env=env,
        timeout=540,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"lighthouse failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    result: dict[str, dict[str, object]] = json.loads(proc.stdout)
    return result


def scores_table(pages: dict[str, str], scores: dict[str, dict[str, object]]) -> str:
    head = f"{'page':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES)
    rows = [head, "-" * len(head)]
    for kind, url in pages.items():
        entry = scores[url]
        cells = [f"{entry.get(c, 'n/a')!s:>14}" for c in CATEGORIES]
        rows.append(f"{kind:<8} " + " ".join(cells))
    return "\n".join(rows)


def test_lighthouse_scores_on_the_demo_archive(tmp_path: Path) -> None:
    site = write_demo_site(tmp_path / "demo")
    out = tmp_path / "www"
    out.mkdir()
    with serve(out) as origin:
        build(site, out, origin + "/")
        paths = _demo_pages(out)
        pages = {kind: f"{origin}/{path}" for kind, path in paths.items()}
        scores = run_lighthouse(list(pages.values()))
    print("\nLighthouse scores (demo archive):")
    print(scores_table(pages, scores))
    for kind, url in pages.items():
        failed = scores[url].get("failed", {})
        for category, audits in failed.items() if isinstance(failed, dict) else ():
            for audit in audits:
                print(f"  {kind} {category}: {audit}")
    problems = []
    for kind, url in pages.items():
        entry = scores.get(url, {"error": "no result"})
        if "error" in entry:
            problems.append(f"{kind}: {entry['error']}")
            continue
        failed = entry.get("failed", {})
        assert isinstance(failed, dict)
        for category in CATEGORIES:
            score = entry.get(category)
            if not isinstance(score, int | float) or score < MINIMUM:
                audits = "; ".join(failed.get(category, []))
                problems.append(f"{kind} {category} = {score}: {audits}")
    assert not problems, "\n".join(problems)
