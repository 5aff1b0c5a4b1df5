"""Time the web app's pages over a large store: dashboard, filtered report list, report page.

    python bench/web.py [--reports 100000] [--pg URL | --no-pg] [--requests 50] [--keep PATH]
                        [--only sqlite|postgresql] [--fill-only] [--explain] [--page-budget 120]
                        [--pool 400] [--batch 250] [--seed 1]

Issue 11 item 6 asks for ≤ 300 ms server time (p95 of 50 requests) per page with 100 000
reports stored; this prints the figures and asserts nothing about time.

1. Fill. A pool of `--pool` distinct generated reports (synth.generate.agency_series over four
   years, about a third with one planted arithmetic or narrative error, some published late, in
   the four text layouts) is read once with gongkai.check_text; then N variants of them are
   stored with Store.save_many in batches — the real store path (documents, files, reports,
   cells and findings rows) — each with its own agency (N/4 agencies × 2021–2024), path and fake
   sha256. The agencies' names are registered in bulk first (see `register_agencies`), and
   about 30 % of the reports get a review status (待审核/需整改/已通过, a few drafts) written straight into report_reviews. Cross-year findings are not computed.
   SQLite goes to a temporary file, PostgreSQL to a database created on the server (--pg, else
   GONGKAI_TEST_PG_URL, else the local default) unless --no-pg or no server answers.
   With --keep PATH the SQLite file is PATH and the PostgreSQL database is named after PATH
   (`gongkai_bench_web_<hash>`, or --pg-db NAME); both are kept, and reused by the next run when
   they hold N reports (the fill figures of the run that made them are kept beside PATH, in
   PATH.fill.json); an interrupted fill goes on where it stopped; a kept database holding more
   reports is never dropped (the run stops and says so). Drop a kept one with
   `DROP DATABASE gongkai_bench_web_<hash>` (its name is printed) and `rm PATH*`.
2. Pages. The real app (gongkai.web.create_app over that store) in this process, through
   fastapi.testclient.TestClient, signed in as a reviewer (every report) and then as a clerk
   (one agency's reports: the visibility filter). Each page is requested --requests times after
   a first request that is shown apart (`first ms`: cold caches, e.g. the dashboard's remembered
   aggregates), or until --page-budget seconds are spent on it; the time is taken around
   client.get, so it includes the in-process client's own cost (a few ms: see the `floor` row,
   GET /api/session, which only reads the session's user). The dashboard is also timed right
   after a review change (one report's status 需整改 ⇄ 已通过, undone at the end), as a reviewer
   sees it between actions. A page that answers 404 (not built yet), another status, or raises
   is reported as such. Per page: p50/p95/max ms, SQL statements per request and the p50 of their
   time in cursor.execute (`exec`, SQLAlchemy cursor events; rows SQLite computes while they are
   fetched are not in it), the response size; for a page over 300 ms p95 the SQL time per
   statement, the slowest statement, and with --explain its plan (EXPLAIN QUERY PLAN / EXPLAIN
   ANALYZE, or plain EXPLAIN for a statement that took over 5 s).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, func, select, text

from gongkai import check_text
from gongkai.model import Record
from gongkai.store import Store, database_url
from gongkai.store.agencies import add_blocks, fold_name, region_of
from gongkai.store.schema import agencies, agency_names, report_reviews, reports
from gongkai.web import Settings, create_app
from gongkai.web.security import hash_password

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synth/ is at the repository root
from bench_ingest import pg_server

from synth.generate import LAYOUTS, PLANT_KINDS, agency_series, plant, to_text

PG_KEPT = "gongkai_bench_web"  # + a hash of the --keep path: two kept benches never share a database
YEARS = (2021, 2022, 2023, 2024)
PASSWORD = "bench password 300ms"
REVIEWER, CLERK = "bench-reviewer", "bench-clerk"
BUDGET_MS = 300.0

# Agency names: city + district/county + organ, then the same with a town's government.
_CITIES = ("赣州市", "淮安市", "宜春市", "九江市", "南平市", "绵阳市", "遵义市", "洛阳市", "襄阳市", "常德市",
           "柳州市", "湖州市", "泰州市", "德州市", "曲靖市", "吉安市", "上饶市", "衡阳市", "南阳市", "宿迁市")
_PLACES = ("章贡区", "南康区", "洪泽区", "清江浦区", "袁州区", "浔阳区", "建阳区", "涪城区", "汇川区", "西工区",
           "樊城区", "武陵区", "城中区", "吴兴区", "海陵区", "吉州区", "信州区", "雁峰区", "卧龙区", "宿城区",
           "宁都县", "涟水县", "铜鼓县", "修水县", "浦城县", "三台县", "绥阳县", "宜阳县", "南漳县", "桃源县",
           "融安县", "长兴县", "夏津县", "陆良县", "永丰县", "婺源县", "衡山县", "西峡县", "泗阳县", "于都县")
_ORGANS = ("交通运输局", "自然资源局", "生态环境局", "住房和城乡建设局", "市场监督管理局", "教育体育局",
           "卫生健康委员会", "发展和改革委员会", "政务服务数据管理局", "医疗保障局", "退役军人事务局", "融媒体中心",
           "政务服务中心", "公共资源交易中心", "农业农村局", "水利局", "民政局", "司法局", "财政局",
           "人力资源和社会保障局", "应急管理局", "统计局", "审计局", "林业局", "商务局", "文化广电新闻出版旅游局",
           "人民政府办公室", "城市管理局", "机关事务管理中心", "人民政府")
_TOWNS = "东西南北中上下新老长永安丰和平康宁兴隆福寿泰华桥湖塘岭坪"


def agency_names_for(count: int, seed: int) -> list[str]:
    """`count` distinct agency names (distinct keys), in a shuffled but reproducible order."""
    names = [city + place + organ for city in _CITIES for place in _PLACES for organ in _ORGANS]
    names += [city + place + a + b + "镇人民政府" for city in _CITIES for place in _PLACES for a in _TOWNS[:10] for b in _TOWNS[10:]]
    random.Random(f"bench-web-names-{seed}").shuffle(names)
    extra = 0
    while len(names) < count:  # beyond ~220 000 agencies: numbered offices
        extra += 1
        names += [f"{name}第{extra}分局" for name in names[: count - len(names)]]
    return names[:count]


# ---------------------------------------------------------------- the databases


@dataclass
class Backend:
    name: str  # SQLite | PostgreSQL
    url: str
    size: Callable[[], int]
    drop: Callable[[], None] | None  # at the end; None: kept
    key: str


def sqlite_backend(path: Path, keep: bool) -> Backend:
    def size() -> int:
        with Store(str(path)) as store, store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        wal = Path(str(path) + "-wal")
        return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    def drop() -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    return Backend("SQLite", str(path), size, None if keep else drop, "sqlite")


def kept_pg_name(keep: Path) -> str:
    """The PostgreSQL database kept with the SQLite file `keep` (one per path)."""
    return f"{PG_KEPT}_{hashlib.sha1(str(keep.resolve()).encode()).hexdigest()[:8]}"


def pg_backend(server: str, name: str | None) -> Backend:
    """The bench's database on `server`: `name` (kept), or a new one dropped at the end."""
    admin = create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    keep = name is not None
    name = name or f"gongkai_bench_web_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + "/" + name

    def size() -> int:
        with admin.connect() as connection:
            return int(connection.scalar(text("SELECT pg_database_size(:n)"), {"n": name}) or 0)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return Backend("PostgreSQL", url, size, None if keep else drop, "postgresql")


# ---------------------------------------------------------------- the fill


@dataclass
class Pool:
    by_year: dict[int, list[Record]]
    seconds: float
    findings: Counter[str] = field(default_factory=Counter)


def make_pool(size: int, seed: int) -> Pool:
    """`size` distinct reports (size/4 agencies × 4 years) read by gongkai.check_text."""
    start = time.perf_counter()
    rng = random.Random(f"bench-web-pool-{seed}")
    by_year: dict[int, list[Record]] = {year: [] for year in YEARS}
    found: Counter[str] = Counter()
    for index, spec in enumerate(agency_series(seed, agencies=max(1, size // 4), years=YEARS, typo_rate=0, prefix_rate=0)):
        if rng.random() < 0.35:
            kind = rng.choice(PLANT_KINDS)
            try:
                spec, _ = plant(spec, kind, rng)
            except ValueError:  # a narrative plant on a report that states no figure
                spec, _ = plant(spec, "balance", rng)
        if rng.random() < 0.1:
            spec.published = spec.published.replace(month=4, day=min(spec.published.day, 30))  # after the legal deadline: a warning
        record = check_text(to_text(spec, LAYOUTS[index % len(LAYOUTS)]), path=f"pool/{index}.txt")
        found.update(f"{f.severity}:{f.rule}" for f in record.findings)
        by_year[record.year if record.year in by_year else spec.year].append(record)
    return Pool(by_year, time.perf_counter() - start, found)


def variants(pool: Pool, names: list[str], seed: int) -> Iterator[tuple[Record, str, int, str]]:
    """(record, path, size, sha256) of each stored report: agency by agency, year by year."""
    for index, name in enumerate(names):
        for year in YEARS:
            records = pool.by_year[year]
            base = records[(index * 7 + year) % len(records)]
            sha = hashlib.sha256(f"bench-web-{seed}-{index}-{year}".encode()).hexdigest()
            path = f"bench/{year}/{name}.txt"
            source = dataclasses.replace(base.source, path=path, sha256=sha)
            yield dataclasses.replace(base, source=source, agency=name), path, 20_000 + index % 5000, sha


def register_agencies(store: Store, names: list[str]) -> None:
    """Each agency name registered with its own key (and its blocking keys), as the store would
    register a new name, in bulk: `save_many` then finds each name by its primary key instead of
    looking up candidates for it one statement at a time."""
    with store.engine.begin() as connection:
        for start in range(0, len(names), 5000):
            chunk = names[start : start + 5000]
            connection.execute(agencies.insert(), [{"key": fold_name(n), "name": n, "region": region_of(n)} for n in chunk])
            connection.execute(agency_names.insert(), [{"name": n, "agency_key": fold_name(n), "method": "exact", "score": 1.0} for n in chunk])
            add_blocks(connection, chunk)


def add_reviews(store: Store, shas: list[str], seed: int) -> Counter[str]:
    """Review rows for about 30 % of the reports (statuses mixed, 3 % of them drafts)."""
    rng = random.Random(f"bench-web-reviews-{seed}")
    rows, tally = [], Counter[str]()
    for sha in shas:
        if rng.random() >= 0.3:
            continue
        status = rng.choices(("pending", "needs_fix", "passed"), (40, 35, 25))[0]
        draft = rng.random() < 0.03
        tally[status + (" draft" if draft else "")] += 1
        rows.append({"sha256": sha, "status": status, "draft": draft, "uploaded_by": None, "updated_by": REVIEWER, "updated_at": "2025-03-01T00:00:00Z"})
    with store.engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(report_reviews.insert(), rows[start : start + 5000])
    return tally


def resumable(store: Store, names: list[str], pool: Pool, seed: int, have: int) -> bool:
    """Whether the database holds exactly the first `have` reports this fill would store (an
    interrupted fill of the same arguments), so that it can go on from there."""
    if have <= 0:
        return False
    last = next(item for position, item in enumerate(variants(pool, names, seed)) if position == have - 1)
    with store.engine.connect() as connection:
        found = connection.scalar(select(reports.c.id).where(reports.c.sha256 == last[3]))
        registered = connection.scalar(select(func.count()).select_from(agencies))
        reviewed = connection.scalar(select(func.count()).select_from(report_reviews))
    return found is not None and registered == len(names) and not reviewed


def fill(backend: Backend, count: int, pool_size: int, batch: int, seed: int, have: int) -> dict[str, Any]:
    """Store `count` reports (going on after the first `have` of an interrupted fill); what was measured."""
    print(f"{backend.name}: making a pool of {pool_size} reports …", flush=True)
    pool = make_pool(pool_size, seed)
    sizes = {year: len(r) for year, r in pool.by_year.items()}
    severities = Counter[str]()
    for key, number in pool.findings.items():
        severities[key.split(":")[0]] += number
    print(f"  pool: {sum(sizes.values())} reports read in {pool.seconds:.1f} s ({sizes}); findings in the pool: {dict(severities)}", flush=True)
    names = agency_names_for(max(1, math.ceil(count / len(YEARS))), seed)
    with Store(backend.url) as store:
        resumed = resumable(store, names, pool, seed, have)
        if have and not resumed:
            raise SystemExit(f"{backend.name}: the database holds {have} reports of another fill; remove it (or give another --keep)")
        if resumed:
            print(f"  going on after the {have} reports stored by an interrupted fill", flush=True)
        start = time.perf_counter()
        if not resumed:
            register_agencies(store, names)
        registered = time.perf_counter() - start
        stored, shas, chunk = 0, [], []
        start = time.perf_counter()
        last_print = start
        for position, item in enumerate(variants(pool, names, seed)):
            if position >= count:
                break
            shas.append(item[3])
            if position < have:
                continue
            chunk.append(item)
            if len(chunk) == batch:
                store.save_many(chunk)
                stored += len(chunk)
                chunk = []
                if time.perf_counter() - last_print > 60:
                    last_print = time.perf_counter()
                    elapsed = last_print - start
                    print(f"  … {have + stored} stored, {stored / elapsed:.0f} reports/s, load average {os.getloadavg()[0]:.1f}", flush=True)
        if chunk:
            store.save_many(chunk)
            stored += len(chunk)
        seconds = time.perf_counter() - start
        load = os.getloadavg()
        reviews = add_reviews(store, shas, seed)
        counts = store.counts()
        analyse = 0.0
        if backend.name == "PostgreSQL":  # what autovacuum does shortly after a bulk load anyway
            start = time.perf_counter()
            with store.engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
            analyse = time.perf_counter() - start
    return {
        "reports": have + stored,
        "timed_reports": stored,
        "resumed_after": have if resumed else 0,
        "seconds": round(seconds, 1),
        "rate": round(stored / seconds, 1) if seconds else 0.0,
        "load_average": [round(x, 1) for x in load],
        "batch": batch,
        "pool": pool_size,
        "pool_seconds": round(pool.seconds, 1),
        "register_seconds": round(registered, 2),
        "analyse_seconds": round(analyse, 1),
        "counts": counts,
        "reviews": dict(reviews),
        "made": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def unmeasured_fill(backend: Backend, have: int) -> dict[str, Any]:
    """What is known of a kept database filled by another run (its figures were not noted here)."""
    with Store(backend.url) as store:
        counts = store.counts()
        with store.engine.connect() as connection:
            rows = connection.execute(select(report_reviews.c.status, report_reviews.c.draft, func.count()).group_by(report_reviews.c.status, report_reviews.c.draft))
            reviews = {f"{status}{' draft' if draft else ''}": int(n) for status, draft, n in rows}
    return {"reports": have, "timed_reports": 0, "seconds": "?", "rate": "? (filled by another run)", "batch": "?", "pool": "?", "pool_seconds": "?",
            "register_seconds": "?", "analyse_seconds": "?", "counts": counts, "reviews": reviews, "made": "by another run, figures unknown"}


def stored_reports(url: str) -> int:
    try:
        with Store(url) as store:
            return store.counts()["reports"]
    except Exception:  # noqa: BLE001  (not a gongkai database yet)
        return -1


def ensure_users(store: Store) -> str:
    """The bench's reviewer and clerk (the clerk's agency: the first stored report's); its key."""
    with store.engine.connect() as connection:
        key = connection.scalar(select(reports.c.agency_key).order_by(reports.c.id).limit(1))
    if store.user(REVIEWER) is None:
        store.add_user(REVIEWER, "reviewer", hash_password(PASSWORD))
    if store.user(CLERK) is None:
        store.add_user(CLERK, "clerk", hash_password(PASSWORD), agency_key=key)
    clerk = store.user(CLERK)
    assert clerk is not None
    return clerk.agency_key or ""


# ---------------------------------------------------------------- timing


class SqlTracer:
    """Every SQL statement the engine runs, with its time (for the current request)."""

    def __init__(self, store: Store) -> None:
        self.statements: list[tuple[float, str, Any]] = []
        self._started: list[float] = []
        event.listen(store.engine, "before_cursor_execute", self._before)
        event.listen(store.engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, _cursor: Any, _statement: str, _parameters: Any, _context: Any, _executemany: bool) -> None:
        self._started.append(time.perf_counter())

    def _after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _executemany: bool) -> None:
        started = self._started.pop() if self._started else time.perf_counter()
        self.statements.append(((time.perf_counter() - started) * 1000, statement, parameters))

    def take(self) -> list[tuple[float, str, Any]]:
        out, self.statements = self.statements, []
        return out


@dataclass
class PageResult:
    label: str
    times: list[float] = field(default_factory=list)  # ms
    sql_times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    slowest: tuple[float, str, Any] | None = None
    example: str = ""
    cut: int = 0  # requests planned when the page's time budget ran out (0: all were made)
    first: float | None = None  # ms of the first (warm-up) request, not in the figures
    by_statement: dict[str, float] = field(default_factory=dict)  # statement's start → SQL ms, all requests

    def row(self) -> str:
        def pct(q: float) -> float:
            ordered = sorted(self.times)
            return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

        statuses = " ".join(f"{k}×{v}" for k, v in sorted(self.statuses.items()))
        first = f"{self.first:>10.1f}" if self.first is not None else f"{'—':>10}"
        if not self.times:
            return f"{self.label:<46}{0:>4}  {'—':<14}{first}"
        flag = "  > 300 ms" if pct(0.95) > BUDGET_MS else ""
        sql = sorted(self.sql_times)[len(self.sql_times) // 2]
        queries = sum(self.queries) / len(self.queries)
        kb = sum(self.sizes) / len(self.sizes) / 1024
        if self.cut:
            flag += f"  (only {len(self.times)} of {self.cut}: --page-budget spent)"
        return (
            f"{self.label:<46}{len(self.times):>4}  {statuses:<14}{first}{pct(0.5):>9.1f}{pct(0.95):>9.1f}{max(self.times):>9.1f}"
            f"{sql:>9.1f}{queries:>8.1f}{kb:>9.1f}{flag}"
        )


HEADER = f"{'page':<46}{'n':>4}  {'status':<14}{'first ms':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'exec p50':>9}{'queries':>8}{'KB':>9}"


def login(client: TestClient, name: str) -> None:
    page = client.get("/login")
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    if match is None:
        raise RuntimeError(f"no CSRF token on /login ({page.status_code})")
    response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": match.group(1), "next": "/"}, follow_redirects=False)
    if response.status_code != 303:
        raise RuntimeError(f"login as {name} failed: {response.status_code} {response.text[:200]}")


def timed(
    client: TestClient, tracer: SqlTracer, label: str, paths: list[str], api: bool, budget: float, after_each: Callable[[], None] | None = None
) -> PageResult:
    """Request each path (after one warm-up, timed apart as `first`), until `budget` seconds are
    spent; `after_each` runs after each request (untimed), e.g. a write that changes the data."""
    result = PageResult(label, example=paths[0] if paths else "")
    headers = {"accept": "application/json"} if api else {"accept": "text/html,application/xhtml+xml"}
    began = time.perf_counter()
    for index, path in enumerate([paths[0], *paths]):  # the first one is a warm-up
        if index > 1 and time.perf_counter() - began > budget:
            result.cut = len(paths)
            break
        tracer.take()
        start = time.perf_counter()
        try:
            response = client.get(path, headers=headers, follow_redirects=False)
            status, size = str(response.status_code), len(response.content)
        except Exception as error:  # noqa: BLE001  (a page that raises is reported, not fatal)
            status, size = "exception", 0
            if not result.errors:
                result.errors.append(f"{path}: {type(error).__name__}: {error}".splitlines()[0][:300])
                ours = [f for f in traceback.extract_tb(error.__traceback__) if "/src/gongkai/" in f.filename]
                if ours:
                    result.errors.append(f"  at {ours[-1].filename.split('/src/')[-1]}:{ours[-1].lineno} {ours[-1].name}: {ours[-1].line}")
        ms = (time.perf_counter() - start) * 1000
        statements = tracer.take()
        if after_each is not None:
            after_each()
        if index == 0:
            result.first = ms
            continue
        result.times.append(ms)
        result.statuses[status] += 1
        result.sizes.append(size)
        result.queries.append(len(statements))
        result.sql_times.append(sum(s[0] for s in statements))
        for statement in statements:
            if result.slowest is None or statement[0] > result.slowest[0]:
                result.slowest = statement
            shape = " ".join(statement[1].split())[:90]
            result.by_statement[shape] = result.by_statement.get(shape, 0.0) + statement[0]
    return result


def get_routes(app: FastAPI) -> set[str]:
    """The path templates of the app's GET routes (routers included without a prefix, as
    create_app includes them; FastAPI ≥ 0.16x wraps each included router)."""
    out: set[str] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(list(inner.routes))
            elif "GET" in (getattr(route, "methods", None) or set()):
                out.add(getattr(route, "path", ""))

    walk(list(app.routes))
    return out


def list_queries(rng: random.Random, count: int, regions: list[str], agency_names_: list[str]) -> dict[str, list[str]]:
    """The report list's queries: the main one (year + severity, pages 1–5) and other filters."""
    def main() -> str:
        year = rng.choice(YEARS)
        severity = rng.choice(("error", "error", "warning"))
        return f"year={year}&severity={severity}&page={rng.randint(1, 5)}"

    extra = max(10, count // 5)
    return {
        "year+severity, page 1–5": [main() for _ in range(count)],
        "no filter, page 1": ["page=1"] * extra,
        "no filter, page 400": ["page=400"] * extra,
        "region+year": [f"region={rng.choice(regions)}&year={rng.choice(YEARS)}" for _ in range(extra)],
        "agency (name part)": [f"agency={rng.choice(agency_names_)[3:8]}" for _ in range(extra)],
        "rule=balance": [f"rule=balance&page={rng.randint(1, 3)}" for _ in range(extra)],
        "status=needs_fix": [f"status=needs_fix&page={rng.randint(1, 3)}" for _ in range(extra)],
        "q=交通 (search)": [f"q={rng.choice(('交通', '财政局', '人民政府', '融媒体'))}" for _ in range(extra)],
        "all filters": [f"year=2023&severity=error&rule=balance&status=pending&region={rng.choice(regions)}&q=局&per_page=50" for _ in range(extra)],
    }


def find_api(api: set[str], candidates: tuple[str, ...]) -> str | None:
    for candidate in candidates:
        if candidate in api:
            return candidate
    return None


def measure(backend: Backend, store: Store, count: int, n: int, seed: int, explain: bool, budget: float) -> list[PageResult]:
    """Time the pages as a reviewer and as a clerk; print the rows; the results over budget."""
    clerk_key = ensure_users(store)
    with store.engine.connect() as connection:
        ids = list(connection.scalars(select(reports.c.id)))
        clerk_ids = list(connection.scalars(select(reports.c.id).where(reports.c.agency_key == clerk_key)))
        regions = sorted({r for r in connection.scalars(select(reports.c.region).distinct()) if r})
        some_names = list(connection.scalars(select(reports.c.agency).limit(2000)))
    workdir = Path(tempfile.mkdtemp(prefix="gongkai-bench-web-"))
    app = create_app(Settings(url=backend.url, upload_dir=workdir / "uploads"), store)
    tracer = SqlTracer(store)
    pages = get_routes(app)
    api = {p for p in pages if p.startswith("/api/")}
    report_api = next((p for p in api if re.fullmatch(r"/api/reports/\{[a-z_]+\}", p)), None)
    dashboard_api = find_api(api, ("/api/dashboard", "/api/overview", "/api/stats", "/api/indicators", "/api/summary"))
    list_api = find_api(api, ("/api/reports",))
    over: list[PageResult] = []
    flip, restore = review_toggle(store)
    try:
        for role, user in (("reviewer", REVIEWER), ("clerk", CLERK)):
            rng = random.Random(f"bench-web-requests-{seed}-{role}")
            with TestClient(app) as client:
                login(client, user)
                report_ids = [rng.choice(ids) for _ in range(n)]
                own = [rng.choice(clerk_ids) for _ in range(n)] if clerk_ids else report_ids
                queries = list_queries(rng, n, regions, some_names)
                who = f" (agency {clerk_key}: {len(clerk_ids)} reports)" if role == "clerk" else ""
                print(f"\n{backend.name} · {count} reports · signed in as {role}{who} · load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
                print(HEADER)
                plan: list[tuple[str, list[str], bool, Callable[[], None] | None]] = [("floor: GET /api/session", ["/api/session"] * n, True, None)]
                plan.append(("dashboard GET /", ["/"] * n, False, None))
                if dashboard_api:
                    plan.append((f"dashboard GET {dashboard_api}", [dashboard_api] * n, True, None))
                if role == "reviewer" and flip is not None:
                    plan.append(("dashboard GET / after each review change", ["/"] * min(n, 5), False, flip))
                for name, qs in queries.items():
                    if role == "clerk" and name not in ("year+severity, page 1–5", "no filter, page 1", "q=交通 (search)"):
                        continue
                    plan.append((f"list GET /reports?{name}", [f"/reports?{q}" for q in qs], False, None))
                    if list_api and name in ("year+severity, page 1–5", "no filter, page 400"):
                        plan.append((f"list GET {list_api}?{name}", [f"{list_api}?{q}" for q in qs], True, None))
                if role == "clerk":
                    plan.append(("report GET /reports/{own id}", [f"/reports/{i}" for i in own], False, None))
                    plan.append(("report GET /reports/{other id} (→ 404)", [f"/reports/{i}" for i in report_ids if i not in clerk_ids], False, None))
                else:
                    plan.append(("report GET /reports/{random id}", [f"/reports/{i}" for i in report_ids], False, None))
                if report_api:
                    chosen = own if role == "clerk" else report_ids
                    plan.append((f"report GET {report_api}", [report_api.split("{")[0] + str(i) for i in chosen], True, None))
                for label, paths, is_api, after_each in plan:
                    result = timed(client, tracer, label, paths, is_api, budget, after_each)
                    print(result.row(), flush=True)
                    for line in result.errors:
                        print(f"      {line}")
                    if result.times and sorted(result.times)[max(0, math.ceil(0.95 * len(result.times)) - 1)] > BUDGET_MS:
                        over.append(result)
                        show_slowest(store, result, explain)
        print("\n  routes found: pages " + ", ".join(sorted(p for p in pages if not p.startswith(("/api", "/static", "/openapi")))))
        print("  API twins: " + (", ".join(sorted(api)) or "none"))
    finally:
        restore()
        shutil.rmtree(workdir, ignore_errors=True)
    return over


def review_toggle(store: Store) -> tuple[Callable[[], None] | None, Callable[[], None]]:
    """A write a reviewer makes all day (one report's status 需整改 ⇄ 已通过), and its undoing."""
    with store.engine.connect() as connection:
        query = select(report_reviews.c.sha256).where(report_reviews.c.status == "needs_fix", report_reviews.c.draft.is_(False)).limit(1)
        sha = connection.scalar(query)
    if sha is None:
        return None, lambda: None
    state = ["needs_fix"]

    def flip() -> None:
        state[0] = "passed" if state[0] == "needs_fix" else "needs_fix"
        store.set_report_review(sha, status="passed" if state[0] == "passed" else "needs_fix", by=REVIEWER)

    def restore() -> None:
        if state[0] != "needs_fix":
            flip()

    return flip, restore


def show_slowest(store: Store, result: PageResult, explain: bool) -> None:
    if result.slowest is None:
        return
    requests = max(1, len(result.times))
    top = sorted(result.by_statement.items(), key=lambda item: -item[1])[:4]
    print("      SQL ms per request by statement: " + " | ".join(f"{ms / requests:.0f} ms: {shape}" for shape, ms in top))
    ms, statement, parameters = result.slowest
    one_line = " ".join(statement.split())
    print(f"      slowest SQL ({ms:.1f} ms), e.g. {result.example}: {one_line[:600]}{' …' if len(one_line) > 600 else ''}")
    print(f"      parameters: {str(parameters)[:300]}")
    if not explain or not one_line.upper().startswith(("SELECT", "WITH")):
        return
    analyse = "(ANALYZE, BUFFERS) " if ms < 5000 else ""  # beyond that the plan alone
    prefix = "EXPLAIN QUERY PLAN " if store.dialect == "sqlite" else f"EXPLAIN {analyse}"
    try:
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    except Exception as error:  # noqa: BLE001  (the plan is a help, not the measurement)
        print(f"      (EXPLAIN failed: {type(error).__name__}: {error})"[:300])
        return
    for row in rows:
        print("      | " + " ".join(str(v) for v in (row[-1:] if store.dialect == "sqlite" else row)))


def run_backend(backend: Backend, args: argparse.Namespace, fill_notes: Path | None) -> list[PageResult]:
    notes: dict[str, Any] = json.loads(fill_notes.read_text()) if fill_notes and fill_notes.exists() else {}
    have = stored_reports(backend.url)
    if have == args.reports:
        made = notes.get(backend.key) or unmeasured_fill(backend, have)
        print(f"\n{backend.name}: reusing the kept database ({have} reports); its fill ({made['made']}):")
    elif have > args.reports:
        # Never dropped here: a kept database may be another run's (or another person's).
        raise SystemExit(f"{backend.name}: {backend.url.rsplit('/', 1)[-1]} holds {have} reports, not {args.reports}: remove it or give another --keep")
    else:
        made = fill(backend, args.reports, args.pool, args.batch, args.seed, max(have, 0))
        if fill_notes is not None:  # read again: another run may have written its backend's meanwhile
            notes = json.loads(fill_notes.read_text()) if fill_notes.exists() else {}
            notes[backend.key] = made
            fill_notes.write_text(json.dumps(notes, ensure_ascii=False, indent=1))
        print(f"\n{backend.name}: filled:")
    size = backend.size()
    print(f"  database: {backend.url if backend.name == 'SQLite' else backend.url.rsplit('/', 1)[-1]}" + (" (kept)" if backend.drop is None else " (dropped at the end)"))
    made_counts = made["counts"]
    resumed = f", going on after {made['resumed_after']} stored before" if made.get("resumed_after") else ""
    print(
        f"  {made['reports']} reports; {made.get('timed_reports', made['reports'])} stored in {made['seconds']} s = {made['rate']} reports/s "
        f"(Store.save_many, {made['batch']} a batch{resumed}; load average at the end {made.get('load_average', '?')}; "
        f"pool of {made['pool']} read in {made['pool_seconds']} s; {made_counts['agencies']} agencies registered in {made['register_seconds']} s"
        + (f"; ANALYZE {made['analyse_seconds']} s" if backend.name == "PostgreSQL" else "")
        + ")"
    )
    print(f"  rows: {made_counts['cells']} cells, {made_counts['findings']} findings; reviews: {made['reviews']}")
    label = "file (WAL checkpointed)" if backend.name == "SQLite" else "pg_database_size"
    print(f"  database size: {size / 1e6:.0f} MB ({label}) = {size / max(1, made['reports']) * 1000 / 1e6:.1f} MB per 1 000 reports", flush=True)
    if args.fill_only:
        return []
    with Store(backend.url) as store:
        return measure(backend, store, made["reports"], args.requests, args.seed, args.explain, args.page_budget)


def code_state() -> str:
    """The commit of the working tree and whether it has uncommitted changes (pages change fast)."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"{head}" + (f" + uncommitted changes in {len(dirty.splitlines())} files under src/" if dirty.strip() else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports in the database (default 100000)")
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL (a database is created on it)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None, help="one backend only")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--keep", type=Path, default=None, help=f"keep the SQLite file here and a PostgreSQL database named after it ({PG_KEPT}_<hash of the path>); reuse them when they hold --reports")
    parser.add_argument("--pg-db", default=None, help="the kept PostgreSQL database's name (instead of the one named after --keep)")
    parser.add_argument("--pool", type=int, default=400, help="distinct reports read once and stored in variants (default 400)")
    parser.add_argument("--batch", type=int, default=250, help="reports per Store.save_many (default 250)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print the plan of the slowest SQL of every page over 300 ms")
    parser.add_argument("--page-budget", type=float, default=120.0, help="seconds one page's requests may take before the rest are skipped (default 120)")
    parser.add_argument("--fill-only", action="store_true", help="fill (or check) the databases, time no page")
    args = parser.parse_args()

    print(f"gongkai web benchmark — Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.reports} reports, {args.requests} requests a page")
    print("Times are taken around TestClient.get in this process (no network); the 'floor' row is the client's and the session's own cost.")
    print(f"Code measured: {code_state()}")
    workdir = Path(tempfile.mkdtemp(prefix="gongkai-bench-web-db-"))
    backends: list[Backend] = []
    try:
        if args.only != "postgresql":
            path = args.keep if args.keep is not None else workdir / "bench.db"
            backends.append(sqlite_backend(path, keep=args.keep is not None))
        server = None if args.no_pg or args.only == "sqlite" else pg_server(args.pg)
        if server is not None:
            backends.append(pg_backend(server, args.pg_db or (kept_pg_name(args.keep) if args.keep is not None else None)))
        elif not args.no_pg and args.only != "sqlite":
            print("PostgreSQL: no server answered (give --pg URL or set GONGKAI_TEST_PG_URL); left out")
        fill_notes = Path(str(args.keep) + ".fill.json") if args.keep is not None else None
        over: list[tuple[str, PageResult]] = []
        for backend in backends:
            try:
                over += [(backend.name, r) for r in run_backend(backend, args, fill_notes)]
            finally:
                if backend.drop is not None:
                    backend.drop()
        print()
        if args.fill_only:
            return
        if over:
            print(f"Over {BUDGET_MS:.0f} ms p95: " + "; ".join(f"{name} {r.label}" for name, r in over))
        else:
            print(f"No page over {BUDGET_MS:.0f} ms p95.")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
