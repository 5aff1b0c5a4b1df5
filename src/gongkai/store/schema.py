"""The database schema (SQLAlchemy Core, the same on SQLite and PostgreSQL) and its migrations.

Tables:
- `files`: every input path ever given, with the content hash it had and its status, so that no
  file is silently lost (status: read, findings, unreadable).
- `documents`: one row per distinct content (sha256): media type, pages, the parser version
  that read it, status.
- `reports`: the record read from a document: agency as printed, normalised agency key,
  region, year, template, published date, counts of findings, and the full record JSON.
- `cells`: one row per table cell: table (二/三/四), row, column, value, page, line, printed text,
  derived.
- `findings`: every finding; cross-year ones also name the other report.
- `agencies`, `agency_names`: the same agency across years under one key, each printed name
  mapped to a key by exact match, fuzzy match or a person's decision (method = manual).
- `users`: people of the web app (`gongkai user add`): role (admin, reviewer, clerk, viewer),
  the agency a clerk belongs to, the region a reviewer's scope is limited to, argon2 hash.
- `report_reviews`: per stored content (sha256, so a report read again keeps it): whether it is
  a clerk's draft (not yet published), who uploaded it, and its review status
  (待审核 pending / 需整改 needs_fix / 已通过 passed).
- `finding_reviews`: a reviewer's decision on one finding of a content (confirmed or dismissed,
  with a comment), keyed by the finding's fingerprint (rule and location) so it survives a
  re-reading.
- `audit_log`: every action of the web app: who, when, what, on what (and that report's or
  agency's region, so that a reviewer of one region reads the actions on it).
- `report_summaries`: one narrow row per report, derived from `reports`, `cells` and `findings`
  and rewritten with them (`refresh_summaries`), so that the web app's dashboard and lists read
  100 000 reports without reading their cells or records: the number of findings by severity
  (cross-year ones included), the sums of cells that the dashboard's indicators divide
  (`SUMMARY_PARTS`: null when any of their cells is null or absent, as null is not zero), and
  the lower-cased agency name as printed and path that the list's search reads.
- `store_version`: one counter, raised by every write that changes the stored reports, their
  findings or the agencies' names (not by reviews): what the web app's remembered aggregates
  compare to know they are still true.
- `agency_name_blocks`: for each printed name, the blocking keys (`agencies.blocks`: its
  places or their endings, with its organ's name whole or less one character) through which a
  new name finds, in an index, every name it may match.
- `schema_migrations`: which migrations ran.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    bindparam,
    case,
    delete,
    func,
    inspect,
    literal,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Delete, Insert

from .. import formats
from ..model import narrative


class StoredText(TypeDecorator[str]):
    """Text as a document printed it, storable on every backend: PostgreSQL refuses the NUL
    character in text, so there it is kept as U+FFFD (SQLite stores it as it is)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return self.for_postgresql(value) if dialect.name == "postgresql" else value

    @staticmethod
    def for_postgresql(value: Any) -> Any:
        """The value as PostgreSQL can store it (a text without NUL), other values as they are."""
        return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", StoredText, nullable=False),
    Column("applied_at", String(32), nullable=False),
)

files = Table(
    "files",
    metadata,
    Column("path", StoredText, primary_key=True),
    Column("sha256", String(64)),
    Column("status", String(16), nullable=False),
    Column("message", StoredText),
    Column("seen_at", String(32), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("media_type", String(128)),
    Column("size", Integer),
    Column("pages", Integer),
    Column("status", String(16), nullable=False),
    Column("parser_version", String(32), nullable=False),
    Column("ingested_at", String(32), nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), ForeignKey("documents.sha256"), nullable=False, unique=True),
    Column("path", StoredText, nullable=False),
    Column("agency", StoredText),
    Column("agency_key", StoredText),
    Column("region", StoredText),
    Column("year", Integer),
    Column("template", String(16), nullable=False),
    Column("published", String(10)),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("infos", Integer, nullable=False),
    Column("parser_version", String(32), nullable=False),
    Column("record_json", StoredText, nullable=False),
    # Sections 一, 五 and 六 (`check.crossyear.narrative`): what the cross-year pass compares with
    # last year's, read without the whole record.
    Column("narrative", StoredText),
    Index("reports_agency_year", "agency_key", "year"),
)

cells = Table(
    "cells",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id"), primary_key=True),
    Column("tbl", String(4), primary_key=True),
    Column("row", String(48), primary_key=True),
    Column("col", String(32), primary_key=True),
    Column("value", Float(precision=53)),
    Column("page", Integer),
    Column("line", Integer),
    Column("text", StoredText),
    Column("derived", Boolean, nullable=False, default=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False, index=True),
    Column("rule", String(48), nullable=False, index=True),
    Column("code", String(16), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("message", StoredText, nullable=False),
    Column("tbl", String(4)),
    Column("row", String(48)),
    Column("col", String(32)),
    Column("location_json", StoredText, nullable=False),
    Column("expected", StoredText),
    Column("actual", StoredText),
    Column("other_report_id", Integer, ForeignKey("reports.id")),
)

agencies = Table(
    "agencies",
    metadata,
    Column("key", StoredText, primary_key=True),
    Column("name", StoredText, nullable=False),
    Column("region", StoredText),
)

agency_names = Table(
    "agency_names",
    metadata,
    Column("name", StoredText, primary_key=True),
    Column("agency_key", StoredText, ForeignKey("agencies.key"), nullable=False),
    Column("method", String(8), nullable=False),  # exact | fuzzy | manual
    Column("score", Float(precision=53), nullable=False),
)

# The index through which a new printed name finds the names it may match (`agencies.blocks`):
# a handful of rows per name, so that a lookup reads its candidates, not every name.
agency_name_blocks = Table(
    "agency_name_blocks",
    metadata,
    Column("block", StoredText, primary_key=True),
    Column("name", StoredText, ForeignKey("agency_names.name"), primary_key=True),
)


users = Table(
    "users",
    metadata,
    Column("name", StoredText, primary_key=True),
    Column("role", String(16), nullable=False),  # admin | reviewer | clerk | viewer
    Column("agency_key", StoredText),  # a clerk's own agency
    Column("scope", StoredText),  # a reviewer's region (None: every region)
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

report_reviews = Table(
    "report_reviews",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("status", String(16), nullable=False),  # pending | needs_fix | passed
    Column("draft", Boolean, nullable=False, default=False),
    Column("uploaded_by", StoredText),
    Column("updated_by", StoredText),
    Column("updated_at", String(32), nullable=False),
)

finding_reviews = Table(
    "finding_reviews",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("fingerprint", String(64), primary_key=True),
    Column("decision", String(16), nullable=False),  # confirmed | dismissed
    Column("comment", StoredText),
    Column("reviewer", StoredText, nullable=False),
    Column("at", String(32), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False, index=True),
    Column("user", StoredText),
    Column("action", String(48), nullable=False),
    Column("target", StoredText),
    Column("detail", StoredText),
    Column("region", StoredText),  # of the report or agency acted on: what a reviewer of one region sees
)


def _totals(*rows: str) -> tuple[str, ...]:
    return tuple(f"requests.{row}.total" for row in rows)


def _table4(blocks: tuple[str, ...], fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"review_litigation.{b}.{f}" for b in blocks for f in fields)


_DECIDED = ("upheld", "corrected", "other")
_LITIGATION = ("litigation_direct", "litigation_after_review")

# The sums of cells a report's summary keeps (name → cell paths): the numerator and denominator
# of every count and ratio indicator (`analyse.browse` finds each indicator's parts by their
# cells, and a test checks that none is missing). A new part is a new column: it needs a migration.
SUMMARY_PARTS: dict[str, tuple[str, ...]] = {
    "received": _totals("new_received"),
    "disclosed": _totals("granted", "partially_granted"),
    "processed": _totals("total_processed"),
    "withheld": _totals(*formats.RESULT_CATEGORIES["withheld"]),
    **{key: _totals(key) for key in formats.RESULT_CATEGORIES["withheld"]},
    "unavailable": _totals(*formats.RESULT_CATEGORIES["unavailable"]),
    "rejected": _totals(*formats.RESULT_CATEGORIES["rejected"]),
    "carried_forward": _totals("carried_forward"),
    "to_handle": _totals("new_received", "carried_over"),
    "review_corrected": _table4(("review",), ("corrected",)),
    "review_decided": _table4(("review",), _DECIDED),
    "litigation_corrected": _table4(_LITIGATION, ("corrected",)),
    "litigation_decided": _table4(_LITIGATION, _DECIDED),
}

report_summaries = Table(
    "report_summaries",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id"), primary_key=True),
    Column("errors", Integer, nullable=False),  # findings by severity, cross-year ones included
    Column("warnings", Integer, nullable=False),
    Column("infos", Integer, nullable=False),
    Column("search", StoredText, nullable=False),  # lower(agency as printed + " " + path)
    *(Column(f"part_{name}", Float(precision=53)) for name in SUMMARY_PARTS),
)

store_version = Table(
    "store_version",
    metadata,
    Column("id", Integer, primary_key=True),  # one row: 1
    Column("version", Integer, nullable=False),
)

_REVIEW_TABLES = (users, report_reviews, finding_reviews, audit_log)
# What the web app's lists and dashboard filter and group by (a new database has them from the start).
_BROWSE_INDEXES = (Index("reports_year", reports.c.year), Index("reports_region_year", reports.c.region, reports.c.year))
# The list's filters by rule and by review status: the reports having one, read from an index.
_SUMMARY_INDEXES = (
    Index("findings_rule_report", findings.c.rule, findings.c.report_id),
    Index("report_reviews_status", report_reviews.c.status, report_reviews.c.sha256),
)

# A replaced report's cross-year findings in later reports, and the other paths of a content
# (both were scans of a whole table per batch).
_BULK_INDEXES = (Index("findings_other_report", findings.c.other_report_id), Index("files_sha256", files.c.sha256))


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    upgrade: Callable[[Connection], None]


def _initial(connection: Connection) -> None:
    later = (schema_migrations, *_REVIEW_TABLES, report_summaries, store_version, agency_name_blocks)
    initial = [t for t in metadata.sorted_tables if t not in later]
    metadata.create_all(connection, tables=initial)


def _review(connection: Connection) -> None:
    metadata.create_all(connection, tables=list(_REVIEW_TABLES))
    for index in _BROWSE_INDEXES:
        index.create(connection, checkfirst=True)


def _scale(connection: Connection) -> None:
    metadata.create_all(connection, tables=[report_summaries, store_version])
    if "region" not in {column["name"] for column in inspect(connection).get_columns("audit_log")}:
        connection.execute(text("ALTER TABLE audit_log ADD COLUMN region TEXT"))
    connection.execute(store_version.insert().values(id=1, version=0))
    for index in _SUMMARY_INDEXES:
        index.create(connection, checkfirst=True)
    if connection.dialect.name == "postgresql":
        # The list's default order (year, newest first, nulls last, then id) read from an index in
        # either direction; SQLite's index by year already holds the rowid in this order.
        connection.execute(text("CREATE INDEX IF NOT EXISTS reports_year_id ON reports (year NULLS FIRST, id)"))
    refresh_summaries(connection)


def _blocks(connection: Connection) -> None:
    from .agencies import add_blocks  # agencies builds on this module

    metadata.create_all(connection, tables=[agency_name_blocks])
    add_blocks(connection, list(connection.scalars(select(agency_names.c.name))))


def _every_part(connection: Connection) -> None:
    report_summaries.drop(connection)
    report_summaries.create(connection)
    refresh_summaries(connection)


def _bulk(connection: Connection) -> None:
    for index in _BULK_INDEXES:
        index.create(connection, checkfirst=True)


def _narrative(connection: Connection) -> None:
    if "narrative" not in {column["name"] for column in inspect(connection).get_columns("reports")}:
        connection.execute(text("ALTER TABLE reports ADD COLUMN narrative TEXT"))
    last = 0
    while True:  # a page of reports at a time: their record JSON is the bulk of the database
        page = connection.execute(select(reports.c.id, reports.c.record_json).where(reports.c.id > last).order_by(reports.c.id).limit(1000)).all()
        if not page:
            return
        texts = [{"key": row.id, "text": narrative(json.loads(row.record_json).get("sections") or [])} for row in page]
        connection.execute(update(reports).where(reports.c.id == bindparam("key")).values(narrative=bindparam("text")), texts)
        last = page[-1].id


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: files, documents, reports, cells, findings, agencies", _initial),
    Migration(2, "web app: users, report_reviews, finding_reviews, audit_log; indexes by year and region", _review),
    Migration(
        3,
        "report_summaries (finding counts, indicator parts, search text per report) and store_version, for the web app at scale; "
        "indexes for its filters; audit_log.region",
        _scale,
    ),
    Migration(4, "agency_name_blocks: the index of blocking keys through which a new agency name finds its candidates", _blocks),
    Migration(5, "indexes by which a batch finds the findings naming a replaced report and the paths of a content", _bulk),
    Migration(6, "report_summaries keep the parts of every count and ratio indicator, for `gongkai stats` in SQL", _every_part),
    Migration(7, "reports.narrative: the sections the cross-year pass compares, beside the record", _narrative),
)


def refresh_summaries(connection: Connection, report_ids: Sequence[int] | None = None) -> None:
    """Write the summaries of these reports (every report if None) again from their rows in
    `reports`, `cells` and `findings`: one set-based statement, the same for one batch of new
    reports and for a whole database being migrated."""
    erase, write = _summary_statements(report_ids is not None)
    chosen = {} if report_ids is None else {"ids": list(report_ids)}
    connection.execute(erase, chosen)
    connection.execute(write, chosen)


@lru_cache(maxsize=2)
def _summary_statements(some: bool) -> tuple[Delete, Insert]:
    """The DELETE and INSERT … SELECT of `refresh_summaries`, built once (building them cost more
    than running them for a batch), for the reports in the expanding parameter `ids` or for all."""
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    wanted = {formats.CellPath.parse(path) for paths in SUMMARY_PARTS.values() for path in paths}
    key = tuple_(cells.c.tbl, cells.c.row, cells.c.col)
    part_columns = []
    for name, paths in SUMMARY_PARTS.items():
        keys = [(p.table.number, p.row, p.column) for p in map(formats.CellPath.parse, paths)]
        value = case((key.in_(keys), cells.c.value))
        # The sum only when every cell is there and not null: null is not zero.
        part_columns.append(case((func.count(value) == len(keys), func.sum(value))).label(name))
    in_cells = [key.in_(sorted((p.table.number, p.row, p.column) for p in wanted))]
    in_findings = []
    in_reports = []
    erase = delete(report_summaries)
    if some:
        erase = erase.where(report_summaries.c.report_id.in_(ids))
        in_cells.append(cells.c.report_id.in_(ids))
        in_findings.append(findings.c.report_id.in_(ids))
        in_reports.append(reports.c.id.in_(ids))
    parts = select(cells.c.report_id, *part_columns).where(*in_cells).group_by(cells.c.report_id).subquery("parts")
    severity = findings.c.severity
    counted = (
        select(
            findings.c.report_id,
            func.count(case((severity == "error", 1))).label("errors"),
            func.count(case((severity == "warning", 1))).label("warnings"),
            func.count(case((severity == "info", 1))).label("infos"),
        )
        .where(*in_findings)
        .group_by(findings.c.report_id)
        .subquery("counted")
    )
    search = func.lower(func.coalesce(reports.c.agency, "") + literal(" ") + reports.c.path)
    rows = (
        select(
            reports.c.id,
            func.coalesce(counted.c.errors, 0),
            func.coalesce(counted.c.warnings, 0),
            func.coalesce(counted.c.infos, 0),
            search,
            *(parts.c[name] for name in SUMMARY_PARTS),
        )
        .select_from(reports.outerjoin(parts, parts.c.report_id == reports.c.id).outerjoin(counted, counted.c.report_id == reports.c.id))
        .where(*in_reports)
    )
    columns = ["report_id", "errors", "warnings", "infos", "search", *(f"part_{name}" for name in SUMMARY_PARTS)]
    return erase, report_summaries.insert().from_select(columns, rows)


def recount_findings(connection: Connection, report_ids: Sequence[int]) -> None:
    """Count the findings of these reports again into their summaries, by severity (what a
    cross-year pass changes; the indicator parts stay as they are)."""
    for start in range(0, len(report_ids), 5000):  # a bounded number of parameters per statement
        connection.execute(_recount, {"ids": list(report_ids[start : start + 5000])})


def _counted(severity: str) -> Any:
    counted = select(func.count()).where(findings.c.report_id == report_summaries.c.report_id, findings.c.severity == severity)
    return counted.scalar_subquery()


_recount = (
    update(report_summaries)
    .where(report_summaries.c.report_id.in_(bindparam("ids", expanding=True)))
    .values(errors=_counted("error"), warnings=_counted("warning"), infos=_counted("info"))
)


def raise_version(connection: Connection) -> None:
    """Note in `store_version` that the stored reports changed (in this transaction)."""
    connection.execute(update(store_version).where(store_version.c.id == 1).values(version=store_version.c.version + 1))


def version(connection: Connection) -> int:
    """The counter `raise_version` raises: equal twice, the stored reports did not change between."""
    return int(connection.scalar(select(store_version.c.version).where(store_version.c.id == 1)) or 0)


def lock(connection: Connection, name: str) -> None:
    """On PostgreSQL, wait for and hold (until the transaction ends) a lock named `name`, so that
    processes sharing the database take turns; SQLite lets one writer in at a time anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"gongkai:{name}"})


def migrate(connection: Connection) -> list[int]:
    """Apply the migrations not yet applied, in order; returns the versions applied."""
    lock(connection, "migrate")  # two processes opening a new database at once migrate it once
    schema_migrations.create(connection, checkfirst=True)
    done: set[int] = set(connection.scalars(select(schema_migrations.c.version)))
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        migration.upgrade(connection)
        connection.execute(schema_migrations.insert().values(version=migration.version, description=migration.description, applied_at=now()))
        applied.append(migration.version)
    return applied


def current_version(connection: Connection) -> int:
    if not inspect(connection).has_table("schema_migrations"):
        return 0
    return max(connection.scalars(select(schema_migrations.c.version)), default=0)


def schema_markdown() -> str:
    """docs/store.md: this module's description, the migrations and every table's columns."""
    lines = ["# 数据库 — the store", "", "Generated from `src/gongkai/store/schema.py` (a test keeps it in sync).", ""]
    lines += [(__doc__ or "").strip(), "", "## Migrations", ""]
    lines += [f"- {m.version}: {m.description}" for m in MIGRATIONS]
    lines += ["", "## Tables", ""]
    for table in metadata.sorted_tables:
        lines += [f"### `{table.name}`", "", "| column | type | key |", "|---|---|---|"]
        for column in table.columns:
            target = next(iter(column.foreign_keys)).target_fullname if column.foreign_keys else ""
            key = "primary key" if column.primary_key else (f"→ {target}" if target else "")
            lines.append(f"| `{column.name}` | {column.type} | {key} |")
        lines.append("")
    return "\n".join(lines)
