"""Which files a command was given: files as named, folders recursively."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

_SKIP_DIRS = {"__pycache__", "node_modules"}


def iter_files(paths: tuple[str, ...]) -> Iterator[Path]:
    """Every file named, and every file below every folder named (sorted, hidden ones skipped).

    A name that is neither a file nor a folder is yielded as it is, so that the caller reports it.
    """
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") or p in _SKIP_DIRS for p in relative):
                    yield child
        else:
            yield path
