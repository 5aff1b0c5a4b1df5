"""The official table layout (gongkai.layout, issue 9 item 2): every value cell of a record in
its grid exactly once, spans that tile each grid, the labels of `formats`, and the two writers
that draw it — the Excel export and the generated Word document — placing every value under the
row and column labels the layout gives it."""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from gongkai import formats, layout
from gongkai.export import export_xlsx, locate_cells
from gongkai.formats import CellPath
from gongkai.model import Record, Source, Value, cell_values
from gongkai.store import StoredReport
from synth.generate import ReportSpec, random_report, tables, to_docx

# (template, year, single_other_row): the 2021 format, the 2019 format, a 2021 report printing
# the 2019 （六）其他处理 row.
VARIANTS = [
    pytest.param(formats.TEMPLATE_2021, 2023, False, id="2021"),
    pytest.param(formats.TEMPLATE_2019, 2020, False, id="2019"),
    pytest.param(formats.TEMPLATE_2021, 2023, True, id="2021-single-other-row"),
]
SEEDS = range(8)


def _spec(seed: int, template: str, year: int, single: bool) -> ReportSpec:
    return random_report(seed, template=template, year=year, single_other_row=single)


def _record(spec: ReportSpec) -> Record:
    record = Record(Source(f"{spec.year}-{spec.seed}.txt"), spec.template, spec.year, spec.agency)
    record.requests = {"columns": list(formats.REQUEST_COLUMN_KEYS), "rows": {k: list(v) for k, v in spec.requests.items()}}
    record.review_litigation = {k: dict(v) for k, v in spec.review.items()}
    record.active = {k: dict(v) for k, v in spec.active.items()}
    return record


# ---------------------------------------------------------------- the grids


@pytest.mark.parametrize(("template", "year", "single"), VARIANTS)
def test_every_value_path_is_in_the_grids_exactly_once(template: str, year: int, single: bool) -> None:
    for seed in SEEDS:
        spec = _spec(seed, template, year, single)
        values = cell_values(spec.requests, spec.review, spec.active)  # type: ignore[arg-type]
        grids = tables(spec)
        paths = [cell.path for grid in grids for cell in grid.cells if cell.path is not None]
        assert len(paths) == len(set(paths))
        assert {str(p) for p in paths} == set(values)
        for path, cell in grids.by_path().items():
            assert cell.value == values[str(path)] and cell.text == layout.format_number(cell.value)
            assert cell.kind == "value" and cell.rowspan == 1
            grid = grids.grid(path.table)
            assert grid is not None and cell in grid.cells  # each path in its own table's grid


@pytest.mark.parametrize(("template", "year", "single"), VARIANTS)
def test_spans_tile_each_grid_without_overlap(template: str, year: int, single: bool) -> None:
    grids = tables(_spec(1, template, year, single))
    assert [g.table for g in grids] == list(formats.TABLES)
    for grid in grids:
        covered: dict[tuple[int, int], layout.Cell] = {}
        for cell in grid.cells:
            assert cell.rowspan >= 1 and cell.colspan >= 1
            assert 0 <= cell.row and cell.last_row < grid.rows and 0 <= cell.col and cell.last_col < grid.cols
            for r in range(cell.row, cell.last_row + 1):
                for c in range(cell.col, cell.last_col + 1):
                    assert (r, c) not in covered, f"{grid.table.name}: {cell.text} overlaps {covered[(r, c)].text} at {(r, c)}"
                    covered[(r, c)] = cell
        assert set(covered) == {(r, c) for r in range(grid.rows) for c in range(grid.cols)}, grid.table.name
        assert covered == grid.cover_map()
        assert [(c.row, c.col) for c in grid.cells] == sorted((c.row, c.col) for c in grid.cells)  # reading order


@pytest.mark.parametrize(("template", "year", "single"), VARIANTS)
def test_labels_are_the_formats_labels(template: str, year: int, single: bool) -> None:
    spec = _spec(2, template, year, single)
    grids = tables(spec)
    active_rows = {r.key: r for r in formats.active_rows(template)}
    organisations = set(formats.APPLICANT_COLUMN_KEYS[1:])
    assert grids.requests is not None and grids.review is not None and grids.active is not None
    assert [c.text for c in grids.requests.cells if c.kind == "label"] == [r.label for r in spec.request_rows()]
    assert [c.text for c in grids.active.cells if c.kind == "label"] == [r.label for r in formats.active_rows(template)]
    for path, cell in grids.by_path().items():
        grid = grids.grid(path.table)
        assert grid is not None
        row_labels, column_labels = grid.labels(cell)
        if path.group == "requests":
            row = formats.ALL_REQUEST_ROWS[path.row]
            column = formats.REQUEST_COLUMNS[formats.COLUMN_INDEX[path.column]]
            groups = () if row.group is None else (formats.GROUPS[0].label,) + ((row.group,) if row.group != formats.GROUPS[0].label else ())
            assert row_labels == (*groups, row.label)
            middle = (formats.ORGANISATIONS_HEADER,) if path.column in organisations else ()
            assert column_labels == (formats.APPLICANTS_HEADER, *middle, column.label)
        elif path.group == "review_litigation":
            block = next(b for b in formats.REVIEW_BLOCKS if b.key == path.row)
            field = next(f for f in formats.REVIEW_FIELDS if f.key == path.column)
            assert row_labels == ()
            assert "·".join(column_labels[:-1]) == block.label and column_labels[-1] == field.label
        else:
            active = active_rows[path.row]
            field_ = next(f for f in active.fields if f.key == path.column)
            assert row_labels == (active.label,)
            assert column_labels == (active.block, field_.label)
    note = next(c for c in grids.requests.cells if c.kind == "note")
    assert note.text == formats.BALANCE_NOTE and (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    if single or template == formats.TEMPLATE_2019:
        assert formats.ROW_OTHER_HANDLING.label in [c.text for c in grids.requests.cells]
        assert not {c.path.row for c in grids.requests.value_cells() if c.path} & set(formats.OTHER_2021_KEYS)


def test_a_record_as_read_draws_what_it_holds() -> None:
    """A 2021 record still printing the 2019 row shows it before the three 2021 rows; a table
    the record does not hold has no grid; a null row draws blank value cells."""
    spec = _spec(4, formats.TEMPLATE_2021, 2023, False)
    record = _record(spec)
    record.requests["rows"]["other_handling"] = None
    record.review_litigation = {}
    record.active = {}
    grids = layout.record_tables(record)
    assert grids.review is None and grids.active is None and [g.table.number for g in grids] == ["三"]
    assert grids.requests is not None
    labels = [c.text for c in grids.requests.cells if c.kind == "label"]
    other = labels.index(formats.ROW_OTHER_HANDLING.label)
    assert labels[other + 1 : other + 4] == [formats.ALL_REQUEST_ROWS[k].label for k in formats.OTHER_2021_KEYS]
    blank = [c for c in grids.requests.value_cells() if c.path and c.path.row == "other_handling"]
    assert len(blank) == 7 and all(c.value is None and c.text == "" for c in blank)
    record.requests = {}
    assert layout.record_tables(record).requests is None


# ---------------------------------------------------------------- the writers place values as the layout says


def _labels(at: Callable[[int, int], tuple[Hashable, object]], row: int, col: int, top: int, left: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(row labels, column labels) of a value at (row, col) read off a drawn table by position
    alone: the text cells to its left, the text cells above it up to the first number above them.
    `at(r, c)` gives the merged cell covering a position (an identity) and what it shows."""

    def label(shown: object) -> str | None:
        return shown.replace("\n", "") if isinstance(shown, str) and shown else None

    row_labels: list[tuple[Hashable, str]] = []
    for c in range(left, col):
        key, shown = at(row, c)
        text = label(shown)
        if text is not None and not _is_number(text) and (key, text) not in row_labels:
            row_labels.append((key, text))
    column_labels: list[tuple[Hashable, str]] = []
    for r in range(row - 1, top - 1, -1):
        key, shown = at(r, col)
        text = label(shown)
        if text is None or _is_number(text):
            if column_labels and text is not None:
                break
            continue
        if (key, text) not in column_labels:
            column_labels.append((key, text))
    return tuple(t for _, t in row_labels), tuple(t for _, t in reversed(column_labels))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _sheet_at(ws: Worksheet) -> Callable[[int, int], tuple[Hashable, object]]:
    ranges = list(ws.merged_cells.ranges)

    def at(row: int, column: int) -> tuple[Hashable, object]:
        cell = ws.cell(row, column)
        if isinstance(cell, MergedCell) or any(r.min_row == row and r.min_col == column for r in ranges):
            merged = next(r for r in ranges if r.min_row <= row <= r.max_row and r.min_col <= column <= r.max_col)
            top = ws.cell(merged.min_row, merged.min_col).value
            return str(merged), top if isinstance(top, str) else (None if top is None else str(top))
        value = cell.value
        return cell.coordinate, value if isinstance(value, str) else (None if value is None else str(value))

    return at


@pytest.mark.parametrize(("template", "year", "single"), VARIANTS)
def test_excel_and_word_place_every_value_under_the_layouts_labels(tmp_path: Path, template: str, year: int, single: bool) -> None:
    spec = _spec(5, template, year, single)
    record = _record(spec)
    grids = layout.record_tables(record)
    values: dict[str, Value] = record.cell_values()

    # Excel: each table under its section heading; the value found where the sheet's labels say.
    path = tmp_path / "one.xlsx"
    names = export_xlsx([StoredReport(1, record, spec.agency, None)], path)
    ws = load_workbook(path)[names[1]]
    titles = {f"{t.number}、{s.title}": t.number for t, s in zip(formats.TABLES, formats.SECTIONS[1:4], strict=True)}
    headings = {r: titles[str(ws.cell(r, 1).value)] for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value in titles}
    assert sorted(headings.values()) == sorted(titles.values())
    located = locate_cells(ws)
    at = _sheet_at(ws)
    assert set(located) == set(values)
    for dotted, coordinate in located.items():
        path_ = CellPath.parse(dotted)
        grid = grids.grid(path_.table)
        assert grid is not None
        cell = ws[coordinate]
        assert cell.value == values[dotted]
        top = next(r for r, number in sorted(headings.items(), reverse=True) if r < cell.row and number == path_.table.number) + 1
        assert _labels(at, cell.row, cell.column, top, 1) == grid.labels(grid.by_path()[path_]), dotted

    # Word: one table per grid, the same grid positions, the value under the same labels.
    document = docx.Document(io.BytesIO(to_docx(spec, page_break_in_table=False)))
    assert len(document.tables) == 3
    for grid, table in zip(grids, document.tables, strict=True):
        assert (len(table.rows), len(table.columns)) == (grid.rows, grid.cols)

        matrix = [table.row_cells(r) for r in range(grid.rows)]  # a merged cell repeats where it spans

        def word_at(row: int, column: int, matrix: list[list[docx.table._Cell]] = matrix) -> tuple[Hashable, object]:
            cell = matrix[row][column]
            return cell._tc, cell.text  # the merged cell's own element: one key wherever it spans

        for cell in grid.value_cells():
            assert matrix[cell.row][cell.col].text == cell.text
            expected = tuple(tuple(t.replace("\n", "") for t in labels) for labels in grid.labels(cell))
            assert _labels(word_at, cell.row, cell.col, 0, 0) == expected, str(cell.path)
