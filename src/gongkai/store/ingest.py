"""Ingest files into the store: hash, skip what is already stored, read the rest in parallel.

Reading runs in worker processes; the parent alone writes to the database, one transaction per
document. A file whose content is stored by the same parser version is unchanged; one stored by
an older parser is read again and replaced. Every path gets a row in `files`, so nothing is
silently lost, and running the same command again after an interruption completes the work.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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
    summary = IngestSummary()
    keys: set[str] = set()
    unchanged: set[str] = set()  # contents seen in this run: their agencies get a cross-year pass
    pending: dict[str, list[tuple[Path, int]]] = {}  # sha256 → the paths with that content in this run
    order: list[str] = []

    def finish(path: Path) -> None:
        if progress is not None:
            progress(path, summary)

    for path in iter_files(tuple(paths)):
        summary.files += 1
        try:
            sha, size = file_hash(path)
        except OSError as error:
            message = "文件不存在" if not path.exists() else f"无法读取文件：{error.strerror or error}"
            store.note_file(str(path), None, "unreadable", message)
            summary.unreadable += 1
            finish(path)
            continue
        if sha in pending:
            pending[sha].append((path, size))  # the same content twice: read and stored once
            continue
        if store.parser_version_of(sha) == PARSER_VERSION:
            status = store.document_status(sha)
            store.note_file(str(path), sha, status)
            unchanged.add(sha)
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
        status = store.save(record, str(first_path), size)
        for other, _ in pending[sha][1:]:
            store.note_file(str(other), sha, status)
        if status == "unreadable":
            summary.unreadable += 1
        elif replaced:
            summary.replaced += 1
        else:
            summary.new += 1
        summary.unchanged += len(pending[sha]) - 1
        summary.findings += sum(1 for f in record.findings if f.severity in ("error", "warning"))
        unchanged.add(sha)  # its agency key is looked up with the unchanged ones below
        for path, _ in pending[sha]:
            finish(path)

    if workers <= 1:
        for sha in order:
            store_result(sha, _read(str(pending[sha][0][0])))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            queue = iter(order)
            running: dict[Future[dict[str, Any]], str] = {}

            def submit() -> None:
                sha = next(queue, None)
                if sha is not None:
                    running[pool.submit(_read, str(pending[sha][0][0]))] = sha

            for _ in range(workers * 2):  # a short queue keeps memory flat on big folders
                submit()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    sha = running.pop(future)
                    store_result(sha, future.result())
                    submit()
    keys |= store.agency_keys_of(unchanged)
    summary.cross_year = store.refresh_cross_year(keys)
    return summary


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
