"""The generated demo (``archivesite demo``) as the validators see it: every page passes
the Nu HTML Checker with no error, and a crawl finds no broken internal link or asset,
built for a domain root and for a sub-path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_links import Crawl, crawl
from test_validate_html import run_vnu
from validation_fixtures import build, html_pages, serve, write_generated_demo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_generated_demo(tmp_path_factory.mktemp("generated") / "demo")


def _broken(result: Crawl) -> list[str]:
    return [
        f"{url}  <- {', '.join(sorted(refs)[:3])}" for url, refs in sorted(result.broken.items())
    ]


@pytest.mark.skipif(shutil.which("java") is None, reason="vnu needs a JRE (make system-deps)")
def test_every_page_of_the_generated_demo_passes_vnu(demo: Path) -> None:
    pages = html_pages(demo / "build")
    assert len(pages) > 500
    messages = run_vnu(pages)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    print(f"vnu: {len(pages)} pages of the generated demo, {len(errors)} errors")
    assert not errors, "\n".join(
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in errors[:40]
    )


@pytest.mark.parametrize("sub_path", ["/", "/archive/"])
def test_no_broken_link_in_the_generated_demo(demo: Path, tmp_path: Path, sub_path: str) -> None:
    parent = tmp_path / "www"
    out = parent / sub_path.strip("/") if sub_path != "/" else parent
    out.mkdir(parents=True)
    with serve(parent) as origin:
        base_url = origin + sub_path
        build(demo, out, base_url)
        result = crawl(origin, out, base_url, sub_path)
    print(f"crawled {len(result.fetched)} URLs under {sub_path}")
    assert len(result.fetched) > 500
    assert not result.broken, "\n".join(_broken(result)[:60])
    missing = sorted(
        {
            f"{target}#{fragment}  <- {referrer}"
            for target, fragment, referrer in result.fragments
            if target in result.ids and fragment not in result.ids[target]
        }
    )
    assert not missing, "\n".join(missing[:60])
