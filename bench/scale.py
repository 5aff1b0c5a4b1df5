"""National scale: where an ingest's time goes, and how it grows — the figures docs/scale.md projects from.

    python bench/scale.py [--reports 400] [--growth 1000,10000] [--pg URL | --no-pg] [--no-cluster]

1. Read + check per report by format: generated reports (synth.generate) written as text (tabs,
   pdftotext-style layout), DOCX and HTML; `gongkai.check` on each, ms per report (median).
2. Throughput end to end (`gongkai ingest` in a subprocess, hashing, reading, checking,
   committing to a fresh SQLite file, cross-year pass) of `--reports` text reports: 1 and 2
   local workers, `--cluster local:2`, and through a real `dask scheduler` with two `dask
   worker` processes started here (as docs/scale.md deploys them). Reports/s, and the peak
   memory (resident) of the ingest process, the scheduler and each worker; for the local runs,
   reports per CPU-second (the CPU time of the ingest and its worker processes, start-up
   included): the throughput per core whatever else shares the machine.
3. Commit alone: records read once (bench/web.py's pool) and turned into rows (as the workers
   do), then `Store.save_many` in batches of 32 (as ingest commits), into SQLite and
   PostgreSQL: the single writer's reports/s and cell rows/s, database size per 1 000 reports.
4. Growth: the commit rate measured at each size of `--growth` (the store holding that many
   reports), to see whether storing stays linear as the tables grow.
5. Clients: the reports of 2. ingested into one PostgreSQL database by one `gongkai ingest`, then
   by two at once (each half of the agencies): how the rate grows with a second client.

Prints what it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import PgDatabase, pg_server
from web import agency_names_for, make_pool, register_agencies, variants

import gongkai
from gongkai.model import Record
from gongkai.store import Store, to_rows
from synth.generate import agency_series, write_reports

FORMATS = {"text (tabs)": "text-tabs", "text (layout)": "text-layout", "DOCX": "docx", "HTML": "html-utf8"}
TEXTS = ("text-tabs", "text-markdown", "text-cells", "text-layout")
DASK = Path(sys.executable).with_name("dask")
DEPLOYMENT = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1", "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0", "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}


def peak_kib(pid: int) -> int:
    """The peak resident memory (VmHWM) of a running process, KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def read_cost(folder: Path, per_format: int) -> None:
    print("1. read + check, ms per report (median)")
    for name, rendering in FORMATS.items():
        specs = list(agency_series(31, agencies=max(1, per_format // 4), years=(2021, 2022, 2023, 2024)))
        written = write_reports(specs, folder / rendering, (rendering,))
        paths = sorted(written)
        for path in paths[:3]:
            gongkai.check(path)  # warm: imports, caches
        times = []
        for path in paths:
            start = time.perf_counter()
            gongkai.check(path)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        print(f"   {name:14} {median:7.1f} ms   ({len(paths)} reports; {1000 / median:5.0f} reports/s on one core)", flush=True)


def ingest_run(folder: Path, db: Path, *extra: str) -> tuple[float, int, int, float]:
    """One `gongkai ingest` in a subprocess: seconds, reports new, its peak resident memory (KiB),
    and the CPU seconds (user + system) of the process and of the worker processes it reaped."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "gongkai", "ingest", str(folder), "--db", str(db), "--format", "json", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    assert process.stdout is not None
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)  # reaped here, for its own resource usage
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"ingest {' '.join(extra)} failed ({process.returncode})")
    return seconds, int(json.loads(out)["new"]), usage.ru_maxrss, usage.ru_utime + usage.ru_stime


@contextmanager
def dask_cluster(folder: Path) -> Iterator[tuple[str, list[int]]]:
    """A `dask scheduler` and two `dask worker` processes on localhost: its address, their pids."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "scheduler.json"
    env = {**os.environ, **DEPLOYMENT}
    started = [subprocess.Popen([str(DASK), "scheduler", "--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(file)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]  # fmt: skip
    try:
        for _ in range(600):
            if file.exists() and file.stat().st_size:
                break
            if started[0].poll() is not None:
                raise SystemExit("dask scheduler did not start")
            time.sleep(0.1)
        address = json.loads(file.read_text())["address"]
        for n in range(2):
            started.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1", "--dashboard-address", ":0",
                                             "--local-directory", str(folder / f"w{n}")],
                                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))  # fmt: skip
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
            worker_pids = list(client.run(os.getpid).values())
        yield address, [started[0].pid, *worker_pids]
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            process.wait(timeout=30)


def throughput(folder: Path, reports: int, cluster: bool) -> None:
    print(f"2. gongkai ingest of {reports} text reports into a fresh SQLite file (end to end, incl. commit and cross-year pass)")
    specs = list(agency_series(32, agencies=max(1, reports // 4), typo_rate=0.0, prefix_rate=0.0))
    source = folder / "in"
    write_reports(specs, source, TEXTS)
    runs: list[tuple[str, tuple[str, ...]]] = [("1 local worker", ("--workers", "1")), ("2 local workers", ("--workers", "2"))]
    if cluster:
        runs.append(("--cluster local:2", ("--cluster", "local:2")))
    for name, extra in runs:
        seconds, new, peak, cpu = ingest_run(source, folder / f"{name.replace(' ', '_')}.db", *extra)
        per_core = f"; {new / cpu:.0f} reports per CPU-second" if not extra[0].startswith("--cluster") else ""
        print(f"   {name:22} {new / seconds:6.1f} reports/s   ({seconds:.1f} s; ingest process peak {peak / 1024:.0f} MiB{per_core})", flush=True)
    if cluster:
        with dask_cluster(folder / "dask") as (address, pids):
            seconds, new, peak, _cpu = ingest_run(source, folder / "scheduler.db", "--cluster", address)
            peaks = [peak_kib(pid) / 1024 for pid in pids]
        print(f"   {'dask scheduler + 2 workers':22} {new / seconds:6.1f} reports/s   ({seconds:.1f} s; peak MiB: client {peak / 1024:.0f}, "
              f"scheduler {peaks[0]:.0f}, workers {', '.join(f'{p:.0f}' for p in peaks[1:])})", flush=True)  # fmt: skip


def clients(folder: Path, server: str) -> None:
    """One `gongkai ingest` into a PostgreSQL database, then two at once into another, each given
    half of the agencies' folders (as two clients would split a national corpus by province)."""
    print("5. ingest clients into one PostgreSQL database (1 local worker each; end to end, incl. the cross-year pass)")
    source = folder / "in"
    halves = [sorted(source.iterdir())[part::2] for part in range(2)]
    total = sum(1 for _ in source.rglob("*") if _.is_file())
    for count in (1, 2):
        database = PgDatabase(server)
        try:
            parts = [[source]] if count == 1 else halves
            start = time.perf_counter()
            running = [subprocess.Popen([sys.executable, "-m", "gongkai", "ingest", *map(str, part), "--db", database.url, "--workers", "1", "--format", "json"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for part in parts]  # fmt: skip
            new = 0
            for process in running:
                out, _ = process.communicate()
                if process.returncode != 0:
                    raise SystemExit(f"ingest client failed ({process.returncode})")
                new += int(json.loads(out)["new"])
            seconds = time.perf_counter() - start
            with Store(database.url) as store:
                stored = store.counts()["reports"]
            print(f"   {count} client{'s' if count > 1 else ' '}  {new / seconds:6.1f} reports/s together   ({seconds:.1f} s; {stored} of {total} reports stored)", flush=True)
        finally:
            database.drop()


def commit_rate(url: str, items: list[tuple[Record, str, int, str]]) -> tuple[float, float]:
    """Store `items` with save_many in batches of 32, as ingest commits them: turned into rows
    first (`to_rows`, which the workers do, untimed), so the time is the single writer's:
    reports/s, cell rows/s."""
    cells = sum(len(record.cell_values()) for record, *_ in items)
    prepared = [(to_rows(record, sha), path, size, sha) for record, path, size, sha in items]
    with Store(url) as store:
        start = time.perf_counter()
        for at in range(0, len(prepared), 32):
            store.save_many(prepared[at : at + 32])
        seconds = time.perf_counter() - start
    return len(items) / seconds, cells / seconds


def commits(folder: Path, sizes: list[int], pg: str | None) -> None:
    print("3–4. commit alone (Store.save_many of rows made by the workers, 32 a transaction): the last 1 000 reports stored up to each size")
    pool = make_pool(400, 1)
    names = agency_names_for(max(sizes) // 4 + 1, 1)
    for backend, server in [("SQLite", None)] + ([("PostgreSQL", pg)] if pg else []):
        database = PgDatabase(server) if server else None
        url = database.url if database else str(folder / "commit.db")
        everything = variants(pool, names, 1)
        stored = 0
        try:
            with Store(url) as store:
                register_agencies(store, names)
                for size in sizes:
                    untimed = [next(everything) for _ in range(max(0, size - 1000 - stored))]
                    for at in range(0, len(untimed), 250):
                        store.save_many(untimed[at : at + 250])
                    timed = [next(everything) for _ in range(size - stored - len(untimed))]
                    reports_s, cells_s = commit_rate(url, timed)
                    stored = size
                    if database is not None:
                        size_bytes = database.size()
                    else:
                        with store.engine.connect() as connection:
                            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                        size_bytes = Path(url).stat().st_size
                    print(f"   {backend:10} at {size:>7} reports: {reports_s:6.1f} reports/s, {cells_s:8.0f} cell rows/s; "
                          f"database {size_bytes / 1e6 / size * 1000:.1f} MB per 1 000 reports", flush=True)  # fmt: skip
        finally:
            if database is not None:
                database.drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=400, help="text reports ingested end to end (default 400)")
    parser.add_argument("--per-format", type=int, default=40, help="reports per format for the read cost (default 40)")
    parser.add_argument("--growth", default="1000,10000", help="store sizes at which the commit rate is measured (default 1000,10000)")
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL (a database is created and dropped)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-cluster", action="store_true", help="skip the Dask runs")
    args = parser.parse_args()
    print(f"gongkai scale benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        read_cost(folder / "formats", args.per_format)
        throughput(folder / "throughput", args.reports, not args.no_cluster)
        server = None if args.no_pg else pg_server(args.pg)
        commits(folder, [int(s) for s in args.growth.split(",")], server)
        if server:
            clients(folder / "throughput", server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
