"""Exports of a store: CSV (cells long, reports wide, findings), JSON Lines (records), Excel.

The Excel workbook has a summary sheet, one sheet per report with tables 二, 三 and 四 in the
official layout of the national format (`layout`: merged header and group cells as printed), the cells
that findings concern filled by severity with the finding as a cell comment, and a findings
sheet. `read_xlsx` reads the numbers back from that layout by its labels, which is how the
tests hold the export to the stored values.

Every label comes from `formats`; nothing here spells a row or column of the format itself.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from . import formats, layout
from .analyse.indicators import MAIN_INDICATORS
from .analyse.stats import report_table
from .model import Finding, Record, Value
from .render import SEVERITY_NAMES
from .safe import csv_value, xlsx_clean, xlsx_text
from .store import StoredReport
from .textwidth import display_width

CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel open Chinese CSV as UTF-8

# ---------------------------------------------------------------- labels and paths

_COLUMN_LABELS = {c.key: c.label for c in formats.REQUEST_COLUMNS}
_BLOCK_LABELS = {b.key: b.label for b in formats.REVIEW_BLOCKS}
_FIELD_LABELS = {f.key: f.label for f in formats.REVIEW_FIELDS}

def request_row_label(key: str) -> str:
    """A table-三 row as people name it: the group prefixed where the label alone is ambiguous."""
    row = formats.ALL_REQUEST_ROWS[key]
    return f"{row.group}·{row.label}" if row.group and row.group.startswith("（") else row.label


def _active_row(template: str, key: str) -> formats.ActiveRow | None:
    for rows in (formats.active_rows(template), formats.ACTIVE_ROWS_2021, formats.ACTIVE_ROWS_2019):
        for row in rows:
            if row.key == key:
                return row
    return None


def cell_labels(path: str, template: str) -> tuple[str, str]:
    """(row label, column label) of a dotted cell path, as printed in the template."""
    table, row, column = formats.CellPath.parse(path)
    if table == "requests":
        return request_row_label(row), _COLUMN_LABELS[column]
    if table == "review_litigation":
        return _BLOCK_LABELS[row], _FIELD_LABELS[column]
    active = _active_row(template, row)
    if active is None:
        return row, column
    return active.label, next((f.label for f in active.fields if f.key == column), column)


def canonical_paths() -> list[str]:
    """Every cell path of either format, in table order (三, 四, 二): the stable columns of reports.csv."""
    paths = [f"requests.{r.key}.{c}" for r in layout.REQUEST_ROW_ORDER for c in formats.REQUEST_COLUMN_KEYS]
    paths += [f"review_litigation.{b.key}.{f.key}" for b in formats.REVIEW_BLOCKS for f in formats.REVIEW_FIELDS]
    for rows in (formats.ACTIVE_ROWS_2021, formats.ACTIVE_ROWS_2019):
        for row in rows:
            paths += [p for p in (f"active.{row.key}.{f.key}" for f in row.fields) if p not in paths]
    return paths


# ---------------------------------------------------------------- CSV


CELL_COLUMNS = (
    "report_id", "agency", "agency_key", "region", "year", "table", "row", "column",
    "row_label", "column_label", "value", "page", "line", "text", "derived",
)  # fmt: skip
REPORT_COLUMNS = ("id", "path", "agency", "agency_key", "region", "year", "template", "published", "errors", "warnings", "infos")
FINDING_COLUMNS = (
    "report_id", "agency", "agency_key", "region", "year", "rule", "code", "severity", "message",
    "table", "row", "column", "page", "line", "location", "expected", "actual",
)  # fmt: skip


def _csv_value(value: Any) -> Any:
    """A CSV field; text is made safe for spreadsheets (`safe.csv_text`: no formula, no controls)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_value(value)


def _json_or_empty(value: Any) -> Any:
    """A finding's expected or actual value: a number as it is (so that -2 stays a number, not
    text to be defused), anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _whose(item: StoredReport) -> dict[str, Any]:
    """The columns that say which report a cell or finding row belongs to."""
    return {"report_id": item.id, "agency": item.record.agency, "agency_key": item.agency_key, "region": item.region, "year": item.record.year}


def cell_rows(item: StoredReport) -> Iterator[dict[str, Any]]:
    """One row per table cell of a report (the long form of cells.csv)."""
    record = item.record
    for path, value in record.cell_values().items():
        cell = formats.CellPath.parse(path)
        row_label, column_label = cell_labels(path, record.template)
        provenance = record.provenance.get(path)
        yield {
            **_whose(item),
            "table": cell.table.number,
            "row": cell.row,
            "column": cell.column,
            "row_label": row_label,
            "column_label": column_label,
            "value": value,
            "page": provenance.page if provenance else None,
            "line": provenance.line if provenance else None,
            "text": provenance.text if provenance else None,
            "derived": bool(provenance and provenance.derived),
        }


def report_row(item: StoredReport) -> dict[str, Any]:
    record = item.record
    return {
        "id": item.id,
        "path": record.source.path,
        "agency": record.agency,
        "agency_key": item.agency_key,
        "region": item.region,
        "year": record.year,
        "template": record.template,
        "published": record.published,
        "errors": record.count("error"),
        "warnings": record.count("warning"),
        "infos": record.count("info"),
        **record.cell_values(),
    }


def finding_rows(item: StoredReport) -> Iterator[dict[str, Any]]:
    record = item.record
    for finding in record.findings:
        location = finding.location
        yield {
            **_whose(item),
            "rule": finding.rule,
            "code": finding.code,
            "severity": finding.severity,
            "message": finding.message,
            "table": location.get("table"),
            "row": location.get("row"),
            "column": location.get("column") or ("|".join(location["columns"]) if location.get("columns") else None),
            "page": location.get("page"),
            "line": location.get("line"),
            "location": json.dumps(location, ensure_ascii=False),
            "expected": _json_or_empty(finding.expected),
            "actual": _json_or_empty(finding.actual),
        }


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_csv_value(c) for c in columns])
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
            count += 1
    return count


def export_csv(reports: Sequence[StoredReport], folder: Path) -> dict[str, int]:
    """cells.csv (long), reports.csv (wide, one column per cell path), findings.csv; rows written per file."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = canonical_paths()
    seen = set(paths)
    for item in reports:  # a path outside both formats (should not happen) still gets its column
        for path in item.record.cell_values():
            if path not in seen:
                seen.add(path)
                paths.append(path)
    return {
        "cells.csv": _write_csv(folder / "cells.csv", CELL_COLUMNS, (row for item in reports for row in cell_rows(item))),
        "reports.csv": _write_csv(folder / "reports.csv", (*REPORT_COLUMNS, *paths), (report_row(item) for item in reports)),
        "findings.csv": _write_csv(folder / "findings.csv", FINDING_COLUMNS, (row for item in reports for row in finding_rows(item))),
    }


# ---------------------------------------------------------------- JSON Lines


def export_jsonl(reports: Iterable[StoredReport], path: Path) -> int:
    """One record per line, in the record.md contract (cross-year findings included)."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for item in reports:
            handle.write(json.dumps(item.record.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


# ---------------------------------------------------------------- Excel: sheet names

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f-\x9f]")
MAX_SHEET_NAME = 31
SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def sanitize_sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\, no leading/trailing apostrophe, ≤ 31 UTF-16 units.

    `taken` holds the casefolded names already used (Excel compares names case-insensitively);
    the result is added to it.
    """
    base = _INVALID_SHEET_CHARS.sub("_", xlsx_clean(name)).strip().strip("'") or "报告"
    if base.casefold() == "history":  # reserved by Excel
        base += "_"
    suffix_number = 1
    candidate = base
    while True:
        while _utf16_len(candidate) > MAX_SHEET_NAME:
            # Cut the base, never the distinguishing suffix.
            base = base[:-1]
            candidate = base + ("" if suffix_number == 1 else f"~{suffix_number}")
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        suffix_number += 1
        candidate = f"{base}~{suffix_number}"


def sheet_names(reports: Iterable[StoredReport]) -> dict[int, str]:
    """The sheet name of each report: 编号-年度 机关 (shortened)."""
    taken = {SUMMARY_SHEET.casefold(), FINDINGS_SHEET.casefold()}
    names: dict[int, str] = {}
    for item in reports:
        record = item.record
        label = f"{item.id}-{record.year or '未知年度'} {record.agency or '未识别机关'}"
        names[item.id] = sanitize_sheet_name(label, taken)
    return names


# ---------------------------------------------------------------- Excel: styles

FONT_NAME = "宋体"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT = Font(name=FONT_NAME, size=10)
FONT_BOLD = Font(name=FONT_NAME, size=10, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True)
FONT_HEADING = Font(name=FONT_NAME, size=11, bold=True)
FONT_SMALL = Font(name=FONT_NAME, size=9, color="444444")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
SEVERITY_FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# Sheet columns of a report sheet: A–C hold the labels of table 三 (group, sub-group, label),
# D onwards the numbers. Table 二's four columns map to A:C | D:E | F:G | H:J, table 四's
# fifteen to D:R, so that all three tables share one set of column widths.
LABEL_COLUMNS = 3
FIRST_VALUE = LABEL_COLUMNS + 1  # D
ACTIVE_SPANS = ((4, 5), (6, 7), (8, 10))
REVIEW_WIDTH = len(formats.REVIEW_BLOCKS) * len(formats.REVIEW_FIELDS)
COLUMN_WIDTHS = {1: 4.5, 2: 14.0, 3: 40.0} | {c: 10.0 for c in range(FIRST_VALUE, FIRST_VALUE + REVIEW_WIDTH)}
LINE_HEIGHT = 14.0
LAST_COLUMN = FIRST_VALUE + REVIEW_WIDTH - 1  # R


# ---------------------------------------------------------------- Excel: writing a value


def _set(cell: Cell, value: Any) -> Cell:
    """Every value of the workbook is written here: text made storable and never a formula
    (`safe.xlsx_text`) and typed as text explicitly (so that neither "=…" nor "#N/A" from a
    document becomes a formula or an error value); numbers stay numbers."""
    if isinstance(value, str):
        cell.value = xlsx_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _cell(ws: Worksheet, row: int, column: int, value: Any = None) -> Cell:
    cell = ws.cell(row, column)
    assert isinstance(cell, Cell)  # written cells are never inside a merge
    return _set(cell, value) if value is not None else cell


# ---------------------------------------------------------------- Excel: one report sheet


@dataclass
class _Sheet:
    """A report sheet being written: where each cell path and table landed, for highlighting."""

    ws: Worksheet
    row: int = 1
    cells: dict[str, str] = field(default_factory=dict)  # dotted path → coordinate
    headings: dict[str, str] = field(default_factory=dict)  # table 二/三/四 → heading coordinate
    info: str = "A2"

    def put(
        self,
        row: int,
        column: int,
        value: Any,
        *,
        rowspan: int = 1,
        colspan: int = 1,
        font: Font = FONT,
        alignment: Alignment = CENTER,
        fill: PatternFill | None = None,
        border: bool = True,
    ) -> Cell:
        """A value in a (merged) block of cells; every covered cell gets the border so the merge draws whole."""
        for r in range(row, row + rowspan):
            for c in range(column, column + colspan):
                target = self.ws.cell(r, c)
                if border:
                    target.border = BORDER
                if fill is not None:
                    target.fill = fill
        top = self.ws.cell(row, column)
        assert isinstance(top, Cell)  # the top-left of a merge is a real cell
        _set(top, value)
        top.font = font
        top.alignment = alignment
        if rowspan > 1 or colspan > 1:
            self.ws.merge_cells(start_row=row, start_column=column, end_row=row + rowspan - 1, end_column=column + colspan - 1)
        return top

    def header(self, row: int, column: int, text: str, *, rowspan: int = 1, colspan: int = 1) -> Cell:
        return self.put(row, column, text, rowspan=rowspan, colspan=colspan, font=FONT_BOLD, fill=HEADER_FILL)

    def value(self, row: int, column: int, path: str, value: Value, *, colspan: int = 1) -> None:
        cell = self.put(row, column, value, colspan=colspan, alignment=CENTER)
        cell.number_format = "General"
        self.cells[path] = cell.coordinate

    def height(self, row: int, lines: int) -> None:
        current = self.ws.row_dimensions[row].height or LINE_HEIGHT
        self.ws.row_dimensions[row].height = max(current, LINE_HEIGHT * lines + 4)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped label needs in a column `width` characters wide (a CJK character counts 2)."""
    usable = max(1.0, width - 1)
    return max(1, -(-display_width(text) // int(usable)))


def _width(first: int, last: int) -> float:
    return sum(COLUMN_WIDTHS.get(c, 10.0) for c in range(first, last + 1))


def _not_read(sheet: _Sheet) -> None:
    sheet.put(sheet.row, 1, "（未读出此表）", colspan=LABEL_COLUMNS, alignment=LEFT, border=False)
    sheet.row += 1


def _heading(sheet: _Sheet, table: formats.Table, section: formats.Section) -> None:
    sheet.row += 1
    cell = sheet.put(sheet.row, 1, f"{table.number}、{section.title}", colspan=LAST_COLUMN, font=FONT_HEADING, alignment=LEFT, border=False)
    sheet.headings[table.number] = cell.coordinate
    sheet.height(sheet.row, 1)
    sheet.row += 1


# Where the grid columns of each table land on the sheet (first, last sheet column): table 三's
# ten columns one to one from A, table 二's four over A:C | D:E | F:G | H:J, table 四's fifteen
# from D, so that all three tables share one set of column widths.
_SHEET_COLUMNS: dict[formats.Table, tuple[tuple[int, int], ...]] = {
    formats.TABLE_OF_NUMBER["二"]: ((1, LABEL_COLUMNS), *ACTIVE_SPANS),
    formats.TABLE_OF_NUMBER["三"]: tuple((c, c) for c in range(1, LAST_COLUMN + 1)),
    formats.TABLE_OF_NUMBER["四"]: tuple((c, c) for c in range(FIRST_VALUE, LAST_COLUMN + 1)),
}


def _draw(sheet: _Sheet, grid: layout.Grid) -> None:
    """A table of the official layout at the sheet's current row: headers and the 勾稽 note bold
    on grey, labels plain (table 三's row labels left-aligned), every value cell remembered by its path."""
    columns = _SHEET_COLUMNS[grid.table]
    top = sheet.row
    for cell in grid.cells:
        first, last = columns[cell.col][0], columns[cell.last_col][1]
        r = top + cell.row
        if cell.path is not None:
            sheet.value(r, first, str(cell.path), cell.value, colspan=last - first + 1)
        elif cell.kind in ("header", "note"):
            sheet.header(r, first, cell.text, rowspan=cell.rowspan, colspan=last - first + 1)
        else:
            alignment = LEFT if cell.kind == "label" and grid.table.number == "三" else CENTER
            sheet.put(r, first, cell.text, rowspan=cell.rowspan, colspan=last - first + 1, alignment=alignment)
    _fit_rows(sheet, grid, top, columns)
    sheet.row = top + grid.rows


def _fit_rows(sheet: _Sheet, grid: layout.Grid, top: int, columns: tuple[tuple[int, int], ...]) -> None:
    """Rows as tall as their wrapped labels need: the headers right above values in table 二 (its
    field labels) and table 三 (商业企业 …), table 三's row labels and its 勾稽 note (over its
    three header rows); table 四's labels fit their cells."""
    if grid.table.number == "四":
        return
    cover = grid.cover_map()
    for cell in grid.cells:
        width = _width(columns[cell.col][0], columns[cell.last_col][1])
        lines = _lines(cell.text, width)
        if cell.kind == "note" and lines > cell.rowspan:
            sheet.height(top + cell.row, lines - cell.rowspan + 1)
        elif cell.kind == "label" and grid.table.number == "三":
            sheet.height(top + cell.row, lines)
        elif cell.kind == "header" and cell.rowspan == 1 and cover.get((cell.row + 1, cell.col), cell).is_value:
            sheet.height(top + cell.row, lines)


def _tables(sheet: _Sheet, record: Record) -> None:
    """Tables 二, 三 and 四 as the national format prints them, each under its section's heading."""
    grids = layout.record_tables(record)
    for table, section in zip(formats.TABLES, formats.SECTIONS[1:4], strict=True):
        _heading(sheet, table, section)
        grid = grids.grid(table)
        if grid is None:
            _not_read(sheet)
        else:
            _draw(sheet, grid)


def _finding_targets(record: Record, finding: Finding, sheet: _Sheet) -> list[str]:
    """The coordinates a finding concerns: its cell(s), a whole row, a column's 勾稽 cells, a table, or the document."""
    location = finding.location
    name = location.get("table")
    table = formats.TABLE_OF_NUMBER[name].group if name in formats.TABLE_OF_NUMBER else None
    if table is None:
        return [sheet.info]
    row, column, columns = location.get("row"), location.get("column"), location.get("columns")
    prefix = f"{table}."
    cells = [formats.CellPath.parse(p) for p in sheet.cells if p.startswith(prefix)]
    if row is not None:
        cells = [c for c in cells if c.row == row]
    if column is not None:
        cells = [c for c in cells if c.column == column]
    elif columns:
        cells = [c for c in cells if c.column in columns]
    if row is None and column is not None and table == "requests":
        # A column-wide finding (勾稽关系) concerns the four terms of the balance, not every row.
        cells = [c for c in cells if c.row in ("new_received", "carried_over", "total_processed", "carried_forward")]
    paths = [str(c) for c in cells]
    if (row is None and column is None) or not paths:
        return [sheet.headings[name]] if name in sheet.headings else [sheet.info]
    return [sheet.cells[p] for p in paths]


def _highlight(sheet: _Sheet, record: Record) -> dict[int, str]:
    """Fill and comment every cell a finding concerns; returns finding index → first coordinate."""
    by_cell: dict[str, list[Finding]] = {}
    first: dict[int, str] = {}
    for index, finding in enumerate(record.findings):
        targets = _finding_targets(record, finding, sheet)
        first[index] = targets[0]
        for coordinate in targets:
            by_cell.setdefault(coordinate, []).append(finding)
    for coordinate, found in by_cell.items():
        found.sort(key=lambda f: SEVERITY_ORDER[f.severity])
        cell = sheet.ws[coordinate]
        cell.fill = SEVERITY_FILLS[found[0].severity]
        text = "\n".join(f"{SEVERITY_NAMES[f.severity]} {f.code} {f.rule}：{f.message}" for f in found)
        comment = Comment(xlsx_text(text), "gongkai")
        comment.width = 420
        comment.height = min(600, 40 + 18 * sum(_lines(line, 40) for line in text.splitlines()))
        cell.comment = comment
    return first


def _report_sheet(ws: Worksheet, item: StoredReport) -> dict[int, str]:
    record = item.record
    sheet = _Sheet(ws)
    for column, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    title = f"{record.agency or '（未识别机关）'} {record.year or '（未识别年度）'}年度政府信息公开工作年度报告"
    sheet.put(1, 1, title, colspan=LAST_COLUMN, font=FONT_TITLE, alignment=LEFT, border=False)
    ws.row_dimensions[1].height = 24
    info = (
        f"编号 {item.id} · 格式 {record.template} · 落款日期 {record.published or '无'} · "
        f"错误 {record.count('error')} 条，警告 {record.count('warning')} 条，提示 {record.count('info')} 条 · 文件 {record.source.path}"
    )
    sheet.info = sheet.put(2, 1, info, colspan=LAST_COLUMN, font=FONT_SMALL, alignment=LEFT, border=False).coordinate
    sheet.row = 3
    _tables(sheet, record)
    legend = (
        "说明：空白 = 原文空白、“/”、“—”或无法读出（记为空，不等于0）。有底色的单元格有问题："
        "红 = 错误，黄 = 警告，蓝 = 提示；问题说明见单元格批注和“问题”工作表。"
    )
    sheet.put(sheet.row + 1, 1, legend, colspan=LAST_COLUMN, font=FONT_SMALL, alignment=LEFT, border=False)
    ws.row_dimensions[sheet.row + 1].height = 2 * LINE_HEIGHT
    first = _highlight(sheet, record)
    ws.sheet_view.showGridLines = False
    _print_landscape(ws)
    return first


def _print_landscape(ws: Worksheet) -> None:
    """Printed (and converted to PDF) one page wide, as many pages long as needed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


# ---------------------------------------------------------------- Excel: summary and findings sheets


def _header(ws: Worksheet, titles: Sequence[str], widths: Sequence[float]) -> None:
    for column, (title, width) in enumerate(zip(titles, widths), start=1):
        cell = _cell(ws, 1, column, title)
        cell.font, cell.alignment, cell.fill, cell.border = FONT_BOLD, CENTER, HEADER_FILL, BORDER
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    ws.print_title_rows = "1:1"
    _print_landscape(ws)


def _link(cell: Cell | MergedCell, sheet: str, coordinate: str = "A1") -> None:
    # An internal link is a location, not a target URL (which would become an external relationship).
    # Within the quotes of a reference an apostrophe of the sheet's name is doubled.
    quoted = xlsx_clean(sheet).replace("'", "''")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!{coordinate}")
    cell.font = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")


def _summary_sheet(ws: Worksheet, reports: Sequence[StoredReport], names: dict[int, str]) -> None:
    indicators = [i for i in MAIN_INDICATORS if i.kind != "per_report"]
    table = report_table(reports, indicators)
    by_id = {row["id"]: row for row in table.rows}
    titles = ["编号", "工作表", "机关", "地区", "年度", "格式", "落款日期", *(i.name for i in indicators), "错误", "警告", "提示"]
    widths = [7, 26, 30, 16, 8, 8, 12, *(10 for _ in indicators), 7, 7, 7]
    text_columns = {2, 3, 4}
    _header(ws, titles, widths)
    for r, item in enumerate(reports, start=2):
        record = item.record
        row = by_id[item.id]
        values: list[Any] = [item.id, names[item.id], record.agency, item.region, record.year, record.template, record.published]
        values += [row[i.key] for i in indicators]
        values += [record.count("error"), record.count("warning"), record.count("info")]
        for c, value in enumerate(values, start=1):
            cell = _cell(ws, r, c, value)
            cell.font, cell.border = FONT, BORDER
            cell.alignment = LEFT if c in text_columns else CENTER
        _link(ws.cell(r, 2), names[item.id])
        for c, indicator in enumerate(indicators, start=8):
            ws.cell(r, c).number_format = "0.0%" if indicator.kind == "ratio" else "0"
        for c, severity in zip(range(8 + len(indicators), 11 + len(indicators)), ("error", "warning", "info")):
            if ws.cell(r, c).value:
                ws.cell(r, c).fill = SEVERITY_FILLS[severity]
    ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(1, len(reports)) + 1}"


def _findings_sheet(ws: Worksheet, reports: Sequence[StoredReport], names: dict[int, str], targets: dict[int, dict[int, str]]) -> None:
    titles = ["编号", "工作表", "机关", "年度", "级别", "代码", "规则", "说明", "表", "行", "列", "页", "行号", "应为", "实为"]
    widths = [7, 26, 26, 8, 7, 8, 22, 80, 5, 30, 14, 5, 7, 12, 12]
    text_columns = {2, 3, 7, 8, 10, 11}
    _header(ws, titles, widths)
    r = 2
    for item in reports:
        record = item.record
        for index, finding in enumerate(record.findings):
            row_label, column_label = _location_labels(record, finding)
            location = finding.location
            values = [
                item.id, names[item.id], record.agency, record.year, SEVERITY_NAMES[finding.severity], finding.code,
                finding.rule, finding.message, location.get("table"), row_label, column_label,
                location.get("page"), location.get("line"), _plain_json(finding.expected), _plain_json(finding.actual),
            ]  # fmt: skip
            for c, value in enumerate(values, start=1):
                cell = _cell(ws, r, c, value)
                cell.font, cell.border = FONT, BORDER
                cell.alignment = LEFT if c in text_columns else CENTER
            ws.cell(r, 5).fill = SEVERITY_FILLS[finding.severity]
            ws.row_dimensions[r].height = LINE_HEIGHT * _lines(finding.message, widths[7]) + 4
            _link(ws.cell(r, 2), names[item.id], targets[item.id].get(index, "A1"))
            r += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(1, r - 1)}"


def _location_labels(record: Record, finding: Finding) -> tuple[str | None, str | None]:
    """The row and column(s) a finding names, as printed labels (the keys when unknown)."""
    location = finding.location
    number = location.get("table")
    table = formats.TABLE_OF_NUMBER[number].group if number in formats.TABLE_OF_NUMBER else None
    row, columns = location.get("row"), location.get("columns") or ([location["column"]] if location.get("column") else [])
    if table is None or (row is None and not columns):
        return None, None
    if table == "requests":
        row_label = request_row_label(row) if row in formats.ALL_REQUEST_ROWS else row
        column_labels = [_COLUMN_LABELS.get(c, c) for c in columns]
    elif table == "review_litigation":
        row_label = _BLOCK_LABELS.get(row, row) if row else None
        column_labels = [_FIELD_LABELS.get(c, c) for c in columns]
    else:
        active = _active_row(record.template, row) if row else None
        row_label = active.label if active else row
        fields = {f.key: f.label for f in active.fields} if active else {}
        column_labels = [fields.get(c, c) for c in columns]
    return row_label, "、".join(column_labels) or None


def _plain_json(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


def export_xlsx(reports: Sequence[StoredReport], path: Path) -> dict[int, str]:
    """The workbook; returns each report's sheet name."""
    names = sheet_names(reports)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    targets: dict[int, dict[int, str]] = {}
    findings = workbook.create_sheet(FINDINGS_SHEET)
    for item in reports:
        targets[item.id] = _report_sheet(workbook.create_sheet(names[item.id]), item)
    _summary_sheet(summary, reports, names)
    _findings_sheet(findings, reports, names, targets)
    workbook.save(path)
    return names


# ---------------------------------------------------------------- Excel: reading back


def _covering(ws: Worksheet, row: int, column: int) -> Any:
    """The value shown at a position: the top-left value of the merged range covering it."""
    cell = ws.cell(row, column)
    if not isinstance(cell, MergedCell):
        return cell.value
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return ws.cell(merged.min_row, merged.min_col).value
    return None


def _number(value: Any, decimal: bool) -> Value:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    if decimal:
        return float(value)
    return int(value) if isinstance(value, float) and value.is_integer() else value


_ROWS_BY_LABEL = {r.label: r.key for r in formats.ALL_REQUEST_ROWS.values()}
_COLUMNS_BY_LABEL = {c.label: c.key for c in formats.REQUEST_COLUMNS}
_FIELDS_BY_LABEL = {f.label: f.key for f in formats.REVIEW_FIELDS}
_BLOCKS_BY_LEVELS = {layout.block_levels(b): b.key for b in formats.REVIEW_BLOCKS}
_ACTIVE_BY_LABEL: dict[str, list[formats.ActiveRow]] = {}
for _row in formats.ACTIVE_ROWS_2021 + formats.ACTIVE_ROWS_2019:
    _ACTIVE_BY_LABEL.setdefault(_row.label, []).append(_row)


# Where each value of a sheet is: dotted path → (coordinate, whether the value is an amount).
Located = dict[str, tuple[str, bool]]


def _locate_active(ws: Worksheet, out: Located) -> None:
    header: list[tuple[int, str]] = []
    for r in range(1, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if label == formats.CONTENT_HEADER:
            header = [(c, str(ws.cell(r, c).value)) for c in range(FIRST_VALUE, ACTIVE_SPANS[-1][1] + 1) if ws.cell(r, c).value is not None]
            continue
        if not header or not isinstance(label, str) or label not in _ACTIVE_BY_LABEL:
            continue
        labels = [text for _, text in header]
        row = next((x for x in _ACTIVE_BY_LABEL[label] if [f.label for f in x.fields] == labels), None)
        if row is None:
            continue
        for (c, _), field_ in zip(header, row.fields):
            out[f"active.{row.key}.{field_.key}"] = (ws.cell(r, c).coordinate, field_.key in row.decimal)


def _locate_requests(ws: Worksheet, out: Located) -> None:
    top = next((r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == formats.BALANCE_NOTE), None)
    if top is None:
        return
    columns: dict[int, str] = {}
    for c in range(FIRST_VALUE, FIRST_VALUE + len(formats.REQUEST_COLUMNS)):
        label = _covering(ws, top + 2, c)
        if label in _COLUMNS_BY_LABEL:
            columns[c] = _COLUMNS_BY_LABEL[label]
    r = top + 3
    while True:
        # The row's own label is the rightmost label cell that is not covered by a merge from its left.
        labels = [ws.cell(r, c).value for c in range(1, LABEL_COLUMNS + 1) if not isinstance(ws.cell(r, c), MergedCell)]
        label = next((x for x in reversed(labels) if x is not None), None)
        if label not in _ROWS_BY_LABEL:
            return
        key = _ROWS_BY_LABEL[str(label)]
        for c, column in columns.items():
            out[f"requests.{key}.{column}"] = (ws.cell(r, c).coordinate, False)
        r += 1


def _locate_review(ws: Worksheet, out: Located) -> None:
    review = formats.REVIEW_BLOCKS[0]
    top = next((r for r in range(1, ws.max_row + 1) if ws.cell(r, FIRST_VALUE).value == review.label), None)
    if top is None:
        return
    for c in range(FIRST_VALUE, FIRST_VALUE + REVIEW_WIDTH):
        group, middle, low = (_covering(ws, top + i, c) for i in range(3))
        block = _BLOCKS_BY_LEVELS.get((str(group),)) or _BLOCKS_BY_LEVELS.get((str(group), str(middle)))
        field_ = _FIELDS_BY_LABEL.get(str(low))
        if block and field_:
            out[f"review_litigation.{block}.{field_}"] = (ws.cell(top + 3, c).coordinate, False)


def locate_cells(ws: Worksheet) -> dict[str, str]:
    """Where each value of a report sheet is, by dotted path, found from the sheet's labels alone."""
    return {path: coordinate for path, (coordinate, _) in _locate(ws).items()}


def _locate(ws: Worksheet) -> Located:
    out: Located = {}
    _locate_requests(ws, out)
    _locate_review(ws, out)
    _locate_active(ws, out)
    return out


def read_sheet(ws: Worksheet) -> dict[str, Value]:
    """The cell values of one report sheet, by dotted path (an empty cell is null)."""
    return {path: _number(ws[coordinate].value, decimal) for path, (coordinate, decimal) in _locate(ws).items()}


def read_xlsx(path: Path | str) -> dict[str, dict[str, Value]]:
    """Every report sheet of an exported workbook → its cell values by dotted path."""
    workbook = load_workbook(path)
    return {ws.title: read_sheet(ws) for ws in workbook.worksheets if ws.title not in (SUMMARY_SHEET, FINDINGS_SHEET)}


# ---------------------------------------------------------------- the command


FORMATS = ("csv", "xlsx", "jsonl")


def export(reports: Sequence[StoredReport], output: str, out: Path) -> str:
    """Write one export and return a Chinese line saying what was written."""
    if output == "csv":
        counts = export_csv(reports, out)
        files = "，".join(f"{name} {count} 行" for name, count in counts.items())
        return f"已导出 {len(reports)} 份报告到文件夹 {out}：{files}。"
    if output == "jsonl":
        count = export_jsonl(reports, out)
        return f"已导出 {count} 份报告到 {out}（每行一条记录）。"
    export_xlsx(reports, out)
    return f"已导出 {len(reports)} 份报告到 {out}（汇总、每份报告一个工作表、问题清单）。"
