"""The first step of ingest: which files to read, which are already stored, which cannot be read.

Planning hashes every file and asks the store what it holds; it reads no report."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..files import Input, is_url, iter_files, open_input, path_text, unreadable_reason
from ..store import Store
from .work import Task

CHUNK = 1 << 20
PLAN_CHUNK = 500  # files hashed, then looked up in the store together


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


def file_hash(path: Input) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open_input(path) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def plan(store: Store, paths: Iterable[str]) -> Plan:
    """The work an ingest of `paths` has to do (files as named, folders recursively; stored absolute)."""
    result = Plan()
    own = store.own_files()
    seen: set[Input] = set()
    chunk: list[Input] = []
    for found in iter_files(tuple(paths)):
        path = found if is_url(found) else Path(os.path.abspath(found))
        if path in seen or str(path) in own:
            continue  # named twice, or the database's own file in the folder being ingested
        seen.add(path)
        result.files += 1
        chunk.append(path)
        if len(chunk) == PLAN_CHUNK:
            _plan_files(store, chunk, result)
            chunk = []
    _plan_files(store, chunk, result)
    return result


def _plan_files(store: Store, paths: list[Input], result: Plan) -> None:
    """Plan some files in order, asking the store about all of them at once."""
    hashed: list[tuple[Input, str, str, int, str | None]] = []  # path, name, sha256 ("" if none), size, why unreadable
    for path in paths:
        reason = unreadable_reason(path)
        sha, size = "", 0
        if reason is None:
            try:
                sha, size = file_hash(path)
            except OSError as error:  # vanished or unreadable since it was listed
                reason = unreadable_reason(path) or f"无法读取文件：{error.strerror or error}"
        hashed.append((path, path_text(path), sha, size, reason))
    before = store.shas_of_paths(name for _, name, *_ in hashed)
    current = store.current_statuses(sha for _, _, sha, *_ in hashed if sha)
    # An edited or vanished file: its old report leaves the store.
    result.stale.update(store.agency_keys_of(old for _, name, sha, *_ in hashed if (old := before.get(name)) and old != sha))
    for path, name, sha, size, reason in hashed:
        if reason is not None:
            result.notes.append(FileNote(name, None, "unreadable", reason))
        if not sha:
            continue
        if sha in result.copies:
            result.copies[sha].append((name, size))  # the same content twice: read and stored once
        elif sha in current:
            result.notes.append(FileNote(name, sha, current[sha]))
            result.unchanged.add(sha)
        else:
            result.copies[sha] = [(name, size)]
            result.tasks.append(Task(sha, path if isinstance(path, str) else os.fsdecode(path)))
