"""Agency matching at scale: the cost of looking up a new printed name against 1 000 … 300 000 stored names.

    python bench/agencies.py [--sizes 1000,10000,100000,300000] [--lookups 300] [--pg URL]

Generated names — 省/市/区县 places × organs, distinct — are registered in bulk with their
blocking keys (`gongkai.store.agencies.add_blocks`) in a fresh SQLite file (and a PostgreSQL
database with --pg). Then `lookup` is timed for `--lookups` new names of three kinds: a stored
name with a slip in its organ (joins it, fuzzy), a stored name without its city (joins it), and a
name of a place not stored (a new agency). For the sizes up to 10 000 the lookup as it was before
the index (every stored name compared: `full scan`) is timed too. Issue 13's target: the cost per
lookup flat from 1 000 to 300 000 names. Prints what it measured; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.engine import Engine, make_url

from gongkai.store import database_url
from gongkai.store.agencies import add_blocks, fold_name, lookup, region_of, same_agency
from gongkai.store.schema import agencies, agency_names, migrate

CITIES = [a + b + "市" for a, b in itertools.product("东西南北中上下前后左右新老大小高平安长永", "阳江山河川州城林宁海丰源泉溪岭田桥")]
COUNTIES = [a + b + c for a, b, c in itertools.product("金银铜铁石木水火土青红白黄绿", "湖港坪塘岗湾洲渡", "区县")]
ORGANS = ["交通运输局", "行政服务中心管委会", "民政局", "财政局", "公共资源交易中心", "人民政府办公室", "文化广电新闻出版旅游局", "卫生健康委员会",
          "自然资源和规划局", "住房和城乡建设局", "生态环境分局", "市场监督管理局", "农业农村局", "应急管理局", "医疗保障局", "退役军人事务局"]  # fmt: skip


def names(count: int) -> list[str]:
    """`count` distinct agency names: city + county + organ."""
    out = [city + county + organ for city, county, organ in itertools.product(CITIES, COUNTIES, ORGANS)]
    if count > len(out):
        raise SystemExit(f"at most {len(out)} names can be generated")
    random.Random(5).shuffle(out)
    return out[:count]


def register(engine: Engine, stored: list[str]) -> float:
    start = time.perf_counter()
    with engine.begin() as connection:
        migrate(connection)
        for at in range(0, len(stored), 10_000):
            chunk = stored[at : at + 10_000]
            connection.execute(agencies.insert(), [{"key": fold_name(n), "name": n, "region": region_of(n)} for n in chunk])
            connection.execute(agency_names.insert(), [{"name": n, "agency_key": fold_name(n), "method": "exact", "score": 1.0} for n in chunk])
            add_blocks(connection, chunk)
    return time.perf_counter() - start


def probes(stored: list[str], count: int) -> list[str]:
    """New names: a slip in a stored name's organ, a stored name without its city, a new place."""
    rng = random.Random(9)
    out = []
    for i in range(count):
        name = rng.choice(stored)
        if i % 3 == 0:
            at = len(name) - rng.randint(2, 4)
            out.append(name[:at] + "务" + name[at + 1 :])
        elif i % 3 == 1:
            out.append(name[3:])  # the city (two characters + 市) dropped
        else:
            out.append("远方市" + name[3:] + "新")
    return out


def full_scan(connection: Connection, name: str) -> int:
    """The lookup before the index, its comparison part: every stored name compared (matches counted)."""
    return sum(1 for other in connection.execute(select(agency_names.c.name)) if same_agency(name, other.name) is not None)


def per_lookup_ms(engine: Engine, asked: list[str], step: object) -> float:
    times = []
    with engine.connect() as connection:
        for name in asked:
            start = time.perf_counter()
            step(connection, name)  # type: ignore[operator]
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,300000")
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--pg", default=None, help="also on PostgreSQL: a server URL (a database is created and dropped)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"agency lookup, median ms per new name ({args.lookups} names: typo / city dropped / new place)")
    print(f"{'names':>8} {'backend':>10} {'register s':>11} {'blocks/name':>12} {'lookup ms':>10} {'full scan ms':>13}")
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])
    for size in sizes:
        stored = names(size)
        asked = probes(stored, args.lookups)
        for backend in backends:
            with tempfile.TemporaryDirectory() as folder:
                if backend == "sqlite":
                    url = f"sqlite:///{Path(folder) / 'agencies.db'}"
                    admin = None
                else:
                    admin = create_engine(database_url(args.pg), isolation_level="AUTOCOMMIT")
                    with admin.connect() as connection:
                        connection.execute(text("DROP DATABASE IF EXISTS gongkai_bench_agencies"))
                        connection.execute(text("CREATE DATABASE gongkai_bench_agencies"))
                    url = make_url(database_url(args.pg)).set(database="gongkai_bench_agencies").render_as_string(hide_password=False)
                engine = create_engine(url)
                try:
                    registered = register(engine, stored)
                    with engine.connect() as connection:
                        filed = connection.execute(text("SELECT count(*) FROM agency_name_blocks")).scalar_one()
                        if backend == "postgresql":
                            connection.execute(text("ANALYZE"))
                    indexed = per_lookup_ms(engine, asked, lookup)
                    scanned = per_lookup_ms(engine, asked[:30], full_scan) if size <= 10_000 else None
                finally:
                    engine.dispose()
                    if admin is not None:
                        with admin.connect() as connection:
                            connection.execute(text("DROP DATABASE IF EXISTS gongkai_bench_agencies"))
                        admin.dispose()
            shown = f"{scanned:13.2f}" if scanned is not None else f"{'—':>13}"
            print(f"{size:>8} {backend:>10} {registered:11.1f} {filed / size:12.1f} {indexed:10.3f} {shown}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
