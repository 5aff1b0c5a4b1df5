"""Run the work step on this machine, each file in a worker process with bounds.

Workers are long-lived processes fed one file at a time. A file that runs past its wall-time
limit has its worker killed and replaced; a worker that dies (a crash inside a native PDF or OCR
library, the memory limit) costs only the file it was reading; results are handed back as they
finish, so a slow file never holds the others. Workers die with the main process (Linux:
PR_SET_PDEATHSIG), so killing an ingest leaves nothing running.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from .. import limits
from ..model import Record
from . import work as _work
from .work import Task

CRASHED = "读取时读取进程意外退出（可能是文件触发了PDF或OCR组件的缺陷，或超过内存限制 memory_per_file_mb），请把此文件报告给 gongkai 开发者"


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def too_slow(seconds: float) -> str:
    return f"读取超过{seconds:g}秒仍未完成，已停止（时间限制 seconds_per_file，可用 --limit seconds_per_file=N 放宽）"


def run_local(tasks: Sequence[Task], workers: int = 1, waiting: Callable[[], None] | None = None) -> Iterator[tuple[Task, Record]]:
    """(task, record) for every task, in the order they finish. `waiting` is called at least
    once a second while the workers are busy (the committer stores what it holds)."""
    if not tasks:
        return
    bounds = limits.current()
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    queue = deque(tasks)
    pool = [_Worker(context, bounds) for _ in range(min(workers, len(tasks)))]
    try:
        while queue or any(w.task for w in pool):
            for worker in pool:
                if worker.task is None and queue:
                    worker.give(queue.popleft())
            busy = [w for w in pool if w.task is not None]
            deadline = min(w.started + bounds.seconds_per_file for w in busy)
            ready = wait([w.connection for w in busy], timeout=min(1.0, max(0.0, deadline - time.monotonic())))
            if waiting is not None:
                waiting()
            for worker in busy:
                task = worker.task
                assert task is not None
                if worker.connection in ready:
                    yield task, worker.take()
                elif time.monotonic() >= worker.started + bounds.seconds_per_file:
                    worker.stop()
                    yield task, _work.crashed(task, too_slow(bounds.seconds_per_file))
                if worker.task is None and not worker.alive():  # (a worker that died holding a task is seen at the next wait)
                    pool.remove(worker)
                    if queue:
                        pool.append(_Worker(context, bounds))
    finally:
        for worker in pool:
            worker.stop()


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, bounds: limits.Limits) -> None:
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child, bounds), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        try:
            self.connection.send(task)
        except OSError:  # the worker died before it took the task: the recv below says so
            pass

    def take(self) -> Record:
        task, self.task = self.task, None
        assert task is not None
        try:
            record: Record = self.connection.recv()
            return record
        except (EOFError, OSError):
            self.stop()
            return _work.crashed(task, CRASHED)

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        self.task = None
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def _serve(connection: Connection, bounds: limits.Limits) -> None:
    """A worker's life: read the files it is given, one at a time, until the pipe closes."""
    _die_with_parent()
    limits.configure(**{name: getattr(bounds, name) for name in limits.Limits.names()})
    # The bound is on what reading a file adds: a forked worker starts with its parent's address
    # space (a web server or a test run may map more than a whole per-file budget).
    memory = _mapped_bytes() + bounds.memory_per_file_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # a platform without RLIMIT_AS: no memory bound
        resource.setrlimit(resource.RLIMIT_AS, (memory, resource.getrlimit(resource.RLIMIT_AS)[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            task: Task = connection.recv()
        except (EOFError, OSError):
            return
        try:
            record = _work.work(task)
            connection.send(record)
        except MemoryError:
            connection.send(_work.crashed(task, f"读取时超过内存限制（{bounds.memory_per_file_mb} MB，限制 memory_per_file_mb）"))


def _mapped_bytes() -> int:
    """The address space this process maps now (Linux; 0 where it cannot be known)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it ends."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
