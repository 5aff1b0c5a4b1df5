"""Time `gongkai ingest` and measure the database it builds; print what was measured.

    python bench/bench_ingest.py [--reports 1000] [--pg postgresql://…] [--renderings mixed|text]

Generates the reports first (agencies over four years, one cross-year inconsistency planted in
about half of them, rendered in turn as text, DOCX and HTML: see synth.generate), then ingests
the folder with 1 and with 2 worker processes into fresh SQLite files, and into fresh PostgreSQL
databases when a server is given (--pg, else GONGKAI_TEST_PG_URL, else the local default) and
answers. Each ingest is a full run: hashing, reading, checking, storing, the cross-year pass.
The SQLite size is the file after the run (its WAL checkpointed), per 1 000 reports stored.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from gongkai.pipeline import IngestSummary, ingest
from gongkai.store import Store, database_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
from synth.generate import RENDERINGS, planted_series, write_reports

PG_DEFAULT = "postgresql://gongkai:gongkai@127.0.0.1:5432/gongkai_test"
TEXT_RENDERINGS = ("text-tabs", "text-markdown", "text-cells", "text-layout")


def pg_server(explicit: str | None) -> str | None:
    url = explicit or os.environ.get("GONGKAI_TEST_PG_URL") or PG_DEFAULT
    try:
        engine = create_engine(database_url(url), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:  # noqa: BLE001  (no server: the PostgreSQL rows are left out)
        return None
    return url


class PgDatabase:
    """A PostgreSQL database made for one run and dropped afterwards."""

    def __init__(self, server: str) -> None:
        self.admin = create_engine(database_url(server), isolation_level="AUTOCOMMIT")
        self.name = f"gongkai_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = server.rsplit("/", 1)[0] + "/" + self.name

    def size(self) -> int:
        with self.admin.connect() as connection:
            return int(connection.scalar(text("SELECT pg_database_size(:n)"), {"n": self.name}) or 0)

    def drop(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def run(url: str, folder: Path, workers: int) -> tuple[IngestSummary, float, int]:
    """One full ingest: summary, seconds, reports stored."""
    start = time.perf_counter()
    with Store(url) as store:
        summary = ingest(store, [str(folder)], workers)
        reports = store.counts()["reports"]
    return summary, time.perf_counter() - start, reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000, help="how many reports to generate (default 1000)")
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL (a database is created on it per run)")
    parser.add_argument("--renderings", choices=("mixed", "text"), default="mixed", help="mixed: every rendering in turn; text: text only")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gongkai-bench-ingest-"))
    try:
        renderings = tuple(RENDERINGS) if args.renderings == "mixed" else TEXT_RENDERINGS
        start = time.perf_counter()
        specs, plants = planted_series(1, agencies=max(1, args.reports // 4))
        written = write_reports(specs[: args.reports], workdir / "reports", renderings)
        megabytes = sum(p.stat().st_size for p in written) / 1e6
        print(f"gongkai ingest benchmark — Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
        print(
            f"{len(written)} generated reports ({len(renderings)} renderings in turn, {megabytes:.1f} MB, "
            f"{len(plants)} cross-year plants), made in {time.perf_counter() - start:.1f} s"
        )
        print()
        print(f"{'backend':<11}{'workers':>8}{'seconds':>10}{'files/s':>10}   summary")
        server = pg_server(args.pg)
        sqlite_size: tuple[int, int] | None = None
        for workers in (1, 2):
            url = str(workdir / f"w{workers}.db")
            summary, seconds, reports = run(url, workdir / "reports", workers)
            print(f"{'SQLite':<11}{workers:>8}{seconds:>10.1f}{summary.files / seconds:>10.1f}   {summary.line()}")
            sqlite_size = (os.path.getsize(url), reports)
            if server is not None:
                database = PgDatabase(server)
                try:
                    summary, seconds, reports = run(database.url, workdir / "reports", workers)
                    print(f"{'PostgreSQL':<11}{workers:>8}{seconds:>10.1f}{summary.files / seconds:>10.1f}   {summary.line()}")
                    pg_size = (database.size(), reports)
                finally:
                    database.drop()
        if server is None:
            print("PostgreSQL: no server answered (give --pg URL or set GONGKAI_TEST_PG_URL); left out")
        print()
        assert sqlite_size is not None
        size, reports = sqlite_size
        print(f"SQLite file: {size / 1e6:.1f} MB for {reports} reports = {size / reports * 1000 / 1e6:.1f} MB per 1 000 reports")
        if server is not None:
            size, reports = pg_size
            print(f"PostgreSQL database: {size / 1e6:.1f} MB for {reports} reports = {size / reports * 1000 / 1e6:.1f} MB per 1 000 reports (pg_database_size, includes the empty database's ~7 MB)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
