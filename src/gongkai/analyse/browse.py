"""Browsing a store of many reports by SQL: the dashboard (counts, indicators by year, region and
agency, rankings, year-on-year changes, findings by rule), the filtered and paged list of reports,
and the rule catalog.

Every query runs in the database (SQLAlchemy Core, the same on SQLite and PostgreSQL) and returns
aggregates or one page of rows, never every record. Every query takes a `Scope`, the reports the
asker may see, so that no count, chart or list covers a report outside it.

The indicators are those of `indicators` (same keys, names and formulas), computed here from the
`cells` table: a cell's value per report is read by its key (null when null or absent); a part
is the SQL sum of its cells, so one null cell makes it null (null is never zero); an aggregate is
the ratio of the sums over the reports whose two parts are both known, with the number of
reports used (`n`).

Speed: the list reads one page of ids and then their rows, so a page costs the same at any
depth. The dashboard reads ~23 cells of every visible report: about 5–10 s over 100 000 reports
(SQLite or PostgreSQL), so the web app keeps its result in `Remembered` while `data_version`
(a few cheap aggregates that change with every write of the store) stays the same.
"""

from __future__ import annotations

import operator
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Subquery,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
    true,
)

from .. import formats
from ..check import RULES
from ..store.review import REVIEW_STATUSES
from ..store.schema import agencies, agency_names, cells, documents, findings, report_reviews, reports
from .indicators import INDICATORS_BY_KEY

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
PER_PAGE = 50
MAX_PER_PAGE = 200
RANK_SIZE = 10  # rows of each ranking
CHANGE_SIZE = 20  # agencies in the year-on-year table
UNKNOWN_REGION = "（地区不详）"
UNKNOWN_YEAR = "（年度不详）"


class BrowseError(ValueError):
    """A filter value that names nothing (an unknown severity, status or sort); the message is Chinese."""


# ---------------------------------------------------------------- who sees what


@dataclass(frozen=True)
class Scope:
    """The reports a query may cover: one agency's (a clerk's), one region's (a reviewer with a
    scope), without drafts (a viewer), or none at all (a clerk without an agency)."""

    agency_key: str | None = None
    region: str | None = None
    drafts: bool = True
    nothing: bool = False


EVERYTHING = Scope()


def visible(scope: Scope) -> list[ColumnElement[bool]]:
    """SQL conditions on `reports` for the reports of `scope`."""
    conditions: list[ColumnElement[bool]] = []
    if scope.nothing:
        conditions.append(false())
    if scope.agency_key is not None:
        conditions.append(reports.c.agency_key == scope.agency_key)
    if scope.region is not None:
        conditions.append(reports.c.region == scope.region)
    if not scope.drafts:
        review = report_reviews.alias("draft_review")  # apart from a list's own join of report_reviews
        conditions.append(~exists().where(review.c.sha256 == reports.c.sha256, review.c.draft == true()))
    return conditions


# ---------------------------------------------------------------- indicators in SQL


@dataclass(frozen=True)
class SqlIndicator:
    """An indicator of `indicators` with its two parts spelled as cell paths, for SQL."""

    key: str
    name: str
    kind: Literal["count", "ratio"]
    formula: str
    note: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()


def _sql_indicator(key: str, numerator: tuple[str, ...], denominator: tuple[str, ...] = ()) -> SqlIndicator:
    """The indicator `key` of the catalog; its parts must be exactly the cells it reads."""
    indicator = INDICATORS_BY_KEY[key]
    kind: Literal["count", "ratio"] = "count" if indicator.kind == "count" else "ratio"
    if indicator.kind not in ("count", "ratio") or set(numerator) | set(denominator) != set(indicator.cells) or (kind == "count") != (not denominator):
        raise AssertionError(f"indicator {key}: its SQL parts differ from its definition")
    return SqlIndicator(key, indicator.name, kind, indicator.formula, indicator.note, numerator, denominator)


def _totals(*rows: str) -> tuple[str, ...]:
    return tuple(f"requests.{row}.total" for row in rows)


def _table4(blocks: tuple[str, ...], fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"review_litigation.{b}.{f}" for b in blocks for f in fields)


_DECIDED = ("upheld", "corrected", "other")
_LITIGATION = ("litigation_direct", "litigation_after_review")

DASHBOARD_INDICATORS: tuple[SqlIndicator, ...] = (
    _sql_indicator("received", _totals("new_received")),
    _sql_indicator("disclosure_rate", _totals("granted", "partially_granted"), _totals("total_processed")),
    _sql_indicator("withheld_rate", _totals(*formats.RESULT_CATEGORIES["withheld"]), _totals("total_processed")),
    _sql_indicator("carry_forward_rate", _totals("carried_forward"), _totals("new_received", "carried_over")),
    _sql_indicator("review_correction_rate", _table4(("review",), ("corrected",)), _table4(("review",), _DECIDED)),
    _sql_indicator("litigation_correction_rate", _table4(_LITIGATION, ("corrected",)), _table4(_LITIGATION, _DECIDED)),
)
DASHBOARD_BY_KEY: dict[str, SqlIndicator] = {i.key: i for i in DASHBOARD_INDICATORS}
RECEIVED = DASHBOARD_BY_KEY["received"]
DISCLOSURE = DASHBOARD_BY_KEY["disclosure_rate"]


@dataclass(frozen=True)
class Value:
    """An aggregate indicator: a ratio of sums (a sum for a count) over `n` reports; null when no
    report has both parts, or the denominator sums to 0."""

    value: float | None
    numerator: float | None
    denominator: float | None
    n: int


def _value(indicator: SqlIndicator, numerator: Any, denominator: Any, n: Any) -> Value:
    used = int(n or 0)
    if not used:
        return Value(None, None, None, 0)
    top = float(numerator) if numerator is not None else None
    if indicator.kind == "count":
        return Value(top, top, None, used)
    bottom = float(denominator) if denominator is not None else None
    ratio = top / bottom if top is not None and bottom else None
    return Value(ratio, top, bottom, used)


def _cell_key(path: str) -> tuple[str, str, str]:
    cell = formats.CellPath.parse(path)
    return cell.table.number, cell.row, cell.column


def _paths(indicators: Iterable[SqlIndicator]) -> list[str]:
    seen: dict[str, None] = {}
    for indicator in indicators:
        seen.update(dict.fromkeys(indicator.numerator + indicator.denominator))
    return list(seen)


def _per_report(dialect: str, scope: Scope, where: Sequence[ColumnElement[bool]], indicators: Sequence[SqlIndicator]) -> tuple[Subquery, dict[str, str]]:
    """One row per visible report (meeting `where`): its id (`report_id`), `year`, `region` and
    `agency_key`, the value of each cell the indicators read (null when null or absent), and the
    column name of each cell path. Callers aggregate over it alone (joining it back to `reports`
    would make SQLite scan it once per report).

    Each backend reads only the cells needed, in the way it does fastest: SQLite looks each one up
    by the cells' key (report, table, row, column); PostgreSQL reads the needed rows of the cells
    table once and pivots them per report."""
    paths = _paths(indicators)
    names = {path: f"c{i}" for i, path in enumerate(paths)}
    conditions = [*visible(scope), *where]
    keys = (reports.c.id.label("report_id"), reports.c.year, reports.c.region, reports.c.agency_key)
    if dialect == "sqlite":
        joined: Any = reports
        columns = []
        for path in paths:
            table, row, column = _cell_key(path)
            one = cells.alias(f"cell_{names[path]}")
            joined = joined.outerjoin(one, and_(one.c.report_id == reports.c.id, one.c.tbl == table, one.c.row == row, one.c.col == column))
            columns.append(one.c.value.label(names[path]))
        return select(*keys, *columns).select_from(joined).where(*conditions).subquery("per_report"), names
    tables: dict[str, tuple[set[str], set[str]]] = {}  # table → the rows and columns read in it
    for path in paths:
        table, row, column = _cell_key(path)
        tables.setdefault(table, (set(), set()))[0].add(row)
        tables[table][1].add(column)
    wanted = or_(*(and_(cells.c.tbl == t, cells.c.row.in_(sorted(rows)), cells.c.col.in_(sorted(cols))) for t, (rows, cols) in tables.items()))
    pivot = []
    for path in paths:
        table, row, column = _cell_key(path)
        this = and_(cells.c.tbl == table, cells.c.row == row, cells.c.col == column)
        pivot.append(func.max(case((this, cells.c.value), else_=None)).label(names[path]))
    joined = reports.outerjoin(cells, and_(cells.c.report_id == reports.c.id, wanted))
    query = select(*keys, *pivot).select_from(joined).where(*conditions).group_by(reports.c.id, reports.c.year, reports.c.region, reports.c.agency_key)
    return query.subquery("per_report"), names


@dataclass(frozen=True)
class _Parts:
    """SQL aggregates of one indicator: sum of numerators, of denominators, reports used."""

    numerator: ColumnElement[Any]
    denominator: ColumnElement[Any] | None
    n: ColumnElement[Any]


def _parts(indicator: SqlIndicator, per_report: Subquery, names: dict[str, str]) -> _Parts:
    def part(paths: tuple[str, ...]) -> ColumnElement[Any]:
        return reduce(operator.add, (per_report.c[names[p]] for p in paths))

    numerator = part(indicator.numerator)
    if indicator.kind == "count":
        return _Parts(func.sum(numerator), None, func.count(numerator))
    denominator = part(indicator.denominator)
    both = and_(numerator.is_not(None), denominator.is_not(None))
    return _Parts(func.sum(case((both, numerator))), func.sum(case((both, denominator))), func.count(case((both, 1))))


def _parts_columns(indicators: Sequence[SqlIndicator], per_report: Subquery, names: dict[str, str]) -> list[ColumnElement[Any]]:
    columns: list[ColumnElement[Any]] = []
    for indicator in indicators:
        parts = _parts(indicator, per_report, names)
        columns.append(parts.numerator.label(f"{indicator.key}__num"))
        if parts.denominator is not None:
            columns.append(parts.denominator.label(f"{indicator.key}__den"))
        columns.append(parts.n.label(f"{indicator.key}__n"))
    return columns


def _values_of(row: Any, indicators: Sequence[SqlIndicator]) -> dict[str, Value]:
    mapping = row._mapping
    return {i.key: _value(i, mapping[f"{i.key}__num"], mapping.get(f"{i.key}__den"), mapping[f"{i.key}__n"]) for i in indicators}


@dataclass(frozen=True)
class GroupRow:
    """Indicators over one group of reports (a year, a region or an agency)."""

    key: str | int | None
    label: str
    reports: int
    errors: int
    warnings: int
    values: dict[str, Value]


def _group_column(by: Literal["year", "region", "agency"]) -> ColumnElement[Any]:
    return {"year": reports.c.year, "region": reports.c.region, "agency": reports.c.agency_key}[by]


def grouped(
    connection: Connection,
    scope: Scope,
    by: Literal["year", "region", "agency"],
    where: Sequence[ColumnElement[bool]] = (),
    indicators: Sequence[SqlIndicator] = DASHBOARD_INDICATORS,
) -> list[GroupRow]:
    """The indicators per year, region or agency over the visible reports (also meeting `where`),
    with the number of reports and of findings (errors, warnings) in each group."""
    per_report, names = _per_report(connection.dialect.name, scope, where, indicators)
    key = per_report.c[_group_column(by).name]
    query = select(key.label("key"), func.count().label("reports"), *_parts_columns(indicators, per_report, names)).group_by(key)
    rows = connection.execute(query).all()
    counted = _findings_by(connection, scope, _group_column(by), where)
    labels = _agency_names(connection, [row.key for row in rows]) if by == "agency" else {}
    out = []
    for row in rows:
        errors, warnings = counted.get(row.key, (0, 0))
        out.append(GroupRow(row.key, _label(by, row.key, labels), int(row.reports), errors, warnings, _values_of(row, indicators)))
    return sorted(out, key=lambda g: (g.key is None, g.key if g.key is not None else 0))


def _label(by: str, key: Any, agency_names: dict[str, str]) -> str:
    if key is None:
        return {"year": UNKNOWN_YEAR, "region": UNKNOWN_REGION}.get(by, "（机关不详）")
    if by == "year":
        return f"{key}年度"
    if by == "agency":
        return agency_names.get(key, str(key))
    return str(key)


def _findings_by(connection: Connection, scope: Scope, key: ColumnElement[Any], where: Sequence[ColumnElement[bool]]) -> dict[Any, tuple[int, int]]:
    """Errors and warnings (cross-year ones included) per value of `key`."""
    errors = func.count(case((findings.c.severity == "error", 1)))
    warnings = func.count(case((findings.c.severity == "warning", 1)))
    query = (
        select(key.label("key"), errors.label("errors"), warnings.label("warnings"))
        .select_from(findings.join(reports, findings.c.report_id == reports.c.id))
        .where(*visible(scope), *where)
        .group_by(key)
    )
    return {row.key: (int(row.errors), int(row.warnings)) for row in connection.execute(query)}


def _agency_names(connection: Connection, keys: Iterable[Any]) -> dict[str, str]:
    wanted = sorted({k for k in keys if isinstance(k, str)})
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        query = select(agencies.c.key, agencies.c.name).where(agencies.c.key.in_(wanted[start : start + 500]))
        names.update((row.key, row.name) for row in connection.execute(query))
    return names


# ---------------------------------------------------------------- the dashboard


@dataclass(frozen=True)
class Counts:
    """How many visible reports, agencies, years, findings by severity, reports by review status."""

    reports: int
    agencies: int
    years: int
    drafts: int
    reports_with_errors: int
    findings: dict[str, int]  # severity → findings (cross-year ones included)
    statuses: dict[str, int]  # review status → reports (no review yet: pending)


def _status() -> ColumnElement[Any]:
    return func.coalesce(report_reviews.c.status, "pending")


def _draft() -> ColumnElement[Any]:
    return func.coalesce(report_reviews.c.draft, false())


def _with_reviews() -> Any:
    return reports.outerjoin(report_reviews, report_reviews.c.sha256 == reports.c.sha256)


@dataclass(frozen=True)
class _DataCounts:
    """The counts that change only with the stored reports (and which of them are visible)."""

    reports: int
    agencies: int
    years: int
    reports_with_errors: int
    findings: dict[str, int]


def _data_counts(connection: Connection, scope: Scope) -> _DataCounts:
    where = visible(scope)
    totals = connection.execute(
        select(func.count(reports.c.id), func.count(reports.c.agency_key.distinct()), func.count(reports.c.year.distinct())).where(*where)
    ).one()
    of_reports = findings.join(reports, findings.c.report_id == reports.c.id) if where else findings  # every finding has its report
    by_severity = {
        row[0]: int(row[1])
        for row in connection.execute(select(findings.c.severity, func.count()).select_from(of_reports).where(*where).group_by(findings.c.severity))
    }
    erring = select(func.count(findings.c.report_id.distinct())).select_from(of_reports).where(*where, findings.c.severity == "error")
    return _DataCounts(
        reports=int(totals[0]),
        agencies=int(totals[1]),
        years=int(totals[2]),
        reports_with_errors=int(connection.scalar(erring) or 0),
        findings={s: by_severity.get(s, 0) for s in SEVERITIES} | {s: n for s, n in by_severity.items() if s not in SEVERITIES},
    )


def _review_counts(connection: Connection, scope: Scope, total: int) -> tuple[dict[str, int], int]:
    """Visible reports by review status (those never reviewed are pending) and the drafts among
    them, from the reviews alone (a few of the reports), not from every report."""
    query = (
        select(report_reviews.c.status, report_reviews.c.draft, func.count(reports.c.id))
        .select_from(report_reviews.join(reports, reports.c.sha256 == report_reviews.c.sha256))
        .where(*visible(scope))
        .group_by(report_reviews.c.status, report_reviews.c.draft)
    )
    statuses: dict[str, int] = dict.fromkeys(REVIEW_STATUSES, 0)
    drafts = 0
    for row in connection.execute(query):
        status, count = str(row[0]), int(row[2])
        statuses[status] = statuses.get(status, 0) + count
        drafts += count if row[1] else 0
    statuses["pending"] = total - sum(n for s, n in statuses.items() if s != "pending")
    return statuses, drafts


def counts(connection: Connection, scope: Scope) -> Counts:
    """How many visible reports, agencies, years, findings by severity, reports by review status."""
    data = _data_counts(connection, scope)
    statuses, drafts = _review_counts(connection, scope, data.reports)
    return Counts(data.reports, data.agencies, data.years, drafts, data.reports_with_errors, data.findings, statuses)


@dataclass(frozen=True)
class YearChange:
    """One year against the year before (both present): counts by difference, ratios in percentage points."""

    year: int
    previous: int
    changes: dict[str, float | None]  # indicator key → change (count: 件; ratio: 百分点)
    growth: dict[str, float | None]  # count indicators: change in % of the year before


def year_changes(by_year: Sequence[GroupRow], indicators: Sequence[SqlIndicator] = DASHBOARD_INDICATORS) -> list[YearChange]:
    """The year-on-year changes of the totals by year."""
    rows = {row.key: row for row in by_year if isinstance(row.key, int)}
    out = []
    for year in sorted(rows):
        before = rows.get(year - 1)
        if before is None:
            continue
        changes: dict[str, float | None] = {}
        growth: dict[str, float | None] = {}
        for indicator in indicators:
            now, then = rows[year].values[indicator.key].value, before.values[indicator.key].value
            delta = None if now is None or then is None else now - then
            if indicator.kind == "ratio":
                changes[indicator.key] = None if delta is None else delta * 100
            else:
                changes[indicator.key] = delta
                growth[indicator.key] = None if delta is None or not then else delta / then * 100
        out.append(YearChange(year, year - 1, changes, growth))
    return out


@dataclass(frozen=True)
class AgencyErrors:
    agency_key: str
    agency: str
    reports: int  # reports with findings
    errors: int
    warnings: int


def most_errors(connection: Connection, scope: Scope, year: int | None, limit: int = RANK_SIZE) -> list[AgencyErrors]:
    """The agencies with the most errors (cross-year ones included) in `year` (every year if None)."""
    errors = func.count(case((findings.c.severity == "error", 1)))
    warnings = func.count(case((findings.c.severity == "warning", 1)))
    where = [*visible(scope), reports.c.agency_key.is_not(None)]
    if year is not None:
        where.append(reports.c.year == year)
    query = (
        select(reports.c.agency_key, errors.label("errors"), warnings.label("warnings"), func.count(reports.c.id.distinct()).label("reports"))
        .select_from(findings.join(reports, findings.c.report_id == reports.c.id))
        .where(*where)
        .group_by(reports.c.agency_key)
        .having(errors > 0)
        .order_by(errors.desc(), warnings.desc(), reports.c.agency_key)
        .limit(limit)
    )
    rows = connection.execute(query).all()
    names = _agency_names(connection, [row.agency_key for row in rows])
    return [AgencyErrors(row.agency_key, names.get(row.agency_key, row.agency_key), int(row.reports), int(row.errors), int(row.warnings)) for row in rows]


@dataclass(frozen=True)
class AgencyRate:
    agency_key: str
    agency: str
    value: Value


def rate_ranking(connection: Connection, scope: Scope, indicator: SqlIndicator, year: int | None, highest: bool, limit: int = RANK_SIZE) -> list[AgencyRate]:
    """The agencies with the highest (or lowest) ratio `indicator` in `year`: ratio of sums over
    each agency's reports; agencies whose denominator is null or 0 are not ranked."""
    where: list[ColumnElement[bool]] = [reports.c.agency_key.is_not(None)]
    if year is not None:
        where.append(reports.c.year == year)
    per_report, names = _per_report(connection.dialect.name, scope, where, [indicator])
    parts = _parts(indicator, per_report, names)
    assert parts.denominator is not None, "a ratio has a denominator"
    ratio = parts.numerator / parts.denominator
    agency = per_report.c.agency_key
    query = (
        select(agency, *_parts_columns([indicator], per_report, names))
        .group_by(agency)
        .having(parts.denominator > 0)
        .order_by(ratio.desc() if highest else ratio.asc(), parts.denominator.desc(), agency)
        .limit(limit)
    )
    rows = connection.execute(query).all()
    labels = _agency_names(connection, [row.agency_key for row in rows])
    return [AgencyRate(row.agency_key, labels.get(row.agency_key, row.agency_key), _values_of(row, [indicator])[indicator.key]) for row in rows]


@dataclass(frozen=True)
class AgencyChange:
    """One agency's year against its year before: 本年新收 and 公开率."""

    agency_key: str
    agency: str
    received_before: float | None
    received: float | None
    received_change: float | None
    rate_before: float | None
    rate: float | None
    rate_change_pp: float | None


def agency_changes(connection: Connection, scope: Scope, year: int, limit: int = CHANGE_SIZE) -> list[AgencyChange]:
    """The agencies with a report in `year` and in the year before, largest change in 本年新收 first."""
    where = [reports.c.agency_key.is_not(None), reports.c.year.in_([year, year - 1])]
    wanted = [RECEIVED, DISCLOSURE]
    per_report, names = _per_report(connection.dialect.name, scope, where, wanted)
    query = select(per_report.c.agency_key, per_report.c.year, *_parts_columns(wanted, per_report, names)).group_by(per_report.c.agency_key, per_report.c.year)
    found: dict[str, dict[int, dict[str, Value]]] = {}
    for row in connection.execute(query):
        found.setdefault(row.agency_key, {})[int(row.year)] = _values_of(row, wanted)
    pairs = {key: years for key, years in found.items() if year in years and year - 1 in years}
    labels = _agency_names(connection, pairs)
    out = []
    for key, years in pairs.items():
        now, then = years[year], years[year - 1]
        received, received_before = now[RECEIVED.key].value, then[RECEIVED.key].value
        rate, rate_before = now[DISCLOSURE.key].value, then[DISCLOSURE.key].value
        out.append(
            AgencyChange(
                key,
                labels.get(key, key),
                received_before,
                received,
                None if received is None or received_before is None else received - received_before,
                rate_before,
                rate,
                None if rate is None or rate_before is None else (rate - rate_before) * 100,
            )
        )
    out.sort(key=lambda c: (c.received_change is None, -abs(c.received_change or 0), c.agency_key))
    return out[:limit]


@dataclass(frozen=True)
class RuleCount:
    rule: str
    code: str
    title: str
    severity: str
    findings: int
    reports: int


def findings_by_rule(connection: Connection, scope: Scope, year: int | None = None) -> list[RuleCount]:
    """Findings per rule (cross-year ones included) and the reports having them, most first."""
    where = visible(scope)
    if year is not None:
        where.append(reports.c.year == year)
    query = (
        select(
            findings.c.rule,
            func.min(findings.c.severity).label("severity"),
            func.count().label("findings"),
            func.count(findings.c.report_id.distinct()).label("reports"),
        )
        .select_from(findings.join(reports, findings.c.report_id == reports.c.id))
        .where(*where)
        .group_by(findings.c.rule)
    )
    catalog = {rule.name: rule for rule in RULES}
    out = []
    for row in connection.execute(query):
        known = catalog.get(row.rule)
        severity = known.severity if known else row.severity  # a rule's findings have its severity
        out.append(RuleCount(row.rule, known.code if known else "", known.title if known else row.rule, severity, int(row.findings), int(row.reports)))
    return sorted(out, key=lambda r: (-r.findings, r.code, r.rule))


@dataclass(frozen=True)
class IndicatorInfo:
    key: str
    name: str
    kind: str
    formula: str
    note: str


@dataclass(frozen=True)
class Dashboard:
    """Everything the 概览 page shows, over the reports of one scope."""

    counts: Counts
    years: list[int]  # the years with reports, oldest first
    year: int | None  # the year of the regional view, rankings and agency changes
    indicators: list[IndicatorInfo]
    by_year: list[GroupRow]
    year_changes: list[YearChange]
    by_region: list[GroupRow]
    most_errors: list[AgencyErrors]
    best_disclosure: list[AgencyRate]
    worst_disclosure: list[AgencyRate]
    agency_changes: list[AgencyChange]
    findings_by_rule: list[RuleCount]
    notes: list[str] = field(default_factory=list)


NOTES = [
    "所有数字只计您有权查看的报告。",
    "表三的单元格都取“总计”列。空不等于零：分子或分母用到的任一单元格为空（空白、“/”、读不出、缺表），该报告不计入该指标。",
    "汇总比率 = 各报告分子之和 ÷ 分母之和，只计分子、分母均已知的报告（n 为计入的报告数）；分母之和为 0 时比率为空。",
    "同比：与上一年度相比，计数为增减件数，比率为增减百分点。排名：分母为空或为 0 的机关不参与。",
    "问题数包括跨年度核查的问题。",
]


def years(connection: Connection, scope: Scope) -> list[int]:
    query = select(reports.c.year).distinct().where(*visible(scope), reports.c.year.is_not(None)).order_by(reports.c.year)
    found: list[int | None] = list(connection.scalars(query))
    return [int(y) for y in found if y is not None]


@dataclass(frozen=True)
class _Figures:
    """The dashboard but its review counts: what only the stored reports (and which are visible) change."""

    counts: _DataCounts
    years: list[int]
    year: int | None
    by_year: list[GroupRow]
    by_region: list[GroupRow]
    most_errors: list[AgencyErrors]
    best_disclosure: list[AgencyRate]
    worst_disclosure: list[AgencyRate]
    agency_changes: list[AgencyChange]
    findings_by_rule: list[RuleCount]


def _figures(engine: Engine, scope: Scope, year: int | None, all_years: bool) -> _Figures:
    with engine.connect() as connection:
        known = years(connection, scope)
        chosen = None if all_years else year if year is not None else (known[-1] if known else None)
        in_year = [] if chosen is None else [reports.c.year == chosen]
        return _Figures(
            counts=_data_counts(connection, scope),
            years=known,
            year=chosen,
            by_year=grouped(connection, scope, "year"),
            by_region=sorted(grouped(connection, scope, "region", in_year), key=lambda g: (-g.reports, g.key is None, str(g.key))),
            most_errors=most_errors(connection, scope, chosen),
            best_disclosure=rate_ranking(connection, scope, DISCLOSURE, chosen, highest=True),
            worst_disclosure=rate_ranking(connection, scope, DISCLOSURE, chosen, highest=False),
            agency_changes=[] if chosen is None else agency_changes(connection, scope, chosen),
            findings_by_rule=findings_by_rule(connection, scope),
        )


def dashboard(engine: Engine, scope: Scope, year: int | None = None, all_years: bool = False, memory: Remembered | None = None) -> Dashboard:
    """The dashboard over the visible reports. The regional view, the rankings and the agencies'
    changes are of one year: `year`, by default the latest; with `all_years`, of every year
    together (and no agency changes).

    With `memory`, the figures computed from the reports' cells and findings are kept there until
    the stored reports (or, for a scope without drafts, the drafts) change; the review counts are
    read every time (they change with every review, and are cheap)."""

    def compute() -> _Figures:
        return _figures(engine, scope, year, all_years)

    figures = compute() if memory is None else memory.get(engine, ("dashboard", scope, year, all_years), scope, compute)
    with engine.connect() as connection:
        statuses, drafts = _review_counts(connection, scope, figures.counts.reports)
    data = figures.counts
    return Dashboard(
        counts=Counts(data.reports, data.agencies, data.years, drafts, data.reports_with_errors, data.findings, statuses),
        years=figures.years,
        year=figures.year,
        indicators=[IndicatorInfo(i.key, i.name, i.kind, i.formula, i.note) for i in DASHBOARD_INDICATORS],
        by_year=figures.by_year,
        year_changes=year_changes(figures.by_year),
        by_region=figures.by_region,
        most_errors=figures.most_errors,
        best_disclosure=figures.best_disclosure,
        worst_disclosure=figures.worst_disclosure,
        agency_changes=figures.agency_changes,
        findings_by_rule=figures.findings_by_rule,
        notes=list(NOTES),
    )


def rule_counts(engine: Engine, scope: Scope, memory: Remembered | None = None) -> list[RuleCount]:
    """`findings_by_rule` over every year, kept in `memory` (if given) like the dashboard's figures."""

    def compute() -> list[RuleCount]:
        with engine.connect() as connection:
            return findings_by_rule(connection, scope)

    return compute() if memory is None else memory.get(engine, ("rules", scope), scope, compute)


# ---------------------------------------------------------------- remembering results


def data_version(connection: Connection) -> tuple[Any, ...]:
    """A fingerprint of the stored reports, cheap to read: reports added, removed or read again,
    findings replaced (cross-year), agency matches changed. Every write of the store that changes
    a report's figures changes it; reviews do not."""
    parts = (
        select(func.count(reports.c.id), func.max(reports.c.id), func.sum(reports.c.id)),
        select(func.count(documents.c.sha256), func.max(documents.c.ingested_at)),
        select(func.count(findings.c.id), func.max(findings.c.id)),
        select(func.count(agency_names.c.name), func.sum(func.length(agency_names.c.agency_key)), func.count(case((agency_names.c.method == "manual", 1)))),
    )
    return tuple(value for part in parts for value in connection.execute(part).one())


def drafts_version(connection: Connection) -> tuple[Any, ...]:
    """A fingerprint of which stored reports are drafts (what a viewer's figures also depend on)."""
    query = (
        select(func.count(reports.c.id), func.sum(reports.c.id))
        .select_from(report_reviews.join(reports, reports.c.sha256 == report_reviews.c.sha256))
        .where(report_reviews.c.draft == true())
    )
    return tuple(connection.execute(query).one())


T = TypeVar("T")


class Remembered:
    """Results of slow aggregates kept in memory while what they depend on stays the same (and at
    most `seconds`): the stored reports (`data_version`) and, for a scope without drafts, the
    drafts (`drafts_version`). A dashboard over 100 000 reports is then computed once per change
    of the reports, not once per request nor per review. Safe to share between threads."""

    def __init__(self, seconds: float = 300.0, size: int = 256) -> None:
        self.seconds, self.size = seconds, size
        self._kept: OrderedDict[Hashable, tuple[tuple[Any, ...], float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, engine: Engine, key: Hashable, scope: Scope, compute: Callable[[], T]) -> T:
        """The result of `compute()` for `key` (over `scope`), computed again when its data changed."""
        with engine.connect() as connection:
            version = data_version(connection) + (() if scope.drafts else drafts_version(connection))
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == version and time.monotonic() - kept[1] < self.seconds:
                self._kept.move_to_end(key)
                result: T = kept[2]
                return result
        result = compute()
        with self._lock:
            self._kept[key] = (version, time.monotonic(), result)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


# ---------------------------------------------------------------- the list of reports


SORTS: dict[str, str] = {
    "-year": "年度（新→旧）",
    "year": "年度（旧→新）",
    "agency": "机关",
    "-agency": "机关（倒序）",
    "-errors": "错误（多→少）",
    "errors": "错误（少→多）",
}


@dataclass(frozen=True)
class ReportFilter:
    """What the list of reports is narrowed to; None (or empty) means any."""

    agency: str | None = None  # part of the agency name as printed, or of its key
    agency_key: str | None = None  # exactly this agency
    region: str | None = None
    year: int | None = None
    template: str | None = None
    rule: str | None = None  # reports having a finding of this rule (name or code)
    severity: str | None = None  # reports having a finding of this severity
    status: str | None = None  # review status (no review yet: pending)
    q: str | None = None  # words, each in the agency name as printed or the file path


def check_filter(chosen: ReportFilter) -> ReportFilter:
    """The filter with a rule code turned into its name; BrowseError for a value that names nothing."""
    if chosen.severity is not None and chosen.severity not in SEVERITIES:
        raise BrowseError(f"问题级别“{chosen.severity}”不存在；可用：{'、'.join(SEVERITIES)}")
    if chosen.status is not None and chosen.status not in REVIEW_STATUSES:
        raise BrowseError(f"审核状态“{chosen.status}”不存在；可用：{'、'.join(REVIEW_STATUSES)}")
    if chosen.rule is not None:
        rule = next((r for r in RULES if chosen.rule in (r.name, r.code)), None)
        if rule is None:
            raise BrowseError(f"规则“{chosen.rule}”不存在")
        return replace(chosen, rule=rule.name)
    return chosen


def _contains(column: ColumnElement[Any], text: str, dialect: str) -> ColumnElement[bool]:
    """`text` within `column`, ignoring the case of Latin letters, wildcards taken literally.
    SQLite's LIKE already ignores case (lower() on every row would only cost); PostgreSQL's ILIKE."""
    if dialect == "sqlite":
        return column.contains(text, autoescape=True)
    return column.icontains(text, autoescape=True)


def _filter_conditions(chosen: ReportFilter, dialect: str) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if chosen.agency:
        where.append(or_(_contains(reports.c.agency, chosen.agency, dialect), _contains(reports.c.agency_key, chosen.agency, dialect)))
    if chosen.agency_key:
        where.append(reports.c.agency_key == chosen.agency_key)
    if chosen.region:
        where.append(reports.c.region == chosen.region)
    if chosen.year is not None:
        where.append(reports.c.year == chosen.year)
    if chosen.template:
        where.append(reports.c.template == chosen.template)
    if chosen.rule or chosen.severity:
        having = [findings.c.report_id == reports.c.id]
        if chosen.rule:
            having.append(findings.c.rule == chosen.rule)
        if chosen.severity:
            having.append(findings.c.severity == chosen.severity)
        where.append(exists().where(*having))
    if chosen.status:
        where.append(_status() == chosen.status)
    for word in (chosen.q or "").split():
        where.append(or_(_contains(reports.c.agency, word, dialect), _contains(reports.c.path, word, dialect)))
    return where


def _finding_count(severity: str) -> ColumnElement[Any]:
    query = select(func.count(findings.c.id)).where(findings.c.report_id == reports.c.id, findings.c.severity == severity)
    return query.correlate(reports).scalar_subquery()


@dataclass(frozen=True)
class ReportRow:
    id: int
    agency: str | None
    agency_key: str | None
    region: str | None
    year: int | None
    template: str
    published: str | None
    path: str
    errors: int  # cross-year findings included
    warnings: int
    infos: int
    status: str  # pending | needs_fix | passed
    status_name: str
    draft: bool


@dataclass(frozen=True)
class ReportPage:
    total: int
    page: int
    per_page: int
    items: list[ReportRow]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def page_bounds(page: int | None, per_page: int | None) -> tuple[int, int]:
    """A page number (from 1) and a page size within 1…MAX_PER_PAGE."""
    size = PER_PAGE if per_page is None else min(max(per_page, 1), MAX_PER_PAGE)
    return max(page or 1, 1), size


def list_reports(
    engine: Engine, scope: Scope, chosen: ReportFilter = ReportFilter(), page: int = 1, per_page: int = PER_PAGE, sort: str = "-year"
) -> ReportPage:
    """One page of the visible reports meeting `chosen`, sorted by `sort` (a key of SORTS), with the total.

    The page's ids are chosen first (keys only, so a far page skips rows cheaply); their
    details, review and counts of findings are then read for those ids alone."""
    if sort not in SORTS:
        raise BrowseError(f"排序“{sort}”不存在；可用：{'、'.join(SORTS)}")
    chosen = check_filter(chosen)
    page, per_page = page_bounds(page, per_page)
    where = [*visible(scope), *_filter_conditions(chosen, engine.dialect.name)]
    source = _with_reviews() if chosen.status else reports  # the review is joined only to filter by it
    descending = sort.startswith("-")
    orders: dict[str, list[ColumnElement[Any]]] = {
        "year": [reports.c.year],  # then by id: the index by year gives this order without sorting
        "agency": [reports.c.agency, reports.c.year],
        "errors": [_finding_count("error"), reports.c.year],
    }
    # Nulls count as smallest on both backends (SQLite's own order, so its indexes serve it).
    nulls = engine.dialect.name != "sqlite"
    order = [(c.desc().nulls_last() if nulls else c.desc()) if descending else (c.asc().nulls_first() if nulls else c.asc()) for c in orders[sort.lstrip("-")]]
    order.append(reports.c.id.desc() if descending else reports.c.id.asc())
    # A text filter reads every report's name and path: the page and the total then come from one
    # reading (a window count); the other filters go by indexes, and their page stops early.
    scan = bool(chosen.agency or chosen.q)
    columns = (reports.c.id, func.count().over().label("total")) if scan else (reports.c.id,)
    chosen_ids = select(*columns).select_from(source).where(*where).order_by(*order).limit(per_page).offset((page - 1) * per_page)
    counting = select(func.count(reports.c.id)).select_from(source).where(*where)
    with engine.connect() as connection:
        if scan:
            found = connection.execute(chosen_ids).all()
            page_ids: list[int] = [int(row.id) for row in found]
            total = int(found[0].total) if found else int(connection.scalar(counting) or 0)
        else:
            total = int(connection.scalar(counting) or 0)
            page_ids = list(connection.scalars(chosen_ids)) if total > (page - 1) * per_page else []
        if not page_ids:
            return ReportPage(total, page, per_page, [])
        details = select(reports.c.id, reports.c.agency, reports.c.agency_key, reports.c.region, reports.c.year, reports.c.template)
        details = details.add_columns(reports.c.published, reports.c.path, _status().label("status"), _draft().label("draft"))
        rows = {row.id: row for row in connection.execute(details.select_from(_with_reviews()).where(reports.c.id.in_(page_ids)))}
        counted: dict[tuple[int, str], int] = {}
        query = select(findings.c.report_id, findings.c.severity, func.count()).where(findings.c.report_id.in_(page_ids))
        for count in connection.execute(query.group_by(findings.c.report_id, findings.c.severity)):
            counted[(int(count[0]), str(count[1]))] = int(count[2])
    items = [
        ReportRow(
            id=row.id,
            agency=row.agency,
            agency_key=row.agency_key,
            region=row.region,
            year=row.year,
            template=row.template,
            published=row.published,
            path=row.path,
            errors=counted.get((row.id, "error"), 0),
            warnings=counted.get((row.id, "warning"), 0),
            infos=counted.get((row.id, "info"), 0),
            status=row.status,
            status_name=REVIEW_STATUSES.get(row.status, row.status),
            draft=bool(row.draft),
        )
        for row in (rows[i] for i in page_ids)
    ]
    return ReportPage(total, page, per_page, items)


@dataclass(frozen=True)
class FilterOptions:
    """The values the list's filters offer, among the visible reports."""

    years: list[int]
    regions: list[str]
    templates: dict[str, str]  # every format a report can have → its Chinese name


TEMPLATE_NAMES: dict[str, str] = {
    formats.TEMPLATE_2021: "2021年版格式",
    formats.TEMPLATE_2019: "2019年版格式",
    formats.TEMPLATE_PRE2019: "2019年以前格式",
    formats.TEMPLATE_UNKNOWN: "格式不明",
}


def filter_options(engine: Engine, scope: Scope) -> FilterOptions:
    where = visible(scope)
    with engine.connect() as connection:
        regions: list[str | None] = list(
            connection.scalars(select(reports.c.region).distinct().where(*where, reports.c.region.is_not(None)).order_by(reports.c.region))
        )
        return FilterOptions(years(connection, scope), [str(r) for r in regions], dict(TEMPLATE_NAMES))


# ---------------------------------------------------------------- the rule catalog


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    severity_name: str
    title: str
    explanation: str  # what the rule checks (the docstring's first paragraph)
    why: str
    example: str


def _unwrap(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def rule_catalog() -> list[RuleInfo]:
    """Every rule with the parts of its docstring: explanation, why, example."""
    out = []
    for rule in RULES:
        explanation: list[str] = []
        why: list[str] = []
        example: list[str] = []
        part = explanation
        for line in rule.doc.splitlines():
            if line.startswith("Why:"):
                part, line = why, line[len("Why:") :]
            elif line.startswith("Example:"):
                part, line = example, line[len("Example:") :]
            part.append(line)
        out.append(
            RuleInfo(
                code=rule.code,
                name=rule.name,
                severity=rule.severity,
                severity_name=SEVERITY_NAMES.get(rule.severity, rule.severity),
                title=rule.title,
                explanation=_unwrap("\n".join(explanation)),
                why=_unwrap("\n".join(why)),
                example=_unwrap("\n".join(example)),
            )
        )
    return out
