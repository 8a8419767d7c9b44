"""Time from saving one article to the browser's reload signal under ``archivesite serve``.

Generates an N-article site with bench/generate.py (cached under
bench/work/serve-reload-N/), starts the real ``archivesite serve --port 0`` in a
subprocess, connects to its live-reload stream like the injected script does,
then edits one article's title ``--edits`` times. Each measure runs from just
before the file is written to the ``reload`` event: the watcher's debounce
(quiet period 100 ms), the rebuild, and the event. Prints a table and the median.

    .venv/bin/python bench/serve_reload.py --articles 10000 --edits 5
    .venv/bin/python bench/serve_reload.py --articles 1000 --poll
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ARCHIVESITE = Path(sys.executable).with_name("archivesite")
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402


def make_site(n: int, work: Path) -> Path:
    site = work / f"serve-reload-{n}"
    marker = site / ".generated"
    if not marker.exists():
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        (site / "archivesite.toml").write_text(
            'title = "Serve benchmark"\nbase_url = "https://example.org/"\n'
        )
        written = generate.write(generate.generate_articles(n), "ours", site)
        marker.write_text(str(written))
    shutil.rmtree(site / ".archivesite", ignore_errors=True)  # every run starts cold
    return site


class EventStream:
    """A server-sent-events client, as the browser's EventSource sees the stream."""

    def __init__(self, url: str) -> None:
        m = re.match(r"http://([^:/]+):(\d+)/", url)
        assert m, url
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=600)
        self.sock.sendall(b"GET /__archivesite__/events HTTP/1.1\r\nHost: bench\r\n\r\n")
        self.buf = b""
        self._read_until(b"\r\n\r\n")

    def _read_until(self, sep: bytes) -> bytes:
        while sep not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the stream")
            self.buf += chunk
        block, self.buf = self.buf.split(sep, 1)
        return block

    def next_event(self) -> tuple[str, dict[str, object]]:
        while True:
            block = self._read_until(b"\n\n").decode()
            fields = dict(
                line.split(": ", 1) for line in block.splitlines() if not line.startswith(":")
            )
            if "event" in fields:
                return fields["event"], json.loads(fields["data"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--poll", action="store_true", help="use the polling observer")
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    args = parser.parse_args(argv)

    t = time.perf_counter()
    site = make_site(args.articles, args.work)
    articles = sorted((site / "content").rglob("*.md"))
    print(f"site: {len(articles)} articles under {site} ({time.perf_counter() - t:.1f} s)")

    cmd = [str(ARCHIVESITE), "serve", "--site", str(site), "--port", "0"]
    if args.poll:
        cmd.append("--poll")
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    log: list[str] = []
    assert proc.stderr is not None and proc.stdout is not None
    stderr = proc.stderr
    threading.Thread(target=lambda: log.extend(iter(stderr.readline, "")), daemon=True).start()
    rows: list[tuple[int, float, str]] = []
    try:
        first = proc.stdout.readline()
        m = re.search(r"(http://\S+/)", first)
        if not m:
            proc.wait(5)
            print("serve did not start:", first, "".join(log), file=sys.stderr)
            return 1
        url = m.group(1)
        print(f"initial build and start: {time.perf_counter() - started:.1f} s ({url})")
        events = EventStream(url)
        name, _ = events.next_event()
        assert name == "hello", name
        target = articles[len(articles) // 2]
        original = target.read_text(encoding="utf-8")
        try:
            for i in range(1, args.edits + 1):
                time.sleep(1.0)  # let the previous build's own events settle
                text = re.sub(r"^title: (.*)$", rf"title: \1 (edit {i})", original, count=1,
                              flags=re.MULTILINE)  # fmt: skip
                builds_before = sum("rebuilt in" in line for line in log)
                t0 = time.perf_counter()
                target.write_text(text, encoding="utf-8")
                while True:
                    name, data = events.next_event()
                    if name == "reload":
                        break
                    if name == "build-error":
                        print("build error:", data, file=sys.stderr)
                        return 1
                elapsed = time.perf_counter() - t0
                deadline = time.monotonic() + 5
                while sum("rebuilt in" in x for x in log) == builds_before:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.01)
                built = [x for x in log if "rebuilt in" in x]
                rows.append((i, elapsed, built[-1].strip() if built else "?"))
        finally:
            target.write_text(original, encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
    print()
    print(f"archivesite serve: save one article -> reload signal, {len(articles)} articles"
          f"{' (polling)' if args.poll else ''}")  # fmt: skip
    print(f"{'edit':>4}  {'save->reload':>12}  build (from the server's log)")
    for i, elapsed, built in rows:
        print(f"{i:>4}  {elapsed * 1000:>9.0f} ms  {built}")
    if rows:
        median = statistics.median(r[1] for r in rows)
        print(f"median over {len(rows)} edits: {median * 1000:.0f} ms (target: under 500 ms)")
    print(f"serve exited with status {rc}")
    return 0 if rows and rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
