"""Store many reports: SQLite by default (a file, no server), PostgreSQL by URL for shared use.

One `Store` wraps a SQLAlchemy engine; every write of one document is one transaction, so an
interrupted ingest (Ctrl-C, kill -9) leaves each document either fully stored or not at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select
from sqlalchemy.exc import ArgumentError, IntegrityError

from .. import __version__, formats
from ..model import Finding, Record
from . import agencies as agency_match
from .guard import StoreError, check_ownership, claim, masked, retrying, use_wal
from .review import ReviewStore
from .schema import (
    agencies,
    agency_names,
    cells,
    current_version,
    documents,
    files,
    findings,
    lock,
    migrate,
    now,
    raise_version,
    refresh_summaries,
    report_summaries,
    reports,
)

DEFAULT_DB = "gongkai.db"
PARSER_VERSION = __version__
T = TypeVar("T")
PAGE = 500  # reports loaded per query when listing

__all__ = ["DEFAULT_DB", "PARSER_VERSION", "Comparison", "Store", "StoreError", "StoredReport", "database_url"]


def database_url(text: str | None) -> str:
    """A SQLAlchemy URL from what a user types: a file path, sqlite:///…, or postgresql://…."""
    if not text:
        text = DEFAULT_DB
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text)}"


def status_of(record: Record) -> str:
    if record.notes.fatal or any(f.rule == "unreadable" for f in record.findings):
        return "unreadable"
    return "findings" if any(f.severity in ("error", "warning") for f in record.findings) else "read"


@dataclass(frozen=True)
class StoredReport:
    id: int
    record: Record
    agency_key: str | None
    region: str | None


# What the cross-year pass computes for one agency's stored reports: (report id, finding, id of
# the report it was compared with). The store keeps these findings; the pipeline computes them.
Comparison = Callable[[list[StoredReport]], Iterable[tuple[int, Finding, int]]]


class Store(ReviewStore):
    """One database. Opening it checks that it is gongkai's and not newer than this version, and
    brings its schema up to date; every database failure leaves as a `StoreError`."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except (ArgumentError, ImportError, ValueError) as error:
            raise StoreError(f"数据库地址无效：{masked(self.url)}（{type(error).__name__}）") from error
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        for attempt in range(3):
            try:
                self._transaction(_open)
                break
            except StoreError as error:
                # Two processes creating one new database: the slower one's migration collides
                # with the faster one's; opening again finds the schema in place.
                if not isinstance(error.__cause__, IntegrityError) or attempt == 2:
                    raise

        def wal() -> None:
            with self.engine.connect() as connection:
                use_wal(connection)

        retrying(wal, self.url)

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction, retried while another writer holds the database."""

        def attempt() -> T:
            with self.engine.begin() as connection:
                return work(connection)

        return retrying(attempt, self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        with self.engine.connect() as connection:
            return current_version(connection)

    # -------------------------------------------------------------- writing

    def parser_version_of(self, sha256: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.scalar(select(documents.c.parser_version).where(documents.c.sha256 == sha256))

    def is_current(self, sha256: str) -> bool:
        """Whether a content is stored as read by this version of the parser."""
        return self.parser_version_of(sha256) == PARSER_VERSION

    def document_status(self, sha256: str) -> str:
        with self.engine.connect() as connection:
            return str(connection.scalar(select(documents.c.status).where(documents.c.sha256 == sha256)) or "unreadable")

    def agency_keys_of(self, shas: Iterable[str]) -> set[str]:
        wanted = list(shas)
        keys: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                query = select(reports.c.agency_key).where(reports.c.sha256.in_(wanted[start : start + 500]))
                found: list[str | None] = list(connection.scalars(query))
                keys.update(key for key in found if key)
        return keys

    def sha_of_path(self, path: str) -> str | None:
        """The content hash an input path had when it was last ingested."""
        with self.engine.connect() as connection:
            return connection.scalar(select(files.c.sha256).where(files.c.path == path))

    def own_files(self) -> set[str]:
        """The files of the database itself (SQLite), which an ingest of its folder must skip."""
        database = self.engine.url.database if self.dialect == "sqlite" else None
        if not database or database == ":memory:":
            return set()
        main = os.path.abspath(database)
        return {main, *(main + suffix for suffix in ("-wal", "-shm", "-journal"))}

    def note_file(self, path: str, sha256: str | None, status: str, message: str | None = None) -> None:
        """Record that an input path was seen (with its content hash and status)."""
        self.note_files([(path, sha256, status, message)])

    def note_files(self, notes: Iterable[tuple[str, str | None, str, str | None]]) -> None:
        """Record several input paths (path, content hash, status, message) in one transaction."""
        rows = list(notes)

        def write(connection: Connection) -> None:
            for path, sha256, status, message in rows:
                _note_file(connection, path, sha256, status, message)

        self._transaction(write)

    def save(self, record: Record, path: str, size: int | None = None, sha256: str | None = None) -> str:
        """Store a checked record in one transaction, replacing an earlier reading of the same content.

        `sha256` is the content's hash as the caller computed it; it is required when the
        reader could not hash the file itself (an unreadable file has no hash in its record).
        """
        sha = sha256 or record.source.sha256
        if not sha:
            raise ValueError(f"no content hash for {path}")
        return self.save_many([(record, path, size, sha)])[0]

    def save_many(self, items: Iterable[tuple[Record, str, int | None, str]]) -> list[str]:
        """Store several checked records (record, path, size, sha256) in one transaction: all or
        none of them. Their statuses, in order."""
        batch = list(items)

        def write(connection: Connection) -> list[str]:
            statuses, stored = [], []
            for record, path, size, sha in batch:
                record.source.sha256 = sha
                statuses.append(status_of(record))
                report_id = _store(connection, record, path, size, sha, statuses[-1])
                if report_id is not None:
                    stored.append(report_id)
            if stored:  # once per transaction: one statement for the whole batch
                refresh_summaries(connection, stored)
                raise_version(connection)
            return statuses

        for attempt in range(3):
            try:
                return self._transaction(write)
            except IntegrityError:
                # Another process stored the same content or agency name meanwhile (shared
                # PostgreSQL): the next attempt sees its rows and replaces or joins them.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def replace_cross_year(self, compare: Comparison, keys: Iterable[str] | None = None) -> int:
        """Replace the cross-year findings of every report of the given agencies (all if None) by
        what `compare` finds in each agency's stored reports; the number of findings kept.

        A cross-year finding belongs to the later report and names the earlier one
        (`other_report_id`). The whole replacement is one transaction, under a lock that two
        ingests into one PostgreSQL database take in turn.
        """
        chosen = None if keys is None else set(keys)

        def write(connection: Connection) -> int:
            count = 0
            lock(connection, "cross-year")
            query = select(reports.c.agency_key).distinct().where(reports.c.agency_key.is_not(None))
            wanted = chosen if chosen is not None else set(connection.scalars(query))
            touched: list[int] = []
            for key in sorted(wanted):
                stored = _reports_of(connection, key)
                ids = [item.id for item in stored]
                if ids:
                    connection.execute(delete(findings).where(findings.c.report_id.in_(ids), findings.c.other_report_id.is_not(None)))
                for report_id, finding, other_id in compare(stored):
                    _insert_finding(connection, report_id, finding, other_id)
                    count += 1
                touched += ids
            for start in range(0, len(touched), 5000):  # a bounded number of parameters per statement
                refresh_summaries(connection, touched[start : start + 5000])
            raise_version(connection)
            return count

        return self._transaction(write)

    # -------------------------------------------------------------- reading

    def reports_of_agency(self, name: str) -> list[StoredReport]:
        """The stored reports of the agency a printed name matches (by year), without writing."""
        with self.engine.connect() as connection:
            return _reports_of(connection, agency_match.lookup(connection, name).key)

    def report(self, report_id: int) -> StoredReport | None:
        """One stored report with its findings (cross-year ones included), or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(reports).where(reports.c.id == report_id)).first()
            if row is None:
                return None
            query = select(findings).where(findings.c.report_id == report_id, findings.c.other_report_id.is_not(None))
            cross = [_finding_dict(f) for f in connection.execute(query.order_by(findings.c.id))]
        data = json.loads(row.record_json)
        data["findings"] = data.get("findings", []) + cross
        return StoredReport(row.id, Record.from_dict(data), row.agency_key, row.region)

    def reports_of_agency_key(self, key: str) -> list[StoredReport]:
        """The stored reports of one agency (its key, see `link_agency`), by year."""
        with self.engine.connect() as connection:
            return _reports_of(connection, key)

    def reports(self, page: int = PAGE) -> Iterator[StoredReport]:
        """Every stored report with its findings (cross-year ones included), in id order, loaded
        `page` reports at a time."""
        last = 0
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(select(reports).where(reports.c.id > last).order_by(reports.c.id).limit(page)).all()
                if not rows:
                    return
                ids = [row.id for row in rows]
                cross: dict[int, list[dict[str, Any]]] = {}
                query = select(findings).where(findings.c.report_id.in_(ids), findings.c.other_report_id.is_not(None))
                for row in connection.execute(query.order_by(findings.c.id)):
                    cross.setdefault(row.report_id, []).append(_finding_dict(row))
            for row in rows:
                data = json.loads(row.record_json)
                data["findings"] = data.get("findings", []) + cross.get(row.id, [])
                yield StoredReport(row.id, Record.from_dict(data), row.agency_key, row.region)
            last = ids[-1]

    def files(self) -> list[dict[str, object]]:
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(select(files).order_by(files.c.path))]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {
                table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
                for table in (files, documents, reports, cells, findings, agencies, agency_names)
            }

    def agency_names(self) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            query = select(agency_names, agencies.c.name.label("agency_name")).join(agencies, agencies.c.key == agency_names.c.agency_key)
            return [dict(row._mapping) for row in connection.execute(query.order_by(agency_names.c.agency_key, agency_names.c.name))]

    def link_agency(self, name: str, key: str) -> set[str]:
        """A person's decision that a printed name belongs to agency `key`; the agencies whose
        reports changed (their cross-year findings are to be recomputed)."""

        def write(connection: Connection) -> str | None:
            old = connection.scalar(select(agency_names.c.agency_key).where(agency_names.c.name == name))
            agency_match.link(connection, name, key)
            return old

        old = self._transaction(write)
        return {key} | ({old} if old else set())


def _store(connection: Connection, record: Record, path: str, size: int | None, sha: str, status: str) -> int | None:
    """Store one record's rows (its summary is the caller's to refresh); its report id, if any."""
    old = connection.scalar(select(reports.c.id).where(reports.c.sha256 == sha))
    if old is not None:
        _delete_report(connection, old)
    connection.execute(delete(documents).where(documents.c.sha256 == sha))
    connection.execute(
        documents.insert().values(
            sha256=sha,
            media_type=record.source.media_type,
            size=size,
            pages=record.source.pages,
            status=status,
            parser_version=PARSER_VERSION,
            ingested_at=now(),
        )
    )
    report_id = _insert_report(connection, record, path) if status != "unreadable" else None
    _note_file(connection, path, sha, status, _unreadable_message(record) if status == "unreadable" else None)
    return report_id


def _open(connection: Connection) -> None:
    check_ownership(connection)  # before anything is written to the file
    migrate(connection)
    claim(connection)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _unreadable_message(record: Record) -> str:
    for finding in record.findings:
        if finding.rule == "unreadable":
            return finding.message
    return record.notes.fatal or (record.findings[0].message if record.findings else "无法读取文件")


def _note_file(connection: Connection, path: str, sha256: str | None, status: str, message: str | None) -> None:
    if status == "unreadable" and message is None and sha256:
        # Another path with the same content already says why it cannot be read.
        query = select(files.c.message).where(files.c.sha256 == sha256, files.c.message.is_not(None)).limit(1)
        message = connection.scalar(query) or "无法读取文件（与此前入库的同一内容相同）"
    old = connection.scalar(select(files.c.sha256).where(files.c.path == path))
    connection.execute(delete(files).where(files.c.path == path))
    connection.execute(files.insert().values(path=path, sha256=sha256, status=status, message=message, seen_at=now()))
    if old and old != sha256:
        _forget_if_orphan(connection, old)


def _forget_if_orphan(connection: Connection, sha256: str) -> None:
    """Drop a content no input path has any more (its file was edited or replaced), so that an old
    version of a report is neither counted nor compared with the year after."""
    if connection.scalar(select(files.c.path).where(files.c.sha256 == sha256).limit(1)) is not None:
        return
    report_id = connection.scalar(select(reports.c.id).where(reports.c.sha256 == sha256))
    if report_id is not None:
        _delete_report(connection, report_id)
    connection.execute(delete(documents).where(documents.c.sha256 == sha256))


def _delete_report(connection: Connection, report_id: int) -> None:
    connection.execute(delete(report_summaries).where(report_summaries.c.report_id == report_id))
    connection.execute(delete(cells).where(cells.c.report_id == report_id))
    connection.execute(delete(findings).where((findings.c.report_id == report_id) | (findings.c.other_report_id == report_id)))
    connection.execute(delete(reports).where(reports.c.id == report_id))
    raise_version(connection)


def _insert_report(connection: Connection, record: Record, path: str) -> int:
    match = agency_match.resolve(connection, record.agency) if record.agency else None
    data = record.to_dict()
    result = connection.execute(
        reports.insert().values(
            sha256=record.source.sha256,
            path=path,
            agency=record.agency,
            agency_key=match.key if match else None,
            region=agency_match.region_of(record.agency) if record.agency else None,
            year=record.year,
            template=record.template,
            published=record.published,
            errors=record.count("error"),
            warnings=record.count("warning"),
            infos=record.count("info"),
            parser_version=PARSER_VERSION,
            record_json=json.dumps(data, ensure_ascii=False),
        )
    )
    assert result.inserted_primary_key is not None
    report_id = int(result.inserted_primary_key[0])
    rows = []
    for path_key, value in record.cell_values().items():
        cell = formats.CellPath.parse(path_key)
        provenance = record.provenance.get(path_key)
        rows.append(
            (
                report_id,
                cell.table.number,
                cell.row,
                cell.column,
                None if value is None else float(value),
                provenance.page if provenance else None,
                provenance.line if provenance else None,
                provenance.text if provenance else None,
                bool(provenance and provenance.derived),
            )
        )
    if rows:
        _insert_cells(connection, rows)
    for finding in record.findings:
        _insert_finding(connection, report_id, finding, None)
    return report_id


def _insert_cells(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert cell rows (in `cells` column order) straight through the driver: a report has ~200
    cells, and SQLAlchemy's per-row parameter handling cost more than the insert itself. On
    PostgreSQL one COPY replaces ~200 pipelined INSERTs (a quarter of the time per report)."""
    dialect = connection.dialect
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in cells.columns)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        driver = connection.connection.driver_connection  # the psycopg connection, in this transaction
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY cells ({names}) FROM STDIN") as copy:
            for row in rows:  # COPY bypasses the column types: PostgreSQL text cannot hold NUL
                copy.write_row(tuple(v.replace("\x00", "\ufffd") if isinstance(v, str) else v for v in row))
        return
    placeholder = "?" if dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(f"INSERT INTO cells ({names}) VALUES ({', '.join([placeholder] * len(cells.columns))})", rows)


def _insert_finding(connection: Connection, report_id: int, finding: Finding, other: int | None) -> None:
    location = finding.location
    connection.execute(
        findings.insert().values(
            report_id=report_id,
            rule=finding.rule,
            code=finding.code,
            severity=finding.severity,
            message=finding.message,
            tbl=location.get("table"),
            row=location.get("row"),
            col=location.get("column"),
            location_json=json.dumps(location, ensure_ascii=False),
            expected=None if finding.expected is None else json.dumps(finding.expected, ensure_ascii=False),
            actual=None if finding.actual is None else json.dumps(finding.actual, ensure_ascii=False),
            other_report_id=other,
        )
    )


def _finding_dict(row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": row.rule,
        "code": row.code,
        "severity": row.severity,
        "message": row.message,
        "location": json.loads(row.location_json),
    }
    if row.expected is not None:
        out["expected"] = json.loads(row.expected)
    if row.actual is not None:
        out["actual"] = json.loads(row.actual)
    return out


def _reports_of(connection: Connection, key: str) -> list[StoredReport]:
    query = select(reports.c.id, reports.c.record_json, reports.c.agency_key, reports.c.region).where(reports.c.agency_key == key)
    return [
        StoredReport(row.id, Record.from_dict(json.loads(row.record_json)), row.agency_key, row.region)
        for row in connection.execute(query.order_by(reports.c.year, reports.c.id))
    ]
