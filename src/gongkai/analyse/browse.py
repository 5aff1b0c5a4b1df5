"""Browsing a store of many reports by SQL: the dashboard (counts, indicators by year, region and
agency, rankings, year-on-year changes, findings by rule), the filtered and paged list of reports,
and the rule catalog.

Every query runs in the database (SQLAlchemy Core, the same on SQLite and PostgreSQL) and returns
aggregates or one page of rows, never every record. Every query takes a `Scope`, the reports the
asker may see, so that no count, chart or list covers a report outside it.

The indicators are those of `indicators` (same keys, names and formulas), computed here from
each report's summary (`report_summaries`, written by the store with the report): a part is the
sum of its cells, null when one of them is null or absent (null is never zero); an aggregate is
the ratio of the sums over the reports whose two parts are both known, with the number of
reports used (`n`).

Speed: the list reads one page of ids and then their rows, so a page costs the same at any
depth; each filter reads an index or a narrow table. The dashboard aggregates one narrow
summary row per visible report (about a second over 100 000), and the web app keeps its
result in `Remembered` while the store's version counter stays the same.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
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
    select,
    true,
)

from .. import formats
from ..check import RULES
from ..store.review import REVIEW_STATUSES
from ..store.schema import SUMMARY_PARTS, agencies, agency_names, findings, report_reviews, report_summaries, reports
from ..store.schema import version as store_version
from .indicators import INDICATORS_BY_KEY, Indicator

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
GroupKey = Literal["year", "region", "agency"]
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
    """An indicator of `indicators` with its two parts named as sums that every report's summary
    keeps (`store.schema.SUMMARY_PARTS`)."""

    key: str
    name: str
    kind: Literal["count", "ratio"]
    formula: str
    note: str
    numerator: str
    denominator: str | None = None


def _part_named(paths: tuple[str, ...]) -> str:
    """The summary part that sums exactly these cells."""
    for name, summed in SUMMARY_PARTS.items():
        if set(summed) == set(paths):
            return name
    raise KeyError(f"no summary part sums {paths}")


def sql_indicator(indicator: Indicator) -> SqlIndicator:
    """A count or ratio indicator of the catalog as sums that every report's summary keeps
    (KeyError when a part is missing: a test checks that every indicator has its parts)."""
    if indicator.kind == "count":
        return SqlIndicator(indicator.key, indicator.name, "count", indicator.formula, indicator.note, _part_named(indicator.numerator))
    if indicator.kind != "ratio":
        raise KeyError(f"indicator {indicator.key} counts findings, not cells")
    numerator, denominator = _part_named(indicator.numerator), _part_named(indicator.denominator)
    return SqlIndicator(indicator.key, indicator.name, "ratio", indicator.formula, indicator.note, numerator, denominator)


DASHBOARD_INDICATORS: tuple[SqlIndicator, ...] = tuple(
    sql_indicator(INDICATORS_BY_KEY[key])
    for key in ("received", "disclosure_rate", "withheld_rate", "carry_forward_rate", "review_correction_rate", "litigation_correction_rate")
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


def _per_report(scope: Scope, where: Sequence[ColumnElement[bool]]) -> Subquery:
    """One row per visible report (meeting `where`): its id (`report_id`), `year`, `region`,
    `agency_key`, its findings by severity and every part of its summary. Callers aggregate over
    it alone: every figure of a report is in its narrow summary row, so no cell is read."""
    keys = (reports.c.id.label("report_id"), reports.c.year, reports.c.region, reports.c.agency_key)
    kept = [c for c in report_summaries.c if c.name not in ("report_id", "search")]
    joined = reports.join(report_summaries, report_summaries.c.report_id == reports.c.id)
    return select(*keys, *kept).select_from(joined).where(*visible(scope), *where).subquery("per_report")


@dataclass(frozen=True)
class _Parts:
    """SQL aggregates of one indicator: sum of numerators, of denominators, reports used."""

    numerator: ColumnElement[Any]
    denominator: ColumnElement[Any] | None
    n: ColumnElement[Any]


def _parts(indicator: SqlIndicator, per_report: Subquery) -> _Parts:
    numerator = per_report.c[f"part_{indicator.numerator}"]
    if indicator.denominator is None:
        return _Parts(func.sum(numerator), None, func.count(numerator))
    denominator = per_report.c[f"part_{indicator.denominator}"]
    both = and_(numerator.is_not(None), denominator.is_not(None))
    return _Parts(func.sum(case((both, numerator))), func.sum(case((both, denominator))), func.count(case((both, 1))))


def _parts_columns(indicators: Sequence[SqlIndicator], per_report: Subquery) -> list[ColumnElement[Any]]:
    columns: list[ColumnElement[Any]] = []
    for indicator in indicators:
        parts = _parts(indicator, per_report)
        columns.append(parts.numerator.label(f"{indicator.key}__num"))
        if parts.denominator is not None:
            columns.append(parts.denominator.label(f"{indicator.key}__den"))
        columns.append(parts.n.label(f"{indicator.key}__n"))
    return columns


def _values_of(row: Any, indicators: Sequence[SqlIndicator]) -> dict[str, Value]:
    mapping = row._mapping
    return {i.key: _value(i, mapping[f"{i.key}__num"], mapping.get(f"{i.key}__den"), mapping[f"{i.key}__n"]) for i in indicators}


@dataclass(frozen=True)
class _Prefixed:
    """The columns of a result row whose names start with `prefix`, under their names without it."""

    row: Any
    prefix: str

    @property
    def _mapping(self) -> dict[str, Any]:
        return {k[len(self.prefix) :]: v for k, v in self.row._mapping.items() if k.startswith(self.prefix)}


@dataclass(frozen=True)
class GroupRow:
    """Indicators over one group of reports (a year, a region or an agency)."""

    key: str | int | None
    label: str
    reports: int
    errors: int
    warnings: int
    values: dict[str, Value]


def _group_column(by: GroupKey) -> ColumnElement[Any]:
    return {"year": reports.c.year, "region": reports.c.region, "agency": reports.c.agency_key}[by]


def grouped(
    connection: Connection,
    scope: Scope,
    by: GroupKey,
    where: Sequence[ColumnElement[bool]] = (),
    indicators: Sequence[SqlIndicator] = DASHBOARD_INDICATORS,
) -> list[GroupRow]:
    """The indicators per year, region or agency over the visible reports (also meeting `where`),
    with the number of reports and of findings (errors, warnings) in each group."""
    per_report = _per_report(scope, where)
    key = per_report.c[_group_column(by).name]
    counts = (func.sum(per_report.c.errors).label("errors"), func.sum(per_report.c.warnings).label("warnings"))
    query = select(key.label("key"), func.count().label("reports"), *counts, *_parts_columns(indicators, per_report)).group_by(key)
    rows = connection.execute(query).all()
    labels = _agency_names(connection, [row.key for row in rows]) if by == "agency" else {}
    out = [
        GroupRow(row.key, _label(by, row.key, labels), int(row.reports), int(row.errors or 0), int(row.warnings or 0), _values_of(row, indicators))
        for row in rows
    ]
    return sorted(out, key=lambda g: (g.key is None, g.key if g.key is not None else 0))


@dataclass(frozen=True)
class GroupFigures:
    """Indicators over one group of reports of several keys at once (`region, year`, …): its key,
    number of reports, the values of the SQL indicators (with errors and warnings per report),
    findings by rule, and — for groups by agency — the agency's name and region as printed in the
    group's latest report (by year, then id) and its years."""

    key: tuple[Any, ...]
    reports: int
    values: dict[str, Value]
    by_rule: dict[str, int]
    latest: tuple[str | None, str | None]
    years: list[int]


def _in_order(key: GroupKey, column: ColumnElement[Any], dialect: str) -> list[ColumnElement[Any]]:
    """ORDER BY terms for a group key: unknown last, names by code point as Python sorts them
    (PostgreSQL's own collation would order Chinese names differently; SQLite's is code point)."""
    ordered = column.collate("C") if dialect == "postgresql" and key != "year" else column
    return [column.is_(None), ordered]


def groups(connection: Connection, keys: Sequence[GroupKey], indicators: Sequence[SqlIndicator], scope: Scope = EVERYTHING) -> Iterator[GroupFigures]:
    """Every figure of `gongkai stats --by` a list of keys, group after group in key order (unknown
    last): three GROUP BY or ordered queries over the reports' summaries and the findings, read
    as streams and merged by key, so that neither a million reports nor 300 000 agencies are
    held in memory."""
    dialect = connection.dialect.name
    streamed = connection.execution_options(stream_results=True, yield_per=5_000)
    per_report = _per_report(scope, ())
    columns = [per_report.c[_group_column(key).name] for key in keys]
    counts = (func.count().label("reports"), func.sum(per_report.c.errors).label("errors"), func.sum(per_report.c.warnings).label("warnings"))
    query = (
        select(*columns, *counts, *_parts_columns(indicators, per_report))
        .group_by(*columns)
        .order_by(*(term for key, column in zip(keys, columns, strict=True) for term in _in_order(key, column, dialect)))
    )
    group_columns = [_group_column(key) for key in keys]
    group_order = [term for key, column in zip(keys, group_columns, strict=True) for term in _in_order(key, column, dialect)]
    per_rule = (
        select(*group_columns, findings.c.rule, func.count())
        .select_from(findings.join(reports, reports.c.id == findings.c.report_id))
        .where(*visible(scope))
        .group_by(*group_columns, findings.c.rule)
        .order_by(*group_order)
    )
    rules = iter(streamed.execute(per_rule))
    named: Iterator[Any] = iter(())
    if "agency" in keys:
        order = (*group_order, func.coalesce(reports.c.year, 0), reports.c.id)
        named = iter(streamed.execute(select(*group_columns, reports.c.agency, reports.c.region, reports.c.year).where(*visible(scope)).order_by(*order)))
    width = len(keys)
    rule_row, name_row = next(rules, None), next(named, None)
    for row in streamed.execute(query):
        key = tuple(row[:width])
        values = _values_of(row, indicators)
        reported = int(row.reports)
        for severity in ("errors", "warnings"):  # findings per report: the count over the reports
            total = float(row._mapping[severity] or 0)
            values[severity] = Value(total / reported, total, float(reported), reported)
        by_rule: dict[str, int] = {}
        while rule_row is not None and tuple(rule_row[:width]) == key:
            by_rule[rule_row[width]] = int(rule_row[-1])
            rule_row = next(rules, None)
        latest: tuple[str | None, str | None] = (None, None)
        years: set[int] = set()
        while name_row is not None and tuple(name_row[:width]) == key:
            latest = (name_row.agency, name_row.region)
            if name_row.year is not None:
                years.add(name_row.year)
            name_row = next(named, None)
        yield GroupFigures(key, reported, values, by_rule, latest, sorted(years))


@dataclass(frozen=True)
class ReportFigures:
    """One report's figures for `gongkai stats --by report`: its summary's parts (as summed, null
    when a cell is), findings by severity and by rule, its rank within its year by 本年新收 and
    by 公开率 (rank, reports ranked; None when not ranked), and the same two indicators over the
    agency's reports of the year before (None when it has none or they are null)."""

    id: int
    agency: str | None
    agency_key: str | None
    region: str | None
    year: int | None
    path: str
    parts: dict[str, float | None]
    errors: int
    warnings: int
    by_rule: dict[str, int]
    ranks: dict[str, tuple[int | None, int | None]]
    previous: dict[str, float | None]


def report_figures(connection: Connection, with_rules: bool, scope: Scope = EVERYTHING) -> Iterator[ReportFigures]:
    """Every visible report's figures by year (unknown last), then id, streamed: the ranks and
    the previous year come from window functions and a join in SQL, so memory stays flat."""
    per_report = _per_report(scope, ())
    part = {name: per_report.c[f"part_{name}"] for name in SUMMARY_PARTS}
    year = per_report.c.year
    received = part[RECEIVED.numerator]
    assert DISCLOSURE.denominator is not None  # a ratio
    disclosed, processed = part[DISCLOSURE.numerator], part[DISCLOSURE.denominator]
    rate = case((and_(disclosed.is_not(None), processed != 0), disclosed / processed))
    ranked = []
    for name, value in ((RECEIVED.key, received), (DISCLOSURE.key, rate)):
        known = and_(value.is_not(None), year.is_not(None))
        ranked.append(case((known, func.rank().over(partition_by=(year, value.is_(None)), order_by=value.desc()))).label(f"rank_{name}"))
        ranked.append(case((known, func.count(value).over(partition_by=year))).label(f"ranked_{name}"))
    before = per_report.alias("before")
    top, bottom = before.c[f"part_{DISCLOSURE.numerator}"], before.c[f"part_{DISCLOSURE.denominator}"]
    both = and_(top.is_not(None), bottom.is_not(None))
    previous = (
        select(
            before.c.agency_key,
            before.c.year,
            func.sum(before.c[f"part_{RECEIVED.numerator}"]).label("received"),
            func.sum(case((both, top))).label("disclosed"),
            func.sum(case((both, bottom))).label("processed"),
        )
        .where(before.c.agency_key.is_not(None), before.c.year.is_not(None))
        .group_by(before.c.agency_key, before.c.year)
        .subquery("previous")
    )
    joined = per_report.join(reports, reports.c.id == per_report.c.report_id).outerjoin(
        previous, and_(previous.c.agency_key == per_report.c.agency_key, previous.c.year == year - 1)
    )
    order = (year.is_(None), year, per_report.c.report_id)
    query = (
        select(per_report, reports.c.agency, reports.c.path, *ranked, previous.c.received, previous.c.disclosed, previous.c.processed)
        .select_from(joined)
        .order_by(*order)
    )
    rules: Iterator[Any] = iter(())
    if with_rules:
        counted = (
            select(findings.c.report_id, findings.c.rule, func.count().label("found"))
            .select_from(findings.join(reports, reports.c.id == findings.c.report_id))
            .where(*visible(scope))
            .group_by(findings.c.report_id, findings.c.rule, reports.c.year)
            .order_by(reports.c.year.is_(None), reports.c.year, findings.c.report_id)
        )
        rules = iter(connection.execution_options(stream_results=True, yield_per=10_000).execute(counted))
    pending = next(rules, None)
    streamed = connection.execution_options(stream_results=True, yield_per=10_000)
    for row in streamed.execute(query):
        by_rule: dict[str, int] = {}
        while pending is not None and pending.report_id == row.report_id:
            by_rule[pending.rule] = int(pending.found)
            pending = next(rules, None)
        rate_before = float(row.disclosed) / float(row.processed) if row.disclosed is not None and row.processed else None
        yield ReportFigures(
            id=row.report_id,
            agency=row.agency,
            agency_key=row.agency_key,
            region=row.region,
            year=row.year,
            path=row.path,
            parts={name: row._mapping[f"part_{name}"] for name in SUMMARY_PARTS},
            errors=int(row.errors),
            warnings=int(row.warnings),
            by_rule=by_rule,
            ranks={name: (row._mapping[f"rank_{name}"], row._mapping[f"ranked_{name}"]) for name in (RECEIVED.key, DISCLOSURE.key)},
            previous={RECEIVED.key: None if row.received is None else float(row.received), DISCLOSURE.key: rate_before},
        )


def _label(by: str, key: Any, names: dict[str, str]) -> str:
    if key is None:
        return {"year": UNKNOWN_YEAR, "region": UNKNOWN_REGION}.get(by, "（机关不详）")
    if by == "year":
        return f"{key}年度"
    if by == "agency":
        return names.get(key, str(key))
    return str(key)


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
    per_report = _per_report(scope, ())
    errors, warnings, infos = per_report.c.errors, per_report.c.warnings, per_report.c.infos
    row = connection.execute(
        select(
            func.count(),
            func.count(per_report.c.agency_key.distinct()),
            func.count(per_report.c.year.distinct()),
            func.count(case((errors > 0, 1))),
            func.sum(errors),
            func.sum(warnings),
            func.sum(infos),
        )
    ).one()
    return _DataCounts(
        reports=int(row[0]),
        agencies=int(row[1]),
        years=int(row[2]),
        reports_with_errors=int(row[3]),
        findings={"error": int(row[4] or 0), "warning": int(row[5] or 0), "info": int(row[6] or 0)},
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
    where: list[ColumnElement[bool]] = [reports.c.agency_key.is_not(None)]
    if year is not None:
        where.append(reports.c.year == year)
    per_report = _per_report(scope, where)
    errors, warnings = func.sum(per_report.c.errors), func.sum(per_report.c.warnings)
    having_findings = func.count(case((per_report.c.errors + per_report.c.warnings > 0, 1)))
    agency = per_report.c.agency_key
    query = (
        select(agency, errors.label("errors"), warnings.label("warnings"), having_findings.label("reports"))
        .group_by(agency)
        .having(errors > 0)
        .order_by(errors.desc(), warnings.desc(), agency)
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
    per_report = _per_report(scope, where)
    parts = _parts(indicator, per_report)
    assert parts.denominator is not None, "a ratio has a denominator"
    ratio = parts.numerator / parts.denominator
    agency = per_report.c.agency_key
    query = (
        select(agency, *_parts_columns([indicator], per_report))
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
    """The agencies with a report in `year` and in the year before, largest change in 本年新收 first.

    Each agency's two years are aggregated, paired and ranked in SQL; only the `limit` agencies
    shown come back (tens of thousands of agencies would otherwise cross into Python)."""
    wanted = [RECEIVED, DISCLOSURE]

    def of_year(chosen: int, name: str) -> Subquery:
        per_report = _per_report(scope, [reports.c.agency_key.is_not(None), reports.c.year == chosen])
        return select(per_report.c.agency_key, *_parts_columns(wanted, per_report)).group_by(per_report.c.agency_key).subquery(name)

    now, then = of_year(year, "this_year"), of_year(year - 1, "year_before")
    received_now = case((now.c[f"{RECEIVED.key}__n"] > 0, now.c[f"{RECEIVED.key}__num"]))
    received_then = case((then.c[f"{RECEIVED.key}__n"] > 0, then.c[f"{RECEIVED.key}__num"]))
    change = received_now - received_then  # null when either year's is unknown
    query = (
        select(now, *(then.c[c.name].label(f"before__{c.name}") for c in then.c if c.name != "agency_key"))
        .select_from(now.join(then, then.c.agency_key == now.c.agency_key))
        .order_by(change.is_(None), func.abs(change).desc(), now.c.agency_key)
        .limit(limit)
    )
    rows = connection.execute(query).all()
    labels = _agency_names(connection, [row.agency_key for row in rows])
    out = []
    for row in rows:
        values = _values_of(row, wanted)
        before = _values_of(_Prefixed(row, "before__"), wanted)
        received, received_before = values[RECEIVED.key].value, before[RECEIVED.key].value
        rate, rate_before = values[DISCLOSURE.key].value, before[DISCLOSURE.key].value
        out.append(
            AgencyChange(
                row.agency_key,
                labels.get(row.agency_key, row.agency_key),
                received_before,
                received,
                None if received is None or received_before is None else received - received_before,
                rate_before,
                rate,
                None if rate is None or rate_before is None else (rate - rate_before) * 100,
            )
        )
    return out


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
        .select_from(findings.join(reports, findings.c.report_id == reports.c.id) if where else findings)  # every finding has its report
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
    """Results of slow aggregates kept in memory while what they depend on stays the same: the
    stored reports (the store's version counter, raised by every write that changes them) and,
    for a scope without drafts, the drafts (`drafts_version`). A dashboard over 100 000 reports
    is then computed once per change of the reports, not once per request nor per review; two
    requests for the same missing result compute it once (the second waits). Safe to share
    between threads; keeps the `size` results used last."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, tuple[tuple[Any, ...], Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def _version(self, engine: Engine, scope: Scope) -> tuple[Any, ...]:
        with engine.connect() as connection:
            return (store_version(connection),) + (() if scope.drafts else drafts_version(connection))

    def _kept_result(self, key: Hashable, version: tuple[Any, ...]) -> tuple[bool, Any]:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept[0] != version:
                return False, None
            self._kept.move_to_end(key)
            return True, kept[1]

    def get(self, engine: Engine, key: Hashable, scope: Scope, compute: Callable[[], T]) -> T:
        """The result of `compute()` for `key` (over `scope`), computed again when its data changed."""
        version = self._version(engine, scope)
        found, result = self._kept_result(key, version)
        if found:
            kept: T = result
            return kept
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            found, result = self._kept_result(key, version)  # computed meanwhile by another request
            if found:
                meanwhile: T = result
                return meanwhile
            fresh = compute()
            with self._lock:
                self._kept[key] = (version, fresh)
                self._kept.move_to_end(key)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return fresh

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


_FILTERED = report_summaries.alias("filtered_summary")  # apart from a list's own join of report_summaries


def _summary_has(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The reports whose summary (`_FILTERED`) meets `condition`: probed by the summary's key from
    each report the rest of the query reads (in the list's order, so that a page of a common word
    stops early)."""
    return exists().where(_FILTERED.c.report_id == reports.c.id, condition)


def _searched(word: str, dialect: str) -> ColumnElement[bool]:
    """The reports whose agency name as printed or path holds `word`, case aside: the summaries'
    search text is lower-cased already (SQLite's LIKE ignores the case of Latin letters; on
    PostgreSQL the word is lower-cased as the text was, a plain LIKE being far cheaper than ILIKE)."""
    wanted = word if dialect == "sqlite" else word.lower()
    return _summary_has(_FILTERED.c.search.contains(wanted, autoescape=True))


def _filter_conditions(chosen: ReportFilter, dialect: str) -> list[ColumnElement[bool]]:
    """SQL conditions on `reports` for `chosen`. Each filter reads a small table or an index
    (agency names, a rule's findings, reviews, the summaries) and keeps the reports it names, so
    that the page, in the list's order by an index, stops early."""
    where: list[ColumnElement[bool]] = []
    if chosen.agency:
        # An agency any of whose printed names, or whose key, holds the text: its reports.
        named = select(agency_names.c.agency_key).where(_contains(agency_names.c.name, chosen.agency, dialect))
        keyed = select(agencies.c.key).where(_contains(agencies.c.key, chosen.agency, dialect))
        where.append(reports.c.agency_key.in_(named.union(keyed)))
    if chosen.agency_key:
        where.append(reports.c.agency_key == chosen.agency_key)
    if chosen.region:
        where.append(reports.c.region == chosen.region)
    if chosen.year is not None:
        where.append(reports.c.year == chosen.year)
    if chosen.template:
        where.append(reports.c.template == chosen.template)
    if chosen.rule:
        having = [findings.c.rule == chosen.rule] + ([findings.c.severity == chosen.severity] if chosen.severity else [])
        where.append(reports.c.id.in_(select(findings.c.report_id).where(*having)))
    elif chosen.severity:
        counted = {"error": _FILTERED.c.errors, "warning": _FILTERED.c.warnings, "info": _FILTERED.c.infos}[chosen.severity]
        where.append(_summary_has(counted > 0))
    if chosen.status == "pending":  # never reviewed, or reviewed back to pending
        where.append(reports.c.sha256.not_in(select(report_reviews.c.sha256).where(report_reviews.c.status != "pending")))
    elif chosen.status:
        where.append(reports.c.sha256.in_(select(report_reviews.c.sha256).where(report_reviews.c.status == chosen.status)))
    for word in (chosen.q or "").split():
        where.append(_searched(word, dialect))
    return where


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
    details, review and counts of findings (from their summaries) are then read for those ids alone."""
    if sort not in SORTS:
        raise BrowseError(f"排序“{sort}”不存在；可用：{'、'.join(SORTS)}")
    chosen = check_filter(chosen)
    page, per_page = page_bounds(page, per_page)
    where = [*visible(scope), *_filter_conditions(chosen, engine.dialect.name)]
    descending = sort.startswith("-")
    by_errors = sort.lstrip("-") == "errors"
    source = reports.join(report_summaries, report_summaries.c.report_id == reports.c.id) if by_errors else reports
    orders: dict[str, list[ColumnElement[Any]]] = {
        "year": [reports.c.year],  # then by id: the index by year gives this order without sorting
        "agency": [reports.c.agency, reports.c.year],
        "errors": [report_summaries.c.errors, reports.c.year],
    }
    # Nulls count as smallest on both backends (SQLite's own order, so its indexes serve it).
    nulls = engine.dialect.name != "sqlite"
    order = [(c.desc().nulls_last() if nulls else c.desc()) if descending else (c.asc().nulls_first() if nulls else c.asc()) for c in orders[sort.lstrip("-")]]
    order.append(reports.c.id.desc() if descending else reports.c.id.asc())
    chosen_ids = select(reports.c.id).select_from(source).where(*where).order_by(*order).limit(per_page).offset((page - 1) * per_page)
    counting = select(func.count(reports.c.id)).where(*where)
    with engine.connect() as connection:
        total = int(connection.scalar(counting) or 0)
        page_ids: list[int] = list(connection.scalars(chosen_ids)) if total > (page - 1) * per_page else []
        if not page_ids:
            return ReportPage(total, page, per_page, [])
        details = select(reports.c.id, reports.c.agency, reports.c.agency_key, reports.c.region, reports.c.year, reports.c.template)
        details = details.add_columns(reports.c.published, reports.c.path, _status().label("status"), _draft().label("draft"))
        details = details.add_columns(report_summaries.c.errors, report_summaries.c.warnings, report_summaries.c.infos)
        joined = _with_reviews().outerjoin(report_summaries, report_summaries.c.report_id == reports.c.id)
        rows = {row.id: row for row in connection.execute(details.select_from(joined).where(reports.c.id.in_(page_ids)))}
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
            errors=int(row.errors or 0),
            warnings=int(row.warnings or 0),
            infos=int(row.infos or 0),
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
