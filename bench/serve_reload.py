"""Time from saving one article to the browser's reload signal under ``archivesite serve``.

Owns the serve measure, reused by bench/run.py's "one article edited (serve)"
row: :class:`ServeProcess` runs the real ``archivesite serve --port 0`` in its
own session (its output in a log file; always stopped: SIGINT, then SIGKILL to
the whole session after a timeout), :class:`EventStream` is a plain
server-sent-events client of its live-reload stream (``/__archivesite__/events``,
as the injected script's EventSource reads it), and :func:`edit_until_reload`
times one edit from just before the file is written to the ``reload`` event:
the watcher's debounce (quiet period 100 ms), the rebuild, and the event.

Run on its own, it generates an N-article site with bench/generate.py (cached
under bench/work/serve-reload-N/), edits one article's title ``--edits`` times
and prints a table and the median:

    .venv/bin/python bench/serve_reload.py --articles 10000 --edits 5
    .venv/bin/python bench/serve_reload.py --articles 1000 --poll
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

EVENTS_PATH = "/__archivesite__/events"  # archivesite.serve.EVENTS_PATH
SERVING = re.compile(r"Serving .* at (http://\S+/)")  # printed once the first build is in
REBUILT = re.compile(r"rebuilt in ([0-9.]+) s")  # the server's log line after each build


class ServeError(RuntimeError):
    """The server did not start, a rebuild failed, or no reload came in time."""


class EventStream:
    """A server-sent-events client, as the browser's EventSource sees the stream."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=timeout
        )
        self.conn.request("GET", EVENTS_PATH, headers={"Accept": "text/event-stream"})
        self.response = self.conn.getresponse()
        ctype = self.response.getheader("Content-Type", "")
        if self.response.status != 200 or not ctype.startswith("text/event-stream"):
            raise ServeError(f"{url}: no event stream ({self.response.status} {ctype})")

    def next_event(self) -> tuple[str, dict[str, object]]:
        """The next event's name and JSON data (comments and keep-alives skipped)."""
        name, data = "message", []
        while True:
            raw = self.response.fp.readline()
            if not raw:
                raise ServeError("the server closed the event stream")
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:
                if data:
                    return name, json.loads("\n".join(data))
                name = "message"
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)

    def close(self) -> None:
        self.conn.close()


class ServeProcess:
    """``archivesite serve`` on a free port, its output in ``log``; a context manager.

    Leaving the ``with`` block always stops it: SIGINT (a clean stop), then
    SIGKILL to its whole session after ``stop_timeout`` seconds, and the
    session is killed anyway in case a child outlived the server.
    """

    def __init__(self, cmd: Sequence[str | Path], log: Path, *, stop_timeout: float = 30.0) -> None:
        self.cmd = [str(c) for c in cmd]
        self.log = log
        self.stop_timeout = stop_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self.url = ""

    def __enter__(self) -> ServeProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                self.cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 5) -> str:
        return "\n".join(self.text().strip().splitlines()[-lines:])

    def wait_serving(self, timeout: float) -> str:
        """Wait for the first build and the "Serving ... at URL" line; return the URL."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while True:
            m = SERVING.search(self.text())
            if m:
                self.url = m.group(1)
                return self.url
            if self.proc.poll() is not None:
                raise ServeError(f"serve exited with status {self.proc.returncode}: {self.tail()}")
            if time.monotonic() > deadline:
                raise ServeError(f"serve did not start within {timeout:.0f} s: {self.tail()}")
            time.sleep(0.05)

    def rebuild_seconds(self) -> list[float]:
        """Every "rebuilt in X s" the server has logged, the first build included."""
        return [float(x) for x in REBUILT.findall(self.text())]

    def stop(self) -> int | None:
        if self.proc is None or self.returncode is not None:
            return self.returncode
        proc = self.proc
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            self.returncode = proc.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.returncode = None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the server if stuck, and anything it left
        if self.returncode is None:
            proc.wait()
        return self.returncode


def edit_until_reload(events: EventStream, path: Path, text: str, settle: float = 1.0) -> float:
    """Write ``text`` to ``path`` and wait for the next ``reload``; seconds from the write.

    Waits ``settle`` seconds first so the previous build's own events are over.
    A ``build-error`` event raises :class:`ServeError`.
    """
    time.sleep(settle)
    t0 = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    while True:
        name, data = events.next_event()
        if name == "reload":
            return time.perf_counter() - t0
        if name == "build-error" and data.get("errors"):
            raise ServeError(f"the rebuild failed: {data}")


def serve_command(site: Path, poll: bool = False) -> list[str]:
    """``archivesite serve`` through this interpreter, on a free port (``--port 0``)."""
    cmd = [sys.executable, "-m", "archivesite.cli", "serve", "--site", str(site), "--port", "0"]
    return [*cmd, "--poll"] if poll else cmd


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--poll", action="store_true", help="use the polling observer")
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for a build")
    args = parser.parse_args(argv)

    t = time.perf_counter()
    site = make_site(args.articles, args.work)
    articles = sorted((site / "content").rglob("*.md"))
    print(f"site: {len(articles)} articles under {site} ({time.perf_counter() - t:.1f} s)")

    target = articles[len(articles) // 2]
    original = target.read_text(encoding="utf-8")
    rows: list[tuple[int, float, str]] = []
    server = ServeProcess(serve_command(site, args.poll), args.work / "logs" / "serve-reload.log")
    try:
        with server:
            started = time.perf_counter()
            url = server.wait_serving(args.timeout)
            print(f"initial build and start: {time.perf_counter() - started:.1f} s ({url})")
            events = EventStream(url, args.timeout)
            name, _ = events.next_event()
            assert name == "hello", name
            try:
                for i in range(1, args.edits + 1):
                    text = re.sub(r"^title: (.*)$", rf"title: \1 (edit {i})", original, count=1,
                                  flags=re.MULTILINE)  # fmt: skip
                    builds_before = len(server.rebuild_seconds())
                    elapsed = edit_until_reload(events, target, text)
                    deadline = time.monotonic() + 5  # the log line may trail the event
                    while len(server.rebuild_seconds()) == builds_before:
                        if time.monotonic() > deadline:
                            break
                        time.sleep(0.01)
                    built = server.rebuild_seconds()[builds_before:]
                    rows.append((i, elapsed, f"rebuilt in {built[-1]:.2f} s" if built else "?"))
            finally:
                events.close()
                target.write_text(original, encoding="utf-8")
    except ServeError as exc:
        print(exc, file=sys.stderr)
    rc = server.returncode
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
