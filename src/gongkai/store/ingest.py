"""Ingest files into the store: hash, skip what is already stored, read the rest in parallel.

Reading runs in worker processes; the parent alone writes to the database, one transaction per
document, in the order of the files whatever order the workers finish in. A file whose content
is stored by the same parser version is unchanged; one stored by an older parser is read again
and replaced; a path whose content changed drops its old content's report. Every path gets a
row in `files`, so nothing is silently lost (a worker that crashes costs only the file it was
reading), and running the same command again after an interruption completes the work. The
cross-year rules run at the end, for every agency the run touched.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..api import check
from ..check import run_rules
from ..files import iter_files
from ..model import Record, Source
from . import PARSER_VERSION, Store

CHUNK = 1 << 20


@dataclass
class IngestSummary:
    files: int = 0
    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    unreadable: int = 0
    findings: int = 0  # error and warning findings in the documents read in this run
    cross_year: int = 0  # cross-year findings after the run, for the agencies it touched

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def line(self) -> str:
        return (
            f"共 {self.files} 个文件：新入库 {self.new}，未变 {self.unchanged}，重新读取替换 {self.replaced}，"
            f"无法读取 {self.unreadable}；本次读出问题 {self.findings} 条，跨年度问题 {self.cross_year} 条。"
        )


Progress = Callable[[Path, IngestSummary], None]


def file_hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read(path: str) -> dict[str, Any]:
    """Worker: read and check one file (single-report rules); the record travels as JSON-like data."""
    try:
        record = check(path)
    except Exception as error:  # a reader bug must cost one file, not the batch
        record = Record(Source(path))
        record.notes.fatal = f"读取时发生内部错误（{type(error).__name__}），请把此文件报告给 gongkai 开发者"
        record = run_rules(record)
    data = record.to_dict()
    data["_fatal"] = record.notes.fatal
    return data


def _record(data: dict[str, Any]) -> Record:
    fatal = data.pop("_fatal", None)
    record = Record.from_dict(data)
    record.notes.fatal = fatal
    return record


def ingest(
    store: Store,
    paths: Iterable[str],
    workers: int = 1,
    progress: Progress | None = None,
) -> IngestSummary:
    """Store every file below `paths`; see the module docstring. Paths are stored absolute.

    Results are written in the order of the files (sorted), whatever order the workers finish
    in, so the same input gives the same database (ids, agency keys) on every run and backend.
    """
    summary = IngestSummary()
    keys: set[str] = set()  # agencies whose cross-year findings are recomputed at the end
    touched: set[str] = set()  # contents seen in this run: their agencies get a cross-year pass
    pending: dict[str, list[tuple[Path, int]]] = {}  # sha256 → the paths with that content in this run
    order: list[str] = []

    def finish(path: Path) -> None:
        if progress is not None:
            progress(path, summary)

    own = store.own_files()
    seen: set[Path] = set()
    for found in iter_files(tuple(paths)):
        path = Path(os.path.abspath(found))
        if path in seen or str(path) in own:
            continue  # named twice, or the database's own file in the folder being ingested
        seen.add(path)
        summary.files += 1
        before = store.sha_of_path(str(path))
        try:
            sha, size = file_hash(path)
        except OSError as error:
            message = "文件不存在" if not path.exists() else f"无法读取文件：{error.strerror or error}"
            store.note_file(str(path), None, "unreadable", message)
            summary.unreadable += 1
            if before:
                keys.update(store.agency_keys_of([before]))
            finish(path)
            continue
        if before and before != sha:
            keys.update(store.agency_keys_of([before]))  # an edited file: its old report leaves the store
        if sha in pending:
            pending[sha].append((path, size))  # the same content twice: read and stored once
            continue
        if store.parser_version_of(sha) == PARSER_VERSION:
            status = store.document_status(sha)
            store.note_file(str(path), sha, status)
            touched.add(sha)
            if status == "unreadable":
                summary.unreadable += 1
            else:
                summary.unchanged += 1
            finish(path)
            continue
        pending[sha] = [(path, size)]
        order.append(sha)

    def store_result(sha: str, data: dict[str, Any]) -> None:
        record = _record(data)
        first_path, size = pending[sha][0]
        replaced = store.parser_version_of(sha) is not None
        if replaced:
            keys.update(store.agency_keys_of([sha]))  # the old reading's agency loses a report
        status = store.save(record, str(first_path), size, sha)
        for other, _ in pending[sha][1:]:
            store.note_file(str(other), sha, status)
        if status == "unreadable":
            summary.unreadable += len(pending[sha])
        else:
            if replaced:
                summary.replaced += 1
            else:
                summary.new += 1
            summary.unchanged += len(pending[sha]) - 1
        summary.findings += sum(1 for f in record.findings if f.severity in ("error", "warning"))
        touched.add(sha)
        for path, _ in pending[sha]:
            finish(path)

    if workers <= 1:
        for sha in order:
            store_result(sha, _read(str(pending[sha][0][0])))
    else:
        for sha, data in _read_parallel([str(pending[sha][0][0]) for sha in order], order, workers):
            store_result(sha, data)
    keys |= store.agency_keys_of(touched)
    summary.cross_year = store.refresh_cross_year(keys)
    return summary


def _read_parallel(paths: list[str], shas: list[str], workers: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(sha, read record data) in the order given, read by `workers` processes.

    A short window of files is in flight (memory stays flat on big folders). If a worker dies
    (a crash inside a native PDF or OCR library), the files that were in flight are read again
    one by one, each in a process of its own, so that only the file that kills its reader is
    lost, as unreadable.
    """
    window = workers * 4
    items = iter(zip(shas, paths, strict=True))
    pool = ProcessPoolExecutor(max_workers=workers)
    queue: deque[tuple[str, str, Future[dict[str, Any]] | None]] = deque()
    try:
        while True:
            try:
                while len(queue) < window and (item := next(items, None)) is not None:
                    queue.append((item[0], item[1], None))  # a place in the order even if submit fails
                    queue[-1] = (item[0], item[1], pool.submit(_read, item[1]))
                if not queue:
                    return
                future = queue[0][2]
                assert future is not None
                data = future.result()
            except BrokenProcessPool:
                # The pool is unusable (submit and every unfinished future fail): keep what
                # finished, read the rest alone, carry on with a new pool.
                pool.shutdown(wait=False, cancel_futures=True)
                for sha, path, waiting in queue:
                    if waiting is not None and waiting.done() and not waiting.cancelled() and waiting.exception() is None:
                        yield sha, waiting.result()
                    else:
                        yield sha, _read_alone(path)
                queue.clear()
                pool = ProcessPoolExecutor(max_workers=workers)
                continue
            sha, _path, _future = queue.popleft()
            yield sha, data
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _read_alone(path: str) -> dict[str, Any]:
    """Read one file in a process of its own; a crash of that process makes the file unreadable."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_read, path).result()
        except BrokenProcessPool:
            record = Record(Source(path))
            record.notes.fatal = "读取时读取进程意外退出（可能是文件触发了PDF或OCR组件的缺陷），请把此文件报告给 gongkai 开发者"
            data = run_rules(record).to_dict()
            data["_fatal"] = record.notes.fatal
            return data


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
