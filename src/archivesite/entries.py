"""What is read below a site's folders: the one symlink rule, and special files.

The site's top-level folders (``content/``, ``seeds/``, ``templates/``, ``static/``) and
paths named on the command line are trusted wherever they point (a ``seeds/`` linked to
an archive on another disk is a normal set-up). Below one of them, a symlink that
resolves within that same folder is followed; one that resolves anywhere else is
skipped with a warning naming it, so nothing outside the site is published by accident;
``follow_symlinks = true`` in ``archivesite.toml`` (``follow_all``) follows it instead.
FIFOs, sockets and devices are skipped with a warning and never opened (opening a FIFO
would block for good). A folder that cannot be read is the caller's error to report.
Editor and OS clutter (:func:`is_clutter`) is never an input.
"""

from __future__ import annotations

import logging
import os
import re
import stat

log = logging.getLogger(__name__)

_CLUTTER = re.compile(r"^(?:\..*|.*~|#.*#|Thumbs\.db|desktop\.ini|.*\.sw[a-p])$", re.IGNORECASE)


def is_clutter(name: str) -> bool:
    """Editor and OS files that are never articles: hidden files and folders, ``~``
    backups, ``#x#`` autosaves, ``Thumbs.db``, ``desktop.ini``, swap files."""
    return _CLUTTER.match(name) is not None


def follows(link: str, top: str, *, follow_all: bool = False) -> bool:
    """Whether the symlink ``link`` below ``top`` is followed: it resolves within ``top``,
    or ``follow_all`` (the site's ``follow_symlinks``). Warns where it is not."""
    if follow_all:
        return True
    target = os.path.realpath(link)
    root = os.path.realpath(top)
    if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
        return True
    log.warning(
        "%s: a link to %s, outside %s; skipped (follow_symlinks = true follows it)",
        link,
        target,
        top,
    )
    return False


def is_special(mode: int) -> bool:
    """A FIFO, socket or device: never opened."""
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))


def skip_special(path: str, mode: int) -> bool:
    """True (with a warning naming it) where ``path`` is a FIFO, socket or device."""
    if is_special(mode):
        log.warning("%s: not a regular file (a FIFO, socket or device); skipped", path)
        return True
    return False
