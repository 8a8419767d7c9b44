"""The one error type for bad user data: printed as ``path:line: message``.

Bugs stay ordinary exceptions; anything the user can fix by editing a file or
an option is an :class:`ArchiveError`. This module imports nothing else from
the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path


class ArchiveError(Exception):
    """A problem with the user's files or options, located where possible."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple[object, ...]:  # sent back from worker processes
        return (type(self), (self.message, self.path, self.line))

    @property
    def key(self) -> object:
        """What makes two errors one: a run reports each once."""
        return str(self)

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message}"


class ArchiveErrors(ArchiveError):
    """Several problems found in one run, reported together."""

    def __init__(self, errors: Iterable[ArchiveError]):
        self.errors: Sequence[ArchiveError] = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def raise_all(errors: Sequence[ArchiveError]) -> None:
    """Raise the errors found in one run, if any: the one error, or all together."""
    if errors:
        raise errors[0] if len(errors) == 1 else ArchiveErrors(errors)
