"""Shared by the end-to-end tests: Debian's Chromium and `archivesite serve` in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ARCHIVESITE = Path(sys.executable).with_name("archivesite")

# Debian's chromium, driven by Playwright (never a downloaded browser build). Without the
# background-networking flags it tries hosts this machine cannot reach.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed"
)

#: Caps on waiting for serve to start and to stop, not timings a test depends on: serve
#: builds the site before its first line, and a busy CI machine can make that slow.
START_WAIT = 120.0
STOP_WAIT = 60.0


class ServeProcess:
    """`archivesite serve --port 0` in a subprocess, its URL read from the first stdout line;
    stderr is collected in ``log`` (all of it once :meth:`stop` returns)."""

    def __init__(self, site: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [str(ARCHIVESITE), "serve", "--site", str(site), "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # faulthandler: a server that does not stop is made to print every thread's stack
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
        )
        self.log: list[str] = []
        out, err = self.proc.stdout, self.proc.stderr
        assert out is not None and err is not None
        self._log_reader = threading.Thread(
            target=lambda: self.log.extend(iter(err.readline, "")), daemon=True
        )
        self._log_reader.start()
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(out.readline()), daemon=True)
        reader.start()
        reader.join(START_WAIT)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", first[0] if first else "")
        if not m:
            self.stop()
            pytest.fail(f"serve did not start: {first} {''.join(self.log)}")
        self.url = m.group(0)
        self.port = int(m.group(1))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGABRT)  # faulthandler prints where it hangs
                try:
                    self.proc.wait(STOP_WAIT)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(STOP_WAIT)
                self._log_reader.join(STOP_WAIT)  # its last lines: where it hung
                pytest.fail(
                    f"serve did not stop within {STOP_WAIT:.0f} s of Ctrl-C:\n"
                    + "".join(self.log[-80:])
                )
        self._log_reader.join(STOP_WAIT)  # stderr ends with the process: read it all
        return self.proc.returncode
