"""Ingest: plan → work → commit, then the cross-year pass.

- `plan` hashes the input files and asks the store what it already holds (nothing is read);
- `work` reads and checks one file — pure, so it runs in any process or on any machine: in local
  worker processes (`run_local`) or as Dask tasks on a cluster (`cluster.run_cluster`);
- `Committer` stores the results in batches, one transaction each;
- `refresh_cross_year` compares each touched agency's reports with the year before.

A file whose content is stored by the same parser version is unchanged; one stored by an older
parser is read again and replaced; a path whose content changed drops its old content's report.
Every path gets a row in `files`, so nothing is silently lost (a worker that crashes costs only
the file it was reading), and running the same command again after an interruption completes
the work. Each file is read in a worker process within the limits of `gongkai.limits` (wall time,
memory, sizes), and results are stored as they finish, so a slow file never holds the others
(with one worker, that is the order of the files).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..store import Store
from .cluster import ClusterError, run_cluster
from .commit import BATCH, Committer, IngestSummary, Progress
from .crossyear import CROSS_YEAR_RULES, check_with_store, placed_in_table_two, previous_of, refresh_cross_year, rereadings
from .local import default_workers, run_local, run_local_rows
from .plan import FileNote, Plan, file_hash, plan
from .work import Task

__all__ = [
    "BATCH", "CROSS_YEAR_RULES", "ClusterError", "Committer", "FileNote", "IngestSummary", "Plan", "Progress", "Task",
    "check_with_store", "default_workers", "file_hash", "ingest", "plan", "previous_of", "refresh_cross_year",
    "run_cluster", "run_local", "run_local_rows",
]  # fmt: skip


def ingest(store: Store, paths: Iterable[str], workers: int = 1, progress: Progress | None = None, cluster: str | None = None) -> IngestSummary:
    """Store every file below `paths` (see the module docstring); paths are stored absolute.
    With `cluster` (tcp://scheduler:port or local[:N]) the files are read on that Dask cluster,
    else in `workers` local processes; ClusterError when the cluster cannot be used."""
    todo = plan(store, paths)
    committer = Committer(store, todo, progress)
    committer.notes()
    results = run_cluster(todo.tasks, cluster, committer.flush_if_due) if cluster else run_local_rows(todo.tasks, workers, committer.flush_if_due)
    try:
        for task, record in results:
            committer.add(task, record)
    finally:
        committer.finish()  # what was read before an interruption is kept
    stale = committer.stale | store.agency_keys_of(committer.stored)
    committer.summary.settled_by_last_year = _reread_with_last_year(store, stale, workers)
    committer.summary.cross_year = refresh_cross_year(store, stale)
    return committer.summary


def _reread_with_last_year(store: Store, keys: set[str], workers: int) -> int:
    """Read again, with the year before, the reports whose table 二 it may settle; store those it
    did settle (a content changed on disk meanwhile is left as stored). How many were stored."""
    settled = 0
    todo = rereadings(store, keys)
    placed = {task.sha256: count for task, count in todo}
    for task, record in run_local([task for task, _ in todo], workers):
        if record.source.sha256 != task.sha256 or placed_in_table_two(record) <= placed[task.sha256]:
            continue
        store.save(record, task.path, sha256=task.sha256)
        settled += 1
    return settled
