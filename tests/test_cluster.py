"""`gongkai ingest --cluster` on a real Dask cluster (issue 13): a `dask scheduler` and two
`dask worker` processes started here on localhost, as a deployment runs them; 2 000 generated
reports ingested through them give the same database as a plain local ingest, table by table,
row for row; a file that kills the workers that read it is recorded unreadable and the batch
goes on; a cluster that cannot be reached is a Chinese message, not a traceback.

Rows are compared by what they are, not by the order they were stored: a report's id becomes
its content hash, timestamps and the store's change counter are left out. The generated
agencies' names carry no typo (which of two spellings is seen first decides which founds the
agency, with several local workers as on a cluster)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_module

from gongkai import limits
from gongkai.pipeline.cluster import read_on_worker
from gongkai.pipeline.work import Task
from synth.generate import agency_series, write_reports

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
REPORTS = 2000
TEXTS = ("text-tabs", "text-markdown", "text-cells", "text-layout")
LEFT_OUT = {"seen_at", "ingested_at", "applied_at"}  # when, not what
BY_REPORT = {"report_id", "other_report_id"}
DASK = Path(sys.executable).with_name("dask")
CI_SCHEDULER = "GONGKAI_TEST_DASK_SCHEDULER"  # set by .ci/run, which starts the cluster itself
# As docs/scale.md tells a deployment to start the scheduler and workers (see gongkai.pipeline.cluster).
DEPLOYMENT_SETTINGS = {
    "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
    "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
    "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
}


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a `dask scheduler` with two `dask worker` processes (one thread each): the
    one `.ci/run` started (GONGKAI_TEST_DASK_SCHEDULER), else started here and stopped after."""
    given = os.environ.get(CI_SCHEDULER)
    if given:
        _wait_for_workers(given, 2)
        yield given
        return
    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    env = {**os.environ, **DEPLOYMENT_SETTINGS, "PYTHONPATH": os.pathsep.join((str(Path(__file__).parent), str(ROOT)))}  # the test plugin
    started = [
        subprocess.Popen([str(DASK), "scheduler", "--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(file)],
                         env=env, stdout=subprocess.DEVNULL, stderr=(folder / "scheduler.log").open("w"), start_new_session=True),
    ]  # fmt: skip
    try:
        for _ in range(300):
            if file.exists() and file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(file.read_text())["address"]
        for n in range(2):
            log = (folder / f"worker{n}.log").open("w")
            started.append(
                subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1", "--dashboard-address", ":0", "--local-directory", str(folder / f"w{n}")],
                                 env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
            )  # fmt: skip
        _wait_for_workers(address, 2)
        yield address
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _wait_for_workers(address: str, count: int) -> None:
    with distributed.Client(address, timeout="30s") as client:
        client.wait_for_workers(count, timeout=120)


def table_rows(db: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every table's rows, as a multiset, with report ids replaced by content hashes and
    timestamps, finding ids and the change counter left out."""
    connection = sqlite3.connect(db)
    try:
        sha_of = dict(connection.execute("SELECT id, sha256 FROM reports"))
        out: dict[str, Counter[tuple[Any, ...]]] = {}
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
            if table == "store_version":
                continue
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            rows: Counter[tuple[Any, ...]] = Counter()
            for row in cursor:
                kept = []
                for name, value in zip(names, row, strict=True):
                    if name in LEFT_OUT or (table == "findings" and name == "id"):
                        continue
                    kept.append(sha_of.get(value, value) if name in BY_REPORT or (table == "reports" and name == "id") else value)
                rows[tuple(kept)] += 1
            out[table] = rows
        return out
    finally:
        connection.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    specs = list(agency_series(13, agencies=REPORTS // 4, typo_rate=0.0, prefix_rate=0.0))
    written = write_reports(specs, folder, TEXTS)
    assert len(written) == REPORTS
    return folder


def test_cluster_ingest_equals_local_ingest(scheduler: str, reports: Path, tmp_path: Path) -> None:
    local, clustered = tmp_path / "local.db", tmp_path / "cluster.db"
    plain = run_module("ingest", reports, "--db", local, "--workers", "2", "--format", "json")
    assert plain.returncode == 0, plain.stderr
    through = run_module("ingest", reports, "--db", clustered, "--cluster", scheduler, "--format", "json")
    assert through.returncode == 0, through.stderr
    summary = json.loads(through.stdout)
    assert summary == json.loads(plain.stdout)
    assert summary["files"] == summary["new"] == REPORTS and summary["unreadable"] == 0
    expected, got = table_rows(local), table_rows(clustered)
    assert set(got) == set(expected)
    for table in expected:
        assert got[table] == expected[table], table
    assert sum(expected["reports"].values()) == REPORTS and sum(expected["cells"].values()) > REPORTS * 100

    again = run_module("ingest", reports, "--db", clustered, "--cluster", scheduler, "--format", "json")
    assert json.loads(again.stdout)["unchanged"] == REPORTS  # idempotent by hash: nothing read again


class KillOn(distributed.WorkerPlugin):  # type: ignore[misc]
    """A worker plugin (test only): reading one file kills the process reading it, as a native
    crash in a PDF library would — the child process a worker reads it in (`where="child"`), or
    the Dask worker itself (`where="worker"`, as when the worker runs out of memory)."""

    def __init__(self, path: str, where: str) -> None:
        self.path, self.where = path, where

    def setup(self, worker: Any) -> None:
        import gongkai.pipeline.cluster as cluster
        import gongkai.pipeline.work as work

        path = self.path
        if self.where == "child":
            original_work = work.work

            def dying(task: Task) -> Any:
                if task.path == path:
                    os._exit(9)
                return original_work(task)

            work.work = dying  # type: ignore[assignment]
        else:
            original_run = cluster.run_local_rows

            def dying_worker(tasks: list[Task], workers: int = 1) -> Any:
                if any(task.path == path for task in tasks):
                    os._exit(9)
                return original_run(tasks, workers)

            cluster.run_local_rows = dying_worker  # type: ignore[assignment]


@pytest.mark.parametrize(("where", "words"), [("child", "读取进程意外退出"), ("worker", "集群的工作进程两次意外退出")])
def test_a_file_that_kills_its_reader_is_recorded_unreadable_and_the_rest_is_read(where: str, words: str, scheduler: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_reports(list(agency_series(14, agencies=6, years=(2023, 2024), typo_rate=0.0, prefix_rate=0.0)), folder, ("text-tabs",))
    victim = str(sorted(folder.rglob("*.txt"))[2].resolve())
    with distributed.Client(scheduler) as client:
        client.register_plugin(KillOn(victim, where), name="kill-on")
        try:
            db = tmp_path / "cluster.db"
            result = run_module("ingest", folder, "--db", db, "--cluster", scheduler, "--format", "json")
            summary = json.loads(result.stdout)
            assert (summary["files"], summary["new"], summary["unreadable"]) == (12, 11, 1), result.stderr
            connection = sqlite3.connect(db)
            (status, message), *_ = connection.execute("SELECT status, message FROM files WHERE path = ?", (victim,))
            assert status == "unreadable" and words in message
        finally:
            client.unregister_worker_plugin("kill-on")
    _wait_for_workers(scheduler, 2)  # the nannies restarted the killed workers


def test_the_work_step_runs_with_the_callers_limits(tmp_path: Path) -> None:
    """A Dask task applies the limits the ingest was given (here in this process, whose own
    limits are restored afterwards), reads each file in a child process and returns the rows
    the store writes."""
    sample = ROOT / "samples" / "2023_赣州市.txt"
    saved = {name: getattr(limits.current(), name) for name in limits.Limits.names()}
    try:
        refused, read = read_on_worker([Task("", str(sample)), Task("", str(sample))], {"seconds_per_file": 60.0, "file_bytes": 100})
        assert refused.record.notes.fatal and [f.rule for f in refused.record.findings] == ["unreadable"] and read.record.notes.fatal
        (again,) = read_on_worker([Task("", str(sample))], {"file_bytes": 10_000_000})
        assert again.record.agency == "赣州市" and len(again.cells) > 100 and json.loads(again.record_json)["agency"] == "赣州市"
    finally:
        limits.configure(**saved)


@pytest.mark.parametrize(
    ("address", "words"),
    [("tcp://127.0.0.1:9", "无法连接 Dask 调度器"), ("http://example", "不认识的集群地址")],
)
def test_an_unusable_cluster_is_explained(address: str, words: str, reports: Path, tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(next(reports.rglob("*.txt")), one)
    result = run_module("ingest", one, "--db", tmp_path / "x.db", "--cluster", address)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr


def test_a_local_cluster_gives_the_same_database(tmp_path: Path) -> None:
    """`--cluster local:2`: a LocalCluster of two worker processes made for the run."""
    folder = tmp_path / "in"
    write_reports(list(agency_series(15, agencies=10, years=(2023, 2024), typo_rate=0.0, prefix_rate=0.0)), folder, TEXTS)
    local, clustered = tmp_path / "local.db", tmp_path / "cluster.db"
    assert run_module("ingest", folder, "--db", local, "--workers", "2").returncode == 0
    result = run_module("ingest", folder, "--db", clustered, "--cluster", "local:2", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["new"] == 20
    assert table_rows(clustered) == table_rows(local)
