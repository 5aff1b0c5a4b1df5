"""Run the work step on a Dask cluster: files read and checked as Dask tasks on the workers,
results streamed back to the one process that commits them.

    gongkai ingest PATH… --cluster tcp://scheduler:8786     # `dask scheduler`, `dask worker …`
    gongkai ingest PATH… --cluster local:4                  # a LocalCluster of 4 worker processes

The workers need gongkai installed and the input files at the same paths (a shared file
system); the planning (hashes, what the store holds) and the commits stay in the calling
process, so the database is reached by it alone. A task reads `CHUNK` files; at most
`CHUNKS_PER_THREAD` tasks per worker thread are in flight, so results arrive as they finish,
are committed in batches, and memory stays bounded however many files there are.

On the worker, a task reads its files as a local ingest does (`local.run_local`, one file at a
time in a child process with the limits of `gongkai.limits`): a file that runs past its wall
time, or crashes a native PDF or OCR library, costs only itself, recorded unreadable with the
same words as locally. This needs worker processes that may have children: `dask worker` with
DASK_DISTRIBUTED__WORKER__DAEMON=False (a local cluster is made so: `LOCAL_SETTINGS`). On a
daemonic worker the files are read in the worker's thread (no wall-time limit, and a crash
takes the worker).

A worker that dies all the same (its own memory limit, a lost machine) is Dask's to handle: its
nanny restarts it and the scheduler gives its tasks to others; a task that killed workers more
than `distributed.scheduler.allowed-failures` times comes back as KilledWorker: its files are
tried again one task each, and a file whose own task is killed is tried once more alone on the
cluster (Dask blames every task a dying worker held), so that only a file that kills workers by
itself is recorded unreadable.
"""

from __future__ import annotations

import itertools
import multiprocessing
import re
import secrets
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from .. import limits
from ..model import Record
from ..store import Rows, to_rows
from . import work as _work
from .local import run_local_rows
from .work import Task

CHUNK = 8
CHUNKS_PER_THREAD = 2
CONNECT_SECONDS = 20
# A local cluster (and docs/scale.md's deployment): workers that may start the child processes
# files are read in; a task that killed two workers is given up; a worker holds only the tasks
# it runs (the rest wait at the scheduler), so that a dying worker takes no bystander's second
# chance with it.
LOCAL_SETTINGS = {"distributed.worker.daemon": False, "distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}
_LOCAL = re.compile(r"^local(?::(\d+))?$")
KILLED = "读取此文件时集群的工作进程两次意外退出（可能是文件触发了PDF或OCR组件的缺陷，或超过工作进程的内存限制），请把此文件报告给 gongkai 开发者"


class ClusterError(RuntimeError):
    """The cluster cannot be used (the message says why, in Chinese)."""


def read_on_worker(tasks: list[Task], bounds: dict[str, float]) -> list[Rows]:
    """The work step of a Dask task: its files read and checked within the caller's limits, each
    in a child process when this worker may have children (see the module docstring), and
    turned into the rows the store writes."""
    limits.configure(**bounds)
    if multiprocessing.current_process().daemon:
        return [to_rows(_work.work(task), task.sha256) for task in tasks]
    read = {id(task): rows for task, rows in run_local_rows(tasks, 1)}
    return [read[id(task)] for task in tasks]


def _client(address: str, stack: ExitStack) -> Any:
    try:
        import dask
        import distributed
    except ImportError as error:
        raise ClusterError("使用 --cluster 需要安装 Dask：pip install 'gongkai[cluster]'（即 dask[distributed]）") from error
    dist: Any = distributed  # partly typed: its calls are Any at this boundary
    local = _LOCAL.match(address)
    try:
        if local is not None:
            workers = int(local.group(1) or 0) or None
            stack.enter_context(dask.config.set(LOCAL_SETTINGS))
            cluster = stack.enter_context(dist.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None))
            return stack.enter_context(dist.Client(cluster))
        if not re.match(r"^(tcp|tls|ucx|inproc)://", address):
            raise ClusterError(f"不认识的集群地址“{address}”：应为 tcp://主机:端口（dask scheduler 的地址）或 local、local:N")
        return stack.enter_context(dist.Client(address, timeout=f"{CONNECT_SECONDS}s"))
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"无法连接 Dask 调度器 {address}（{CONNECT_SECONDS}秒内未响应）：请先启动 dask scheduler 和 dask worker，并检查地址与端口") from error


def run_cluster(tasks: Sequence[Task], address: str, waiting: Callable[[], None] | None = None) -> Iterator[tuple[Task, Rows]]:
    """(task, the rows of its record) for every task, as they finish on the cluster at `address` (tcp://… or
    local[:N]). `waiting` is called at least once a second (the committer stores what it
    holds). Raises ClusterError before any task when the cluster cannot be used."""
    if not tasks:
        return
    import distributed

    wait: Any = distributed.wait
    bounds = {name: float(getattr(limits.current(), name)) for name in limits.Limits.names()}
    chunks: deque[list[Task]] = deque(list(tasks[i : i + CHUNK]) for i in range(0, len(tasks), CHUNK))
    with ExitStack() as stack:
        client = _client(address, stack)
        run, counter = secrets.token_hex(4), itertools.count()
        owner: dict[Any, list[Task]] = {}
        suspects: deque[Task] = deque()  # files whose own task killed workers: each tried again alone
        alone: Task | None = None
        while chunks or owner or suspects:
            if suspects and not owner:  # nothing else runs, so only this file can be blamed
                alone = suspects.popleft()
                owner[client.submit(read_on_worker, [alone], bounds, pure=False, key=f"gongkai-read-{run}-{next(counter)}")] = [alone]
            window = max(1, sum(client.nthreads().values())) * CHUNKS_PER_THREAD  # workers may come and go
            while chunks and not suspects and alone is None and len(owner) < window:
                chunk = chunks.popleft()
                owner[client.submit(read_on_worker, chunk, bounds, pure=False, key=f"gongkai-read-{run}-{next(counter)}")] = chunk
            try:
                done, _ = wait(list(owner), timeout=1.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            if waiting is not None:
                waiting()
            for future in done:
                chunk = owner.pop(future)
                killed = future.status != "finished" and type(future.exception()).__name__ == "KilledWorker"
                if future.status == "finished":
                    yield from zip(chunk, future.result(), strict=True)
                elif killed and len(chunk) > 1:
                    chunks.extendleft([task] for task in reversed(chunk))  # which file was it? one task each
                elif killed and chunk[0] is not alone:
                    # Dask blames every task a dying worker held: this one may only have been there.
                    suspects.append(chunk[0])
                else:
                    yield from ((task, to_rows(_failed(task, future.exception()), task.sha256)) for task in chunk)
                if chunk[0] is alone:
                    alone = None
                future.release()


def _failed(task: Task, error: BaseException) -> Record:
    if type(error).__name__ == "KilledWorker":
        return _work.crashed(task, KILLED)
    return _work.crashed(task, f"在集群上读取时出错（{type(error).__name__}），请把此文件报告给 gongkai 开发者")
