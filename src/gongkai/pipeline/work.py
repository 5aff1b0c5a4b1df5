"""The middle step of ingest: read and check one file. Pure — it touches no database and no
shared state — so any process (a local worker, a Dask worker on another machine) can run it."""

from __future__ import annotations

from dataclasses import dataclass

from ..api import check
from ..check import run_rules
from ..files import path_text
from ..model import Record


@dataclass(frozen=True)
class Task:
    """One content to read: its hash and the path it is read from (picklable), and the agency's
    report of the year before when a second reading asks for it (see `parse.parse`)."""

    sha256: str
    path: str
    previous: Record | None = None


def work(task: Task) -> Record:
    """The checked record of one file (single-report rules). Never raises: a reader bug costs
    this file only, as an unreadable record that says so."""
    try:
        return check(task.path, task.previous)
    except Exception as error:  # noqa: BLE001 — a reader bug must cost one file, not the batch
        return crashed(task, f"读取时发生内部错误（{type(error).__name__}），请把此文件报告给 gongkai 开发者")


def crashed(task: Task, reason: str) -> Record:
    """The record of a file whose reading failed outside the reader (a worker process died…)."""
    return run_rules(Record.unreadable(path_text(task.path), reason))
