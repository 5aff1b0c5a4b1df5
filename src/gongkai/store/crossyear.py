"""The cross-year pass in the database: the pairs (a report, its agency's report of the year
before) of the chosen agencies are staged once; one query finds, over all the pairs at once,
those whose cells break a cross-year balance (`arithmetic.YearBalance`); the narratives
(`reports.narrative`) are read pair by pair for the text comparison. The findings the pipeline
makes of them are copied in like a batch's, and only the reports whose cross-year findings
changed have their summary's counts recounted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.sql import Select

from .. import formats
from ..arithmetic import YearBalance
from ..model import Finding, Value
from .batch import FINDING_COLUMNS, finding_values, prepare, stage
from .schema import StoredText, cells, findings, lock, raise_version, recount_findings, reports

_pass = MetaData()
stage_agency_keys = Table("stage_agency_keys", _pass, Column("key", StoredText), prefixes=["TEMPORARY"])
stage_year_pairs = Table(
    "stage_year_pairs",
    _pass,
    Column("later", Integer),
    Column("earlier", Integer),
    Column("later_template", String(16)),
    Column("earlier_template", String(16)),
    prefixes=["TEMPORARY"],
)
_FLUSH = 5000  # findings kept before they are copied in
_RESTATE = 5000  # cross-year findings written or removed from which PostgreSQL's statistics are renewed


@dataclass(frozen=True)
class PairCells:
    """A report and its agency's report of the year before, with the cells of each balance."""

    report_id: int
    previous_id: int
    template: str
    previous_template: str
    previous_year: int
    previous_path: str  # as last year's record gives it
    values: list[list[Value]]  # per balance, in the order of its terms


class YearPairs:
    """The staged pairs of one cross-year pass (valid inside its transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def unbalanced(self, balances: Sequence[YearBalance]) -> Iterator[PairCells]:
        """The pairs whose cells break one of the balances or more (every cell of that balance
        holding a number, both reports printing its template), with the cells of every balance.

        The cells of both reports of a pair are read together through the cells' primary key
        (report, table, row) and put side by side by one aggregate, so the cost follows the
        number of pairs, whatever the size of the table."""
        pairs, earlier = stage_year_pairs, reports.alias("e")
        slots: dict[tuple[bool, formats.CellPath], int] = {}
        for term in (term for balance in balances for term in balance.terms):
            slots.setdefault((term.last_year, term.cell), len(slots))
        side_by_side = [
            func.max(
                case(
                    (
                        and_(
                            cells.c.report_id == (pairs.c.earlier if last_year else pairs.c.later),
                            cells.c.tbl == cell.table.number,
                            cells.c.row == cell.row,
                            cells.c.col == cell.column,
                        ),
                        cells.c.value,
                    )
                )
            ).label(f"v{at}")
            for (last_year, cell), at in slots.items()
        ]
        read = and_(
            cells.c.report_id.in_([pairs.c.later, pairs.c.earlier]),
            cells.c.tbl.in_(sorted({cell.table.number for _, cell in slots})),
            cells.c.row.in_(sorted({cell.row for _, cell in slots})),
        )
        grouped = (pairs.c.later, pairs.c.earlier, pairs.c.later_template, pairs.c.earlier_template)
        found = select(*grouped, *side_by_side).select_from(pairs.join(cells, read)).group_by(*grouped).subquery("found")
        columns = (found.c.later, found.c.earlier, found.c.later_template, found.c.earlier_template)
        broken = []
        for balance in balances:
            total: ColumnElement[Any] | None = None
            for term in balance.terms:
                value = found.c[f"v{slots[(term.last_year, term.cell)]}"]
                signed = value if term.sign > 0 else -value
                total = signed if total is None else total + signed
            assert total is not None
            condition = total != 0  # null when a cell is null: not a break
            if balance.template is not None:
                condition = and_(found.c.later_template == balance.template, found.c.earlier_template == balance.template, condition)
            broken.append(condition)
        query = (
            select(*columns, earlier.c.year, _record_text(self.connection, "e", "source", "path"), *(found.c[f"v{at}"] for at in range(len(slots))))
            .select_from(found.join(earlier, earlier.c.id == found.c.earlier))
            .where(or_(*broken))
            .order_by(found.c.later)
        )
        for row in self._stream(query):
            values = row[6:]
            per_balance = [[values[slots[(term.last_year, term.cell)]] for term in balance.terms] for balance in balances]
            yield PairCells(int(row[0]), int(row[1]), str(row[2]), str(row[3]), int(row[4]), str(row[5]), per_balance)

    def narratives(self) -> Iterator[tuple[int, int, int, str, str]]:
        """Every pair's narratives (`reports.narrative`): (report, last year's report, last year,
        the report's narrative, last year's)."""
        pairs, later, earlier = stage_year_pairs, reports.alias("l"), reports.alias("e")
        query = select(pairs.c.later, pairs.c.earlier, earlier.c.year, later.c.narrative, earlier.c.narrative).select_from(
            pairs.join(later, later.c.id == pairs.c.later).join(earlier, earlier.c.id == pairs.c.earlier)
        )
        for row in self._stream(query.order_by(pairs.c.later)):
            yield int(row[0]), int(row[1]), int(row[2]), str(row[3] or ""), str(row[4] or "")

    def recorded_path(self, report_id: int) -> str:
        """A report's path as its record gives it (what a finding naming it shows)."""
        found = select(_record_text(self.connection, "e", "source", "path")).select_from(reports.alias("e")).where(literal_column("e.id") == report_id)
        return str(self.connection.scalar(found) or "")

    def _stream(self, query: Select[Any]) -> Iterator[Sequence[Any]]:
        result = self.connection.execute(query, execution_options={"stream_results": True, "yield_per": 1000})
        yield from result


def _record_text(connection: Connection, alias: str, *path: str) -> ColumnElement[Any]:
    """A string inside the record JSON of the report aliased `alias`."""
    if connection.dialect.name == "postgresql":
        return literal_column(f"(({alias}.record_json)::json #>> '{{{','.join(path)}}}')")
    return literal_column(f"json_extract({alias}.record_json, '$.{'.'.join(path)}')")


# What the pipeline computes over the staged pairs: (report id, finding, id of the report it was
# compared with). The store keeps these findings; the pipeline computes them.
Comparison = Callable[[YearPairs], Iterable[tuple[int, Finding, int]]]


def replace_cross_year(
    connection: Connection, compare: Comparison, keys: Iterable[str] | None, skip_templates: Sequence[str], skip_rules: Sequence[str]
) -> int:
    """Replace the cross-year findings of the reports of these agencies (all if None) by what
    `compare` finds in their pairs; the number of findings written. A report is paired with the
    first stored report (lowest id) of its agency for the year before; neither may print one of
    `skip_templates` or have a finding of `skip_rules`."""
    lock(connection, "cross-year")
    prepare(connection, (stage_year_pairs,))
    mine = _of_agencies(connection, keys)
    chosen = select(reports.c.id).where(mine)
    stale = findings.c.report_id.in_(chosen) & findings.c.other_report_id.is_not(None)
    touched = set(connection.scalars(select(findings.c.report_id).where(stale).distinct()))
    removed = connection.execute(delete(findings).where(stale)).rowcount
    _stage_pairs(connection, mine, skip_templates, skip_rules)

    count = 0
    found: list[tuple[Any, ...]] = []
    for report_id, finding, other_id in compare(YearPairs(connection)):
        found.append((report_id, *finding_values(finding), other_id))
        touched.add(report_id)
        count += 1
        if len(found) >= _FLUSH:
            stage(connection, findings, found, columns=("report_id", *FINDING_COLUMNS, "other_report_id"))
            found = []
    stage(connection, findings, found, columns=("report_id", *FINDING_COLUMNS, "other_report_id"))
    recount_findings(connection, sorted(touched))
    if connection.dialect.name == "postgresql" and count + removed >= _RESTATE:
        # The planner's figures for `findings` date from before these rows: without them, the
        # next pass's search for stale cross-year findings was planned as if there were none
        # (a nested loop over all of them: 3 s instead of 30 ms at 20 000 reports).
        connection.execute(text("ANALYZE findings"))
    raise_version(connection)
    return count


def _of_agencies(connection: Connection, keys: Iterable[str] | None) -> ColumnElement[bool]:
    """The condition that picks the reports of these agencies (of every agency if None), their
    keys staged in a temporary table."""
    if keys is None:
        return reports.c.agency_key.is_not(None)
    prepare(connection, (stage_agency_keys,))
    stage(connection, stage_agency_keys, [(key,) for key in sorted(set(keys))])
    if connection.dialect.name == "postgresql":
        connection.execute(text("ANALYZE stage_agency_keys"))  # a temporary table has no statistics
    return reports.c.agency_key.in_(select(stage_agency_keys.c.key))


def _with_last_year(mine: ColumnElement[bool]) -> tuple[Any, Any, Any]:
    """The picked reports (alias "r") joined to the first stored report (lowest id) of their
    agency for the year before (alias "e"): (later, earlier, the join)."""
    first = (
        select(reports.c.agency_key, reports.c.year, func.min(reports.c.id).label("id"))
        .where(mine)
        .group_by(reports.c.agency_key, reports.c.year)
        .subquery("f")
    )
    later, earlier = reports.alias("r"), reports.alias("e")
    joined = later.join(first, and_(first.c.agency_key == later.c.agency_key, first.c.year == later.c.year - 1)).join(earlier, earlier.c.id == first.c.id)
    return later, earlier, joined


def _stage_pairs(connection: Connection, mine: ColumnElement[bool], skip_templates: Sequence[str], skip_rules: Sequence[str]) -> None:
    later, earlier, joined = _with_last_year(mine)

    def comparable(report: Any) -> ColumnElement[bool]:
        skipped = exists().where(findings.c.report_id == report.c.id, findings.c.rule.in_(list(skip_rules)))
        return and_(report.c.template.not_in(list(skip_templates)), ~skipped)

    pairs = select(later.c.id, earlier.c.id, later.c.template, earlier.c.template).select_from(joined).where(comparable(later), comparable(earlier))
    columns = ["later", "earlier", "later_template", "earlier_template"]
    connection.execute(insert(stage_year_pairs).from_select(columns, pairs))
    if connection.dialect.name == "postgresql":
        connection.execute(text("ANALYZE stage_year_pairs"))


def with_last_year(connection: Connection, keys: Iterable[str], rule: str, table: str) -> list[tuple[str, str, int, str]]:
    """The reports of these agencies having a finding of `rule` in table `table` while their
    agency's first stored report of the year before prints the same template: (content hash,
    path as its record gives it, how many of its cells in that table hold a number, last year's
    record JSON). One query; only these reports' rows are read."""
    wanted = set(keys)
    if not wanted:
        return []
    later, earlier, joined = _with_last_year(_of_agencies(connection, wanted))
    flagged = exists().where(findings.c.report_id == later.c.id, findings.c.rule == rule, findings.c.tbl == table)
    placed = select(func.count()).where(cells.c.report_id == later.c.id, cells.c.tbl == table, cells.c.value.is_not(None)).scalar_subquery()
    query = (
        select(later.c.sha256, _record_text(connection, "r", "source", "path"), placed, earlier.c.record_json)
        .select_from(joined)
        .where(earlier.c.template == later.c.template, flagged)
        .order_by(later.c.id)
    )
    return [(str(row[0]), str(row[1]), int(row[2]), str(row[3])) for row in connection.execute(query)]
