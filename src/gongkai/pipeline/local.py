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
from ..store import Rows, to_rows
from . import work as _work
from .work import Task

CRASHED = "读取时读取进程意外退出（可能是文件触发了PDF或OCR组件的缺陷，或超过内存限制 memory_per_file_mb），请把此文件报告给 gongkai 开发者"


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def too_slow(seconds: float) -> str:
    return f"读取超过{seconds:g}秒仍未完成，已停止（时间限制 seconds_per_file，可用 --limit seconds_per_file=N 放宽）"


# Files handed to a worker beyond the one it reads, while its files are quick to read (FAST): the
# worker goes on reading instead of waiting for the main process to take each result. A slow
# worker gets one file at a time, so that a file that hangs holds no other behind it.
AHEAD = 8
FAST = 0.25  # seconds


def run_local(tasks: Sequence[Task], workers: int = 1, waiting: Callable[[], None] | None = None) -> Iterator[tuple[Task, Record]]:
    """(task, record) for every task, in the order they finish. `waiting` is called at least
    once a second while the workers are busy (the committer stores what it holds)."""
    for task, read in _run(tasks, workers, waiting, as_rows=False):
        assert isinstance(read, Record)
        yield task, read


def run_local_rows(tasks: Sequence[Task], workers: int = 1, waiting: Callable[[], None] | None = None) -> Iterator[tuple[Task, Rows]]:
    """As `run_local`, each record turned into the rows the store writes (`store.to_rows`) by the
    worker that read it: what an ingest stores, with the single writer left only the copying."""
    for task, read in _run(tasks, workers, waiting, as_rows=True):
        yield task, read if isinstance(read, Rows) else to_rows(read, task.sha256)


def _run(tasks: Sequence[Task], workers: int, waiting: Callable[[], None] | None, as_rows: bool) -> Iterator[tuple[Task, Record | Rows]]:
    if not tasks:
        return
    bounds = limits.current()
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    queue = deque(tasks)
    pool = [_Worker(context, bounds, as_rows) for _ in range(min(workers, len(tasks)))]
    try:
        while queue or any(w.tasks for w in pool):
            # Round by round, so that workers share the files; near the end only one each, so
            # that no worker holds files another, idle, could read.
            for depth in range(1, 2 + AHEAD):
                for worker in pool:
                    if queue and len(worker.tasks) < depth and (depth == 1 or (worker.fast and len(queue) >= depth * len(pool))):
                        worker.give(queue.popleft())
            busy = [w for w in pool if w.tasks]
            deadline = min(w.started + bounds.seconds_per_file for w in busy)
            ready = wait([w.connection for w in busy], timeout=min(1.0, max(0.0, deadline - time.monotonic())))
            if waiting is not None:
                waiting()
            finished: list[tuple[Task, Record | Rows]] = []
            for worker in busy:
                if worker.connection in ready:
                    finished += worker.take_ready()
                elif time.monotonic() >= worker.started + bounds.seconds_per_file:
                    task = worker.tasks[0]
                    finished.append((task, _work.crashed(task, too_slow(bounds.seconds_per_file))))
                    worker.stop()
                queue.extendleft(reversed(worker.unstarted))  # a stopped worker's other files: read by another
                worker.unstarted = []
                if not worker.tasks and not worker.alive():
                    pool.remove(worker)
                    if queue:
                        pool.append(_Worker(context, bounds, as_rows))
            yield from finished
    finally:
        for worker in pool:
            worker.stop()


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, bounds: limits.Limits, as_rows: bool) -> None:
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child, bounds, as_rows), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.tasks: deque[Task] = deque()  # handed over, in order; the first is being read
        self.unstarted: list[Task] = []  # handed over to a worker that was stopped before it read them
        self.started = 0.0  # when the first of `tasks` began, as far as this process can tell
        self.fast = False  # whether its last file took less than FAST

    def give(self, task: Task) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append(task)
        try:
            self.connection.send(task)
        except OSError:  # the worker died before it took the task: the recv below says so
            pass

    def take_ready(self) -> list[tuple[Task, Record | Rows]]:
        """The results the worker has sent so far; if it died, the file it was reading is
        recorded as having crashed it, and the files after it are left in `unstarted`."""
        taken: list[tuple[Task, Record | Rows]] = []
        while self.tasks:
            try:
                if not self.connection.poll():
                    break
                record: Record | Rows = self.connection.recv()
            except (EOFError, OSError):
                task = self.tasks[0]
                taken.append((task, _work.crashed(task, CRASHED)))
                self.stop()
                break
            taken.append((self.tasks.popleft(), record))
            now = time.monotonic()
            self.fast, self.started = now - self.started < FAST, now
        return taken

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        """Kill the worker; the files it had not begun are kept in `unstarted`."""
        self.unstarted += list(self.tasks)[1:]
        self.tasks.clear()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def _serve(connection: Connection, bounds: limits.Limits, as_rows: bool) -> None:
    """A worker's life: read the files it is given, one at a time, until the pipe closes; each
    record is sent back as it is, or as the rows the store writes."""
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
            connection.send(to_rows(record, task.sha256) if as_rows else record)
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
