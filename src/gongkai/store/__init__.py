"""Store many reports: SQLite by default (a file, no server), PostgreSQL by URL for shared use.

One `Store` wraps a SQLAlchemy engine; every write of one document is one transaction, so an
interrupted ingest (Ctrl-C, kill -9) leaves each document either fully stored or not at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.exc import ArgumentError, IntegrityError

from .. import __version__
from ..model import Record
from . import agencies as agency_match
from .batch import Item, Rows, note_paths, save_batch, to_rows
from .crossyear import Comparison, YearPairs, replace_cross_year, with_last_year
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
    migrate,
    reports,
)

DEFAULT_DB = "gongkai.db"
PARSER_VERSION = __version__
T = TypeVar("T")
PAGE = 500  # reports loaded per query when listing

__all__ = ["DEFAULT_DB", "PARSER_VERSION", "Comparison", "Rows", "Store", "StoreError", "StoredReport", "YearPairs", "database_url", "to_rows"]


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
                if connection.dialect.name == "sqlite":
                    # Take the write lock first (waiting for it up to busy_timeout): a transaction
                    # that read before its first write fails at once if another writer committed
                    # in between, which many concurrent writers (web uploads) make likely.
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
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

    def documents_of(self, shas: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(parser version, status) of each of these contents that is stored."""
        wanted = sorted(set(shas))
        found: dict[str, tuple[str, str]] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                query = select(documents.c.sha256, documents.c.parser_version, documents.c.status).where(documents.c.sha256.in_(wanted[start : start + 500]))
                found.update({row.sha256: (row.parser_version, row.status) for row in connection.execute(query)})
        return found

    def current_statuses(self, shas: Iterable[str]) -> dict[str, str]:
        """The status of each of these contents stored as read by this version of the parser."""
        return {sha: status for sha, (version, status) in self.documents_of(shas).items() if version == PARSER_VERSION}

    def agency_keys_of(self, shas: Iterable[str]) -> set[str]:
        wanted = list(shas)
        keys: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                query = select(reports.c.agency_key).where(reports.c.sha256.in_(wanted[start : start + 500]))
                found: list[str | None] = list(connection.scalars(query))
                keys.update(key for key in found if key)
        return keys

    def shas_of_paths(self, paths: Iterable[str]) -> dict[str, str | None]:
        """The content hash each of these input paths had when it was last ingested (if it was)."""
        wanted = sorted(set(paths))
        found: dict[str, str | None] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                query = select(files.c.path, files.c.sha256).where(files.c.path.in_(wanted[start : start + 500]))
                found.update({row.path: row.sha256 for row in connection.execute(query)})
        return found

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
        self._transaction(lambda connection: note_paths(connection, rows))

    def save(self, record: Record, path: str, size: int | None = None, sha256: str | None = None) -> str:
        """Store a checked record in one transaction, replacing an earlier reading of the same content.

        `sha256` is the content's hash as the caller computed it; it is required when the
        reader could not hash the file itself (an unreadable file has no hash in its record).
        """
        sha = sha256 or record.source.sha256
        if not sha:
            raise ValueError(f"no content hash for {path}")
        return self.save_many([(record, path, size, sha)])[0]

    def save_many(self, items: Iterable[tuple[Record | Rows, str, int | None, str]]) -> list[str]:
        """Store several checked records (record or its `Rows`, path, size, sha256) in one
        transaction: all or none of them. Their statuses, in order."""
        batch = []
        for record, path, size, sha in items:
            rows = record if isinstance(record, Rows) else to_rows(record, sha)
            batch.append(Item(rows, path, size, sha, status_of(rows.record)))

        def write(connection: Connection) -> list[str]:
            save_batch(connection, batch, PARSER_VERSION)
            return [item.status for item in batch]

        for attempt in range(3):
            try:
                return self._transaction(write)
            except StoreError as error:
                # Another process stored the same content or agency name meanwhile (shared
                # PostgreSQL): the next attempt sees its rows and replaces or joins them.
                if not isinstance(error.__cause__, IntegrityError) or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def replace_cross_year(
        self, compare: Comparison, keys: Iterable[str] | None = None, *, skip_templates: Sequence[str] = (), skip_rules: Sequence[str] = ()
    ) -> int:
        """Replace the cross-year findings of every report of the given agencies (all if None) by
        what `compare` finds in their pairs (`YearPairs`: each report with the first stored report
        of its agency for the year before, neither printing one of `skip_templates` nor having a
        finding of `skip_rules`); the number of findings kept.

        A cross-year finding belongs to the later report and names the earlier one
        (`other_report_id`). The whole replacement is one transaction, under a lock that two
        ingests into one PostgreSQL database take in turn.
        """
        return self._transaction(lambda connection: replace_cross_year(connection, compare, keys, skip_templates, skip_rules))

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

    def with_last_year(self, keys: Iterable[str], rule: str, table: str) -> list[tuple[str, str, int, Record]]:
        """The reports of these agencies having a finding of `rule` in table `table` (e.g. "二")
        while the store holds their agency's report of the year before, in the same template:
        (content hash, path, how many of its cells in that table hold a number, last year's
        record — the first stored of that year)."""
        found = self._transaction(lambda connection: with_last_year(connection, keys, rule, table))
        return [(sha, path, placed, Record.from_dict(json.loads(previous))) for sha, path, placed, previous in found]

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
