"""Take the README's screenshots: the home, archive, on-this-day, month and article
pages of the generated demo (``archivesite demo``).

Makes the generated demo (``--articles``, default 2,000) in a temporary folder, builds
it with ``--base-url`` set to the loopback address it is then served at (stdlib
``http.server``), and photographs the pages with Debian's headless Chromium. The
on-this-day page is the date with stories in the most years; the month and the
article are that date's latest. Nothing in the repository changes but the PNG files.

    .venv/bin/python scripts/screenshots.py [--out docs] [--width 1200] [--height 1000]
        [--articles 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def archivesite(*args: str) -> None:
    exe = Path(sys.executable).with_name("archivesite")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "archivesite.cli"]
    subprocess.run([*command, *args], check=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, server: http.server.ThreadingHTTPServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def generated_demo(work: Path, articles: int) -> Path:
    """A generated demo site of ``articles`` stories, imported."""
    site = work / "demo"
    archivesite("-q", "demo", str(site), "--articles", str(articles))
    return site


def pages(out: Path) -> dict[str, str]:
    """Screenshot name -> path under the site's root."""
    days = sorted(
        (p.parent.name for p in (out / "on-this-day").glob("[0-9][0-9]-[0-9][0-9]/index.html")),
        key=lambda d: (-len(list(out.glob(f"[0-9]*/{d[:2]}/{d[3:]}/index.html"))), d),
    )
    if not days:
        sys.exit("the demo archive has no on-this-day page")
    mm, dd = days[0].split("-")
    day = sorted(out.glob(f"[0-9][0-9][0-9][0-9]/{mm}/{dd}/index.html"))[-1].parent
    article = sorted(p.parent for p in day.glob("*/index.html"))[0]
    return {
        "home": "",
        "archive": "archive/",
        "on-this-day": f"on-this-day/{mm}-{dd}/",
        "month": f"{day.parent.parent.name}/{mm}/",
        "article": f"{article.relative_to(out).as_posix()}/",
    }


def screenshot(url: str, path: Path, width: int, height: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            CHROMIUM,
            *CHROME_FLAGS,
            f"--window-size={width},{height}",
            f"--screenshot={path}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  <-  {url}")  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archivesite-shots-") as tmp:
        work = Path(tmp)
        site = generated_demo(work, args.articles)
        out = work / "www"
        handler = functools.partial(_QuietHandler, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        archivesite(
            "-q", "build", "--site", str(site), "--out", str(out), "--base-url", origin + "/"
        )
        with serve(out, server):
            for name, path in pages(out).items():
                target = args.out / f"screenshot-{name}.png"
                screenshot(f"{origin}/{path}", target, args.width, args.height)


if __name__ == "__main__":
    main()
