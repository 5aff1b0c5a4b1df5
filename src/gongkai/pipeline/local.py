"""Run the work step on this machine: in this process, or in a pool of worker processes."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..model import Record
from . import work as _work
from .work import Task

CRASHED = "读取时读取进程意外退出（可能是文件触发了PDF或OCR组件的缺陷），请把此文件报告给 gongkai 开发者"


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def run_local(tasks: Sequence[Task], workers: int = 1) -> Iterator[tuple[Task, Record]]:
    """(task, record) for every task, in the order given."""
    if workers <= 1:
        for task in tasks:
            yield task, _work.work(task)
        return
    yield from _run_pool(tasks, workers)


def _run_pool(tasks: Sequence[Task], workers: int) -> Iterator[tuple[Task, Record]]:
    """A short window of files is in flight (memory stays flat on big folders). If a worker dies
    (a crash inside a native PDF or OCR library), the files that were in flight are read again
    one by one, each in a process of its own, so that only the file that kills its reader is
    lost, as unreadable."""
    window = workers * 4
    pending = iter(tasks)
    pool = ProcessPoolExecutor(max_workers=workers)
    queue: deque[tuple[Task, Future[Record] | None]] = deque()
    try:
        while True:
            try:
                while len(queue) < window and (task := next(pending, None)) is not None:
                    queue.append((task, None))  # a place in the order even if submit fails
                    queue[-1] = (task, pool.submit(_work.work, task))
                if not queue:
                    return
                future = queue[0][1]
                assert future is not None
                record = future.result()
            except BrokenProcessPool:
                # The pool is unusable (submit and every unfinished future fail): keep what
                # finished, read the rest alone, carry on with a new pool.
                pool.shutdown(wait=False, cancel_futures=True)
                for task, waiting in queue:
                    if waiting is not None and waiting.done() and not waiting.cancelled() and waiting.exception() is None:
                        yield task, waiting.result()
                    else:
                        yield task, _work_alone(task)
                queue.clear()
                pool = ProcessPoolExecutor(max_workers=workers)
                continue
            task, _future = queue.popleft()
            yield task, record
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _work_alone(task: Task) -> Record:
    """Read one file in a process of its own; a crash of that process makes the file unreadable."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_work.work, task).result()
        except BrokenProcessPool:
            return _work.crashed(task, CRASHED)
