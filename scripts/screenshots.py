"""Take the README's screenshots: an article page and a month page of the demo archive.

Builds the demo archive (this repository's root: archivesite.toml, seeds/,
content/, templates/, static/) into a temporary folder with ``--base-url`` set
to the loopback address it is then served at (stdlib ``http.server``), and
photographs the pages with Debian's headless Chromium. Nothing in the
repository changes but the PNG files.

    .venv/bin/python scripts/screenshots.py [--out docs] [--width 1200] [--height 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
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


def demo_site(work: Path) -> Path:
    """A copy of the demo archive with its content imported."""
    site = work / "demo"
    site.mkdir()
    shutil.copy2(ROOT / "archivesite.toml", site / "archivesite.toml")
    for name in ("seeds", "content", "templates", "static"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, site / name)
    if not any((site / "content").rglob("*.md")):
        archivesite("-q", "import", "--site", str(site))
    return site


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archivesite-shots-") as tmp:
        work = Path(tmp)
        site = demo_site(work)
        out = work / "www"
        handler = functools.partial(_QuietHandler, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        archivesite(
            "-q", "build", "--site", str(site), "--out", str(out), "--base-url", origin + "/"
        )
        articles = sorted(out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"))
        if not articles:
            sys.exit("the demo archive has no article page")
        article = articles[0].parent.relative_to(out).as_posix()
        month = "/".join(article.split("/")[:2])
        with serve(out, server):
            screenshot(
                f"{origin}/{article}/", args.out / "screenshot-article.png", args.width, args.height
            )
            screenshot(
                f"{origin}/{month}/", args.out / "screenshot-month.png", args.width, args.height
            )


if __name__ == "__main__":
    main()
