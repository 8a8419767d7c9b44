"""The watcher: classify() as a table; the observer and debouncer with real threads and files."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archivesite import watch
from archivesite.watch import Change, ChangeKind, Debouncer, Watcher, classify

ROOT = Path("/site")
K = ChangeKind


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("seeds/000_917121954e88cef5.txt", K.SEED),
        ("seeds/batch/2022/a.txt", K.SEED),
        ("seeds", K.SEED),
        ("content/2022/01/11/us-sidesteps.md", K.CONTENT),
        ("content/undated/x.md", K.CONTENT),
        ("content/pages/about.md", K.CONTENT),
        ("content/2024", K.CONTENT),  # a year folder is not vim's numeric probe
        ("content/2022/01/11/build.md", K.CONTENT),  # only the top-level build/ is output
        ("content", K.CONTENT),
        ("templates/article.html", K.TEMPLATE),
        ("templates/partials/nav.html", K.TEMPLATE),
        ("static/site.css", K.STATIC),
        ("static/.well-known/security.txt", K.STATIC),
        ("static/fonts/a.woff2", K.STATIC),
        ("archivesite.toml", K.CONFIG),
        # editors' temp, swap and backup files
        ("content/2022/01/11/.us-sidesteps.md.swp", K.IGNORED),
        ("content/2022/01/11/.us-sidesteps.md.swx", K.IGNORED),
        ("content/2022/01/11/.us-sidesteps.md.swo", K.IGNORED),
        ("content/2022/01/11/us-sidesteps.md~", K.IGNORED),
        ("content/2022/01/11/4913", K.IGNORED),
        ("content/2022/01/11/5036", K.IGNORED),
        ("templates/.goutputstream-Q1W2E3", K.IGNORED),
        ("content/pages/.#about.md", K.IGNORED),
        ("content/pages/#about.md#", K.IGNORED),
        ("static/.DS_Store", K.IGNORED),
        ("static/._site.css", K.IGNORED),
        ("templates/base.html.kate-swp", K.IGNORED),
        ("templates/base.html___jb_tmp___", K.IGNORED),
        ("content/pages/.~lock.about.md#", K.IGNORED),
        (".archivesite.toml.swp", K.IGNORED),
        ("archivesite.toml~", K.IGNORED),
        # output, state and version control
        ("build/index.html", K.IGNORED),
        ("build", K.IGNORED),
        (".archivesite/serve/index.html", K.IGNORED),
        (".archivesite/state.json", K.IGNORED),
        (".git/index", K.IGNORED),
        ("content/.git/HEAD", K.IGNORED),
        # anything else at or outside the root
        ("README.md", K.IGNORED),
        ("Makefile", K.IGNORED),
        ("other/file.md", K.IGNORED),
        ("", K.IGNORED),
    ],
)
def test_classify(rel: str, kind: ChangeKind) -> None:
    assert classify(ROOT / rel if rel else ROOT, ROOT) is kind


@pytest.mark.parametrize(
    "path",
    ["/elsewhere/content/a.md", "/site-other/content/a.md", "/", b"/tmp/content/a.md"],
)
def test_classify_outside_root(path: str | bytes) -> None:
    assert classify(path, ROOT) is K.IGNORED


def test_classify_bytes_and_extra_ignored_folders() -> None:
    assert classify(b"/site/content/a.md", ROOT) is K.CONTENT
    assert classify("/site/static/out/x.css", ROOT, ignored=["static/out"]) is K.IGNORED
    assert classify("/site/static/out/x.css", ROOT, ignored=[Path("/site/static/out")]) is K.IGNORED
    assert classify("/site/static/outer.css", ROOT, ignored=["static/out"]) is K.STATIC


# --- real threads, real files ----------------------------------------------------

TIMEOUT = 120.0  # a cap on waiting for an event, not a timing the test depends on


class Recorder:
    """An injected callable that records each batch it is called with."""

    def __init__(self) -> None:
        self.calls: list[frozenset[Change]] = []
        self._cond = threading.Condition()
        self.fail_next = False

    def __call__(self, changes: frozenset[Change]) -> None:
        with self._cond:
            self.calls.append(changes)
            self._cond.notify_all()
        if self.fail_next:
            self.fail_next = False
            raise FileNotFoundError("a file vanished mid-build")

    def wait_for(self, predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; calls so far: {self.calls}"
                self._cond.wait(left)

    def paths(self) -> set[Path]:
        return {c.path for batch in self.calls for c in batch}

    def settle(self, seconds: float = 0.6) -> None:
        """Let any further (unwanted) calls arrive."""
        time.sleep(seconds)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for d in ("seeds", "content/2022/01/11", "templates", "static"):
        (root / d).mkdir(parents=True)
    (root / "archivesite.toml").write_text('title = "Test"\n')
    (root / "content/2022/01/11/story.md").write_text("---\ntitle: Story\n---\nBody.\n")
    return root


@pytest.fixture(params=[False, True], ids=["inotify", "poll"])
def watching(
    request: pytest.FixtureRequest, site: Path
) -> Iterator[tuple[Path, Recorder, Watcher]]:
    rec = Recorder()
    watcher = Watcher(site, rec, poll=request.param, poll_interval=0.1)
    watcher.start()  # the polling observer's first snapshot is taken before it returns
    try:
        yield site, rec, watcher
    finally:
        watcher.stop()


def test_editing_a_content_file(watching: tuple[Path, Recorder, Watcher]) -> None:
    site, rec, _ = watching
    story = site / "content/2022/01/11/story.md"
    story.write_text("---\ntitle: Edited\n---\nBody.\n")
    rec.wait_for(lambda: len(rec.calls) >= 1)
    rec.settle()
    assert rec.calls == [frozenset({Change(K.CONTENT, story)})]


def test_saving_the_way_vim_does(watching: tuple[Path, Recorder, Watcher]) -> None:
    site, rec, _ = watching
    folder = site / "content/2022/01/11"
    story = folder / "story.md"
    # vim's default write on Linux: probe the folder, rename the original to a
    # backup, write a new file, delete the backup; plus its swap file.
    (folder / ".story.md.swp").write_bytes(b"swap")
    (folder / "4913").write_bytes(b"")
    (folder / "4913").unlink()
    story.rename(folder / "story.md~")
    story.write_text("---\ntitle: Saved by vim\n---\nBody.\n")
    (folder / "story.md~").unlink()
    (folder / ".story.md.swp").unlink()
    rec.wait_for(lambda: story in rec.paths())
    rec.settle()
    assert rec.paths() == {story}
    assert len(rec.calls) == 1


def test_saving_the_way_gedit_does(watching: tuple[Path, Recorder, Watcher]) -> None:
    site, rec, _ = watching
    tpl = site / "templates/article.html"
    tpl.write_text("<h1>{{ title }}</h1>")
    rec.wait_for(lambda: tpl in rec.paths())
    rec.settle()
    rec.calls.clear()
    temp = site / "templates/.goutputstream-4KX2Q1"
    temp.write_text("<h1 class=title>{{ title }}</h1>")
    temp.replace(tpl)
    rec.wait_for(lambda: tpl in rec.paths())
    rec.settle()
    assert rec.paths() == {tpl}
    assert all(c.kind is K.TEMPLATE for batch in rec.calls for c in batch)


def test_deleting_a_file(watching: tuple[Path, Recorder, Watcher]) -> None:
    site, rec, _ = watching
    story = site / "content/2022/01/11/story.md"
    story.unlink()
    rec.wait_for(lambda: story in rec.paths())
    assert rec.calls[0] == frozenset({Change(K.CONTENT, story)})


def test_adding_500_files_is_one_rebuild(
    watching: tuple[Path, Recorder, Watcher], tmp_path: Path
) -> None:
    """500 files arriving at once (a git checkout, a folder moved in) are one rebuild. They
    are written outside the site and moved in by one rename, so the burst's length does
    not depend on how fast a loaded machine writes 500 files."""
    site, rec, _ = watching
    made = tmp_path / "made" / "2023"
    (made / "05/06").mkdir(parents=True)
    for i in range(500):
        (made / f"05/06/story-{i:03}.md").write_text(f"---\ntitle: Story {i}\n---\nBody {i}.\n")
    made.rename(site / "content/2023")
    folder = site / "content/2023/05/06"
    expected = {folder / f"story-{i:03}.md" for i in range(500)}
    rec.wait_for(lambda: expected <= rec.paths())
    rec.settle(1.0)
    assert len(rec.calls) == 1
    assert expected <= rec.paths()


def test_seeds_static_and_config_are_watched(watching: tuple[Path, Recorder, Watcher]) -> None:
    site, rec, _ = watching
    seed = site / "seeds/001.txt"
    seed.write_text("MOSCOW, January 11. /TASS/. Text.\n")
    css = site / "static/site.css"
    css.write_text("body{}")
    toml = site / "archivesite.toml"
    toml.write_text('title = "Renamed"\n')
    want = {Change(K.SEED, seed), Change(K.STATIC, css), Change(K.CONFIG, toml)}
    rec.wait_for(lambda: want <= {c for b in rec.calls for c in b})


def test_output_and_state_folders_are_ignored(watching: tuple[Path, Recorder, Watcher]) -> None:
    site, rec, _ = watching
    for d in ("build", ".archivesite/serve"):
        (site / d).mkdir(parents=True)
        (site / d / "index.html").write_text("<p>built</p>")
    (site / "README.md").write_text("hello")
    rec.settle(0.8)
    assert rec.calls == []


def test_folders_created_after_start_are_watched(tmp_path: Path) -> None:
    root = tmp_path / "empty-site"
    root.mkdir()
    rec = Recorder()
    with Watcher(root, rec):
        (root / "content/2022/01/11").mkdir(parents=True)
        rec.wait_for(lambda: len(rec.calls) >= 1)
        assert Change(K.CONTENT, root / "content") in rec.calls[0]
        rec.settle(0.4)
        story = root / "content/2022/01/11/late.md"
        story.write_text("---\ntitle: Late\n---\n")
        rec.wait_for(lambda: story in rec.paths())
        # and the folder can go away and come back
        rec.calls.clear()
        (root / "content/2022/01/11/late.md").unlink()
        for d in ("content/2022/01/11", "content/2022/01", "content/2022", "content"):
            (root / d).rmdir()
        rec.wait_for(lambda: root / "content" in rec.paths())
        rec.settle(0.4)
        (root / "content").mkdir()
        again = root / "content/again.md"
        again.write_text("x")
        rec.wait_for(lambda: again in rec.paths() or root / "content" in rec.paths())
        rec.settle(0.4)
        again.write_text("y")
        rec.calls.clear()
        again.write_text("z")
        rec.wait_for(lambda: again in rec.paths())


def test_a_failing_callback_does_not_stop_the_watcher(
    watching: tuple[Path, Recorder, Watcher],
) -> None:
    site, rec, watcher = watching
    story = site / "content/2022/01/11/story.md"
    rec.fail_next = True
    story.write_text("first")
    rec.wait_for(lambda: len(rec.calls) == 1)
    rec.settle(0.3)
    story.unlink()  # the file vanishes after the failed build
    rec.wait_for(lambda: len(rec.calls) == 2)
    assert watcher.debouncer._thread.is_alive()


def test_stop_joins_the_threads(site: Path) -> None:
    before = set(threading.enumerate())
    watcher = Watcher(site, Recorder())
    watcher.start()
    watcher.stop()
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert leftover == []


class Clock:
    """The debouncer's clock, moved only by the test: a loaded machine cannot make a
    quiet period pass, or fail to, behind the test's back."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_debouncer_waits_for_the_backlog() -> None:
    """Events the observer has queued but not handed over yet belong to the burst."""
    rec = Recorder()
    clock = Clock()
    behind = threading.Event()
    behind.set()
    asked = threading.Semaphore(0)

    def backlog() -> bool:
        asked.release()
        return behind.is_set()

    deb = Debouncer(rec, quiet=0.1, max_wait=1.0, clock=clock, backlog=backlog)
    deb.start()
    try:
        deb.push([Change(K.CONTENT, Path("/site/content/a.md"))])
        clock.now = 5.0  # long past quiet and the cap
        for _ in range(2):  # asked, told to wait, and asked again
            assert asked.acquire(timeout=TIMEOUT)
        assert rec.calls == []
        behind.clear()
        rec.wait_for(lambda: len(rec.calls) == 1)
    finally:
        deb.stop()


def test_debouncer_waits_for_quiet_and_caps_the_wait() -> None:
    rec = Recorder()
    clock = Clock()
    deb = Debouncer(rec, quiet=0.3, max_wait=1.0, clock=clock)
    deb.start()
    try:
        # a steady stream, an event every 0.1 s for 1.6 s: never quiet for 0.3 s
        for i in range(10):
            clock.now = i / 10
            deb.push([Change(K.CONTENT, Path(f"/site/content/{i}.md"))])
        clock.now = 1.0  # 0.1 s after the last event, 1.0 s after the first
        rec.wait_for(lambda: len(rec.calls) >= 1)
        first = rec.calls[0]
        assert 0 < len(first) < 16  # max_wait fired before the stream ended
        for i in range(10, 16):
            clock.now = i / 10
            deb.push([Change(K.CONTENT, Path(f"/site/content/{i}.md"))])
        clock.now = 1.5 + 0.3  # the stream is over and quiet
        rec.wait_for(lambda: sum(len(b) for b in rec.calls) == 16)
        # changes pushed during a call are kept for the next call
        assert deb.idle() or len(rec.calls) >= 2
        deb.push([Change(K.IGNORED, Path("/site/x~"))])
        assert deb.idle()
    finally:
        deb.stop()


def test_file_vanishing_between_event_and_call_is_harmless(tmp_path: Path) -> None:
    root = tmp_path / "s"
    (root / "content").mkdir(parents=True)
    seen: list[str] = []
    called = threading.Event()

    def reader(changes: frozenset[Change]) -> None:
        called.set()
        for c in changes:
            seen.append(c.path.read_text())  # raises for the vanished file

    with Watcher(root, reader) as watcher:
        p = root / "content/gone.md"
        p.write_text("x")
        p.unlink()
        assert called.wait(TIMEOUT)  # the burst with the vanished file is handled
        q = root / "content/kept.md"
        q.write_text("kept")
        deadline = time.monotonic() + TIMEOUT
        while "kept" not in seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "kept" in seen
        assert watcher.debouncer._thread.is_alive()
    assert not p.exists()


@pytest.mark.skipif(watch.EventsLostEvent is None, reason="this watchdog never reports lost events")
def test_lost_events_make_every_source_count_as_changed(site: Path) -> None:
    """An inotify queue overflow drops events; the watcher then looks at everything again
    (the kernel's overflow is injected: filling its queue would need a system setting)."""
    rec = Recorder()
    with Watcher(site, rec) as watcher:
        lost = watch.EventsLostEvent(str(site / "content"), is_directory=True)
        watcher._handler.dispatch(lost)
        rec.wait_for(lambda: len(rec.calls) >= 1)
        want = {Change(kind, site / name) for name, kind in watch.SOURCE_DIRS.items()}
        want.add(Change(K.CONFIG, site / "archivesite.toml"))
        assert rec.calls[0] == frozenset(want)
