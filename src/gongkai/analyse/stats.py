"""Indicators over many stored reports: per report (with ranks and year-on-year changes) or grouped.

The result is a `Table` (typed columns, rows of raw values) rendered four ways: an aligned Chinese
table for the terminal, CSV, JSON and Markdown. Raw values stay raw (a ratio is a fraction, a
null is null) in CSV and JSON; only the text and Markdown renderings format them.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection

from ..files import shown
from ..safe import csv_value, markdown_cell
from ..store import StoredReport
from ..textwidth import display_width, pad
from .browse import GroupKey, groups, report_figures, sql_indicator
from .indicators import INDICATORS_BY_KEY, MAIN_INDICATORS, Indicator, Measure, measures

By = Literal["report", "agency", "region", "year"]
BY_CHOICES: tuple[str, ...] = ("year", "agency", "region", "report")
ColumnKind = Literal["id", "text", "count", "ratio", "per_report", "rank", "delta", "pp", "n"]

RECEIVED = INDICATORS_BY_KEY["received"]
DISCLOSURE = INDICATORS_BY_KEY["disclosure_rate"]
NULL_TEXT = "—"
REPORT_NOTES = (
    "排名：同一年度内从高到低（并列同名次，空值不排名）；同比：与同一机关上一年度相比。",
    f"{NULL_TEXT} = 无法计算（所需单元格为空，或分母为0，或没有上一年度报告）。",
)
GROUP_NOTES = (
    "比率 = 各报告分子之和 ÷ 分母之和，只计分子分母均已知的报告；括号内为实际计入的报告数（少于报告数时显示）。",
    "错误、警告为每份报告平均条数。" + f"{NULL_TEXT} = 无法计算。",
)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: ColumnKind
    show: bool = True  # a column of the text and Markdown tables (CSV and JSON have every column)


@dataclass
class Table:
    columns: list[Column]
    rows: Iterable[dict[str, Any]]  # a list, or a stream read once (`reports_table`)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- building


def _indicator_columns(indicators: Sequence[Indicator], grouped: bool) -> list[Column]:
    columns: list[Column] = []
    for indicator in indicators:
        columns.append(Column(indicator.key, indicator.name, indicator.kind))
        if indicator.kind == "ratio":
            columns.append(Column(f"{indicator.key}_numerator", f"{indicator.name}·分子", "count", show=False))
            columns.append(Column(f"{indicator.key}_denominator", f"{indicator.name}·分母", "count", show=False))
        if grouped:
            columns.append(Column(f"{indicator.key}_n", f"{indicator.name}·报告数", "n", show=False))
    return columns


def _put(row: dict[str, Any], indicator: Indicator, measure: Measure, grouped: bool) -> None:
    # A ratio stays a float (1.0, not 1) so that a column of ratios has one type in JSON.
    row[indicator.key] = measure.value if indicator.kind != "count" or measure.value is None else _plain(measure.value)
    if indicator.kind == "ratio":
        row[f"{indicator.key}_numerator"] = _plain(measure.numerator)
        row[f"{indicator.key}_denominator"] = _plain(measure.denominator)
    if grouped:
        row[f"{indicator.key}_n"] = measure.n


def _plain(value: float | None) -> float | None:
    """Whole numbers as int (counts summed from JSON floats print as 12, not 12.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _competition_ranks(values: dict[int, float | None]) -> tuple[dict[int, int], int]:
    """Rank by value, highest first; ties share a rank (1, 2, 2, 4); nulls are not ranked."""
    known = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda item: -item[0])
    ranks: dict[int, int] = {}
    for position, (value, key) in enumerate(known):
        ranks[key] = ranks[known[position - 1][1]] if position and known[position - 1][0] == value else position + 1
    return ranks, len(known)


def report_table(reports: Sequence[StoredReport], indicators: Sequence[Indicator] = MAIN_INDICATORS) -> Table:
    """One row per report: its indicators, its rank within its year, and the change on the agency's year before."""
    own = {item.id: measures(item.record, {*indicators, RECEIVED, DISCLOSURE}) for item in reports}

    # Ranks within each year, by 本年新收 and by 公开率.
    ranks: dict[str, dict[int, tuple[int | None, int | None]]] = {RECEIVED.key: {}, DISCLOSURE.key: {}}
    by_year: dict[int | None, list[StoredReport]] = defaultdict(list)
    for item in reports:
        by_year[item.record.year].append(item)
    for year, members in by_year.items():
        if year is None:
            continue
        for key, found in ranks.items():
            ranked, count = _competition_ranks({m.id: own[m.id][key].value for m in members})
            found.update({report_id: (rank, count) for report_id, rank in ranked.items()})

    # The agency's previous year: the ratio of sums over its reports of that year (normally one).
    agency_year: dict[tuple[str, int], list[int]] = defaultdict(list)
    for item in reports:
        if item.agency_key and item.record.year is not None:
            agency_year[(item.agency_key, item.record.year)].append(item.id)

    def previous(item: StoredReport, indicator: Indicator) -> float | None:
        if not item.agency_key or item.record.year is None:
            return None
        ids = agency_year.get((item.agency_key, item.record.year - 1), [])
        return indicator.aggregate(own[i][indicator.key] for i in ids).value if ids else None

    rows: list[dict[str, Any]] = []
    for item in sorted(reports, key=lambda r: (r.record.year is None, r.record.year or 0, r.id)):
        record = item.record
        head = {"id": item.id, "agency": record.agency, "agency_key": item.agency_key, "region": item.region, "year": record.year, "path": record.source.path}
        placed = {key: ranked.get(item.id, (None, None)) for key, ranked in ranks.items()}
        rows.append(_report_row(head, indicators, own[item.id], placed, previous(item, RECEIVED), previous(item, DISCLOSURE)))
    return Table(_report_columns(indicators), rows, list(REPORT_NOTES))


def _report_columns(indicators: Sequence[Indicator]) -> list[Column]:
    return [
        Column("id", "编号", "id"),
        Column("agency", "机关", "text"),
        Column("agency_key", "机关键", "text", show=False),
        Column("region", "地区", "text", show=False),
        Column("year", "年度", "id"),
        Column("path", "文件", "text", show=False),
        *_indicator_columns(indicators, grouped=False),
        Column("rank_received", "新收排名", "rank"),
        Column("rank_received_of", "新收排名·参与数", "n", show=False),
        Column("rank_disclosure_rate", "公开率排名", "rank"),
        Column("rank_disclosure_rate_of", "公开率排名·参与数", "n", show=False),
        Column("yoy_received", "新收同比增减", "delta"),
        Column("yoy_disclosure_rate_pp", "公开率同比（百分点）", "pp"),
    ]


def _report_row(
    head: dict[str, Any],
    indicators: Sequence[Indicator],
    own: dict[str, Measure],
    ranks: dict[str, tuple[int | None, int | None]],
    before_received: float | None,
    before_rate: float | None,
) -> dict[str, Any]:
    """One report's row: its indicators (`own` has them, with 本年新收 and 公开率), its ranks in its
    year, and the changes on the agency's year before."""
    row = dict(head)
    for indicator in indicators:
        _put(row, indicator, own[indicator.key], grouped=False)
    for key, (rank, of) in ranks.items():
        row[f"rank_{key}"], row[f"rank_{key}_of"] = rank, of
    now_received, now_rate = own[RECEIVED.key].value, own[DISCLOSURE.key].value
    row["yoy_received"] = _plain(None if now_received is None or before_received is None else now_received - before_received)
    row["yoy_disclosure_rate_pp"] = None if now_rate is None or before_rate is None else (now_rate - before_rate) * 100
    return row


def reports_table(connection: Connection, indicators: Sequence[Indicator] = MAIN_INDICATORS) -> Table:
    """`report_table`'s table computed by SQL from the stored reports' summaries and findings
    (`browse.report_figures`), its rows produced one at a time as they are read: CSV and JSON
    are written while the database streams them, whatever the number of reports."""
    wanted = {*indicators, RECEIVED, DISCLOSURE}
    parts = {i.key: sql_indicator(i) for i in wanted if i.kind in ("count", "ratio")}
    with_rules = any(i.counted is not None and i.counted[0] == "rule" for i in indicators)

    def rows() -> Iterator[dict[str, Any]]:
        for report in report_figures(connection, with_rules):
            own: dict[str, Measure] = {}
            for indicator in wanted:
                if indicator.key in parts:
                    part = parts[indicator.key]
                    top = report.parts[part.numerator]
                    bottom = None if part.denominator is None else report.parts[part.denominator]
                    own[indicator.key] = indicator.of_parts(top, bottom)
                else:
                    assert indicator.counted is not None  # findings per report
                    by, name = indicator.counted
                    count = {"error": report.errors, "warning": report.warnings}[name] if by == "severity" else report.by_rule.get(name, 0)
                    own[indicator.key] = Measure(count / 1, count, 1, 1)
            head = {"id": report.id, "agency": report.agency, "agency_key": report.agency_key, "region": report.region, "year": report.year, "path": report.path}
            yield _report_row(head, indicators, own, report.ranks, report.previous[RECEIVED.key], report.previous[DISCLOSURE.key])

    return Table(_report_columns(indicators), rows(), list(REPORT_NOTES))


def group_table(reports: Sequence[StoredReport], by: By, indicators: Sequence[Indicator] = MAIN_INDICATORS) -> Table:
    """One row per agency, region or year: ratios of sums over the group's reports, with n."""
    if by == "report":
        return report_table(reports, indicators)
    groups: dict[Any, list[StoredReport]] = defaultdict(list)
    for item in reports:
        key = {"agency": item.agency_key, "region": item.region, "year": item.record.year}[by]
        groups[key].append(item)
    own = {item.id: measures(item.record, indicators) for item in reports}

    if by == "agency":
        head = [
            Column("agency_key", "机关键", "text", show=False),
            Column("agency", "机关", "text"),
            Column("region", "地区", "text", show=False),
            Column("years", "年度", "text"),
        ]
    elif by == "region":
        head = [Column("region", "地区", "text")]
    else:
        head = [Column("year", "年度", "id")]
    columns = head + [Column("reports", "报告数", "n"), *_indicator_columns(indicators, grouped=True)]

    rows: list[dict[str, Any]] = []
    for key in sorted(groups, key=lambda k: (k is None, k if k is not None else 0)):
        members = groups[key]
        row: dict[str, Any] = {"reports": len(members)}
        if by == "agency":
            latest = max(members, key=lambda m: (m.record.year or 0, m.id))
            years = sorted({m.record.year for m in members if m.record.year is not None})
            row |= {"agency_key": key, "agency": latest.record.agency or key, "region": latest.region, "years": _year_span(years)}
        else:
            row[by] = key
        for indicator in indicators:
            _put(row, indicator, indicator.aggregate(own[m.id][indicator.key] for m in members), grouped=True)
        rows.append(row)
    return Table(columns, rows, list(GROUP_NOTES))


def grouped_table(connection: Connection, by: Sequence[GroupKey], indicators: Sequence[Indicator] = MAIN_INDICATORS) -> Table:
    """`group_table`'s table for one or several keys (`region`, `year` …), computed by SQL over the
    stored reports' summaries and findings (`browse.groups`), its rows produced one at a time as
    they are read: no record is loaded and no group is kept. Same figures as `group_table` over
    the same reports."""
    in_sql = [sql_indicator(i) for i in indicators if i.kind in ("count", "ratio")]
    head: list[Column] = []
    for name in by:
        if name == "agency":
            head += [Column("agency_key", "机关键", "text", show=False), Column("agency", "机关", "text")]
            head += [Column("region", "地区", "text", show=False)] if "region" not in by else []
            head += [Column("years", "年度", "text")] if "year" not in by else []
        elif name == "region":
            head.append(Column("region", "地区", "text"))
        else:
            head.append(Column("year", "年度", "id"))

    def rows() -> Iterator[dict[str, Any]]:
        for group in groups(connection, by, in_sql):
            row: dict[str, Any] = {"reports": group.reports}
            for name, part in zip(by, group.key, strict=True):
                if name == "agency":
                    printed, region = group.latest
                    row |= {"agency_key": part, "agency": printed or part}
                    row |= {"region": region} if "region" not in by else {}
                    row |= {"years": _year_span(group.years)} if "year" not in by else {}
                else:
                    row[name] = part
            for indicator in indicators:
                if indicator.counted is not None and indicator.counted[0] == "rule":
                    count = group.by_rule.get(indicator.counted[1], 0)
                    measure = Measure(count / group.reports, count, group.reports, group.reports)
                else:
                    value = group.values[indicator.key]
                    measure = Measure(value.value, value.numerator, value.denominator, value.n)
                _put(row, indicator, measure, grouped=True)
            yield row

    return Table(head + [Column("reports", "报告数", "n"), *_indicator_columns(indicators, grouped=True)], rows(), list(GROUP_NOTES))


def _year_span(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}–{years[-1]}"
    return "、".join(map(str, years))


# ---------------------------------------------------------------- rendering


def _format(column: Column, row: dict[str, Any], grouped: bool) -> str:
    value = row.get(column.key)
    if value is None:
        if column.kind == "text" and column.key in ("agency", "region", "agency_key"):
            return "（未识别）"
        return NULL_TEXT if column.kind not in ("text", "id") else ""
    if column.kind == "ratio":
        text = f"{value * 100:.1f}%"
    elif column.kind == "per_report":
        text = str(int(value)) if float(value).is_integer() else f"{value:.2f}"
    elif column.kind == "rank":
        text = f"{value}/{row.get(column.key + '_of')}"
    elif column.kind == "delta":
        text = f"{value:+d}" if isinstance(value, int) else f"{value:+g}"
    elif column.kind == "pp":
        text = f"{value:+.1f}"
    else:
        text = str(value)
    n = row.get(f"{column.key}_n")
    if grouped and n is not None and n < row.get("reports", 0) and column.kind in ("ratio", "count"):
        text += f"（{n}）"
    return text


def _shown(table: Table) -> list[Column]:
    return [c for c in table.columns if c.show]


def table_text(table: Table) -> str:
    """An aligned table for the terminal (CJK characters count two columns); control, bidi and
    zero-width characters of names are shown escaped (`files.shown`)."""
    columns = _shown(table)
    grouped = any(c.key == "reports" for c in table.columns)
    rows = list(table.rows)  # the widths need every row
    cells = [[shown(_format(c, row, grouped)) for c in columns] for row in rows]
    widths = [max([display_width(c.title)] + [display_width(line[i]) for line in cells]) for i, c in enumerate(columns)]
    left = [c.kind == "text" for c in columns]

    def line(texts: Iterable[str]) -> str:
        return "  ".join(pad(t, w, right=not is_text) for t, w, is_text in zip(texts, widths, left)).rstrip()

    out = [line(c.title for c in columns), line("─" * w for w in widths)]
    out += [line(texts) for texts in cells]
    if not rows:
        out.append("（没有报告）")
    return "\n".join(out + [""] + table.notes)


def table_markdown(table: Table) -> str:
    """A Markdown table; a name's pipes and line breaks cannot break its row (`safe.markdown_cell`)."""
    columns = _shown(table)
    grouped = any(c.key == "reports" for c in table.columns)
    out = ["| " + " | ".join(c.title for c in columns) + " |", "|" + "|".join("---" if c.kind == "text" else "---:" for c in columns) + "|"]
    out += ["| " + " | ".join(markdown_cell(_format(c, row, grouped)) for c in columns) + " |" for row in table.rows]
    return "\n".join(out + [""] + table.notes)


def table_csv(table: Table) -> str:
    """Every column, raw values (ratios as fractions), nulls empty; text made safe for
    spreadsheets (`safe.csv_text`: never a formula, no control characters)."""
    return "".join(_csv_lines(table))


def _csv_lines(table: Table) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if row.get(c.key) is None else csv_value(row[c.key]) for c in table.columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def table_json(table: Table) -> str:
    """A JSON list of objects with every column, raw values, nulls as null."""
    return "".join(_json_lines(table))


def _json_lines(table: Table) -> Iterator[str]:
    """The text of `json.dumps(rows, indent=1)`, one row at a time."""
    first = True
    for row in table.rows:
        item = json.dumps({c.key: row.get(c.key) for c in table.columns}, ensure_ascii=False, indent=1)
        yield ("[\n" if first else ",\n") + textwrap.indent(item, " ")
        first = False
    yield "[]" if first else "\n]"


def render_lines(table: Table, output: str) -> Iterator[str]:
    """The rendering in pieces: CSV and JSON as their rows come (a streamed table stays
    streamed), the text and Markdown tables whole (their columns are as wide as the widest row)."""
    if output == "csv":
        return _csv_lines(table)
    if output == "json":
        return _json_lines(table)
    return iter([render_table(table, output)])


def render_table(table: Table, output: str) -> str:
    renderers = {"text": table_text, "markdown": table_markdown, "csv": table_csv, "json": table_json}
    return renderers[output](table)
