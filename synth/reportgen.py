"""Render complete, consistent 政府信息公开工作年度报告 as tab-separated text, for rule tests.

A `Report` holds the values of the three tables plus everything around them (title, period,
sections, signature). `render` prints it the way a PDF/Word copy-paste looks: one table row per
line, cells separated by tabs. Options bend one thing at a time (a cell's printed text, a row
run together, a missing section or table, the 2019 format, a narrative sentence, the date),
so each test states exactly what is wrong with its report.

`random_report(seed)` fills the tables with random values that satisfy every equation of
`gongkai.arithmetic` (row totals, results totals, balance, table 四 totals).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date

from gongkai import formats, layout
from gongkai.formats import CellPath
from gongkai.model import Finding, Record

Number = int | float
Requests = dict[str, list[int]]  # row key → 7 values in REQUEST_COLUMN_KEYS order
Review = dict[str, dict[str, int]]  # block → field → value
Active = dict[str, dict[str, Number]]  # row → field → value

DROP = None  # a cell override that prints nothing at all (not even the tab)
SECTION_BODY = {
    1: "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。",
    2: "本机关通过门户网站及时主动公开政府信息。",
    3: "本机关严格按照法定程序和时限办理政府信息公开申请。",
    4: "本机关政府信息公开行政复议、行政诉讼情况如下表。",
    5: "政务公开工作仍有不足，下一步将加强培训，提升公开质量。",
    6: "本年度没有产生信息公开处理费。",
}


@dataclass
class Report:
    requests: Requests
    review: Review
    active: Active
    agency: str = "某市交通运输局"
    year: int = 2023
    template: str = formats.TEMPLATE_2021  # the format of the printed tables
    single_other_row: bool = False  # a 2021 report printing the 2019 （六）其他处理 row
    published: date | None = None  # signature date; None prints no date
    period_year: int | None = None  # year in 统计期限 (defaults to `year`)
    cells: dict[str, str | None] = field(default_factory=dict)  # dotted path → printed text
    row_text: dict[str, str] = field(default_factory=dict)  # table 三 row key → its printed values
    review_text: str | None = None  # the printed value line of table 四
    narrative: list[str] = field(default_factory=list)  # sentences added to section 一
    omit_sections: frozenset[int] = frozenset()
    omit_tables: frozenset[str] = frozenset()  # "二", "三", "四"

    def request_rows(self) -> tuple[formats.Row, ...]:
        return formats.request_rows(self.template, self.single_other_row)

    def active_rows(self) -> tuple[formats.ActiveRow, ...]:
        return formats.active_rows(self.template)

    def with_(self, **changes: object) -> Report:
        """A copy with some fields changed (the tables are copied, so they can be edited)."""
        copy = replace(
            self,
            requests={k: list(v) for k, v in self.requests.items()},
            review={k: dict(v) for k, v in self.review.items()},
            active={k: dict(v) for k, v in self.active.items()},
            cells=dict(self.cells),
            row_text=dict(self.row_text),
            narrative=list(self.narrative),
        )
        return replace(copy, **changes)  # type: ignore[arg-type]


# ------------------------------------------------------------------ values


def zero_requests(rows: tuple[formats.Row, ...] = formats.REQUEST_ROWS_2021) -> Requests:
    return {row.key: [0] * 7 for row in rows}


def zero_review() -> Review:
    return {b.key: {f.key: 0 for f in formats.REVIEW_FIELDS} for b in formats.REVIEW_BLOCKS}


def zero_active(template: str = formats.TEMPLATE_2021) -> Active:
    return {r.key: {f.key: 0 for f in r.fields} for r in formats.active_rows(template)}


def with_row_totals(requests: Requests) -> Requests:
    """Set every row's 总计 to the sum of its six applicant columns."""
    return {key: values[:6] + [sum(values[:6])] for key, values in requests.items()}


def random_requests(
    rng: random.Random,
    rows: tuple[formats.Row, ...],
    zero_share: float = 0.6,
    high: int = 40,
    zero_rows: frozenset[str] = frozenset(),
) -> Requests:
    """Table 三 values satisfying row totals, results totals and the balance, per column.

    `zero_rows` names result rows that must be all zeros.
    """
    keys = [r.key for r in rows]
    results = formats.result_row_keys(rows)
    table: Requests = {key: [0] * 7 for key in keys}
    for column in range(6):
        # Most cells of real tables are 0; natural persons file most applications.
        scale = high if column == 0 else max(1, high // 8)
        for key in results:
            if key not in zero_rows and rng.random() >= zero_share:
                table[key][column] = rng.randint(1, scale)
        processed = sum(table[key][column] for key in results)
        forward = rng.randint(0, scale // 2) if rng.random() >= zero_share else 0
        carried = rng.randint(0, processed + forward) if rng.random() >= zero_share else 0
        table["total_processed"][column] = processed
        table["carried_forward"][column] = forward
        table["carried_over"][column] = carried
        table["new_received"][column] = processed + forward - carried
    return with_row_totals(table)


def random_review(
    rng: random.Random, zero_share: float = 0.6, high: int = 12, zero_blocks: frozenset[str] = frozenset()
) -> Review:
    review = zero_review()
    for name, block in review.items():
        if name in zero_blocks:
            continue
        for key in ("upheld", "corrected", "other", "pending"):
            block[key] = rng.randint(1, high) if rng.random() >= zero_share else 0
        block["total"] = block["upheld"] + block["corrected"] + block["other"] + block["pending"]
    return review


def random_active(rng: random.Random, template: str = formats.TEMPLATE_2021) -> Active:
    active: Active = {}
    for row in formats.active_rows(template):
        values: dict[str, Number] = {}
        for column in row.fields:
            if column.key in row.decimal:
                values[column.key] = round(rng.uniform(0, 5000), rng.choice((0, 1, 2, 4)))
            elif column.key in row.signed:
                values[column.key] = rng.randint(-20, 20)
            else:
                values[column.key] = rng.randint(0, 2000) if rng.random() < 0.6 else 0
        active[row.key] = values
    return active


def random_report(
    seed: int | random.Random,
    *,
    template: str = formats.TEMPLATE_2021,
    single_other_row: bool = False,
    zero_share: float = 0.6,
    zero_rows: frozenset[str] = frozenset(),
    zero_blocks: frozenset[str] = frozenset(),
    **options: object,
) -> Report:
    """A complete report whose tables are consistent, from a seed (same seed, same report).

    `zero_share` is the chance of a 0 in a cell; `zero_rows` (table 三 result rows) and
    `zero_blocks` (table 四 blocks) are all zeros.
    """
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    rows = formats.request_rows(template, single_other_row)
    report = Report(
        requests=random_requests(rng, rows, zero_share, zero_rows=zero_rows),
        review=random_review(rng, zero_share, zero_blocks=zero_blocks),
        active=random_active(rng, template),
        template=template,
        single_other_row=single_other_row,
    )
    report = replace(report, **options)  # type: ignore[arg-type]
    if "published" not in options:
        report.published = date(report.year + 1, 1, 20)
    return report


def simple_report(row: str, values: list[int], **options: object) -> Report:
    """A 2021 report whose only applications are `values` in table 三 row `row` (a result row).

    本年新收, the result row and （七）总计 carry the same seven values, every other row is 0,
    so the table is consistent and `values` is pinned by three equations per column.
    """
    requests = zero_requests()
    for key in ("new_received", row, "total_processed"):
        requests[key] = list(values)
    report = Report(requests=requests, review=zero_review(), active=zero_active(), published=date(2024, 1, 20))
    return replace(report, **options)  # type: ignore[arg-type]


# ------------------------------------------------------------------ rendering


def cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _cell(report: Report, path: str, value: Number | None) -> list[str]:
    """The printed cell(s) for one value: the override if any, [] for DROP."""
    if path in report.cells:
        text = report.cells[path]
        return [] if text is DROP else [text]
    return [str(value)]


def _grids(report: Report) -> layout.Tables:
    """The report's tables in the official layout (the rows its template prints)."""
    requests = {r.key: report.requests[r.key] for r in report.request_rows()}
    active = {r.key: report.active[r.key] for r in report.active_rows()}
    return layout.tables(report.template, requests, report.review, active)


def _row_cells(report: Report, grid: layout.Grid, r: int, *, values: bool = True) -> list[str]:
    """The cells of grid row `r` left to right as a Word copy prints them: a merged cell once,
    where it starts; each value as the report prints it (`values=False`: the labels only)."""
    out: list[str] = []
    for cell in grid.cells:
        if cell.row != r:
            continue
        if cell.path is None:
            out.append(cell.text)
        elif values:
            out += _cell(report, str(cell.path), cell.value)
    return out


def _grid_lines(report: Report, grid: layout.Grid, rows: range) -> list[str]:
    return ["\t".join(_row_cells(report, grid, r)) for r in rows]


def _active_lines(report: Report, grid: layout.Grid) -> list[str]:
    return _grid_lines(report, grid, range(grid.rows))


def _request_lines(report: Report, grid: layout.Grid) -> list[str]:
    # The header rows of the official layout, as this copy prints them: the note and 申请人情况;
    # 自然人, 法人或其他组织 with empty cells for the columns it spans, 总计; the five organisations.
    columns = formats.REQUEST_COLUMNS
    lines = [
        f"{formats.BALANCE_NOTE}\t{formats.APPLICANTS_HEADER}",
        "\t" + "\t".join([columns[0].label, formats.ORGANISATIONS_HEADER, *[""] * 4, columns[6].label]),
        "\t\t" + "\t".join(c.label for c in columns[1:6]),
    ]
    for r in range(grid.header_rows, grid.rows):
        key = next(c.path.row for c in grid.cells if c.row == r and c.path is not None)
        if key in report.row_text:
            lines.append("\t".join([*_row_cells(report, grid, r, values=False), report.row_text[key]]))
        else:
            lines.extend(_grid_lines(report, grid, range(r, r + 1)))
    return lines


def _review_lines(report: Report, grid: layout.Grid) -> list[str]:
    # The header rows as this copy prints them: the blocks' levels with empty cells between, then
    # the five outcomes of each of the three blocks on one line.
    fields = "\t".join(f.label for f in formats.REVIEW_FIELDS)
    review, direct, after = (layout.block_levels(b) for b in formats.REVIEW_BLOCKS)
    gap = "\t" * len(formats.REVIEW_FIELDS)  # from one block's first column to the next one's
    lines = [
        review[0] + gap + direct[0],
        gap + direct[1] + gap + after[1],
        "\t".join([fields] * 3),
    ]
    if report.review_text is not None:
        return [*lines, report.review_text]
    return [*lines, *_grid_lines(report, grid, range(grid.header_rows, grid.rows))]


def render(report: Report) -> str:
    """The report as tab-separated text, one table row per line."""
    year = report.year
    period = report.period_year or year
    lines = [
        f"{report.agency}{year}年政府信息公开工作年度报告",
        "",
        "本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室的要求编制。"
        f"所列数据的统计期限自{period}年1月1日起至12月31日止。",
        "",
    ]
    grids = {grid.table.number: grid for grid in _grids(report)}
    writers = {"二": _active_lines, "三": _request_lines, "四": _review_lines}
    for section in formats.SECTIONS:
        number = "一二三四五六"[section.number - 1]
        if section.number not in report.omit_sections:
            lines += [f"{number}、{section.title}", SECTION_BODY[section.number]]
            if section.number == 1:
                lines += report.narrative
        if number in writers and number not in report.omit_tables:
            lines += writers[number](report, grids[number])
        lines.append("")
    lines.append(report.agency)
    if report.published is not None:
        lines.append(cn_date(report.published))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ reading back


def cell_value(record: Record, path: str) -> Number | None:
    """The record's value at a dotted cell path (None also when the whole row is null)."""
    table, row, column = CellPath.parse(path)
    if table == "requests":
        values = record.rows.get(row)
        return None if values is None else values[formats.REQUEST_COLUMN_KEYS.index(column)]
    if table == "review_litigation":
        return record.review_litigation[row][column]
    return record.active[row][column]


def covers(finding: Finding, path: str) -> bool:
    """Whether a finding's location names the cell at `path` (alone, among columns, or its whole row)."""
    return finding.covers(path)
