"""`gongkai stats` over a million stored reports: time and peak memory of the grouped tables.

1. `--base` distinct reports (generated, read by gongkai, with their findings) are stored with
   `Store.save_many`, as ingest stores them.
2. The store is grown to `--reports` by copying them in SQL: each copy of a report is a report of
   another agency (its agency key and content hash get the copy's number; region and year are
   kept), with its summary row and findings. Cells and the record JSON are not copied (the
   grouped tables do not read them; the copies' record JSON is "{}"), so the database is
   smaller than a real one of that size: the figures are those of the queries, not of a
   cold cache over 200 million cell rows.
3. `gongkai stats --by …` is run as a command (a fresh process per grouping): seconds, its
   peak resident memory, and the number of rows it printed.

Run: python bench/stats.py --reports 1000000 --pg postgresql://user:pw@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_ingest import PgDatabase, pg_server
from sqlalchemy import text
from web import agency_names_for, make_pool, register_agencies, variants

from gongkai.store import Store

GROUPINGS = "year;region;region,year;agency;report"


def grow(store: Store, copies: int) -> None:
    """Copy every stored report `copies` times, in a few INSERT … SELECT statements."""
    dialect = store.dialect
    with store.engine.begin() as connection:
        top = int(connection.scalar(text("SELECT max(id) FROM reports")) or 0)
        numbers = f"WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {copies})"
        as_text = "CAST(k.n AS TEXT)"
        connection.execute(
            text(
                f"{numbers} INSERT INTO documents (sha256, media_type, size, pages, status, parser_version, ingested_at) "
                f"SELECT substr(d.sha256, 1, 50) || '-' || {as_text}, d.media_type, d.size, d.pages, d.status, d.parser_version, d.ingested_at "
                "FROM documents d JOIN reports r ON r.sha256 = d.sha256 CROSS JOIN k"
            )
        )
        connection.execute(
            text(
                f"{numbers} INSERT INTO reports (id, sha256, path, agency, agency_key, region, year, template, published, errors, warnings, infos, "
                "parser_version, record_json) "
                f"SELECT r.id + k.n * {top}, substr(r.sha256, 1, 50) || '-' || {as_text}, r.path || '#' || {as_text}, r.agency || '#' || {as_text}, "
                f"r.agency_key || '#' || {as_text}, r.region, r.year, r.template, r.published, r.errors, r.warnings, r.infos, r.parser_version, '{{}}' "
                "FROM reports r CROSS JOIN k"
            )
        )
        columns = [row[0] for row in connection.execute(text("SELECT * FROM report_summaries LIMIT 0")).cursor.description]
        rest = ", ".join(c for c in columns if c != "report_id")
        connection.execute(
            text(f"{numbers} INSERT INTO report_summaries (report_id, {rest}) SELECT s.report_id + k.n * {top}, {rest} FROM report_summaries s CROSS JOIN k")
        )
        kept = "rule, code, severity, message, tbl, row, col, location_json, expected, actual"
        connection.execute(
            text(
                f"{numbers} INSERT INTO findings (report_id, {kept}, other_report_id) "
                f"SELECT f.report_id + k.n * {top}, {kept}, CASE WHEN f.other_report_id IS NULL THEN NULL ELSE f.other_report_id + k.n * {top} END "
                "FROM findings f CROSS JOIN k"
            )
        )
        if dialect == "postgresql":
            connection.execute(text("SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT max(id) FROM reports))"))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def run_stats(url: str, by: str) -> tuple[float, int, int]:
    """`gongkai stats --by` in a fresh process: seconds, peak resident KiB, rows printed."""
    command = [sys.executable, "-c", "import resource, sys; from gongkai.cli import main; "
               "sys.argv = ['gongkai'] + sys.argv[1:]\ntry:\n    main()\nfinally:\n"
               "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
               "stats", "--db", url, "--by", by, "--format", "csv"]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"gongkai stats --by {by} failed: {done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]), max(0, len(done.stdout.splitlines()) - 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="stored reports after growing (default 100 000)")
    parser.add_argument("--base", type=int, default=2000, help="distinct reports stored by save_many (default 2000)")
    parser.add_argument("--by", default=GROUPINGS, help=f"the groupings run, separated by ';' (default {GROUPINGS})")
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL (a database is created and dropped); SQLite without it")
    args = parser.parse_args()
    server = pg_server(args.pg) if args.pg else None
    database = PgDatabase(server) if server else None
    folder = Path(tempfile.mkdtemp(prefix="gongkai-bench-stats-"))
    url = database.url if database else str(folder / "stats.db")
    print(f"gongkai stats benchmark — {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"{'PostgreSQL' if database else 'SQLite'}", flush=True)  # fmt: skip
    try:
        names = agency_names_for(max(1, args.base // 4), 1)
        pool = make_pool(400, 1)
        with Store(url) as store:
            register_agencies(store, names)
            everything = variants(pool, names, 1)
            items = [next(everything) for _ in range(args.base)]
            start = time.perf_counter()
            for at in range(0, len(items), 250):
                store.save_many(items[at : at + 250])
            print(f"   stored {len(items)} distinct reports in {time.perf_counter() - start:.1f} s", flush=True)
            start = time.perf_counter()
            copies = max(0, -(-args.reports // len(items)) - 1)
            if copies:
                grow(store, copies)
            counts = store.counts()
            print(f"   grown to {counts['reports']} reports, {counts['findings']} findings in {time.perf_counter() - start:.1f} s", flush=True)
        for by in args.by.split(";"):
            seconds, peak, rows = run_stats(url, by)
            print(f"   gongkai stats --by {by:12} {seconds:6.1f} s   peak {peak / 1024:5.0f} MiB   {rows} rows", flush=True)
    finally:
        if database is not None:
            database.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
