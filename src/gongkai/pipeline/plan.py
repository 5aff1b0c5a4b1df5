"""The first step of ingest: which files to read, which are already stored, which cannot be read.

Planning hashes every file and asks the store what it holds; it reads no report."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..files import iter_files, path_text, unreadable_reason
from ..store import Store
from .work import Task

CHUNK = 1 << 20


@dataclass(frozen=True)
class FileNote:
    """What the store is to record about one input path without reading it."""

    path: str
    sha256: str | None
    status: str  # read / findings / unreadable
    message: str | None = None


@dataclass
class Plan:
    tasks: list[Task] = field(default_factory=list)  # contents to read, in the order of the files
    copies: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # sha256 → (path, size) of each path with it; the first is read
    notes: list[FileNote] = field(default_factory=list)  # paths decided without reading
    stale: set[str] = field(default_factory=set)  # agency keys whose stored reports change
    unchanged: set[str] = field(default_factory=set)  # contents already stored by this parser
    files: int = 0


def file_hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def plan(store: Store, paths: Iterable[str]) -> Plan:
    """The work an ingest of `paths` has to do (files as named, folders recursively; stored absolute)."""
    result = Plan()
    own = store.own_files()
    seen: set[Path] = set()
    for found in iter_files(tuple(paths)):
        path = Path(os.path.abspath(found))
        if path in seen or str(path) in own:
            continue  # named twice, or the database's own file in the folder being ingested
        seen.add(path)
        result.files += 1
        name = path_text(path)
        before = store.sha_of_path(name)
        reason = unreadable_reason(path)
        sha, size = "", 0
        if reason is None:
            try:
                sha, size = file_hash(path)
            except OSError as error:  # vanished or unreadable since it was listed
                reason = "文件不存在" if not path.exists() else f"无法读取文件：{error.strerror or error}"
        if reason is not None:
            result.notes.append(FileNote(name, None, "unreadable", reason))
        if before and before != sha:
            result.stale.update(store.agency_keys_of([before]))  # an edited or vanished file: its old report leaves the store
        if not sha:
            continue
        if sha in result.copies:
            result.copies[sha].append((name, size))  # the same content twice: read and stored once
        elif store.is_current(sha):
            result.notes.append(FileNote(name, sha, store.document_status(sha)))
            result.unchanged.add(sha)
        else:
            result.copies[sha] = [(name, size)]
            result.tasks.append(Task(sha, os.fsdecode(path)))
    return result

