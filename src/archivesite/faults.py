"""The one fault-injection hook, for the tests that kill or starve a real build.

``ARCHIVESITE_FAULT`` names points of a build and what happens at them, comma-separated:
``POINT:N`` kills the process (SIGKILL, as ``kill -9`` would; its whole process group,
worker processes too, where it leads one) the Nth time it reaches ``POINT``;
``enospc@POINT:N`` makes the Nth pass fail as a full disk would (``ENOSPC``);
``stop@POINT:N`` stops the process there (SIGSTOP) until it is sent SIGCONT.
The points are named where :func:`reach` is called: ``staged`` (every page rendered,
nothing in the output changed), ``journal`` (the commit journal is on disk), ``commit``
(once per file put in place), ``prune`` (once per stale file removed), ``record``
(before the build record is written), ``committed`` (before the journal is removed),
``index`` (before the search index is updated), ``import`` (an import holding its
lock). Unset, every call is one dict lookup.
"""

from __future__ import annotations

import errno
import os
import signal

_ENV = "ARCHIVESITE_FAULT"


def _parse(spec: str) -> dict[str, tuple[str, int]]:
    faults: dict[str, tuple[str, int]] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        what, _, count = item.rpartition(":")
        action, _, point = what.rpartition("@")
        faults[point] = (action or "kill", int(count or 1))
    return faults


_faults = _parse(os.environ.get(_ENV, ""))
_passes: dict[str, int] = {}


def reach(point: str) -> None:
    """Pass ``point``: kill this process or raise ``ENOSPC`` there if the hook says so."""
    if not _faults:
        return
    fault = _faults.get(point)
    if fault is None:
        return
    action, count = fault
    n = _passes[point] = _passes.get(point, 0) + 1
    if n != count:
        return
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if action == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
        return
    if os.getpgrp() == os.getpid():  # started in a session of its own, as the tests do
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
