"""The preview server: a static file server with live reload, and the loop that rebuilds.

Two parts, neither knowing anything about articles:

* :class:`PreviewServer` serves one folder over HTTP: pretty URLs (``/a/b/``
  is ``a/b/index.html``, ``/a/b`` redirects to ``/a/b/``), explicit content
  types, the site's ``404.html`` with status 404, never a directory listing;
  byte ranges, validators and compression as a static host answers them
  (:mod:`archivesite.hosting`).
  Every request path is decoded once, checked and resolved (symlinks
  included) inside the folder, else 404. Slow or endless requests time out
  on their own thread; an over-long request target gets 414. HTML responses
  get a small script (from the reserved ``/__archivesite__/`` prefix) that
  listens to server-sent events: ``reload`` after a rebuild has finished,
  ``build-error`` to show an overlay naming the file and line, and
  ``search-index`` when a new search index is in place (passed on to the page
  as the DOM event ``archivesite:search-index``, which the search page follows).
* :class:`Preview` ties a :class:`~archivesite.watch.Watcher`, the server and
  the injected stage callables together: build into its own folder
  (``.archivesite/serve/``, never ``build/``) with the base URL set to the
  served address; re-import a changed seed, rebuild on a content, template,
  static or config change; keep serving the last good site when a rebuild
  fails, and say why in the terminal and the browser.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import mimetypes
import os
import queue
import socket
import socketserver
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from . import hosting
from .config import STATE_DIR, Config, load_config
from .errors import ArchiveError, ArchiveErrors
from .watch import QUIET_SECONDS, Change, ChangeKind, Watcher

log = logging.getLogger(__name__)

RESERVED = "/__archivesite__/"
SCRIPT_PATH = RESERVED + "livereload.js"
EVENTS_PATH = RESERVED + "events"
#: Longest request target accepted (PATH_MAX is 4096; anything longer is abuse).
MAX_TARGET = 8192

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xsl": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
}


def content_type(path: Path) -> str:
    """The Content-Type for a file name; explicit for web files, never guessed from content."""
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name, strict=False)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class Found:
    """A request resolved to a file inside the served folder."""

    path: Path


@dataclass(frozen=True)
class Redirect:
    """A request for a folder without its trailing slash."""

    location: str


def resolve_request(root: Path, target: str) -> Found | Redirect | None:
    """Map a request target to a file under ``root``; ``None`` means 404.

    The path is percent-decoded exactly once; NUL bytes, backslashes and
    ``..`` segments are refused outright, and the resolved file (symlinks
    followed) must still lie inside ``root``.
    """
    if target.startswith(("http://", "https://")):  # absolute-form: keep the path only
        slash = target.find("/", target.index("//") + 2)
        target = target[slash:] if slash >= 0 else "/"
    if not target.startswith("/") or len(target) > MAX_TARGET:
        return None
    raw = target.split("#", 1)[0]
    raw, _, query = raw.partition("?")
    if "\\" in raw or "\x00" in raw:
        return None
    try:
        decoded = unquote(raw, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded:
        return None
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if ".." in segments:
        return None
    try:
        base = root.resolve(strict=True)
        path = base.joinpath(*segments).resolve()
        if not path.is_relative_to(base):
            return None
        if path.is_dir():
            if segments and not decoded.endswith("/"):
                location = "/" + "/".join(quote(s) for s in segments) + "/"
                return Redirect(location + ("?" + query if query else ""))
            index = (path / "index.html").resolve()
            if index.is_relative_to(base) and index.is_file():
                return Found(index)
            return None
        if path.is_file() and not decoded.endswith("/"):
            return Found(path)
    except (OSError, ValueError, RuntimeError):  # too long, a symlink loop, vanished
        return None
    return None


# --- live reload -----------------------------------------------------------


@dataclass(frozen=True)
class ErrorInfo:
    """One problem to show in the browser's overlay."""

    text: str
    path: str | None = None
    line: int | None = None
    message: str = ""

    @classmethod
    def from_error(cls, exc: ArchiveError) -> ErrorInfo:
        return cls(
            text=str(exc),
            path=str(exc.path) if exc.path is not None else None,
            line=exc.line,
            message=exc.message,
        )

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "path": self.path, "line": self.line, "message": self.message}


def errors_of(exc: ArchiveError) -> list[ErrorInfo]:
    """Each located problem in an :class:`ArchiveError` (several for ArchiveErrors)."""
    if isinstance(exc, ArchiveErrors):
        return [ErrorInfo.from_error(e) for e in exc.errors]
    return [ErrorInfo.from_error(exc)]


_CLOSED = object()


class LiveReload:
    """The state browsers follow: a build generation, the current errors, and how many
    search indexes have been put in place.

    Each server-sent-events client gets its own queue; :meth:`reload` is called
    only after a build has returned, so a browser never reloads into a
    half-written site.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = 0
        self.search = 0
        self.errors: tuple[ErrorInfo, ...] = ()
        self._clients: set[queue.Queue[object]] = set()
        self.closed = threading.Event()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "generation": self.generation,
                "search": self.search,
                "errors": [e.to_json() for e in self.errors],
            }

    def reload(self, errors: Iterable[ErrorInfo] = ()) -> None:
        """A build finished and its files are in place: tell every browser to reload."""
        with self._lock:
            self.generation += 1
            self.errors = tuple(errors)
        self._send("reload", self.state())

    def search_indexed(self) -> None:
        """A new search index is in place: open pages searching the old one catch up."""
        with self._lock:
            self.search += 1
        self._send("search-index", self.state())

    def report(self, errors: Iterable[ErrorInfo]) -> None:
        """The current problems (empty: none); browsers show or hide the overlay."""
        with self._lock:
            self.errors = tuple(errors)
        self._send("build-error", self.state())

    def subscribe(self) -> queue.Queue[object]:
        q: queue.Queue[object] = queue.Queue()
        with self._lock:
            self._clients.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[object]) -> None:
        with self._lock:
            self._clients.discard(q)

    def close(self) -> None:
        self.closed.set()
        with self._lock:
            clients = list(self._clients)
        for q in clients:
            q.put(_CLOSED)

    def _send(self, event: str, data: dict[str, Any]) -> None:
        message = sse_message(event, data)
        with self._lock:
            clients = list(self._clients)
        for q in clients:
            q.put(message)


def sse_message(event: str, data: dict[str, Any]) -> bytes:
    """One server-sent event; the data is one line of JSON."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=True)}\n\n".encode()


LIVERELOAD_JS = r"""// archivesite live reload (preview only; never part of a build).
(function () {
  "use strict";
  var me = document.currentScript;
  var loaded = me ? me.getAttribute("data-generation") : null;
  var searched = me ? me.getAttribute("data-search") : null;
  var box = null;
  function show(errors) {
    if (!box) {
      box = document.createElement("div");
      box.id = "archivesite-error-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "margin:0;padding:2rem;background:rgba(40,0,0,.94);color:#fff;" +
        "font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap";
      (document.body || document.documentElement).appendChild(box);
    }
    box.textContent = "archivesite: the rebuild failed; still showing the last good site.\n\n" +
      errors.map(function (e) { return e.text; }).join("\n");
    box.hidden = false;
  }
  function hide() { if (box) { box.hidden = true; } }
  function follow(state, isHello) {
    if (state.errors.length) { show(state.errors); return; }
    if (isHello && loaded !== null && String(state.generation) === loaded) {
      hide();
      if (searched !== null && String(state.search) !== searched) { newIndex(state); }
      return;
    }
    location.reload();
  }
  // The search index is written after the pages: a page that searches it is told.
  function newIndex(state) {
    searched = String(state.search);
    window.archivesiteSearchIndex = state.search;
    window.dispatchEvent(new CustomEvent("archivesite:search-index", { detail: state }));
  }
  var source = new EventSource("/__archivesite__/events");
  source.addEventListener("hello", function (ev) {
    window.archivesiteLiveReload = "connected";
    follow(JSON.parse(ev.data), true);
  });
  source.addEventListener("reload", function (ev) { follow(JSON.parse(ev.data), false); });
  source.addEventListener("search-index", function (ev) { newIndex(JSON.parse(ev.data)); });
  source.addEventListener("build-error", function (ev) {
    var state = JSON.parse(ev.data);
    if (state.errors.length) { show(state.errors); } else { hide(); }
  });
})();
"""


def inject_script(html: bytes, generation: int, search: int = 0) -> bytes:
    """Add the live-reload script before the last ``</body>`` (or at the end)."""
    tag = (
        f'<script src="{SCRIPT_PATH}" data-generation="{generation}" data-search="{search}">'
        "</script>"
    ).encode()
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]


NOT_FOUND_PAGE = (
    b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>404 Not Found</title>'
    b"</head><body><h1>404 Not Found</h1><p>There is no page at this address.</p>"
    b"</body></html>\n"
)


def _sibling_of(path: Path) -> Callable[[str], bool]:
    """Whether a precompressed copy (``x.gz``, ``x.br``) is stored next to ``path``."""
    return lambda suffix: path.with_name(path.name + suffix).is_file()


def _write_slice(out: Any, data: bytes, start: int, end: int) -> None:
    out.write(data[start : end + 1])


def _copy_slice(src: Any, out: Any, start: int, end: int) -> None:
    """Copy bytes ``start..end`` (inclusive) of an open file to ``out``."""
    src.seek(start)
    left = end - start + 1
    while left > 0:
        block = src.read(min(left, 1 << 16))
        if not block:
            break  # the file shrank while being sent; the client sees a short body
        out.write(block)
        left -= len(block)


# --- the HTTP server -------------------------------------------------------


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD for files under the server's root, plus the live-reload endpoints."""

    server: PreviewServer
    server_version = "archivesite-preview"
    protocol_version = "HTTP/1.0"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.request_timeout)  # slow requests give up

    def parse_request(self) -> bool:
        head = super().parse_request()  # reads the headers
        self.server.head_read(self.connection)
        if not head:
            return False
        if len(self.path) > MAX_TARGET:
            self.send_error(414)
            return False
        return True

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _respond(self, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(RESERVED):
            if path == SCRIPT_PATH and self.server.inject:
                self._send(200, "text/javascript; charset=utf-8", LIVERELOAD_JS.encode(), head)
            elif path == EVENTS_PATH and self.server.inject and not head:
                self._events()
            else:
                self._not_found(head)
            return
        found = resolve_request(self.server.root, self.path)
        if isinstance(found, Redirect):
            self.send_response(302)  # not 301: a preview must never be cached
            self.send_header("Location", found.location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return
        if found is None:
            self._not_found(head)
            return
        try:
            self._send_file(found.path, head)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            self._not_found(head)  # it vanished between resolving and reading

    def _send_file(self, path: Path, head: bool) -> None:
        """A file as a static host sends it (ranges, compression: :mod:`hosting`); HTML
        pages carry the live-reload script, so they are answered from memory."""
        request = {k.lower(): v for k, v in self.headers.items()}
        ctype = content_type(path)
        mode = self.server.compress
        if self.server.inject and path.suffix.lower() in (".html", ".htm"):
            body = self._page(path.read_bytes())
            choice = hosting.choose_representation(
                mode, ctype, len(body), request.get("accept-encoding"), _sibling_of(path)
            )
            # A stored sibling lacks the script: compress the page itself now.
            gzipped = bool(choice.coding) and "gzip" in hosting.accepted_codings(
                request.get("accept-encoding")
            )
            if gzipped:
                body = hosting.gzip_bytes(body)
            reply = hosting.reply_for(
                self.command,
                request,
                size=len(body),
                content_type=ctype,
                etag=hosting.content_tag(body),
                last_modified=hosting.http_date(path.stat().st_mtime_ns),
                coding="gzip" if gzipped else None,
                varies=choice.varies,
                ranges_allowed=not choice.on_the_fly,
            )
            self._reply(reply, head, lambda start, end: _write_slice(self.wfile, body, start, end))
            return
        st = path.stat()
        choice = hosting.choose_representation(
            mode, ctype, st.st_size, request.get("accept-encoding"), _sibling_of(path)
        )
        facts = hosting.FileFacts(st.st_size, st.st_mtime_ns)
        if choice.on_the_fly:
            data = hosting.gzip_bytes(path.read_bytes())
            reply = hosting.reply_for(
                self.command,
                request,
                size=len(data),
                content_type=ctype,
                etag="W/" + hosting.entity_tag(facts),
                last_modified=hosting.http_date(st.st_mtime_ns),
                coding=choice.coding,
                varies=True,
                ranges_allowed=False,
            )
            self._reply(reply, head, lambda start, end: _write_slice(self.wfile, data, start, end))
            return
        stored = path.with_name(path.name + choice.suffix)
        with stored.open("rb") as f:
            st = os.fstat(f.fileno())
            facts = hosting.FileFacts(st.st_size, st.st_mtime_ns)
            reply = hosting.reply_for(
                self.command,
                request,
                size=facts.size,
                content_type=ctype,
                etag=hosting.entity_tag(facts, choice.coding),
                last_modified=hosting.http_date(st.st_mtime_ns),
                coding=choice.coding,
                varies=choice.varies,
            )
            self._reply(reply, head, lambda start, end: _copy_slice(f, self.wfile, start, end))

    def _reply(
        self, reply: hosting.Reply, head: bool, write_range: Callable[[int, int], None]
    ) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        for chunk in reply.chunks:
            if isinstance(chunk, bytes):
                self.wfile.write(chunk)
            else:
                write_range(*chunk)

    def _page(self, body: bytes) -> bytes:
        if not self.server.inject:
            return body
        hub = self.server.livereload
        return inject_script(body, hub.generation, hub.search)

    def _not_found(self, head: bool) -> None:
        body = NOT_FOUND_PAGE
        found = resolve_request(self.server.root, "/404.html")
        if isinstance(found, Found):
            with contextlib.suppress(OSError):
                body = found.path.read_bytes()
        self._send(404, "text/html; charset=utf-8", self._page(body), head)

    def _send(self, status: int, ctype: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        hub = self.server.livereload
        q = hub.subscribe()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n" + sse_message("hello", hub.state()))
            self.wfile.flush()
            while not hub.closed.is_set():
                try:
                    message = q.get(timeout=self.server.keepalive)
                except queue.Empty:
                    message = b": keepalive\n\n"
                if message is _CLOSED:
                    break
                assert isinstance(message, bytes)
                self.wfile.write(message)
                self.wfile.flush()
        except OSError:  # the browser went away (BrokenPipe, reset, timeout)
            pass
        finally:
            hub.unsubscribe(q)
            self.close_connection = True


class PreviewServer(http.server.ThreadingHTTPServer):
    """Serve ``root`` on ``address``, one thread per connection.

    Threads and connections are tracked so :meth:`close` can end them all: it
    closes the live-reload streams, shuts the open sockets and joins the
    threads, with a bound. A client has ``header_deadline`` seconds in all to send
    its request head (a client trickling bytes is cut off, not only a silent one),
    and at most ``max_connections`` are open at once (more are closed at once), so
    slow clients cannot hold every thread.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        *,
        livereload: LiveReload | None = None,
        inject: bool = True,
        request_timeout: float = 10.0,
        keepalive: float = 15.0,
        header_deadline: float = 20.0,
        max_connections: int = 64,
        compress: hosting.Compress = hosting.Compress.OFF,
    ) -> None:
        self.root = root
        self.compress = compress
        self.header_deadline = header_deadline
        self.max_connections = max_connections
        self._reading: dict[socket.socket, float] = {}  # request head not read yet: deadline
        self.livereload = livereload or LiveReload()
        self.inject = inject
        self.request_timeout = request_timeout
        self.keepalive = keepalive
        self._lock = threading.Lock()
        self._connections: dict[threading.Thread, socket.socket] = {}
        self._serving = threading.Event()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def serve_forever(self, poll_interval: float = 0.2) -> None:
        self._serving.set()
        try:
            super().serve_forever(poll_interval)
        finally:
            self._serving.clear()

    def process_request(self, request: Any, client_address: Any) -> None:
        t = threading.Thread(
            target=self._handle,
            args=(request, client_address),
            daemon=True,
            name="archivesite-http",
        )
        with self._lock:
            full = len(self._connections) >= self.max_connections
            if not full:
                self._connections[t] = request
                self._reading[request] = time.monotonic() + self.header_deadline
        if full:
            log.debug("%s: %d connections open; closed", client_address, self.max_connections)
            self.shutdown_request(request)
            return
        t.start()

    def _handle(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._connections.pop(threading.current_thread(), None)
                self._reading.pop(request, None)

    def head_read(self, sock: socket.socket) -> None:
        """The request head of ``sock`` has arrived: its deadline no longer applies."""
        with self._lock:
            self._reading.pop(sock, None)

    def service_actions(self) -> None:
        """Between polls of the listening socket: cut off clients past their deadline."""
        now = time.monotonic()
        with self._lock:
            late = [sock for sock, deadline in self._reading.items() if deadline < now]
            for sock in late:
                del self._reading[sock]
        for sock in late:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("request from %s failed", client_address, exc_info=True)

    def close(self, timeout: float = 5.0) -> None:
        """Stop serving, end every open connection and join the threads."""
        self.livereload.close()
        if self._serving.is_set():
            self.shutdown()
        self.server_close()
        with self._lock:
            open_now = dict(self._connections)
        for sock in open_now.values():
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for t in open_now:
            t.join(max(0.0, deadline - time.monotonic()))


# --- the preview loop ------------------------------------------------------

#: ``build(config, out)``: build the whole site for ``config`` into ``out``.
BuildFn = Callable[[Config, Path], object]
#: ``import_seeds(config, paths)``: import these seed files into content/.
ImportFn = Callable[[Config, Sequence[Path]], object]


def preview_dir(root: Path) -> Path:
    """Where ``serve`` builds: its own folder, so ``build/`` stays ready to publish."""
    return root / STATE_DIR / "serve"


class Preview:
    """Watch a site, rebuild it through injected callables, and serve the result.

    ``start()`` binds the socket, builds once, then serves and watches;
    ``stop()`` undoes it all. A failing build (an :class:`ArchiveError`, or any
    exception: the build's bug must not stop the preview) keeps the last good
    site, logs ``path:line: message`` and shows the overlay.
    """

    def __init__(
        self,
        root: Path,
        *,
        build: BuildFn,
        import_seeds: ImportFn | None = None,
        host: str = "127.0.0.1",
        port: int = 8000,
        poll: bool = False,
        quiet: float = QUIET_SECONDS,
        max_wait: float = 2.0,
        request_timeout: float = 10.0,
        out: Path | None = None,
        before_build: Callable[[frozenset[Change] | None], object] | None = None,
        compress: hosting.Compress = hosting.Compress.OFF,
    ) -> None:
        self.root = root.resolve()
        if not self.root.is_dir():
            raise ArchiveError("no such site folder", self.root)
        self.out = out or preview_dir(self.root)
        self._build = build
        self._before_build = before_build  # told what changed (None: anything may have)
        self._import = import_seeds
        self.livereload = LiveReload()
        self.host = host
        self.server = PreviewServer(
            (host, port),
            self.out,
            livereload=self.livereload,
            request_timeout=request_timeout,
            compress=compress,
        )
        self.url = _url_for(host, self.server.port)
        self.watcher = Watcher(
            self.root,
            self.rebuild,
            poll=poll,
            quiet=quiet,
            max_wait=max_wait,
            ignored=(self.out,),
        )
        self._config: Config | None = None
        self._lock = threading.Lock()
        self._import_errors: list[ErrorInfo] = []
        self._build_errors: list[ErrorInfo] = []
        self._thread: threading.Thread | None = None
        self.builds = 0
        self.last_build_seconds = 0.0

    def start(self) -> None:
        """Watch, build once, then serve (requests wait in the backlog until the build is in)."""
        self.out.mkdir(parents=True, exist_ok=True)
        self.watcher.start()
        log.info("building %s into %s for %s", self.root, self.out, self.url)
        self.rebuild(None)
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="archivesite-serve", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (after a running build returns), close the server, join threads."""
        if not self.watcher.debouncer.idle():
            log.warning("waiting for the running build to finish (Ctrl-C again to quit at once)")
        self.watcher.stop()
        self.server.close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def rebuild(self, changes: frozenset[Change] | None) -> bool:
        """Bring the preview up to date with ``changes`` (``None``: everything); True if built.

        Changed seeds are imported first; when only seeds changed the import's own
        writes to ``content/`` come back through the watcher and trigger the build,
        so an import that writes nothing (unchanged, or the content was edited by
        hand) rebuilds nothing.
        """
        with self._lock:
            kinds = {c.kind for c in changes} if changes is not None else set(ChangeKind)
            if changes is not None:
                log.info("changed: %s", _summary(changes, self.root))
            if self._config is None or ChangeKind.CONFIG in kinds:
                try:
                    self._config = load_config(self.root)
                except ArchiveError as exc:
                    self._config = None
                    self._fail("the configuration", errors_of(exc))
                    return False
            config = self._config.with_base_url(self.url)
            if changes is not None and self._import is not None:
                seeds = sorted(c.path for c in changes if c.kind is ChangeKind.SEED)
                if seeds:
                    self._import_seeds(config, seeds)
                    if kinds == {ChangeKind.SEED}:
                        return False
            started = time.perf_counter()
            try:
                if self._before_build is not None:
                    self._before_build(changes)
                self._build(config, self.out)
            except ArchiveError as exc:
                self._fail("the rebuild", errors_of(exc))
                return False
            except Exception as exc:
                log.error(
                    "the rebuild crashed (a bug; still serving the last good site):\n%s",
                    traceback.format_exc().rstrip(),
                )
                self._fail("the rebuild", [ErrorInfo(f"internal error: {exc!r}")], logged=True)
                return False
            self._build_errors = []
            self.builds += 1
            self.last_build_seconds = time.perf_counter() - started
            log.info("rebuilt in %.2f s", self.last_build_seconds)
            self.livereload.reload(self._import_errors)
            return True

    def _import_seeds(self, config: Config, seeds: list[Path]) -> None:
        assert self._import is not None
        present = [p for p in seeds if p.exists()]  # a deleted seed leaves its article alone
        try:
            if present:
                self._import(config, present)
            self._import_errors = []
        except ArchiveError as exc:
            self._import_errors = errors_of(exc)
            for e in self._import_errors:
                log.error("%s", e.text)
        except Exception as exc:
            log.error("the import crashed (a bug):\n%s", traceback.format_exc().rstrip())
            self._import_errors = [ErrorInfo(f"internal error while importing: {exc!r}")]
        self.livereload.report(self._import_errors + self._build_errors)

    def _fail(self, what: str, errors: list[ErrorInfo], logged: bool = False) -> None:
        self._build_errors = errors
        if not logged:
            for e in errors:
                log.error("%s", e.text)
        log.warning("%s failed; still serving the last good site", what)
        self.livereload.report(self._import_errors + self._build_errors)


def _url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else ("::1" if host == "::" else host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _summary(changes: frozenset[Change], root: Path) -> str:
    paths = sorted(changes)
    shown = []
    for c in paths[:3]:
        try:
            shown.append(str(c.path.relative_to(root)))
        except ValueError:
            shown.append(str(c.path))
    more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    return ", ".join(shown) + more
