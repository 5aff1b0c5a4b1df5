"""The store (`gongkai ingest`, `gongkai agencies`, `gongkai check --db`) on SQLite and PostgreSQL.

Every test runs on both backends: a SQLite file in a temporary folder, and a PostgreSQL database
created for this module from GONGKAI_TEST_PG_URL (emptied before each test). Without that
variable the local default server is tried, and the PostgreSQL half is skipped, saying why, if
it does not answer. With the variable set, an unreachable server is an error: CI must not pass
with PostgreSQL silently left out.

Reports come from `synth.generate`: agencies over several years whose reports agree across
years, with cross-year inconsistencies planted where a test wants them. The parity test
(`GONGKAI_STORE_FULL=1` for the ≥ 2 000-report run) ingests the same folder into both backends
and compares everything stored; the crash test kills an ingest with SIGKILL and runs it again.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CORPUS
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.engine import Engine

from gongkai import formats
from gongkai.cli import cli
from gongkai.model import Finding, Record
from gongkai.pipeline import CROSS_YEAR_RULES
from gongkai.pipeline.work import Task
from gongkai.pipeline.work import work as _real_work
from gongkai.store import Store, database_url
from gongkai.store.schema import MIGRATIONS, SUMMARY_PARTS, metadata, migrate, refresh_summaries, schema_migrations
from synth.generate import (
    ReportSpec,
    SeriesPlant,
    agency_series,
    expected_cells,
    plant,
    plant_series,
    planted_series,
    write_reports,
)

PG_ENV = "GONGKAI_TEST_PG_URL"
PG_DEFAULT = "postgresql://gongkai:gongkai@127.0.0.1:5432/gongkai_test"
FULL = os.environ.get("GONGKAI_STORE_FULL") == "1"
CJK = re.compile(r"[\u4e00-\u9fff]")
CROSS = {r.name for r in CROSS_YEAR_RULES}
TABLES = {
    "schema_migrations", "files", "documents", "reports", "cells", "findings", "agencies", "agency_names",
    "users", "report_reviews", "finding_reviews", "audit_log", "report_summaries", "store_version", "agency_name_blocks",
}  # fmt: skip
SUMMARY_KEYS = {"files", "new", "unchanged", "replaced", "unreadable"}
TEXTS = ("text-tabs", "text-markdown", "text-cells", "text-layout")
MIXED = (*TEXTS, "docx", "html-utf8", "docx-break-split", "html-gbk")


# ------------------------------------------------------------------ backends


def _pg_server() -> tuple[str | None, str]:
    """The PostgreSQL URL to create test databases with, or None and why not."""
    url = os.environ.get(PG_ENV)
    if url:
        return url, ""  # asked for explicitly: a failure to connect is an error, not a skip
    try:
        engine = create_engine(database_url(PG_DEFAULT), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001  (any driver error means: no server here)
        return None, f"PostgreSQL not reachable at {PG_DEFAULT} ({type(error).__name__}); set {PG_ENV} to test the store on PostgreSQL"
    return PG_DEFAULT, ""


@dataclass
class Backend:
    """Fresh databases of one kind: `url()` gives an empty one each time it is called."""

    name: str
    folder: Path
    server: str | None = None
    _databases: list[str] = field(default_factory=list)

    def url(self) -> str:
        token = uuid.uuid4().hex[:10]
        if self.name == "sqlite":
            return str(self.folder / f"gongkai-{token}.db")
        assert self.server is not None
        name = f"gongkai_test_{token}"
        with _admin(self.server) as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self._databases.append(name)
        return self.server.rsplit("/", 1)[0] + "/" + name

    def drop_all(self) -> None:
        if self.server is None:
            return
        with _admin(self.server) as connection:
            for name in self._databases:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class _admin:
    """An autocommit connection to the server (CREATE/DROP DATABASE cannot run in a transaction)."""

    def __init__(self, server: str) -> None:
        self.engine = create_engine(database_url(server), isolation_level="AUTOCOMMIT")

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.connection = self.engine.connect()
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
        self.engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    folder = tmp_path_factory.mktemp(f"store-{request.param}")
    if request.param == "sqlite":
        yield Backend("sqlite", folder)
        return
    server, reason = _pg_server()
    if server is None:
        pytest.skip(reason)
    made = Backend("postgresql", folder, server)
    yield made
    made.drop_all()


@pytest.fixture
def db(backend: Backend) -> str:
    """A fresh, empty database of the backend under test."""
    return backend.url()


def engine_of(url: str) -> Engine:
    return create_engine(database_url(url))


def query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = engine_of(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


# ------------------------------------------------------------------ running the command


def gongkai(*args: str | Path) -> tuple[int, str]:
    """The `gongkai` command in this process (click's runner): exit code and stdout."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout


def ingest(db: str, *paths: Path, workers: int = 1) -> dict[str, int]:
    code, out = gongkai("ingest", *paths, "--db", db, "--workers", str(workers), "--format", "json")
    assert code == 0, out
    summary: dict[str, int] = json.loads(out.strip().splitlines()[-1])  # after any progress output
    return summary


def series(seed: int, agencies: int, years: tuple[int, ...] = (2022, 2023, 2024), **options: Any) -> list[ReportSpec]:
    return list(agency_series(seed, agencies=agencies, years=years, typo_rate=0, prefix_rate=0, **options))


def by_year(specs: list[ReportSpec]) -> dict[int, ReportSpec]:
    return {s.year: s for s in specs}


def cross_year_findings(db: str) -> set[tuple[str, str, int, str | None, str | None, str]]:
    """(rule, report path, year, row, column, previous report's path) of every cross-year finding."""
    rows = query(
        db,
        "SELECT f.rule, r.path, r.year, f.row, f.col, o.path, f.location_json FROM findings f "
        "JOIN reports r ON r.id = f.report_id LEFT JOIN reports o ON o.id = f.other_report_id "
        "WHERE f.rule IN ('carry_over_chain', 'stock_continuity', 'copied_text')",
    )
    out = set()
    for rule, path, year, row, column, other, location in rows:
        assert json.loads(location)["previous"] == other, "location.previous must name the other report"
        out.add((rule, path, year, row, column, other))
    return out


def planted_found(plants: list[SeriesPlant], paths: dict[Path, ReportSpec]) -> set[tuple[str, str, int, str | None, str | None, str]]:
    """What `cross_year_findings` must be for these plants (and nothing else)."""
    where = {(spec.series, spec.year): str(path) for path, spec in paths.items()}
    out = set()
    for planted in plants:
        for rule, agency, year, row, column in planted.expected_findings():
            out.add((rule, where[(agency, year)], year, row, column, where[(agency, year - 1)]))
    return out


# ------------------------------------------------------------------ schema and migrations


def test_fresh_database_is_migrated_and_reopening_applies_nothing(db: str) -> None:
    with Store(db) as store:
        assert store.schema_version() == MIGRATIONS[-1].version == 7
    engine = engine_of(db)
    try:
        with engine.begin() as connection:
            first = connection.execute(select(schema_migrations)).all()
            assert [row.version for row in first] == [1, 2, 3, 4, 5, 6, 7]
            assert migrate(connection) == []  # nothing left to apply
        with Store(db) as store:  # reopening: same rows, same timestamps
            assert store.schema_version() == 7
        with engine.connect() as connection:
            assert connection.execute(select(schema_migrations)).all() == first
            tables = set(connection.dialect.get_table_names(connection))
            indexed = {tuple(i["column_names"]) for name in ("findings", "files") for i in connection.dialect.get_indexes(connection, name)}
        assert tables == TABLES == {t.name for t in metadata.sorted_tables}
        # A batch replacing reports finds the findings naming them, and a content's other paths, by index.
        assert {("other_report_id",), ("sha256",)} <= indexed
    finally:
        engine.dispose()


def test_a_version_one_database_gains_the_web_tables_and_keeps_its_reports(db: str, tmp_path: Path) -> None:
    written = write_reports(series(21, 1, years=(2023,)), tmp_path / "in", ("text-tabs",))
    ingest(db, tmp_path / "in")
    engine = engine_of(db)
    try:
        with engine.begin() as connection:  # back to what gongkai with schema 1 left
            for table in ("audit_log", "finding_reviews", "report_reviews", "users"):
                connection.execute(text(f"DROP TABLE {table}"))
            connection.execute(text("DROP INDEX reports_year"))
            connection.execute(text("DROP INDEX reports_region_year"))
            connection.execute(text("DELETE FROM schema_migrations WHERE version = 2"))
            _back_to_schema_two(connection)
    finally:
        engine.dispose()
    with Store(db) as store:
        assert store.schema_version() == MIGRATIONS[-1].version
        assert len(list(store.reports())) == len(written)
        store.add_user("新用户", "viewer", "hash")
        assert store.user("新用户") is not None


def test_a_version_six_database_gains_each_reports_narrative(db: str, tmp_path: Path) -> None:
    """Migration 7 fills `reports.narrative` of the reports already stored from their records, so
    that the cross-year pass finds a copied text in a database made before it."""
    from gongkai.check.crossyear import narrative

    specs, _ = plant_series(series(25, 1, years=(2023, 2024)), "copied_text", random.Random(4), year=2024)
    write_reports(specs, tmp_path / "in", ("text-tabs",))
    ingest(db, tmp_path / "in")
    findings_before = query(db, "SELECT report_id, rule, message FROM findings WHERE other_report_id IS NOT NULL")
    assert [row[1] for row in findings_before] == ["copied_text"]
    engine = engine_of(db)
    try:
        with engine.begin() as connection:  # what gongkai with schema 6 left: no narrative column
            connection.execute(text("ALTER TABLE reports DROP COLUMN narrative"))
            connection.execute(text("DELETE FROM schema_migrations WHERE version = 7"))
    finally:
        engine.dispose()
    with Store(db) as store:
        assert store.schema_version() == 7
        stored = query(db, "SELECT record_json, narrative FROM reports")
        assert len(stored) == 2
        for record_json, text_ in stored:
            assert text_ == narrative(json.loads(record_json)["sections"]) and len(text_) > 100
        from gongkai.pipeline import refresh_cross_year

        assert refresh_cross_year(store) == 1
    assert query(db, "SELECT report_id, rule, message FROM findings WHERE other_report_id IS NOT NULL") == findings_before


def _back_to_schema_two(connection: Connection) -> None:
    connection.execute(text("DROP TABLE agency_name_blocks"))
    connection.execute(text("DELETE FROM schema_migrations WHERE version = 4"))
    for table in ("report_summaries", "store_version"):
        connection.execute(text(f"DROP TABLE {table}"))
    for index in ("findings_rule_report", "report_reviews_status", *(["reports_year_id"] if connection.dialect.name == "postgresql" else [])):
        connection.execute(text(f"DROP INDEX IF EXISTS {index}"))
    connection.execute(text("DELETE FROM schema_migrations WHERE version = 3"))


PART_CELLS = {
    (cell.table.number, cell.row, cell.column): path
    for path, cell in ((path, formats.CellPath.parse(path)) for paths in SUMMARY_PARTS.values() for path in paths)
}


def summaries_of(db: str) -> dict[str, tuple[Any, ...]]:
    """Every report's summary row (but its id), by content hash."""
    rows = query(db, "SELECT r.sha256, s.* FROM report_summaries s JOIN reports r ON r.id = s.report_id")
    return {row[0]: row[2:] for row in rows}


def expected_summary(values: dict[str, float | None], severities: Counter[str], agency: str | None, path: str) -> dict[str, Any]:
    """A report's summary computed in Python from its cell values and stored findings (the oracle)."""
    out: dict[str, Any] = {}
    for name, paths in SUMMARY_PARTS.items():
        found = [values.get(path) for path in paths]
        out[name] = None if any(v is None for v in found) else sum(v for v in found if v is not None)
    out.update(errors=severities["error"], warnings=severities["warning"], infos=severities["info"], search=f"{agency or ''} {path}".lower())
    return out


def test_summaries_hold_each_reports_parts_counts_and_search_text(db: str, tmp_path: Path) -> None:
    """A summary's part is the sum of its cells, null when one is null or absent (null is not
    zero); its counts include the cross-year findings."""
    specs, _ = plant_series(series(23, 1, years=(2023, 2024)), "carry_over_chain", random.Random(5), year=2024)
    write_reports(specs + series(24, 2, years=(2022, 2023)), tmp_path / "in", MIXED)
    ingest(db, tmp_path / "in")
    found = query(db, "SELECT report_id, severity, other_report_id FROM findings")
    assert any(other is not None for _, _, other in found), "cross-year findings are counted too"
    stored = query(db, "SELECT id, agency, path FROM reports ORDER BY id")
    emptied, removed = stored[0][0], stored[1][0]
    engine = engine_of(db)
    try:
        with engine.begin() as connection:  # a null cell in one report, an absent one in another
            connection.execute(text("UPDATE cells SET value = NULL WHERE report_id = :id AND tbl = '三' AND row = 'granted' AND col = 'total'"), {"id": emptied})
            connection.execute(text("DELETE FROM cells WHERE report_id = :id AND tbl = '四' AND row = 'review' AND col = 'other'"), {"id": removed})
            refresh_summaries(connection, [emptied, removed])
    finally:
        engine.dispose()
    names = ["report_id", "errors", "warnings", "infos", "search", *SUMMARY_PARTS]
    got = {row[0]: dict(zip(names, row)) for row in query(db, "SELECT * FROM report_summaries")}
    cells: dict[int, dict[str, float | None]] = {}
    for report_id, table, row, column, value in query(db, "SELECT report_id, tbl, row, col, value FROM cells"):
        if (table, row, column) in PART_CELLS:
            cells.setdefault(report_id, {})[PART_CELLS[(table, row, column)]] = value
    severities: dict[int, Counter[str]] = {}
    for report_id, severity, _ in found:
        severities.setdefault(report_id, Counter())[severity] += 1
    assert set(got) == {row[0] for row in stored}
    for report_id, agency, path in stored:
        expected = expected_summary(cells.get(report_id, {}), severities.get(report_id, Counter()), agency, path)
        assert {k: got[report_id][k] for k in expected} == expected, path
    assert got[emptied]["disclosed"] is None and got[emptied]["received"] is not None
    assert got[removed]["review_decided"] is None and got[removed]["review_corrected"] is not None


def test_a_version_two_database_gains_the_same_summaries(db: str, tmp_path: Path) -> None:
    written = write_reports(series(29, 2, years=(2022, 2023)), tmp_path / "in", TEXTS)
    ingest(db, tmp_path / "in")
    summaries = summaries_of(db)
    engine = engine_of(db)
    try:
        with engine.begin() as connection:
            _back_to_schema_two(connection)
    finally:
        engine.dispose()
    with Store(db) as store:
        assert store.schema_version() == MIGRATIONS[-1].version
    assert summaries_of(db) == summaries and len(summaries) == len(written) == 4


# ------------------------------------------------------------------ ingest: statuses, duplicates, summary


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, dict[Path, ReportSpec]]:
    """A folder of 2 agencies × 3 years in text, DOCX and HTML (one planted arithmetic error),
    a copy of one report at a second path, an empty file and random bytes in a sub-folder."""
    specs = series(11, 2)
    paths = write_reports(specs, tmp_path / "in", ("text-tabs", "docx", "html-utf8", "text-layout", "docx-break-row", "html-gbk"))
    first = min(paths)
    copy = tmp_path / "in" / "副本" / "同一份报告.txt"
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes())
    bad = tmp_path / "in" / "坏文件"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "noise.docx").write_bytes(random.Random(3).randbytes(5000))
    return tmp_path / "in", paths


def test_ingest_gives_every_file_a_row(db: str, folder: tuple[Path, dict[Path, ReportSpec]]) -> None:
    root, paths = folder
    summary = ingest(db, root, workers=2)
    assert SUMMARY_KEYS <= set(summary)
    assert {k: summary[k] for k in SUMMARY_KEYS} == {"files": 9, "new": 6, "unchanged": 1, "replaced": 0, "unreadable": 2}
    rows = {Path(p): (sha, status, message) for p, sha, status, message in query(db, "SELECT path, sha256, status, message FROM files")}
    assert set(rows) == {p for p in root.rglob("*") if p.is_file()}  # every file, as an absolute path
    for path in paths:
        assert rows[path][1] == "read", (path, rows[path])
    copy = root / "副本" / "同一份报告.txt"
    assert rows[copy][:2] == (rows[min(paths)][0], "read")  # same content, stored once
    for name in ("empty.pdf", "noise.docx"):
        sha, status, message = rows[root / "坏文件" / name]
        assert status == "unreadable" and sha and CJK.search(message or ""), rows[root / "坏文件" / name]
    counts = dict(query(db, "SELECT status, COUNT(*) FROM documents GROUP BY status"))
    assert counts == {"read": 6, "unreadable": 2}
    assert query(db, "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM reports") == [(6, 6)]


def test_status_findings_and_text_summary(db: str, tmp_path: Path) -> None:
    specs = series(12, 1, years=(2023,))
    broken, _ = plant(specs[0], "balance", random.Random(1))
    write_reports([specs[0]], tmp_path / "ok", ("text-tabs",))
    written = write_reports([broken], tmp_path / "bad", ("text-tabs",))
    code, out = gongkai("ingest", tmp_path / "ok", tmp_path / "bad", tmp_path / "absent.txt", "--db", db, "--workers", "1")
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("共 3 个文件：新入库 2，未变 0，重新读取替换 0，无法读取 1；")
    statuses = dict(query(db, "SELECT path, status FROM files"))
    assert statuses[str(next(iter(written)))] == "findings"
    assert statuses[str(tmp_path / "absent.txt")] == "unreadable"
    assert query(db, "SELECT message FROM files WHERE path = :p", p=str(tmp_path / "absent.txt")) == [("文件不存在",)]


def test_reingest_is_unchanged(db: str, folder: tuple[Path, dict[Path, ReportSpec]]) -> None:
    root, _ = folder
    ingest(db, root, workers=2)
    before = {table: query(db, f"SELECT COUNT(*) FROM {table}") for table in TABLES}
    ids = query(db, "SELECT id, sha256 FROM reports ORDER BY id")
    summary = ingest(db, root, workers=2)
    assert {k: summary[k] for k in SUMMARY_KEYS} == {"files": 9, "new": 0, "unchanged": 7, "replaced": 0, "unreadable": 2}
    assert {table: query(db, f"SELECT COUNT(*) FROM {table}") for table in TABLES} == before
    assert query(db, "SELECT id, sha256 FROM reports ORDER BY id") == ids


def test_a_batch_that_collides_with_another_writer_is_retried(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two ingests sharing PostgreSQL may store the same content or agency name at once: the
    losing batch's IntegrityError is retried (it sees the other's rows), not the end of the run."""
    from sqlalchemy.exc import IntegrityError

    import gongkai.store as store_module

    real = store_module.save_batch
    calls = []

    def colliding(connection: Connection, items: Any, parser_version: str) -> list[int]:
        calls.append(len(items))
        if len(calls) == 1:
            raise IntegrityError("INSERT INTO agencies …", {}, Exception("duplicate key value violates unique constraint"))
        return real(connection, items, parser_version)

    monkeypatch.setattr(store_module, "save_batch", colliding)
    from gongkai.api import check_text

    record = check_text((Path(__file__).parents[1] / "samples" / "2023_赣州市.txt").read_text(encoding="utf-8"), path="/x/a.txt")
    with Store(db) as store:
        assert store.save(record, "/x/a.txt", 10, "a" * 64) in ("read", "findings")
        assert len(calls) == 2 and store.counts()["reports"] == 1


def test_parser_upgrade_rereads_and_replaces(db: str, folder: tuple[Path, dict[Path, ReportSpec]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, paths = folder
    ingest(db, root)
    old = str(query(db, "SELECT DISTINCT parser_version FROM reports")[0][0])
    one = max(paths)
    monkeypatch.setattr("gongkai.store.PARSER_VERSION", "99.0.0")
    summary = ingest(db, one)  # one file first: the version is kept per record
    assert (summary["replaced"], summary["new"]) == (1, 0)
    versions = dict(query(db, "SELECT path, parser_version FROM reports"))
    assert versions.pop(str(one)) == "99.0.0" and set(versions.values()) == {old}
    summary = ingest(db, root, workers=2)
    # The other 5 readable contents and the 2 unreadable ones are read again; the copy and the
    # file just upgraded are unchanged.
    assert {k: summary[k] for k in SUMMARY_KEYS} == {"files": 9, "new": 0, "unchanged": 2, "replaced": 5, "unreadable": 2}
    assert query(db, "SELECT DISTINCT parser_version FROM reports") == [("99.0.0",)]
    assert query(db, "SELECT DISTINCT parser_version FROM documents") == [("99.0.0",)]
    assert query(db, "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM reports") == [(6, 6)]
    assert query(db, "SELECT COUNT(*) FROM files") == [(9,)]


def test_edited_file_replaces_its_old_version(db: str, tmp_path: Path) -> None:
    """A republished (corrected) report at the same path: the old version leaves the store, and
    the cross-year findings are those of the new one."""
    specs, _ = plant_series(series(19, 1, years=(2023, 2024)), "carry_over_chain", random.Random(4), year=2024)
    written = write_reports(specs, tmp_path, ("text-tabs",))
    ingest(db, tmp_path, tmp_path)  # a folder named twice is read once
    assert len(cross_year_findings(db)) == 2 and query(db, "SELECT COUNT(*) FROM files") == [(2,)]
    later = next(p for p, s in written.items() if s.year == 2024)
    corrected = series(19, 1, years=(2023, 2024))[1]
    write_reports([corrected], tmp_path / "tmp", ("text-tabs",))
    shutil.move(str(next((tmp_path / "tmp").rglob("*.txt"))), later)
    shutil.rmtree(tmp_path / "tmp")
    summary = ingest(db, tmp_path)
    assert {k: summary[k] for k in SUMMARY_KEYS} == {"files": 2, "new": 1, "unchanged": 1, "replaced": 0, "unreadable": 0}
    assert query(db, "SELECT COUNT(*) FROM reports") == query(db, "SELECT COUNT(*) FROM documents") == [(2,)]
    assert query(db, "SELECT COUNT(*) FROM reports WHERE path = :p", p=str(later)) == [(1,)]
    assert cross_year_findings(db) == set()


def test_the_database_in_the_folder_is_not_ingested(backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cd reports && gongkai ingest .` with the default gongkai.db in that folder."""
    if backend.name != "sqlite":
        pytest.skip("the SQLite file only")
    write_reports(series(20, 1, years=(2023, 2024)), tmp_path, ("text-tabs",))
    monkeypatch.chdir(tmp_path)
    code, out = gongkai("ingest", ".", "--format", "json")
    assert code == 0 and (tmp_path / "gongkai.db").is_file()
    code, out = gongkai("ingest", ".", "--format", "json")
    assert json.loads(out.strip().splitlines()[-1])["files"] == 2
    assert [Path(p).suffix for (p,) in query(str(tmp_path / "gongkai.db"), "SELECT path FROM files")] == [".txt", ".txt"]


def _work_or_die(task: Task) -> Record:
    """A reader that takes its process down on one file, as a native-library crash would."""
    if task.path.endswith("2023-text-tabs.txt"):
        os._exit(11)
    return _real_work(task)


def test_a_worker_crash_costs_one_file(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the crashing reader reaches the workers only when they are forked")
    written = write_reports(series(21, 4, years=(2022, 2023, 2024)), tmp_path, ("text-tabs",))
    monkeypatch.setattr("gongkai.pipeline.work.work", _work_or_die)
    summary = ingest(db, tmp_path, workers=2)
    assert (summary["files"], summary["new"], summary["unreadable"]) == (len(written), len(written) - 4, 4)
    rows = query(db, "SELECT path, status, message FROM files WHERE status = 'unreadable'")
    assert {Path(p).name for p, _, _ in rows} == {"2023-text-tabs.txt"}
    assert all("进程意外退出" in message for _, _, message in rows)


def test_cells_keep_every_value_with_provenance(db: str, tmp_path: Path) -> None:
    written = write_reports(series(13, 1, years=(2023, 2024)), tmp_path, ("text-tabs", "docx"))
    ingest(db, tmp_path)
    for path, spec in written.items():
        (report_id, record_json), = query(db, "SELECT id, record_json FROM reports WHERE path = :p", p=str(path))
        record = Record.from_dict(json.loads(record_json))
        stored = {
            f"{tbl}.{row}.{col}": (value, page, line, cell_text)
            for tbl, row, col, value, page, line, cell_text in query(
                db, "SELECT tbl, row, col, value, page, line, text FROM cells WHERE report_id = :i", i=report_id
            )
        }
        table_name = {"三": "requests", "四": "review_litigation", "二": "active"}
        stored = {f"{table_name[k.split('.')[0]]}.{k.split('.', 1)[1]}": v for k, v in stored.items()}
        assert set(stored) == set(record.cell_values())
        for key, value in expected_cells(spec).items():
            got, page, line, cell_text = stored[key]
            assert got == value, key
            assert cell_text and float(re.sub(r"[^\d.\-]", "", cell_text)) == value, (key, cell_text)
            assert line is not None or page is not None, key


# ------------------------------------------------------------------ agencies


def test_typo_and_city_prefix_join_one_agency(db: str, tmp_path: Path) -> None:
    specs = series(14, 3)
    office, bureau, centre = specs[:3], specs[3:6], specs[6:]
    for spec in office:
        spec.agency = spec.series = "高安市行政服务中心管委会"
    office[1].agency = "高安市行政务服务中心管委会"  # the corpus's own typo
    for spec in bureau:
        spec.agency = spec.series = "赣州市章贡区交通运输局"
    bureau[0].agency = "章贡区交通运输局"
    for spec, name in zip(centre, ("南康区公共资源交易中心", "湖州市南康区公共资源交易心中心", "湖州市南康区公共资源交易中心"), strict=True):
        spec.agency, spec.series = name, "湖州市南康区公共资源交易中心"  # both slips, one year each
    written = write_reports(specs, tmp_path, ("text-tabs", "html-utf8", "docx"))
    ingest(db, tmp_path)
    reports = query(db, "SELECT agency, agency_key FROM reports")
    assert {a for a, _ in reports} == {s.agency for s in specs}
    keys = {agency: key for agency, key in reports}
    assert keys["高安市行政务服务中心管委会"] == keys["高安市行政服务中心管委会"]
    assert keys["章贡区交通运输局"] == keys["赣州市章贡区交通运输局"]
    assert len({keys[s.agency] for s in centre}) == 1
    assert len({keys[s.agency] for s in specs}) == 3
    code, out = gongkai("agencies", "--db", db, "--format", "json")
    assert code == 0
    names = {entry["name"]: entry for entry in json.loads(out)}
    # The name seen first founds the agency (exact), the other joins it (fuzzy, for review).
    assert names["高安市行政服务中心管委会"]["method"] == "exact" and names["高安市行政务服务中心管委会"]["method"] == "fuzzy"
    assert names["章贡区交通运输局"]["method"] == "exact" and names["赣州市章贡区交通运输局"]["method"] == "fuzzy"
    code, out = gongkai("agencies", "--db", db)
    assert code == 0 and "高安市行政务服务中心管委会\t模糊" in out and "请核对" in out
    assert len(written) == 9


def test_distinct_agencies_stay_apart(db: str, tmp_path: Path) -> None:
    """One character apart in the city (洛阳/衡阳) or in a short organ (民政局/财政局): different agencies."""
    names = ["洛阳市文化广电新闻出版旅游局", "衡阳市文化广电新闻出版旅游局", "赣州市民政局", "赣州市财政局"]
    specs = series(15, 4, years=(2023,))
    for spec, name in zip(specs, names, strict=True):
        spec.agency = spec.series = name
    write_reports(specs, tmp_path, ("text-tabs",))
    ingest(db, tmp_path)
    assert len({key for _, key in query(db, "SELECT agency, agency_key FROM reports")}) == 4


def test_manual_link_overrides_and_cross_year_findings_follow(db: str, tmp_path: Path) -> None:
    specs, plant = plant_series(series(16, 1, years=(2023, 2024)), "carry_over_chain", random.Random(2), year=2024)
    specs[0].agency = specs[0].series = specs[1].series = "赣州市卫生健康委"
    specs[1].agency = "赣州市卫生健康委员会"  # renamed: not a typo, so not matched automatically
    written = write_reports(specs, tmp_path, ("text-markdown",))
    paths = {spec.year: str(path) for path, spec in written.items()}
    ingest(db, tmp_path)
    assert cross_year_findings(db) == set()
    keys = dict(query(db, "SELECT agency, agency_key FROM reports"))
    assert keys["赣州市卫生健康委"] != keys["赣州市卫生健康委员会"]

    code, out = gongkai("agencies", "--db", db, "--link", "赣州市卫生健康委员会", keys["赣州市卫生健康委"])
    assert code == 0 and "已将" in out
    found = {(rule, year, row, col, other) for rule, _, year, row, col, other in cross_year_findings(db)}
    assert found == {(r, y, row, col, paths[2023]) for r, _, y, row, col in plant.expected_findings()}
    assert query(db, "SELECT method FROM agency_names WHERE name = '赣州市卫生健康委员会'") == [("manual",)]
    ingest(db, tmp_path)  # a later ingest keeps the person's decision
    assert query(db, "SELECT method FROM agency_names WHERE name = '赣州市卫生健康委员会'") == [("manual",)]
    assert len(cross_year_findings(db)) == 2

    code, _ = gongkai("agencies", "--db", db, "--link", "赣州市卫生健康委员会", "另一个机关")  # and undone
    assert code == 0 and cross_year_findings(db) == set()


# ------------------------------------------------------------------ cross-year rules


@pytest.mark.parametrize("order", ["later-years-first", "one-run"])
def test_cross_year_findings_whatever_the_order(db: str, tmp_path: Path, order: str) -> None:
    base = series(17, 3, years=(2021, 2022, 2023))
    plants: list[SeriesPlant] = []
    specs: list[ReportSpec] = []
    rng = random.Random(17)
    for index, kind in enumerate(("carry_over_chain", "stock_continuity", "copied_text")):
        planted, plant = plant_series(base[3 * index : 3 * index + 3], kind, rng)
        specs.extend(planted)
        plants.append(plant)
    written = write_reports(specs, tmp_path / "in", TEXTS)
    if order == "one-run":
        summary = ingest(db, tmp_path / "in", workers=2)
    else:
        for year in (2023, 2022, 2021):
            summary = ingest(db, *[p for p, s in written.items() if s.year == year])
    assert summary["cross_year"] == len(planted_found(plants, written))
    assert cross_year_findings(db) == planted_found(plants, written)
    # The findings are in the reports read back from the store, too.
    stored = [f for item in Store(db).reports() for f in item.record.findings if f.rule in CROSS]
    assert len(stored) == len(planted_found(plants, written))


def _random_stored_reports(base: list[Record], rng: random.Random) -> list[tuple[Record, str, int, str]]:
    """Reports of 30 agencies over a few years, with random cells where the cross-year rules look
    (nulls, fractions, breaks and agreements), some years printed twice, other templates, reports
    that are not reports, narratives copied from the year before or not."""
    chosen: list[tuple[Record, str, int, str]] = []
    values = [None, 0, 1, 2, 3, 7, 2.5]
    for agency in range(30):
        name = f"随机区第{agency}局"
        years = sorted(rng.sample(range(2019, 2026), rng.randint(1, 5)))
        if rng.random() < 0.2:
            years.append(rng.choice(years))  # the same year printed twice: the first stored is compared
        narrative_before: list[dict[str, Any]] | None = None
        for year in years:
            record = Record.from_dict(rng.choice(base).to_dict())
            sha = uuid.uuid4().hex * 2
            record.source.path, record.source.sha256 = f"随机/{name}/{year}-{sha[:6]}.txt", sha
            record.agency, record.year = name, year
            record.template = rng.choice([formats.TEMPLATE_2021] * 4 + [formats.TEMPLATE_2019, formats.TEMPLATE_PRE2019])
            for row in ("carried_over", "carried_forward"):
                if row in record.rows:
                    record.rows[row] = None if rng.random() < 0.05 else [rng.choice(values) for _ in formats.REQUEST_COLUMNS]
            for row in formats.ACTIVE_ROWS_2021[:2]:
                if row.key in record.active:
                    record.active[row.key] = {field.key: rng.choice(values) for field in row.fields}
            if narrative_before is not None and rng.random() < 0.4:
                record.sections = json.loads(json.dumps(narrative_before))  # copied from the year before
            narrative_before = record.sections
            if rng.random() < 0.05:
                record.findings.append(Finding("not_a_report", "GK001", "error", "不是年度报告", {}))
            chosen.append((record, record.source.path, 1000, sha))
    rng.shuffle(chosen)  # stored in any order: the lowest id of a year is its first stored report
    return chosen


def _cross_year_oracle(store: Store) -> list[tuple[Any, ...]]:
    """The cross-year findings as the rule functions find them on the loaded records: each
    report against the first stored report of its agency for the year before, neither printing
    the pre-2019 format nor being unreadable or not a report."""
    from gongkai.check.registry import Context
    from gongkai.store.batch import finding_values

    out = []
    keys = {item.agency_key for item in store.reports() if item.agency_key}
    for key in sorted(keys):
        stored = store.reports_of_agency_key(key)
        first: dict[int, Any] = {}
        for item in sorted(stored, key=lambda item: item.id):
            first.setdefault(item.record.year, item)

        def comparable(record: Record) -> bool:
            return record.template != formats.TEMPLATE_PRE2019 and not any(f.rule in ("unreadable", "not_a_report") for f in record.findings)

        for item in stored:
            previous = first.get((item.record.year or 0) - 1)
            if previous is None or not comparable(item.record) or not comparable(previous.record):
                continue
            for rule in CROSS_YEAR_RULES:
                for finding in rule.run(Context(item.record, previous.record)):
                    out.append((item.id, previous.id, *finding_values(finding)))
    return sorted(out, key=repr)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cross_year_pass_in_sql_finds_what_the_rules_find(db: str, seed: int) -> None:
    """The set-based pass (a query over every pair's cells, the narratives compared pair by pair)
    writes exactly the findings the rule functions give on the loaded records, with the same
    words, locations and values; a second pass over some agencies changes nothing."""
    from gongkai.api import check_text
    from gongkai.pipeline import refresh_cross_year

    rng = random.Random(seed)
    samples = sorted((Path(__file__).parents[1] / "samples").glob("*.txt"))
    base = [check_text(path.read_text(encoding="utf-8"), path=str(path)) for path in samples]
    with Store(db) as store:
        store.save_many(_random_stored_reports(base, rng))
        count = refresh_cross_year(store)
        stored = query(db, "SELECT report_id, other_report_id, rule, code, severity, message, tbl, row, col, location_json, expected, actual "
                           "FROM findings WHERE other_report_id IS NOT NULL")  # fmt: skip
        expected = _cross_year_oracle(store)
        assert sorted(stored, key=repr) == expected
        assert count == len(expected)
        assert {row[2] for row in expected} == CROSS  # every rule had something to find
        keys = sorted({item.agency_key for item in store.reports() if item.agency_key})
        before = summaries_of(db)
        refresh_cross_year(store, keys[::3])
        assert sorted(query(db, "SELECT report_id, other_report_id, rule, code, severity, message, tbl, row, col, location_json, expected, actual "
                                "FROM findings WHERE other_report_id IS NOT NULL"), key=repr) == expected  # fmt: skip
        assert summaries_of(db) == before


def test_check_db_compares_with_the_stored_previous_year(db: str, tmp_path: Path) -> None:
    specs, plant = plant_series(series(18, 1, years=(2023, 2024)), "carry_over_chain", random.Random(3), year=2024)
    earlier = write_reports(specs[:1], tmp_path / "stored", ("docx",))
    later = write_reports(specs[1:], tmp_path / "new", ("text-cells",))
    ingest(db, tmp_path / "stored")
    before = {table: query(db, f"SELECT COUNT(*) FROM {table}") for table in TABLES}
    code, out = gongkai("check", "--db", db, "--format", "json", next(iter(later)))
    assert code == 1  # carry_over_chain is an error
    record = json.loads(out)
    hits = [f for f in record["findings"] if f["rule"] in CROSS]
    assert {(f["rule"], f["location"]["row"], f["location"]["column"]) for f in hits} == {(r, row, c) for r, _, _, row, c in plant.expected_findings()}
    assert {f["location"]["previous"] for f in hits} == {str(next(iter(earlier)))}
    assert {table: query(db, f"SELECT COUNT(*) FROM {table}") for table in TABLES} == before  # checking writes nothing
    code, out = gongkai("check", "--db", db, "--format", "json", next(iter(earlier)))  # the earliest year: nothing to compare
    assert not [f for f in json.loads(out)["findings"] if f["rule"] in CROSS]


# ------------------------------------------------------------------ the SQLite file as it is


def test_sqlite_file_opens_with_plain_tools(backend: Backend, db: str, folder: tuple[Path, dict[Path, ReportSpec]]) -> None:
    if backend.name != "sqlite":
        pytest.skip("the SQLite file only")
    ingest(db, folder[0])
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == TABLES
        for table in TABLES:
            for _, column, declared, *_ in connection.execute(f"PRAGMA table_info({table})"):
                # Only types every SQLite tool understands (no custom or JSON types).
                assert re.fullmatch(r"INTEGER|TEXT|FLOAT|BOOLEAN|VARCHAR\(\d+\)", declared), (table, column, declared)
        (cells,) = connection.execute("SELECT COUNT(*) FROM cells").fetchone()
        assert cells > 0
    finally:
        connection.close()
    datasette = pytest.importorskip("datasette.app", reason="datasette is not installed (pip install datasette to test it)")

    async def browse() -> None:
        app = datasette.Datasette([db])
        name = Path(db).stem
        listing = await app.client.get(f"/{name}.json")
        assert listing.status_code == 200
        assert TABLES <= {t["name"] for t in listing.json()["tables"]}
        response = await app.client.get(f"/{name}/files.json?_shape=array&status=unreadable")
        assert response.status_code == 200 and len(response.json()) == 2
        response = await app.client.get(f"/{name}.json?sql=select+count(*)+as+n+from+cells&_shape=array")
        assert response.json() == [{"n": cells}]

    asyncio.run(browse())


# ------------------------------------------------------------------ parity: the same folder on both backends


def _corpus_agencies() -> tuple[str, ...]:
    if not CORPUS.is_dir():
        return ()
    names = {json.loads(p.read_text(encoding="utf-8"))["agency"] for p in (CORPUS / "truth").glob("*.json")}
    return tuple(sorted(names | {"淮安市洪泽区人民政府"}))


@pytest.fixture(scope="module")
def parity_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Path, ReportSpec], list[SeriesPlant]]:
    """Generated reports (60 agencies × 4 years; 520 × 4 with GONGKAI_STORE_FULL=1) beside a copy
    of the corpus when it is there."""
    root = tmp_path_factory.mktemp("parity")
    specs, plants = planted_series(2024, agencies=520 if FULL else 60, plant_rate=0.5, exclude=_corpus_agencies())
    written = write_reports(specs, root / "generated", MIXED)
    if CORPUS.is_dir():
        shutil.copytree(CORPUS, root / "corpus")  # a copy: folders are walked without following links
    return root, written, plants


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything stored, ids replaced by paths and timestamps left out, in a stable order."""
    sql = {
        "files": "SELECT path, sha256, status, message FROM files",
        "documents": "SELECT sha256, media_type, size, pages, status, parser_version FROM documents",
        "reports": "SELECT path, sha256, agency, agency_key, region, year, template, published, errors, warnings, infos, parser_version, record_json FROM reports",
        "cells": "SELECT r.path, c.tbl, c.row, c.col, c.value, c.page, c.line, c.text, c.derived FROM cells c JOIN reports r ON r.id = c.report_id",
        "findings": "SELECT r.path, f.rule, f.code, f.severity, f.message, f.tbl, f.row, f.col, f.location_json, f.expected, f.actual, o.path "
        "FROM findings f JOIN reports r ON r.id = f.report_id LEFT JOIN reports o ON o.id = f.other_report_id",
        "agencies": "SELECT key, name, region FROM agencies",
        "agency_names": "SELECT name, agency_key, method, score FROM agency_names",
        "schema_migrations": "SELECT version, description FROM schema_migrations",
    }
    out = {}
    for table, statement in sql.items():
        rows = [tuple(bool(v) if table == "cells" and i == 8 else v for i, v in enumerate(row)) for row in query(url, statement)]
        out[table] = sorted(rows, key=repr)
    return out


def test_parity_sqlite_postgresql(tmp_path: Path, parity_folder: tuple[Path, dict[Path, ReportSpec], list[SeriesPlant]]) -> None:
    server, reason = _pg_server()
    if server is None:
        pytest.skip(reason)
    root, written, plants = parity_folder
    sqlite_db = str(tmp_path / "parity.db")
    pg = Backend("postgresql", tmp_path, server)
    try:
        pg_db = pg.url()
        # One worker: results are stored as they finish, so only a single worker gives both
        # backends the same order, and so the same ids, to compare row by row.
        first = ingest(sqlite_db, root, workers=1)
        second = ingest(pg_db, root, workers=1)
        assert first == second
        assert first["files"] == sum(1 for p in root.rglob("*") if p.is_file())
        assert first["new"] + first["unchanged"] + first["unreadable"] == first["files"]
        lite, post = _dump(sqlite_db), _dump(pg_db)
        for table in lite:
            assert len(lite[table]) == len(post[table]), table
            assert lite[table] == post[table], table
        assert len(lite["reports"]) >= len(written)
        print(f"parity: {first}; {len(lite['reports'])} reports, {len(lite['cells'])} cells, {len(lite['findings'])} findings, identical")

        # Every planted cross-year inconsistency is found, and no other cross-year finding.
        assert cross_year_findings(sqlite_db) == planted_found(plants, written)
        assert {k for k in ("carry_over_chain", "stock_continuity", "copied_text")} == {p.rule for p in plants}
        # One agency key per generated agency, whatever its printed names; no two share one.
        keys: dict[str, set[str]] = {}
        stored = {Path(path): key for path, key in query(sqlite_db, "SELECT path, agency_key FROM reports")}
        for path, spec in written.items():
            keys.setdefault(spec.series, set()).add(stored[path])
        assert all(len(k) == 1 for k in keys.values()), {a: k for a, k in keys.items() if len(k) > 1}
        assert len({next(iter(k)) for k in keys.values()}) == len(keys)
        # And none of them is reported for a generated report on its own.
        bad = query(sqlite_db, "SELECT r.path, f.rule FROM findings f JOIN reports r ON r.id = f.report_id WHERE f.severity IN ('error', 'warning')")
        assert [(p, rule) for p, rule in bad if "/generated/" in p and rule not in CROSS] == []
    finally:
        pg.drop_all()


# ------------------------------------------------------------------ kill -9 in the middle of an ingest


def _count(url: str, sql: str) -> int:
    try:
        rows = query(url, sql)
    except Exception:  # noqa: BLE001  (the database may not exist yet, or be mid-migration)
        return 0
    return int(rows[0][0]) if rows else 0


def test_kill_9_then_the_same_command_again(db: str, tmp_path: Path) -> None:
    specs, plants = planted_series(99, agencies=80, years=(2021, 2022, 2023, 2024), plant_rate=0.4)
    written = write_reports(specs, tmp_path / "in", TEXTS)
    command = [sys.executable, "-m", "gongkai", "ingest", str(tmp_path / "in"), "--db", db, "--workers", "2", "--format", "json"]
    env = {**os.environ, "PYTHONUTF8": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env)
    deadline = time.monotonic() + 120
    while _count(db, "SELECT COUNT(*) FROM files") < 40:
        assert process.poll() is None, "the ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the command and its workers, mid-way
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    stored = _count(db, "SELECT COUNT(*) FROM files")
    assert 40 <= stored < len(written)

    again = subprocess.run(command, check=False, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["files"] == len(written)
    assert summary["unchanged"] >= stored and summary["new"] + summary["unchanged"] == len(written)
    assert summary["replaced"] == summary["unreadable"] == 0

    paths = [Path(p) for (p,) in query(db, "SELECT path FROM files")]
    assert sorted(paths) == sorted(written)  # every file exactly once
    assert query(db, "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents") == [(len(written), len(written))]
    assert query(db, "SELECT COUNT(*), COUNT(DISTINCT sha256), COUNT(DISTINCT path) FROM reports") == [(len(written),) * 3]
    # No half-stored report: each has all its cells, every cell and finding belongs to a report.
    for report_id, record_json, cells in query(
        db, "SELECT r.id, r.record_json, (SELECT COUNT(*) FROM cells c WHERE c.report_id = r.id) FROM reports r"
    ):
        assert cells == len(Record.from_dict(json.loads(record_json)).cell_values()), report_id
    assert query(db, "SELECT COUNT(*) FROM cells WHERE report_id NOT IN (SELECT id FROM reports)") == [(0,)]
    assert query(db, "SELECT COUNT(*) FROM findings WHERE report_id NOT IN (SELECT id FROM reports)") == [(0,)]
    if not db.startswith("postgresql"):
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
    # The cross-year pass that the kill cut short ran in the second command.
    assert cross_year_findings(db) == planted_found(plants, written)


def test_a_nul_in_printed_text_is_stored_on_every_backend(db: str, tmp_path: Path) -> None:
    """PostgreSQL text cannot hold NUL: one such agency name must not fail its batch."""
    text = (Path(__file__).resolve().parents[1] / "samples" / "2023_赣州市.txt").read_text(encoding="utf-8")
    from gongkai.api import check_text

    record = check_text(text, path=str(tmp_path / "nul.txt"))
    assert record.agency
    record.agency = record.agency[:2] + "\x00" + record.agency[2:]
    for provenance in record.provenance.values():
        provenance.text = provenance.text + "\x00"
    with Store(db) as store:
        assert store.save(record, str(tmp_path / "nul.txt"), 1, "0" * 64) in ("read", "findings")
        [stored] = list(store.reports())
    assert stored.record.agency == record.agency  # the record JSON keeps it exactly


def _table_two_report(year: int, normative: str) -> str:
    """A short report of 某县林业局 whose table 二 prints the 行政规范性文件 row as given."""
    return (
        f"某县林业局{year}年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数\n"
        f"规章 0 0 0\n行政规范性文件{normative}\n第二十条第（五）项 信息内容 本年处理决定数量\n行政许可 12\n"
    )


@pytest.mark.parametrize("order", ["earlier-year-first", "later-year-first"])
def test_last_years_stock_settles_digits_run_together(db: str, tmp_path: Path, order: str) -> None:
    """"5183207" alone has many readings; with 2022's 现行有效 3220 stored, only 5 18 3207 keeps the
    stock continuous (3220 + 5 − 18 = 3207), whichever year is ingested first."""
    earlier, later = tmp_path / "2022.txt", tmp_path / "2023.txt"
    earlier.write_text(_table_two_report(2022, " 2 9 3220"), encoding="utf-8")
    later.write_text(_table_two_report(2023, "5183207"), encoding="utf-8")
    first, second = (earlier, later) if order == "earlier-year-first" else (later, earlier)
    assert ingest(db, first)["settled_by_last_year"] == 0
    assert ingest(db, second)["settled_by_last_year"] == 1
    stored = {item.record.year: item.record for item in Store(db).reports()}
    assert stored[2023].active["normative_documents"] == {"issued": 5, "repealed": 18, "in_force": 3207}
    provenance = stored[2023].provenance["active.normative_documents.in_force"]
    assert provenance.text == "5183207"
    split = [f for f in stored[2023].findings if f.rule == "digits_split"]
    assert split and all("2022年" in f.message for f in split)
    assert not [f for f in stored[2023].findings if f.rule == "stock_continuity"]
    assert ingest(db, tmp_path)["settled_by_last_year"] == 0  # nothing left to settle


def test_last_years_stock_never_forces_a_reading(db: str, tmp_path: Path) -> None:
    """When no reading keeps the stock continuous (the agency broke it), the cells stay null."""
    (tmp_path / "2022.txt").write_text(_table_two_report(2022, " 2 9 9999"), encoding="utf-8")
    (tmp_path / "2023.txt").write_text(_table_two_report(2023, "5183207"), encoding="utf-8")
    assert ingest(db, tmp_path)["settled_by_last_year"] == 0
    stored = {item.record.year: item.record for item in Store(db).reports()}
    assert stored[2023].active["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}


def test_check_db_reads_with_the_stored_previous_year(db: str, tmp_path: Path) -> None:
    (tmp_path / "stored").mkdir()
    (tmp_path / "stored" / "2022.txt").write_text(_table_two_report(2022, " 2 9 3220"), encoding="utf-8")
    later = tmp_path / "2023.txt"
    later.write_text(_table_two_report(2023, "5183207"), encoding="utf-8")
    ingest(db, tmp_path / "stored")
    _code, out = gongkai("check", "--db", db, "--format", "json", later)
    record = json.loads(out)
    record = record[0] if isinstance(record, list) else record
    assert record["active"]["normative_documents"] == {"issued": 5, "repealed": 18, "in_force": 3207}
    _code, out = gongkai("check", "--format", "json", later)  # without the store: not settled
    record = json.loads(out)
    record = record[0] if isinstance(record, list) else record
    assert record["active"]["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
