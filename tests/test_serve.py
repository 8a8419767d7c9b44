"""The preview server: pretty URLs, content types, 404s, containment, robustness,
live reload and the rebuild loop (with fake stages), all over real sockets."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archivesite.config import Config
from archivesite.errors import ArchiveError, ArchiveErrors
from archivesite.serve import (
    SCRIPT_PATH,
    ErrorInfo,
    LiveReload,
    Preview,
    PreviewServer,
    content_type,
    inject_script,
)
from archivesite.watch import Change, ChangeKind
from processes import ServeProcess

SECRET = "TOP SECRET outside the output folder"

#: A cap on waiting for a reply, an event or a rebuild, not a timing any test depends
#: on: a busy CI machine can take many seconds for what takes milliseconds here.
WAIT = 120.0


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_request(port: int, data: bytes, timeout: float = WAIT) -> Reply:
    """Send exact bytes, read the whole reply (the server closes after each response)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return Reply(status, headers, body)


def get(port: int, target: str, method: str = "GET") -> Reply:
    return raw_request(port, f"{method} {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())


@pytest.fixture
def output(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET)
    out = tmp_path / "out"
    files = {
        "index.html": "<html><body><h1>Home</h1></body></html>",
        "404.html": "<html><body><h1>Lost in the archive</h1></body></html>",
        "2022/01/11/story/index.html": "<html><BODY><h1>Story</h1></BODY></html>",
        "2022/index.html": "<html><body>Year</body></html>",
        "a b/index.html": "<html><body>Spaced</body></html>",
        "style.css": "body{color:red}",
        "app.js": "console.log(1)",
        "feed.xml": "<?xml version='1.0'?><feed/>",
        "data.json": "{}",
        "logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "fonts/a.woff2": "wOF2",
        "m.wasm": "\0asm",
        "search-index/manifest.json": "{}",
        "search-index/t/0.0123abcd.json": "{}",
        "search-index/t/0.4567abcd.delta.json": "{}",
        "assets/search-engine.js": "(function () {})();",
        "nolisting/file.txt": "not listed",
        ".well-known/security.txt": "Contact: x",
    }
    for rel, text in files.items():
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "leakdir").symlink_to(tmp_path / "outside")
    (out / "alias.html").symlink_to(out / "index.html")  # inside: fine
    return out


@pytest.fixture
def server(output: Path) -> Iterator[PreviewServer]:
    srv = PreviewServer(("127.0.0.1", 0), output, request_timeout=WAIT)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv
    finally:
        srv.close()
        t.join(5)
        assert not t.is_alive()


# --- pretty URLs, types, 404s --------------------------------------------------


def test_pretty_urls(server: PreviewServer) -> None:
    r = get(server.port, "/")
    assert r.status == 200 and b"<h1>Home</h1>" in r.body
    r = get(server.port, "/2022/01/11/story/")
    assert r.status == 200 and b"<h1>Story</h1>" in r.body
    r = get(server.port, "/2022/01/11/story")
    assert r.status == 302 and r.headers["location"] == "/2022/01/11/story/"
    r = get(server.port, "/2022?page=2")
    assert r.status == 302 and r.headers["location"] == "/2022/?page=2"
    r = get(server.port, "/a%20b")
    assert r.status == 302 and r.headers["location"] == "/a%20b/"
    assert get(server.port, "/a%20b/").status == 200
    assert get(server.port, "/index.html").status == 200
    assert get(server.port, "/2022/01/11/story/?utm=x#frag").status == 200
    assert get(server.port, "/alias.html").status == 200  # a symlink inside the folder


def test_redirect_cannot_point_off_site(server: PreviewServer) -> None:
    r = get(server.port, "//2022")
    assert r.status == 302 and r.headers["location"] == "/2022/"


@pytest.mark.parametrize(
    ("target", "ctype"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/feed.xml", "application/xml"),
        ("/data.json", "application/json"),
        ("/logo.svg", "image/svg+xml"),
        ("/fonts/a.woff2", "font/woff2"),
        ("/m.wasm", "application/wasm"),
        ("/search-index/manifest.json", "application/json"),
        ("/search-index/t/0.0123abcd.json", "application/json"),
        ("/search-index/t/0.4567abcd.delta.json", "application/json"),
        ("/assets/search-engine.js", "text/javascript; charset=utf-8"),
        ("/.well-known/security.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_types(server: PreviewServer, target: str, ctype: str) -> None:
    r = get(server.port, target)
    assert r.status == 200
    assert r.headers["content-type"] == ctype
    assert int(r.headers["content-length"]) == len(r.body)
    assert r.headers["cache-control"] == "no-store"


def test_head_has_headers_and_no_body(server: PreviewServer) -> None:
    r = get(server.port, "/style.css", method="HEAD")
    assert r.status == 200 and r.body == b"" and r.headers["content-length"] == "15"


def test_missing_pages_get_the_sites_404(server: PreviewServer, output: Path) -> None:
    r = get(server.port, "/no/such/page/")
    assert r.status == 404
    assert b"Lost in the archive" in r.body
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    (output / "404.html").unlink()
    r = get(server.port, "/no/such/page/")
    assert r.status == 404 and b"404 Not Found" in r.body


def test_no_directory_listings(server: PreviewServer) -> None:
    for target in ("/nolisting/", "/nolisting", "/fonts/", "/search-index/"):
        r = get(server.port, target)
        assert r.status in (302, 404)
        assert b"file.txt" not in r.body and b"a.woff2" not in r.body
    assert get(server.port, "/nolisting/").status == 404
    assert get(server.port, "/style.css/").status == 404


def test_other_methods_are_refused(server: PreviewServer) -> None:
    assert get(server.port, "/", method="POST").status == 501
    assert get(server.port, "/", method="DELETE").status == 501


# --- containment and robustness ----------------------------------------------

TRAVERSALS = [
    "/../secret.txt",
    "/../../../../etc/passwd",
    "/2022/../../secret.txt",
    "/./../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/%2e%2e%5csecret.txt",
    "/%252e%252e%252fsecret.txt",  # double-encoded: a literal name, not a parent
    "/%25252e%25252e%25252fsecret.txt",
    "/..\\secret.txt",
    "/\\..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/%c0%ae%c0%ae/secret.txt",  # overlong UTF-8 dots
    "//etc/passwd",
    "/etc/passwd",
    "/%2fetc%2fpasswd",
    "/%00",
    "/index.html%00.css",
    "/leak.txt",
    "/leakdir/secret.txt",
    "/leakdir/",
    "/leakdir",
    "http://localhost/../secret.txt",
    "secret.txt",
    "*",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_paths_cannot_leave_the_output_folder(server: PreviewServer, target: str) -> None:
    r = get(server.port, target)
    assert r.status in (400, 404), r
    assert SECRET.encode() not in r.body
    assert b"root:" not in r.body
    # and the server is still fine
    assert get(server.port, "/").status == 200


def test_raw_traversal_targets_get_404(server: PreviewServer) -> None:
    for target in TRAVERSALS[:-2]:  # the last two are not even origin-form
        assert get(server.port, target).status == 404, target


def test_a_10000_character_path(server: PreviewServer) -> None:
    r = get(server.port, "/" + "a" * 10_000)
    assert r.status in (404, 414)
    r = get(server.port, "/" + "a/" * 2000)
    assert r.status in (404, 414)
    r = get(server.port, "/" + "%2e%2e/" * 1500)
    assert r.status in (404, 414)
    assert get(server.port, "/").status == 200


def test_a_request_that_never_finishes_its_headers(output: Path) -> None:
    srv = PreviewServer(("127.0.0.1", 0), output, request_timeout=2.0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    stalled = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    stalled.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    silent = socket.create_connection(("127.0.0.1", srv.port), timeout=5)  # sends nothing
    try:
        started = time.monotonic()
        r = get(srv.port, "/2022/01/11/story/")  # not stalled behind them:
        assert r.status == 200 and b"Story" in r.body
        if time.monotonic() - started < srv.request_timeout:  # (a loaded machine aside)
            stalled.setblocking(False)
            with pytest.raises(BlockingIOError):  # ... they are still open
                stalled.recv(1024)
        # the server gives up on them after its request timeout
        stalled.settimeout(30)
        silent.settimeout(30)
        assert stalled.recv(1024) == b""  # closed
        assert silent.recv(1024) == b""
    finally:
        stalled.close()
        silent.close()
    try:
        assert get(srv.port, "/").status == 200
    finally:
        srv.close()
        t.join(5)


def test_garbage_requests_do_not_hurt(server: PreviewServer) -> None:
    for data in (
        b"\x00\xff\xfe garbage\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n",
        b"\r\n",
    ):
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
                s.sendall(data)
                s.recv(4096)
        except OSError:
            pass
    assert get(server.port, "/").status == 200


def test_many_concurrent_requests(server: PreviewServer) -> None:
    results: list[int] = []

    def fetch() -> None:
        results.append(get(server.port, "/style.css").status)

    threads = [threading.Thread(target=fetch) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert results == [200] * 40


# --- live reload ---------------------------------------------------------------


def test_live_reload_script_is_injected_into_html_only(server: PreviewServer, output: Path) -> None:
    page = get(server.port, "/2022/01/11/story/").body
    assert page.count(SCRIPT_PATH.encode()) == 1
    assert page.index(SCRIPT_PATH.encode()) < page.index(b"</BODY>")
    assert SCRIPT_PATH.encode() in get(server.port, "/missing").body  # the 404 page too
    assert SCRIPT_PATH.encode() not in get(server.port, "/style.css").body
    # only in what the server sends, never in the files
    for f in output.rglob("*.html"):
        if not f.is_symlink():
            assert "__archivesite__" not in f.read_text()
    js = get(server.port, SCRIPT_PATH)
    assert js.status == 200 and js.headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in js.body and b"archivesite-error-overlay" in js.body
    assert get(server.port, "/__archivesite__/other").status == 404


def test_without_injection_pages_are_served_as_built(output: Path) -> None:
    srv = PreviewServer(("127.0.0.1", 0), output, inject=False)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        r = get(srv.port, "/")
        assert r.body == (output / "index.html").read_bytes()
        assert get(srv.port, SCRIPT_PATH).status == 404
    finally:
        srv.close()


def test_inject_script() -> None:
    assert inject_script(b"<p>x</p></body></html>", 3) == (
        b'<p>x</p><script src="/__archivesite__/livereload.js" data-generation="3" data-search="0">'
        b"</script></body></html>"
    )
    assert inject_script(b"<p>no body", 1).endswith(b"</script>")
    two = inject_script(b"<pre>&lt;/body&gt;</pre></body></body>", 1)
    assert two.endswith(b"</script></body>")


def test_content_type_fallbacks() -> None:
    assert content_type(Path("a.PNG")) == "image/png"
    assert content_type(Path("noext")) == "application/octet-stream"


class Events:
    """A server-sent-events client over a raw socket."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.sock.sendall(b"GET /__archivesite__/events HTTP/1.1\r\nHost: x\r\n\r\n")
        self.buf = b""
        head = self._until(b"\r\n\r\n")
        assert b" 200 " in head and b"text/event-stream" in head

    def _until(self, sep: bytes) -> bytes:
        while sep not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf.split(sep, 1)
        return out

    def next(self) -> tuple[str, dict[str, object]]:
        while True:
            block = self._until(b"\n\n").decode()
            fields = dict(
                line.split(": ", 1) for line in block.splitlines() if not line.startswith(":")
            )
            if "event" in fields:
                return fields["event"], json.loads(fields["data"])

    def close(self) -> None:
        self.sock.close()


def test_events_stream_hello_reload_and_errors(server: PreviewServer) -> None:
    hub = server.livereload
    ev = Events(server.port)
    try:
        assert ev.next() == ("hello", {"generation": 0, "search": 0, "errors": []})
        hub.reload()
        assert ev.next() == ("reload", {"generation": 1, "search": 0, "errors": []})
        err = ArchiveError("bad front matter: mapping values are not allowed", "content/a.md", 3)
        hub.report([ErrorInfo.from_error(err)])
        name, data = ev.next()
        assert name == "build-error"
        assert data["generation"] == 1
        assert data["errors"] == [
            {
                "text": "content/a.md:3: bad front matter: mapping values are not allowed",
                "path": "content/a.md",
                "line": 3,
                "message": "bad front matter: mapping values are not allowed",
            }
        ]
        # a browser connecting now is told about the error at once
        ev2 = Events(server.port)
        name, data = ev2.next()
        assert name == "hello" and data["errors"][0]["line"] == 3  # type: ignore[index]
        ev2.close()
        hub.reload()
        assert ev.next() == ("reload", {"generation": 2, "search": 0, "errors": []})
    finally:
        ev.close()


def test_close_ends_event_streams_and_joins_threads(output: Path) -> None:
    before = set(threading.enumerate())
    # A keep-alive far longer than any stall of a loaded machine: close must not wait for it.
    srv = PreviewServer(("127.0.0.1", 0), output, keepalive=600.0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    ev = Events(srv.port)
    ev.next()
    idle = socket.create_connection(("127.0.0.1", srv.port), timeout=120)
    wait_until(lambda: len(srv._connections) == 2)  # the server has taken it
    started = time.monotonic()
    srv.close()
    t.join(300)
    assert not t.is_alive()
    assert time.monotonic() - started < 300  # not the event stream's keep-alive
    with pytest.raises(EOFError):
        ev.next()
    assert idle.recv(10) == b""
    idle.close()
    ev.close()
    leftover = [x for x in threading.enumerate() if x not in before and x.is_alive()]
    assert leftover == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=1)


def test_livereload_hub_without_clients() -> None:
    hub = LiveReload()
    hub.report([ErrorInfo("x")])
    hub.reload()
    assert hub.state() == {"generation": 1, "search": 0, "errors": []}


# --- the rebuild loop, with fake stages ---------------------------------------


class FakeStages:
    """Stand-ins for build() and import_seeds() with the documented shapes."""

    def __init__(self) -> None:
        self.builds: list[Config] = []
        self.imports: list[list[Path]] = []
        self.fail: BaseException | None = None
        self.title = "Home"

    def build(self, config: Config, out: Path) -> None:
        if self.fail is not None:
            raise self.fail
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text(f"<html><body><h1>{self.title}</h1></body></html>")
        self.builds.append(config)

    def import_seeds(self, config: Config, paths: list[Path]) -> None:
        self.imports.append(list(paths))


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, FakeStages]]:
    root = tmp_path / "site"
    for d in ("content", "seeds", "templates", "static"):
        (root / d).mkdir(parents=True)
    (root / "archivesite.toml").write_text(
        'title = "Fake"\nbase_url = "https://example.org/archive/"\n'
    )
    fake = FakeStages()
    p = Preview(root, build=fake.build, import_seeds=fake.import_seeds, port=0)
    p.start()
    try:
        yield p, fake
    finally:
        p.stop()


def test_preview_builds_into_its_own_folder_with_the_served_base_url(
    preview: tuple[Preview, FakeStages],
) -> None:
    p, fake = preview
    assert p.url == f"http://127.0.0.1:{p.server.port}/"
    assert p.out == p.root / ".archivesite" / "serve"
    assert fake.builds[0].base_url == p.url
    assert fake.builds[0].title == "Fake"
    assert not (p.root / "build").exists()
    assert b"<h1>Home</h1>" in get(p.server.port, "/").body


def test_preview_keeps_the_last_good_site_when_a_build_fails(
    preview: tuple[Preview, FakeStages],
) -> None:
    p, fake = preview
    ev = Events(p.server.port)
    try:
        assert ev.next()[0] == "hello"
        fake.fail = ArchiveErrors(
            [
                ArchiveError("bad front matter", p.root / "content/a.md", 2),
                ArchiveError("unknown template", p.root / "templates/x.html", 7),
            ]
        )
        change = frozenset({Change(ChangeKind.CONTENT, p.root / "content/a.md")})
        assert p.rebuild(change) is False
        name, data = ev.next()
        assert name == "build-error"
        texts = [e["text"] for e in data["errors"]]  # type: ignore[attr-defined]
        assert texts == [
            f"{p.root}/content/a.md:2: bad front matter",
            f"{p.root}/templates/x.html:7: unknown template",
        ]
        assert b"<h1>Home</h1>" in get(p.server.port, "/").body  # still served
        # an unexpected exception from the build is survived as well
        fake.fail = RuntimeError("a bug in the build")
        assert p.rebuild(change) is False
        name, data = ev.next()
        assert "a bug in the build" in data["errors"][0]["text"]  # type: ignore[index]
        assert get(p.server.port, "/").status == 200
        # fixing it reloads, with no errors left
        fake.fail = None
        fake.title = "Fixed"
        assert p.rebuild(change) is True
        name, data = ev.next()
        assert name == "reload" and data["errors"] == []
        assert b"<h1>Fixed</h1>" in get(p.server.port, "/").body
    finally:
        ev.close()


def test_preview_reimports_changed_seeds(preview: tuple[Preview, FakeStages]) -> None:
    p, fake = preview
    seed = p.root / "seeds/001.txt"
    seed.write_text("MOSCOW, January 11. /TASS/. Text.\n")
    gone = p.root / "seeds/002.txt"
    builds = len(fake.builds)
    # only seeds changed: import them (a deleted seed is skipped), and let the
    # import's writes to content/ trigger the build
    p.rebuild(frozenset({Change(ChangeKind.SEED, seed), Change(ChangeKind.SEED, gone)}))
    assert fake.imports[-1] == [seed]
    assert len(fake.builds) == builds
    p.rebuild(
        frozenset(
            {Change(ChangeKind.SEED, seed), Change(ChangeKind.CONTENT, p.root / "content/x.md")}
        )
    )
    assert len(fake.builds) == builds + 1


def test_preview_rereads_the_config(preview: tuple[Preview, FakeStages]) -> None:
    p, fake = preview
    toml = p.root / "archivesite.toml"
    toml.write_text('title = "Renamed"\n')
    assert p.rebuild(frozenset({Change(ChangeKind.CONFIG, toml)}))
    assert fake.builds[-1].title == "Renamed" and fake.builds[-1].base_url == p.url
    toml.write_text("title = \n")
    assert not p.rebuild(frozenset({Change(ChangeKind.CONFIG, toml)}))
    assert "archivesite.toml" in p.livereload.errors[0].text
    toml.write_text('title = "Back"\n')
    assert p.rebuild(frozenset({Change(ChangeKind.CONTENT, p.root / "content")}))
    assert fake.builds[-1].title == "Back"


def test_preview_rebuilds_when_a_file_changes(preview: tuple[Preview, FakeStages]) -> None:
    p, fake = preview
    ev = Events(p.server.port)
    try:
        assert ev.next()[0] == "hello"
        fake.title = "Watched"
        (p.root / "content/new.md").write_text("---\ntitle: New\n---\n")
        name, _ = ev.next()
        assert name == "reload"
        assert b"<h1>Watched</h1>" in get(p.server.port, "/").body
    finally:
        ev.close()


def test_preview_survives_a_failing_first_build(tmp_path: Path) -> None:
    fake = FakeStages()
    fake.fail = ArchiveError("bad front matter", tmp_path / "content/a.md", 4)
    p = Preview(tmp_path, build=fake.build, port=0)
    p.start()
    try:
        r = get(p.server.port, "/")
        assert r.status == 404 and SCRIPT_PATH.encode() in r.body  # overlay can show
        assert p.livereload.errors[0].line == 4
    finally:
        p.stop()


# --- the real command: real build, real import, real signals -----------------

SEED = """All news

Invented ministry says the winter grain harvest will be the largest in a decade

Farmers have already brought in more than half of the expected crop, the deputy minister said

MOSCOW, January 11. /TASS/. The winter grain harvest in the southern regions is set to be \
the largest in ten years, a deputy agriculture minister said on Tuesday.

Exports are expected to grow as well, he said.
"""


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def real_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content/2022/01/11").mkdir(parents=True)
    (site / "archivesite.toml").write_text(
        'title = "Real"\nbase_url = "https://example.org/archive/"\n[import]\nas_of = 2022-02-01\n'
    )
    (site / "content/2022/01/11/story.md").write_text(
        "---\ntitle: A story\ndate: 2022-01-11\n---\nMOSCOW, January 11. /TASS/. Text.\n"
    )
    return site


@pytest.mark.timeout(300)
def test_serve_command_builds_serves_and_stops_on_ctrl_c(real_site: Path) -> None:
    serve = ServeProcess(real_site)
    try:
        page = get(serve.port, "/2022/01/11/story/")
        assert page.status == 200 and b"A story" in page.body
        assert SCRIPT_PATH.encode() in page.body
        # built for the served address, into its own folder; build/ is untouched
        assert serve.url.encode() in page.body
        assert b"https://example.org/archive/" not in page.body
        assert not (real_site / "build").exists()
        built = real_site / ".archivesite/serve/2022/01/11/story/index.html"
        assert "__archivesite__" not in built.read_text()
        assert get(serve.port, "/2022/01/11/story").status == 302
        assert get(serve.port, "/nope/").status == 404
    finally:
        rc = serve.stop()
    assert rc == 0  # stopped by Ctrl-C (stop() kills it if it has not after its cap)
    assert "Traceback" not in "".join(serve.log)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", serve.port), timeout=1)


@pytest.mark.timeout(300)
def test_serve_command_reimports_a_changed_seed_and_keeps_hand_edits(real_site: Path) -> None:
    serve = ServeProcess(real_site)
    try:
        seeds = real_site / "seeds"
        seeds.mkdir()  # a folder that did not exist when serve started
        (seeds / "grain.txt").write_text(SEED)
        content = real_site / "content"
        wait_until(lambda: any("grain" in p.name for p in content.rglob("*.md")))
        imported = next(p for p in content.rglob("*.md") if "grain" in p.name)
        rel = imported.relative_to(content).with_suffix("")
        url = f"/{rel.as_posix()}/"
        wait_until(lambda: get(serve.port, url).status == 200)
        assert b"winter grain harvest" in get(serve.port, url).body
        # edited by hand, then the seed changes: the hand edit stays
        edited = imported.read_text().replace("title: ", "title: Hand-edited ", 1)
        imported.write_text(edited)
        wait_until(lambda: b"Hand-edited" in get(serve.port, url).body)
        (seeds / "grain.txt").write_text(SEED.replace("he said", "the minister said"))
        wait_until(lambda: "edited by hand" in "".join(serve.log))  # the import ran
        assert imported.read_text() == edited
        assert b"Hand-edited" in get(serve.port, url).body
    finally:
        rc = serve.stop()
    assert rc == 0, "".join(serve.log)
    assert "edited by hand" in "".join(serve.log)


@pytest.mark.timeout(300)
def test_serve_command_survives_a_broken_site_from_the_start(real_site: Path) -> None:
    story = real_site / "content/2022/01/11/story.md"
    story.write_text("---\ntitle: [broken\n---\nBody\n")
    serve = ServeProcess(real_site, "--poll")
    try:
        r = get(serve.port, "/")
        assert r.status == 404 and SCRIPT_PATH.encode() in r.body
        ev = Events(serve.port)
        name, data = ev.next()
        assert name == "hello"
        assert re.search(r"story\.md:\d+: ", data["errors"][0]["text"])  # type: ignore[index]
        story.write_text("---\ntitle: Mended\ndate: 2022-01-11\n---\nBody.\n")
        assert ev.next()[0] == "reload"  # the polling observer saw it
        ev.close()
        assert get(serve.port, "/2022/01/11/story/").status == 200
    finally:
        rc = serve.stop()
    assert rc == 0
    assert re.search(r"story\.md:\d+: ", "".join(serve.log))


def test_serve_command_listens_on_localhost_only_by_default(real_site: Path) -> None:
    from click.testing import CliRunner

    from archivesite.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "127.0.0.1" in result.output
    assert "--poll" in result.output and "--port" in result.output
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--site", str(real_site), "--port", str(port)])
        assert result.exit_code == 1
        assert f"cannot listen on 127.0.0.1:{port}" in result.output
    finally:
        busy.close()
    missing = real_site / "missing"
    result = CliRunner().invoke(cli, ["serve", "--site", str(missing), "--port", "0"])
    assert result.exit_code == 1 and "no such site folder" in result.output


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes ``sock`` (its reads end) within ``within`` seconds."""
    sock.settimeout(within)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    except OSError:
        pass
    return True


def test_a_client_trickling_its_request_head_is_cut_off_at_the_deadline(output: Path) -> None:
    srv = PreviewServer(("127.0.0.1", 0), output, request_timeout=60.0, header_deadline=1.0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        with socket.create_connection(("127.0.0.1", srv.port)) as sock:
            sock.sendall(b"GET / HTTP/1.0\r\n")
            sock.sendall(b"X-Slow: a\r\n")  # a byte now and then would keep the recv alive
            assert _closed_by_server(sock, within=30.0)
    finally:
        srv.close()
        t.join(5)


def test_connections_over_the_cap_are_closed_at_once(output: Path) -> None:
    srv = PreviewServer(("127.0.0.1", 0), output, request_timeout=30.0, max_connections=3)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    held = []
    try:
        for _ in range(3):
            held.append(socket.create_connection(("127.0.0.1", srv.port)))
        with socket.create_connection(("127.0.0.1", srv.port)) as extra:
            assert _closed_by_server(extra, within=30.0)
        for sock in held:  # the three held ones are still served
            sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
            sock.settimeout(30.0)
            assert sock.recv(64).startswith(b"HTTP/1.0 200")
    finally:
        for sock in held:
            sock.close()
        srv.close()
        t.join(5)
