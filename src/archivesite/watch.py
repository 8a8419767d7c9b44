"""Watching a site's sources: what changed, coalesced into one call per burst.

Three layers, each usable alone:

* :func:`classify` (pure) says what kind of source a path is, or that it is an
  editor's temp/backup file or build output to ignore.
* :class:`Debouncer` collects :class:`Change` items and calls an injected
  callable once the events have stopped for ``quiet`` seconds (or ``max_wait``
  seconds after the first one, so a never-ending stream still rebuilds).
  Changes arriving during a call are kept for the next one; an exception
  from the callable is logged and the debouncer goes on.
* :class:`Watcher` runs a watchdog observer (or the polling observer, for
  network and VM mounts) on ``seeds/``, ``content/``, ``templates/``,
  ``static/`` and ``archivesite.toml``, including folders created later; when
  events are lost (an inotify queue overflow) every source counts as changed.

This module never reads the files it reports (a file that vanishes between
the event and the call is the callable's business) and imports no stage.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from .config import (
    CONFIG_NAME,
    CONTENT_DIR,
    OUT_DIR,
    SEEDS_DIR,
    STATE_DIR,
    STATIC_DIR,
    TEMPLATES_DIR,
)

try:  # recent watchdog: the kernel's inotify queue overflowed and events were lost
    from watchdog.events import EventsLostEvent
except ImportError:  # older watchdog drops an overflow silently: nothing to catch
    EventsLostEvent = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

#: Seconds without new events before a burst counts as over. Editors' saves
#: (vim's rename-and-write, gedit's temp file and move) and a 500-file copy
#: arrive within a few milliseconds of each other; every 50 ms cut here comes
#: straight off the save-to-reload time.
QUIET_SECONDS = 0.1


class ChangeKind(enum.Enum):
    """What a changed path is to the site."""

    SEED = "seed"
    CONTENT = "content"
    TEMPLATE = "template"
    STATIC = "static"
    CONFIG = "config"
    IGNORED = "ignored"


#: The watched top-level folders and what a path under each is.
SOURCE_DIRS: dict[str, ChangeKind] = {
    SEEDS_DIR: ChangeKind.SEED,
    CONTENT_DIR: ChangeKind.CONTENT,
    TEMPLATES_DIR: ChangeKind.TEMPLATE,
    STATIC_DIR: ChangeKind.STATIC,
}

#: Top-level folders whose contents are never sources (output, state, VCS).
IGNORED_TOP = frozenset({OUT_DIR, STATE_DIR, ".git", ".venv", "node_modules"})

# Editors' temp and backup files: vim (.swp/.swx/.swo..., file~, the 4913 probe
# probe), gedit (.goutputstream-XXXXXX), emacs (.#lock,
# #autosave#), kate (.kate-swp), JetBrains safe write, LibreOffice locks, macOS.
_IGNORED_NAME = re.compile(
    r"""(
        .*\.sw[a-px] | .*~ | \.goutputstream-.* | \.\#.* | \#.*\# | \.DS_Store
        | .*\.kate-swp | .*___jb_(tmp|old)___ | \.~lock\..*\# | \._.*
    )\Z""",
    re.VERBOSE,
)


def is_editor_temp(name: str) -> bool:
    """True for an editor's temp, swap, lock or backup file name."""
    if name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0:
        return True  # vim's probe for a writable folder: 4913, then 5036, 5159, ...
    return _IGNORED_NAME.match(name) is not None


def classify(
    path: str | bytes | PurePath,
    site_root: str | PurePath,
    ignored: Iterable[str | PurePath] = (),
) -> ChangeKind:
    """Say what kind of source ``path`` is for the site at ``site_root``; pure.

    ``ignored`` names extra folders (absolute, or relative to the root) whose
    contents never count, such as the preview server's output folder. The
    watched folders themselves classify as their kind, so creating
    ``content/`` counts as a content change.
    """
    p = PurePath(os.fsdecode(path))
    root = PurePath(site_root)
    try:
        rel = p.relative_to(root)
    except ValueError:
        return ChangeKind.IGNORED
    parts = rel.parts
    if not parts or ".." in parts:
        return ChangeKind.IGNORED
    for extra in ignored:
        e = PurePath(extra)
        e = e if e.is_absolute() else root / e
        if p == e or e in p.parents:
            return ChangeKind.IGNORED
    if parts[0] in IGNORED_TOP or ".git" in parts:
        return ChangeKind.IGNORED
    if is_editor_temp(parts[-1]):
        return ChangeKind.IGNORED
    if len(parts) == 1:
        return ChangeKind.CONFIG if parts[0] == CONFIG_NAME else _dir_kind(parts[0])
    return SOURCE_DIRS.get(parts[0], ChangeKind.IGNORED)


def _dir_kind(name: str) -> ChangeKind:
    return SOURCE_DIRS.get(name, ChangeKind.IGNORED)


@dataclass(frozen=True)
class Change:
    """One changed source path. ``path`` may no longer exist (deleted, moved away)."""

    kind: ChangeKind
    path: Path

    def __lt__(self, other: object) -> bool:  # enum members do not order; paths do
        if not isinstance(other, Change):
            return NotImplemented
        return (self.kind.value, self.path) < (other.kind.value, other.path)


OnChange = Callable[[frozenset[Change]], object]


class Debouncer:
    """Coalesce bursts of changes into one call of ``callback``.

    The callback runs on the debouncer's own thread, one call at a time, so a
    build is never started while another is running.

    A burst is not taken as over while ``backlog()`` says events have been seen but
    not pushed yet (the observer is behind: they happened before now), nor at once
    when this thread wakes far past its deadline (the process was stalled, so its
    other threads may hold events not pushed yet: they get one more ``quiet``). A
    loaded machine therefore does not split one burst into several calls, and an
    unloaded one waits no longer.
    """

    def __init__(
        self,
        callback: OnChange,
        *,
        quiet: float = QUIET_SECONDS,
        max_wait: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        backlog: Callable[[], bool] = lambda: False,
    ) -> None:
        self._callback = callback
        self.quiet = quiet
        self.max_wait = max_wait
        self._clock = clock
        self._backlog = backlog
        self._cond = threading.Condition()
        self._pending: set[Change] = set()
        self._first = 0.0
        self._last = 0.0
        self._stopping = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="archivesite-debounce", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def push(self, changes: Iterable[Change]) -> None:
        """Add changes; the callback fires once they stop arriving."""
        new = [c for c in changes if c.kind is not ChangeKind.IGNORED]
        if not new:
            return
        with self._cond:
            now = self._clock()
            if not self._pending:
                self._first = now
            self._last = now
            self._pending.update(new)
            self._cond.notify_all()

    def idle(self) -> bool:
        """True when nothing is pending and no call is running."""
        with self._cond:
            return not self._pending and not self._busy

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop the thread (after a running call returns); pending changes are dropped."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _next_batch(self) -> frozenset[Change] | None:
        with self._cond:
            deadline: float | None = None  # what the last timed wait was for
            while True:
                if self._stopping:
                    return None
                if not self._pending:
                    deadline = None
                    self._cond.wait()
                    continue
                now = self._clock()
                due = min(self._last + self.quiet, self._first + self.max_wait)
                if now >= due:
                    stalled = deadline is not None and now - deadline > self.quiet
                    deadline = None
                    if stalled or self._backlog():  # more of this burst may be on its way
                        self._cond.wait(self.quiet)
                        continue
                    batch = frozenset(self._pending)
                    self._pending.clear()
                    self._busy = True
                    return batch
                deadline = due
                self._cond.wait(due - now)

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._callback(batch)
            except Exception:
                log.exception("the rebuild after %d change(s) failed", len(batch))
            finally:
                with self._cond:
                    self._busy = False


# The only events that mean a source changed. Opened/closed/attrib events are
# left out on purpose: the build reading content/ must not trigger a build.
_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
    *([EventsLostEvent] if EventsLostEvent is not None else []),
]


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher._on_event(event)


class Watcher:
    """Watch a site's sources and call ``on_change`` once per burst of changes.

    ``seeds/``, ``content/``, ``templates/`` and ``static/`` are watched
    recursively when they exist; the site root is watched non-recursively, for
    ``archivesite.toml`` and for those folders appearing (or vanishing) later.
    Moves count at both ends: the source as gone, the destination as changed,
    so an editor saving through a temp file and a rename is one content change.
    """

    def __init__(
        self,
        site_root: Path,
        on_change: OnChange,
        *,
        poll: bool = False,
        quiet: float = QUIET_SECONDS,
        max_wait: float = 2.0,
        ignored: Iterable[Path] = (),
        poll_interval: float = 0.5,
    ) -> None:
        self.root = Path(site_root).absolute()
        self.ignored = tuple(ignored)
        if poll:  # events come once per poll: a burst spanning polls has gaps that long
            quiet += poll_interval
        self._observer: BaseObserver = (
            PollingObserver(timeout=poll_interval) if poll else Observer()
        )
        queued = self._observer.event_queue
        self.debouncer = Debouncer(
            on_change,
            quiet=quiet,
            max_wait=max_wait,
            backlog=lambda: queued.unfinished_tasks > 0,  # queued, or being handled
        )
        self._handler = _Handler(self)
        self._dir_watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        self._observer.schedule(
            self._handler, str(self.root), recursive=False, event_filter=_EVENTS
        )
        for name in SOURCE_DIRS:
            self._watch_dir(name)
        self.debouncer.start()
        self._observer.start()
        self._started = True
        log.debug("watching %s", self.root)

    def stop(self) -> None:
        """Stop the observer and the debouncer and join their threads."""
        if not self._started:
            return
        self._started = False
        self._observer.stop()
        self._observer.join(10)
        self.debouncer.stop()

    def __enter__(self) -> Watcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _watch_dir(self, name: str) -> None:
        path = self.root / name
        with self._lock:
            old = self._dir_watches.pop(name, None)
            if old is not None:
                with contextlib.suppress(KeyError, ValueError):  # its emitter already stopped
                    self._observer.unschedule(old)
            if not path.is_dir():
                return
            try:
                self._dir_watches[name] = self._observer.schedule(
                    self._handler, str(path), recursive=True, event_filter=_EVENTS
                )
            except OSError as exc:  # vanished again, or out of inotify watches
                log.warning("cannot watch %s: %s (try --poll)", path, exc)

    def _on_event(self, event: FileSystemEvent) -> None:
        try:
            if EventsLostEvent is not None and isinstance(event, EventsLostEvent):
                self._rescan()
                return
            paths = [os.fsdecode(event.src_path)]
            if event.dest_path:
                paths.append(os.fsdecode(event.dest_path))
            changes = []
            for raw in paths:
                p = Path(raw)
                if event.is_directory and p.parent == self.root and p.name in SOURCE_DIRS:
                    self._watch_dir(p.name)  # a watched folder appeared or went away
                kind = classify(p, self.root, self.ignored)
                if kind is not ChangeKind.IGNORED:
                    changes.append(Change(kind, p))
            if changes:
                log.debug("changed: %s", ", ".join(str(c.path) for c in changes))
                self.debouncer.push(changes)
        except Exception:  # the observer thread must survive anything
            log.exception("cannot handle file event %r", event)

    def _rescan(self) -> None:
        """Events were lost (an inotify queue overflow, as a huge copy can cause): any
        source may have changed, so every watched folder and the config count as changed,
        which makes the callback look at all of them again."""
        log.warning("file events were lost; looking at every source again")
        for name in SOURCE_DIRS:  # a folder may have appeared or gone unseen
            if (name in self._dir_watches) != (self.root / name).is_dir():
                self._watch_dir(name)
        changes = [Change(kind, self.root / name) for name, kind in SOURCE_DIRS.items()]
        changes.append(Change(ChangeKind.CONFIG, self.root / CONFIG_NAME))
        self.debouncer.push(changes)
