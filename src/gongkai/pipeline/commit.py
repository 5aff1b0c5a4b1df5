"""The last step of ingest: store checked records, several per transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass

from ..store import Rows, Store
from .plan import Plan
from .work import Task

BATCH = 32  # records per transaction, at most
BATCH_SECONDS = 2.0  # … and no record waits longer than this for its transaction


@dataclass
class IngestSummary:
    files: int = 0
    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    unreadable: int = 0
    findings: int = 0  # error and warning findings in the documents read in this run
    errors: int = 0  # … of which errors
    cross_year: int = 0  # cross-year findings after the run, for the agencies it touched
    settled_by_last_year: int = 0  # reports read again with the year before, whose table 二 it settled

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def line(self) -> str:
        return (
            f"共 {self.files} 个文件：新入库 {self.new}，未变 {self.unchanged}，重新读取替换 {self.replaced}，"
            f"无法读取 {self.unreadable}；本次读出问题 {self.findings} 条，跨年度问题 {self.cross_year} 条"
            + (f"；按上一年报告补读表二 {self.settled_by_last_year} 份" if self.settled_by_last_year else "")
            + "。"
        )


Progress = Callable[[str, IngestSummary], None]  # called once per input path, when it is stored


class Committer:
    """Collects (task, rows of its record) results and stores them in batches, keeping the run's summary and
    the agencies whose cross-year findings must be recomputed.

    A batch is one transaction: after a kill, each record is stored entirely or not at all, and
    running the same ingest again reads only what is missing. A batch is written by a thread of
    its own while the results of the next one come in (the workers are not kept waiting for
    their next file meanwhile); one batch at a time, in order. `finish` waits for the last."""

    def __init__(self, store: Store, plan: Plan, progress: Progress | None = None) -> None:
        self.store = store
        self.plan = plan
        self.progress = progress
        self.summary = IngestSummary(files=plan.files)
        self.stale: set[str] = set(plan.stale)
        self.stored: set[str] = set(plan.unchanged)  # contents whose agencies get a cross-year pass
        self._batch: list[tuple[Task, Rows]] = []
        self._since = time.monotonic()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongkai-commit")
        self._writing: tuple[list[tuple[Task, Rows]], Future[_Written]] | None = None

    def notes(self) -> None:
        """Record the paths the plan decided without reading."""
        self.store.note_files((n.path, n.sha256, n.status, n.message) for n in self.plan.notes)
        for note in self.plan.notes:
            if note.status == "unreadable":
                self.summary.unreadable += 1
            else:
                self.summary.unchanged += 1
            self._tell(note.path)

    def add(self, task: Task, rows: Rows) -> None:
        if not self._batch:
            self._since = time.monotonic()
        self._batch.append((task, rows))
        if len(self._batch) >= BATCH:
            self.flush()
        else:
            self.flush_if_due()

    def flush_if_due(self) -> None:
        """Store what has waited BATCH_SECONDS, and count a batch the writer has finished
        (called at least once a second while the workers are busy)."""
        if self._writing is not None and self._writing[1].done():
            self._settle()
        if self._batch and time.monotonic() - self._since >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Hand the batch to the writer (once it has written the one before)."""
        batch, self._batch, self._since = self._batch, [], time.monotonic()
        if not batch:
            return
        self._settle()
        self._writing = batch, self._writer.submit(self._write, batch)

    def finish(self) -> None:
        """Store what is left and wait until every batch is written (its error raised here)."""
        try:
            self.flush()
            self._settle()
        finally:
            self._writer.shutdown(wait=True)

    def _write(self, batch: list[tuple[Task, Rows]]) -> _Written:
        replaced = set(self.store.documents_of(task.sha256 for task, _ in batch))
        losing = self.store.agency_keys_of(replaced)  # an older reading's agency loses a report
        first = [(rows, *self.plan.copies[task.sha256][0], task.sha256) for task, rows in batch]
        statuses = self.store.save_many(first)
        copies = [(path, task.sha256, status, None) for (task, _), status in zip(batch, statuses, strict=True) for path, _ in self.plan.copies[task.sha256][1:]]
        if copies:
            self.store.note_files(copies)
        return replaced, losing, statuses

    def _settle(self) -> None:
        """Wait for the batch being written, then count it."""
        if self._writing is None:
            return
        batch, future = self._writing
        self._writing = None
        replaced, losing, statuses = future.result()
        self.stale |= losing
        for (task, rows), status in zip(batch, statuses, strict=True):
            record, paths = rows.record, self.plan.copies[task.sha256]
            if status == "unreadable":
                self.summary.unreadable += len(paths)
            else:
                self.summary.replaced += task.sha256 in replaced
                self.summary.new += task.sha256 not in replaced
                self.summary.unchanged += len(paths) - 1
            self.summary.findings += sum(1 for f in record.findings if f.severity in ("error", "warning"))
            self.summary.errors += sum(1 for f in record.findings if f.severity == "error" and f.rule != "unreadable")
            self.stored.add(task.sha256)
            for path, _ in paths:
                self._tell(path)

    def _tell(self, path: str) -> None:
        if self.progress is not None:
            self.progress(path, self.summary)


# What writing a batch found: the contents it replaced, the agencies that lost a report, each
# record's status.
_Written = tuple[set[str], set[str], list[str]]
