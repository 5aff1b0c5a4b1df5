"""The cross-year pass over a store: time per report, and its findings, on SQLite and PostgreSQL.

    python bench/crossyear.py [--reports 4000] [--pg URL | --no-pg] [--profile]

`--reports` distinct reports (agencies × 4 years, generated and read by gongkai; bench/web.py's
pool) are stored with `Store.save_many`, as ingest stores them; then `refresh_cross_year` is
timed over every agency (as a first ingest's pass runs over the agencies it touched), and once
more over a tenth of them (a later ingest that touched a few). Prints ms per report and how many
findings of each cross-year rule were written. `--profile` prints where the full pass spends
its time (cProfile, top 15 by cumulative time).

Prints what it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_ingest import PgDatabase, pg_server
from sqlalchemy import text
from web import agency_names_for, make_pool, register_agencies, variants

from gongkai.pipeline import refresh_cross_year
from gongkai.store import Store


def rule_counts(store: Store) -> str:
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT rule, count(*) FROM findings WHERE other_report_id IS NOT NULL GROUP BY rule ORDER BY rule"))
        return ", ".join(f"{rule} {count}" for rule, count in rows) or "none"


def agency_keys(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return [str(key) for key in connection.scalars(text("SELECT DISTINCT agency_key FROM reports WHERE agency_key IS NOT NULL ORDER BY 1"))]


def run(url: str, label: str, reports: int, profile: bool) -> None:
    names = agency_names_for(max(1, reports // 4), 1)
    pool = make_pool(400, 1)
    with Store(url) as store:
        register_agencies(store, names)
        everything = variants(pool, names, 1)
        items = [next(everything) for _ in range(reports)]
        for at in range(0, len(items), 250):
            store.save_many(items[at : at + 250])
        keys = agency_keys(store)
        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        count = refresh_cross_year(store, keys)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
        print(
            f"{label:10} every agency ({len(keys)}): {seconds:6.2f} s, {seconds * 1000 / reports:5.3f} ms per report, {count} findings ({rule_counts(store)})",
            flush=True,
        )
        some = keys[::10]
        start = time.perf_counter()
        refresh_cross_year(store, some)
        seconds = time.perf_counter() - start
        print(f"{label:10} a tenth ({len(some)} agencies): {seconds:6.2f} s, {seconds * 1000 / (4 * len(some)):5.3f} ms per report", flush=True)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=4000, help="stored reports (default 4000)")
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL (a database is created and dropped)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--profile", action="store_true", help="where the pass spends its time")
    args = parser.parse_args()
    print(f"cross-year pass — {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {args.reports} reports", flush=True)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-crossyear-") as folder:
        run(str(Path(folder) / "crossyear.db"), "SQLite", args.reports, args.profile)
    server = None if args.no_pg else pg_server(args.pg)
    if server:
        database = PgDatabase(server)
        try:
            run(database.url, "PostgreSQL", args.reports, args.profile)
        finally:
            database.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
