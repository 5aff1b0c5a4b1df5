"""The official layout of the three tables, as grids of cells (国办公开办函〔2021〕30号 / 〔2019〕60号).

A report's values (table 三 rows, table 四 blocks, table 二 rows, as a `Record` holds them) and
its template become the three tables as the national format prints them: header cells merged
over the columns they head, group labels such as 「（三）不予公开」 spanning their rows, the 勾稽
note of table 三 over its header, table 二 in blocks of 第二十条 items. Every cell has its grid
position and spans (like an HTML td); every value cell its `CellPath`, so that a consumer can
style it, attach findings to it or read the value back. The Excel export, the generated test
reports (DOCX, HTML, text) and any other writer draw these grids; what a table looks like is
decided here once, from `formats` alone.

    >>> grids = tables(formats.TEMPLATE_2021, requests, review, active)  # doctest: +SKIP
    >>> for cell in grids.requests.cells: ...  # doctest: +SKIP

A table the values do not hold (no row of it) has no grid (None). Table 三 draws the rows the
values hold, in printed order: the 2019 （六）其他处理 row, where a 2021 report still prints
it, stands before the three 2021 rows. Table 二 draws the rows of the format whose rows and
fields the values have (the template's first). Table 四 always draws its three blocks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from . import formats
from .formats import CellPath
from .model import Record, Value

__all__ = [
    "REQUEST_HEADER_ROWS",
    "REQUEST_ROW_ORDER",
    "Cell",
    "Grid",
    "Kind",
    "Tables",
    "active_grid",
    "active_rows_of",
    "block_levels",
    "format_number",
    "record_tables",
    "request_rows_of",
    "requests_grid",
    "review_grid",
    "tables",
]

Kind = Literal["header", "note", "group", "label", "value"]
"""What a cell is: a column `header` (申请人情况, 自然人, 结果维持, 第二十条第（一）项, 信息内容 …),
table 三's 勾稽 `note`, a row `group` label spanning rows (三、本年度办理结果, （三）不予公开), a
row `label`, or a `value`."""

# Every table-三 row in one order: the 2019 single （六）其他处理 row before the three 2021 rows,
# so that a 2021 report still printing the 2019 row shows both where they belong.
_FIRST_OTHER = [r.key for r in formats.REQUEST_ROWS_2021].index(formats.OTHER_2021_KEYS[0])
REQUEST_ROW_ORDER: tuple[formats.Row, ...] = (
    formats.REQUEST_ROWS_2021[:_FIRST_OTHER] + (formats.ROW_OTHER_HANDLING,) + formats.REQUEST_ROWS_2021[_FIRST_OTHER:]
)
_ROW_RANK = {r.key: i for i, r in enumerate(REQUEST_ROW_ORDER)}
_RESULTS = formats.GROUPS[0].label  # 三、本年度办理结果: the group every result row belongs to

# Table 三's header: 申请人情况 over all seven columns; under it 自然人 and 总计 over two rows,
# 法人或其他组织 over the columns between them, those columns' own labels below it.
_ORGANISATION_KEYS = formats.APPLICANT_COLUMN_KEYS[1:]
REQUEST_HEADER_ROWS = 3


@dataclass(eq=False)
class Cell:
    """A cell of a table at its origin, with its spans (like an HTML td).

    A value cell has its record `path` and its `value` (None: blank or not read; `text` is then
    empty). Cells are plain objects: a grid is made afresh on every call, so a writer may adjust
    a cell's text (a printed variant of a label) without touching anyone else's grid."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    kind: Kind = "header"
    path: CellPath | None = None
    value: Value = None

    @property
    def is_value(self) -> bool:
        return self.path is not None

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass
class Grid:
    """One table: its size in grid rows and columns and its cells in reading order (row by row,
    left to right). Every grid position is covered by exactly one cell."""

    table: formats.Table
    rows: int
    cols: int
    cells: list[Cell]

    def origin_map(self) -> dict[tuple[int, int], Cell]:
        """Each cell by its top-left position."""
        return {(c.row, c.col): c for c in self.cells}

    def cover_map(self) -> dict[tuple[int, int], Cell]:
        """Every grid position → the cell covering it."""
        out: dict[tuple[int, int], Cell] = {}
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    out[(r, c)] = cell
        return out

    def value_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.is_value]

    def by_path(self) -> dict[CellPath, Cell]:
        return {c.path: c for c in self.cells if c.path is not None}

    @property
    def header_rows(self) -> int:
        """Rows before the first value row."""
        return min((c.row for c in self.cells if c.is_value), default=self.rows)

    def labels(self, cell: Cell, cover: Mapping[tuple[int, int], Cell] | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(row labels, column labels) a value cell sits under, outermost first.

        Row labels are the label and group cells to its left in its row (「三、本年度办理结果」,
        「（三）不予公开」, 「1.属于国家秘密」); column labels the header cells above it, up to
        the first value or label row above them (in table 二: its block's field header and the
        block's 第二十条 row, not the block above). `cover`: the grid's `cover_map()`, when the
        caller labels many cells."""
        cover = cover if cover is not None else self.cover_map()
        row_labels: list[Cell] = []
        for c in range(cell.col):
            left = cover[(cell.row, c)]
            if left.kind in ("group", "label") and left not in row_labels:
                row_labels.append(left)
        column_labels: list[Cell] = []
        for r in range(cell.row - 1, -1, -1):
            above = cover[(r, cell.col)]
            if above.kind == "header":
                if above not in column_labels:
                    column_labels.append(above)
            elif column_labels:
                break
        return tuple(c.text for c in row_labels), tuple(c.text for c in reversed(column_labels))


@dataclass(frozen=True)
class Tables:
    """The three grids of a report (None: the values hold nothing of that table)."""

    template: str
    active: Grid | None
    requests: Grid | None
    review: Grid | None

    def __iter__(self) -> Iterator[Grid]:
        """The grids there are, in printed order (二, 三, 四)."""
        return iter([g for g in (self.active, self.requests, self.review) if g is not None])

    def grid(self, table: formats.Table) -> Grid | None:
        """The grid of one of `formats.TABLES`."""
        return next((g for g in self if g.table == table), None)

    def by_path(self) -> dict[CellPath, Cell]:
        return {path: cell for grid in self for path, cell in grid.by_path().items()}


def format_number(value: Value) -> str:
    """A value as printed: integers plainly, amounts with their decimals (never an exponent); blank for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text:
            text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text
    return str(value)


def _value(row: int, col: int, path: CellPath, value: Value, colspan: int = 1) -> Cell:
    return Cell(format_number(value), row, col, colspan=colspan, kind="value", path=path, value=value)


def _finish(table: formats.Table, rows: int, cols: int, cells: list[Cell]) -> Grid:
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(table, rows, cols, cells)


# ---------------------------------------------------------------- table 二


def active_rows_of(template: str, active: Mapping[str, Mapping[str, Value]]) -> list[formats.ActiveRow]:
    """The table-二 rows the values hold, from the format whose rows and fields they are (the
    template's first), in printed order."""
    for rows in (formats.active_rows(template), formats.ACTIVE_ROWS_2021, formats.ACTIVE_ROWS_2019):
        fields = {r.key: {f.key for f in r.fields} for r in rows}
        if all(key in fields and set(values) == fields[key] for key, values in active.items()):
            return [r for r in rows if r.key in active]
    return [r for r in formats.active_rows(template) if r.key in active]


_ACTIVE_COLUMNS = 4  # the label column and three value columns


def active_grid(template: str, active: Mapping[str, Mapping[str, Value]]) -> Grid | None:
    """Table 二: per 第二十条 item a block row over all four columns and its 信息内容 header row,
    then its rows; one, two or three value columns, the last spanning what is left."""
    rows = active_rows_of(template, active)
    if not rows:
        return None
    cells: list[Cell] = []
    r = 0
    block = None
    for row in rows:
        spans = [1] * (len(row.fields) - 1) + [_ACTIVE_COLUMNS - len(row.fields)]
        if row.block != block:
            block = row.block
            cells.append(Cell(block, r, 0, colspan=_ACTIVE_COLUMNS))
            r += 1
            cells.append(Cell(formats.CONTENT_HEADER, r, 0))
            cells.extend(Cell(f.label, r, 1 + i, colspan=span) for i, (f, span) in enumerate(zip(row.fields, spans, strict=True)))
            r += 1
        cells.append(Cell(row.label, r, 0, kind="label"))
        values = active.get(row.key, {})
        for i, (f, span) in enumerate(zip(row.fields, spans, strict=True)):
            cells.append(_value(r, 1 + i, CellPath("active", row.key, f.key), values.get(f.key), span))
        r += 1
    return _finish(formats.TABLE_OF_GROUP["active"], r, _ACTIVE_COLUMNS, cells)


# ---------------------------------------------------------------- table 三


def request_rows_of(requests: Mapping[str, object]) -> list[formats.Row]:
    """The table-三 rows the values hold (unknown keys left out), in printed order."""
    return sorted((formats.ALL_REQUEST_ROWS[k] for k in requests if k in formats.ALL_REQUEST_ROWS), key=lambda r: _ROW_RANK[r.key])


_LABEL_COLUMNS = 3  # group, sub-group, label


def requests_grid(requests: Mapping[str, Sequence[Value] | None]) -> Grid | None:
    """Table 三: the 勾稽 note over the 3×3 label corner, 申请人情况 over the seven columns;
    row labels over three columns, 三、本年度办理结果 spanning its rows in the first, its
    sub-groups (（三）不予公开 …) in the second."""
    rows = request_rows_of(requests)
    if not rows:
        return None
    columns = formats.REQUEST_COLUMNS
    first = _LABEL_COLUMNS
    cells = [
        Cell(formats.BALANCE_NOTE, 0, 0, rowspan=REQUEST_HEADER_ROWS, colspan=_LABEL_COLUMNS, kind="note"),
        Cell(formats.APPLICANTS_HEADER, 0, first, colspan=len(columns)),
    ]
    organisations = [i for i, c in enumerate(columns) if c.key in _ORGANISATION_KEYS]
    for i, column in enumerate(columns):
        if i in organisations:
            cells.append(Cell(column.label, 2, first + i))
        else:
            cells.append(Cell(column.label, 1, first + i, rowspan=2))
    cells.append(Cell(formats.ORGANISATIONS_HEADER, 1, first + organisations[0], colspan=len(organisations)))
    results = [r for r in rows if r.group is not None]
    seen: set[str] = set()
    for index, row in enumerate(rows):
        r = REQUEST_HEADER_ROWS + index
        if row.group is None:
            cells.append(Cell(row.label, r, 0, colspan=_LABEL_COLUMNS, kind="label"))
        else:
            if _RESULTS not in seen:
                seen.add(_RESULTS)
                cells.append(Cell(_RESULTS, r, 0, rowspan=len(results), kind="group"))
            if row.group == _RESULTS:
                cells.append(Cell(row.label, r, 1, colspan=2, kind="label"))
            else:
                if row.group not in seen:
                    seen.add(row.group)
                    cells.append(Cell(row.group, r, 1, rowspan=sum(1 for x in rows if x.group == row.group), kind="group"))
                cells.append(Cell(row.label, r, 2, kind="label"))
        values = requests.get(row.key) or [None] * len(columns)
        for c, (column, value) in enumerate(zip(columns, values)):
            cells.append(_value(r, first + c, CellPath("requests", row.key, column.key), value))
    return _finish(formats.TABLE_OF_GROUP["requests"], REQUEST_HEADER_ROWS + len(rows), _LABEL_COLUMNS + len(columns), cells)


# ---------------------------------------------------------------- table 四


def block_levels(block: formats.Column) -> tuple[str, ...]:
    """The header levels a table-四 block is printed under: 「行政复议」, or 「行政诉讼」 then
    「未经复议直接起诉」 (formats names a block by its levels joined with ·)."""
    return tuple(block.label.split("·"))


def review_grid(review: Mapping[str, Mapping[str, Value]]) -> Grid | None:
    """Table 四: one row of values under three header rows. A block of one level (行政复议) has
    its label over its five columns and their labels over two rows; blocks of two levels share
    their first (行政诉讼) over all their columns, each its second over its own five."""
    if not review:
        return None
    fields = formats.REVIEW_FIELDS
    width = len(fields)
    depth = max(len(block_levels(b)) for b in formats.REVIEW_BLOCKS)  # header rows above the field labels
    cells: list[Cell] = []
    top: Cell | None = None
    for b, block in enumerate(formats.REVIEW_BLOCKS):
        levels = block_levels(block)
        start = b * width
        if top is not None and top.text == levels[0] and len(levels) > 1:
            top.colspan += width  # the shared first level (行政诉讼) spans the next block too
        else:
            top = Cell(levels[0], 0, start, colspan=width)
            cells.append(top)
        cells.extend(Cell(level, r, start, colspan=width) for r, level in enumerate(levels[1:], start=1))
        cells.extend(Cell(f.label, len(levels), start + i, rowspan=depth + 1 - len(levels)) for i, f in enumerate(fields))
        values = review.get(block.key, {})
        for i, f in enumerate(fields):
            cells.append(_value(depth + 1, start + i, CellPath("review_litigation", block.key, f.key), values.get(f.key)))
    return _finish(formats.TABLE_OF_GROUP["review_litigation"], depth + 2, width * len(formats.REVIEW_BLOCKS), cells)


# ---------------------------------------------------------------- all three


def tables(
    template: str,
    requests: Mapping[str, Sequence[Value] | None],
    review: Mapping[str, Mapping[str, Value]],
    active: Mapping[str, Mapping[str, Value]],
) -> Tables:
    """The three grids of a report's values (`model.cell_values` takes the same three)."""
    return Tables(template, active_grid(template, active), requests_grid(requests), review_grid(review))


def record_tables(record: Record) -> Tables:
    """The three grids of a record, as read."""
    return tables(record.template, record.rows, record.review_litigation, record.active)
