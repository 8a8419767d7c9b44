"""A static host for the prototypes that counts the bytes it sends.

Owns: :class:`Host`, a threaded HTTP server over one folder that behaves like a
static host (Netlify, GitHub Pages, nginx with ``gzip on``):

- ``Range: bytes=a-b`` answered with ``206`` and ``Content-Range`` (never
  compressed: a range is of the stored bytes);
- other responses gzip-compressed on the fly where the client accepts gzip and
  the type is text, JSON, JavaScript or WebAssembly (files that are already
  compressed, such as Pagefind's ``.pf_*``, are sent as they are);
- ``Cross-Origin-Opener-Policy``/``-Embedder-Policy`` so pages may use
  ``SharedArrayBuffer`` (the SQLite HTTP VFS's shared cache needs it);
- ``--whole-file`` mode answers ranges with ``200`` and the whole file, to test
  that a client refuses such a host.

Every response is logged as ``(path, bytes on the wire, status)`` in
:attr:`Host.log`, which the browser harness reads between queries.
"""

from __future__ import annotations

import gzip
import re
import threading
from functools import lru_cache
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

COMPRESSIBLE = (".html", ".js", ".mjs", ".json", ".css", ".wasm", ".txt")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


@lru_cache(maxsize=4096)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class Host:
    """A running host over ``root`` on 127.0.0.1 (port chosen by the system)."""

    def __init__(self, root: Path, *, whole_file: bool = False) -> None:
        self.log: list[tuple[str, int, int]] = []
        host = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def end_headers(self) -> None:
                self.send_header("Cross-Origin-Opener-Policy", "same-origin")
                self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
                self.send_header("Cache-Control", "max-age=3600")
                super().end_headers()

            def do_GET(self) -> None:
                path = Path(self.translate_path(self.path.split("?")[0]))
                if path.is_dir():
                    path = path / "index.html"
                if not path.is_file():
                    self.send_error(404)
                    host.log.append((self.path, 0, 404))
                    return
                ctype = self.guess_type(str(path))
                if path.suffix == ".mjs":
                    ctype = "text/javascript"
                m = _RANGE.match(self.headers.get("Range", ""))
                if m and not host.whole_file:
                    self._send_range(path, ctype, m)
                    return
                body, encoding = path.read_bytes(), None
                gz_ok = "gzip" in self.headers.get("Accept-Encoding", "")
                if gz_ok and path.suffix in COMPRESSIBLE:
                    body = _gzipped(str(path), path.stat().st_mtime_ns)
                    encoding = "gzip"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.end_headers()
                sent = 0
                try:  # in chunks, so a client that hangs up is seen
                    for at in range(0, len(body), 1 << 16):
                        self.wfile.write(body[at : at + (1 << 16)])
                        sent += len(body[at : at + (1 << 16)])
                except (BrokenPipeError, ConnectionResetError):
                    pass
                host.log.append((self.path, sent, 200))

            def _send_range(self, path: Path, ctype: str, m: re.Match[str]) -> None:
                size = path.stat().st_size
                first, last = m.group(1), m.group(2)
                if first:
                    start, end = int(first), int(last) if last else size - 1
                else:
                    start, end = max(0, size - int(last or 0)), size - 1
                end = min(end, size - 1)
                if start > end or start >= size:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.end_headers()
                    host.log.append((self.path, 0, 416))
                    return
                with path.open("rb") as f:
                    f.seek(start)
                    body = f.read(end + 1 - start)
                self.send_response(206)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                self.wfile.write(body)
                host.log.append((self.path, len(body), 206))

        self.whole_file = whole_file
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Host:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def take_log(self) -> list[tuple[str, int, int]]:
        """The responses since the last call."""
        taken, self.log[:] = list(self.log), []
        return taken
