"""Write a batch of checked records in one transaction: their rows go into staging tables (COPY on
PostgreSQL, one executemany on SQLite), then a few set-based statements merge the whole batch
into `documents`, `reports`, `cells`, `findings` and `files`.

Per record, only the agency's name is resolved in Python (a new name may create an agency that
the next record of the batch matches); every other step is one statement for the batch, so a
batch of 32 costs about as many round trips as one record did.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, Table, delete, func, insert, select
from sqlalchemy.schema import CreateTable

from .. import formats
from ..model import Finding, Record, narrative
from . import agencies as agency_match
from .schema import StoredText, agency_names, cells, documents, files, findings, now, raise_version, refresh_summaries, report_summaries, reports

_staging = MetaData()


def _stage_of(target: Table, name: str, *, leave: tuple[str, ...] = (), extra: tuple[Column[Any], ...] = ()) -> Table:
    """A temporary table with the target's columns (less `leave`), without its keys: rows are
    checked when they are merged, not when they are staged."""
    columns = [Column(column.name, column.type) for column in target.columns if column.name not in leave]
    return Table(name, _staging, *extra, *columns, prefixes=["TEMPORARY"])


stage_documents = _stage_of(documents, "stage_documents")
stage_reports = _stage_of(reports, "stage_reports", leave=("id",), extra=(Column("seq", Integer),))
# What a finding itself says (`finding_values`): the columns but its id and the reports it ties.
FINDING_COLUMNS = tuple(column.name for column in findings.columns if column.name not in ("id", "report_id", "other_report_id"))
stage_files = _stage_of(files, "stage_files", extra=(Column("seq", Integer),))
_STAGES = (stage_documents, stage_reports, stage_files)

UNREADABLE_AGAIN = "无法读取文件（与此前入库的同一内容相同）"


@dataclass(frozen=True)
class Rows:
    """A checked record as the store writes it. Made where the record was read (a worker
    process, a Dask worker), so that the single writer only copies rows: its JSON, its narrative,
    its cells (without the report's id), and the record without its tables, provenance and
    sections (what the writer and an ingest's summary still read: agency, year, template,
    findings, source)."""

    record: Record
    record_json: str
    narrative: str
    cells: list[tuple[Any, ...]]


def to_rows(record: Record, sha256: str) -> Rows:
    """The rows of a record whose content hash is `sha256` (the hash the record is stored under)."""
    record.source.sha256 = sha256
    head = replace(record, sections=[], active={}, requests={}, review_litigation={}, provenance={})
    return Rows(head, json.dumps(record.to_dict(), ensure_ascii=False), narrative(record.sections), _cell_rows(record))


@dataclass(frozen=True)
class Item:
    """One checked record to store, with the path it was read from and its content hash."""

    rows: Rows
    path: str
    size: int | None
    sha256: str
    status: str

    @property
    def record(self) -> Record:
        return self.rows.record


def save_batch(connection: Connection, items: Sequence[Item], parser_version: str) -> list[int]:
    """Store the items, read by `parser_version` (a later item with the same content replaces an
    earlier one); the ids of the reports written (unreadable documents have none). Summaries are
    refreshed here."""
    latest = {item.sha256: item for item in items}  # the content's last reading wins, as in order
    chosen = list(latest.values())
    shas = list(latest)
    prepare(connection)
    stamp = now()
    # The big tables are searched by lists of this batch's keys, through their indexes: a join
    # with a staging table (which has no statistics) may be planned as a scan of every report.
    _delete_reports(connection, select(reports.c.id).where(reports.c.sha256.in_(shas)))
    connection.execute(delete(documents).where(documents.c.sha256.in_(shas)))
    stage(
        connection, stage_documents, [(i.sha256, i.record.source.media_type, i.size, i.record.source.pages, i.status, parser_version, stamp) for i in chosen]
    )
    connection.execute(insert(documents).from_select([c.name for c in documents.columns], select(*stage_documents.columns)))

    stored = [item for item in chosen if item.status != "unreadable"]
    keys = _agency_keys(connection, [item.record.agency for item in stored if item.record.agency])
    report_rows = []
    for seq, item in enumerate(stored):
        record = item.record
        report_rows.append((
            seq, item.sha256, item.path, record.agency, keys.get(record.agency) if record.agency else None,
            agency_match.region_of(record.agency) if record.agency else None, record.year, record.template, record.published,
            record.count("error"), record.count("warning"), record.count("info"), parser_version, item.rows.record_json, item.rows.narrative,
        ))  # fmt: skip
    stage(connection, stage_reports, report_rows)
    report_columns = [c.name for c in stage_reports.columns if c.name != "seq"]
    ordered = select(*(stage_reports.c[name] for name in report_columns)).order_by(stage_reports.c.seq)
    connection.execute(insert(reports).from_select(report_columns, ordered))
    written = [item.sha256 for item in stored]
    ids: dict[str, int] = dict(connection.execute(select(reports.c.sha256, reports.c.id).where(reports.c.sha256.in_(written))).all()) if written else {}
    # Cells and findings belong to reports written just now: nothing of theirs to merge, so they
    # are copied straight into their tables.
    stage(connection, cells, [(ids[item.sha256], *row) for item in stored for row in item.rows.cells])
    finding_rows = [(ids[item.sha256], *finding_values(f)) for item in stored for f in item.record.findings]
    stage(connection, findings, finding_rows, columns=("report_id", *FINDING_COLUMNS))

    _note_staged(connection, [(i.path, i.sha256, i.status, _unreadable_message(i.record) if i.status == "unreadable" else None) for i in chosen], stamp)
    report_ids = [ids[sha] for sha in written]
    if report_ids:
        refresh_summaries(connection, report_ids)
    raise_version(connection)
    return report_ids


def note_paths(connection: Connection, notes: Iterable[tuple[str, str | None, str, str | None]]) -> None:
    """Record input paths (path, content hash, status, message): a later note of a path wins."""
    prepare(connection)
    _note_staged(connection, list(notes), now())


def finding_values(finding: Finding) -> tuple[Any, ...]:
    """A finding's `FINDING_COLUMNS`, in order."""
    location = finding.location
    return (
        finding.rule,
        finding.code,
        finding.severity,
        finding.message,
        location.get("table"),
        location.get("row"),
        location.get("column"),
        json.dumps(location, ensure_ascii=False),
        None if finding.expected is None else json.dumps(finding.expected, ensure_ascii=False),
        None if finding.actual is None else json.dumps(finding.actual, ensure_ascii=False),
    )


def delete_reports(connection: Connection, ids: Sequence[int]) -> None:
    """Delete these reports with their cells, findings (and the findings naming them) and summaries."""
    if ids:
        _delete_reports(connection, select(reports.c.id).where(reports.c.id.in_(list(ids))))


def _delete_reports(connection: Connection, chosen: Any) -> None:
    ids = list(connection.scalars(chosen))
    if not ids:
        return
    for start in range(0, len(ids), 5000):  # a bounded number of parameters per statement
        some = ids[start : start + 5000]
        connection.execute(delete(report_summaries).where(report_summaries.c.report_id.in_(some)))
        connection.execute(delete(cells).where(cells.c.report_id.in_(some)))
        # Two statements, each through its own index: an OR of both would scan every finding.
        connection.execute(delete(findings).where(findings.c.report_id.in_(some)))
        connection.execute(delete(findings).where(findings.c.other_report_id.in_(some)))
        connection.execute(delete(reports).where(reports.c.id.in_(some)))


def _note_staged(connection: Connection, notes: list[tuple[str, str | None, str, str | None]], stamp: str) -> None:
    latest = {path: (path, sha, status, message) for path, sha, status, message in notes}
    paths = list(latest)
    for start in range(0, len(paths), 1000):  # a bounded number of parameters per statement
        some = paths[start : start + 1000]
        old: dict[str, str | None] = dict(connection.execute(select(files.c.path, files.c.sha256).where(files.c.path.in_(some))).all())
        before = sorted({sha for path, sha in old.items() if sha and sha != latest[path][1]})
        rows = [latest[path] for path in some]
        # An unreadable content noted without a reason (a copy of a file read before): another
        # path with the same content says why.
        silent = sorted({sha for _, sha, status, message in rows if status == "unreadable" and message is None and sha})
        reasons: dict[str, str] = {}
        if silent:
            query = select(files.c.sha256, func.min(files.c.message)).where(files.c.sha256.in_(silent), files.c.message.is_not(None)).group_by(files.c.sha256)
            reasons = dict(connection.execute(query).all())
        staged = [
            (seq, path, sha, status, message if message is not None or status != "unreadable" or not sha else reasons.get(sha, UNREADABLE_AGAIN), stamp)
            for seq, (path, sha, status, message) in enumerate(rows)
        ]
        connection.execute(delete(stage_files))
        stage(connection, stage_files, staged)
        connection.execute(delete(files).where(files.c.path.in_(some)))
        columns = [c.name for c in files.columns]
        connection.execute(insert(files).from_select(columns, select(*(stage_files.c[name] for name in columns)).order_by(stage_files.c.seq)))
        if before:
            _forget_orphans(connection, before)


def _forget_orphans(connection: Connection, shas: list[str]) -> None:
    """Drop the contents no input path has any more (their file was edited or replaced), so that an
    old version of a report is neither counted nor compared with the year after."""
    kept: set[str] = set(connection.scalars(select(files.c.sha256).distinct().where(files.c.sha256.in_(shas))))
    orphans = [sha for sha in shas if sha not in kept]
    if orphans:
        _delete_reports(connection, select(reports.c.id).where(reports.c.sha256.in_(orphans)))
        connection.execute(delete(documents).where(documents.c.sha256.in_(orphans)))
        raise_version(connection)


def _agency_keys(connection: Connection, names: list[str]) -> dict[str, str]:
    """The agency key of every printed name: known names in one query, new ones resolved (and
    registered) one by one, in order."""
    distinct = sorted(set(names))
    keys: dict[str, str] = {}
    for start in range(0, len(distinct), 500):
        query = select(agency_names.c.name, agency_names.c.agency_key).where(agency_names.c.name.in_(distinct[start : start + 500]))
        keys.update({row.name: row.agency_key for row in connection.execute(query)})
    for name in dict.fromkeys(names):
        if name not in keys:
            keys[name] = agency_match.resolve(connection, name).key
    return keys


@lru_cache(maxsize=4096)
def _cell_key(path_key: str) -> tuple[str, str, str]:
    """A dotted cell path as the cells table keys it: (table number, row, column)."""
    cell = formats.CellPath.parse(path_key)
    return cell.table.number, cell.row, cell.column


def _cell_rows(record: Record) -> list[tuple[Any, ...]]:
    rows = []
    for path_key, value in record.cell_values().items():
        table, row, column = _cell_key(path_key)
        provenance = record.provenance.get(path_key)
        rows.append((
            table, row, column, None if value is None else float(value),
            provenance.page if provenance else None, provenance.line if provenance else None,
            provenance.text if provenance else None, bool(provenance and provenance.derived),
        ))  # fmt: skip
    return rows


def prepare(connection: Connection, stages: Sequence[Table] = _STAGES) -> None:
    """Create the staging tables once per database session and empty them (a failed transaction
    rolls their rows back with it; this is for a connection reused after a commit)."""
    for table in stages:
        connection.execute(CreateTable(table, if_not_exists=True))
        connection.execute(delete(table))


def stage(connection: Connection, table: Table, rows: list[tuple[Any, ...]], columns: Sequence[str] | None = None) -> None:
    """Put rows (in the order of `columns`, by default all the table's) into a table: COPY on
    PostgreSQL (psycopg), one executemany elsewhere — straight through the driver, as per-row
    parameter handling by SQLAlchemy cost more than the insert itself."""
    if not rows:
        return
    dialect = connection.dialect
    chosen = list(columns) if columns is not None else [column.name for column in table.columns]
    names = ", ".join(dialect.identifier_preparer.quote(name) for name in chosen)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        # COPY bypasses the column types: PostgreSQL text cannot hold NUL (see StoredText), and
        # only the printed texts can carry one.
        printed = [at for at, name in enumerate(chosen) if isinstance(table.c[name].type, StoredText)]
        driver = connection.connection.driver_connection  # the psycopg connection, in this transaction
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                if any(row[at] and "\x00" in row[at] for at in printed):
                    row = tuple(StoredText.for_postgresql(value) if at in printed else value for at, value in enumerate(row))
                copy.write_row(row)
        return
    placeholder = "?" if dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([placeholder] * len(chosen))})", rows)


def _unreadable_message(record: Record) -> str:
    for finding in record.findings:
        if finding.rule == "unreadable":
            return finding.message
    return record.notes.fatal or (record.findings[0].message if record.findings else "无法读取文件")
